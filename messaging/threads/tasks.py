"""Thin Celery tasks of conversations; each is idempotent and safe to run again."""

from celery import shared_task

from messaging.threads.idempotency import idempotency_keys_purge


@shared_task(name="messaging.purge_idempotency_keys")
def idempotency_keys_purge_expired() -> int:
    """Delete the idempotency keys of API sends older than their replay window (beat, hourly)."""
    return idempotency_keys_purge()
