"""The replica router against a real streaming replica, also one whose replay is paused.

``replica_databases`` points ``default`` at a private primary and ``replica`` at its streaming
replica (``tests/replica/conftest.py``). Pausing replay (``pg_wal_replay_pause()``) makes the
replica lag for as long as a test needs: a row written then is on the primary only.
"""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import InternalError, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tokens import token_create
from core.replica import ReplicaRouter, replica_reads_allow, request_reads
from messaging.models import Message, Participant
from messaging.threads import services
from notifications.models import Notification
from notifications.tasks import notification_deliver
from tests.accounts.factories import StaffFactory
from tests.messaging.factories import thread_with_message
from tests.replica.clusters import free_port

pytestmark = pytest.mark.services


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@contextmanager
def queries_on(alias: str) -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connections[alias]) as captured:
        yield captured


def tables(captured: CaptureQueriesContext) -> list[str]:
    """The main table of each captured query, in order."""
    return [re.search(r'FROM "(\w+)"', query["sql"]).group(1) for query in captured]


def shown_messages(response) -> list[str]:
    return [message.body for message in response.context["thread_messages"]]


def inbox_snippets(response) -> list[str]:
    return [row.thread.last_message.body for row in response.context["page"].items]


def on_replica(message: Message) -> bool:
    return Message.objects.using("replica").filter(pk=message.pk).exists()


def test_the_replica_streams_from_the_primary_and_refuses_writes(replica_databases):
    pair = replica_databases

    assert pair.replica.scalar("SELECT pg_is_in_recovery()") is True
    assert pair.primary.scalar("SELECT pg_is_in_recovery()") is False
    assert pair.primary.scalar("SELECT usename FROM pg_stat_replication") == "replicator"
    _thread, message = thread_with_message(body="Streamed?")
    pair.catch_up()
    assert on_replica(message) is True
    with pytest.raises(InternalError, match="cannot execute UPDATE in a read-only transaction"):
        Message.objects.using("replica").filter(pk=message.pk).update(body="Changed")


def test_readyz_checks_the_replica_and_names_it_when_it_does_not_answer(replica_databases):
    pair = replica_databases
    client = Client()

    answered = client.get("/readyz")
    assert answered.status_code == 200
    assert answered.json()["checks"]["replica"] == "ok"

    # The replica's address now leads nowhere: /readyz says which dependency failed.
    reachable = connections.settings["replica"]
    connections.settings["replica"] = {**reachable, "PORT": str(free_port())}
    try:
        refused = client.get("/readyz")
    finally:
        connections.settings["replica"] = reachable
    assert refused.status_code == 503
    assert refused.json()["failed"] == ["replica"]
    assert refused.json()["checks"]["postgresql"] == "ok"
    assert pair.replica.scalar("SELECT pg_is_in_recovery()") is True


