"""Thin Celery tasks of search; each is idempotent and safe to run again."""

from celery import shared_task


@shared_task(
    name="messaging.refresh_party_search_documents",
    acks_late=True,
    time_limit=600,
    ignore_result=True,
)
def party_search_documents_refresh(user_id: int) -> int:
    """Rebuild the search documents of a renamed user's threads (their name is in them)."""
    from messaging.search import services as search

    return search.documents_rebuild_for_party(user_id=user_id)
