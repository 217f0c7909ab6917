"""API throttling per token and per user, and idempotent sends."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.ratelimit import rate_limit_hit
from accounts.tokens import token_create
from core.errors import RateLimited
from messaging.models import IdempotencyKey, Message
from messaging.threads.idempotency import idempotency_keys_purge
from tests.messaging.factories import thread_with_message

API = "/api/v1"
FROZEN = 1_800_000_000.0  # a fixed instant, far from a window boundary for the rates below


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("accounts.ratelimit.time.time", return_value=FROZEN):
        yield


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- throttling ----------------------------------------------------------------------------


@pytest.fixture
def rates(settings):
    settings.API_RATES = {
        "read_token": "3/60",
        "read_user": "5/60",
        "write_token": "2/60",
        "write_user": "10/60",
    }
    return settings.API_RATES


def test_a_token_over_its_read_rate_gets_429_with_retry_after(rates, seller):
    client = bearer(token_create(user=seller, name="Helpdesk")[1])

    statuses = [client.get(f"{API}/threads").status_code for _ in range(4)]
    refused = client.get(f"{API}/threads")

    assert statuses == [200, 200, 200, 429]
    expected_wait = 60 - int(FROZEN) % 60
    assert refused["Retry-After"] == str(expected_wait)
    assert refused.json() == {
        "code": "rate_limited",
        "detail": f"Too many requests. Try again in {expected_wait} seconds.",
        "retry_after": expected_wait,
    }


def test_tokens_of_one_user_share_the_users_allowance(rates, seller):
    first = bearer(token_create(user=seller, name="Helpdesk")[1])
    second = bearer(token_create(user=seller, name="ERP")[1])

    from_first = [first.get(f"{API}/threads").status_code for _ in range(3)]
    from_second = [second.get(f"{API}/threads").status_code for _ in range(3)]

    assert from_first == [200, 200, 200]
    assert from_second == [200, 200, 429]  # the user's 5 reads are used up


def test_reads_and_writes_are_counted_apart(rates, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = bearer(token_create(user=seller, name="Helpdesk")[1])

    reads = [client.get(f"{API}/threads").status_code for _ in range(3)]
    writes = [
        client.post(f"{API}/threads/{thread.pk}/read").status_code,
        client.post(f"{API}/threads/{thread.pk}/unread").status_code,
        client.post(f"{API}/threads/{thread.pk}/read").status_code,
    ]

    assert reads == [200, 200, 200]
    assert writes == [200, 200, 429]


def test_session_calls_count_against_the_user(rates, buyer_client):
    statuses = [buyer_client.get(f"{API}/threads").status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 429]


def test_counters_are_atomic_under_concurrency(db):
    allowed = 20
    results: list[bool] = []
    lock = threading.Lock()

    def hit(_: int) -> None:
        try:
            rate_limit_hit(scope="concurrency", ident="one", rate=f"{allowed}/600")
            outcome = True
        except RateLimited:
            outcome = False
        with lock:
            results.append(outcome)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(hit, range(60)))

    assert results.count(True) == allowed
    assert results.count(False) == 40


# --- idempotent sends ----------------------------------------------------------------------


def test_a_retried_send_with_the_same_key_posts_once(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = bearer(token_create(user=seller, name="Helpdesk")[1])
    url = f"{API}/threads/{thread.pk}/messages"

    first = client.post(url, {"body": "Shipped today"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = client.post(url, {"body": "Shipped today"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Message.objects.filter(sender=seller).count() == 1


def test_the_same_key_for_a_different_request_is_refused(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = bearer(token_create(user=seller, name="Helpdesk")[1])
    url = f"{API}/threads/{thread.pk}/messages"
    client.post(url, {"body": "Shipped today"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    other = client.post(url, {"body": "Something else"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert other.status_code == 400
    assert other.json() == {
        "code": "idempotency_key_reused",
        "detail": "This Idempotency-Key was already used for a different request.",
    }
    assert Message.objects.filter(sender=seller).count() == 1


def test_a_failed_send_does_not_use_up_its_key(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = bearer(token_create(user=seller, name="Helpdesk")[1])
    url = f"{API}/threads/{thread.pk}/messages"

    failed = client.post(url, {"body": "   "}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert failed.status_code == 400
    assert IdempotencyKey.objects.count() == 0
    again = client.post(url, {"body": "Fixed"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert again.status_code == 201


def test_a_blocked_send_is_replayed_as_blocked(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = bearer(token_create(user=seller, name="Helpdesk")[1])
    url = f"{API}/threads/{thread.pk}/messages"
    body = {"body": "Write me at shop@example.org"}

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    retry = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert (first.status_code, retry.status_code) == (422, 422)
    assert retry.json() == first.json()
    assert Message.objects.filter(sender=seller, status="blocked").count() == 1


def test_keys_belong_to_their_user(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    url = f"{API}/threads/{thread.pk}/messages"

    as_seller = bearer(token_create(user=seller, name="s")[1]).post(
        url, {"body": "Hi"}, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
    )
    buyer_session = APIClient()
    buyer_session.force_authenticate(buyer)
    as_buyer = buyer_session.post(
        url, {"body": "Hi"}, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
    )

    assert (as_seller.status_code, as_buyer.status_code) == (201, 201)
    assert as_seller.json()["id"] != as_buyer.json()["id"]


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve"])
def test_malformed_keys_are_refused(buyer, seller, key):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = bearer(token_create(user=seller, name="Helpdesk")[1])

    response = client.post(
        f"{API}/threads/{thread.pk}/messages",
        {"body": "Hi"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert Message.objects.filter(sender=seller).count() == 0


def test_thread_start_is_idempotent_too(buyer, seller):
    from tests.orders.factories import OrderFactory

    order = OrderFactory(buyer=buyer, seller=seller)
    client = APIClient()
    client.force_authenticate(buyer)  # buyers call the API from the pages' session
    payload = {"order_number": order.number, "topic": "shipping", "body": "Where is it?"}

    first = client.post(f"{API}/threads/start", payload, format="json", HTTP_IDEMPOTENCY_KEY="s")
    retry = client.post(f"{API}/threads/start", payload, format="json", HTTP_IDEMPOTENCY_KEY="s")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert Message.objects.filter(sender=buyer).count() == 1


def test_expired_keys_are_purged(buyer, seller, settings):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = bearer(token_create(user=seller, name="Helpdesk")[1])
    client.post(
        f"{API}/threads/{thread.pk}/messages",
        {"body": "Hi"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="old",
    )

    later = timezone.now() + timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS + 1)

    assert idempotency_keys_purge(now=later) == 1
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_post_once(buyer, seller):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (CI runs it there)")
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    _, token = token_create(user=seller, name="Helpdesk")
    url = f"{API}/threads/{thread.pk}/messages"
    barrier = threading.Barrier(4)

    def send(_: int) -> int:
        client = bearer(token)
        barrier.wait()
        response = client.post(
            url, {"body": "Once only"}, format="json", HTTP_IDEMPOTENCY_KEY="race"
        )
        connection.close()
        return response.status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(send, range(4)))

    assert statuses == [201, 201, 201, 201]
    assert Message.objects.filter(sender=seller, body="Once only").count() == 1
