"""A compose form carries a one-time token: submitted twice, it sends one message."""

import re

import pytest
from django.test import Client

from messaging.models import Message, Thread
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

TOKEN = "f" * 32


def token_of(page: str) -> str:
    match = re.search(r'<input type="hidden" name="send_token" value="([^"]+)">', page)
    assert match is not None
    return match[1]


def test_each_rendering_of_the_reply_form_has_a_fresh_token(buyer, seller, buyer_client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    first = token_of(buyer_client.get(f"/messages/{thread.pk}/").content.decode())
    second = token_of(buyer_client.get(f"/messages/{thread.pk}/").content.decode())

    assert len(first) == 32
    assert first != second


def test_a_reply_form_submitted_twice_sends_one_message(buyer, seller, seller_client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    form = {"body": "It ships today.", "send_token": TOKEN}

    first = seller_client.post(f"/seller/messages/{thread.pk}/", form)
    again = seller_client.post(f"/seller/messages/{thread.pk}/", form)

    assert (first.status_code, again.status_code) == (302, 302)
    assert first["Location"] == again["Location"] == f"/seller/messages/{thread.pk}/#latest"
    assert list(
        Message.objects.filter(thread=thread, sender=seller).values_list("body", flat=True)
    ) == ["It ships today."]


def test_another_token_is_another_message(buyer, seller, seller_client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    seller_client.post(f"/seller/messages/{thread.pk}/", {"body": "One.", "send_token": TOKEN})
    seller_client.post(f"/seller/messages/{thread.pk}/", {"body": "Two.", "send_token": "e" * 32})

    assert Message.objects.filter(thread=thread, sender=seller).count() == 2


def test_a_refused_send_leaves_the_token_for_the_corrected_form(buyer, seller, seller_client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    refused = seller_client.post(
        f"/seller/messages/{thread.pk}/", {"body": "  ", "send_token": TOKEN}
    )
    sent = seller_client.post(
        f"/seller/messages/{thread.pk}/", {"body": "Here it is.", "send_token": TOKEN}
    )

    assert (refused.status_code, sent.status_code) == (400, 302)
    assert list(
        Message.objects.filter(thread=thread, sender=seller).values_list("body", flat=True)
    ) == ["Here it is."]


def test_a_start_form_submitted_twice_starts_one_conversation_with_one_message(buyer, buyer_client):
    order = OrderFactory(buyer=buyer)
    form = {"topic": "shipping", "body": "Where is my parcel?", "send_token": TOKEN}

    first = buyer_client.post(f"/orders/{order.number}/contact/", form)
    again = buyer_client.post(f"/orders/{order.number}/contact/", form)

    thread = Thread.objects.get(order=order)
    assert (first.status_code, again.status_code) == (302, 302)
    assert first["Location"] == again["Location"] == f"/messages/{thread.pk}/"
    assert Message.objects.filter(thread=thread).count() == 1


def test_a_token_of_another_user_is_not_theirs(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    as_seller, as_buyer = Client(), Client()
    as_seller.force_login(seller)
    as_buyer.force_login(buyer)

    as_seller.post(f"/seller/messages/{thread.pk}/", {"body": "Mine.", "send_token": TOKEN})
    as_buyer.post(f"/messages/{thread.pk}/", {"body": "Mine too.", "send_token": TOKEN})

    assert sorted(Message.objects.filter(thread=thread).values_list("body", flat=True)) == [
        "Mine too.",
        "Mine.",
        "Where is my parcel?",
    ]
