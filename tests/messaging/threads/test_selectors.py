import base64
import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import ApplicationError, NotFound
from core.pagination import encode_cursor
from messaging.models import Message, Participant, ParticipantRole
from messaging.threads import context_processors, selectors, services, trash
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def side(thread, user) -> Participant:
    return Participant.objects.get(thread=thread, user=user)


def listed(user, folder, **kwargs) -> list[int]:
    page = selectors.thread_list_for_user(user=user, folder=folder, **kwargs)
    return [participant.thread_id for participant in page.items]


def all_pages(user, folder, *, limit) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = selectors.thread_list_for_user(user=user, folder=folder, cursor=cursor, limit=limit)
        pages.append([participant.thread_id for participant in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_buyer_inbox_lists_threads_by_newest_activity_first(buyer, seller):
    first, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    second, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    third, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    services.message_send(thread=first, sender=seller, body="On its way.", now=at(3))

    assert listed(buyer, "inbox") == [first.id, third.id, second.id]


def test_buyer_inbox_leaves_out_archived_threads_and_archived_folder_holds_them(buyer, seller):
    kept, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    archived, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    services.thread_archive(participant=side(archived, buyer))

    assert listed(buyer, "inbox") == [kept.id]
    assert listed(buyer, "archived") == [archived.id]


def test_buyer_unread_folder_holds_only_threads_with_unread_messages(buyer, seller):
    answered, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_with_message(buyer=buyer, seller=seller, now=at(1))
    answered_later, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    services.message_send(thread=answered, sender=seller, body="Shipped.", now=at(3))
    services.message_send(thread=answered_later, sender=seller, body="Refunded.", now=at(4))

    assert listed(buyer, "unread") == [answered_later.id, answered.id]


def test_seller_needs_response_lists_the_longest_waiting_buyer_first(buyer, seller):
    oldest, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    answered, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    newest, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    services.message_send(thread=answered, sender=seller, body="Done.", now=at(3))
    # A follow-up makes this thread the most recent, but the buyer has waited longest.
    services.message_send(thread=oldest, sender=buyer, body="Any news?", now=at(4))

    assert listed(seller, "needs_response") == [oldest.id, newest.id]


def test_seller_sent_folder_holds_unarchived_threads_where_the_seller_wrote_last(buyer, seller):
    waiting, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    replied, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    replied_archived, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    replied_later, _ = thread_with_message(buyer=buyer, seller=seller, now=at(3))
    for hours, thread in enumerate([replied, replied_archived, replied_later], start=4):
        services.message_send(thread=thread, sender=seller, body="Answer.", now=at(hours))
    services.thread_archive(participant=side(replied_archived, seller))

    assert listed(seller, "sent") == [replied_later.id, replied.id]
    assert waiting.id not in listed(seller, "sent")


def test_seller_unread_archived_and_all_folders(buyer, seller):
    read, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    unread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    archived, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    services.thread_mark_read(participant=side(read, seller))
    services.thread_mark_read(participant=side(archived, seller))
    services.thread_archive(participant=side(archived, seller))

    assert listed(seller, "unread") == [unread.id]
    assert listed(seller, "archived") == [archived.id]
    assert listed(seller, "all") == [archived.id, unread.id, read.id]


def test_keyset_pagination_returns_every_thread_once_across_three_pages(buyer, seller):
    threads = [thread_with_message(buyer=buyer, seller=seller, now=at(h))[0] for h in range(5)]
    newest_first = [thread.id for thread in reversed(threads)]

    pages = all_pages(buyer, "inbox", limit=2)

    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]


def test_needs_response_pagination_returns_every_thread_once_oldest_first(buyer, seller):
    threads = [thread_with_message(buyer=buyer, seller=seller, now=at(h))[0] for h in range(5)]
    oldest_first = [thread.id for thread in threads]

    pages = all_pages(seller, "needs_response", limit=2)

    assert pages == [oldest_first[0:2], oldest_first[2:4], oldest_first[4:5]]


def test_last_page_that_is_exactly_full_has_no_next_cursor(buyer, seller):
    threads = [thread_with_message(buyer=buyer, seller=seller, now=at(h))[0] for h in range(4)]

    pages = all_pages(buyer, "inbox", limit=2)

    assert pages == [[threads[3].id, threads[2].id], [threads[1].id, threads[0].id]]


def test_threads_with_identical_activity_time_are_ordered_and_paged_by_id(buyer, seller):
    threads = [thread_with_message(buyer=buyer, seller=seller, now=T0)[0] for _ in range(5)]
    ids = [thread.id for thread in threads]

    inbox_pages = all_pages(buyer, "inbox", limit=2)
    waiting_pages = all_pages(seller, "needs_response", limit=2)

    assert inbox_pages == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    assert waiting_pages == [[ids[0], ids[1]], [ids[2], ids[3]], [ids[4]]]


def _raw_cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor!",
        _raw_cursor({"at": "2025-03-03T09:00:00+00:00", "id": 1}),
        _raw_cursor(["2025-03-03T09:00:00+00:00"]),
        _raw_cursor(["yesterday", 1]),
        _raw_cursor(["2025-03-03T09:00:00", 1]),
        _raw_cursor(["2025-03-03T09:00:00+00:00", "1"]),
        _raw_cursor(["2025-03-03T09:00:00+00:00", True]),
    ],
    ids=["garbage", "object", "short", "bad-date", "naive-date", "string-id", "bool-id"],
)
@pytest.mark.parametrize("folder", ["inbox", "needs_response"])
def test_invalid_cursor_is_refused(buyer, seller, folder, cursor):
    user = buyer if folder == "inbox" else seller
    thread_with_message(buyer=buyer, seller=seller, now=T0)

    with pytest.raises(ApplicationError) as error:
        selectors.thread_list_for_user(user=user, folder=folder, cursor=cursor)

    assert error.value.code == "invalid_cursor"


