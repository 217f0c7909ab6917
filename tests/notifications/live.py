"""Real servers for end-to-end tests: an SMTP server on loopback and a Celery worker process."""

import os
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 60) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return list(self.messages)
            time.sleep(0.1)
        raise AssertionError(f"expected {count} emails within {timeout}s, got {len(self.messages)}")


def wait_for_rows(queryset, fields: tuple[str, ...], expected: list[tuple], timeout: float = 30):
    """Wait until the rows read `expected`.

    The SMTP server holds a message as soon as the DATA command ends; the worker records
    the row as sent a moment later, when the server's answer reaches it.
    """
    deadline = time.monotonic() + timeout
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        rows = list(queryset.values_list(*fields))
        if rows == expected:
            return rows
        time.sleep(0.05)
    raise AssertionError(f"rows stayed {rows!r}, expected {expected!r}")


def smtp_server(mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def database_url() -> str:
    """The URL of the database the tests run on (the test database, not the configured one)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def start_worker(*, smtp_port: int, log_path: Path, extra_env: dict[str, str] | None = None):
    """Start `celery -A messagecenter worker` against the test database and the SMTP server."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        **(extra_env or {}),
    }
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "messagecenter",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b"ready." in log_path.read_bytes():
            return process
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise AssertionError("the Celery worker did not start:\n" + log_path.read_text()[-3000:])


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
