"""Reliability run: the faults users meet, measured over HTTP, written to RELIABILITY.md.

    make chaos                                   # every scenario, sizes for about 15 minutes
    .venv/bin/python bench/chaos.py --scenario redis-stop --messages 300   # a quick one

Scenarios (``--scenario``, or ``all``):

- ``redis-stop``: Redis stopped for ``--outage-seconds`` in the middle of the sends.
- ``redis-freeze``: Redis frozen (SIGSTOP, SIGCONT after ``--outage-seconds``) likewise.
- ``slow-smtp``: every SMTP step (greeting, EHLO, MAIL, RCPT, DATA, end of data, QUIT)
  answered after ``--smtp-delay`` seconds.
- ``kill-during-quit``: the SMTP server accepts at once, then holds QUIT ``--quit-hold``
  seconds; the worker is SIGKILLed twice while a QUIT is held.
- ``kills-and-restart``: the worker SIGKILLed twice and Redis restarted (queue lost) once.

Each scenario runs on its own database (``chaos_<scenario>``, cloned from a freshly migrated
``chaos_template``) and its own redis-server on a spare port, with gunicorn in production
mode (2 workers), a Celery worker and beat, and an aiosmtpd server on loopback. Users and
conversations are seeded through the ORM; every measured send goes over HTTP: buyers log in
and submit the conversation page's reply form (CSRF token and one-time send token), sellers
post to the API with a personal token and an Idempotency-Key. Afterwards every send is
matched to its message row, every message to its notification row, and every row to the
emails the SMTP server received (by Message-ID). Logs are kept in var/chaos/<scenario>/.

Needs PostgreSQL (the server of DATABASE_URL, default postgres://postgres@127.0.0.1:5432)
and the redis-server binary.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chaos_support import (  # noqa: E402 (after the path is set)
    BODY_MARKER,
    SLOW_REQUEST_SECONDS,
    Clock,
    Mailbox,
    Processes,
    Recorder,
    RedisServer,
    SendRecord,
    SmtpBehaviour,
    SmtpServer,
    User,
    celery,
    free_port,
    gunicorn,
    wait_for_port,
)

CHAOS_DIR = ROOT / "var" / "chaos"
STATIC_DIR = CHAOS_DIR / "static"
SCENARIOS = ["redis-stop", "redis-freeze", "slow-smtp", "kill-during-quit", "kills-and-restart"]
PASSWORD = "pass-word-123"  # noqa: S105 (tests.accounts.factories gives every user this one)
# Per scenario: messages, sends per second, worker processes. Options override them.
DEFAULTS = {
    "redis-stop": {"messages": 1000, "rate": 12.0, "worker_concurrency": 4},
    "redis-freeze": {"messages": 1000, "rate": 12.0, "worker_concurrency": 4},
    # Eight processes: each waits out a whole slow SMTP session, so all eight go out at once.
    "slow-smtp": {"messages": 8, "rate": 2.0, "worker_concurrency": 8},
    "kill-during-quit": {"messages": 40, "rate": 2.0, "worker_concurrency": 4},
    "kills-and-restart": {"messages": 1000, "rate": 12.0, "worker_concurrency": 4},
}


def options_parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="all", choices=[*SCENARIOS, "all"])
    parser.add_argument("--messages", type=int, help="sends per scenario (default: per scenario)")
    parser.add_argument("--rate", type=float, help="sends started per second")
    parser.add_argument("--clients", type=int, default=4, help="users sending at once")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--worker-concurrency", type=int, help="Celery worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--outage-seconds", type=float, default=30.0)
    parser.add_argument("--smtp-delay", type=float, default=25.0, help="seconds per SMTP step")
    parser.add_argument("--quit-hold", type=float, default=8.0, help="seconds QUIT is held")
    parser.add_argument(
        "--sweep-after",
        type=int,
        default=60,
        help="NOTIFICATION_SWEEP_AFTER_SECONDS (60 in production)",
    )
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait for delivery")
    parser.add_argument("--report", default=str(ROOT / "RELIABILITY.md"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def sizes(options: argparse.Namespace, scenario: str) -> dict[str, float]:
    chosen = dict(DEFAULTS[scenario])
    for name in chosen:
        if getattr(options, name) is not None:
            chosen[name] = getattr(options, name)
    return chosen


# --- databases ----------------------------------------------------------------------------


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgres"):
        raise SystemExit("The reliability run needs PostgreSQL: set DATABASE_URL.")
    return url


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(server_url())._replace(path=f"/{name}"))


def database_create(name: str, *, template: str | None = None) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        clone = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{clone}')


def app_environment(**extra: str) -> dict[str, str]:
    """Production settings, as behind a proxy that terminates TLS."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("CHAOS_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(STATIC_DIR),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "messagecenter.settings",
        **extra,
    }


