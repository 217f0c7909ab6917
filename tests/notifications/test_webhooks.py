"""Webhooks: signing, the outbox rows messaging writes, delivery to a real loopback receiver."""

import json
import os
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from messaging.clock import services as response_clock
from messaging.models import Obligation
from messaging.threads import services
from notifications import webhooks
from notifications.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from notifications.tasks import webhook_deliver
from tests.accounts.factories import SellerFactory
from tests.messaging.factories import thread_with_message
from tests.notifications import live
from tests.notifications.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from tests.notifications.webhook_receiver import Receiver
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def readme_verify():
    """The verification snippet exactly as the README shows it to integrators."""
    text = README.read_text()
    code = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]


def enqueued(callbacks) -> list[int]:
    return [
        callback.args[1]
        for callback in callbacks
        if getattr(callback, "args", ())[:1] == ("notifications.deliver_webhook",)
    ]


@pytest.fixture(autouse=True)
def _local_endpoints(settings):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = True
    settings.WEBHOOK_RETRY_SECONDS = [60, 300, 1800, 7200, 21600, 43200]


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


def delivery_to(receiver: Receiver, **fields) -> WebhookDelivery:
    endpoint = WebhookEndpointFactory(url=receiver.url, secret="whsec_test")
    return WebhookDeliveryFactory(endpoint=endpoint, **fields)


# --- signing ------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    header = webhooks.signature_header(
        secret="whsec_test", timestamp=1700000000, body=b'{"event":"ping"}'
    )

    assert header == (
        "t=1700000000,v1=aa8efe37b751e71157c508c5ac4acb1e9fe5225db98355dfc00f4b680afbc447"
    )


def test_body_is_compact_json_with_sorted_keys():
    body = webhooks.payload_body({"id": "x", "data": {"b": 1, "a": "é"}, "event": "ping"})

    assert body == '{"data":{"a":"é","b":1},"event":"ping","id":"x"}'.encode()


def test_readme_snippet_accepts_a_fresh_signature_and_refuses_tampering_or_replay():
    verify = readme_verify()
    body = b'{"event":"ping"}'
    now = int(timezone.now().timestamp())
    fresh = webhooks.signature_header(secret="whsec_test", timestamp=now, body=body)
    old = webhooks.signature_header(secret="whsec_test", timestamp=now - 301, body=body)

    assert verify("whsec_test", fresh, body) is True
    assert verify("whsec_test", fresh, b'{"event":"pong"}') is False
    assert verify("whsec_other", fresh, body) is False
    assert verify("whsec_test", old, body) is False
    assert verify("whsec_test", "garbage", body) is False


# --- endpoints ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allow_local", "error"),
    [
        ("http://hooks.shop.example/x", False, "The URL must start with https://."),
        ("http://127.0.0.1:8080/x", False, "The URL must start with https://."),
        ("https://127.0.0.1/x", False, "The URL must point at a public address."),
        ("https://10.0.0.5/x", False, "The URL must point at a public address."),
        ("https://localhost/x", False, "The URL must point at a public address."),
        (
            "https://user:pw@hooks.shop.example/x",
            False,
            "Leave user names and passwords out of the URL.",
        ),
        (
            "ftp://hooks.shop.example/x",
            False,
            "Enter a full URL, like https://example.com/webhooks.",
        ),
        ("", False, "Enter the URL that should receive events."),
        ("http://hooks.shop.example/x", True, "The URL must start with https://."),
    ],
)
def test_url_check_refuses_anything_but_public_https(settings, url, allow_local, error):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = allow_local

    with pytest.raises(webhooks.ApplicationError) as refused:
        webhooks.url_check(url)

    assert refused.value.fields == {"url": [error]}


@pytest.mark.parametrize(
    ("url", "allow_local"),
    [
        ("https://hooks.shop.example/message-center", False),
        ("https://93.184.216.34:8443/hooks", False),
        ("http://127.0.0.1:8080/hooks", True),
        ("http://localhost/hooks", True),
    ],
)
def test_url_check_accepts_public_https_and_local_http_where_allowed(settings, url, allow_local):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = allow_local

    assert webhooks.url_check(url) == url


