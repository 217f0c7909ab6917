"""Reads of the notification outbox."""

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification

RECENT_LIMIT = 20


def notification_list_recent(*, user: User, limit: int = RECENT_LIMIT) -> list[Notification]:
    """List a user's latest notifications with their delivery status, newest first."""
    rows: QuerySet[Notification] = (
        Notification.objects.filter(recipient=user)
        .select_related("digest")
        .order_by("-created_at", "-id")
    )
    return list(rows[:limit])
