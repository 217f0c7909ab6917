import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"SECRET_KEY": "k" * 20 + "-Zq8#vT2!pL0@x" * 4, "ALLOWED_HOSTS": "shop.example"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_unless_debug():
    result = run_manage("check", env={"DEBUG": "0"})

    assert result.returncode == 1
    assert "SECRET_KEY is required unless DEBUG is on." in result.stderr


SHOW_REDIS = (
    "from django.conf import settings; "
    "print(settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL)"
)


def test_the_cache_uses_a_redis_of_its_own_when_one_is_named(monkeypatch):
    monkeypatch.delenv("CACHE_REDIS_URL", raising=False)
    broker = "redis://broker.internal:6379/0"
    cache = "redis://cache.internal:6379/0"

    shared = run_manage("shell", "-c", SHOW_REDIS, env={"DEBUG": "1", "REDIS_URL": broker})
    own = run_manage(
        "shell", "-c", SHOW_REDIS, env={"DEBUG": "1", "REDIS_URL": broker, "CACHE_REDIS_URL": cache}
    )

    assert shared.stdout.splitlines()[-1].split() == [broker, broker], shared.stderr
    assert own.stdout.splitlines()[-1].split() == [cache, broker], own.stderr


SHOW_SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


def test_site_url_follows_the_port_unless_set(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)

    on_port = run_manage("shell", "-c", SHOW_SITE_URL, env={"DEBUG": "1", "PORT": "8101"})
    chosen = run_manage(
        "shell",
        "-c",
        SHOW_SITE_URL,
        env={"DEBUG": "1", "PORT": "8101", "SITE_URL": "https://shop.example"},
    )
    default = run_manage("shell", "-c", SHOW_SITE_URL, env={"DEBUG": "1"})

    assert on_port.returncode == 0, on_port.stderr
    assert on_port.stdout.splitlines()[-1] == "http://127.0.0.1:8101"
    assert chosen.stdout.splitlines()[-1] == "https://shop.example"
    assert default.stdout.splitlines()[-1] == "http://127.0.0.1:8000"


def make_run_command(env: dict[str, str]) -> str:
    """The line `make run PORT=8101` starts the processes with (printed, not run)."""
    # Run from another make (as CI does), make prints directory lines around the commands;
    # MAKEFLAGS and MAKELEVEL from a calling make are not this call's.
    env = {k: v for k, v in env.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8101"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    [line] = [line for line in result.stdout.splitlines() if "honcho start" in line]
    return line


def test_make_run_passes_its_port_to_every_process_as_site_url():
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"}

    assert make_run_command(clean).startswith(
        "PORT=8101 SITE_URL='http://127.0.0.1:8101' .venv/bin/honcho start"
    )
    assert "SITE_URL='https://shop.example'" in make_run_command(
        {**clean, "SITE_URL": "https://shop.example"}
    )