def test_endpoint_gets_a_fresh_secret_and_a_seller_at_most_five(seller):
    endpoints = [
        webhooks.webhook_endpoint_create(seller=seller, url=f"https://h{n}.shop.example/")
        for n in range(5)
    ]

    assert len({endpoint.secret for endpoint in endpoints}) == 5
    assert all(re.fullmatch(r"whsec_[\w-]{43}", endpoint.secret) for endpoint in endpoints)
    with pytest.raises(webhooks.ApplicationError) as refused:
        webhooks.webhook_endpoint_create(seller=seller, url="https://h9.shop.example/")
    assert refused.value.code == "too_many_endpoints"


def test_the_same_url_twice_is_refused(seller):
    webhooks.webhook_endpoint_create(seller=seller, url="https://h.shop.example/")

    with pytest.raises(webhooks.ApplicationError) as refused:
        webhooks.webhook_endpoint_create(seller=seller, url="https://h.shop.example/")

    assert refused.value.fields == {"url": ["This URL is already registered."]}


def test_buyers_cannot_register_endpoints(buyer):
    with pytest.raises(webhooks.NotFound):
        webhooks.webhook_endpoint_create(seller=buyer, url="https://h.shop.example/")

    assert WebhookEndpoint.objects.count() == 0


# --- emit ---------------------------------------------------------------------------------


def test_emit_writes_one_row_per_active_endpoint_and_never_twice(
    seller, django_capture_on_commit_callbacks
):
    active = WebhookEndpointFactory(seller=seller)
    WebhookEndpointFactory(seller=seller, is_active=False)
    WebhookEndpointFactory()  # another seller's

    with django_capture_on_commit_callbacks() as first:
        rows = webhooks.emit(
            seller_id=seller.pk,
            event="message.received",
            dedupe_key="message:7:received",
            data={"thread_id": 1},
            now=T0,
        )
    with django_capture_on_commit_callbacks() as second:
        again = webhooks.emit(
            seller_id=seller.pk,
            event="message.received",
            dedupe_key="message:7:received",
            data={"thread_id": 1},
        )

    event_id = uuid.uuid5(webhooks.EVENT_ID_NAMESPACE, "message:7:received")
    row = WebhookDelivery.objects.get()
    assert [r.pk for r in rows] == [row.pk]
    assert (row.endpoint_id, row.event, row.event_id, row.status) == (
        active.pk,
        "message.received",
        event_id,
        "pending",
    )
    assert row.payload == {
        "id": str(event_id),
        "event": "message.received",
        "created_at": "2026-03-02T09:00:00Z",
        "data": {"thread_id": 1},
    }
    assert again == []
    assert enqueued(first) == [row.pk]
    assert enqueued(second) == []