def prepare() -> None:
    """Once per run: the migrated template database and the collected static files."""
    CHAOS_DIR.mkdir(parents=True, exist_ok=True)
    database_create("chaos_template")
    env = app_environment(DATABASE_URL=database_url("chaos_template"))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


# --- one scenario -------------------------------------------------------------------------


class Scenario:
    def __init__(self, name: str, options: argparse.Namespace, processes: Processes) -> None:
        self.name = name
        self.options = options
        self.sizes = sizes(options, name)
        self.processes = processes
        self.clock = Clock()
        self.run_dir = CHAOS_DIR / name
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.run_dir.mkdir(parents=True)
        self.recorder = Recorder(self.clock)
        self.started_sends = 0
        self.progress_lock = threading.Lock()
        self.sending_done = threading.Event()
        self.fault_end: float | None = None
        self.kills: list[dict[str, object]] = []
        self.fault_error: str = ""

    # --- setting up

    def start(self) -> None:
        self.load_before = os.getloadavg()[0]
        self.redis = RedisServer(free_port(), self.run_dir)
        self.redis.start()
        self.processes.add(self.redis.stop)
        self.mailbox = Mailbox(self.clock, SmtpBehaviour())
        self.smtp = SmtpServer(self.mailbox, free_port())
        self.smtp.start()
        self.processes.add(self.smtp.stop)

        database = "chaos_" + self.name.replace("-", "_")
        database_create(database, template="chaos_template")
        unlimited = "1000000/60"  # the runs measure faults, not the send limits
        self.env = app_environment(
            DATABASE_URL=database_url(database),
            REDIS_URL=f"redis://127.0.0.1:{self.redis.port}/0",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp.port),
            EMAIL_USE_TLS="0",
            MESSAGE_SEND_RATE=unlimited,
            API_RATE_WRITE_TOKEN=unlimited,
            API_RATE_WRITE_USER=unlimited,
            API_RATE_READ_TOKEN=unlimited,
            API_RATE_READ_USER=unlimited,
            NOTIFICATION_SWEEP_AFTER_SECONDS=str(self.options.sweep_after),
        )
        os.environ.update(self.env)
        import django

        django.setup()

        self.web_port = free_port()
        web = gunicorn(
            self.web_port, workers=self.options.web_workers, run_dir=self.run_dir, env=self.env
        )
        web.start()
        self.processes.add(web.stop)
        wait_for_port(self.web_port, seconds=30, what="gunicorn")
        self.worker = celery(
            "worker",
            [
                "worker",
                f"--concurrency={int(self.sizes['worker_concurrency'])}",
                *("--without-gossip", "--without-mingle", "-n", "chaos@%h"),
            ],
            run_dir=self.run_dir,
            env=self.env,
        )
        beat = celery(
            "beat",
            ["beat", "-s", str(self.run_dir / "celerybeat-schedule"), "--pidfile="],
            run_dir=self.run_dir,
            env=self.env,
        )
        self.worker.start()
        self.processes.add(lambda: self.worker.stop())
        beat.start()
        self.processes.add(beat.stop)
        self.clock.log(
            f"gunicorn :{self.web_port}, worker, beat, Redis :{self.redis.port}, "
            f"SMTP :{self.smtp.port} started"
        )

    def seed(self) -> None:
        """Conversations through the ORM; buyers log in over HTTP, sellers get API tokens."""
        from accounts.tokens import token_create
        from messaging.threads.services import thread_start
        from tests.orders.factories import OrderFactory

        base = f"http://127.0.0.1:{self.web_port}"
        self.conversations: list[tuple[int, User, User]] = []
        for n in range(self.options.conversations):
            order = OrderFactory()
            first = thread_start(
                sender=order.buyer, order=order, topic="shipping", body=f"Hello, order {n}"
            )
            _, token = token_create(user=order.seller, name="helpdesk")
            buyer = User(base, self.recorder)
            buyer.log_in(order.buyer.email, PASSWORD)
            seller = User(base, self.recorder, token=token)
            self.conversations.append((first.thread_id, buyer, seller))
        self.recorder.requests.clear()  # the logins are not part of the measure
        self.clock.log(f"{len(self.conversations)} conversations seeded, buyers logged in")
        # The seeded messages' emails go out before the SMTP server turns slow.
        from notifications.models import Notification, NotificationStatus

        while Notification.objects.filter(status=NotificationStatus.PENDING).exists():
            time.sleep(0.2)
        if self.name == "slow-smtp":
            self.mailbox.behaviour.step_delay = self.options.smtp_delay
        if self.name == "kill-during-quit":
            self.mailbox.behaviour.quit_hold = self.options.quit_hold

    # --- the sends

    def body(self, number: int) -> str:
        return f"chaos message {number} of the {self.name} run"

    def send(self, number: int) -> None:
        count = len(self.conversations)
        thread_id, buyer, seller = self.conversations[number % count]
        # Buyers and sellers take turns in each conversation: the form, then the API.
        if (number // count) % 2 == 0:
            record = buyer.send_by_form(thread_id, number, self.body(number))
        else:
            record = seller.send_by_api(thread_id, number, self.body(number))
        self.recorder.send(record)

    def client(self, numbers: list[int], started: float, rate: float) -> None:
        for number in numbers:
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            with self.progress_lock:
                self.started_sends += 1
            try:
                self.send(number)
            except Exception as error:  # counted, and the run goes on
                self.recorder.send(SendRecord(number, "?", False, None, repr(error)[:200]))

    def wait_sends(self, share: float) -> None:
        target = int(self.sizes["messages"] * share)
        while self.started_sends < target and not self.sending_done.is_set():
            time.sleep(0.02)

    def run_sends(self) -> None:
        messages, rate = int(self.sizes["messages"]), self.sizes["rate"]
        count, clients = len(self.conversations), self.options.clients
        # One client per user: a browser session is not shared between two threads.
        plan: list[list[int]] = [[] for _ in range(clients)]
        for number in range(messages):
            plan[(number % count) % clients].append(number)
        started = time.monotonic()
        threads = [
            threading.Thread(target=self.client, args=(numbers, started, rate), daemon=True)
            for numbers in plan
        ]
        fault = threading.Thread(target=self.fault_guarded, daemon=True)
        self.clock.log(f"sending {messages} messages at {rate:g}/s from {clients} clients")
        fault.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.sending_done.set()
        self.last_send = self.clock.now()
        ok = sum(1 for record in self.recorder.sends if record.ok)
        self.clock.log(f"{messages} sends made, {ok} answered as sent")
        fault.join()

    # --- the faults

    def fault_guarded(self) -> None:
        try:
            getattr(self, "fault_" + self.name.replace("-", "_"))()
        except Exception as error:
            self.fault_error = repr(error)
            self.clock.log(f"fault injection failed: {error!r}")

    def fault_redis_stop(self) -> None:
        self.wait_sends(0.3)
        self.redis.stop()
        self.clock.log(f"Redis stopped after {self.started_sends} sends")
        time.sleep(self.options.outage_seconds)
        self.redis.start()
        self.fault_end = self.clock.now()
        self.clock.log(f"Redis started again (empty) after {self.started_sends} sends")

    def fault_redis_freeze(self) -> None:
        self.wait_sends(0.3)
        self.redis.freeze()
        self.clock.log(f"Redis frozen (SIGSTOP) after {self.started_sends} sends")
        time.sleep(self.options.outage_seconds)
        self.redis.thaw()
        self.fault_end = self.clock.now()
        self.clock.log(f"Redis thawed (SIGCONT) after {self.started_sends} sends")

    def fault_slow_smtp(self) -> None:
        self.clock.log(f"every SMTP step answered after {self.options.smtp_delay:g} s")

    def fault_kill_during_quit(self) -> None:
        seeded, messages = self.options.conversations, int(self.sizes["messages"])
        for share in (0.25, 0.6):
            deadline = time.monotonic() + self.options.timeout
            while time.monotonic() < deadline and (
                len(self.mailbox.snapshot()) < seeded + messages * share
                or not self.mailbox.quits_held
            ):
                time.sleep(0.01)
            self.kill_worker(f"while {self.mailbox.quits_held} QUIT(s) were held")

    def fault_kills_and_restart(self) -> None:
        self.wait_sends(0.2)
        self.kill_worker(f"after {self.started_sends} sends")
        self.wait_sends(0.5)
        self.redis.stop()
        self.clock.log(f"Redis stopped after {self.started_sends} sends (queue lost)")
        time.sleep(3)
        self.redis.start()
        self.clock.log("Redis started again")
        self.wait_sends(0.8)
        self.kill_worker(f"after {self.started_sends} sends")

    def kill_worker(self, when: str) -> None:
        from notifications.emails import notification_message_id
        from notifications.models import Notification, NotificationStatus

        self.worker.kill()
        # Rows whose email the server accepted but which are not marked sent: the window in
        # which a kill makes a second copy.
        accepted = {received.message_id for received in self.mailbox.snapshot()}
        window = [
            row.pk
            for row in Notification.objects.filter(status=NotificationStatus.PENDING)
            if notification_message_id(row) in accepted
        ]
        in_flight = Notification.objects.filter(
            status=NotificationStatus.PENDING, locked_until__isnull=False
        ).count()
        self.kills.append({"at": self.clock.now(), "window": window, "claimed": in_flight})
        self.clock.log(
            f"SIGKILL worker {when}: {len(window)} row(s) accepted but not marked sent, "
            f"{in_flight} row(s) claimed"
        )
        time.sleep(2)
        self.worker.start()
        self.clock.log("worker restarted")

    # --- the outcome

    def drain(self) -> None:
        from notifications.models import Notification, NotificationStatus

        deadline = time.monotonic() + self.options.timeout
        while time.monotonic() < deadline:
            if not Notification.objects.filter(status=NotificationStatus.PENDING).exists():
                break
            time.sleep(1)
        self.drained = time.monotonic() < deadline
        self.clock.log("outbox drained" if self.drained else "timed out waiting for the outbox")
        time.sleep(5)  # a late copy lands before counting

    def result(self) -> dict[str, object]:
        from django.conf import settings
        from django.db import connection

        from messaging.models import Message
        from notifications.emails import notification_message_id
        from notifications.models import Notification, NotificationStatus

        sends = sorted(self.recorder.sends, key=lambda record: record.number)
        stored: collections.Counter[int] = collections.Counter()
        number_of_message: dict[int, int] = {}
        for pk, body in Message.objects.filter(body__startswith="chaos message ").values_list(
            "pk", "body"
        ):
            found = BODY_MARKER.search(body)
            if found:
                stored[int(found.group(1))] += 1
                number_of_message[pk] = int(found.group(1))
        ok_missing = [s.number for s in sends if s.ok and stored[s.number] == 0]
        errored = [s for s in sends if not s.ok]
        errored_stored = [s.number for s in errored if stored[s.number]]

        rows = list(Notification.objects.order_by("id"))
        statuses = collections.Counter(row.status for row in rows)
        notified: set[int] = set()
        for row in rows:
            found = re.match(r"message:(\d+):to:", row.dedupe_key)
            if found and int(found.group(1)) in number_of_message:
                notified.add(int(found.group(1)))
        unnotified = [pk for pk in number_of_message if pk not in notified]
        emailed = [row for row in rows if row.status != NotificationStatus.SKIPPED]
        expected = {notification_message_id(row): row for row in emailed}
        received = self.mailbox.snapshot()
        per_id = collections.Counter(item.message_id for item in received)
        lost = [mid for mid in expected if per_id[mid] == 0]
        extra = {mid: count - 1 for mid, count in per_id.items() if count > 1}
        strangers = [mid for mid in per_id if mid not in expected]
        ids_per_send: dict[int, set[str]] = collections.defaultdict(set)
        for item in received:
            if item.number is not None:
                ids_per_send[item.number].add(item.message_id)
        mixed_ids = [number for number, ids in ids_per_send.items() if len(ids) > 1]
        last_email = max((item.at for item in received), default=0.0)
        since = self.fault_end if self.fault_end is not None else self.last_send
        latencies = sorted(
            (row.sent_at - row.created_at).total_seconds() for row in rows if row.sent_at
        )

        requests = self.recorder.requests
        durations = sorted(record.seconds for record in requests)
        by_endpoint: dict[str, dict[str, object]] = {}
        for endpoint in sorted({record.endpoint for record in requests}):
            mine = [record for record in requests if record.endpoint == endpoint]
            by_endpoint[endpoint] = {
                "requests": len(mine),
                "5xx": sum(1 for r in mine if r.status and r.status >= 500),
                "no_answer": sum(1 for r in mine if r.status is None),
                "slow": sum(1 for r in mine if r.seconds > SLOW_REQUEST_SECONDS),
                "max": max(r.seconds for r in mine),
                "median": statistics.median(r.seconds for r in mine),
            }
        slowest = sorted(requests, key=lambda record: -record.seconds)[:12]
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]

        return {
            "scenario": self.name,
            "finished": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "sizes": self.sizes,
            "options": {
                key: getattr(self.options, key)
                for key in (
                    "clients",
                    "conversations",
                    "web_workers",
                    "outage_seconds",
                    "smtp_delay",
                    "quit_hold",
                    "sweep_after",
                )
            },
            "settings": {
                "claim_timeout": settings.NOTIFICATION_CLAIM_TIMEOUT.total_seconds(),
                "email_timeout": settings.EMAIL_TIMEOUT,
                "sweep_after": settings.NOTIFICATION_SWEEP_AFTER.total_seconds(),
                "cache_timeouts": settings.CACHES["default"].get("OPTIONS", {}),
                "broker_timeouts": {
                    key: settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
                    for key in ("socket_connect_timeout", "socket_timeout")
                },
            },
            "machine": machine(postgres),
            "load_before": self.load_before,
            "load_after": os.getloadavg()[0],
            "requests": {
                "total": len(requests),
                "5xx": sum(1 for r in requests if r.status and r.status >= 500),
                "no_answer": sum(1 for r in requests if r.status is None),
                "slow": sum(1 for r in requests if r.seconds > SLOW_REQUEST_SECONDS),
                "max": durations[-1] if durations else 0.0,
                "median": statistics.median(durations) if durations else 0.0,
                "p99": durations[int(len(durations) * 0.99)] if durations else 0.0,
                "by_endpoint": by_endpoint,
                "slowest": [
                    {
                        "at": r.at,
                        "endpoint": r.endpoint,
                        "status": r.status,
                        "seconds": r.seconds,
                        "error": r.error,
                    }
                    for r in slowest
                ],
            },
            "sends": {
                "total": len(sends),
                "ok": sum(1 for s in sends if s.ok),
                "form": sum(1 for s in sends if s.via == "form"),
                "api": sum(1 for s in sends if s.via == "api"),
                "errored": len(errored),
                "errored_examples": [
                    {"number": s.number, "via": s.via, "status": s.status, "error": s.error}
                    for s in errored[:10]
                ],
                "errored_but_stored": len(errored_stored),
                "ok_but_missing": ok_missing[:50],
                "messages_lost": len(ok_missing) + len(errored) - len(errored_stored),
                "stored_twice": sum(1 for count in stored.values() if count > 1),
            },
            "notifications": {
                "rows": len(rows),
                "statuses": dict(statuses),
                "messages_without_row": len(unnotified),
                "emails": len(received),
                "distinct": len(per_id) - len(strangers),
                "lost": len(lost),
                "lost_ids": lost[:50],
                "extra_copies": sum(extra.values()),
                "extra_ids": sorted(extra),
                "strangers": strangers[:20],
                "copies_with_other_ids": mixed_ids[:20],
                "drained": self.drained,
                "drain_from": "fault end" if self.fault_end is not None else "last send",
                "drain_seconds": max(0.0, last_email - since),
                "latency_median": statistics.median(latencies) if latencies else 0.0,
                "latency_max": latencies[-1] if latencies else 0.0,
                "more_than_one_attempt": sum(1 for row in rows if row.attempts > 1),
            },
            "kills": self.kills,
            "fault_error": self.fault_error,
            "logs": log_findings(self.run_dir),
            "timeline": self.clock.events,
        }


