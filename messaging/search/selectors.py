"""Finding threads: full-text search on PostgreSQL, an accent-folded substring match elsewhere.

On PostgreSQL every participant has a search document (``messaging.models.SearchDocument``)
which ``messaging.search.services`` keeps; this module turns a query into filters over them.
The shop's side of a thread is also found by its team's internal notes; the buyer's never is.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import BigIntegerField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from accounts.models import User
from messaging.models import (
    Message,
    MessageStatus,
    ParticipantRole,
    SearchDocument,
    ThreadNote,
)
from messaging.models.folders import Folder, folder_condition
from messaging.models.threads import ParticipantQuerySet
from messaging.search.folding import Folded, fold

# The text search configuration of the documents and the queries (migration 0010).
CONFIG = "message_search"


MAX_QUERY_LENGTH = 200


MAX_TERMS = 10


ORDER_NUMBER = re.compile(r"\b(\d{3})-(\d{7})-(\d{7})\b")


ORDER_DIGITS = re.compile(r"^\d{17}$")


# The assignee filter's value for the threads assigned to no one.
ASSIGNEE_NONE = "none"


@dataclass(frozen=True)
class ThreadFilters:
    """What the user narrowed an inbox folder to; empty fields do not filter."""

    text: str = ""
    topic: str = ""
    # Last activity in the thread at or after ``active_from`` and before ``active_before``.
    active_from: datetime | None = None
    active_before: datetime | None = None
    # A seller team's threads assigned to this person (their user id), or to no one ("none").
    assignee: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            search_terms(self.text)
            or self.topic
            or self.active_from
            or self.active_before
            or self.assignee
        )


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
    if filters.assignee == ASSIGNEE_NONE:
        rows = rows.filter(assignee__isnull=True)
    elif filters.assignee:
        rows = rows.filter(assignee_id=int(filters.assignee))
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
    for, a topic (it is the thread's), an assignee (the participant's), a folder whose flags
    they do not carry, or SQLite.
    """
    terms = search_terms(filters.text)
    if (
        not terms
        or filters.topic
        or filters.assignee
        or folder not in DOCUMENT_FOLDERS
        or not uses_full_text()
    ):
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
        return Q(Contains(Folded("thread__buyer__display_name"), term))
    return Q(Contains(Folded("thread__seller__seller_profile__shop_name"), term)) | Q(
        Contains(Folded("thread__seller__display_name"), term),
        thread__seller__seller_profile__isnull=True,
    )


def _substring_filter(
    rows: ParticipantQuerySet, *, user: User, terms: list[str]
) -> ParticipantQuerySet:
    """Every term in a visible message, the order number, the product or the other's name.

    On the shop's side also in a note of its team (never on the buyer's: the role is checked
    on the row, not only on the user). Text and terms are compared folded
    (``messaging.search.folding``): "ceramica" finds "Cerámica" and the other way round, as
    the full-text search does on PostgreSQL.
    """
    for raw in terms:
        term = fold(raw) or ""
        number = f"{raw[:3]}-{raw[3:10]}-{raw[10:]}" if ORDER_DIGITS.match(raw) else raw
        visible = Message.objects.filter(
            Q(status=MessageStatus.DELIVERED) | Q(sender_id=user.pk),
            Contains(Folded("body"), term),
            thread_id=OuterRef("thread_id"),
        )
        matches = (
            Q(Exists(visible))
            | Q(thread__order__number__icontains=number)
            | Q(Contains(Folded("thread__product__title"), term))
            | _counterpart_matches(user=user, term=term)
        )
        if user.is_seller:
            noted = ThreadNote.objects.filter(
                Contains(Folded("body"), term), thread_id=OuterRef("thread_id")
            )
            matches |= Q(Exists(noted), role=ParticipantRole.SELLER)
        rows = rows.filter(matches)
    return rows