def test_emit_for_a_seller_without_endpoints_is_one_query(seller, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = webhooks.emit(seller_id=seller.pk, event="message.received", dedupe_key="k", data={})

    assert rows == []


# --- the hooks in messaging -----------------------------------------------------------------


def test_buyer_message_sends_message_received(buyer, seller):
    endpoint = WebhookEndpointFactory(seller=seller)
    order = OrderFactory(number="112-0000009-0000009", buyer=buyer, seller=seller)

    thread, message = thread_with_message(order=order, body="Where is my parcel?", now=T0)

    row = WebhookDelivery.objects.get()
    assert (row.endpoint_id, row.event) == (endpoint.pk, "message.received")
    assert row.payload == {
        "id": str(uuid.uuid5(webhooks.EVENT_ID_NAMESPACE, f"message:{message.pk}:received")),
        "event": "message.received",
        "created_at": "2026-03-02T09:00:00Z",
        "data": {
            "thread_id": thread.pk,
            "order_number": "112-0000009-0000009",
            "topic": "shipping",
            "thread_url": f"http://127.0.0.1:8000/seller/messages/{thread.pk}/",
            "message_id": message.pk,
            "sender_role": "buyer",
            "kind": "message",
            "sent_at": "2026-03-02T09:00:00Z",
            "excerpt": "Where is my parcel?",
        },
    }
    assert buyer.email not in json.dumps(row.payload)
    assert seller.email not in json.dumps(row.payload)


def test_seller_reply_sends_no_message_received(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    WebhookEndpointFactory(seller=seller)

    services.message_send(thread=thread, sender=seller, body="It ships today.")

    assert WebhookDelivery.objects.count() == 0


def test_sellers_blocked_message_sends_message_blocked(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    endpoint = WebhookEndpointFactory(seller=seller)

    message = services.message_send(thread=thread, sender=seller, body="Write me at sam@gmail.com")

    assert not message.is_delivered
    row = WebhookDelivery.objects.get()
    assert (row.endpoint_id, row.event) == (endpoint.pk, "message.blocked")
    data = row.payload["data"]
    assert (data["message_id"], data["sender_role"], data["categories"]) == (
        message.pk,
        "seller",
        message.categories,
    )
    assert message.categories != []


def test_buyers_blocked_message_sends_nothing_to_the_seller(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    WebhookEndpointFactory(seller=seller)

    message = services.message_send(thread=thread, sender=buyer, body="Write me at al@gmail.com")

    assert not message.is_delivered
    assert WebhookDelivery.objects.count() == 0


def test_reminder_sends_thread_needs_response_reminder_once_per_threshold(buyer, seller):
    order = OrderFactory(number="112-0000009-0000009", buyer=buyer, seller=seller)
    thread, message = thread_with_message(order=order, now=T0)
    endpoint = WebhookEndpointFactory(seller=seller)
    obligation = Obligation.objects.get()

    for hours in (12, 12.5, 22):
        response_clock.response_reminders_send(now=T0 + timedelta(hours=hours))

    rows = list(WebhookDelivery.objects.order_by("id"))
    assert [(row.endpoint_id, row.event) for row in rows] == [
        (endpoint.pk, "thread.needs_response_reminder"),
        (endpoint.pk, "thread.needs_response_reminder"),
    ]
    assert rows[0].payload == {
        "id": str(uuid.uuid5(webhooks.EVENT_ID_NAMESPACE, f"reminder:{obligation.pk}:12h")),
        "event": "thread.needs_response_reminder",
        "created_at": "2026-03-02T21:00:00Z",
        "data": {
            "thread_id": thread.pk,
            "order_number": "112-0000009-0000009",
            "topic": "shipping",
            "thread_url": f"http://127.0.0.1:8000/seller/messages/{thread.pk}/",
            "message_id": message.pk,
            "received_at": "2026-03-02T09:00:00Z",
            "due_at": "2026-03-03T09:00:00Z",
            "hours_left": 12,
        },
    }
    assert rows[1].payload["data"]["hours_left"] == 2


# --- delivery -----------------------------------------------------------------------------


def test_2xx_delivers_a_signed_request(receiver):
    delivery = delivery_to(receiver)
    now = timezone.now()

    outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=now)

    assert outcome == webhooks.DeliveryOutcome("delivered")
    [request] = receiver.received
    assert request.path == "/hooks/message-center"
    assert json.loads(request.body) == delivery.payload
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-MC-Event"] == "ping"
    assert request.headers["X-MC-Delivery"] == str(delivery.event_id)
    assert request.headers["X-MC-Signature"] == webhooks.signature_header(
        secret="whsec_test", timestamp=int(now.timestamp()), body=request.body
    )
    assert readme_verify()("whsec_test", request.headers["X-MC-Signature"], request.body)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        1,
        200,
        "",
    )
    assert delivery.delivered_at is not None
    assert delivery.locked_until is None


@pytest.mark.parametrize("status", [500, 503, 429, 408])
def test_5xx_429_and_408_are_tried_again_after_a_minute(status):
    with Receiver(statuses=(status,)) as receiver:
        delivery = delivery_to(receiver)

        outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert outcome == webhooks.DeliveryOutcome("retry", retry_in=60)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "pending",
        1,
        status,
    )
    assert delivery.next_attempt_at == T0 + timedelta(seconds=60)
    assert delivery.last_error == f"The endpoint answered {status}: something broke"
    assert delivery.locked_until is None


def test_the_waits_grow_and_the_last_attempt_gives_up():
    with Receiver(statuses=(500,)) as receiver:
        delivery = delivery_to(receiver)
        outcomes = [
            webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0) for _ in range(8)
        ]

    waits = [outcome.retry_in for outcome in outcomes]
    assert waits == [60, 300, 1800, 7200, 21600, 43200, None, None]
    assert [outcome.status for outcome in outcomes[-2:]] == ["failed", "skipped"]
    assert len(receiver.received) == 7
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 7)
    assert delivery.last_error == (
        "The endpoint answered 500: something broke (gave up after 7 attempts)"
    )