def test_the_sender_sees_their_message_while_the_replica_lags(replica_databases):
    pair = replica_databases
    thread, _first = thread_with_message(body="Where is my parcel?")
    buyer, seller = thread.buyer, thread.seller
    # The seller has read the thread, so their pages below only read.
    services.thread_mark_read(participant=Participant.objects.get(thread=thread, user=seller))
    buyer_web, seller_web = logged_in(buyer), logged_in(seller)
    buyer_api = APIClient()
    buyer_api.force_login(buyer)
    pair.catch_up()
    pair.pause()

    sent = buyer_web.post(f"/messages/{thread.pk}/", {"body": "Any news on the parcel?"})

    assert sent.status_code == 302
    reply = Message.objects.get(thread=thread, sender=buyer, body="Any news on the parcel?")
    assert on_replica(reply) is False  # the replica really lags
    # The buyer wrote a moment ago: their pages and API calls read the primary.
    with queries_on("replica") as buyer_on_replica:
        inbox = buyer_web.get("/messages/")
        page = buyer_web.get(f"/messages/{thread.pk}/")
        listed = buyer_api.get("/api/v1/threads")
        detail = buyer_api.get(f"/api/v1/threads/{thread.pk}")
    assert len(buyer_on_replica) == 0
    assert inbox_snippets(inbox) == ["Any news on the parcel?"]
    assert "You: Any news on the parcel?" in inbox.content.decode()
    assert shown_messages(page) == ["Where is my parcel?", "Any news on the parcel?"]
    assert [row["snippet"] for row in listed.json()["results"]] == ["Any news on the parcel?"]
    assert [m["body"] for m in detail.json()["messages"]] == [
        "Where is my parcel?",
        "Any news on the parcel?",
    ]
    # The seller wrote nothing: their pages read the replica, which has not replayed it yet.
    with queries_on("replica") as seller_on_replica:
        seller_inbox = seller_web.get("/seller/?folder=all")
        seller_page = seller_web.get(f"/seller/messages/{thread.pk}/")
    assert inbox_snippets(seller_inbox) == ["Where is my parcel?"]
    assert shown_messages(seller_page) == ["Where is my parcel?"]
    assert tables(seller_on_replica) == [
        # The inbox: the folder counts (the badge is the Unread count), its rows, their
        # threads, a restriction, the reader's own blocked messages ("Not sent").
        "messaging_participant",
        "messaging_participant",
        "messaging_thread",
        "messaging_sellerrestriction",
        "messaging_message",
        # The thread page: its one statement for the page cache (the rows it shows, and the
        # badge's count), the seller's side, the thread, the saved replies, the messages
        # and their files, the order's items, the buyer's other orders and conversations,
        # who can be assigned and the team's notes, the seller's evidence export.
        "messaging_participant",
        "messaging_participant",
        "messaging_thread",
        "messaging_savedreply",
        "messaging_message",
        "messaging_attachment",
        "orders_orderitem",
        "orders_order",
        "messaging_participant",
        "accounts_shopmember",
        "messaging_threadnote",
        "messaging_evidenceexport",
    ]

    pair.resume()
    pair.catch_up()

    assert inbox_snippets(seller_web.get("/seller/?folder=all")) == ["Any news on the parcel?"]


def test_an_integrator_reads_its_reply_through_the_api_while_the_replica_lags(
    replica_databases,
):
    pair = replica_databases
    thread, _ = thread_with_message(body="Is this in stock?")
    _token, plaintext = token_create(user=thread.seller, name="helpdesk")
    seller_api = APIClient()
    seller_api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    buyer_api = APIClient()
    buyer_api.force_login(thread.buyer)
    pair.catch_up()
    pair.pause()

    sent = seller_api.post(
        f"/api/v1/threads/{thread.pk}/messages", {"body": "Yes, 4 left."}, format="json"
    )

    assert sent.status_code == 201
    assert on_replica(Message.objects.get(pk=sent.json()["id"])) is False
    # No cookie carries the window: it is kept per user, so a token's calls get it too.
    assert dict(seller_api.cookies) == {}
    with queries_on("replica") as seller_on_replica:
        messages = seller_api.get(f"/api/v1/threads/{thread.pk}/messages")
        threads = seller_api.get("/api/v1/threads?folder=all")
    assert len(seller_on_replica) == 0
    assert [m["body"] for m in messages.json()["results"]] == ["Is this in stock?", "Yes, 4 left."]
    assert [row["snippet"] for row in threads.json()["results"]] == ["Yes, 4 left."]
    with queries_on("replica") as buyer_on_replica:
        stale = buyer_api.get(f"/api/v1/threads/{thread.pk}")
    assert [m["body"] for m in stale.json()["messages"]] == ["Is this in stock?"]
    assert tables(buyer_on_replica) == [
        "messaging_participant",
        "messaging_thread",
        "messaging_message",
        "messaging_attachment",
    ]

    pair.resume()
    pair.catch_up()

    fresh = buyer_api.get(f"/api/v1/threads/{thread.pk}")
    assert [m["body"] for m in fresh.json()["messages"]] == ["Is this in stock?", "Yes, 4 left."]