def machine(postgres: str) -> dict[str, str]:
    cpu = ""
    with Path("/proc/cpuinfo").open() as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with Path("/proc/meminfo").open() as info:
        first = info.readline().split()
        memory = f"{int(first[1]) / 1024 / 1024:.0f} GB"
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
    version = re.search(r"v=(\S+)", redis)
    return {
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": memory,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "postgres": postgres,
        "redis": version.group(1) if version else "?",
    }


LOG_PATTERNS = re.compile(r"Traceback|ERROR|CRITICAL|WORKER TIMEOUT|unavailable|Error:")


def log_findings(run_dir: Path) -> dict[str, dict[str, object]]:
    """Per log: how many notable lines, and the distinct ones (numbers and times masked)."""
    findings: dict[str, dict[str, object]] = {}
    for name in ("gunicorn.log", "worker.log", "beat.log"):
        path = run_dir / name
        if not path.exists():
            continue
        lines = [
            line.strip()
            for line in path.read_text(errors="replace").splitlines()
            if LOG_PATTERNS.search(line)
        ]
        shapes = collections.Counter(
            re.sub(r"\d+(\.\d+)?", "N", re.sub(r"^\[[^\]]*\]\s*", "", line))[:220] for line in lines
        )
        findings[name] = {"lines": len(lines), "distinct": shapes.most_common(8)}
    return findings