def test_a_timeout_is_tried_again(settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    with Receiver(delay=1) as receiver:
        delivery = delivery_to(receiver)

        outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert outcome == webhooks.DeliveryOutcome("retry", retry_in=60)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
        "pending",
        None,
        "Connection problem: ReadTimeoutError",
    )


def test_a_refused_connection_is_tried_again():
    with Receiver() as receiver:
        url = receiver.url
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=url))

    outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert outcome == webhooks.DeliveryOutcome("retry", retry_in=60)
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Connection problem: ")


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "The endpoint answered 400: something broke"),
        (404, "The endpoint answered 404: something broke"),
        (
            301,
            "The endpoint answered 301: something broke (redirects are not followed; "
            "register the final URL)",
        ),
    ],
)
def test_other_answers_fail_at_once_with_the_reason(status, error):
    with Receiver(statuses=(status, 200)) as receiver:
        delivery = delivery_to(receiver)

        outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)
        again = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert (outcome, again) == (
        webhooks.DeliveryOutcome("failed"),
        webhooks.DeliveryOutcome("skipped"),
    )
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "failed",
        1,
        status,
        error,
    )


def test_a_private_address_is_refused_when_delivering(settings, receiver):
    delivery = delivery_to(receiver)
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = False

    outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert outcome == webhooks.DeliveryOutcome("failed")
    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.last_error == "127.0.0.1 resolves to a private address (127.0.0.1)."


def test_an_endpoint_turned_off_fails_its_pending_deliveries(receiver):
    delivery = delivery_to(receiver)
    WebhookEndpoint.objects.update(is_active=False)

    outcome = webhooks.webhook_delivery_send(delivery_id=delivery.pk, now=T0)

    assert outcome == webhooks.DeliveryOutcome("failed")
    assert receiver.received == []


def test_running_the_task_twice_posts_once(receiver):
    delivery = delivery_to(receiver)

    first = webhook_deliver.apply(args=[delivery.pk]).get()
    second = webhook_deliver.apply(args=[delivery.pk]).get()

    assert (first, second) == ("delivered", "skipped")
    assert len(receiver.received) == 1


def test_a_claimed_delivery_is_left_to_its_worker(receiver):
    delivery = delivery_to(receiver, locked_until=timezone.now() + timedelta(seconds=30))

    assert webhook_deliver.apply(args=[delivery.pk]).get() == "skipped"
    assert receiver.received == []


def test_a_long_wait_is_left_to_the_sweep():
    with Receiver(statuses=(500,)) as receiver:
        delivery = delivery_to(receiver, attempts=3)

        result = webhook_deliver.apply(args=[delivery.pk]).get()

    # The fourth attempt waits two hours: no task countdown carries that.
    assert result == "retry"
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 4)


# --- the sweep and retries -------------------------------------------------------------------


def test_sweep_enqueues_due_rows_only(django_capture_on_commit_callbacks):
    now = timezone.now()
    due = WebhookDeliveryFactory(next_attempt_at=now - timedelta(minutes=2))
    WebhookDeliveryFactory(next_attempt_at=now - timedelta(seconds=10))  # its task is on the way
    WebhookDeliveryFactory(next_attempt_at=now + timedelta(hours=2))  # waiting for its backoff
    WebhookDeliveryFactory(
        next_attempt_at=now - timedelta(minutes=2), locked_until=now + timedelta(seconds=30)
    )
    WebhookDeliveryFactory(
        next_attempt_at=now - timedelta(minutes=2),
        status="delivered",
        delivered_at=now,
    )

    with django_capture_on_commit_callbacks() as callbacks:
        count = webhooks.webhook_sweep(now=now)

    assert count == 1
    assert enqueued(callbacks) == [due.pk]
    due.refresh_from_db()
    assert due.next_attempt_at == now


