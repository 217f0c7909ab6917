"""Thin Celery tasks over the response clock; each is idempotent and safe to run again."""

from celery import shared_task
from django.utils import timezone

from messaging.clock import services as response_clock


@shared_task(
    name="messaging.send_response_reminders", acks_late=True, time_limit=240, ignore_result=True
)
def response_reminders_send() -> int:
    """Remind sellers of threads whose response deadline is near (every few minutes)."""
    return response_clock.response_reminders_send(now=timezone.now())


@shared_task(
    name="messaging.snapshot_response_metrics", acks_late=True, time_limit=900, ignore_result=True
)
def response_metrics_snapshot() -> int:
    """Keep every seller's response-time metric as it stood after yesterday (nightly)."""
    return response_clock.response_metrics_snapshot(now=timezone.now())
