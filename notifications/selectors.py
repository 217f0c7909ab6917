"""Reads of the notification outbox."""

from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import User
from core.errors import NotFound
from core.pagination import Page, decode_cursor, encode_cursor
from notifications.models import Notification, WebhookDelivery, WebhookEndpoint

RECENT_LIMIT = 20
DELIVERY_PAGE_SIZE = 25
DELIVERY_MAX_PAGE_SIZE = 100


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


def webhook_endpoint_get(*, seller: User, endpoint_id: int) -> WebhookEndpoint:
    """Fetch one of the seller's endpoints, or raise NotFound whether or not it exists."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, seller=seller).first()
    if endpoint is None:
        raise NotFound("No such endpoint.")
    return endpoint


def webhook_delivery_page(
    *,
    endpoint: WebhookEndpoint,
    cursor: str | None = None,
    limit: int = DELIVERY_PAGE_SIZE,
) -> Page[WebhookDelivery]:
    """List one page of an endpoint's deliveries, newest first, keyset-paginated."""
    rows = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .defer("payload")
        .order_by("-created_at", "-id")
    )
    limit = max(1, min(limit, DELIVERY_MAX_PAGE_SIZE))
    if cursor:
        at, last_id = decode_cursor(cursor, types=(datetime, int))
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=last_id))
    items = list(rows[: limit + 1])
    last = items[limit - 1] if len(items) > limit else None
    next_cursor = encode_cursor(last.created_at, last.id) if last is not None else None
    return Page(items=items[:limit], next_cursor=next_cursor)
