"""Thin Celery tasks of conversations; each is idempotent and safe to run again."""

from celery import Task, shared_task

from messaging.threads import sending
from messaging.threads.idempotency import idempotency_keys_purge
from messaging.threads.trash import trash_purge


@shared_task(name="messaging.purge_idempotency_keys")
def idempotency_keys_purge_expired() -> int:
    """Delete the idempotency keys of API sends older than their replay window (beat, hourly)."""
    return idempotency_keys_purge()


@shared_task(
    bind=True,
    name="messaging.release_sending_message",
    acks_late=True,
    ignore_result=True,
    max_retries=3,
)
def sending_message_release(self: Task, message_id: int) -> bool:
    """Deliver a message whose undo time is over (enqueued with a countdown when it is sent).

    A task that comes early (a clock a little behind) waits again; one that comes twice, or
    after the sweep, finds the message delivered and does nothing.
    """
    if sending.message_sending_release(message_id=message_id) is not None:
        return True
    wait = sending.sending_release_wait(message_id=message_id)
    if wait:
        raise self.retry(countdown=wait)
    return False


@shared_task(name="messaging.sweep_sending_messages", acks_late=True, ignore_result=True)
def sending_messages_sweep() -> int:
    """Deliver every message whose undo time is over and whose task was lost (beat, 10 s)."""
    return sending.messages_sending_sweep()


@shared_task(name="messaging.purge_trash", acks_late=True, time_limit=1800, ignore_result=True)
def trash_purge_expired() -> int:
    """Delete for good the threads trashed more than 30 days ago, for their participant (beat)."""
    return trash_purge()
