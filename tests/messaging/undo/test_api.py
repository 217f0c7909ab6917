"""Undo send through the API: 202 while sending, POST …/undo, 409 too late, 404 for others."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from messaging.models import Attachment, Message, MessageStatus
from messaging.threads import sending
from notifications.models import Notification, WebhookDelivery
from tests.accounts.factories import BuyerFactory
from tests.messaging import badfiles
from tests.messaging.undo.helpers import T0, answered_conversation, at

pytestmark = pytest.mark.django_db

API = "/api/v1"


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _fast_sends(settings):
    settings.MESSAGE_SEND_RATE = "1000/60"


@pytest.fixture
def conversation(buyer, seller):
    return answered_conversation(buyer=buyer, seller=seller)


@pytest.fixture
def clock(monkeypatch):
    """The services' clock, moved by the test."""
    now = {"at": at(120)}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])
    return now


def send(user, thread, **payload):
    return as_user(user).post(f"{API}/threads/{thread.pk}/messages", payload, format="json")


def undo(user, thread_id, message_id):
    return as_user(user).post(f"{API}/threads/{thread_id}/messages/{message_id}/undo")


def test_send_with_undo_seconds_answers_202_sending_until_the_undo_time(conversation, clock):
    response = send(conversation.buyer, conversation.thread, body="Gift wrap?", undo_seconds=5)

    assert response.status_code == 202
    message = Message.objects.get(body="Gift wrap?")
    assert response.json() == {
        "id": message.pk,
        "thread_id": conversation.thread.pk,
        "sender_role": "buyer",
        "kind": "message",
        "status": "sending",
        "body": "Gift wrap?",
        "created_at": iso(at(120)),
        "findings": [],
        "attachments": [],
        "author_id": None,
        "undo_until": iso(at(125)),
    }


def test_without_undo_seconds_the_api_delivers_at_once_whatever_the_pages_use(
    conversation, clock, settings
):
    settings.MESSAGE_UNDO_SECONDS = 10
    conversation.buyer.undo_send_seconds = 30
    conversation.buyer.save(update_fields=["undo_send_seconds"])

    response = send(conversation.buyer, conversation.thread, body="One")

    assert response.status_code == 201
    assert response.json()["status"] == "delivered"
    assert "undo_until" not in response.json()
    assert Message.objects.get(body="One").status == MessageStatus.DELIVERED


def test_undo_seconds_zero_answers_201_as_without_undo_send(conversation, clock, settings):
    settings.MESSAGE_UNDO_SECONDS = 10

    response = send(conversation.buyer, conversation.thread, body="At once", undo_seconds=0)

    assert response.status_code == 201
    message = Message.objects.get(body="At once")
    assert message.status == MessageStatus.DELIVERED
    assert "undo_until" not in response.json()
    assert response.json()["status"] == "delivered"


@pytest.mark.parametrize("value", [-1, 31, "ten", 2.5, None])
def test_undo_seconds_out_of_range_is_refused_and_nothing_is_sent(conversation, value):
    count = Message.objects.count()

    response = send(conversation.buyer, conversation.thread, body="Hi", undo_seconds=value)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["undo_seconds"]
    assert Message.objects.count() == count


def test_the_other_side_sees_nothing_of_a_sending_message_in_the_api(conversation, clock):
    seller, thread = conversation.seller, conversation.thread
    before = as_user(seller).get(f"{API}/threads/{thread.pk}").json()

    sent = send(conversation.buyer, thread, body="Tangerine", undo_seconds=10)

    assert sent.status_code == 202
    assert as_user(seller).get(f"{API}/threads/{thread.pk}").json() == before
    listed = as_user(seller).get(f"{API}/threads/{thread.pk}/messages").json()["results"]
    assert [m["body"] for m in listed] == ["Where is my parcel?", "It ships today."]
    threads = as_user(seller).get(f"{API}/threads", {"folder": "all"}).json()["results"]
    assert [(t["snippet"], t["unread_count"]) for t in threads] == [("It ships today.", 0)]
    found = as_user(seller).get(f"{API}/threads", {"folder": "all", "q": "tangerine"}).json()
    assert found["results"] == []
    # Its sender lists it, as sending.
    mine = as_user(conversation.buyer).get(f"{API}/threads/{thread.pk}/messages").json()
    assert [(m["body"], m["status"]) for m in mine["results"]][-1] == ("Tangerine", "sending")


