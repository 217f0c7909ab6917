"""Every read of threads and messages. Scoping to the user is the permission check."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.db.models.query import RawQuerySet
from django.utils.translation import gettext as _

from accounts.models import ShopMember, User
from core.errors import ApplicationError, NotFound
from core.pagination import Page, decode_cursor, encode_cursor
from messaging.models import (
    Message,
    MessageStatus,
    Participant,
    ParticipantRole,
    SellerRestriction,
    Thread,
)
from messaging.models.folders import BUYER_FOLDERS, SELLER_FOLDERS, Folder
from messaging.models.threads import ParticipantQuerySet
from messaging.search import selectors as search
from messaging.search.selectors import ThreadFilters
from orders.models import Order

_RowsT = TypeVar("_RowsT", bound=QuerySet[Any])


PAGE_SIZE = 25


MAX_PAGE_SIZE = 100


# A search shows "1,000+ results" rather than count every thread a common word is in.
MATCH_COUNT_CAP = 1000


# Folder tabs show "999+" above this many threads.
FOLDER_COUNT_CAP = 999


# Values no row holds, put where a statement compiled once takes the request's own.
_STAND_IN_USER = -7_000_000_001
_STAND_IN_PERSON = -7_000_000_002
_STAND_IN_ID = -7_000_000_003
_STAND_IN_AT = datetime(1900, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


@dataclass(frozen=True)
class _Statement:
    """SQL the ORM compiled once, and where each call's values go into its parameters.

    Building and compiling a queryset costs more Python than the database takes to answer
    the indexed reads of an inbox page; the statement's text only changes with its shape.
    """

    sql: str
    params: tuple[Any, ...]
    # For each parameter: the index of the call's value that replaces it, or -1 (a constant).
    slots: tuple[int, ...]

    @classmethod
    def of(
        cls,
        sql: str,
        params: Sequence[Any],
        stand_ins: Sequence[Any],
        *,
        optional: frozenset[int] | set[int] = frozenset(),
    ) -> _Statement:
        slots = tuple(
            next((i for i, stand_in in enumerate(stand_ins) if param == stand_in), -1)
            for param in params
        )
        # Each stand-in must be found (but the person, which only *Mine* reads).
        missing = set(range(len(stand_ins))) - set(slots) - set(optional)
        if missing:
            raise ValueError(f"stand-ins {missing} are not parameters of {sql}")
        return cls(sql=sql, params=tuple(params), slots=slots)

    def params_for(self, values: Sequence[Any]) -> list[Any]:
        return [
            constant if slot < 0 else values[slot]
            for constant, slot in zip(self.params, self.slots, strict=True)
        ]


def folder_list_for_user(user: User) -> tuple[Folder, ...]:
    return SELLER_FOLDERS if user.is_seller else BUYER_FOLDERS


def folder_default_for_user(user: User) -> Folder:
    return folder_list_for_user(user)[0]


# What a list row (an inbox row, an API thread) shows of the users, order, product and last
# message beside each thread. The rest (a user's password hash and settings, a message's
# findings and review, an order's amounts and dates) would be read and turned into Python
# objects 26 times a page for nothing.
_LISTED_FIELDS = (
    *(f.name for f in Thread._meta.concrete_fields),
    "order__number",
    "product__title",
    "product__image",  # its picture's version names the thumbnail's URL
    "buyer__display_name",
    "buyer__role",
    "seller__display_name",
    "seller__role",
    "seller__seller_profile__shop_name",
    "last_message__thread_id",
    "last_message__sender_id",
    "last_message__sender_role",
    "last_message__kind",
    "last_message__status",
    "last_message__body",
    "last_message__created_at",
)


@functools.cache
def _listed_threads(*, listed_only: bool) -> QuerySet[Thread]:
    """Threads with what an inbox row shows of them: subject, both parties, last message.

    ``listed_only`` loads only the columns a list row shows (``_LISTED_FIELDS``). Built once
    per process (never evaluated itself: each use filters a copy of it).
    """
    threads = Thread.objects.select_related(
        "order", "product", "buyer", "seller__seller_profile", "last_message"
    ).order_by()
    return threads.only(*_LISTED_FIELDS) if listed_only else threads


def threads_attach(rows: Sequence[Participant], *, listed_only: bool = True) -> None:
    """Load the threads of participant rows (what a list row shows) in one query by primary key.

    Joining the threads into the page's own query (nine tables, sorted and limited) makes
    PostgreSQL spend ten times longer choosing a join order than running it, on every page.
    Alone, the page comes straight off a participant index and plans in microseconds; the
    page's threads, fetched by id, plan in about a millisecond. Each row gets its thread
    directly (``prefetch_related`` would do the same at several times the Python cost).
    ``listed_only`` loads only the columns a list row shows (``_LISTED_FIELDS``).
    """
    if not rows:
        return
    ids = {row.thread_id for row in rows}
    threads = {
        thread.pk: thread for thread in _listed_threads(listed_only=listed_only).filter(pk__in=ids)
    }
    for row in rows:
        row.thread = threads[row.thread_id]


def _folder_check(*, user: User, folder: str) -> None:
    if folder not in folder_list_for_user(user):
        raise ApplicationError(
            "invalid_folder", _("Unknown folder '%(folder)s'.") % {"folder": folder}
        )


def _folder_rows(
    *, user: User, folder: str, filters: ThreadFilters | None, person_id: int | None = None
) -> ParticipantQuerySet:
    _folder_check(user=user, folder=folder)
    rows = Participant.objects.for_user_in_folder(user, folder, person_id=person_id)
    if filters is not None:
        rows = search.threads_filter(rows, user=user, filters=filters)
    return rows


def thread_list_for_user(
    *,
    user: User,
    folder: str,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    filters: ThreadFilters | None = None,
    person_id: int | None = None,
) -> Page[Participant]:
    """List one page of a user's threads in a folder, keyset-paginated, optionally filtered.

    "Needs response" is ordered by the oldest waiting buyer message first (most urgent);
    every other folder by newest activity first. ``filters`` narrow the folder to a search.
    ``person_id`` is who looks, for *Mine*: a member of the shop's team (default: the user).
    """
    _folder_check(user=user, folder=folder)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    after = decode_cursor(cursor, types=(datetime, int)) if cursor else None
    documents = (
        search.documents_filter(user=user, folder=folder, filters=filters)
        if filters is not None and folder != Folder.NEEDS_RESPONSE
        else None
    )
    if documents is not None:
        # The page is chosen among the search documents alone (see SearchDocument), then
        # its participant rows are read by primary key, scoped to the user as ever.
        page = _newest_first(documents, after=after, id_field="participant_id")
        rows = _folder_rows(user=user, folder=folder, filters=None).filter(
            pk__in=page.values("participant_id")[: limit + 1]
        )
        items = list(rows.order_by("-last_message_at", "-id"))
    elif filters is None or filters.is_empty:
        items = _folder_page_unfiltered(
            user=user, folder=folder, person_id=person_id, after=after, limit=limit
        )
    else:
        items = list(
            _folder_page(
                user=user, folder=folder, filters=filters, person_id=person_id, after=after
            )[: limit + 1]
        )
    if folder == Folder.NEEDS_RESPONSE:
        key = lambda p: (p.needs_response_since, p.id)  # noqa: E731
    else:
        key = lambda p: (p.last_message_at, p.id)  # noqa: E731
    next_cursor = encode_cursor(*key(items[limit - 1])) if len(items) > limit else None
    items = items[:limit]
    threads_attach(items)
    return Page(items=items, next_cursor=next_cursor)


def _folder_page(
    *,
    user: User,
    folder: str,
    filters: ThreadFilters | None,
    person_id: int | None,
    after: tuple[datetime, int] | None,
) -> ParticipantQuerySet:
    """A folder's rows in page order, from after the cursor's position if any (folder checked)."""
    rows = Participant.objects.for_user_in_folder(user, folder, person_id=person_id)
    if filters is not None:
        rows = search.threads_filter(rows, user=user, filters=filters)
    if folder != Folder.NEEDS_RESPONSE:
        return _newest_first(rows, after=after, id_field="id")
    if after is not None:
        since, last_id = after
        # The redundant bound lets the index seek to the cursor; the OR alone is a filter
        # on every row before it, so deep pages would cost as much as their position.
        rows = rows.filter(
            Q(needs_response_since__gte=since),
            Q(needs_response_since__gt=since) | Q(needs_response_since=since, id__gt=last_id),
        )
    return rows.order_by("needs_response_since", "id")


def _folder_page_unfiltered(
    *,
    user: User,
    folder: str,
    person_id: int | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Participant]:
    """A page of a folder without a search, its statement compiled once (``_Statement``)."""
    alias = router.db_for_read(Participant)
    statement = _page_statement(alias, folder, after is not None, limit)
    operations = connections[alias].ops
    values: list[Any] = [user.pk, person_id or user.pk]
    if after is not None:
        values += [operations.adapt_datetimefield_value(after[0]), after[1]]
    params = statement.params_for(values)
    return list(Participant.objects.db_manager(alias).raw(statement.sql, params))


@functools.cache
def _page_statement(alias: str, folder: str, has_cursor: bool, limit: int) -> _Statement:
    user = User(pk=_STAND_IN_USER)
    after = (_STAND_IN_AT, _STAND_IN_ID) if has_cursor else None
    rows = _folder_page(
        user=user, folder=folder, filters=None, person_id=_STAND_IN_PERSON, after=after
    )
    sql, params = rows[: limit + 1].query.get_compiler(alias).as_sql()
    stand_ins: list[Any] = [_STAND_IN_USER, _STAND_IN_PERSON]
    if has_cursor:
        stand_ins += [connections[alias].ops.adapt_datetimefield_value(_STAND_IN_AT), _STAND_IN_ID]
    return _Statement.of(sql, params, stand_ins, optional={1})


def _newest_first(rows: _RowsT, *, after: tuple[datetime, int] | None, id_field: str) -> _RowsT:
    """Order rows by last activity, newest first, from after the cursor's (time, id) if any."""
    if after is not None:
        at, last_id = after
        # The redundant bound lets the index seek to the cursor (as for needs response).
        rows = rows.filter(
            Q(last_message_at__lte=at),
            Q(last_message_at__lt=at) | Q(last_message_at=at, **{f"{id_field}__lt": last_id}),
        )
    return rows.order_by("-last_message_at", f"-{id_field}")