def run_child(options: argparse.Namespace) -> int:
    processes = Processes()
    scenario = Scenario(options.scenario, options, processes)
    try:
        scenario.start()
        scenario.seed()
        scenario.run_sends()
        scenario.drain()
        result = scenario.result()
    finally:
        processes.stop_all()
    (scenario.run_dir / "result.json").write_text(json.dumps(result, indent=1, default=str))
    print(json.dumps({k: result[k] for k in ("requests", "sends", "notifications")}, indent=1))
    return 0


def main() -> int:
    options = options_parse()
    if options.child:
        return run_child(options)
    prepare()
    chosen = SCENARIOS if options.scenario == "all" else [options.scenario]
    failures = 0
    for name in chosen:
        print(f"=== {name}", flush=True)
        child = [a for a in sys.argv[1:] if not a.startswith("--scenario")]
        if "--scenario" in sys.argv[1:]:  # "--scenario X" as two arguments
            at = sys.argv.index("--scenario")
            child = sys.argv[1:at] + sys.argv[at + 2 :]
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--scenario", name, *child], cwd=ROOT
        )
        failures += done.returncode != 0
    from bench.chaos_report import report_write

    verdicts = report_write(CHAOS_DIR, Path(options.report), SCENARIOS)
    print(f"wrote {options.report}")
    return 1 if failures or not all(verdicts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
