"""Thin Celery tasks of evidence exports; each is idempotent and safe to run again."""

from celery import shared_task

from messaging.evidence import services


@shared_task(
    name="messaging.build_evidence_export",
    acks_late=True,
    reject_on_worker_lost=True,
    # A thread of thousands of messages and hundreds of megabytes of files. The row's claim
    # (EVIDENCE_CLAIM_TIMEOUT, 1,900 s) outlives the hard limit.
    soft_time_limit=1700,
    time_limit=1800,
    ignore_result=True,
)
def evidence_export_build(export_id: int) -> str:
    """Build one export's PDF and signed ZIP."""
    return services.evidence_export_build(export_id=export_id)


@shared_task(
    name="messaging.sweep_evidence_exports", acks_late=True, time_limit=300, ignore_result=True
)
def evidence_exports_sweep() -> dict[str, int]:
    """Enqueue again the exports whose task was lost; delete expired files (beat, every minute)."""
    return services.evidence_export_sweep()