def thread_ids_active_since(
    *,
    user: User,
    folder: str,
    since: datetime,
    filters: ThreadFilters | None = None,
    limit: int = MAX_PAGE_SIZE,
    person_id: int | None = None,
) -> list[int]:
    """List the ids of a user's threads in a folder with activity after ``since``, newest first.

    At most ``limit``: an open page says "N new conversations" with them.
    """
    rows = _folder_rows(user=user, folder=folder, filters=filters, person_id=person_id)
    return list(
        rows.filter(last_message_at__gt=since)
        .order_by("-last_message_at", "-id")
        .values_list("thread_id", flat=True)[:limit]
    )


def thread_match_count(
    *,
    user: User,
    folder: str,
    filters: ThreadFilters,
    cap: int = MATCH_COUNT_CAP,
    person_id: int | None = None,
) -> int:
    """Count a user's threads in a folder matching ``filters``, stopping at ``cap`` + 1."""
    _folder_check(user=user, folder=folder)
    documents = search.documents_filter(user=user, folder=folder, filters=filters)
    if documents is not None:
        return documents.order_by()[: cap + 1].count()
    rows = _folder_rows(user=user, folder=folder, filters=filters, person_id=person_id)
    return rows.order_by()[: cap + 1].count()


@dataclass(frozen=True)
class FolderCounts:
    """The threads in each of a user's folders (capped), and whether the shop has a team."""

    counts: dict[str, int]
    # A shop with a team shares its inbox out (the *Mine* and *Unassigned* tabs).
    has_team: bool


