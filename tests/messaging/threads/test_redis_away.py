"""With Redis down, users still send and read: nothing they do depends on the cache."""

import pytest

from accounts.models import RateLimitWindow
from core.cache import CACHE_OUTAGE
from messaging.models import Message
from notifications.models import Notification
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def test_a_reply_from_the_web_form_is_stored_and_notified_with_redis_away(
    redis_away, buyer, seller, seller_client
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = seller_client.post(f"/seller/messages/{thread.pk}/", {"body": "It ships today."})

    assert response.status_code == 302
    reply = Message.objects.get(thread=thread, sender=seller)
    assert (reply.body, reply.status) == ("It ships today.", "delivered")
    assert list(Notification.objects.filter(recipient=buyer).values_list("status", flat=True)) == [
        "pending"
    ]
    # The send limit, counted in the database: the seller's one reply.
    assert RateLimitWindow.objects.get(key__startswith=f"ratelimit:send:{seller.pk}:").count == 1
    assert CACHE_OUTAGE.is_resting()


def test_a_thread_page_renders_without_its_cached_fragments(
    redis_away, buyer, seller, buyer_client
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")

    first = buyer_client.get(f"/messages/{thread.pk}/")
    again = buyer_client.get(f"/messages/{thread.pk}/")

    assert (first.status_code, again.status_code) == (200, 200)
    assert "Where is my parcel?" in first.content.decode()
    assert "Where is my parcel?" in again.content.decode()


def test_an_api_send_with_a_token_is_throttled_in_the_database_with_redis_away(
    redis_away, buyer, seller, api_client
):
    from accounts.tokens import token_create

    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    _, token = token_create(user=seller, name="Helpdesk")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api_client.post(
        f"/api/v1/threads/{thread.pk}/messages", {"body": "It ships today."}, format="json"
    )

    assert response.status_code == 201, response.content
    assert sorted(
        key.split(":")[1] for key in RateLimitWindow.objects.values_list("key", flat=True)
    ) == [
        "api_write_token",
        "api_write_user",
        "send",  # the buyer's first message
        "send",  # the seller's reply
    ]
