"""The pieces of the reliability run: the servers it starts, its SMTP server, its HTTP users.

Every process is started in a session of its own, so stopping it (or SIGKILLing the Celery
worker) takes its children too, and everything started is stopped again by ``Processes``.
"""

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

ROOT = Path(__file__).resolve().parent.parent
SLOW_REQUEST_SECONDS = 2.0
# The body of every measured send names its number, so a message row, the email about it and
# any copy of that email can be matched to the request that made it.
BODY_MARKER = re.compile(r"chaos message (\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Clock:
    """Seconds since the scenario started, and the scenario's timeline."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.events: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def now(self) -> float:
        return time.monotonic() - self.start

    def log(self, text: str) -> None:
        with self.lock:
            self.events.append((self.now(), text))
        print(f"[{self.now():7.1f}s] {text}", flush=True)


# --- processes ---------------------------------------------------------------------------


class Process:
    """One child process in its own session, with its output in a log file."""

    def __init__(self, name: str, args: list[str], *, log: Path, env: dict[str, str]) -> None:
        self.name, self.args, self.log, self.env = name, args, log, env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def signal_group(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it has just exited
                os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        if self.process is not None:
            self.signal_group(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.signal_group(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


def wait_for_port(port: int, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start on port {port}")


class RedisServer(Process):
    def __init__(self, port: int, run_dir: Path) -> None:
        # No persistence: a restart loses every queued and unacknowledged task.
        args = [
            "redis-server",
            *("--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(run_dir)),
        ]
        super().__init__("redis", args, log=run_dir / "redis.log", env=dict(os.environ))
        self.port = port

    def start(self) -> None:
        super().start()
        wait_for_port(self.port, seconds=5, what="redis-server")

    def freeze(self) -> None:
        """SIGSTOP: connections stay open and connects succeed, but nothing is answered."""
        self.signal_group(signal.SIGSTOP)

    def thaw(self) -> None:
        self.signal_group(signal.SIGCONT)


def celery(name: str, args: list[str], *, run_dir: Path, env: dict[str, str]) -> Process:
    command = [sys.executable, "-m", "celery", "-A", "messagecenter", *args]
    return Process(name, command, log=run_dir / f"{name}.log", env=env)


def gunicorn(port: int, *, workers: int, run_dir: Path, env: dict[str, str]) -> Process:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "messagecenter.wsgi:application",
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
        *("--access-logfile", str(run_dir / "gunicorn-access.log")),
        # Request time in seconds (%(L)s) next to the status, for the slow requests.
        *("--access-logformat", '%(t)s "%(r)s" %(s)s %(L)s s'),
    ]
    return Process("gunicorn", command, log=run_dir / "gunicorn.log", env=env)


class Processes:
    """Everything a scenario started, stopped in reverse order whatever happens."""

    def __init__(self) -> None:
        self.stops: list = []

    def add(self, stop) -> None:
        self.stops.append(stop)

    def stop_all(self) -> None:
        while self.stops:
            stop = self.stops.pop()
            try:
                stop()
            except Exception as error:  # one failed stop must not leave the others running
                print(f"cleanup: {error!r}", file=sys.stderr)


# --- SMTP ---------------------------------------------------------------------------------


@dataclass
class Received:
    message_id: str
    at: float
    number: int | None  # the send's number, from the body marker


@dataclass
class SmtpBehaviour:
    step_delay: float = 0.0  # before each reply: greeting, EHLO, MAIL, RCPT, DATA, end of data
    quit_hold: float = 0.0  # before answering QUIT, after the email was accepted


class Mailbox:
    """The SMTP handler: accepts every email and notes its Message-ID, time and send number."""

    def __init__(self, clock: Clock, behaviour: SmtpBehaviour) -> None:
        self.clock = clock
        self.behaviour = behaviour
        self.received: list[Received] = []
        self.quits_held = 0  # sessions now waiting in QUIT (their email accepted)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.behaviour.step_delay)  # "end of data" answered late
        if server.transport is None or server.transport.is_closing():
            # The client gave up before the 250: it was never told the email was accepted.
            return "451 Client gone"
        message = message_from_bytes(envelope.content, policy=policy.default)
        text = " ".join(
            part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"
        )
        found = BODY_MARKER.search(text)
        with self.lock:
            self.received.append(
                Received(
                    message_id=str(message["Message-ID"]).strip(),
                    at=self.clock.now(),
                    number=int(found.group(1)) if found else None,
                )
            )
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope) -> str:
        if self.behaviour.quit_hold:
            with self.lock:
                self.quits_held += 1
            try:
                await asyncio.sleep(self.behaviour.quit_hold)
            finally:
                with self.lock:
                    self.quits_held -= 1
        return "221 Bye"

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)


class SlowSMTP(SMTP):
    """aiosmtpd's server, answering each step of the session after a delay."""

    delay = 0.0

    async def push(self, status) -> None:
        text = status.decode() if isinstance(status, bytes) else status
        # The greeting, and the DATA command's "354 go ahead"; the other steps below.
        if text.startswith(("220 ", "354 ")):
            await asyncio.sleep(self.delay)
        await super().push(status)

    async def smtp_EHLO(self, hostname: str) -> None:
        await asyncio.sleep(self.delay)
        await super().smtp_EHLO(hostname)

    async def smtp_HELO(self, hostname: str) -> None:
        await asyncio.sleep(self.delay)
        await super().smtp_HELO(hostname)

    async def smtp_MAIL(self, arg: str) -> None:
        await asyncio.sleep(self.delay)
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg: str) -> None:
        await asyncio.sleep(self.delay)
        await super().smtp_RCPT(arg)

    async def smtp_QUIT(self, arg: str) -> None:
        await asyncio.sleep(self.delay)
        await super().smtp_QUIT(arg)


