"""Writes to accounts: notification preferences and a seller team's extra addresses."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import (
    DigestInterval,
    Language,
    NotificationAddress,
    NotificationMode,
    UndoSendSeconds,
    User,
)
from core.errors import ApplicationError, NotFound


@transaction.atomic
def notification_preference_update(
    *, user: User, mode: str, digest_interval_minutes: int | None = None
) -> User:
    """Choose how a user hears about new messages: each one, a digest every N minutes, or not."""
    if mode not in NotificationMode.values:
        raise ApplicationError(
            "invalid_mode", _("Pick how to be notified."), fields={"mode": [_("Pick an option.")]}
        )
    interval = digest_interval_minutes or user.digest_interval_minutes
    if interval not in DigestInterval.values:
        detail = _("Pick how often the digest is sent.")
        raise ApplicationError(
            "invalid_interval", detail, fields={"digest_interval_minutes": [detail]}
        )
    User.objects.filter(pk=user.pk).update(notification_mode=mode, digest_interval_minutes=interval)
    user.notification_mode, user.digest_interval_minutes = mode, interval
    return user


def undo_send_preference_update(*, user: User, seconds: int) -> User:
    """Choose how long a sent message can be taken back before the other side gets it."""
    if seconds not in UndoSendSeconds.values:
        detail = _("Pick how long you can undo a message.")
        raise ApplicationError("invalid_undo_seconds", detail, fields={"seconds": [detail]})
    User.objects.filter(pk=user.pk).update(undo_send_seconds=seconds)
    user.undo_send_seconds = seconds
    return user


@transaction.atomic
def notification_address_add(*, user: User, email: str) -> NotificationAddress:
    """Send a seller's notification emails also to a team member's address."""
    if not user.is_seller:
        raise ApplicationError("not_seller", _("Only sellers can add team addresses."))
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        detail = _("Enter a valid email address.")
        raise ApplicationError("invalid_email", detail, fields={"email": [detail]}) from None
    if address == user.email.lower():
        detail = _("This is already your account's address.")
        raise ApplicationError("duplicate_email", detail, fields={"email": [detail]})
    # Locking the user row serializes concurrent additions, so the cap holds.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = list(NotificationAddress.objects.filter(user=user).values_list("email", flat=True))
    if address in existing:
        detail = _("This address is already on the list.")
        raise ApplicationError("duplicate_email", detail, fields={"email": [detail]})
    if len(existing) >= NotificationAddress.MAX_PER_USER:
        detail = _("You can add at most %(count)d addresses.") % {
            "count": NotificationAddress.MAX_PER_USER
        }
        raise ApplicationError("too_many_addresses", detail, fields={"email": [detail]})
    try:
        with transaction.atomic():
            return NotificationAddress.objects.create(user=user, email=address)
    except IntegrityError:
        detail = _("This address is already on the list.")
        raise ApplicationError("duplicate_email", detail, fields={"email": [detail]}) from None


def notification_address_remove(*, user: User, address_id: int) -> None:
    """Stop sending a seller's notification emails to one of the team's addresses."""
    deleted, _rows = NotificationAddress.objects.filter(user=user, pk=address_id).delete()
    if not deleted:
        raise NotFound(_("No such address."))


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Save the language a user reads the site and their emails in."""
    if language not in Language.values:
        detail = _("Pick a language.")
        raise ApplicationError("invalid_language", detail, fields={"language": [detail]})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user