def thread_folder_counts(
    *, user: User, cap: int = FOLDER_COUNT_CAP, person_id: int | None = None
) -> FolderCounts:
    """Count a user's threads in each of their folders, each count stopping at ``cap`` + 1.

    A count above ``cap`` is shown as "999+". Counting a busy seller's twenty thousand
    threads exactly would make every inbox page slower the more the seller sells; capped,
    each folder reads at most ``cap`` + 1 entries of its own partial index, all in one query,
    which also says whether the shop has a team (one more index probe). ``person_id`` is who
    looks, for *Mine* (default: the user).
    """
    folders = folder_list_for_user(user)
    alias = router.db_for_read(Participant)
    statement = _counts_statement(alias, folders, cap)
    # Raw SQL is not routed by itself: it runs where the ORM would read participants.
    with connections[alias].cursor() as cursor:
        cursor.execute(statement.sql, statement.params_for([user.pk, person_id or user.pk]))
        row = cursor.fetchone()
    *counts, has_team = row
    return FolderCounts(
        counts={folder.value: count for folder, count in zip(folders, counts, strict=True)},
        has_team=bool(has_team),
    )


@functools.cache
def _counts_statement(alias: str, folders: tuple[Folder, ...], cap: int) -> _Statement:
    """The folder counts' one statement, built by the ORM once per process and folder list."""
    user = User(pk=_STAND_IN_USER)
    selects: list[str] = []
    params: list[Any] = []
    for folder in folders:
        rows = (
            Participant.objects.for_user_in_folder(user, folder, person_id=_STAND_IN_PERSON)
            .order_by()
            .values("id")
        )
        sql, row_params = rows[: cap + 1].query.get_compiler(alias).as_sql()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(row_params)
    team_sql, team_params = (
        ShopMember.objects.filter(shop=user).values("id")[:1].query.get_compiler(alias).as_sql()
    )
    selects.append(f"EXISTS ({team_sql})")
    params.extend(team_params)
    stand_ins = [_STAND_IN_USER, _STAND_IN_PERSON]
    # A buyer has no *Mine*: no person in their statement.
    return _Statement.of("SELECT " + ", ".join(selects), params, stand_ins, optional={1})


