"""Reads of the notification outbox."""

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification, WebhookDelivery, WebhookEndpoint

RECENT_LIMIT = 20


def notification_list_recent(*, user: User, limit: int = RECENT_LIMIT) -> list[Notification]:
    """List a user's latest notifications with their delivery status, newest first."""
    rows: QuerySet[Notification] = (
        Notification.objects.filter(recipient=user)
        .select_related("digest")
        .order_by("-created_at", "-id")
    )
    return list(rows[:limit])


def webhook_endpoint_list(*, seller: User) -> list[WebhookEndpoint]:
    """List a seller's webhook endpoints, oldest first."""
    return list(WebhookEndpoint.objects.filter(seller=seller).order_by("created_at", "id"))


def webhook_delivery_list_recent(
    *, seller: User, limit: int = RECENT_LIMIT
) -> list[WebhookDelivery]:
    """List a seller's latest webhook deliveries, over all endpoints, newest first."""
    rows = (
        WebhookDelivery.objects.filter(endpoint__seller=seller)
        .select_related("endpoint")
        .defer("payload", "endpoint__secret")
        .order_by("-created_at", "-id")
    )
    return list(rows[:limit])
