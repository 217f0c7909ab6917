"""Thin Celery tasks of accounts; each is idempotent and safe to run again."""

from celery import shared_task

from accounts.ratelimit import rate_limit_windows_purge


@shared_task(name="accounts.purge_rate_limit_windows", ignore_result=True)
def rate_limit_windows_purge_expired() -> int:
    """Delete the rate-limit windows counted in the database that have ended (beat, hourly)."""
    return rate_limit_windows_purge()
