"""The API's reads of a conversation: its messages page by page, and its files."""

import hashlib
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_create
from messaging.attachments.checks import IncomingFile
from messaging.attachments.downloads import content_disposition
from messaging.models import Attachment, Message, Participant, Thread
from messaging.threads import services
from messaging.threads.selectors import MAX_PAGE_SIZE
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

API = "/api/v1"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
# Pinned for a force_authenticate request: participant, the page of messages, their files.
MESSAGE_PAGE_QUERIES = 4  # participant, its thread by id, messages, their attachments


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='Helpdesk')[1]}")
    return client


def snapshot() -> tuple[list, ...]:
    """Everything these endpoints could write, to prove a refused request wrote nothing."""
    return (
        list(Thread.objects.order_by("id").values()),
        list(Participant.objects.order_by("id").values()),
        list(Message.objects.order_by("id").values()),
        list(Attachment.objects.order_by("id").values()),
    )


@pytest.fixture(autouse=True)
def _fast_sends(settings):
    settings.MESSAGE_SEND_RATE = "1000/60"


@pytest.fixture
def conversation(buyer, seller):
    """A buyer question with a PDF, the seller's answer, then a buyer message the policy stopped."""
    thread, question = thread_with_message(buyer=buyer, seller=seller, body="Where?", now=at(0))
    with_file = services.message_send(
        thread=thread,
        sender=buyer,
        body="Invoice attached",
        files=[IncomingFile("Factura café №7.pdf", badfiles.pdf())],
        now=at(1),
    )
    answer = services.message_send(thread=thread, sender=seller, body="Shipped.", now=at(2))
    blocked = services.message_send(
        thread=thread, sender=buyer, body="mail me at alex@gmail.com", now=at(3)
    )
    assert not blocked.is_delivered
    return thread, question, with_file, answer, blocked


def message_payload(message: Message, *, attachments: list | None = None) -> dict:
    return {
        "id": message.id,
        "thread_id": message.thread_id,
        "sender_role": message.sender_role,
        "kind": "message",
        "status": message.status,
        "body": message.body,
        "created_at": iso(message.created_at),
        "findings": message.findings,
        "attachments": attachments or [],
        "author_id": None,
    }


def attachment_payload(attachment: Attachment) -> dict:
    return {
        "id": attachment.id,
        "name": "Factura café №7.pdf",
        "content_type": "application/pdf",
        "size": len(badfiles.pdf()),
        "sha256": hashlib.sha256(badfiles.pdf()).hexdigest(),
        "width": None,
        "height": None,
        "url": f"http://testserver/messages/files/{attachment.id}/",
        "thumbnail_url": None,
        "download_url": f"http://testserver/api/v1/attachments/{attachment.id}/content",
    }


# --- the messages of a thread ---------------------------------------------------------------


def test_message_list_is_oldest_first_without_the_other_sides_blocked_messages(
    conversation, seller
):
    thread, question, with_file, answer, _ = conversation
    attachment = with_file.attachments.get()

    response = as_user(seller).get(f"{API}/threads/{thread.id}/messages")

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            message_payload(question),
            message_payload(with_file, attachments=[attachment_payload(attachment)]),
            message_payload(answer),
        ],
        "next_cursor": None,
    }


def test_message_list_shows_my_own_blocked_message_with_its_findings(conversation, buyer):
    thread, *_, blocked = conversation

    results = as_user(buyer).get(f"{API}/threads/{thread.id}/messages").json()["results"]

    assert len(results) == 4
    assert results[-1] == message_payload(blocked)
    assert results[-1]["status"] == "blocked"
    assert [(f["category"], f["start"], f["end"]) for f in results[-1]["findings"]] == [
        ("email", 11, 25)
    ]