def test_cursor_resumes_strictly_after_the_row_it_names(buyer, seller):
    older, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    newer, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))

    cursor = encode_cursor(at(1), side(newer, buyer).id)

    assert listed(buyer, "inbox", cursor=cursor) == [older.id]


@pytest.mark.services
@pytest.mark.parametrize(
    ("role", "folder", "bound"),
    [
        ("seller", "all", "last_message_at <="),
        ("seller", "needs_response", "needs_response_since >="),
    ],
)
def test_a_later_page_starts_at_its_cursor_in_the_index(buyer, seller, role, folder, bound):
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("needs PostgreSQL (DATABASE_URL)")
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    for hour in range(3):
        thread_with_message(buyer=buyer, seller=seller, now=at(hour))
    cursor = selectors.thread_list_for_user(user=seller, folder=folder, limit=1).next_cursor

    with CaptureQueriesContext(connection) as queries:
        selectors.thread_list_for_user(user=seller, folder=folder, cursor=cursor, limit=1)
    with connection.cursor() as sql:
        sql.execute("SET LOCAL enable_seqscan = off")
        sql.execute("SET LOCAL enable_bitmapscan = off")
        sql.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in sql.fetchall())

    # The index seeks to the cursor instead of filtering every row before it.
    index_conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert any(bound in line for line in index_conditions), plan


@pytest.mark.parametrize(
    ("role", "folder"),
    [
        ("buyer", "needs_response"),
        ("buyer", "sent"),
        ("buyer", "all"),
        ("seller", "inbox"),
        ("seller", "spam"),
        ("buyer", ""),
    ],
)
def test_folder_not_valid_for_the_role_is_refused(buyer, seller, role, folder):
    user = buyer if role == "buyer" else seller

    with pytest.raises(ApplicationError) as error:
        selectors.thread_list_for_user(user=user, folder=folder)

    assert error.value.code == "invalid_folder"


def test_thread_deleted_for_me_is_only_in_my_trash_and_the_other_side_keeps_it(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.thread_archive(participant=side(thread, seller))
    trash.thread_trash(participant=side(thread, seller))
    trash.thread_trash(participant=side(thread, buyer))

    seller_folders = {f: listed(seller, f) for f in selectors.SELLER_FOLDERS}
    buyer_folders = {f: listed(buyer, f) for f in selectors.BUYER_FOLDERS}

    assert seller_folders == {
        "needs_response": [],
        "mine": [],
        "unassigned": [],
        "unread": [],
        "sent": [],
        "archived": [],
        "all": [],
        "trash": [thread.id],
    }
    assert buyer_folders == {"inbox": [], "unread": [], "archived": [], "trash": [thread.id]}


def test_thread_deleted_by_one_side_stays_with_the_other(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer))

    assert listed(buyer, "inbox") == []
    assert listed(seller, "needs_response") == [thread.id]


