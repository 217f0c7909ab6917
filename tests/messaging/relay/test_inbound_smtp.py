"""End to end: replies spoken over real SMTP to the inbound listener on loopback.

The listener runs in its own thread with its own database connection, as in production, so
these tests use committed data (``transactional_db``).
"""

import smtplib

import pytest
from django.core import mail

from messaging.models import InboundEmail, Message, Obligation
from messaging.relay.alias import reply_alias_address
from messaging.relay.smtp import inbound_smtp_controller
from messaging.threads import services
from notifications.models import Notification
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.messaging.mail import QUOTED_EN, photo, reply_email
from tests.notifications.factories import NotificationAddressFactory
from tests.notifications.live import free_port


@pytest.fixture
def listener(transactional_db):
    controller = inbound_smtp_controller(host="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def people(transactional_db):
    buyer = BuyerFactory(email="alex@example.com", display_name="Alex Buyer")
    seller = SellerFactory(email="sam@shop.example", seller_profile__shop_name="Sam's Shop")
    return buyer, seller


def smtp_send(listener, email, *, envelope_from=None, to=None) -> None:
    with smtplib.SMTP(listener.hostname, listener.port, timeout=30) as client:
        client.send_message(email, from_addr=envelope_from, to_addrs=to)


def test_buyer_reply_with_quoted_history_and_photo_lands_as_a_clean_message(listener, people):
    buyer, seller = people
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")
    seller_reply = services.message_send(thread=thread, sender=seller, body="It ships today.")
    # The buyer's notification carries the alias they reply to.
    alias = Notification.objects.get(recipient=buyer).context["reply_to"]
    assert alias == reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    email = reply_email(
        alias=alias,
        sender=buyer.email,
        text="It arrived, but the box is damaged. Photo attached.\n\nBest regards,\nAlex"
        + QUOTED_EN.format(alias=alias),
        files=(("box.jpg", "image/jpeg", photo()),),
        headers={"Authentication-Results": "mx.shop.example; spf=pass; dkim=pass header.d=ex"},
    )

    smtp_send(listener, email)

    row = InboundEmail.objects.get()
    message = Message.objects.exclude(pk=seller_reply.pk).order_by("-id").first()
    assert (row.status, row.reason_code, row.message_id) == ("processed", "", message.pk)
    assert (row.spf_result, row.dkim_result) == ("pass", "pass")
    assert row.from_address == "alex@example.com"
    assert (message.sender, message.status) == (buyer, "delivered")
    assert message.body == "It arrived, but the box is damaged. Photo attached."
    assert [(a.name, a.content_type) for a in message.attachments.all()] == [
        ("box.jpg", "image/jpeg")
    ]
    # The seller is told, with the seller's own alias, never the buyer's address.
    notification = Notification.objects.filter(recipient=seller).order_by("-id").first()
    assert notification.context["excerpt"] == message.body
    assert notification.context["reply_to"] == reply_alias_address(
        thread_id=thread.pk, user_id=seller.pk
    )
    assert mail.outbox == []


def test_reply_with_a_phone_number_is_refused_with_a_bounce_saying_why(listener, people):
    buyer, seller = people
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    before = list(Message.objects.values_list("pk", flat=True))

    smtp_send(listener, reply_email(alias=alias, sender=seller.email, text="Call 415 555 0132."))

    row = InboundEmail.objects.get()
    blocked = Message.objects.exclude(pk__in=before).get()
    assert (row.status, row.reason_code, row.message_id) == (
        "refused",
        "policy_blocked",
        blocked.pk,
    )
    assert (blocked.status, blocked.body, blocked.categories) == (
        "blocked",
        "Call 415 555 0132.",
        ["phone"],
    )
    [bounce] = mail.outbox
    assert bounce.to == ["sam@shop.example"]
    assert bounce.body == (
        "Your message was not delivered: it contains a phone number, which the messaging policy "
        "does not allow. Remove it and send your reply again.\n\n"
        f"Open the conversation: http://127.0.0.1:8000/seller/messages/{thread.pk}/\n\n"
        "-- \nMessage Center. This email was sent automatically; replies to it are not read.\n"
    )
    assert "alex@example.com" not in bounce.message().as_string()
    row.refresh_from_db()
    assert row.bounce_sent_at is not None


def test_reply_from_a_strangers_address_is_refused(listener, people):
    buyer, seller = people
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    count = Message.objects.count()

    smtp_send(listener, reply_email(alias=alias, sender="mallory@evil.example", text="Pay here"))

    row = InboundEmail.objects.get()
    assert (row.status, row.reason_code, row.sender) == ("refused", "unauthorized_sender", None)
    assert Message.objects.count() == count
    [bounce] = mail.outbox
    assert bounce.to == ["mallory@evil.example"]
    assert bounce.body.startswith(
        "Replies to this conversation are accepted only from the email address of the account "
        "it belongs to, or from a notification address registered on that account.\n\n-- \n"
    )
    assert "alex@example.com" not in bounce.message().as_string()


def test_the_same_email_delivered_twice_creates_one_message(listener, people):
    buyer, seller = people
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)
    email = reply_email(alias=alias, sender=seller.email, text="Shipped.", message_id="<x@y.z>")
    count = Message.objects.count()

    smtp_send(listener, email)
    smtp_send(listener, email)

    assert Message.objects.count() == count + 1
    assert list(InboundEmail.objects.values_list("header_message_id", "status")) == [
        ("<x@y.z>", "processed")
    ]


def test_seller_reply_by_email_answers_the_buyers_open_obligation(listener, people):
    buyer, seller = people
    NotificationAddressFactory(user=seller, email="team@shop.example")
    thread, question = thread_with_message(buyer=buyer, seller=seller)
    obligation = Obligation.objects.get(message=question)
    assert obligation.outcome == "open"
    alias = reply_alias_address(thread_id=thread.pk, user_id=seller.pk)

    smtp_send(listener, reply_email(alias=alias, sender="team@shop.example", text="Tomorrow."))

    answer = InboundEmail.objects.get().message
    obligation.refresh_from_db()
    assert (obligation.outcome, obligation.answer) == ("answered_on_time", answer)
    assert (answer.sender, answer.body) == (seller, "Tomorrow.")
    assert thread.participants.get(user=seller).needs_response_since is None


def test_listener_refuses_recipients_that_are_not_reply_aliases(listener):
    email = reply_email(alias="someone@example.com", sender="x@y.example", text="Hi")

    with pytest.raises(smtplib.SMTPRecipientsRefused) as error:
        smtp_send(listener, email)

    assert error.value.recipients == {"someone@example.com": (550, b"5.1.1 No such recipient here")}
    assert InboundEmail.objects.count() == 0