class SmtpServer(Controller):
    """Set the mailbox's behaviour after ``start()``: the start check expects a prompt greeting."""

    def __init__(self, mailbox: Mailbox, port: int) -> None:
        super().__init__(mailbox, hostname="127.0.0.1", port=port, ready_timeout=10)
        self.mailbox = mailbox

    def factory(self) -> SMTP:
        server = SlowSMTP(self.handler, hostname="chaos.smtp", timeout=600)
        server.delay = self.mailbox.behaviour.step_delay
        return server


# --- HTTP users ---------------------------------------------------------------------------


@dataclass
class RequestRecord:
    at: float
    seconds: float
    endpoint: str  # e.g. "POST /messages/<id>/"
    status: int | None  # None: no answer (timeout, connection refused or reset)
    error: str = ""


@dataclass
class SendRecord:
    number: int
    via: str  # "form" or "api"
    ok: bool  # answered 2xx/3xx as a success
    status: int | None
    error: str = ""
    at: float = 0.0


@dataclass
class Recorder:
    clock: Clock
    requests: list[RequestRecord] = field(default_factory=list)
    sends: list[SendRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, record: RequestRecord) -> None:
        with self.lock:
            self.requests.append(record)

    def send(self, record: SendRecord) -> None:
        with self.lock:
            self.sends.append(record)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SEND_TOKEN = re.compile(r'name="send_token" value="([^"]+)"')


class User:
    """One person's client: a browser with a session (buyers) or an API token (sellers)."""

    TIMEOUT = 30

    def __init__(self, base_url: str, recorder: Recorder, *, token: str | None = None) -> None:
        self.base_url = base_url
        self.recorder = recorder
        self.http = requests.Session()
        origin = "https://" + base_url.split("://", 1)[1]
        # What the TLS-terminating proxy and a browser add to every request.
        self.http.headers.update(
            {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}
        )
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, endpoint: str, **kwargs) -> requests.Response | None:
        started = time.monotonic()
        at = self.recorder.clock.now()
        try:
            response = self.http.request(
                method,
                self.base_url + path,
                timeout=self.TIMEOUT,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as error:
            self.recorder.request(
                RequestRecord(at, time.monotonic() - started, endpoint, None, repr(error)[:200])
            )
            return None
        self.recorder.request(
            RequestRecord(at, time.monotonic() - started, endpoint, response.status_code)
        )
        # The cookies are Secure; the proxy in front of the app would speak HTTPS to the
        # browser, so they go back with the next request all the same.
        for cookie in self.http.cookies:
            cookie.secure = False
        return response

    def log_in(self, email: str, password: str) -> None:
        page = self.call("GET", "/accounts/login/", "GET /accounts/login/")
        if page is None or page.status_code != 200:
            raise RuntimeError(f"login page: {page and page.status_code}")
        csrf = _CSRF.search(page.text)
        assert csrf is not None
        data = {"csrfmiddlewaretoken": csrf.group(1), "username": email, "password": password}
        done = self.call("POST", "/accounts/login/", "POST /accounts/login/", data=data)
        if done is None or done.status_code != 302:
            raise RuntimeError(f"login of {email}: {done and done.status_code}")

    def send_by_form(self, thread_id: int, number: int, body: str) -> SendRecord:
        """Open the conversation page and submit its reply form, as a browser does."""
        at = self.recorder.clock.now()
        path = f"/messages/{thread_id}/"
        page = self.call("GET", path, "GET /messages/<id>/")
        if page is None or page.status_code != 200:
            status = page.status_code if page is not None else None
            return SendRecord(number, "form", False, status, "reply page not shown", at)
        csrf, token = _CSRF.search(page.text), _SEND_TOKEN.search(page.text)
        if csrf is None or token is None:
            return SendRecord(number, "form", False, 200, "no reply form on the page", at)
        data = {"csrfmiddlewaretoken": csrf.group(1), "send_token": token.group(1), "body": body}
        sent = self.call("POST", path, "POST /messages/<id>/", data=data)
        if sent is None:
            return SendRecord(number, "form", False, None, "no answer", at)
        ok = sent.status_code == 302 and "#latest" in sent.headers.get("Location", "")
        return SendRecord(number, "form", ok, sent.status_code, "" if ok else sent.text[:200], at)

    def send_by_api(self, thread_id: int, number: int, body: str) -> SendRecord:
        """POST to the API with a token and an Idempotency-Key, as an integration does."""
        at = self.recorder.clock.now()
        sent = self.call(
            "POST",
            f"/api/v1/threads/{thread_id}/messages",
            "POST /api/v1/threads/<id>/messages",
            json={"body": body},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        if sent is None:
            return SendRecord(number, "api", False, None, "no answer", at)
        ok = sent.status_code == 201
        return SendRecord(number, "api", ok, sent.status_code, "" if ok else sent.text[:200], at)
