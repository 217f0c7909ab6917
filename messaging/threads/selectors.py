"""Every read of threads and messages. Scoping to the user is the permission check."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import ShopMember, User
from core.errors import ApplicationError, NotFound
from core.pagination import Page, decode_cursor, encode_cursor
from messaging.models import (
    Message,
    MessageStatus,
    Participant,
    ParticipantRole,
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


def _listed_threads(*, listed_only: bool) -> QuerySet[Thread]:
    """Threads with what an inbox row shows of them: subject, both parties, last message.

    ``listed_only`` loads only the columns a list row shows (``_LISTED_FIELDS``).
    """
    threads = Thread.objects.select_related(
        "order", "product", "buyer", "seller__seller_profile", "last_message"
    ).order_by()
    return threads.only(*_LISTED_FIELDS) if listed_only else threads


def _participant_page_rows(*, listed_only: bool = True) -> ParticipantQuerySet:
    """Participant rows for a list page, their threads loaded by primary key in one more query.

    Joining the threads into the page's own query (nine tables, sorted and limited) makes
    PostgreSQL spend ten times longer choosing a join order than running it, on every page.
    Alone, the page comes straight off a participant index and plans in microseconds; the
    page's threads, fetched by id, plan in about a millisecond.
    """
    return Participant.objects.all().prefetch_related(
        Prefetch("thread", queryset=_listed_threads(listed_only=listed_only))
    )


def _folder_check(*, user: User, folder: str) -> None:
    if folder not in folder_list_for_user(user):
        raise ApplicationError(
            "invalid_folder", _("Unknown folder '%(folder)s'.") % {"folder": folder}
        )


def _folder_rows(
    *, user: User, folder: str, filters: ThreadFilters | None, person_id: int | None = None
) -> ParticipantQuerySet:
    _folder_check(user=user, folder=folder)
    rows = _participant_page_rows().for_user_in_folder(user, folder, person_id=person_id)
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
    if folder == Folder.NEEDS_RESPONSE:
        rows = _folder_rows(user=user, folder=folder, filters=filters, person_id=person_id)
        if cursor:
            since, last_id = decode_cursor(cursor, types=(datetime, int))
            # The redundant bound lets the index seek to the cursor; the OR alone is a filter
            # on every row before it, so deep pages would cost as much as their position.
            rows = rows.filter(
                Q(needs_response_since__gte=since),
                Q(needs_response_since__gt=since) | Q(needs_response_since=since, id__gt=last_id),
            )
        items = list(rows.order_by("needs_response_since", "id")[: limit + 1])
        key = lambda p: (p.needs_response_since, p.id)  # noqa: E731
    else:
        after = decode_cursor(cursor, types=(datetime, int)) if cursor else None
        documents = (
            search.documents_filter(user=user, folder=folder, filters=filters)
            if filters is not None
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
        else:
            rows = _folder_rows(user=user, folder=folder, filters=filters, person_id=person_id)
            items = list(_newest_first(rows, after=after, id_field="id")[: limit + 1])
        key = lambda p: (p.last_message_at, p.id)  # noqa: E731
    next_cursor = encode_cursor(*key(items[limit - 1])) if len(items) > limit else None
    return Page(items=items[:limit], next_cursor=next_cursor)


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
    rows = _folder_rows(
        user=user, folder=folder, filters=filters, person_id=person_id
    ).prefetch_related(None)
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
    selects: list[str] = []
    params: list[Any] = []
    for folder in folders:
        rows = (
            Participant.objects.for_user_in_folder(user, folder, person_id=person_id)
            .order_by()
            .values("id")
        )
        sql, row_params = rows[: cap + 1].query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(row_params)
    team_sql, team_params = (
        ShopMember.objects.filter(shop=user).values("id")[:1].query.sql_with_params()
    )
    selects.append(f"EXISTS ({team_sql})")
    params.extend(team_params)
    # Raw SQL is not routed by itself: it runs where the ORM would read participants.
    with connections[router.db_for_read(Participant)].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    *counts, has_team = row
    return FolderCounts(
        counts={folder.value: count for folder, count in zip(folders, counts, strict=True)},
        has_team=bool(has_team),
    )


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
        participant = (
            _participant_page_rows(listed_only=False)
            .select_related("user")
            .get(user=user, thread_id=pk)
        )
    except Participant.DoesNotExist:
        raise NotFound("No such conversation.") from None
    if participant.is_purged:
        # Deleted for good: the same answer as a thread that never was theirs.
        raise NotFound("No such conversation.")
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


def messages_not_sent_for_rows(*, rows: Sequence[Participant]) -> dict[int, Message]:
    """For each inbox row whose latest message is its user's own and blocked, that message.

    Latest as the row's user sees the thread: nothing delivered since (a row's
    ``last_message_at`` is when the thread's last delivered message arrived) and nothing sent
    since either (a message still in its undo time is not "not sent"). One query for the page,
    reading only what each row's user wrote after the row's last activity. The other side of
    a thread never gets anything here: only the row's own user's messages are read.
    """
    if not rows:
        return {}
    since = Q()
    for row in rows:
        since |= Q(
            thread_id=row.thread_id, sender_id=row.user_id, created_at__gte=row.last_message_at
        )
    latest: dict[int, Message] = {}
    candidates = (
        Message.objects.filter(since, status__in=[MessageStatus.BLOCKED, MessageStatus.SENDING])
        .only("id", "thread_id", "sender_id", "status", "created_at", "findings")
        .order_by("thread_id", "created_at", "id")
    )
    for message in candidates:
        latest[message.thread_id] = message  # each thread's newest comes last
    shown = {row.thread_id: row.thread for row in rows}
    return {
        thread_id: message
        for thread_id, message in latest.items()
        if message.status == MessageStatus.BLOCKED
        and _after_last_delivered(message, shown[thread_id])
    }


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
