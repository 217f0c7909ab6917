"""Finding threads: full-text search on PostgreSQL, a substring match on other databases.

On PostgreSQL every participant has a search document (messaging.models.SearchDocument):
the order number, the product, the other party's name, and the text of every message that
participant may see. A message is added to it when it is delivered (both sides) or blocked
(its sender only), so the other side's blocked text is never searchable. A GIN index on
(user, document) finds a user's matching threads without reading anyone else's. Each document
also carries its participant's last activity and folder flags (copied by a trigger, migration
0013), so a search of the big folders (all, inbox, sent, archived) picks its page among the
documents alone: for words in many threads the planner walks the user's documents newest
first and stops at a page, for rarer ones it takes the GIN index and sorts the few matches.

Words are matched whole and all must appear, whatever their accents: the "message_search"
configuration (migration 0010) is PostgreSQL's "simple" one (lower-cased, no stemming, so
English and Spanish behave alike) behind the "unaccent" dictionary, so "envio" finds "envío".
Elsewhere (SQLite) each word must appear as a substring of the same fields, accents included.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import BigIntegerField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast

from accounts.models import User
from messaging.models import Message, MessageStatus, SearchDocument
from messaging.querysets import Folder, ParticipantQuerySet, folder_condition

# The text search configuration of the documents and the queries (migration 0010).
CONFIG = "message_search"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
ORDER_NUMBER = re.compile(r"\b(\d{3})-(\d{7})-(\d{7})\b")
ORDER_DIGITS = re.compile(r"^\d{17}$")


@dataclass(frozen=True)
class ThreadFilters:
    """What the user narrowed an inbox folder to; empty fields do not filter."""

    text: str = ""
    topic: str = ""
    # Last activity in the thread at or after ``active_from`` and before ``active_before``.
    active_from: datetime | None = None
    active_before: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (search_terms(self.text) or self.topic or self.active_from or self.active_before)


def search_terms(text: str) -> list[str]:
    """Split a query into lower-case words; an order number becomes its 17 digits."""
    text = ORDER_NUMBER.sub(r"\1\2\3", text[:MAX_QUERY_LENGTH])
    return re.findall(r"\w+", text.lower())[:MAX_TERMS]


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def threads_filter(
    rows: ParticipantQuerySet,
    *,
    user: User,
    filters: ThreadFilters,
    full_text: bool | None = None,
) -> ParticipantQuerySet:
    """Narrow a user's participant rows to the threads matching ``filters``.

    ``full_text=False`` forces the substring match (it is the unindexed baseline the
    benchmark compares the index with).
    """
    if filters.topic:
        rows = rows.filter(thread__topic=filters.topic)
    if filters.active_from is not None:
        rows = rows.filter(last_message_at__gte=filters.active_from)
    if filters.active_before is not None:
        rows = rows.filter(last_message_at__lt=filters.active_before)
    terms = search_terms(filters.text)
    if not terms:
        return rows
    if uses_full_text() if full_text is None else full_text:
        return rows.filter(document_match(user=user, terms=terms, prefix="search_document__"))
    return _substring_filter(rows, user=user, terms=terms)


# The folders whose filter a search document carries (its copied flags, SearchDocument).
# The others, needs response and unread, are small by nature and searched through their own
# participant index.
DOCUMENT_FOLDERS = frozenset({Folder.ALL, Folder.INBOX, Folder.SENT, Folder.ARCHIVED})


def documents_filter(
    *, user: User, folder: str, filters: ThreadFilters
) -> QuerySet[SearchDocument] | None:
    """The user's search documents in a folder matching ``filters``, alone (PostgreSQL).

    None where the documents cannot answer without the participant rows: no words to look
    for, a topic (it is the thread's), a folder whose flags they do not carry, or SQLite.
    """
    terms = search_terms(filters.text)
    if not terms or filters.topic or folder not in DOCUMENT_FOLDERS or not uses_full_text():
        return None
    documents = SearchDocument.objects.filter(
        document_match(user=user, terms=terms), folder_condition(folder), is_deleted=False
    )
    if filters.active_from is not None:
        documents = documents.filter(last_message_at__gte=filters.active_from)
    if filters.active_before is not None:
        documents = documents.filter(last_message_at__lt=filters.active_before)
    return documents


def document_match(*, user: User, terms: list[str], prefix: str = "") -> Q:
    """The search documents of ``user`` holding every term (``prefix`` reaches them)."""
    return Q(
        **{
            # Typed as bigint, the user id is looked up in the GIN index (btree_gin has no
            # int8-to-int4 operator, so an untyped id would only filter after the scan).
            f"{prefix}user_id": Cast(Value(user.pk), output_field=BigIntegerField()),
            f"{prefix}document": SearchQuery(" ".join(terms), config=CONFIG, search_type="plain"),
        }
    )


def _counterpart_matches(*, user: User, term: str) -> Q:
    """The other party's public name (a seller's shop name, else the display name) has term."""
    if user.is_seller:
        return Q(thread__buyer__display_name__icontains=term)
    return Q(thread__seller__seller_profile__shop_name__icontains=term) | Q(
        thread__seller__seller_profile__isnull=True, thread__seller__display_name__icontains=term
    )


def _substring_filter(
    rows: ParticipantQuerySet, *, user: User, terms: list[str]
) -> ParticipantQuerySet:
    for term in terms:
        number = f"{term[:3]}-{term[3:10]}-{term[10:]}" if ORDER_DIGITS.match(term) else term
        visible = Message.objects.filter(
            Q(status=MessageStatus.DELIVERED) | Q(sender_id=user.pk),
            thread_id=OuterRef("thread_id"),
            body__icontains=term,
        )
        rows = rows.filter(
            Exists(visible)
            | Q(thread__order__number__icontains=number)
            | Q(thread__product__title__icontains=term)
            | _counterpart_matches(user=user, term=term)
        )
    return rows


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
_APPEND = f"""
INSERT INTO messaging_searchdocument (participant_id, user_id, {_COPIED}, document)
SELECT p.id, p.user_id, {_COPIED_FROM_P}, {_HEADER} || to_tsvector('message_search', %(body)s)
{_FROM}
WHERE p.id = ANY(%(participant_ids)s)
ON CONFLICT (participant_id) DO UPDATE
SET document = messaging_searchdocument.document || to_tsvector('message_search', %(body)s)
"""
_REBUILD = f"""
INSERT INTO messaging_searchdocument (participant_id, user_id, {_COPIED}, document)
SELECT p.id, p.user_id, {_COPIED_FROM_P}, {_HEADER} || to_tsvector('message_search', coalesce((
        SELECT string_agg(m.body, ' ' ORDER BY m.created_at, m.id)
        FROM messaging_message m
        WHERE m.thread_id = p.thread_id AND (m.status = 'delivered' OR m.sender_id = p.user_id)
    ), ''))
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


def document_append(*, message: Message, participant_ids: list[int]) -> None:
    """Add a message's text to the search documents of the participants who may see it."""
    if not uses_full_text() or not participant_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_EXTEND, {"body": message.body, "participant_ids": participant_ids})
        extended = {row[0] for row in cursor.fetchall()}
        # A participant's first visible message builds the document, header included.
        missing = [pk for pk in participant_ids if pk not in extended]
        if missing:
            cursor.execute(_APPEND, {"body": message.body, "participant_ids": missing})


def documents_rebuild() -> int:
    """Rebuild every participant's search document from the stored messages; return how many.

    For data written in bulk without the services (the benchmark seed).
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