def test_a_write_moves_the_rest_of_its_request_and_the_next_ones_to_the_primary(
    replica_databases,
):
    pair = replica_databases
    thread, _ = thread_with_message(body="Where is my parcel?")
    seller = thread.seller
    seller_web = logged_in(seller)
    pair.catch_up()
    pair.pause()
    services.message_send(thread=thread, sender=thread.buyer, body="Hello? Anyone there?")

    # The seller's side comes from the replica (one unread message there, two on the primary),
    # after the page cache's statement; marking it read writes, and the messages are then
    # read from the primary.
    with queries_on("replica") as page_on_replica:
        page = seller_web.get(f"/seller/messages/{thread.pk}/")

    assert tables(page_on_replica) == [
        "messaging_participant",
        "messaging_participant",
        "messaging_thread",
        "messaging_savedreply",
    ]
    assert shown_messages(page) == ["Where is my parcel?", "Hello? Anyone there?"]
    assert Participant.objects.get(thread=thread, user=seller).unread_count == 0
    # That write is remembered: the seller's next request reads the primary too.
    with queries_on("replica") as inbox_on_replica:
        inbox = seller_web.get("/seller/?folder=all")
    assert len(inbox_on_replica) == 0
    assert inbox_snippets(inbox) == ["Hello? Anyone there?"]
    assert [row.unread_count for row in inbox.context["page"].items] == [0]


def test_a_writer_reads_the_replica_again_after_the_window(replica_databases, settings):
    settings.REPLICA_READ_YOUR_WRITES_SECONDS = 1
    pair = replica_databases
    thread, _ = thread_with_message(body="Where is my parcel?")
    buyer_web = logged_in(thread.buyer)
    pair.catch_up()
    pair.pause()
    buyer_web.post(f"/messages/{thread.pk}/", {"body": "Any news?"})

    assert inbox_snippets(buyer_web.get("/messages/")) == ["Any news?"]

    time.sleep(1.1)

    assert inbox_snippets(buyer_web.get("/messages/")) == ["Where is my parcel?"]
    pair.resume()
    pair.catch_up()
    assert inbox_snippets(buyer_web.get("/messages/")) == ["Any news?"]


def test_transactions_locks_and_writes_use_the_primary(replica_databases, rf):
    pair = replica_databases
    thread, _ = thread_with_message(body="Where is my parcel?")
    pair.catch_up()
    pair.pause()
    new = services.message_send(thread=thread, sender=thread.buyer, body="Still waiting.")
    request = rf.get("/messages/")
    request.user = AnonymousUser()
    router = ReplicaRouter()

    with request_reads() as reads:
        assert replica_reads_allow(request) is True
        assert Message.objects.filter(pk=new.pk).exists() is False
        with transaction.atomic():
            assert Message.objects.filter(pk=new.pk).exists() is True
        assert reads.pinned is True
        assert Message.objects.filter(pk=new.pk).exists() is True
    with request_reads() as reads:
        assert replica_reads_allow(request) is True
        assert router.db_for_read(Message) == "replica"
        assert Message.objects.select_for_update().filter(pk=new.pk).db == "default"
        assert reads.pinned is True
        assert router.db_for_read(Message) == "default"
    with request_reads() as reads:
        assert replica_reads_allow(request) is True
        assert Message.objects.filter(pk=new.pk).exists() is False
        Participant.objects.filter(thread=thread).update(is_archived=False)
        assert Message.objects.filter(pk=new.pk).exists() is True
    # A POST never reads the replica, nor does anything outside a request.
    with request_reads():
        assert replica_reads_allow(rf.post("/messages/")) is False
        assert Message.objects.filter(pk=new.pk).exists() is True
    assert Message.objects.filter(pk=new.pk).exists() is True


def test_celery_tasks_and_the_admin_read_the_primary(replica_databases, mailoutbox):
    pair = replica_databases
    thread, _ = thread_with_message(body="Where is my parcel?")
    staff_web = logged_in(StaffFactory())
    pair.catch_up()
    pair.pause()
    reply = services.message_send(thread=thread, sender=thread.seller, body="Shipped today.")
    notification = Notification.objects.get(recipient=thread.buyer, kind="new_message")
    assert Notification.objects.using("replica").filter(pk=notification.pk).exists() is False

    with queries_on("replica") as task_on_replica:
        outcome = notification_deliver(notification.pk)
    with queries_on("replica") as admin_on_replica:
        change = staff_web.get(f"/admin/messaging/message/{reply.pk}/change/")

    assert outcome == "sent"
    assert [email.to for email in mailoutbox] == [[thread.buyer.email]]
    assert change.status_code == 200
    assert "Shipped today." in change.content.decode()
    assert len(task_on_replica) == 0
    assert len(admin_on_replica) == 0