def test_thread_folder_counts_for_a_seller(buyer, seller):
    waiting, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    replied, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    archived, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    deleted, _ = thread_with_message(buyer=buyer, seller=seller, now=at(3))
    services.message_send(thread=replied, sender=seller, body="Sent today.", now=at(4))
    services.thread_archive(participant=side(archived, seller))
    trash.thread_trash(participant=side(deleted, seller))

    counts = selectors.thread_folder_counts(user=seller)

    assert waiting.id in listed(seller, "needs_response")
    assert counts.has_team is False
    assert counts.counts == {
        "needs_response": 2,
        # Nothing is assigned: every thread of the inbox (not Archived, not Trash).
        "mine": 0,
        "unassigned": 2,
        "unread": 2,
        "sent": 1,
        "archived": 1,
        "all": 3,
        "trash": 1,
    }


def test_thread_folder_counts_for_a_buyer(buyer, seller):
    unread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_with_message(buyer=buyer, seller=seller, now=at(1))
    archived, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    deleted, _ = thread_with_message(buyer=buyer, seller=seller, now=at(3))
    services.message_send(thread=unread, sender=seller, body="Shipped.", now=at(4))
    services.thread_archive(participant=side(archived, buyer))
    trash.thread_trash(participant=side(deleted, buyer))

    counts = selectors.thread_folder_counts(user=buyer)

    assert counts.counts == {"inbox": 2, "unread": 1, "archived": 1, "trash": 1}


def test_thread_folder_counts_are_zero_for_a_user_without_threads(buyer, seller):
    assert selectors.thread_folder_counts(user=buyer).counts == {
        "inbox": 0,
        "unread": 0,
        "archived": 0,
        "trash": 0,
    }
    assert selectors.thread_folder_counts(user=seller).counts == {
        "needs_response": 0,
        "mine": 0,
        "unassigned": 0,
        "unread": 0,
        "sent": 0,
        "archived": 0,
        "all": 0,
        "trash": 0,
    }


def test_unread_thread_count_counts_threads_not_messages(buyer, seller):
    busy, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.message_send(thread=busy, sender=buyer, body="Hello?", now=at(1))
    services.message_send(thread=busy, sender=buyer, body="Anyone?", now=at(2))
    read, _ = thread_with_message(buyer=buyer, seller=seller, now=at(3))
    deleted, _ = thread_with_message(buyer=buyer, seller=seller, now=at(4))
    services.thread_mark_read(participant=side(read, seller))
    trash.thread_trash(participant=side(deleted, seller))

    assert selectors.thread_unread_count(user=seller) == 1
    assert selectors.thread_unread_count(user=buyer) == 0


def test_unread_thread_count_stops_one_past_its_cap(buyer, seller, client, monkeypatch):
    for n in range(4):
        thread_with_message(buyer=buyer, seller=seller, now=at(n))

    assert selectors.thread_unread_count(user=seller) == 4
    assert selectors.thread_unread_count(user=seller, cap=2) == 3
    assert selectors.thread_unread_count(user=seller, cap=5) == 4

    # The header badge shows the cap and a "+" past it, as the folder tabs do: on the inbox
    # (from its folder counts) as on every other page (from the context processor).
    client.force_login(seller)
    for name in ["messaging:seller-inbox", "messaging:seller-orders"]:
        for module in [context_processors, selectors]:
            monkeypatch.setattr(module, "FOLDER_COUNT_CAP", 2)
        page = client.get(reverse(name)).content.decode()
        assert '<span class="badge" aria-hidden="true">2+</span>' in page
        assert "(2 unread conversations or more)" in page
        for module in [context_processors, selectors]:
            monkeypatch.setattr(module, "FOLDER_COUNT_CAP", 4)
        page = client.get(reverse(name)).content.decode()
        assert '<span class="badge" aria-hidden="true">4</span>' in page
        assert "(4 unread conversations)" in page


