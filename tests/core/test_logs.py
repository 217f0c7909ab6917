"""Structured logs: one JSON line per request and per task, a request id that follows a send
into its tasks, and nothing personal — no bodies, addresses or tokens — in any line."""

import io
import json
import logging
import smtplib

import pytest
import redis
from celery import current_app
from kombu import Connection

from accounts.models import NotificationMode
from accounts.tokens import token_create
from core.logs import redact, request_id_bound
from messaging.models import Message
from notifications.models import Notification
from notifications.tasks import notification_deliver
from tests.messaging.factories import thread_with_message
from tests.notifications import smtp
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


class CapturedLog:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self, logger: str | None = None) -> list[dict]:
        parsed = [json.loads(line) for line in self.text.splitlines()]
        return [line for line in parsed if logger is None or line["logger"] == logger]


@pytest.fixture
def json_log():
    """Every record of the process, formatted as the console handler formats it (JSON)."""
    from django.conf import settings

    captured = CapturedLog()
    handler = logging.StreamHandler(captured.stream)
    root = logging.getLogger()
    [console] = [handler for handler in root.handlers if handler.get_name() == "console"]
    handler.setFormatter(console.formatter)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    assert settings.LOG_FORMAT == "json"
    yield captured
    root.removeHandler(handler)
    root.setLevel(level)


def without_timing(line: dict) -> dict:
    return {key: value for key, value in line.items() if key not in ("timestamp", "duration_ms")}


def test_redact_takes_out_addresses_tokens_and_secrets():
    assert redact("Recipient refused: 550 5.1.1 <alex.buyer@example.com> unknown") == (
        "Recipient refused: 550 5.1.1 <[email]> unknown"
    )
    assert redact("reply+v1-1-2-3-abcdef@reply.localhost bounced") == "[email] bounced"
    assert redact("Authorization: Bearer mc_ab12cd34_Zx9Yw8Vu7Ts6") == (
        "Authorization: Bearer [redacted]"
    )
    assert redact("Bearer abc.def.ghi") == "Bearer [redacted]"
    assert redact("token mc_ab12cd34_Zx9Yw8Vu7Ts6 and whsec_q1w2e3r4t5y6") == (
        "token [token] and [token]"
    )
    assert redact("password=hunter22&next=/") == "password=[redacted]&next=/"
    assert redact("redis://:s3cret@cache.internal:6379/0 refused") == (
        "redis://[redacted]@cache.internal:6379/0 refused"
    )
    # What is no secret stays readable: ids, codes, a Celery node name.
    assert redact("notification 12 failed; celery@worker1 ready.") == (
        "notification 12 failed; celery@worker1 ready."
    )


def test_a_request_is_one_json_line_under_the_callers_request_id(client, json_log):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="req-42.a")

    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-42.a"
    [line] = json_log.lines("messagecenter.request")
    assert without_timing(line) == {
        "level": "INFO",
        "logger": "messagecenter.request",
        "message": "request",
        "method": "GET",
        "path": "/accounts/login/",
        "view": "accounts:login",
        "status": 200,
        "user_id": None,
        "request_id": "req-42.a",
    }
    assert isinstance(line["duration_ms"], float)


@pytest.mark.parametrize("given", ["two words", "x" * 129, "<script>", ""])
def test_a_request_id_that_is_not_sane_is_replaced_by_a_new_one(client, json_log, given):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=given)

    request_id = response["X-Request-ID"]
    assert request_id != given
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0
    assert [line["request_id"] for line in json_log.lines("messagecenter.request")] == [request_id]


def test_the_probes_are_logged_only_when_they_fail(client, json_log):
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404

    assert [(line["path"], line["status"]) for line in json_log.lines("messagecenter.request")] == [
        ("/metrics", 404)
    ]


def test_publishing_a_task_in_a_request_gives_it_the_request_id(redis_server):
    with request_id_bound("req-9"), Connection(redis_server.url) as connection:
        current_app.send_task("notifications.sweep", connection=connection)
    raw = redis.Redis.from_url(redis_server.url).lrange("celery", 0, -1)

    [message] = [json.loads(item) for item in raw]
    assert message["headers"]["task"] == "notifications.sweep"
    assert message["headers"]["request_id"] == "req-9"


