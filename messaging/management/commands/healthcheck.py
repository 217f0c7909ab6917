"""Tell a container's healthcheck whether its service works: exit 0 if it does, 1 if not.

One JSON line says what was checked. Every service but the web checks what /readyz checks
(``core.probes``), in its own process, plus a sign of its own life:

- ``web``: GET ``/readyz`` on the local server (200, or the 503 naming what failed);
- ``worker``: a Celery ping answered by this host's worker node (``celery inspect ping``);
- ``beat``: the heartbeat file beat touches on every turn of its loop is recent;
- ``inbound-smtp``: the listener greets and answers NOOP on its port.
"""

import json
import smtplib
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from core.probes import ERROR, OK, TIMEOUT, checks_configured, readiness_check


class Command(BaseCommand):
    help = "Check that this container's service works (exit 1 if not); prints one JSON line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("service", choices=["web", "worker", "beat", "inbound-smtp"])
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/readyz", help="web: the /readyz to call."
        )
        parser.add_argument(
            "--node", default="", help="worker: the node to ping (default celery@<hostname>)."
        )
        parser.add_argument(
            "--max-age", type=float, default=120.0, help="beat: oldest heartbeat accepted (s)."
        )
        parser.add_argument("--port", type=int, default=None, help="inbound-smtp: its port.")
        parser.add_argument("--timeout", type=float, default=5.0, help="for each probe (s).")

    def handle(self, *args: Any, **options: Any) -> None:
        service, timeout = options["service"], options["timeout"]
        if service == "web":
            checks = _web(options["url"], timeout)
        else:
            # Beat only publishes: the broker is all it needs.
            names = ("broker",) if service == "beat" else checks_configured()
            checks = dict(readiness_check(names=names).checks)
            if service == "worker":
                checks["celery_ping"] = _celery_ping(options["node"], timeout)
            elif service == "beat":
                checks["heartbeat"] = _heartbeat(options["max_age"])
            else:
                checks["smtp"] = _smtp(options["port"] or settings.INBOUND_SMTP_PORT, timeout)
        failed = [name for name, state in checks.items() if state in (ERROR, TIMEOUT)]
        report = {"service": service, "status": "unavailable" if failed else "ok"}
        self.stdout.write(json.dumps({**report, "checks": checks, "failed": failed}))
        if failed:
            raise CommandError(f"{service} unhealthy: {', '.join(failed)}")


def _web(url: str, timeout: float) -> dict[str, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our URL)
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
    except OSError:
        return {"readyz": ERROR}
    try:
        checks: dict[str, str] = json.loads(body)["checks"]
    except (ValueError, KeyError, TypeError):
        return {"readyz": ERROR}
    return checks


def _celery_ping(node: str, timeout: float) -> str:
    node = node or f"celery@{socket.gethostname()}"
    try:
        replies = current_app.control.ping(destination=[node], timeout=timeout)
    except (OSError, KombuError, RedisError):
        return ERROR
    return OK if any(node in reply for reply in replies) else TIMEOUT


def _heartbeat(max_age: float) -> str:
    try:
        age = time.time() - Path(settings.BEAT_HEARTBEAT_FILE).stat().st_mtime
    except OSError:
        return ERROR
    return OK if age <= max_age else TIMEOUT


def _smtp(port: int, timeout: float) -> str:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=timeout) as client:
            code, _ = client.noop()
    except (OSError, smtplib.SMTPException):
        return ERROR
    return OK if code == 250 else ERROR