def test_undo_in_time_answers_the_text_and_file_names_and_deletes_everything(
    conversation, clock, private_storage, django_capture_on_commit_callbacks
):
    buyer, thread = conversation.buyer, conversation.thread
    emails, webhooks = Notification.objects.count(), WebhookDelivery.objects.count()
    sent = as_user(buyer).post(
        f"{API}/threads/{thread.pk}/messages",
        {
            "body": "Tangerine, see the photo",
            "undo_seconds": "10",
            "files": [
                _upload("photo.png", badfiles.png()),
                _upload("invoice.pdf", badfiles.pdf()),
            ],
        },
        format="multipart",
    )
    assert sent.status_code == 202, sent.content
    message_id = sent.json()["id"]
    clock["at"] = at(129)

    with django_capture_on_commit_callbacks(execute=True):
        response = undo(buyer, thread.pk, message_id)

    assert response.status_code == 200
    assert response.json() == {
        "id": message_id,
        "thread_id": thread.pk,
        "body": "Tangerine, see the photo",
        "attachment_names": ["photo.png", "invoice.pdf"],
    }
    assert not Message.objects.filter(pk=message_id).exists()
    assert not Attachment.objects.filter(message_id=message_id).exists()
    assert [p for p in private_storage.rglob("*") if p.is_file()] == []
    assert (Notification.objects.count(), WebhookDelivery.objects.count()) == (emails, webhooks)
    assert sending.messages_sending_sweep(now=at(200)) == 0


def test_undo_after_the_undo_time_is_409_too_late_and_the_message_is_delivered_once(
    conversation, clock
):
    buyer, seller, thread = conversation.buyer, conversation.seller, conversation.thread
    emails = Notification.objects.filter(recipient=seller).count()
    message_id = send(buyer, thread, body="Late", undo_seconds=5).json()["id"]
    clock["at"] = at(125)

    response = undo(buyer, thread.pk, message_id)

    assert response.status_code == 409
    assert response.json() == {
        "code": "too_late",
        "detail": "Too late to undo: the message was sent.",
    }
    assert sending.messages_sending_sweep(now=at(125)) == 1
    assert undo(buyer, thread.pk, message_id).json()["code"] == "too_late"
    assert sending.messages_sending_sweep(now=at(126)) == 0
    assert Message.objects.get(pk=message_id).status == MessageStatus.DELIVERED
    assert Notification.objects.filter(recipient=seller).count() == emails + 1


def test_undo_of_another_users_message_or_thread_is_404_and_changes_nothing(conversation, clock):
    buyer, seller, thread = conversation.buyer, conversation.seller, conversation.thread
    message_id = send(buyer, thread, body="Mine", undo_seconds=10).json()["id"]

    refused = [
        undo(seller, thread.pk, message_id),  # the other side of the thread
        undo(BuyerFactory(), thread.pk, message_id),  # not in the thread
        undo(buyer, thread.pk, message_id + 1000),  # no such message
        undo(buyer, thread.pk + 1000, message_id),  # no such thread
    ]

    assert [r.status_code for r in refused] == [404, 404, 404, 404]
    assert {r.json()["code"] for r in refused} == {"not_found"}
    assert Message.objects.get(pk=message_id).status == MessageStatus.SENDING


def test_undo_needs_authentication(conversation):
    response = APIClient().post(f"{API}/threads/{conversation.thread.pk}/messages/1/undo")

    assert response.status_code == 401


