"""Time from commit to email accepted by the SMTP server, and print a markdown fragment.

    .venv/bin/python bench/notify_bench.py [--messages 1000]

Needs PostgreSQL (the server of DATABASE_URL, default postgres://postgres@127.0.0.1:5432) and
the redis-server binary. Like the reliability run it uses its own database (notify_bench,
recreated) and its own Redis server on a spare port; a real Celery worker with 2 processes
delivers to an aiosmtpd server on loopback. Messages are sent one after another through
`messaging.threads.services`; the clock starts when the send's transaction has committed (the
service returned) and stops when the SMTP server accepts the email with that notification's
Message-ID.

Then the worker's capacity: with the worker stopped, a backlog of notifications is queued; a
worker with 1 process, then one with 2, drains it, and the time and the worker's CPU per email
are reported (how many worker processes a given send rate needs).
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chaos import app_environment, database_create, database_url  # noqa: E402
from bench.chaos_support import Process, RedisServer, celery, free_port  # noqa: E402

RUN_DIR = ROOT / "var" / "notify-bench"
BACKLOG = 600


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
    if not os.environ.get("DATABASE_URL", "postgres").startswith("postgres"):
        print("The notification benchmark needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    redis = RedisServer(free_port(), RUN_DIR)
    redis.start()
    cleanups.append(redis.stop)
    smtp_port = free_port()
    database_create("notify_bench")
    env = app_environment(
        DATABASE_URL=database_url("notify_bench"),
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
        MESSAGE_SEND_RATE="1000000/60",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    from aiosmtpd.controller import Controller

    from messaging.threads.services import message_send, thread_start
    from notifications.emails import notification_message_id
    from notifications.models import Notification
    from tests.orders.factories import OrderFactory

    mailbox = TimedMailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    cleanups.append(smtp.stop)
    worker = start_worker(2, env)
    cleanups.append(worker.stop)

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
    worker.stop()
    drained_ok = True
    for processes in (1, 2):
        backlog = queue_backlog(orders, threads, mailbox)
        worker = start_worker(processes, env)
        cleanups.append(worker.stop)
        deadline = time.monotonic() + options.timeout
        # The clock starts at the first email accepted: the worker's start-up is left out.
        while time.monotonic() < deadline:
            with mailbox.lock:
                first = sum(1 for mid in backlog if mid in mailbox.accepted)
            if first:
                break
            time.sleep(0.01)
        begun, cpu_begun = time.monotonic(), group_cpu_seconds(worker.pid)
        while time.monotonic() < deadline:
            with mailbox.lock:
                if all(mid in mailbox.accepted for mid in backlog):
                    break
            time.sleep(0.05)
        seconds = time.monotonic() - begun
        cpu = group_cpu_seconds(worker.pid) - cpu_begun
        worker.stop()
        with mailbox.lock:
            late = sum(1 for mid in backlog if mid not in mailbox.accepted)
        timed = len(backlog) - first - late
        drained_ok = drained_ok and late == 0
        print(
            f"- Worker capacity, {processes} process{'es' if processes > 1 else ''}: a backlog "
            f"of {len(backlog)} notification emails queued while no worker ran; after the "
            f"first was accepted, the other {timed} took {seconds:.1f} s = "
            f"**{timed / seconds:,.0f} emails/s**, the worker's CPU "
            f"{cpu / max(timed, 1) * 1000:.1f} ms per email; not delivered: {late}"
        )
    return 0 if missing == 0 and latencies and drained_ok else 1


def start_worker(processes: int, env: dict[str, str]) -> Process:
    worker = celery(
        f"worker-{processes}",
        [
            "worker",
            f"--concurrency={processes}",
            *("--without-gossip", "--without-mingle", "-n", f"bench{processes}@%h"),
        ],
        run_dir=RUN_DIR,
        env=env,
    )
    worker.start()
    return worker


def queue_backlog(orders: list, threads: dict, mailbox: TimedMailbox) -> set[str]:
    """Send BACKLOG messages with no worker running; return their emails' Message-IDs."""
    from messaging.threads.services import message_send
    from notifications.emails import notification_message_id
    from notifications.models import Notification

    first_row = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for n in range(BACKLOG):
        order = orders[n % len(orders)]
        thread = threads.get(order.pk)
        if thread is None:
            continue
        message_send(thread=thread, sender=order.buyer, body=f"Backlog message {n}")
    rows = Notification.objects.filter(id__gt=first_row)
    return {notification_message_id(row) for row in rows}


def group_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by every process in the group `pid` leads (a worker's pool)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: state, ppid, pgrp, ...; utime and stime are the 12th and 13th.
        if int(fields[2]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


if __name__ == "__main__":
    sys.exit(main())