def thread_unread_count(*, user: User, cap: int = FOLDER_COUNT_CAP) -> int:
    """Count threads with unread messages for the header badge, stopping at ``cap`` + 1.

    A count above ``cap`` is shown as "999+": at most ``cap`` + 1 entries of the partial
    unread index are read, however many threads a busy seller has not opened.
    """
    return Participant.objects.for_user(user).unread().order_by()[: cap + 1].count()


def participant_get(*, user: User, thread_id: int | str) -> Participant:
    """Fetch the user's side of a thread, or raise NotFound whether or not the thread exists."""
    try:
        pk = int(thread_id)
    except (TypeError, ValueError):
        raise NotFound("No such conversation.") from None
    # The thread and what it shows come in a second query by primary key: joined into this
    # one, ten tables, PostgreSQL spends some 9 ms choosing a join order for a single row.
    try:
        participant = Participant.objects.select_related("user").get(user=user, thread_id=pk)
    except Participant.DoesNotExist:
        raise NotFound("No such conversation.") from None
    if participant.is_purged:
        # Deleted for good: the same answer as a thread that never was theirs.
        raise NotFound("No such conversation.")
    threads_attach([participant], listed_only=False)
    return participant


def message_list_for_participant(*, participant: Participant) -> QuerySet[Message]:
    """List the messages of a thread that this participant may see, oldest first.

    A blocked message is shown to its sender only; the other side never sees it. Messages
    from before the participant's Trash was emptied of the thread are gone for them.
    """
    messages = Message.objects.filter(thread_id=participant.thread_id)
    if participant.purged_at is not None:
        messages = messages.filter(created_at__gt=participant.purged_at)
    related = ["sender__seller_profile"]
    if participant.role == ParticipantRole.SELLER:
        related.append("author")  # the member of the team who wrote it: the team sees who
    return (
        messages.filter(Q(status=MessageStatus.DELIVERED) | Q(sender_id=participant.user_id))
        .select_related(*related)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def message_list_for_thread_page(*, participant: Participant) -> list[Message]:
    """List the messages of the thread page, each with its files in ``listed_files``.

    The same messages as ``message_list_for_participant``; their files are read in one query
    and kept as plain lists, without the related manager and queryset ``prefetch_related``
    builds for every message.
    """
    messages = message_list_for_participant(participant=participant).prefetch_related(None)
    return list(messages.prefetch_related(Prefetch("attachments", to_attr="listed_files")))


def message_list_after(
    *, participant: Participant, after_id: int, since: datetime | None = None
) -> QuerySet[Message]:
    """List the messages this participant may see that arrived after the page was last told.

    Arrived means an id above ``after_id``, or a time after ``since`` (by default, the time of
    message ``after_id``): a message delivered after its undo time, or released by
    moderation, keeps the id it was stored with but takes the time it became visible, so an
    open page gets it even after newer ones.
    """
    if since is None:
        shown = Message.objects.filter(pk=after_id, thread_id=participant.thread_id)
        later = Q(created_at__gt=Subquery(shown.values("created_at")[:1]))
    else:
        later = Q(created_at__gt=since)
    return message_list_for_participant(participant=participant).filter(Q(pk__gt=after_id) | later)


def message_page_for_participant(
    *, participant: Participant, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Message]:
    """List one page of the messages this participant may see, oldest first, keyset-paginated.

    The cursor is the last row's (created_at, id), so messages that arrive later never shift a
    page: following ``next_cursor`` returns every message once, without gaps.
    """
    rows = message_list_for_participant(participant=participant)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if cursor:
        at, last_id = decode_cursor(cursor, types=(datetime, int))
        rows = rows.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=last_id))
    items = list(rows[: limit + 1])
    last = items[limit - 1] if len(items) > limit else None
    next_cursor = encode_cursor(last.created_at, last.id) if last is not None else None
    return Page(items=items[:limit], next_cursor=next_cursor)


