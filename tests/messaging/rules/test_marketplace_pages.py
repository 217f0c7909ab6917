"""The seller's order page, the buyer's report/block/opt-out, and the order messaging API."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import token_create
from messaging.models import Message, ModerationCase, SellerBlock, Thread, UnsolicitedOptOut
from messaging.rules.services import (
    proactive_message_send,
    review_request_send,
    unsolicited_messages_set,
)
from messaging.threads.services import message_send
from tests.accounts.factories import SellerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

# session, user, order, its items, the order's messaging facts, unread badge
SELLER_ORDER_QUERIES = 6


def completed(buyer, seller, days_ago: float, delivered_days_ago: float | None = None):
    now = timezone.now()
    delivered = now - timedelta(days=delivered_days_ago if delivered_days_ago else days_ago)
    return OrderFactory(
        buyer=buyer,
        seller=seller,
        status="completed",
        delivered_at=delivered,
        completed_at=now - timedelta(days=days_ago),
    )


def flashes(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The seller's order page


def test_the_seller_order_page_shows_each_reason_with_its_window_and_why_not(
    seller_client, buyer, seller
):
    order = completed(buyer, seller, days_ago=2)
    unsolicited_messages_set(buyer=buyer, receive=False)

    response = seller_client.get(f"/seller/orders/{order.number}/")

    assert response.status_code == 200
    actions = response.context["actions"]
    assert [s.reason for s in actions.available_reasons] == [
        "customization",
        "delivery_scheduling",
        "unexpected_problem",
    ]
    html = response.content.decode()
    assert "The buyer opted out of unsolicited messages" in html
    assert "5 of 5 proactive messages left for this order." in html
    assert "A review can be requested from 5 days after delivery" in html
    assert 'href="/seller/orders/"' in html  # the seller nav


def test_the_seller_order_page_query_count_does_not_grow(
    seller_client, buyer, seller, django_assert_num_queries
):
    order = completed(buyer, seller, days_ago=2)
    OrderItemFactory(order=order)
    seller_client.get(f"/seller/orders/{order.number}/")  # warm the session
    with django_assert_num_queries(SELLER_ORDER_QUERIES):
        seller_client.get(f"/seller/orders/{order.number}/")

    OrderItemFactory.create_batch(3, order=order)
    proactive_message_send(seller=seller, order=order, reason="order_details", body="Two parcels.")
    with django_assert_num_queries(SELLER_ORDER_QUERIES):
        seller_client.get(f"/seller/orders/{order.number}/")


def test_the_seller_sends_a_proactive_message_from_the_order_page(seller_client, buyer, seller):
    order = completed(buyer, seller, days_ago=29)

    response = seller_client.post(
        f"/seller/orders/{order.number}/",
        {"action": "proactive", "reason": "warranty", "body": "Your warranty runs two years."},
    )

    thread = Thread.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/seller/messages/{thread.pk}/")
    assert Message.objects.get().reason == "warranty"


def test_a_refused_proactive_message_says_why_on_the_page(seller_client, buyer, seller):
    order = completed(buyer, seller, days_ago=31)

    response = seller_client.post(
        f"/seller/orders/{order.number}/",
        {"action": "proactive", "reason": "warranty", "body": "Your warranty runs two years."},
    )

    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith(
        "Proactive messages are possible until 30 days after the order was completed; that was "
    )
    assert Message.objects.count() == 0


def test_a_refused_review_request_says_why_on_the_page(seller_client, buyer, seller):
    order = completed(buyer, seller, days_ago=1, delivered_days_ago=1)

    response = seller_client.post(f"/seller/orders/{order.number}/", {"action": "review_request"})

    assert response.status_code == 400
    assert response.context["action_error"].startswith(
        "A review can be requested from 5 days after delivery"
    )


def test_the_seller_requests_a_review_from_the_order_page(seller_client, buyer, seller):
    order = completed(buyer, seller, days_ago=6)

    response = seller_client.post(f"/seller/orders/{order.number}/", {"action": "review_request"})

    assert response.status_code == 302
    assert Message.objects.get().kind == "review_request"


@pytest.mark.parametrize("who", ["other_seller", "buyer"])
def test_someone_elses_order_page_is_not_found(client, buyer, seller, who):
    order = completed(buyer, seller, days_ago=2)
    client.force_login(SellerFactory() if who == "other_seller" else buyer)

    assert client.get(f"/seller/orders/{order.number}/").status_code == 404
    assert (
        client.post(f"/seller/orders/{order.number}/", {"action": "review_request"}).status_code
        == 404
    )
    assert Message.objects.count() == 0


def test_the_seller_order_list_links_to_each_order(seller_client, buyer, seller):
    order = completed(buyer, seller, days_ago=2)
    OrderFactory()  # another seller's

    response = seller_client.get("/seller/orders/")

    assert list(response.context["orders"]) == [order]
    assert f'href="/seller/orders/{order.number}/"' in response.content.decode()


def test_the_seller_thread_page_links_to_the_order_page(seller_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = seller_client.get(f"/seller/messages/{thread.pk}/")

    assert f'href="/seller/orders/{thread.order.number}/"' in response.content.decode()


# The buyer's side: block, report, opt out, review requests


def test_the_buyer_blocks_and_unblocks_the_seller_from_the_thread(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    blocked = buyer_client.post(
        f"/messages/{thread.pk}/block-seller/", {"confirmed": "yes"}, follow=True
    )

    assert SellerBlock.objects.filter(buyer=buyer, seller=seller).exists()
    assert "Unblock this seller" in blocked.content.decode()
    buyer_client.post(f"/messages/{thread.pk}/unblock-seller/")
    assert not SellerBlock.objects.exists()


def test_the_buyer_reports_a_seller_message_from_the_thread(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    reply = message_send(thread=thread, sender=seller, body="Buy more!")
    page = buyer_client.get(f"/messages/{thread.pk}/").content.decode()
    assert f'action="/messages/{thread.pk}/messages/{reply.pk}/report/"' in page

    response = buyer_client.post(
        f"/messages/{thread.pk}/messages/{reply.pk}/report/", {"reason": "spam", "note": "Ads"}
    )

    assert response.status_code == 302
    assert flashes(buyer_client.get(response["Location"])) == [
        "Thank you. Our team will review the message."
    ]
    case = ModerationCase.objects.get()
    assert (case.kind, case.message, case.report_reason) == ("report", reply, "spam")


def test_a_stranger_cannot_report_a_message(client, buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    client.force_login(SellerFactory())

    response = client.post(f"/messages/{thread.pk}/messages/{first.pk}/report/", {"reason": "spam"})

    assert response.status_code == 404
    assert ModerationCase.objects.count() == 0


def test_the_buyer_opts_out_on_the_preferences_page(buyer_client, buyer):
    page = buyer_client.get("/messages/preferences/")
    assert page.context["form"].initial == {"receive_unsolicited": True}

    response = buyer_client.post("/messages/preferences/", {})

    assert response.status_code == 302
    assert UnsolicitedOptOut.objects.filter(buyer=buyer).exists()
    buyer_client.post("/messages/preferences/", {"receive_unsolicited": "on"})
    assert not UnsolicitedOptOut.objects.exists()


def test_a_review_request_thread_has_no_reply_box(buyer_client, buyer, seller):
    order = completed(buyer, seller, days_ago=6)
    request = review_request_send(seller=seller, order=order)

    page = buyer_client.get(f"/messages/{request.thread_id}/")
    refused = buyer_client.post(f"/messages/{request.thread_id}/", {"body": "Thanks!"})

    assert page.context["reply_closed"] is True
    assert "cannot be answered" in page.content.decode()
    assert refused.status_code == 400
    assert (
        refused.context["form"]
        .non_field_errors()[0]
        .startswith("Review requests cannot be answered.")
    )


# The API


@pytest.fixture
def seller_api(seller):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=seller, name='Desk')[1]}")
    return client


def test_the_api_returns_the_messaging_actions(seller_api, buyer, seller):
    order = completed(buyer, seller, days_ago=2)
    SellerBlock.objects.create(buyer=buyer, seller=seller)

    response = seller_api.get(f"/api/v1/orders/{order.number}/messaging-actions")

    assert response.status_code == 200
    data = response.json()
    until = (order.completed_at + timedelta(days=30)).isoformat().replace("+00:00", "Z")
    assert {k: v for k, v in data.items() if k not in {"reasons", "review_request", "as_of"}} == {
        "order_number": order.number,
        "thread_id": None,
        "restriction": None,
        "buyer_opted_out": False,
        "seller_blocked": True,
        "proactive_cap": 5,
        "proactive_sent": 0,
        "proactive_remaining": 5,
        "window_until": until,
    }
    assert data["reasons"][3] == {
        "action": "proactive_message",
        "reason": "invoice",
        "label": "Send an invoice",
        "available": False,
        "available_from": None,
        "available_until": until,
        "remaining": 5,
        "unavailable": {
            "code": "seller_blocked",
            "detail": "The buyer blocked you; only delivery scheduling, customization and "
            "unexpected-problem messages reach them.",
        },
        "rules": {
            "max_length": 500,
            "attachment_required": True,
            "attachment_types": ["application/pdf"],
            "critical": False,
        },
    }
    assert data["reasons"][0]["available"] is True
    assert data["review_request"]["unavailable"]["code"] == "too_early"
    assert data["review_request"]["rules"] is None


def test_the_api_sends_a_proactive_message_through_the_same_rules(seller_api, buyer, seller):
    order = completed(buyer, seller, days_ago=2)

    sent = seller_api.post(
        f"/api/v1/orders/{order.number}/proactive-messages",
        {"reason": "customization", "body": "Which colour?"},
        format="json",
    )

    assert sent.status_code == 201
    assert sent.json()["message"]["body"] == (
        f"Order {order.number} · Confirm customization details\n\nWhich colour?"
    )
    assert sent.json()["thread"]["order_number"] == order.number


def test_the_api_says_why_a_proactive_message_is_refused(seller_api, buyer, seller):
    order = completed(buyer, seller, days_ago=2)
    unsolicited_messages_set(buyer=buyer, receive=False)

    refused = seller_api.post(
        f"/api/v1/orders/{order.number}/proactive-messages",
        {"reason": "warranty", "body": "Two years."},
        format="json",
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "buyer_opted_out"
    assert Message.objects.count() == 0


def test_the_api_sends_a_review_request_once(seller_api, buyer, seller):
    order = completed(buyer, seller, days_ago=6)

    first = seller_api.post(f"/api/v1/orders/{order.number}/review-request")
    second = seller_api.post(f"/api/v1/orders/{order.number}/review-request")

    assert first.status_code == 201
    assert first.json()["message"]["kind"] == "review_request"
    assert (second.status_code, second.json()["code"]) == (409, "review_already_requested")


def test_the_api_hides_other_peoples_orders(buyer, seller):
    order = completed(buyer, seller, days_ago=2)
    other = APIClient()
    other.credentials(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=SellerFactory(), name='Desk')[1]}"
    )

    assert other.get(f"/api/v1/orders/{order.number}/messaging-actions").status_code == 404
    assert other.post(f"/api/v1/orders/{order.number}/review-request").status_code == 404
    assert Message.objects.count() == 0
