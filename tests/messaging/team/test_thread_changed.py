"""A reply is never sent blind: 409 thread_changed when messages arrived since the writer looked."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import MemberRole, ShopMember
from accounts.tokens import token_create
from messaging.models import Message
from messaging.threads.services import message_send
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message


def agent_client(shop, name: str) -> tuple[APIClient, object]:
    person = BuyerFactory(display_name=name)
    ShopMember.objects.create(shop=shop, user=person, role=MemberRole.AGENT)
    _token, plaintext = token_create(user=person, name="desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client, person


def send(client: APIClient, thread_id: int, body: str, **extra):
    return client.post(
        f"/api/v1/threads/{thread_id}/messages", {"body": body, **extra}, format="json"
    )


@pytest.mark.django_db
def test_a_reply_that_saw_the_latest_message_is_sent(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    ana, _ = agent_client(seller, "Ana")

    response = send(ana, thread.id, "On its way.", expected_last_message_id=first.id)

    assert response.status_code == 201


@pytest.mark.django_db
def test_a_teammates_reply_since_refuses_the_send_with_its_id(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    ana, _ = agent_client(seller, "Ana")
    ben, _ = agent_client(seller, "Ben")
    landed = send(ana, thread.id, "Ana's answer.", expected_last_message_id=first.id).json()

    refused = send(ben, thread.id, "Ben's answer.", expected_last_message_id=first.id)
    by_header = ben.post(
        f"/api/v1/threads/{thread.id}/messages",
        {"body": "Ben's answer."},
        format="json",
        HTTP_IF_MATCH=f'"{first.id}"',
    )

    assert refused.status_code == 409
    assert refused.json() == {
        "code": "thread_changed",
        "detail": "New messages arrived in this conversation while you were writing.",
        "new_message_ids": [landed["id"]],
    }
    assert (by_header.status_code, by_header.json()["new_message_ids"]) == (409, [landed["id"]])
    assert not Message.objects.filter(body="Ben's answer.").exists()


@pytest.mark.django_db
def test_force_or_the_new_id_sends_after_a_refusal(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    newer = message_send(thread=thread, sender=buyer, body="Also, gift wrap please.")
    ana, _ = agent_client(seller, "Ana")

    forced = send(ana, thread.id, "Sure.", expected_last_message_id=first.id, force=True)
    revised = send(ana, thread.id, "Wrapped.", expected_last_message_id=newer.id)

    assert (forced.status_code, revised.status_code) == (201, 201)


@pytest.mark.django_db
def test_my_own_messages_since_do_not_refuse_mine(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    ana, _ = agent_client(seller, "Ana")
    send(ana, thread.id, "One.", expected_last_message_id=first.id)

    again = send(ana, thread.id, "Two.", expected_last_message_id=first.id)

    assert again.status_code == 201


@pytest.mark.django_db
def test_a_bad_if_match_is_a_clear_error(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    ana, _ = agent_client(seller, "Ana")

    response = ana.post(
        f"/api/v1/threads/{thread.id}/messages",
        {"body": "Hi"},
        format="json",
        HTTP_IF_MATCH="yesterday",
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_if_match")
    assert Message.objects.filter(thread=thread).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_clients_that_saw_the_same_message_send_one_reply(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    clients = [agent_client(seller, "Ana")[0], agent_client(seller, "Ben")[0]]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def reply(client: APIClient, body: str) -> None:
        try:
            barrier.wait()
            statuses.append(
                send(client, thread.id, body, expected_last_message_id=first.id).status_code
            )
        finally:
            connection.close()

    workers = [
        threading.Thread(target=reply, args=(client, f"Reply {n}"))
        for n, client in enumerate(clients)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(statuses) == [201, 409]
    assert Message.objects.filter(thread=thread, body__startswith="Reply").count() == 1


@pytest.mark.django_db
def test_the_page_shows_the_new_message_and_sends_anyway_on_request(seller, buyer, client):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    person = BuyerFactory(display_name="Ben")
    ShopMember.objects.create(shop=seller, user=person, role=MemberRole.AGENT)
    client.force_login(person)
    page = client.get(f"/seller/messages/{thread.id}/").content.decode()
    assert f'name="expected_last_message_id" value="{first.id}"' in page
    landed = message_send(thread=thread, sender=buyer, body="Actually, make it blue.")

    held = client.post(
        f"/seller/messages/{thread.id}/",
        {"body": "Red is on its way.", "expected_last_message_id": str(first.id)},
    )
    html = held.content.decode()
    sent = client.post(
        f"/seller/messages/{thread.id}/",
        {"body": "Red is on its way.", "expected_last_message_id": str(first.id), "force": "1"},
    )

    assert held.status_code == 400
    assert "A new message arrived in this conversation while you were writing." in html
    assert "Actually, make it blue." in html
    assert f'href="#m{landed.id}"' in html
    assert f'name="expected_last_message_id" value="{landed.id}"' in html
    assert ">Red is on its way.</textarea>" in html
    assert sent.status_code == 302
    assert Message.objects.filter(thread=thread, body="Red is on its way.").count() == 1


@pytest.mark.django_db
def test_a_colleagues_reply_still_in_its_undo_time_counts(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    ana, _ = agent_client(seller, "Ana")
    ben, _ = agent_client(seller, "Ben")
    held = send(ana, thread.id, "Ana's answer.", expected_last_message_id=first.id, undo_seconds=10)

    refused = send(ben, thread.id, "Ben's answer.", expected_last_message_id=first.id)

    assert (held.status_code, held.json()["status"]) == (202, "sending")
    assert (refused.status_code, refused.json()["new_message_ids"]) == (409, [held.json()["id"]])


@pytest.mark.django_db
def test_the_buyers_message_in_its_undo_time_does_not_count(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    message_send(thread=thread, sender=buyer, body="Wait, one more thing", undo_seconds=10)
    ana, _ = agent_client(seller, "Ana")

    response = send(ana, thread.id, "Shipped.", expected_last_message_id=first.id)

    assert response.status_code == 201