def test_message_list_pages_every_message_once_across_pages(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    # Three messages share one timestamp: the id breaks the tie, so none is lost or repeated.
    sent = [first] + [
        services.message_send(
            thread=thread,
            sender=seller if index % 2 else buyer,
            body=f"Message {index}",
            now=at(1) if index < 3 else at(index),
        )
        for index in range(7)
    ]
    client = as_user(buyer)

    pages, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"{API}/threads/{thread.id}/messages", params).json()
        pages.append([row["id"] for row in body["results"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == [
        [sent[0].id, sent[1].id, sent[2].id],
        [sent[3].id, sent[4].id, sent[5].id],
        [sent[6].id, sent[7].id],
    ]


def test_a_cursor_stays_valid_while_new_messages_arrive(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    second = services.message_send(thread=thread, sender=seller, body="Two", now=at(1))
    client = as_user(buyer)
    page_one = client.get(f"{API}/threads/{thread.id}/messages", {"limit": 1}).json()

    later = services.message_send(thread=thread, sender=seller, body="Three", now=at(2))
    page_two = client.get(
        f"{API}/threads/{thread.id}/messages", {"limit": 5, "cursor": page_one["next_cursor"]}
    ).json()

    assert [row["id"] for row in page_one["results"]] == [first.id]
    assert [row["id"] for row in page_two["results"]] == [second.id, later.id]
    assert page_two["next_cursor"] is None


def test_message_list_limit_is_capped(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = as_user(buyer)

    too_small = client.get(f"{API}/threads/{thread.id}/messages", {"limit": 0})
    too_large = client.get(f"{API}/threads/{thread.id}/messages", {"limit": MAX_PAGE_SIZE + 1})
    largest = client.get(f"{API}/threads/{thread.id}/messages", {"limit": MAX_PAGE_SIZE})

    assert (too_small.status_code, too_small.json()) == (
        400,
        {
            "code": "invalid_parameter",
            "detail": "Some query parameters are not valid.",
            "fields": {"limit": ["Ensure this value is greater than or equal to 1."]},
        },
    )
    assert too_large.json()["fields"] == {
        "limit": ["Ensure this value is less than or equal to 100."]
    }
    assert largest.status_code == 200


@pytest.mark.parametrize("cursor", ["nonsense", "WzFd", "W1swXSwgMV0"])
def test_message_list_refuses_a_cursor_it_did_not_make(buyer, seller, cursor):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = as_user(buyer).get(f"{API}/threads/{thread.id}/messages", {"cursor": cursor})

    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "invalid_cursor",
            "detail": "This page link is not valid; start from the first page.",
        },
    )


def test_listing_messages_changes_no_read_state(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    as_user(seller).get(f"{API}/threads/{thread.id}/messages")

    assert snapshot() == before
    assert Participant.objects.get(thread=thread, user=seller).unread_count == 1


@pytest.mark.parametrize("stranger_kind", ["buyer", "seller", "staff"])
def test_message_list_of_a_foreign_or_missing_thread_is_the_same_404(conversation, stranger_kind):
    thread, *_ = conversation
    stranger = {"buyer": BuyerFactory, "seller": SellerFactory, "staff": StaffFactory}[
        stranger_kind
    ]()
    client = as_user(stranger)
    before = snapshot()

    foreign = client.get(f"{API}/threads/{thread.id}/messages", {"limit": 0})
    missing = client.get(f"{API}/threads/{thread.id + 1000}/messages")

    expected = {"code": "not_found", "detail": "No such conversation."}
    assert (foreign.status_code, foreign.json()) == (404, expected)
    assert (missing.status_code, missing.json()) == (404, expected)
    assert snapshot() == before


def test_message_list_with_a_real_token(conversation, seller):
    thread, *_ = conversation

    response = with_token(seller).get(f"{API}/threads/{thread.id}/messages")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_message_list_without_credentials_is_401(conversation, api_client):
    thread, *_ = conversation

    response = api_client.get(f"{API}/threads/{thread.id}/messages")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_message_list_query_count_does_not_grow_with_messages(
    buyer, seller, django_assert_num_queries
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = as_user(seller)

    def add_messages(count: int) -> None:
        for index in range(count):
            services.message_send(
                thread=thread,
                sender=buyer,
                body=f"Photo {index}",
                files=[IncomingFile(f"photo{index}.png", badfiles.png())],
            )

    add_messages(2)
    with django_assert_num_queries(MESSAGE_PAGE_QUERIES):
        assert len(client.get(f"{API}/threads/{thread.id}/messages").json()["results"]) == 3

    add_messages(10)
    with django_assert_num_queries(MESSAGE_PAGE_QUERIES):
        response = client.get(f"{API}/threads/{thread.id}/messages", {"limit": 100})
    assert len(response.json()["results"]) == 13
    assert sum(len(row["attachments"]) for row in response.json()["results"]) == 12


# --- attachments ----------------------------------------------------------------------------


def test_attachment_metadata_for_the_other_party(conversation, seller):
    thread, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()

    response = as_user(seller).get(f"{API}/attachments/{attachment.id}")

    assert response.status_code == 200
    assert response.json() == {
        **attachment_payload(attachment),
        "message_id": with_file.id,
        "thread_id": thread.id,
        "created_at": iso(at(1)),
    }


def test_attachment_content_is_a_safe_download_in_its_checked_type(conversation, seller):
    _, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()

    response = with_token(seller).get(
        f"{API}/attachments/{attachment.id}/content", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == badfiles.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(badfiles.pdf()))
    # A PDF opens in the browser on the page; through the API every file is a download.
    assert response["Content-Disposition"] == (
        'attachment; filename="Factura caf_ _7.pdf"; '
        "filename*=UTF-8''Factura%20caf%C3%A9%20%E2%84%967.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=300"


def test_attachment_content_on_object_storage_redirects_to_a_signed_url(
    conversation, seller, settings
):
    _, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()
    settings.ATTACHMENT_URL_EXPIRY_SECONDS = 45
    storage = mock.Mock(querystring_auth=True)
    storage.url.return_value = "https://bucket.example/k?X-Amz-Signature=abc"

    with mock.patch.object(Attachment._meta.get_field("file"), "storage", storage):
        response = as_user(seller).get(f"{API}/attachments/{attachment.id}/content")

    assert (response.status_code, response["Location"]) == (
        302,
        "https://bucket.example/k?X-Amz-Signature=abc",
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    storage.url.assert_called_once_with(
        attachment.file.name,
        parameters={
            "ResponseContentDisposition": content_disposition(attachment.name, inline=False),
            "ResponseContentType": "application/pdf",
            "ResponseCacheControl": "private",
        },
        expire=45,
    )


def test_staff_may_read_any_attachment(conversation, staff):
    _, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()
    client = as_user(staff)

    assert client.get(f"{API}/attachments/{attachment.id}").json()["id"] == attachment.id
    assert client.get(f"{API}/attachments/{attachment.id}/content").status_code == 200


@pytest.mark.parametrize("suffix", ["", "/content"])
def test_attachment_of_someone_elses_thread_is_the_same_404_as_a_missing_one(conversation, suffix):
    _, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()
    expected = {"code": "not_found", "detail": "No such file."}

    for stranger in (BuyerFactory(), SellerFactory()):
        client = as_user(stranger)
        before = snapshot()
        foreign = client.get(f"{API}/attachments/{attachment.id}{suffix}")
        missing = client.get(f"{API}/attachments/{attachment.id + 1000}{suffix}")

        assert (foreign.status_code, foreign.json()) == (404, expected)
        assert (missing.status_code, missing.json()) == (404, expected)
        assert snapshot() == before


def test_files_of_a_blocked_message_are_for_their_sender_only(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    blocked = services.message_send(
        thread=thread,
        sender=buyer,
        body="mail me at alex@gmail.com",
        files=[IncomingFile("photo.png", badfiles.png())],
    )
    attachment = blocked.attachments.get()

    mine = as_user(buyer).get(f"{API}/attachments/{attachment.id}/content")
    theirs = as_user(seller).get(f"{API}/attachments/{attachment.id}")

    assert not blocked.is_delivered
    assert (mine.status_code, mine["Content-Type"]) == (200, "image/png")
    assert (theirs.status_code, theirs.json()["code"]) == (404, "not_found")


def test_attachment_whose_file_is_gone_is_404_in_the_error_shape(conversation, seller):
    _, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()
    attachment.file.storage.delete(attachment.file.name)

    response = as_user(seller).get(f"{API}/attachments/{attachment.id}/content")

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "No such file."},
    )


def test_attachment_errors_are_json_whatever_the_client_accepts(conversation):
    _, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()

    response = APIClient().get(
        f"{API}/attachments/{attachment.id}/content", HTTP_ACCEPT="application/pdf"
    )

    assert (response.status_code, response["Content-Type"]) == (401, "application/json")
    assert response.json()["code"] == "not_authenticated"


# --- throttling applies to the reads as to everything else ---------------------------------


def test_reads_are_throttled_per_token(conversation, seller, settings):
    thread, _, with_file, *_ = conversation
    attachment = with_file.attachments.get()
    settings.API_RATES = {**settings.API_RATES, "read_token": "3/60"}
    client = with_token(seller)

    statuses = [
        client.get(f"{API}/threads/{thread.id}/messages").status_code,
        client.get(f"{API}/attachments/{attachment.id}").status_code,
        client.get(f"{API}/attachments/{attachment.id}/content").status_code,
    ]
    limited = [
        client.get(f"{API}/threads/{thread.id}/messages"),
        client.get(f"{API}/attachments/{attachment.id}"),
        client.get(f"{API}/attachments/{attachment.id}/content"),
    ]

    assert statuses == [200, 200, 200]
    assert [response.status_code for response in limited] == [429, 429, 429]
    body = limited[2].json()
    assert body == {
        "code": "rate_limited",
        "detail": f"Too many requests. Try again in {body['retry_after']} seconds.",
        "retry_after": body["retry_after"],
    }
    assert 1 <= body["retry_after"] <= 60
    assert limited[2]["Retry-After"] == str(body["retry_after"])