def test_a_blocked_message_is_422_at_once_and_not_undoable(conversation, clock):
    buyer, thread = conversation.buyer, conversation.thread

    sent = send(buyer, thread, body="Mail me at tangerine@example.org", undo_seconds=10)

    assert sent.status_code == 422
    assert sent.json()["message"]["status"] == "blocked"
    response = undo(buyer, thread.pk, sent.json()["message"]["id"])
    assert (response.status_code, response.json()["code"]) == (409, "not_sending")


def test_an_idempotent_retry_replays_the_202_and_sends_once(conversation, clock):
    client = as_user(conversation.buyer)
    url = f"{API}/threads/{conversation.thread.pk}/messages"
    payload = {"body": "Once", "undo_seconds": 10}

    first = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert Message.objects.filter(body="Once").count() == 1


def test_the_release_task_delivers_once_and_waits_when_it_comes_early(conversation, clock):
    from messaging.threads.tasks import sending_message_release

    message_id = send(conversation.buyer, conversation.thread, body="Soon", undo_seconds=10).json()[
        "id"
    ]

    with (
        mock.patch.object(sending_message_release, "retry", side_effect=RuntimeError) as retry,
        pytest.raises(RuntimeError),
    ):
        sending_message_release.run(message_id)
    assert retry.call_args.kwargs == {"countdown": 10.0}
    clock["at"] = T0 + timedelta(seconds=130)
    assert sending_message_release.run(message_id) is True
    assert sending_message_release.run(message_id) is False
    assert Message.objects.get(pk=message_id).status == MessageStatus.DELIVERED


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_openapi_schema_documents_undo_send(tmp_path):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())

    send = schema["paths"]["/api/v1/threads/{thread_id}/messages"]["post"]
    assert {"201", "202", "422"} <= set(send["responses"])
    sending_schema = send["responses"]["202"]["content"]["application/json"]["schema"]
    assert sending_schema == {"$ref": "#/components/schemas/SendingMessage"}
    assert "undo_until" in schema["components"]["schemas"]["SendingMessage"]["required"]
    request = schema["components"]["schemas"]["ThreadMessageInputRequest"]["properties"]
    assert (request["undo_seconds"]["minimum"], request["undo_seconds"]["maximum"]) == (0, 30)
    undo_operation = schema["paths"]["/api/v1/threads/{thread_id}/messages/{message_id}/undo"]
    assert undo_operation["post"]["operationId"] == "messages_undo"
    assert set(undo_operation["post"]["responses"]) == {"200", "401", "404", "409", "429"}
    undone = schema["components"]["schemas"]["UndoneMessage"]["properties"]
    assert set(undone) == {"id", "thread_id", "body", "attachment_names"}


# Pinned: the send with an undo time writes the message and nothing of the other side's; its
# release does what a send without one does after storing, in one transaction.
# "May reply" is known without a query when the thread's latest message, loaded with it,
# shows it; the release writes the thread and both sides in one statement, and the obligation
# with its day's count in another.
HELD_SEND_QUERIES = 7  # participant, thread, savepoint, lock, insert, release, files
RELEASE_QUERIES = 15


def test_query_budget_of_a_held_send_and_of_its_release(
    conversation, clock, django_assert_num_queries
):
    client = as_user(conversation.buyer)
    url = f"{API}/threads/{conversation.thread.pk}/messages"

    with django_assert_num_queries(HELD_SEND_QUERIES):
        response = client.post(url, {"body": "Held", "undo_seconds": 10}, format="json")
    with django_assert_num_queries(RELEASE_QUERIES):
        sending.message_sending_release(message_id=response.json()["id"], now=at(131))


# Participant, thread, savepoint, the locked message, its files, their delete, then Django's
# delete of the message: it looks up (and finds nothing in) every table pointing at a message,
# which a sending message cannot have yet; robust against new references, and an undo is rare.
UNDO_QUERIES = 17


def test_query_budget_of_an_undo(conversation, clock, django_assert_num_queries):
    message_id = send(conversation.buyer, conversation.thread, body="Back", undo_seconds=10).json()[
        "id"
    ]

    with django_assert_num_queries(UNDO_QUERIES):
        response = undo(conversation.buyer, conversation.thread.pk, message_id)

    assert response.status_code == 200
