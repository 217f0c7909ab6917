"""How long the outboxes keep what they are done with.

Every message writes one notification row per email address it goes to and one webhook
delivery per endpoint, and a sent row is never read again by the delivery path: kept forever,
the outboxes would outgrow the messages themselves (about 2 KB per email against about 330
bytes per message; see SCALING.md). Rows that are finished (sent, failed, skipped or folded
into a digest; delivered or failed webhooks) are deleted once older than
``OUTBOX_RETENTION_DAYS``; pending rows and rows waiting for a digest are never touched.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from notifications.models import (
    Notification,
    NotificationStatus,
    WebhookDelivery,
    WebhookDeliveryStatus,
)

NOTIFICATION_FINISHED = (
    NotificationStatus.SENT,
    NotificationStatus.FAILED,
    NotificationStatus.SKIPPED,
    NotificationStatus.IN_DIGEST,
)
WEBHOOK_FINISHED = (WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED)
BATCH = 2_000


def _purge(
    model: type[models.Model],
    finished: tuple[str, ...],
    *,
    before: datetime,
    batch: int,
    max_batches: int,
) -> int:
    """Walk the table by primary key (oldest first, as ids follow time) and delete old rows.

    Each batch is its own short transaction on the primary key index, so the purge never
    holds locks for long and needs no index on ``created_at``; it stops at the first batch
    that reaches a row newer than ``before``.
    """
    deleted = 0
    after = 0
    for _ in range(max_batches):
        rows = list(
            model._default_manager.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "created_at", "status")[:batch]
        )
        if not rows:
            break
        old = [pk for pk, created, status in rows if created < before and status in finished]
        if old:
            with transaction.atomic():
                if model is Notification:
                    # A digest's items point at it (SET NULL in the model; the database
                    # only checks): detach them before the digest goes.
                    Notification.objects.filter(digest_id__in=old).update(digest=None)
                deleted += model._default_manager.filter(
                    pk__in=old, status__in=finished
                )._raw_delete(model._default_manager.db)
        after = rows[-1][0]
        if rows[-1][1] >= before:
            break
    return deleted


def outbox_purge(
    *, now: datetime | None = None, batch: int = BATCH, max_batches: int = 500
) -> dict[str, int]:
    """Delete the finished outbox rows older than the retention; returns how many of each.

    ``max_batches`` bounds one run (a million rows of each kind at the default batch); the
    next run goes on where the old rows remain.
    """
    days = settings.OUTBOX_RETENTION_DAYS
    if days <= 0:
        return {"notifications": 0, "webhook_deliveries": 0}
    before = (now or timezone.now()) - timedelta(days=days)
    return {
        "notifications": _purge(
            Notification,
            NOTIFICATION_FINISHED,
            before=before,
            batch=batch,
            max_batches=max_batches,
        ),
        "webhook_deliveries": _purge(
            WebhookDelivery,
            WEBHOOK_FINISHED,
            before=before,
            batch=batch,
            max_batches=max_batches,
        ),
    }
