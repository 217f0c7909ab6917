"""Reads of moderation: the restriction in force on a seller, staff's policy feedback."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings

from messaging.models import (
    FeedbackKind,
    PolicyFeedback,
    SellerRestriction,
)
from messaging.policy.evaluation import corpus_text


def restriction_get_active(*, seller_id: int, now: datetime) -> SellerRestriction | None:
    """The restriction in force for a seller at ``now`` (the one ending last), if any."""
    return (
        SellerRestriction.objects.filter(seller_id=seller_id, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at", "-id")
        .first()
    )


def policy_feedback_corpus_list(
    *, since: datetime | None = None, kinds: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Staff's policy labels as corpus lines (``{id, lang, text, expected, categories, tags}``).

    In label order (id ``fb-<pk>``); a label made since ``since`` only, of ``kinds`` only if
    given. A label whose sender's language was unknown gets the site's default language.
    """
    labels = PolicyFeedback.objects.order_by("pk")
    if since is not None:
        labels = labels.filter(created_at__gte=since)
    if kinds:
        labels = labels.filter(kind__in=kinds)
    return [
        {
            "id": f"fb-{pk}",
            "lang": language or settings.LANGUAGE_CODE,
            "text": corpus_text(text, filenames),
            "expected": "allow" if kind == FeedbackKind.FALSE_POSITIVE else "block",
            "categories": list(categories) or ["none"],
            "tags": ["feedback", kind],
        }
        for pk, kind, language, text, filenames, categories in labels.values_list(
            "pk", "kind", "language", "text", "filenames", "categories"
        )
    ]
