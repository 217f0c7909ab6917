"""Time from commit to email accepted by the SMTP server, and print a markdown fragment.

    .venv/bin/python bench/notify_bench.py [--messages 1000]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and the
redis-server binary. Like the reliability run it uses its own database (<name>_chaos, recreated)
and its own Redis server on a spare port; a real Celery worker with 2 processes delivers to an
aiosmtpd server on loopback. Messages are sent one after another through `messaging.services`;
the clock starts when the send's transaction has committed (the service returned) and stops when
the SMTP server accepts the email with that notification's Message-ID.
"""

import argparse
import os
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chaos import RUN_DIR, CeleryProcess, RedisServer, django_environment, free_port  # noqa: E402


class TimedMailbox:
    """Keeps when each Message-ID was accepted (the first time)."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.copies = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        now = time.monotonic()
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.copies += 1
            self.accepted.setdefault(str(message["Message-ID"]).strip(), now)
        return "250 Message accepted for delivery"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    cleanups: list = []
    try:
        return run(cleanups)
    finally:
        for cleanup in reversed(cleanups):
            cleanup()


def run(cleanups: list) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--timeout", type=int, default=300)
    options = parser.parse_args()

    RUN_DIR.mkdir(parents=True, exist_ok=True)
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    if not base_url.startswith("postgres"):
        print("The notification benchmark needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    redis = RedisServer(free_port())
    redis.start()
    cleanups.append(redis.stop)
    smtp_port = free_port()
    env = django_environment(base_url, redis_port=redis.port, smtp_port=smtp_port)
    from aiosmtpd.controller import Controller

    from messaging.threads.services import message_send, thread_start
    from notifications.emails import notification_message_id
    from notifications.models import Notification
    from tests.orders.factories import OrderFactory

    mailbox = TimedMailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    cleanups.append(smtp.stop)
    worker = CeleryProcess(
        ["worker", "--concurrency=2", "--without-gossip", "--without-mingle", "-n", "bench@%h"],
        "bench-worker",
        env,
    )
    cleanups.append(worker.stop)
    worker.start()

    orders = [OrderFactory() for _ in range(50)]
    threads: dict[int, object] = {}
    # Warm-up: the worker has started and connected once the first email arrives.
    warm = thread_start(sender=orders[0].buyer, order=orders[0], topic="shipping", body="Hello")
    threads[orders[0].pk] = warm.thread
    deadline = time.monotonic() + 60
    while not mailbox.accepted and time.monotonic() < deadline:
        time.sleep(0.05)
    first_row = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0

    committed: dict[int, float] = {}  # message id -> when its transaction had committed
    started = time.monotonic()
    for n in range(options.messages):
        order = orders[n % len(orders)]
        if order.pk not in threads:
            message = thread_start(
                sender=order.buyer, order=order, topic="shipping", body=f"Message {n}"
            )
            threads[order.pk] = message.thread
        else:
            sender = order.seller if (n // len(orders)) % 2 else order.buyer
            message = message_send(thread=threads[order.pk], sender=sender, body=f"Message {n}")
        committed[message.pk] = time.monotonic()
    send_seconds = time.monotonic() - started

    rows = list(Notification.objects.filter(id__gt=first_row).order_by("id"))
    wanted = {notification_message_id(row): row for row in rows}
    deadline = time.monotonic() + options.timeout
    while time.monotonic() < deadline:
        with mailbox.lock:
            if all(mid in mailbox.accepted for mid in wanted):
                break
        time.sleep(0.1)
    drained = time.monotonic() - started

    latencies = []
    missing = 0
    for mid, row in wanted.items():
        accepted = mailbox.accepted.get(mid)
        # The outbox row of a new message is keyed "message:<id>:to:<reader>[...]".
        sent_at = committed.get(int(row.dedupe_key.split(":")[1]))
        if accepted is None:
            missing += 1
        elif sent_at is not None:
            latencies.append((accepted - sent_at) * 1000)
    print(
        f"- {options.messages} messages sent one after another through the send service "
        f"({options.messages / send_seconds:,.0f} messages/s); {len(rows)} notification emails; "
        "Celery worker with 2 processes on Redis, aiosmtpd on loopback, PostgreSQL"
    )
    if latencies:
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        print(
            f"- Commit to email accepted by the SMTP server: p50 **{p50:.0f} ms**, "
            f"p99 **{p99:.0f} ms**, max "
            f"{max(latencies):.0f} ms (over {len(latencies)} emails)"
        )
    print(
        f"- All delivered {drained:.1f} s after the first send; not delivered: {missing}; "
        f"extra copies: {mailbox.copies - len(mailbox.accepted)}"
    )
    return 0 if missing == 0 and latencies else 1


if __name__ == "__main__":
    sys.exit(main())
