"""Trash: delete moves a conversation there, Undo and restore bring it back, 30 days purge it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from messaging.attachments.checks import IncomingFile
from messaging.models import Message, Participant, SearchDocument, SellerBlock, Thread
from messaging.threads import live, selectors, services, trash
from messaging.threads.tasks import trash_purge_expired
from tests.accounts.factories import BuyerFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.messaging.threads.test_views import BUYER_INBOX_QUERIES, SELLER_INBOX_QUERIES
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
API = "/api/v1"


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def days(n: float) -> datetime:
    return at(24 * n)


def side(thread: Thread, user) -> Participant:
    return Participant.objects.get(thread=thread, user=user)


def state(thread: Thread, user) -> dict:
    return (
        Participant.objects.filter(thread=thread, user=user)
        .values("is_archived", "is_deleted", "unread_count", "trashed_at", "purged_at")
        .get()
    )


def listed(user, folder: str) -> list[int]:
    return [p.thread_id for p in selectors.thread_list_for_user(user=user, folder=folder).items]


def flashes(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def clock(monkeypatch):
    """The clock, moved by the test: ``clock["now"] = ...``."""
    now = {"now": at(1)}
    monkeypatch.setattr(timezone, "now", lambda: now["now"])
    return now


# --- services ----------------------------------------------------------------------------


def test_trash_keeps_the_thread_as_it_was_and_restore_puts_it_back(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.message_send(thread=thread, sender=seller, body="Shipped.", now=at(1))
    services.thread_archive(participant=side(thread, buyer))
    seller_before = state(thread, seller)

    trash.thread_trash(participant=side(thread, buyer), now=at(2))

    assert state(thread, buyer) == {
        "is_archived": True,
        "is_deleted": True,
        "unread_count": 1,
        "trashed_at": at(2),
        "purged_at": None,
    }
    assert side(thread, buyer).purge_at == at(2) + timedelta(days=30)
    assert (listed(buyer, "archived"), listed(buyer, "trash")) == ([], [thread.id])
    assert selectors.thread_unread_count(user=buyer) == 0

    trash.thread_restore(participant=side(thread, buyer))

    assert state(thread, buyer) == {
        "is_archived": True,
        "is_deleted": False,
        "unread_count": 1,
        "trashed_at": None,
        "purged_at": None,
    }
    assert (listed(buyer, "archived"), listed(buyer, "trash")) == ([thread.id], [])
    assert state(thread, seller) == seller_before


def test_trash_again_keeps_the_first_date(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))

    participant = side(thread, buyer)
    trash.thread_trash(participant=participant, now=days(10))

    assert (participant.trashed_at, state(thread, buyer)["trashed_at"]) == (at(1), at(1))


def test_restore_of_a_thread_not_in_trash_is_refused(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    with pytest.raises(trash.NotInTrash) as error:
        trash.thread_restore(participant=side(thread, buyer))

    assert (error.value.code, error.value.status) == ("not_in_trash", 409)
    assert state(thread, buyer)["is_deleted"] is False


def test_new_message_brings_a_trashed_thread_back_to_the_inbox(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.thread_archive(participant=side(thread, seller))
    trash.thread_trash(participant=side(thread, seller), now=at(1))

    services.message_send(thread=thread, sender=buyer, body="Any news?", now=at(2))

    assert state(thread, seller) == {
        "is_archived": False,
        "is_deleted": False,
        "unread_count": 2,
        "trashed_at": None,
        "purged_at": None,
    }
    assert listed(seller, "trash") == []
    assert listed(seller, "needs_response") == [thread.id]


def test_purge_deletes_for_good_after_30_days_for_that_participant_only(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.message_send(thread=thread, sender=seller, body="Shipped.", now=at(1))
    young, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    trash.thread_trash(participant=side(thread, buyer), now=at(3))
    trash.thread_trash(participant=side(young, buyer), now=days(1))
    seller_before = state(thread, seller)

    # 30 days to the hour after the first delete: not yet; a moment later: purged.
    assert trash.trash_purge(now=at(3) + timedelta(days=30)) == 0
    assert trash.trash_purge(now=days(30) + timedelta(hours=4)) == 1

    assert state(thread, buyer) == {
        "is_archived": False,
        "is_deleted": True,
        "unread_count": 0,
        "trashed_at": None,
        "purged_at": days(30) + timedelta(hours=4),
    }
    assert {folder: listed(buyer, folder) for folder in selectors.BUYER_FOLDERS} == {
        "inbox": [],
        "unread": [],
        "archived": [],
        "trash": [young.id],
    }
    assert selectors.thread_folder_counts(user=buyer).counts == {
        "inbox": 0,
        "unread": 0,
        "archived": 0,
        "trash": 1,
    }
    with pytest.raises(selectors.NotFound):
        selectors.participant_get(user=buyer, thread_id=thread.id)
    with pytest.raises(trash.NotInTrash):
        trash.thread_restore(participant=side(thread, buyer))
    # The seller, moderation and evidence keep every message.
    assert state(thread, seller) == seller_before
    assert list(Message.objects.filter(thread=thread).values_list("body", flat=True)) == [
        first.body,
        "Shipped.",
    ]
    seller_side = selectors.participant_get(user=seller, thread_id=thread.id)
    assert len(selectors.message_list_for_participant(participant=seller_side)) == 2


def test_purge_is_idempotent_and_batched(buyer, seller):
    threads = [thread_with_message(buyer=buyer, seller=seller, now=at(n))[0] for n in range(5)]
    for thread in threads:
        trash.thread_trash(participant=side(thread, buyer), now=at(10))
    later = days(31)

    assert trash.trash_purge(now=later, batch=2) == 5
    purged = list(Participant.objects.filter(user=buyer).values_list("purged_at", flat=True))
    assert purged == [later] * 5
    assert trash.trash_purge(now=days(40), batch=2) == 0
    assert (
        list(Participant.objects.filter(user=buyer).values_list("purged_at", flat=True))
        == [later] * 5
    )


def test_purge_gives_the_purged_users_open_inboxes_a_new_version(
    buyer, seller, django_capture_on_commit_callbacks
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(10))
    versions = {user.pk: live.inbox_version_get(user_id=user.pk) for user in (buyer, seller)}

    with django_capture_on_commit_callbacks(execute=True):
        assert trash.trash_purge(now=days(31)) == 1

    # The buyer's Trash count changed; the seller's folders did not.
    assert live.inbox_version_get(user_id=buyer.pk) != versions[buyer.pk]
    assert live.inbox_version_get(user_id=seller.pk) == versions[seller.pk]


def test_purge_stops_after_its_batches_and_the_next_run_goes_on(buyer, seller):
    for n in range(3):
        thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(n))
        trash.thread_trash(participant=side(thread, buyer), now=at(10))

    assert trash.trash_purge(now=days(31), batch=1, max_batches=2) == 2
    assert trash.trash_purge(now=days(31), batch=1, max_batches=2) == 1


def test_purge_task_runs_the_purge(buyer, seller, clock):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))
    clock["now"] = days(32)

    assert trash_purge_expired() == 1
    assert trash_purge_expired() == 0
    assert state(thread, buyer)["purged_at"] == days(32)


def test_a_message_after_the_purge_brings_back_only_what_came_after(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Old question", now=at(0))
    services.message_send(thread=thread, sender=seller, body="Old answer", now=at(1))
    trash.thread_trash(participant=side(thread, buyer), now=at(2))
    trash.trash_purge(now=days(31))

    services.message_send(thread=thread, sender=seller, body="Your refund is done.", now=days(32))

    assert listed(buyer, "inbox") == [thread.id]
    buyer_side = selectors.participant_get(user=buyer, thread_id=thread.id)
    shown = selectors.message_list_for_participant(participant=buyer_side)
    assert [m.body for m in shown] == ["Your refund is done."]
    assert state(thread, buyer)["unread_count"] == 1
    seller_side = selectors.participant_get(user=seller, thread_id=thread.id)
    assert len(selectors.message_list_for_participant(participant=seller_side)) == 3


def test_purge_drops_the_search_document(buyer, seller, postgresql):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Blue kettle", now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))
    assert SearchDocument.objects.filter(participant__thread=thread).count() == 2

    trash.trash_purge(now=days(31))

    assert list(
        SearchDocument.objects.filter(participant__thread=thread).values_list(
            "participant__user_id", flat=True
        )
    ) == [seller.id]


def test_bulk_trash_and_restore(buyer, seller):
    first, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    second, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    trash.thread_trash(participant=side(second, buyer), now=at(2))

    moved = services.thread_bulk_trash(user=buyer, thread_ids=[first.id, second.id], now=at(3))

    assert moved == [first.id]
    assert (state(first, buyer)["trashed_at"], state(second, buyer)["trashed_at"]) == (
        at(3),
        at(2),
    )
    assert services.thread_bulk_update(user=buyer, thread_ids=[first.id], action="restore") == 1
    assert services.thread_bulk_update(user=buyer, thread_ids=[first.id], action="restore") == 0
    assert listed(buyer, "trash") == [second.id]


def test_bulk_trash_of_someone_elses_thread_changes_nothing(buyer, seller):
    mine, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    theirs, _ = thread_with_message(buyer=BuyerFactory(), seller=seller, now=at(1))

    with pytest.raises(selectors.NotFound):
        services.thread_bulk_trash(user=buyer, thread_ids=[mine.id, theirs.id])

    assert state(mine, buyer)["is_deleted"] is False


# --- pages -------------------------------------------------------------------------------


def test_delete_flashes_where_it_went_with_an_undo_that_restores_it(
    buyer_client, buyer, seller, clock
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.thread_archive(participant=side(thread, buyer))

    response = buyer_client.post(f"/messages/{thread.id}/delete/", follow=True)

    assert response.redirect_chain == [("/messages/", 302)]
    assert flashes(response) == [
        "Conversation moved to Trash. It will be removed for good on Jan 6, 2027."
    ]
    html = response.content.decode()
    assert '<input type="hidden" name="action" value="restore">' in html
    assert f'<input type="hidden" name="thread" value="{thread.id}">' in html
    assert '<button type="submit">Undo</button>' in html
    assert state(thread, buyer)["trashed_at"] == at(1)

    response = buyer_client.post(
        "/messages/bulk/", {"action": "restore", "thread": [thread.id]}, follow=True
    )

    assert response.redirect_chain == [("/messages/", 302)]
    assert flashes(response) == ["1 conversation restored."]
    assert (state(thread, buyer)["is_archived"], state(thread, buyer)["is_deleted"]) == (
        True,
        False,
    )


def test_bulk_delete_flashes_an_undo_for_the_threads_it_moved(seller_client, buyer, seller, clock):
    first, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    second, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0.5))

    response = seller_client.post(
        "/messages/bulk/",
        {"action": "trash", "thread": [first.id, second.id], "folder": "all"},
        follow=True,
    )

    assert response.redirect_chain == [("/seller/?folder=all", 302)]
    assert flashes(response) == [
        "2 conversations moved to Trash. They will be removed for good on Jan 6, 2027."
    ]
    html = response.content.decode()
    assert html.count('<input type="hidden" name="thread" value=') == 2
    assert '<input type="hidden" name="folder" value="all">' in html
    assert listed(seller, "trash") == [second.id, first.id]


def test_trash_tab_lists_trashed_threads_with_their_date_and_restore(
    buyer_client, buyer, seller, clock, django_assert_num_queries
):
    kept, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    gone, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0.5))
    trash.thread_trash(participant=side(gone, buyer), now=at(1))

    with django_assert_num_queries(BUYER_INBOX_QUERIES):
        response = buyer_client.get("/messages/", {"folder": "trash"})

    assert [p.thread_id for p in response.context["page"].items] == [gone.id]
    assert response.context["tabs"][-1] == {
        "folder": "trash",
        "label": "Trash",
        "count": 1,
        "more": False,
    }
    html = response.content.decode()
    assert "Removed for good on Jan 6, 2027" in html
    assert f'formaction="/messages/{gone.id}/restore/"' in html
    assert '<button type="submit" name="action" value="restore">Restore</button>' in html
    assert 'value="archive"' not in html
    assert kept.id not in [p.thread_id for p in response.context["page"].items]


def test_seller_trash_tab_costs_what_a_folder_costs(
    seller_client, buyer, seller, django_assert_num_queries
):
    for n in range(3):
        thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(n))
        trash.thread_trash(participant=side(thread, seller), now=at(5))

    with django_assert_num_queries(SELLER_INBOX_QUERIES):
        response = seller_client.get("/seller/", {"folder": "trash"})

    assert len(response.context["page"].items) == 3
    assert response.content.decode().count("Removed for good on") == 3


def test_restore_from_a_trash_row_goes_back_to_the_trash_folder(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))

    response = buyer_client.post(
        f"/messages/{thread.id}/restore/", {"folder": "trash"}, follow=True
    )

    assert response.redirect_chain == [("/messages/?folder=trash", 302)]
    assert flashes(response) == ["Conversation restored."]
    assert listed(buyer, "inbox") == [thread.id]


def test_trashed_thread_page_says_when_it_goes_and_offers_restore(
    buyer_client, buyer, seller, clock
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))

    html = buyer_client.get(f"/messages/{thread.id}/").content.decode()

    assert "In Trash: removed for good on Jan 6, 2027." in html
    assert f'action="/messages/{thread.id}/restore/"' in html
    assert f'action="/messages/{thread.id}/delete/"' not in html

    response = buyer_client.post(f"/messages/{thread.id}/restore/", follow=True)

    assert response.redirect_chain == [(f"/messages/{thread.id}/", 302)]
    assert flashes(response) == ["Conversation restored."]


def test_restore_of_a_thread_not_in_trash_explains(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    response = buyer_client.post(f"/messages/{thread.id}/restore/", follow=True)

    assert flashes(response) == ["This conversation is not in Trash."]


def test_purged_thread_page_is_not_found(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))
    trash.trash_purge(now=days(31))

    assert buyer_client.get(f"/messages/{thread.id}/").status_code == 404
    assert buyer_client.post(f"/messages/{thread.id}/restore/").status_code == 404


def test_files_of_a_purged_thread_are_gone_for_that_side_only(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    message = services.thread_start(
        sender=buyer,
        order=order,
        topic="damaged_defective",
        body="Photo attached",
        files=[IncomingFile("damage.png", badfiles.png())],
    )
    url = f"/messages/files/{message.attachments.get().pk}/"
    trash.thread_trash(participant=side(message.thread, buyer), now=at(1))
    trash.trash_purge(now=message.created_at + timedelta(days=31))
    buyer_client, seller_client = Client(), Client()
    buyer_client.force_login(buyer)
    seller_client.force_login(seller)

    assert (buyer_client.get(url).status_code, seller_client.get(url).status_code) == (404, 200)


def test_contact_seller_after_a_purge_links_no_old_conversation(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))
    assert buyer_client.get(f"/orders/{thread.order.number}/contact/").context["existing"] == thread

    trash.trash_purge(now=days(31))

    assert buyer_client.get(f"/orders/{thread.order.number}/contact/").context["existing"] is None


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # session, user, the participant, its thread, the conditional update
        ("/messages/{id}/delete/", 5),
        ("/messages/{id}/restore/", 5),
    ],
)
def test_trash_actions_cost_a_fixed_number_of_queries(
    buyer, seller, path, queries, django_assert_num_queries
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    if "restore" in path:
        trash.thread_trash(participant=side(thread, buyer), now=at(1))
    client = Client()
    client.force_login(buyer)

    with django_assert_num_queries(queries):
        assert client.post(path.format(id=thread.id)).status_code == 302


@pytest.mark.parametrize("action", ["trash", "restore"])
def test_bulk_trash_and_restore_cost_a_fixed_number_of_queries(
    buyer, seller, action, django_assert_num_queries
):
    ids = [thread_with_message(buyer=buyer, seller=seller, now=at(n))[0].id for n in range(5)]
    if action == "restore":
        services.thread_bulk_trash(user=buyer, thread_ids=ids)
    client = Client()
    client.force_login(buyer)

    # session, user, the ids are the user's (count), [the ids to move, for the Undo], the
    # update, and the transaction's savepoint and its release
    with django_assert_num_queries(7 if action == "trash" else 6):
        response = client.post("/messages/bulk/", {"action": action, "thread": ids})

    assert response.status_code == 302


# --- Block this seller asks first ---------------------------------------------------------


def test_block_seller_asks_to_confirm_and_changes_nothing_until_then(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    response = buyer_client.post(f"/messages/{thread.id}/block-seller/")

    assert response.status_code == 200
    assert response.templates[0].name == "messaging/block_seller_confirm.html"
    html = response.content.decode()
    assert "can no longer write to you first" in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'<a href="/messages/{thread.id}/">Cancel</a>' in html
    assert SellerBlock.objects.count() == 0

    response = buyer_client.post(
        f"/messages/{thread.id}/block-seller/", {"confirmed": "yes"}, follow=True
    )

    assert response.redirect_chain == [(f"/messages/{thread.id}/", 302)]
    assert response.context["seller_blocked"] is True
    assert list(SellerBlock.objects.values_list("buyer_id", "seller_id")) == [(buyer.id, seller.id)]


def test_seller_posting_block_seller_is_refused_without_a_confirm_page(
    seller_client, buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    response = seller_client.post(f"/messages/{thread.id}/block-seller/", follow=True)

    assert response.redirect_chain == [(f"/seller/messages/{thread.id}/", 302)]
    assert flashes(response) == ["Only the buyer of a conversation can block its seller."]
    assert SellerBlock.objects.count() == 0


def test_thread_page_holds_the_block_dialog(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    html = buyer_client.get(f"/messages/{thread.id}/").content.decode()

    assert 'data-confirm-dialog="block-seller-dialog"' in html
    assert '<dialog id="block-seller-dialog"' in html
    assert 'formmethod="dialog"' in html


# --- API ---------------------------------------------------------------------------------


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_delete_moves_to_trash_and_says_when_it_goes(buyer, seller, clock):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    api = as_user(buyer)

    response = api.delete(f"{API}/threads/{thread.id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["trashed_at"], body["purge_at"]) == (
        thread.id,
        "2026-12-07T10:00:00Z",
        "2027-01-06T10:00:00Z",
    )
    assert api.get(f"{API}/threads").json()["results"] == []
    listed_trash = api.get(f"{API}/threads", {"folder": "trash"}).json()["results"]
    assert [(t["id"], t["purge_at"]) for t in listed_trash] == [(thread.id, "2027-01-06T10:00:00Z")]
    assert side(thread, seller).is_deleted is False


def test_api_restore_brings_it_back_and_twice_is_a_conflict(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    api = as_user(buyer)
    api.delete(f"{API}/threads/{thread.id}")

    response = api.post(f"{API}/threads/{thread.id}/restore")

    assert response.status_code == 200
    assert (response.json()["trashed_at"], response.json()["purge_at"]) == (None, None)
    assert [t["id"] for t in api.get(f"{API}/threads").json()["results"]] == [thread.id]

    again = api.post(f"{API}/threads/{thread.id}/restore")

    assert (again.status_code, again.json()) == (
        409,
        {"code": "not_in_trash", "detail": "This conversation is not in Trash."},
    )


def test_api_restore_of_someone_elses_thread_is_not_found(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))
    before = state(thread, buyer)

    response = as_user(BuyerFactory()).post(f"{API}/threads/{thread.id}/restore")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert state(thread, buyer) == before


def test_api_purged_thread_is_not_found(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    trash.thread_trash(participant=side(thread, buyer), now=at(1))
    trash.trash_purge(now=days(31))
    api = as_user(buyer)

    assert api.get(f"{API}/threads/{thread.id}").status_code == 404
    assert api.delete(f"{API}/threads/{thread.id}").status_code == 404
    assert api.post(f"{API}/threads/{thread.id}/restore").status_code == 404
    assert api.get(f"{API}/threads", {"folder": "trash"}).json()["results"] == []


def test_api_bulk_trash_and_restore(buyer, seller):
    ids = [thread_with_message(buyer=buyer, seller=seller, now=at(n))[0].id for n in range(2)]
    api = as_user(buyer)

    trashed = api.post(f"{API}/threads/bulk", {"ids": ids, "action": "trash"}, format="json")
    restored = api.post(f"{API}/threads/bulk", {"ids": ids, "action": "restore"}, format="json")

    assert trashed.json() == {"action": "trash", "ids": sorted(ids), "changed": 2}
    assert restored.json() == {"action": "restore", "ids": sorted(ids), "changed": 2}


def test_api_trash_and_restore_cost_a_fixed_number_of_queries(
    buyer, seller, django_assert_num_queries
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    api = as_user(buyer)

    # participant, its thread by id, the update; then the same for the restore
    with django_assert_num_queries(3):
        assert api.delete(f"{API}/threads/{thread.id}").status_code == 200
    with django_assert_num_queries(3):
        assert api.post(f"{API}/threads/{thread.id}/restore").status_code == 200