def test_participant_get_returns_my_side_of_the_thread(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    participant = selectors.participant_get(user=seller, thread_id=str(thread.id))

    assert (participant.thread_id, participant.user_id, participant.role) == (
        thread.id,
        seller.id,
        ParticipantRole.SELLER,
    )


@pytest.mark.parametrize("thread_id", ["stranger", "missing", "abc", None, "1.5"])
def test_participant_get_raises_not_found_for_strangers_and_bad_ids(buyer, seller, thread_id):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    user = buyer
    if thread_id == "stranger":
        user, thread_id = BuyerFactory(), thread.id
    elif thread_id == "missing":
        thread_id = thread.id + 1000

    with pytest.raises(NotFound) as error:
        selectors.participant_get(user=user, thread_id=thread_id)

    assert (error.value.code, error.value.message) == ("not_found", "No such conversation.")


def test_participant_get_does_not_let_another_seller_in(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    with pytest.raises(NotFound):
        selectors.participant_get(user=SellerFactory(), thread_id=thread.id)


def test_blocked_message_is_shown_to_its_sender_only(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    blocked = Message.objects.create(
        thread=thread,
        sender=buyer,
        sender_role=ParticipantRole.BUYER,
        status="blocked",
        body="Write me at me@example.org",
        created_at=at(1),
    )
    reply = services.message_send(thread=thread, sender=seller, body="Hello!", now=at(2))

    buyer_view = selectors.message_list_for_participant(participant=side(thread, buyer))
    seller_view = selectors.message_list_for_participant(participant=side(thread, seller))

    assert [m.id for m in buyer_view] == [first.id, blocked.id, reply.id]
    assert [m.id for m in seller_view] == [first.id, reply.id]


def test_blocked_seller_message_is_hidden_from_the_buyer(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    blocked = Message.objects.create(
        thread=thread,
        sender=seller,
        sender_role=ParticipantRole.SELLER,
        status="blocked",
        body="Call 555-0100",
        created_at=at(1),
    )

    buyer_view = selectors.message_list_for_participant(participant=side(thread, buyer))
    seller_view = selectors.message_list_for_participant(participant=side(thread, seller))

    assert [m.id for m in buyer_view] == [first.id]
    assert [m.id for m in seller_view] == [first.id, blocked.id]


def test_thread_folder_counts_stop_one_past_the_cap(buyer, seller):
    for hour in range(4):
        thread_with_message(buyer=buyer, seller=seller, now=at(hour))
    replied, _ = thread_with_message(buyer=buyer, seller=seller, now=at(5))
    services.message_send(thread=replied, sender=seller, body="Sent today.", now=at(6))

    counts = selectors.thread_folder_counts(user=seller, cap=2)

    # Five threads, four waiting, five unread: each count stops at cap + 1 = 3.
    assert counts.counts == {
        "needs_response": 3,
        "mine": 0,
        "unassigned": 3,
        "unread": 3,
        "sent": 1,
        "archived": 0,
        "all": 3,
        "trash": 0,
    }


def pages_of(user, folder, *, filters=None, person_id=None) -> list[list[tuple[int, int]]]:
    """Every page of a folder, two rows a page: each row's (thread, participant row) ids."""
    pages, cursor = [], None
    while True:
        page = selectors.thread_list_for_user(
            user=user, folder=folder, cursor=cursor, limit=2, filters=filters, person_id=person_id
        )
        pages.append([(row.thread_id, row.pk) for row in page.items])
        assert all(row.thread.pk == row.thread_id for row in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return pages


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_a_folder_compiled_once_lists_what_the_orm_lists(buyer, seller, role):
    # Unfiltered pages run a statement compiled once per folder and shape; a filter that keeps
    # every row goes through the ORM. Both must list the same rows, page by page.
    threads = [thread_with_message(buyer=buyer, seller=seller, now=at(n))[0] for n in range(7)]
    services.message_send(thread=threads[0], sender=seller, body="Shipped.", now=at(8))
    services.message_send(thread=threads[1], sender=seller, body="Shipped.", now=at(9))
    for thread in threads[2:4]:
        services.thread_archive(participant=side(thread, buyer))
        services.thread_archive(participant=side(thread, seller))
    services.thread_mark_read(participant=side(threads[4], seller))
    trash.thread_trash(participant=side(threads[5], buyer))
    trash.thread_trash(participant=side(threads[5], seller))
    Participant.objects.filter(thread__in=threads[:3], user=seller).update(assignee=seller)
    user = seller if role == "seller" else buyer
    everything = selectors.ThreadFilters(active_from=at(-24))

    for folder in selectors.folder_list_for_user(user):
        compiled = pages_of(user, folder)
        assert compiled == pages_of(user, folder, filters=everything), folder
        assert sum(map(len, compiled)) == selectors.thread_folder_counts(user=user).counts[folder]
    if role == "seller":
        # Mine is the person's: the seller's three but the archived one; nothing for another.
        assert sum(map(len, pages_of(seller, "mine"))) == 2
        assert pages_of(seller, "mine", person_id=buyer.pk) == [[]]
