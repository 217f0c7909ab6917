"""`manage.py healthcheck <service>`: what each container's healthcheck runs (exit 1 if unwell)."""

import io
import json
import os
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command

from messaging.relay.smtp import inbound_smtp_controller
from tests.core.conftest import ready_checks
from tests.core.servers import ROOT, AppProcess, app_env, free_port

pytestmark = pytest.mark.django_db


def healthcheck(*args: str) -> tuple[dict, bool]:
    """The JSON line the command prints, and whether it said the service is well."""
    out = io.StringIO()
    try:
        call_command("healthcheck", *args, stdout=out)
        well = True
    except CommandError:
        well = False
    return json.loads(out.getvalue()), well


def test_the_smtp_listener_is_well_while_it_answers():
    controller = inbound_smtp_controller(host="127.0.0.1", port=free_port())
    controller.start()
    try:
        answering = healthcheck("inbound-smtp", "--port", str(controller.port))
    finally:
        controller.stop()
    stopped = healthcheck("inbound-smtp", "--port", str(controller.port))

    assert answering == (
        {
            "service": "inbound-smtp",
            "status": "ok",
            "checks": {**ready_checks(), "smtp": "ok"},
            "failed": [],
        },
        True,
    )
    assert stopped == (
        {
            "service": "inbound-smtp",
            "status": "unavailable",
            "checks": {**ready_checks(), "smtp": "error"},
            "failed": ["smtp"],
        },
        False,
    )


def test_beat_is_well_while_its_heartbeat_is_recent(settings, tmp_path):
    settings.BEAT_HEARTBEAT_FILE = str(tmp_path / "heartbeat")

    missing = healthcheck("beat")
    (tmp_path / "heartbeat").touch()
    fresh = healthcheck("beat", "--max-age", "60")
    old = time.time() - 61
    os.utime(tmp_path / "heartbeat", (old, old))
    stale = healthcheck("beat", "--max-age", "60")

    def report(heartbeat: str) -> dict:
        failed = [] if heartbeat == "ok" else ["heartbeat"]
        return {
            "service": "beat",
            "status": "ok" if heartbeat == "ok" else "unavailable",
            "checks": {"broker": "ok", "heartbeat": heartbeat},
            "failed": failed,
        }

    assert missing == (report("error"), False)
    assert fresh == (report("ok"), True)
    assert stale == (report("timeout"), False)


@pytest.mark.services
def test_a_running_beat_keeps_its_heartbeat_fresh(settings, tmp_path, redis_server):
    broker = redis_server
    heartbeat = tmp_path / "heartbeat"
    env = app_env(REDIS_URL=broker.url, BEAT_HEARTBEAT_FILE=str(heartbeat))
    beat = AppProcess(
        [sys.executable, "-m", "celery", "-A", "messagecenter", "beat", "-s", tmp_path / "sched"],
        env=env,
        log=tmp_path / "beat.log",
    )
    try:
        deadline = time.monotonic() + 30
        while not heartbeat.exists():
            assert time.monotonic() < deadline, beat.log_text()[-3000:]
            time.sleep(0.1)
        settings.BEAT_HEARTBEAT_FILE = str(heartbeat)
        settings.CELERY_BROKER_URL = broker.url
        result = subprocess.run(
            [sys.executable, "manage.py", "healthcheck", "beat"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        beat.stop()

    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == {
        "service": "beat",
        "status": "ok",
        "checks": {"broker": "ok", "heartbeat": "ok"},
        "failed": [],
    }
    # Beat's own log is JSON lines too.
    lines = [json.loads(line) for line in beat.log_text().splitlines() if line.startswith("{")]
    assert lines and all({"level", "logger", "message", "timestamp"} <= set(line) for line in lines)