def test_sweep_fails_a_row_whose_last_attempt_never_finished():
    now = timezone.now()
    row = WebhookDeliveryFactory(attempts=7, locked_until=now - timedelta(seconds=1))

    assert webhooks.webhook_sweep(now=now) == 0

    row.refresh_from_db()
    assert (row.status, row.last_error) == (
        "failed",
        "Gave up after 7 attempts; the last one never finished.",
    )


def test_retry_puts_failed_rows_back_from_the_first_attempt(django_capture_on_commit_callbacks):
    failed = WebhookDeliveryFactory(status="failed", attempts=7, last_error="boom")
    delivered = WebhookDeliveryFactory(status="delivered", delivered_at=timezone.now())

    with django_capture_on_commit_callbacks() as callbacks:
        count = webhooks.webhook_delivery_retry(delivery_ids=[failed.pk, delivered.pk])

    assert count == 1
    assert enqueued(callbacks) == [failed.pk]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)


def test_admin_retry_action(admin_client):
    failed = WebhookDeliveryFactory(status="failed", attempts=7)

    response = admin_client.post(
        "/admin/notifications/webhookdelivery/",
        {"action": "retry", "_selected_action": [failed.pk]},
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "pending"


# --- the settings page ----------------------------------------------------------------------

PAGE = "/account/notifications/webhooks/"


def test_page_lists_endpoints_secrets_and_the_last_20_deliveries(
    seller_client, seller, django_assert_num_queries
):
    endpoints = [WebhookEndpointFactory(seller=seller) for _ in range(3)]
    for n in range(25):
        WebhookDeliveryFactory(
            endpoint=endpoints[n % 3],
            status="failed",
            attempts=1,
            last_status_code=400,
            last_error=f"The endpoint answered 400: bad {n}",
            created_at=T0 + timedelta(minutes=n),
        )
    WebhookDeliveryFactory()  # another seller's

    with django_assert_num_queries(5):
        response = seller_client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert all(endpoint.secret in html for endpoint in endpoints)
    assert html.count('class="tag status-failed"') == 20
    assert "The endpoint answered 400: bad 24" in html
    assert "The endpoint answered 400: bad 5<" in html
    assert "The endpoint answered 400: bad 4<" not in html


def test_page_adds_an_endpoint(seller_client, seller):
    response = seller_client.post(PAGE, {"url": "https://hooks.shop.example/mc"})

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.seller, endpoint.url, endpoint.is_active) == (
        seller,
        "https://hooks.shop.example/mc",
        True,
    )


