"""The outboxes' backlog, read when the metrics are scraped.

Two cheap queries, one per outbox, over pending rows only: the partial indexes on pending rows
(``notification_pending_idx``, ``webhook_delivery_pending_idx``) keep sent and delivered rows,
nearly all of them, out of the scan, so a scrape costs what the backlog holds.
"""

from collections.abc import Callable, Iterator
from datetime import datetime

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from core.metrics import collector_up
from notifications.models import (
    Notification,
    NotificationStatus,
    WebhookDelivery,
    WebhookDeliveryStatus,
)


class OutboxCollector:
    """Pending rows and the age of the oldest, for the email and the webhook outboxes."""

    def __init__(self, *, clock: Callable[[], datetime] = timezone.now) -> None:
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        try:
            backlogs = {
                "email": Notification.objects.filter(status=NotificationStatus.PENDING)
                .order_by()
                .aggregate(count=Count("id"), oldest=Min("created_at")),
                "webhook": WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING)
                .order_by()
                .aggregate(count=Count("id"), oldest=Min("created_at")),
            }
        except DatabaseError:
            yield collector_up("outbox", False)
            return
        now = self.clock()
        pending = GaugeMetricFamily(
            "messagecenter_outbox_pending",
            "Outbox rows not yet delivered (pending: waiting for a worker or a retry).",
            labels=["outbox"],
        )
        oldest = GaugeMetricFamily(
            "messagecenter_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending row (0 when none is pending).",
            labels=["outbox"],
        )
        for outbox, row in backlogs.items():
            pending.add_metric([outbox], row["count"])
            age = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
            oldest.add_metric([outbox], max(age, 0.0))
        yield pending
        yield oldest
        yield collector_up("outbox", True)
