"""/metrics: who may read it, and what a send, a delivery and an inbound email move, exactly."""

from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from prometheus_client.parser import text_string_to_metric_families

from core.logs import REQUEST_ID
from core.metrics import exporter_start
from messaging.relay.alias import reply_alias_address
from messaging.relay.services import inbound_email_accept
from messaging.threads.services import message_send
from notifications.metrics import OutboxCollector
from notifications.models import Notification, NotificationStatus, WebhookDeliveryStatus
from notifications.tasks import notification_deliver, webhook_deliver
from notifications.webhooks import webhook_endpoint_create, webhook_endpoint_test
from tests.core.servers import free_port, http_get
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.messaging.mail import reply_email
from tests.notifications.factories import NotificationFactory, WebhookDeliveryFactory
from tests.notifications.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db

Samples = dict[tuple[str, frozenset], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **extra) -> Samples:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(response.content.decode())


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def deltas(before: Samples, after: Samples, names: tuple[str, ...]) -> dict:
    """What changed between two scrapes, for the series of these metric names."""
    changed = {}
    for key in set(before) | set(after):
        if key[0] in names and after.get(key, 0.0) != before.get(key, 0.0):
            changed[(key[0], tuple(sorted(key[1])))] = after.get(key, 0.0) - before.get(key, 0.0)
    return changed


SEND_COUNTERS = (
    "messagecenter_messages_sent_total",
    "messagecenter_messages_blocked_total",
    "messagecenter_attachments_refused_total",
    "messagecenter_email_delivery_attempts_total",
)


def test_a_send_moves_the_right_counters(client, buyer, seller, django_capture_on_commit_callbacks):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    url = f"/messages/{thread.pk}/"
    client.force_login(buyer)
    before = scrape(client)

    with django_capture_on_commit_callbacks(execute=True):
        delivered = client.post(url, {"body": "Is it blue?"})
        blocked = client.post(url, {"body": "Write to sam@gmail.com or call 415 555 2671"})
        refused = client.post(
            url,
            {
                "body": "The setup file",
                "files": [SimpleUploadedFile("setup.pdf", badfiles.windows_executable())],
            },
        )
    sent = scrape(client)
    row = Notification.objects.filter(status=NotificationStatus.PENDING).latest("id")
    assert notification_deliver(row.pk) == "sent"
    after = scrape(client)

    assert (delivered.status_code, blocked.status_code, refused.status_code) == (302, 400, 400)
    assert deltas(before, after, SEND_COUNTERS) == {
        ("messagecenter_messages_sent_total", (("status", "delivered"),)): 1.0,
        ("messagecenter_messages_sent_total", (("status", "blocked"),)): 1.0,
        ("messagecenter_messages_blocked_total", (("category", "email"),)): 1.0,
        ("messagecenter_messages_blocked_total", (("category", "phone"),)): 1.0,
        ("messagecenter_attachments_refused_total", (("reason", "type_not_allowed"),)): 1.0,
        ("messagecenter_email_delivery_attempts_total", (("outcome", "sent"),)): 1.0,
    }
    latency = "messagecenter_http_request_duration_seconds_count"
    page = {"view": "messaging:thread", "method": "POST"}
    answered = {
        status: value(after, latency, **page, status=status)
        - value(before, latency, **page, status=status)
        for status in ("302", "400")
    }
    assert answered == {"302": 1.0, "400": 2.0}
    # The seller's two emails (the first message's and "Is it blue?") wait, then one is sent.
    pending = "messagecenter_outbox_pending"
    assert (value(sent, pending, outbox="email"), value(after, pending, outbox="email")) == (2, 1)
    assert value(after, pending, outbox="webhook") == 0
    assert value(after, "messagecenter_scrape_collector_up", collector="outbox") == 1