def test_page_refuses_plain_http_with_a_form_error(settings, seller_client):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = False

    response = seller_client.post(PAGE, {"url": "http://hooks.shop.example/mc"})

    assert response.status_code == 400
    assert "The URL must start with https://." in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_send_test_event_enqueues_a_ping(seller_client, seller, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpointFactory(seller=seller)

    with django_capture_on_commit_callbacks() as callbacks:
        response = seller_client.post(f"{PAGE}{endpoint.pk}/test/")

    assert response.status_code == 302
    row = WebhookDelivery.objects.get()
    assert (row.endpoint, row.event, row.status) == (endpoint, "ping", "pending")
    assert row.payload["data"] == {
        "endpoint_id": endpoint.pk,
        "message": "A test event from Message Center.",
    }
    assert enqueued(callbacks) == [row.pk]


def test_new_secret_replaces_the_old_one(seller_client, seller):
    endpoint = WebhookEndpointFactory(seller=seller, secret="whsec_old")

    response = seller_client.post(f"{PAGE}{endpoint.pk}/secret/")

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret != "whsec_old"


def test_remove_deletes_the_endpoint_and_its_log(seller_client, seller):
    endpoint = WebhookEndpointFactory(seller=seller)
    WebhookDeliveryFactory(endpoint=endpoint)

    response = seller_client.post(f"{PAGE}{endpoint.pk}/remove/")

    assert response.status_code == 302
    assert (WebhookEndpoint.objects.count(), WebhookDelivery.objects.count()) == (0, 0)


@pytest.mark.parametrize("action", ["remove", "secret", "test"])
def test_another_sellers_endpoint_is_404_and_unchanged(client, action):
    endpoint = WebhookEndpointFactory(secret="whsec_theirs")
    client.force_login(SellerFactory())

    response = client.post(f"{PAGE}{endpoint.pk}/{action}/")

    assert response.status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.secret == "whsec_theirs"
    assert WebhookDelivery.objects.count() == 0


def test_page_is_for_sellers_only(buyer_client):
    assert buyer_client.get(PAGE).status_code == 404
    assert buyer_client.post(PAGE, {"url": "https://hooks.shop.example/mc"}).status_code == 404
    assert WebhookEndpoint.objects.count() == 0


# --- end to end: a real receiver on loopback -------------------------------------------------


def test_a_real_receiver_gets_the_event_again_after_a_500_and_nothing_is_lost(
    buyer, seller, django_capture_on_commit_callbacks
):
    verify = readme_verify()
    with Receiver(statuses=(500, 200)) as receiver:
        endpoint = webhooks.webhook_endpoint_create(seller=seller, url=receiver.url)
        with django_capture_on_commit_callbacks() as callbacks:
            _, message = thread_with_message(buyer=buyer, seller=seller, body="Is it blue?")
        [delivery_id] = enqueued(callbacks)

        # What the worker runs for that task; a retry is run eagerly, without its countdown.
        result = webhook_deliver.apply(args=[delivery_id])

        first, second = receiver.wait_for(2)
    assert result.get() == "delivered"
    assert len(receiver.received) == 2
    for request in (first, second):
        assert verify(endpoint.secret, request.headers["X-MC-Signature"], request.body)
        assert request.headers["X-MC-Event"] == "message.received"
    assert first.body == second.body
    assert first.headers["X-MC-Delivery"] == second.headers["X-MC-Delivery"]
    event = json.loads(second.body)
    assert (event["event"], event["data"]["message_id"], event["data"]["excerpt"]) == (
        "message.received",
        message.pk,
        "Is it blue?",
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.pk, delivery.status, delivery.attempts, delivery.last_status_code) == (
        delivery_id,
        WebhookDeliveryStatus.DELIVERED,
        2,
        200,
    )


@pytest.fixture
def live_worker(transactional_db, tmp_path):
    """A real `celery worker` on Redis against the test database, with one-second retries."""
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        reason = "needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    mailbox = live.Mailbox()
    smtp = live.smtp_server(mailbox)
    process = live.start_worker(
        smtp_port=smtp.port,
        log_path=tmp_path / "worker.log",
        extra_env={"WEBHOOK_RETRY_SECONDS": "1,1,1", "WEBHOOK_ALLOW_INSECURE_LOCALHOST": "1"},
    )
    yield process
    live.stop_worker(process)
    smtp.stop()


@pytest.mark.services
def test_a_real_worker_posts_again_after_a_500_and_the_row_ends_delivered(live_worker, client):
    verify = readme_verify()
    order = OrderFactory()
    with Receiver(statuses=(500, 200)) as receiver:
        endpoint = webhooks.webhook_endpoint_create(seller=order.seller, url=receiver.url)
        client.force_login(order.buyer)

        response = client.post(
            f"/orders/{order.number}/contact/", {"topic": "shipping", "body": "Is it blue?"}
        )

        assert response.status_code == 302, response.content
        first, second = receiver.wait_for(2)
        delivery = WebhookDelivery.objects.get()
        deadline = time.monotonic() + 30
        while delivery.status == "pending" and time.monotonic() < deadline:
            time.sleep(0.1)
            delivery.refresh_from_db()
    assert len(receiver.received) == 2
    assert all(
        verify(endpoint.secret, request.headers["X-MC-Signature"], request.body)
        for request in (first, second)
    )
    assert first.headers["X-MC-Delivery"] == second.headers["X-MC-Delivery"]
    assert json.loads(second.body)["data"]["excerpt"] == "Is it blue?"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
