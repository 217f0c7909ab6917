"""Every write to a seller's saved replies."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Language, User
from core.errors import ApplicationError, NotFound
from messaging.models import (
    SavedReply,
)
from messaging.policy.content import content_policy_check
from messaging.replies import placeholders as saved_replies

# --- Saved replies ----------------------------------------------------------------------------
SAVED_REPLIES_MAX = 100  # per seller: the thread page offers every one of them


class SavedReplyPolicyViolation(ApplicationError):
    """A saved reply the content policy refuses: nothing is saved, the findings say why."""

    status = 422


def _saved_reply_checked(
    *, seller: User, name: str, body: str, language: str, exclude_id: int | None = None
) -> tuple[str, str]:
    """Return the name and body as they will be stored, or refuse them, every field at once."""
    name = " ".join(name.split())
    body = body.replace("\r\n", "\n").strip()
    problems: list[tuple[str, str, str]] = []  # (code, field, sentence)
    if not name:
        problems.append(("empty_name", "name", _("Give the saved reply a name.")))
    elif len(name) > SavedReply.NAME_MAX_LENGTH:
        problems.append(
            (
                "name_too_long",
                "name",
                _("A name can have at most %(limit)d characters (this one has %(length)d).")
                % {"limit": SavedReply.NAME_MAX_LENGTH, "length": len(name)},
            )
        )
    else:
        taken = SavedReply.objects.filter(seller=seller, name__iexact=name)
        if exclude_id is not None:
            taken = taken.exclude(pk=exclude_id)
        if taken.exists():
            problems.append(
                (
                    "duplicate_name",
                    "name",
                    _("You already have a saved reply named “%(name)s”.") % {"name": name},
                )
            )
    limit = settings.MESSAGE_MAX_LENGTH
    unknown = saved_replies.placeholders_unknown(body)
    if not body:
        problems.append(("empty_body", "body", _("Write the text of the saved reply.")))
    elif len(body) > limit:
        problems.append(
            (
                "body_too_long",
                "body",
                _("A saved reply can have at most %(limit)s characters (this one has %(length)s).")
                % {"limit": f"{limit:,}", "length": f"{len(body):,}"},
            )
        )
    elif unknown:
        problems.append(
            (
                "unknown_placeholder",
                "body",
                saved_replies.unknown_placeholders_message(unknown),
            )
        )
    if language not in Language.values:
        problems.append(("invalid_language", "language", _("Pick English or Spanish.")))
    if problems:
        fields: dict[str, list[str]] = {}
        for _code, field, sentence in problems:
            fields.setdefault(field, []).append(sentence)
        code, _field, sentence = problems[0]
        raise ApplicationError(code, sentence, fields=fields)
    verdict = content_policy_check(body=body)
    if verdict.is_blocked:
        detail = saved_replies.policy_refusal_message(verdict.categories)
        raise SavedReplyPolicyViolation(
            "policy_violation",
            detail,
            fields={"body": [detail]},
            extra={"categories": verdict.categories, "findings": list(verdict.findings)},
        )
    return name, body


@transaction.atomic
def saved_reply_create(
    *, seller: User, name: str, body: str, language: str, now: datetime | None = None
) -> SavedReply:
    """Save a new reply for a seller, after checking its placeholders and the content policy."""
    if not seller.is_seller:
        raise NotFound("No such saved reply.")
    # Locking the seller serializes their creates, so the cap and the name check hold.
    User.objects.select_for_update().filter(pk=seller.pk).first()
    if SavedReply.objects.filter(seller=seller).count() >= SAVED_REPLIES_MAX:
        raise ApplicationError(
            "too_many_saved_replies",
            _("You can keep at most %(limit)d saved replies. Delete one you no longer use.")
            % {"limit": SAVED_REPLIES_MAX},
        )
    name, body = _saved_reply_checked(seller=seller, name=name, body=body, language=language)
    at = now or timezone.now()
    return SavedReply.objects.create(
        seller=seller, name=name, body=body, language=language, created_at=at, updated_at=at
    )


@transaction.atomic
def saved_reply_update(
    *,
    saved_reply: SavedReply,
    name: str | None = None,
    body: str | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> SavedReply:
    """Change a saved reply's name, text or language; what is not given stays as it is."""
    seller = User.objects.select_for_update().get(pk=saved_reply.seller_id)
    new_name, new_body = _saved_reply_checked(
        seller=seller,
        name=saved_reply.name if name is None else name,
        body=saved_reply.body if body is None else body,
        language=saved_reply.language if language is None else language,
        exclude_id=saved_reply.pk,
    )
    saved_reply.name = new_name
    saved_reply.body = new_body
    if language is not None:
        saved_reply.language = language
    saved_reply.updated_at = now or timezone.now()
    saved_reply.save(update_fields=["name", "body", "language", "updated_at"])
    return saved_reply


@transaction.atomic
def saved_reply_delete(*, saved_reply: SavedReply) -> None:
    """Delete a saved reply; messages already sent with it are not touched."""
    SavedReply.objects.filter(pk=saved_reply.pk, seller_id=saved_reply.seller_id).delete()