def test_a_send_rolled_back_counts_nothing(
    buyer, seller, client, django_capture_on_commit_callbacks
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = scrape(client)

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                message_send(thread=thread, sender=buyer, body="Never mind")
                raise RuntimeError("the caller fails after the send")
        except RuntimeError:
            pass

    assert deltas(before, scrape(client), SEND_COUNTERS) == {}


def test_webhook_attempts_count_retries_and_deliveries(buyer, seller, settings, client):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = True
    before = scrape(client)
    with Receiver(statuses=(500, 200)) as receiver:
        endpoint = webhook_endpoint_create(seller=seller, url=receiver.url)
        delivery = webhook_endpoint_test(seller=seller, endpoint_id=endpoint.pk)
        result = webhook_deliver.apply(args=[delivery.pk])

    assert result.get() == "delivered"
    assert REQUEST_ID.get() == ""  # the retry ran inside the first run; both ids were unbound
    assert deltas(before, scrape(client), ("messagecenter_webhook_delivery_attempts_total",)) == {
        ("messagecenter_webhook_delivery_attempts_total", (("outcome", "retry"),)): 1.0,
        ("messagecenter_webhook_delivery_attempts_total", (("outcome", "delivered"),)): 1.0,
    }


def test_inbound_emails_count_accepted_and_refused_by_reason(buyer, seller, client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    alias = reply_alias_address(thread_id=thread.pk, user_id=buyer.pk)
    before = scrape(client)

    for email in (
        reply_email(alias=alias, sender=buyer.email, text="Thanks!"),
        reply_email(alias=alias, sender="stranger@elsewhere.example", text="Hi"),
        reply_email(alias="reply+v1-forged@reply.localhost", sender=buyer.email, text="Hi"),
    ):
        inbound_email_accept(raw=email.as_bytes(), source="smtp", process_now=True)

    assert deltas(before, scrape(client), ("messagecenter_inbound_emails_total",)) == {
        ("messagecenter_inbound_emails_total", (("outcome", "accepted"), ("reason", "none"))): 1.0,
        (
            "messagecenter_inbound_emails_total",
            (("outcome", "refused"), ("reason", "unauthorized_sender")),
        ): 1.0,
        (
            "messagecenter_inbound_emails_total",
            (("outcome", "refused"), ("reason", "unknown_alias")),
        ): 1.0,
    }


def test_the_outbox_backlog_is_read_at_scrape_time(seller):
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    NotificationFactory(created_at=now - timedelta(seconds=90))
    NotificationFactory(created_at=now - timedelta(seconds=30))
    NotificationFactory(
        created_at=now - timedelta(days=3),
        status=NotificationStatus.SENT,
        sent_at=now - timedelta(days=3),
    )
    NotificationFactory(created_at=now - timedelta(days=2), status=NotificationStatus.FAILED)
    WebhookDeliveryFactory(created_at=now - timedelta(minutes=10))
    WebhookDeliveryFactory(
        created_at=now - timedelta(hours=5),
        status=WebhookDeliveryStatus.DELIVERED,
        delivered_at=now - timedelta(hours=5),
    )

    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in OutboxCollector(clock=lambda: now).collect()
        for sample in family.samples
    }

    assert samples == {
        ("messagecenter_outbox_pending", (("outbox", "email"),)): 2,
        ("messagecenter_outbox_pending", (("outbox", "webhook"),)): 1,
        ("messagecenter_outbox_oldest_pending_age_seconds", (("outbox", "email"),)): 90.0,
        ("messagecenter_outbox_oldest_pending_age_seconds", (("outbox", "webhook"),)): 600.0,
        ("messagecenter_scrape_collector_up", (("collector", "outbox"),)): 1,
    }


def test_an_empty_outbox_has_no_age(client):
    samples = scrape(client)

    assert value(samples, "messagecenter_outbox_pending", outbox="email") == 0
    assert value(samples, "messagecenter_outbox_oldest_pending_age_seconds", outbox="email") == 0


def test_the_celery_queue_length_is_read_from_the_broker(client, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server.url
    broker = redis.Redis.from_url(redis_server.url)
    broker.lpush("celery", "a", "b")
    broker.lpush("celery\x06\x163", "c")  # a task of priority 3 waits in a list of its own
    broker.lpush("other-queue", "d")

    reachable = scrape(client)
    redis_server.stop()
    stopped = scrape(client)

    assert value(reachable, "messagecenter_celery_queue_length", queue="celery") == 3
    assert value(reachable, "messagecenter_scrape_collector_up", collector="celery_queue") == 1
    assert ("messagecenter_celery_queue_length", frozenset({("queue", "celery")})) not in stopped
    assert value(stopped, "messagecenter_scrape_collector_up", collector="celery_queue") == 0


def test_the_embedded_broker_queue_is_counted_in_its_folder(client, settings, tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    for name in ("1_a.celery.msg", "2_b.celery.msg", "3_c.other.msg"):
        (folder / name).write_text("{}")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(folder)}

    assert value(scrape(client), "messagecenter_celery_queue_length", queue="celery") == 2


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.20.0.5", "192.168.1.9", "::1"])
def test_without_a_token_private_addresses_may_read(client, address):
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 200


@pytest.mark.parametrize("address", ["8.8.8.8", "100.64.0.1", "2001:4860::8888", "not-an-ip"])
def test_without_a_token_other_addresses_get_404(client, address):
    response = client.get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_behind_proxies_a_token_is_required_even_from_a_private_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client.get("/metrics", REMOTE_ADDR="10.0.0.2").status_code == 404


def test_with_a_token_only_the_token_opens_it(client, settings):
    settings.METRICS_TOKEN = "scrape-secret-4f9a"

    assert client.get("/metrics").status_code == 404  # loopback, but no token
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic scrape-secret-4f9a").status_code == 404
    response = client.get(
        "/metrics", REMOTE_ADDR="8.8.8.8", HTTP_AUTHORIZATION="Bearer scrape-secret-4f9a"
    )
    assert response.status_code == 200


def test_the_metrics_answer_whatever_the_host_header(client):
    response = client.get("/metrics", HTTP_HOST="web:8000")

    assert response.status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="web:8000").status_code == 400


def test_the_exporter_serves_the_metrics_and_nothing_else(settings):
    settings.METRICS_TOKEN = "exporter-secret"
    server = exporter_start(port=free_port(), host="127.0.0.1")
    base = f"http://127.0.0.1:{server.server_port}"

    def get(path: str, token: str = "") -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, _, body = http_get(base + path, headers=headers)
        return status, body

    try:
        status, body = get("/metrics", "exporter-secret")
        assert status == 200
        assert b"# TYPE messagecenter_email_delivery_attempts_total counter" in body
        assert get("/metrics")[0] == 404
        assert get("/other", "exporter-secret")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_a_scrape_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    thread_with_message()
    client.get("/metrics")  # the first scrape registers the collectors

    with django_assert_num_queries(2) as captured:
        assert client.get("/metrics").status_code == 200

    assert all("notifications_" in query["sql"] for query in captured.captured_queries)
