"""Thin Celery tasks of replies by email; each is idempotent and safe to run again."""

from celery import shared_task

from messaging.relay import services as inbound


@shared_task(
    name="messaging.process_inbound_email", acks_late=True, time_limit=120, ignore_result=True
)
def inbound_email_process(inbound_email_id: int) -> str:
    """Deliver or refuse one stored inbound email (a reply by email)."""
    return inbound.inbound_email_process(inbound_email_id=inbound_email_id)


@shared_task(
    name="messaging.send_inbound_bounce", acks_late=True, time_limit=60, ignore_result=True
)
def inbound_bounce_send(inbound_email_id: int) -> bool:
    """Tell the sender of a refused inbound email why it was refused."""
    return inbound.inbound_bounce_send(inbound_email_id=inbound_email_id)


@shared_task(
    name="messaging.sweep_inbound_emails", acks_late=True, time_limit=120, ignore_result=True
)
def inbound_emails_sweep() -> int:
    """Process again the inbound emails whose processing crashed, and re-send lost bounces."""
    return inbound.inbound_email_sweep()