def test_a_task_runs_under_the_request_id_it_was_published_with(buyer, seller, json_log):
    thread_with_message(buyer=buyer, seller=seller)
    row = Notification.objects.get()

    result = notification_deliver.apply(args=[row.pk], headers={"request_id": "req-7"})

    assert result.get() == "sent"
    delivery = [line for line in json_log.lines() if line["message"] == "email delivery"]
    assert [without_timing(line) for line in delivery] == [
        {
            "level": "INFO",
            "logger": "notifications.services",
            "message": "email delivery",
            "notification_id": row.pk,
            "outcome": "sent",
            "request_id": "req-7",
        }
    ]
    [task] = json_log.lines("messagecenter.task")
    assert without_timing(task) == {
        "level": "INFO",
        "logger": "messagecenter.task",
        "message": "task",
        "task": "notifications.deliver",
        "task_id": result.id,
        "state": "SUCCESS",
        "retries": 0,
        "request_id": "req-7",
    }


def test_a_task_published_outside_any_request_runs_under_an_id_of_its_own(json_log):
    result = notification_deliver.apply(args=[987654321])

    assert result.get() == "skipped"
    [task] = json_log.lines("messagecenter.task")
    assert len(task["request_id"]) == 32


def test_no_body_address_or_token_reaches_the_logs(
    client, api_client, json_log, settings, django_capture_on_commit_callbacks
):
    order = OrderFactory(
        buyer__email="alex.private@example.com",
        seller__email="sam.private@shop.example",
        seller__notification_mode=NotificationMode.OFF,
    )
    buyer, seller = order.buyer, order.seller
    thread, _ = thread_with_message(order=order, body="Hello")
    _, api_token = token_create(user=seller, name="Helpdesk")
    token_like = "mc_zq81kx0p_F4kEt0KeNvAlUe9m2"
    secret_body = f"Gate code 4471, write to alex.private@example.com, key {token_like}"
    settings.EMAIL_BACKEND = "tests.notifications.smtp.FlakyBackend"
    smtp.failures[:] = [
        smtplib.SMTPRecipientsRefused(
            {"alex.private@example.com": (550, b"5.1.1 <alex.private@example.com> no such user")}
        )
    ]

    # The buyer writes a body with an address and a token-looking string (the policy blocks
    # it); the seller answers through the API with a token; the buyer's email bounces.
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/messages/{thread.pk}/", {"body": secret_body})
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token}")
        sent = api_client.post(
            f"/api/v1/threads/{thread.pk}/messages",
            {"body": f"Tuesday then. Your access key is {token_like}"},
            format="json",
            HTTP_X_REQUEST_ID="req-seller-1",
        )
    row = Notification.objects.get(recipient=buyer)
    outcome = notification_deliver.apply(args=[row.pk], headers={"request_id": "req-seller-1"})
    smtp.failures.clear()

    assert page.status_code == 400
    assert sent.status_code == 201, sent.content
    assert outcome.get() == "failed"
    assert Message.objects.filter(body=secret_body).count() == 1
    text = json_log.text
    for secret in (
        "Gate code",
        "Tuesday then",
        "alex.private@example.com",
        "sam.private@shop.example",
        token_like,
        api_token,
    ):
        assert secret not in text, secret
    # What was logged instead: the requests, the task and its failure, addresses scrubbed.
    requests = [
        (line["view"], line["status"], line["user_id"])
        for line in json_log.lines("messagecenter.request")
    ]
    assert requests == [
        ("messaging:thread", 400, buyer.pk),
        ("api:thread-messages", 201, seller.pk),
    ]
    failures = [
        line for line in json_log.lines("notifications.services") if line["level"] == "ERROR"
    ]
    assert [(line["message"], line["request_id"]) for line in failures] == [
        (
            f"notification {row.pk} failed: Recipient refused: 550 5.1.1 <[email]> no such user",
            "req-seller-1",
        )
    ]
