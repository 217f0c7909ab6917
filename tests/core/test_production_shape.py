"""The production shape, for real: gunicorn (two workers) and a prefork Celery worker, both on
PostgreSQL through PgBouncer in transaction pooling, a Redis and an SMTP server of the test's own.

One send through the API is followed everywhere: the request id it carried shows in the web's
and the worker's JSON log lines, the web's /metrics (shared by its two workers through
PROMETHEUS_MULTIPROC_DIR) and the worker's exporter each move by exactly one, the email
arrives, and no log line holds the body, an address or a token.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import NotificationMode
from accounts.tokens import token_create
from messaging.models import Message
from notifications.models import Notification, NotificationStatus
from tests.core.servers import (
    ROOT,
    PgBouncer,
    RedisServer,
    app_env,
    celery_worker,
    find_tool,
    free_port,
    gunicorn,
    http_get,
)
from tests.messaging.factories import thread_with_message
from tests.notifications import live
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.services

METRICS_TOKEN = "scrape-7d1c2b9e"


def metrics(url: str) -> dict[tuple[str, frozenset], float]:
    status, _, body = http_get(url, headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200, body
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def moved(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def pgbouncer(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    if find_tool("pgbouncer") is None:
        reason = "needs pgbouncer (apt-get install pgbouncer; .ci/run installs it)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    bouncer = PgBouncer(pool_size=2)
    yield bouncer
    bouncer.stop()


@pytest.fixture
def mailbox():
    box = live.Mailbox()
    controller = live.smtp_server(box)
    box.port = controller.port
    yield box
    controller.stop()


def test_a_send_through_pgbouncer_is_followed_by_its_request_id_and_counted_once(
    pgbouncer, mailbox, tmp_path
):
    order = OrderFactory(
        buyer__email="alex.buyer@example.com",
        buyer__display_name="Alex Buyer",
        seller__email="sam.seller@shop.example",
        seller__notification_mode=NotificationMode.OFF,  # so no task is left for anyone else
    )
    thread, _ = thread_with_message(order=order, body="Is it blue?")
    _, api_token = token_create(user=order.seller, name="Helpdesk")
    redis_server = RedisServer(tmp_path)
    web_port, exporter_port = free_port(), free_port()
    (tmp_path / "web-metrics").mkdir()
    (tmp_path / "worker-metrics").mkdir()
    common = {
        "DATABASE_URL": pgbouncer.database_url(connection.settings_dict["NAME"]),
        "DB_TRANSACTION_POOLING": "1",
        "REDIS_URL": redis_server.url,
        "METRICS_TOKEN": METRICS_TOKEN,
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.port),
    }
    web_env = app_env(**common, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "web-metrics"))
    worker_env = app_env(
        **common,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "worker-metrics"),
        METRICS_PORT=str(exporter_port),
        METRICS_HOST="127.0.0.1",
    )
    node = os.uname().nodename
    web = worker = None
    try:
        web = gunicorn(port=web_port, env=web_env, log=tmp_path / "web.log", workers=2)
        worker = celery_worker(node="opstest@%h", env=worker_env, log=tmp_path / "worker.log")
        base = f"http://127.0.0.1:{web_port}"
        exporter = f"http://127.0.0.1:{exporter_port}/metrics"
        ready = http_get(f"{base}/readyz")
        web_before, worker_before = metrics(f"{base}/metrics"), metrics(exporter)

        # The seller answers through the API, under a request id of its own choosing.
        status, headers, answer = http_get(
            f"{base}/api/v1/threads/{thread.pk}/messages",
            data=json.dumps({"body": "It ships today, Alex."}).encode(),
            headers={
                "Authorization": f"Bearer {api_token}",
                "Content-Type": "application/json",
                "X-Request-ID": "e2e-send-0001",
            },
            timeout=30,
        )
        sent = (status, headers["X-Request-ID"], json.loads(answer))
        [email] = mailbox.wait_for(1, timeout=60)
        # Reads that use server-side cursors and repeated statements elsewhere: the response
        # metric iterates obligations (.iterator()), the list runs the same queries each time.
        bearer = {"Authorization": f"Bearer {api_token}"}
        reads = [http_get(f"{base}/api/v1/metrics/response-time", headers=bearer)[0]]
        reads += [http_get(f"{base}/api/v1/threads", headers=bearer)[0] for _ in range(8)]
        web_after = metrics(f"{base}/metrics")
        deadline = time.monotonic() + 20
        while True:
            worker_after = metrics(exporter)
            state = ("task", "notifications.deliver"), ("state", "SUCCESS")
            done = ("messagecenter_celery_tasks_total", frozenset(state)) in worker_after
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        ping = subprocess.run(
            [sys.executable, "manage.py", "healthcheck", "worker", "--node", f"opstest@{node}"],
            cwd=ROOT,
            env=worker_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        for process in (worker, web):
            if process is not None:
                process.stop()
        redis_server.stop()
    web_log, worker_log = (tmp_path / "web.log").read_text(), (tmp_path / "worker.log").read_text()

    # Ready through PgBouncer; the send stored, emailed once.
    assert ready[0] == 200, ready
    assert json.loads(ready[2])["checks"] == {
        "postgresql": "ok",
        "redis": "ok",
        "broker": "ok",
        "storage": "ok",
    }
    assert sent[:2] == (201, "e2e-send-0001")
    reply = Message.objects.get(pk=sent[2]["id"])
    assert (reply.body, reply.status) == ("It ships today, Alex.", "delivered")
    assert email["To"] == "alex.buyer@example.com"
    assert Notification.objects.get(recipient=order.buyer).status == NotificationStatus.SENT
    assert reads == [200] * 9

    # Counted once, by the web (two workers, one count) and by the worker's prefork child.
    send = {"view": "api:thread-messages", "method": "POST", "status": "201"}
    assert [
        moved(web_before, web_after, "messagecenter_messages_sent_total", status="delivered"),
        moved(web_before, web_after, "messagecenter_http_request_duration_seconds_count", **send),
    ] == [1, 1]
    delivered = {"task": "notifications.deliver", "state": "SUCCESS"}
    attempts = "messagecenter_email_delivery_attempts_total"
    assert [
        moved(worker_before, worker_after, attempts, outcome="sent"),
        moved(worker_before, worker_after, "messagecenter_celery_tasks_total", **delivered),
    ] == [1, 1]

    # The request id, from the request's log line to the task's and the delivery's.
    web_lines, worker_lines = json_lines(web_log), json_lines(worker_log)
    [request_line] = [line for line in web_lines if line.get("request_id") == "e2e-send-0001"]
    assert (request_line["message"], request_line["view"], request_line["status"]) == (
        "request",
        "api:thread-messages",
        201,
    )
    followed = [
        (line["message"], line.get("task"), line.get("state"), line.get("outcome"))
        for line in worker_lines
        if line.get("request_id") == "e2e-send-0001"
    ]
    assert followed == [
        ("email delivery", None, None, "sent"),
        ("task", "notifications.deliver", "SUCCESS", None),
    ]
    # Nothing personal or secret in any line of either process.
    for secret in (
        "It ships today",
        "Is it blue",
        "alex.buyer@example.com",
        "sam.seller@shop.example",
        api_token,
        METRICS_TOKEN,
    ):
        assert secret not in web_log + worker_log, secret

    # The worker's healthcheck: its node answers a Celery ping.
    assert ping.returncode == 0, ping.stdout + ping.stderr
    assert json.loads(ping.stdout)["checks"]["celery_ping"] == "ok"
