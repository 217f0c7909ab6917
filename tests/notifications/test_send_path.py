"""A delivered message writes its notification rows in the same transaction."""

import pytest
from django.core import mail

from messaging.moderation.services import message_release
from messaging.relay.alias import reply_alias_address
from messaging.threads.services import message_send
from notifications.models import Notification, NotificationStatus
from notifications.tasks import notification_deliver
from tests.messaging.factories import thread_with_message
from tests.notifications.factories import NotificationAddressFactory
from tests.notifications.helpers import enqueued_ids


def test_buyer_message_notifies_the_seller_and_the_team(
    buyer, seller, django_capture_on_commit_callbacks
):
    NotificationAddressFactory(user=seller, email="ana@shop.example")

    with django_capture_on_commit_callbacks() as callbacks:
        thread, message = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")

    rows = list(Notification.objects.order_by("id"))
    assert [(row.recipient, row.address, row.kind) for row in rows] == [
        (seller, seller.email, "new_message"),
        (seller, "ana@shop.example", "new_message"),
    ]
    assert rows[0].dedupe_key == f"message:{message.pk}:to:{seller.pk}:{seller.email}"
    assert rows[0].context == {
        "sender_name": "Alex Buyer",
        "subject": f"Shipping · Order {thread.order.number}",
        "order_number": thread.order.number,
        "thread_url": f"http://127.0.0.1:8000/seller/messages/{thread.pk}/",
        "excerpt": "Where is it?",
        "reply_to": reply_alias_address(thread_id=thread.pk, user_id=seller.pk),
    }
    assert enqueued_ids(callbacks) == [row.pk for row in rows]


def test_seller_reply_notifies_the_buyer_by_shop_name_without_any_address(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    message_send(thread=thread, sender=seller, body="It ships today.")

    row = Notification.objects.get(recipient=buyer)
    assert row.context["sender_name"] == "Sam's Shop"
    assert row.context["thread_url"] == f"http://127.0.0.1:8000/messages/{thread.pk}/"
    assert notification_deliver(row.pk) == "sent"
    email = mail.outbox[0]
    raw = email.message().as_string()
    assert email.to == [buyer.email]
    assert email.subject == f"New message from Sam's Shop: Shipping · Order {thread.order.number}"
    assert seller.email not in raw
    assert email.message()["Reply-To"] == reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    assert "Reply to this email to answer in Message Center" in email.body


def test_spanish_buyer_gets_the_email_in_spanish(buyer, seller):
    buyer.language = "es"
    buyer.save(update_fields=["language"])
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    message_send(thread=thread, sender=seller, body="Sale hoy.")

    row = Notification.objects.get(recipient=buyer)
    notification_deliver(row.pk)
    assert mail.outbox[0].subject == (
        f"Nuevo mensaje de Sam's Shop: Envío · Pedido {thread.order.number}"
    )
    assert "Sam's Shop te envió un mensaje sobre Envío · Pedido" in mail.outbox[0].body


def test_blocked_message_notifies_no_one_until_staff_release_it(buyer, seller, staff):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    Notification.objects.all().delete()

    blocked = message_send(thread=thread, sender=buyer, body="Call 415 555 0132")

    assert not blocked.is_delivered
    assert Notification.objects.count() == 0

    message_release(message=blocked, reviewer=staff)

    rows = {row.kind: row for row in Notification.objects.all()}
    assert set(rows) == {"new_message", "message_released"}
    assert rows["new_message"].recipient == seller
    released = rows["message_released"]
    assert (released.recipient, released.address, released.status) == (
        buyer,
        buyer.email,
        NotificationStatus.PENDING,
    )
    assert released.dedupe_key == f"released:{blocked.pk}:to:{buyer.pk}:{buyer.email}"
    assert released.context["recipient_name"] == "Sam's Shop"
    assert released.context["thread_url"] == f"http://127.0.0.1:8000/messages/{thread.pk}/"
    notification_deliver(released.pk)
    assert mail.outbox[0].subject == (
        f"Your message was delivered: Shipping · Order {thread.order.number}"
    )
    assert "delivered it to Sam's Shop." in mail.outbox[0].body


@pytest.mark.django_db
def test_thread_url_uses_site_url(buyer, seller, settings):
    settings.SITE_URL = "https://messages.shop.example/"

    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    assert Notification.objects.get().context["thread_url"] == (
        f"https://messages.shop.example/seller/messages/{thread.pk}/"
    )
