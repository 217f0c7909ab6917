"""The outboxes forget finished rows after OUTBOX_RETENTION_DAYS, and nothing else."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import (
    Notification,
    NotificationStatus,
    WebhookDelivery,
    WebhookDeliveryStatus,
)
from notifications.retention import outbox_purge
from notifications.tasks import outbox_purge as outbox_purge_task
from tests.notifications.factories import (
    NotificationFactory,
    SellerFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 3, 40, tzinfo=UTC)
OLD = NOW - timedelta(days=91)
RECENT = NOW - timedelta(days=89)


def notification(status: str, created_at: datetime, **extra) -> Notification:
    sent_at = created_at if status == NotificationStatus.SENT else None
    return NotificationFactory(
        recipient=extra.pop("recipient"),
        status=status,
        created_at=created_at,
        sent_at=sent_at,
        **extra,
    )


def test_only_finished_rows_older_than_the_retention_go(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    seller = SellerFactory()
    kept = {
        notification(NotificationStatus.PENDING, OLD, recipient=seller).pk,
        notification(NotificationStatus.WAITING_DIGEST, OLD, recipient=seller).pk,
        notification(NotificationStatus.SENT, RECENT, recipient=seller).pk,
        notification(NotificationStatus.FAILED, RECENT, recipient=seller).pk,
    }
    gone = {
        notification(NotificationStatus.SENT, OLD, recipient=seller).pk,
        notification(NotificationStatus.FAILED, OLD, recipient=seller).pk,
        notification(NotificationStatus.SKIPPED, OLD, recipient=seller).pk,
        notification(NotificationStatus.IN_DIGEST, OLD, recipient=seller).pk,
    }
    endpoint = WebhookEndpointFactory(seller=seller)
    hooks_kept = {
        WebhookDeliveryFactory(endpoint=endpoint, created_at=OLD).pk,  # still pending
        WebhookDeliveryFactory(
            endpoint=endpoint,
            created_at=RECENT,
            status=WebhookDeliveryStatus.DELIVERED,
            delivered_at=RECENT,
        ).pk,
    }
    WebhookDeliveryFactory(
        endpoint=endpoint, created_at=OLD, status=WebhookDeliveryStatus.DELIVERED, delivered_at=OLD
    )
    WebhookDeliveryFactory(endpoint=endpoint, created_at=OLD, status=WebhookDeliveryStatus.FAILED)

    assert outbox_purge(now=NOW) == {"notifications": 4, "webhook_deliveries": 2}

    assert set(Notification.objects.values_list("pk", flat=True)) == kept
    assert not Notification.objects.filter(pk__in=gone).exists()
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == hooks_kept
    # Nothing left to do: a second run deletes nothing.
    assert outbox_purge(now=NOW) == {"notifications": 0, "webhook_deliveries": 0}


def test_a_purged_digest_leaves_its_recent_items_pointing_nowhere(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    seller = SellerFactory()
    digest = notification(NotificationStatus.SENT, OLD, recipient=seller)
    # An item folded in long ago goes with it; one created later (clock skew, a slow digest)
    # stays, detached.
    old_item = notification(NotificationStatus.IN_DIGEST, OLD, recipient=seller, digest=digest)
    late_item = notification(NotificationStatus.IN_DIGEST, RECENT, recipient=seller, digest=digest)

    assert outbox_purge(now=NOW) == {"notifications": 2, "webhook_deliveries": 0}

    assert list(Notification.objects.values_list("pk", "digest_id")) == [(late_item.pk, None)]
    assert not Notification.objects.filter(pk__in=[digest.pk, old_item.pk]).exists()


def test_the_walk_goes_in_batches_and_stops_at_the_first_recent_row(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    seller = SellerFactory()
    for _ in range(5):
        notification(NotificationStatus.SENT, OLD, recipient=seller)
    recent = [notification(NotificationStatus.SENT, RECENT, recipient=seller) for _ in range(6)]

    with CaptureQueriesContext(connection) as queries:
        counts = outbox_purge(now=NOW, batch=2)

    assert counts == {"notifications": 5, "webhook_deliveries": 0}
    assert sorted(Notification.objects.values_list("pk", flat=True)) == [r.pk for r in recent]
    notification_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "notifications_notification" in q["sql"]
    ]
    # Batches of two: [old, old] [old, old] [old, recent] → stop; the recent rows are not read.
    assert len(notification_reads) == 3


def test_max_batches_bounds_one_run_and_the_next_goes_on(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    seller = SellerFactory()
    for _ in range(6):
        notification(NotificationStatus.SENT, OLD, recipient=seller)

    assert outbox_purge(now=NOW, batch=2, max_batches=2)["notifications"] == 4
    assert Notification.objects.count() == 2
    assert outbox_purge(now=NOW, batch=2, max_batches=2)["notifications"] == 2
    assert Notification.objects.count() == 0


def test_zero_days_keeps_everything(settings):
    settings.OUTBOX_RETENTION_DAYS = 0
    seller = SellerFactory()
    notification(NotificationStatus.SENT, NOW - timedelta(days=3000), recipient=seller)

    assert outbox_purge(now=NOW) == {"notifications": 0, "webhook_deliveries": 0}
    assert Notification.objects.count() == 1


def test_the_nightly_task_purges_with_the_setting(settings):
    settings.OUTBOX_RETENTION_DAYS = 1
    seller = SellerFactory()
    notification(NotificationStatus.SENT, datetime.now(UTC) - timedelta(days=2), recipient=seller)
    kept = notification(NotificationStatus.SENT, datetime.now(UTC), recipient=seller)

    assert outbox_purge_task.apply().get() == {"notifications": 1, "webhook_deliveries": 0}
    assert list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]
    assert settings.CELERY_BEAT_SCHEDULE["notifications-outbox-purge"]["task"] == (
        "notifications.purge_outboxes"
    )
