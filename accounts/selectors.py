"""Reads of accounts data."""

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import NotificationAddress, User


def notification_address_list(*, user: User) -> QuerySet[NotificationAddress]:
    """List the extra addresses that receive a user's notification emails."""
    return NotificationAddress.objects.filter(user=user).order_by("created_at", "id")


def notification_addresses_for(*, user: User) -> list[str]:
    """Return every address a user's notification emails go to, the account's own first."""
    addresses = [user.email]
    if user.is_seller:
        extra = notification_address_list(user=user).values_list("email", flat=True)
        addresses += [email for email in extra if email.lower() != user.email.lower()]
    return addresses


def undo_send_seconds_for(*, user: User) -> int:
    """How long a user's sent messages can be taken back: their choice, else the default."""
    if user.undo_send_seconds is not None:
        return user.undo_send_seconds
    return max(0, settings.MESSAGE_UNDO_SECONDS)
