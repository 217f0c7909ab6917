"""Reads of moderation: the restriction in force on a seller, reports, staff's policy feedback."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max

from messaging.models import (
    CaseKind,
    FeedbackKind,
    ModerationCase,
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


def report_dates_for_reporter(
    *, reporter_id: int, thread_id: int, message_ids: Collection[int] | None = None
) -> dict[int, datetime]:
    """When the reporter last reported each message of a thread they reported: one query.

    Whatever became of the report (open, dismissed, confirmed), the message stays reported by
    them. ``message_ids`` narrows the look-up to those messages.
    """
    reports = ModerationCase.objects.filter(
        kind=CaseKind.REPORT, reporter_id=reporter_id, message__thread_id=thread_id
    )
    if message_ids is not None:
        reports = reports.filter(message_id__in=message_ids)
    rows = reports.order_by().values("message_id").annotate(at=Max("created_at"))
    return {row["message_id"]: row["at"] for row in rows}


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
