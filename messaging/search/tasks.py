"""Thin Celery tasks of search; each is idempotent and safe to run again."""

from celery import shared_task

from messaging.search import services as search


@shared_task(
    name="messaging.sweep_search_refreshes", acks_late=True, time_limit=600, ignore_result=True
)
def search_refreshes_sweep() -> int:
    """Re-index the threads of parties renamed since the last sweep (beat, every 30 seconds)."""
    return search.search_refreshes_run()


@shared_task(
    name="messaging.refresh_party_search_documents",
    acks_late=True,
    time_limit=600,
    ignore_result=True,
)
def party_search_documents_refresh(user_id: int) -> int:
    """Rebuild the search documents of a renamed user's threads (their name is in them)."""
    return search.documents_rebuild_for_party(user_id=user_id)
