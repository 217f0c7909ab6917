"""A worker killed during the undo time: the sweep delivers the message once, by a real worker
on Redis, to a real SMTP server."""

import os
import time
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from messaging.models import Message, MessageStatus
from notifications.models import Notification
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.notifications import live

pytestmark = pytest.mark.services


@pytest.fixture
def mailbox():
    box = live.Mailbox()
    controller = live.smtp_server(box)
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def services(transactional_db):
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        reason = "needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


RELEASE_DONE = '"task": "messaging.release_sending_message", "task_id"'
SWEEP_DONE = '"task": "messaging.sweep_sending_messages", "task_id"'
SUCCESS = '"state": "SUCCESS"'


def wait_for_log(path: Path, *parts: str, count: int = 1, timeout: float = 60) -> None:
    """Wait until ``count`` lines of the worker's log hold every one of ``parts``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_text(errors="replace").splitlines()
        if sum(all(part in line for part in parts) for line in lines) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"{parts!r} x{count} not in the worker log:\n{path.read_text()[-3000:]}")


def wait_until_reserved(task: str, *, timeout: float = 60) -> None:
    """Wait until a worker has taken the task off the queue and holds it (Redis: unacked)."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(task.encode() in value for value in broker.hvals("unacked")):
            return
        time.sleep(0.05)
    raise AssertionError(f"no worker took {task} within {timeout}s")


def emails_about(mailbox: live.Mailbox, word: str) -> list:
    return [email for email in mailbox.messages if word in email.get_body().get_content()]


def test_a_worker_killed_during_the_undo_time_loses_nothing_and_sends_nothing_twice(
    services, mailbox, tmp_path, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    buyer = BuyerFactory(email="alex@example.com")
    seller = SellerFactory(email="sam@shop.example")
    thread, _question = thread_with_message(buyer=buyer, seller=seller)
    first_log = tmp_path / "worker-1.log"
    worker = live.start_worker(smtp_port=mailbox.port, log_path=first_log)
    try:
        api = APIClient()
        api.force_authenticate(buyer)
        response = api.post(
            f"/api/v1/threads/{thread.pk}/messages",
            {"body": "Tangerine: please gift wrap it.", "undo_seconds": 5},
            format="json",
        )
        assert response.status_code == 202, response.content
        message_id = response.json()["id"]
        # The worker holds the release task until its countdown ends; killed before that.
        wait_until_reserved("messaging.release_sending_message")
        worker.kill()
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            live.stop_worker(worker)

    message = Message.objects.get(pk=message_id)
    time.sleep(max(0.0, (message.undo_until - message.created_at).total_seconds()) + 0.5)
    assert Message.objects.get(pk=message_id).status == MessageStatus.SENDING
    assert emails_about(mailbox, "Tangerine") == []
    assert RELEASE_DONE not in first_log.read_text()

    second_log = tmp_path / "worker-2.log"
    worker = live.start_worker(smtp_port=mailbox.port, log_path=second_log)
    try:
        # The beat's sweep finds it; then the lost task and the sweep come again.
        current_app.send_task("messaging.sweep_sending_messages")
        deadline = time.monotonic() + 60
        while not emails_about(mailbox, "Tangerine") and time.monotonic() < deadline:
            time.sleep(0.1)
        current_app.send_task("messaging.release_sending_message", args=(message_id,))
        current_app.send_task("messaging.sweep_sending_messages")
        wait_for_log(second_log, RELEASE_DONE, SUCCESS)
        wait_for_log(second_log, SWEEP_DONE, SUCCESS, count=2)
    finally:
        live.stop_worker(worker)

    assert Message.objects.get(pk=message_id).status == MessageStatus.DELIVERED
    rows = Notification.objects.filter(
        recipient=seller, dedupe_key__startswith=f"message:{message_id}:to:"
    )
    assert rows.count() == 1
    emails = emails_about(mailbox, "Tangerine")
    assert [email["To"] for email in emails] == ["sam@shop.example"]
