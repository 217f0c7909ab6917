"""Thin Celery tasks over notifications.services; each takes ids and is idempotent."""

from celery import Task, shared_task

from notifications import services


@shared_task(
    name="notifications.deliver",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The service bounds attempts on the row (NOTIFICATION_MAX_ATTEMPTS); the task only waits.
    max_retries=None,
    soft_time_limit=45,
    time_limit=60,
    ignore_result=True,
)
def notification_deliver(self: Task, notification_id: int) -> str:
    """Deliver one notification row; transient SMTP errors come back after a backoff."""
    outcome = services.notification_deliver(notification_id=notification_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.sweep", acks_late=True, time_limit=120, ignore_result=True)
def notification_sweep() -> int:
    """Enqueue again the pending rows whose tasks were lost."""
    return services.notification_sweep()


@shared_task(name="notifications.send_digests", acks_late=True, time_limit=120, ignore_result=True)
def digests_send() -> int:
    """Send the digests that are due."""
    return services.digests_send()
