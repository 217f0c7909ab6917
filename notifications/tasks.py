"""Thin Celery tasks over notifications.services; each takes ids and is idempotent."""

from celery import Task, shared_task
from django.conf import settings

from notifications import retention, services, webhooks


@shared_task(
    name="notifications.deliver",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The service bounds attempts on the row (NOTIFICATION_MAX_ATTEMPTS); the task only waits.
    max_retries=None,
    # Room for a whole SMTP session of slow steps: about ten steps (connect, EHLO, STARTTLS
    # and EHLO again, AUTH, MAIL, RCPT, DATA, the message, QUIT), each up to EMAIL_TIMEOUT.
    # Cut short, an email the server accepted would be sent again by the next attempt.
    soft_time_limit=330,
    time_limit=360,
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


@shared_task(
    name="notifications.deliver_webhook",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The service bounds attempts on the row (WEBHOOK_RETRY_SECONDS); the task only waits.
    max_retries=None,
    # Room for the slowest answer the request allows: a 5 s connect, the status line and the
    # first bytes each within WEBHOOK_TIMEOUT_SECONDS (10 s); a slower endpoint times out and
    # is retried by its schedule, it is never cut off after it was posted.
    soft_time_limit=40,
    time_limit=45,
    ignore_result=True,
)
def webhook_deliver(self: Task, delivery_id: int) -> str:
    """POST one webhook delivery; a transient failure comes back after its backoff."""
    outcome = webhooks.webhook_delivery_send(delivery_id=delivery_id)
    # Longer waits are left to the sweep: see WEBHOOK_COUNTDOWN_MAX_SECONDS.
    if outcome.retry_in is not None and outcome.retry_in <= settings.WEBHOOK_COUNTDOWN_MAX_SECONDS:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(
    name="notifications.sweep_webhooks", acks_late=True, time_limit=120, ignore_result=True
)
def webhook_sweep() -> int:
    """Enqueue the webhook deliveries that are due and whose tasks were lost."""
    return webhooks.webhook_sweep()


@shared_task(
    name="notifications.purge_outboxes", acks_late=True, time_limit=1800, ignore_result=True
)
def outbox_purge() -> dict[str, int]:
    """Delete the finished notification and webhook rows older than the retention (beat)."""
    return retention.outbox_purge()
