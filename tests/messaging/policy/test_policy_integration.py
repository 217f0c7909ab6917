import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.errors import ApplicationError
from messaging.models import Message, Participant, ParticipantRole, Thread
from messaging.moderation.services import message_confirm_block, message_release
from messaging.threads.services import message_send, thread_start
from tests.accounts.factories import StaffFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

PHONE_TEXT = "Call me on 415 555 0132 and we sort it out"


def sides(thread):
    rows = {p.role: p for p in Participant.objects.filter(thread=thread)}
    return rows[ParticipantRole.BUYER], rows[ParticipantRole.SELLER]


def test_blocked_reply_is_stored_but_not_delivered(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    message_send(thread=thread, sender=seller, body="Shipped today.")

    message = message_send(thread=thread, sender=buyer, body=PHONE_TEXT)

    assert (message.status, message.categories) == ("blocked", ["phone"])
    assert [(f["category"], f["start"], f["end"]) for f in message.findings] == [("phone", 11, 23)]
    assert PHONE_TEXT[11:23] == "415 555 0132"
    seller_side = sides(thread)[1]
    assert seller_side.unread_count == 0
    assert seller_side.needs_response_since is None
    assert Thread.objects.get(pk=thread.pk).last_message_id != message.pk


def test_blocked_first_message_leaves_no_conversation_in_either_inbox(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    message = thread_start(sender=buyer, order=order, topic="other", body=PHONE_TEXT)

    assert message.status == "blocked"
    assert Participant.objects.for_user(seller).count() == 0
    assert Participant.objects.for_user(buyer).count() == 0


def test_release_delivers_a_false_positive_as_if_sent_now(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    message = thread_start(sender=buyer, order=order, topic="other", body=PHONE_TEXT)
    staff = StaffFactory()

    released = message_release(message=message, reviewer=staff)

    assert (released.status, released.review_outcome, released.reviewed_by) == (
        "delivered",
        "released",
        staff,
    )
    seller_side = sides(message.thread)[1]
    assert (seller_side.is_deleted, seller_side.unread_count) == (False, 1)
    assert seller_side.needs_response_since == released.created_at
    with pytest.raises(ApplicationError):
        message_release(message=message, reviewer=staff)


def test_confirm_keeps_the_message_blocked(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    message = message_send(thread=thread, sender=buyer, body=PHONE_TEXT)

    confirmed = message_confirm_block(message=message, reviewer=StaffFactory())

    assert (confirmed.status, confirmed.review_outcome) == ("blocked", "confirmed")
    assert sides(thread)[1].unread_count == 1


def test_api_send_answers_422_with_findings(api_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    api_client.force_authenticate(buyer)

    response = api_client.post(
        reverse("api:thread-messages", args=[thread.pk]), {"body": PHONE_TEXT}, format="json"
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "policy_violation"
    assert body["categories"] == ["phone"]
    assert body["findings"] == [
        {
            "category": "phone",
            "start": 11,
            "end": 23,
            "reason": "Phone number",
            "code": "phone_number",
            "params": {},
            "source": "body",
        }
    ]
    assert body["message"]["status"] == "blocked"
    assert Message.objects.filter(status="blocked").count() == 1


def test_policy_check_endpoint_returns_the_verdict_without_storing(api_client, buyer):
    api_client.force_authenticate(buyer)

    blocked = api_client.post(
        reverse("api:policy-check"),
        {"body": "write me: anna at gmail dot com", "filenames": ["invoice.pdf"]},
        format="json",
    )
    allowed = api_client.post(
        reverse("api:policy-check"), {"body": "Order 112-1234567-1234567 arrived"}, format="json"
    )

    assert blocked.status_code == 200
    assert blocked.json()["verdict"] == "block"
    assert blocked.json()["categories"] == ["email"]
    assert blocked.json()["findings"][0]["start"] == 10
    assert allowed.json() == {"verdict": "allow", "categories": [], "findings": []}
    assert Message.objects.count() == 0


def test_policy_check_endpoint_flags_file_names(api_client, buyer):
    api_client.force_authenticate(buyer)

    response = api_client.post(
        reverse("api:policy-check"),
        {"body": "Photo attached", "filenames": ["call-me-555-0192.pdf"]},
        format="json",
    )

    assert response.json()["verdict"] == "block"
    assert response.json()["findings"][0]["source"] == "filename:0"


def test_web_reply_blocked_shows_highlighted_text_and_keeps_it_from_the_seller(
    buyer_client, buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_client.post(
        reverse("messaging:thread", args=[thread.pk]), {"body": PHONE_TEXT}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Your message was not sent: it contains a phone number" in html
    assert '<mark title="Phone number" data-category="phone">415 555 0132</mark>' in html
    assert sides(thread)[1].unread_count == 1


def test_policy_check_command_writes_one_verdict_per_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "Hi!\n[attachment: call-me-555-0192.pdf]"})
        + "\n"
        + json.dumps({"id": 7, "text": "Tracking 1Z999AA10123456784, manual.zip attached"})
        + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()

    call_command("policy_check", "--input", str(source), stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["id"], line["verdict"], line["categories"]) for line in lines] == [
        ("a", "block", ["phone"]),
        (7, "allow", []),
    ]
