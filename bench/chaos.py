"""Reliability run: 1,000 messages while the worker is SIGKILLed twice and Redis restarts once.

    make chaos            # or: .venv/bin/python bench/chaos.py [--messages N]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and the
redis-server binary. It runs on its own database (<name>_chaos, recreated) and its own Redis
server on a spare port, so restarting Redis disturbs nobody else; a real Celery worker, Celery
beat and an SMTP server (aiosmtpd) on loopback receive the emails. Afterwards every outbox row
must have been delivered; lost emails and duplicates are counted by Message-ID and written to
RELIABILITY.md.
"""

import argparse
import collections
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUN_DIR = ROOT / "var" / "chaos"
SWEEP_AFTER_SECONDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Clock:
    def __init__(self) -> None:
        self.start = time.monotonic()
        self.events: list[tuple[float, str]] = []

    def now(self) -> float:
        return time.monotonic() - self.start

    def log(self, text: str) -> None:
        self.events.append((self.now(), text))
        print(f"[{self.now():7.1f}s] {text}", flush=True)


class Mailbox:
    """Keeps the Message-ID of every email the SMTP server accepts."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.message_ids.append(str(message["Message-ID"]).strip())
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # No persistence: a restart loses every queued and unacknowledged task.
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(RUN_DIR),
            ],
            stdout=(RUN_DIR / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class CeleryProcess:
    def __init__(self, args: list[str], name: str, env: dict[str, str]) -> None:
        self.args, self.name, self.env = args, name, env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (RUN_DIR / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "messagecenter", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL takes the pool too
        )

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


def recreate_database(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_chaos"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def django_environment(
    base_url: str, *, redis_port: int, smtp_port: int, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """A fresh database and this run's Redis and SMTP ports; migrate, then set Django up here."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": recreate_database(base_url),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "MESSAGE_SEND_RATE": "1000000/60",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "messagecenter.settings",
        **(extra or {}),
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    return env


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
    parser.add_argument("--report", default=str(ROOT / "RELIABILITY.md"))
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait for delivery")
    options = parser.parse_args()

    RUN_DIR.mkdir(parents=True, exist_ok=True)
    for log in RUN_DIR.glob("*.log"):
        log.unlink()
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    if not base_url.startswith("postgres"):
        print("The reliability run needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    clock = Clock()
    redis = RedisServer(free_port())
    redis.start()
    cleanups.append(redis.stop)
    smtp_port = free_port()
    env = django_environment(
        base_url,
        redis_port=redis.port,
        smtp_port=smtp_port,
        extra={"NOTIFICATION_SWEEP_AFTER_SECONDS": str(SWEEP_AFTER_SECONDS)},
    )
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connection

    from messaging.threads.services import message_send, thread_start
    from notifications.emails import notification_message_id
    from notifications.models import Notification, NotificationStatus
    from tests.orders.factories import OrderFactory

    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    cleanups.append(smtp.stop)
    worker = CeleryProcess(
        ["worker", "--concurrency=4", "--without-gossip", "--without-mingle", "-n", "chaos@%h"],
        "worker",
        env,
    )
    beat = CeleryProcess(
        ["beat", "-s", str(RUN_DIR / "celerybeat-schedule"), "--pidfile="], "beat", env
    )
    cleanups += [worker.stop, beat.stop]
    worker.start()
    beat.start()
    clock.log(f"worker, beat, Redis :{redis.port}, SMTP :{smtp_port} started")

    threads = 50
    orders = [OrderFactory() for _ in range(threads)]
    chaos_at = [
        (options.messages * 2 // 10, "kill worker"),
        (options.messages * 5 // 10, "restart redis"),
        (options.messages * 8 // 10, "kill worker"),
    ]
    progress = {"sent": 0}

    def chaos() -> None:
        # Runs beside the sender, so messages keep coming while the worker or Redis is down.
        for threshold, action in chaos_at:
            while progress["sent"] < threshold:
                time.sleep(0.01)
            if action == "kill worker":
                worker.kill()
                clock.log(f"SIGKILL worker after {progress['sent']} messages")
                time.sleep(2)
                worker.start()
                clock.log("worker restarted")
            else:
                redis.stop()
                clock.log(f"Redis killed after {progress['sent']} messages (queue lost)")
                time.sleep(3)
                redis.start()
                clock.log("Redis started again")

    chaos_thread = threading.Thread(target=chaos, daemon=True)
    chaos_thread.start()
    refused_sends = 0
    thread_of: dict[int, object] = {}
    for n in range(options.messages):
        order = orders[n % threads]
        while True:
            try:
                if order.pk not in thread_of:
                    first = thread_start(
                        sender=order.buyer, order=order, topic="shipping", body=f"Message {n}"
                    )
                    thread_of[order.pk] = first.thread
                else:
                    thread = thread_of[order.pk]
                    sender = order.seller if (n // threads) % 2 else order.buyer
                    message_send(thread=thread, sender=sender, body=f"Message {n}")
                break
            except Exception as error:  # a client retries whatever went wrong
                refused_sends += 1
                if refused_sends % 20 == 1:
                    clock.log(f"send refused ({error.__class__.__name__}); retrying")
                connection.close()
                time.sleep(0.2)
        progress["sent"] = n + 1
        time.sleep(0.01)
    chaos_thread.join()
    clock.log(f"{options.messages} messages sent ({refused_sends} sends refused and retried)")
    last_send = clock.now()

    deadline = time.monotonic() + options.timeout
    total = Notification.objects.count()
    while time.monotonic() < deadline:
        open_rows = Notification.objects.filter(status=NotificationStatus.PENDING).count()
        if open_rows == 0:
            break
        time.sleep(2)
    drained = time.monotonic() < deadline
    drain_seconds = clock.now() - last_send
    clock.log("outbox drained" if drained else "timed out waiting")
    time.sleep(5)  # let a late duplicate land before counting

    rows = list(Notification.objects.order_by("id"))
    expected = {notification_message_id(row): row for row in rows}
    received = collections.Counter(mailbox.message_ids)
    lost = [mid for mid in expected if received[mid] == 0]
    duplicates = {mid: count - 1 for mid, count in received.items() if count > 1}
    strangers = [mid for mid in received if mid not in expected]
    statuses = collections.Counter(row.status for row in rows)
    attempts = collections.Counter(row.attempts for row in rows)
    latencies = sorted(
        (row.sent_at - row.created_at).total_seconds() for row in rows if row.sent_at
    )
    late = sum(1 for seconds in latencies if seconds > SWEEP_AFTER_SECONDS)
    median = latencies[len(latencies) // 2] if latencies else 0.0

    for cleanup in reversed(cleanups):
        cleanup()
    cleanups.clear()

    ok = not lost and not strangers and total == options.messages and statuses["sent"] == total
    lines = [
        "# Reliability",
        "",
        "`make chaos` (bench/chaos.py): messages are sent through `messaging.services` while the",
        "Celery worker is killed with SIGKILL twice and Redis (no persistence, so every queued",
        "task is lost) is restarted once. A real worker (prefork, 4 processes), Celery beat",
        "(sweep every 30 s) and an aiosmtpd SMTP server on loopback take part. Every outbox row",
        "is then matched to the emails received by its Message-ID.",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on PostgreSQL and Redis, "
        f"sweep after {SWEEP_AFTER_SECONDS} s, claim timeout "
        f"{int(settings.NOTIFICATION_CLAIM_TIMEOUT.total_seconds())} s.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| messages sent | {options.messages} |",
        f"| sends refused while Redis was down (retried by the client) | {refused_sends} |",
        f"| notification rows | {total} |",
        f"| rows sent / failed / pending | {statuses['sent']} / {statuses['failed']} / "
        f"{statuses['pending']} |",
        f"| emails received | {sum(received.values())} |",
        f"| distinct notifications received | {len(received) - len(strangers)} |",
        f"| **lost** (row without an email) | **{len(lost)}** |",
        f"| **duplicates** (extra copies of an email) | **{sum(duplicates.values())}** |",
        f"| rows needing more than one attempt | {sum(c for a, c in attempts.items() if a > 1)} |",
        f"| rows delivered later than {SWEEP_AFTER_SECONDS} s (task lost, recovered by the "
        f"sweep) | {late} |",
        f"| time from row to email: median / max | {median:.1f} s / "
        f"{latencies[-1] if latencies else 0:.1f} s |",
        f"| seconds from the last send until no row was pending | {drain_seconds:.0f} |",
        f"| result | {'PASS: every notification delivered' if ok else 'FAIL'} |",
        "",
        "Duplicates happen only when a worker dies after the SMTP server accepted an email and",
        "before the row was marked sent; the copy carries the same Message-ID, so mail clients",
        "can recognise it.",
        "",
    ]
    if duplicates:
        lines += ["Duplicated Message-IDs: " + ", ".join(sorted(duplicates)), ""]
    if lost:
        lines += ["Lost Message-IDs: " + ", ".join(lost[:50]), ""]
    lines += ["## Timeline", "", "| at | event |", "|---|---|"]
    lines += [f"| {at:.1f} s | {text} |" for at, text in clock.events]
    Path(options.report).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
