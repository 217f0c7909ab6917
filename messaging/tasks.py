"""Thin Celery tasks over the response clock; each is idempotent and safe to run again."""

from celery import shared_task
from django.utils import timezone

from messaging import response_clock


@shared_task(
    name="messaging.send_response_reminders", acks_late=True, time_limit=240, ignore_result=True
)
def response_reminders_send() -> int:
    """Remind sellers of threads whose response deadline is near (every few minutes)."""
    return response_clock.send_response_reminders(now=timezone.now())


@shared_task(
    name="messaging.snapshot_response_metrics", acks_late=True, time_limit=900, ignore_result=True
)
def response_metrics_snapshot() -> int:
    """Keep every seller's response-time metric as it stood after yesterday (nightly)."""
    return response_clock.snapshot_response_metrics(now=timezone.now())


@shared_task(
    name="messaging.process_inbound_email", acks_late=True, time_limit=120, ignore_result=True
)
def inbound_email_process(inbound_email_id: int) -> str:
    """Deliver or refuse one stored inbound email (a reply by email)."""
    from messaging import inbound

    return inbound.inbound_email_process(inbound_email_id=inbound_email_id)


@shared_task(
    name="messaging.send_inbound_bounce", acks_late=True, time_limit=60, ignore_result=True
)
def inbound_bounce_send(inbound_email_id: int) -> bool:
    """Tell the sender of a refused inbound email why it was refused."""
    from messaging import inbound

    return inbound.inbound_bounce_send(inbound_email_id=inbound_email_id)


@shared_task(
    name="messaging.sweep_inbound_emails", acks_late=True, time_limit=120, ignore_result=True
)
def inbound_emails_sweep() -> int:
    """Process again the inbound emails whose processing crashed, and re-send lost bounces."""
    from messaging import inbound

    return inbound.inbound_email_sweep()


@shared_task(
    name="messaging.refresh_party_search_documents",
    acks_late=True,
    time_limit=600,
    ignore_result=True,
)
def party_search_documents_refresh(user_id: int) -> int:
    """Rebuild the search documents of a renamed user's threads (their name is in them)."""
    from messaging import search

    return search.documents_rebuild_for_party(user_id=user_id)