def messages_not_sent_for_rows(
    *, rows: Sequence[Participant], held: set[int] | None = None
) -> dict[int, Message]:
    """For each inbox row whose latest message is its user's own and blocked, that message.

    Latest as the row's user sees the thread: nothing delivered since (a row's
    ``last_message_at`` is when the thread's last delivered message arrived) and nothing sent
    since either (a message still in its undo time is not "not sent"). One query for the page,
    reading only what each row's user wrote after the row's last activity. The other side of
    a thread never gets anything here: only the row's own user's messages are read.
    ``held`` gets the threads with a message of the row's user still in its undo time.
    """
    if not rows:
        return {}
    latest: dict[int, Message] = {}
    for message in _messages_written_since(rows):
        latest[message.thread_id] = message  # each thread's newest comes last
        if held is not None and message.status == MessageStatus.SENDING:
            held.add(message.thread_id)
    shown = {row.thread_id: row.thread for row in rows}
    return {
        thread_id: message
        for thread_id, message in latest.items()
        if message.status == MessageStatus.BLOCKED
        and _after_last_delivered(message, shown[thread_id])
    }


def _messages_written_since(rows: Sequence[Participant]) -> RawQuerySet[Message]:
    """Each row's user's blocked or sending messages in its thread since its last activity.

    Written as SQL: the ORM would build and compile one condition per row on every page,
    about 3 ms of CPU for a page of 25 (this, under half a millisecond). Oldest first.
    """
    alias = router.db_for_read(Message)
    operations = connections[alias].ops
    table = Message._meta.db_table
    row_condition = "(thread_id = %s AND sender_id = %s AND created_at >= %s)"
    sql = (
        "SELECT id, thread_id, sender_id, status, created_at, findings "  # noqa: S608
        f"FROM {operations.quote_name(table)} WHERE status IN (%s, %s) AND ("
        + " OR ".join([row_condition] * len(rows))
        + ") ORDER BY thread_id, created_at, id"
    )
    params: list[Any] = [MessageStatus.BLOCKED.value, MessageStatus.SENDING.value]
    for row in rows:
        at = operations.adapt_datetimefield_value(row.last_message_at)
        params += [row.thread_id, row.user_id, at]
    return Message.objects.db_manager(alias).raw(sql, params)


def _after_last_delivered(message: Message, thread: Thread) -> bool:
    # Stored at the same instant as the last delivered message: the id tells which came last.
    last = thread.last_message
    return last is None or (message.created_at, message.pk) > (last.created_at, last.pk)


def thread_get_for_order(*, user: User, order: Order) -> Thread | None:
    """Return the conversation about an order if the user takes part in it."""
    # One filter, one join: the user's own side, unless it was deleted for good since.
    mine = Q(participants__user=user) & (
        Q(participants__purged_at__isnull=True)
        | Q(participants__is_deleted=False)
        | Q(participants__trashed_at__isnull=False)
    )
    return Thread.objects.filter(mine, order=order).only("id").first()


def seller_restriction_shown(
    *, seller_id: int, now: datetime
) -> tuple[SellerRestriction | None, datetime | None]:
    """The seller's restriction in force at ``now`` (the one ending last), and when the next starts.

    One query, as ``restriction_get_active`` (messaging/moderation/selectors.py) with the
    restrictions still to come: a page that shows none is only true until one starts.
    """
    restrictions = list(
        SellerRestriction.objects.filter(seller_id=seller_id, ends_at__gt=now).order_by(
            "-ends_at", "-id"
        )
    )
    active = next((r for r in restrictions if r.starts_at <= now), None)
    starts = min((r.starts_at for r in restrictions if r.starts_at > now), default=None)
    return active, starts
