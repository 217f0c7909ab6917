"""Search documents: appended to as messages are delivered and notes written, rebuilt when a
party is renamed.

A participant's document holds what that participant may see: the thread's header words, its
visible messages and, in the shop's document only, the team's internal notes. The buyer's
document never holds a note, so a buyer never finds a thread by a note's words.
"""

from django.db import connection, transaction

from messaging.models import Message, Participant, ParticipantRole, SearchRefresh, ThreadNote
from messaging.search.selectors import uses_full_text

# --- Writing the documents (PostgreSQL only) -------------------------------------------------
# The words a thread is found by before any message: the order number (its 17 digits and its
# three parts), the product title and the other party's public name.
_HEADER = """
    setweight(to_tsvector('message_search',
        coalesce(replace(o.number, '-', ''), '') || ' ' || coalesce(replace(o.number, '-', ' '), '')
        || ' ' || coalesce(pr.title, '') || ' '
        || CASE WHEN p.role = 'buyer' THEN coalesce(sp.shop_name, su.display_name)
           ELSE bu.display_name END
    ), 'A')
"""


_FROM = """
FROM messaging_participant p
JOIN messaging_thread t ON t.id = p.thread_id
JOIN accounts_user su ON su.id = t.seller_id
JOIN accounts_user bu ON bu.id = t.buyer_id
LEFT JOIN accounts_sellerprofile sp ON sp.user_id = t.seller_id
LEFT JOIN orders_order o ON o.id = t.order_id
LEFT JOIN orders_product pr ON pr.id = t.product_id
"""


# The participant's sort key and folder flags, copied into its document when the document is
# written; a trigger on the participant table (migration 0013) keeps them equal afterwards.
_COPIED = "last_message_at, last_message_is_mine, is_archived, is_deleted"


_COPIED_FROM_P = "p.last_message_at, p.last_message_is_mine, p.is_archived, p.is_deleted"


# The team's internal notes of the thread, in the shop's (seller's) document only.
_NOTES = """
    CASE WHEN p.role = 'seller' THEN to_tsvector('message_search', coalesce((
        SELECT string_agg(n.body, ' ' ORDER BY n.created_at, n.id)
        FROM messaging_threadnote n
        WHERE n.thread_id = p.thread_id {also}
    ), '')) ELSE ''::tsvector END
"""


# A document built by a message or a note also takes the thread's earlier notes: a shop's
# document deleted by a purge comes back with the notes the team still sees. The note being
# added is left to the body, so that it also reaches a document a concurrent transaction
# built first (ON CONFLICT).
_APPEND = f"""
INSERT INTO messaging_searchdocument (participant_id, user_id, {_COPIED}, document)
SELECT p.id, p.user_id, {_COPIED_FROM_P},
    {_HEADER} || {_NOTES.format(also="AND n.id IS DISTINCT FROM %(note_id)s")}
    || to_tsvector('message_search', %(body)s)
{_FROM}
WHERE p.id = ANY(%(participant_ids)s)
ON CONFLICT (participant_id) DO UPDATE
SET document = messaging_searchdocument.document || to_tsvector('message_search', %(body)s)
"""  # noqa: S608 (constant SQL, no input in it)


_REBUILD = f"""
INSERT INTO messaging_searchdocument (participant_id, user_id, {_COPIED}, document)
SELECT p.id, p.user_id, {_COPIED_FROM_P}, {_HEADER} || to_tsvector('message_search', coalesce((
        SELECT string_agg(m.body, ' ' ORDER BY m.created_at, m.id)
        FROM messaging_message m
        WHERE m.thread_id = p.thread_id AND (m.status = 'delivered' OR m.sender_id = p.user_id)
    ), '')) || {_NOTES.format(also="")}
{_FROM}
{{where}}
ON CONFLICT (participant_id) DO UPDATE SET document = EXCLUDED.document,
    last_message_at = EXCLUDED.last_message_at,
    last_message_is_mine = EXCLUDED.last_message_is_mine,
    is_archived = EXCLUDED.is_archived,
    is_deleted = EXCLUDED.is_deleted
"""  # noqa: S608 (constant SQL, no input in it)


# Most messages extend documents that exist: this statement plans in microseconds, where
# _APPEND (seven tables joined for the header) takes milliseconds to plan on every send.
_EXTEND = """
UPDATE messaging_searchdocument
SET document = document || to_tsvector('message_search', %(body)s)
WHERE participant_id = ANY(%(participant_ids)s)
RETURNING participant_id
"""


def _documents_extend(*, body: str, participant_ids: list[int], note_id: int | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_EXTEND, {"body": body, "participant_ids": participant_ids})
        extended = {row[0] for row in cursor.fetchall()}
        # A participant's first words build the document, header included.
        missing = [pk for pk in participant_ids if pk not in extended]
        if missing:
            cursor.execute(_APPEND, {"body": body, "participant_ids": missing, "note_id": note_id})


def document_append(*, message: Message, participant_ids: list[int]) -> None:
    """Add a message's text to the search documents of the participants who may see it."""
    if not uses_full_text() or not participant_ids:
        return
    _documents_extend(body=message.body, participant_ids=participant_ids, note_id=None)


def note_document_append(*, note: ThreadNote, participant: Participant) -> None:
    """Add a team note's text to the shop's search document of its thread, never the buyer's."""
    if participant.role != ParticipantRole.SELLER or participant.thread_id != note.thread_id:
        raise ValueError("A note is searchable by the shop's side of its own thread only.")
    if not uses_full_text():
        return
    _documents_extend(body=note.body, participant_ids=[participant.pk], note_id=note.pk)


def documents_rebuild() -> int:
    """Rebuild every participant's search document from the stored messages and notes.

    Returns how many it wrote. For data written in bulk without the services (the benchmark
    seed).
    """
    if not uses_full_text():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_REBUILD.format(where=""))
        count = cursor.rowcount
        cursor.execute("ANALYZE messaging_searchdocument")
    return count


def documents_rebuild_for_party(*, user_id: int) -> int:
    """Rebuild the documents of every thread a user takes part in; return how many.

    A document holds the other party's public name, so a renamed shop or buyer is found by
    the new name (and no longer by the old one) once this has run.
    """
    if not uses_full_text():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _REBUILD.format(where="WHERE t.seller_id = %(user_id)s OR t.buyer_id = %(user_id)s"),
            {"user_id": user_id},
        )
        return cursor.rowcount


def search_refreshes_run(*, limit: int = 20) -> int:
    """Rebuild the documents of parties renamed since the last run; return how many parties.

    Each ``SearchRefresh`` row (written by the rename triggers) is taken under a lock that
    other runs skip, rebuilt and deleted in one transaction. A rename made meanwhile waits for
    that commit and writes a new row, which the next run takes.
    """
    done = 0
    for _ in range(limit):
        with transaction.atomic():
            row = (
                SearchRefresh.objects.select_for_update(skip_locked=True)
                .order_by("requested_at")
                .first()
            )
            if row is None:
                break
            documents_rebuild_for_party(user_id=row.user_id)
            row.delete()
        done += 1
    return done
