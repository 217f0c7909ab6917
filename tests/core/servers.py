"""Servers of a test's own, on free loopback ports: Redis, PostgreSQL, PgBouncer, the app.

The shared PostgreSQL and Redis are never stopped: a test that stops or freezes a server starts
its own here. Every process is ended by its id when the test is done.
"""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

from tests.notifications.live import ROOT, free_port
from tests.replica.clusters import postgres_bindir


def find_tool(name: str) -> str | None:
    """The full path of a program, also where Debian puts daemons (pgbouncer: /usr/sbin)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")


def tool(name: str) -> str:
    """The full path of a program this machine needs for the operations tests."""
    path = find_tool(name)
    assert path is not None, f"{name} is not installed (.ci/run installs it)"
    return path


def _wait(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not come up within {timeout}s")


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)  # a frozen process cannot stop
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def private_dir(prefix: str) -> Path:
    """A directory the postgres user can read too (pytest's tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(tool("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self.answers, "redis-server")

    def answers(self) -> bool:
        result = subprocess.run(
            [tool("redis-cli"), "-p", str(self.port), "ping"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        assert self.process is not None
        _end(self.process)

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)


class PostgresServer:
    """A throwaway cluster (initdb) run by the postgres user, trust auth, on a free port."""

    def __init__(self) -> None:
        self.folder = private_dir("mc-ops-pg-")
        owner = pwd.getpwnam("postgres")
        os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data, self.port = self.folder / "data", free_port()
        subprocess.run(
            [
                str(postgres_bindir() / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
            user="postgres",
            capture_output=True,
            check=True,
            timeout=120,
        )
        self.start()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [str(postgres_bindir() / "pg_ctl"), "-D", str(self.data), "-w", *args],
            user="postgres",
            capture_output=True,
            check=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.folder / "server.log"), "start")

    def stop(self) -> None:
        self._ctl("-m", "immediate", "stop")

    @property
    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def freeze(self) -> None:
        os.kill(self.postmaster_pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.postmaster_pid, signal.SIGCONT)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.thaw()
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PgBouncer:
    """PgBouncer in transaction pooling in front of the shared PostgreSQL (trust auth)."""

    def __init__(self, *, pool_size: int = 2) -> None:
        self.folder, self.port = private_dir("mc-ops-pgbouncer-"), free_port()
        (self.folder / "users.txt").write_text('"postgres" ""\n')
        (self.folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            "* = host=127.0.0.1 port=5432\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.folder / 'users.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {pool_size}\n"
            "ignore_startup_parameters = extra_float_digits\n"
        )
        for name in ("users.txt", "pgbouncer.ini"):
            (self.folder / name).chmod(0o644)
        self.log = (self.folder / "pgbouncer.log").open("ab")
        # PgBouncer refuses to run as root.
        self.process = subprocess.Popen(
            [tool("pgbouncer"), "-u", "postgres", str(self.folder / "pgbouncer.ini")],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        _wait(lambda: b"listening on" in (self.folder / "pgbouncer.log").read_bytes(), "pgbouncer")

    def database_url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        _end(self.process)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def app_env(**extra: str) -> dict[str, str]:
    """The environment of a process of the app, for the test database unless told otherwise."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "PROMETHEUS_", "METRICS_"))
    }
    db = connection.settings_dict
    return {
        **env,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        **extra,
    }


class AppProcess:
    """gunicorn, a Celery worker or beat, with its output in a log file."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        _end(self.process)
        self._log.close()


def gunicorn(*, port: int, env: dict[str, str], log: Path, workers: int = 2) -> AppProcess:
    process = AppProcess(
        [
            *(sys.executable, "-m", "gunicorn", "messagecenter.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"),
        ],
        env=env,
        log=log,
    )

    def answers() -> bool:
        if process.process.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + process.log_text()[-3000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            return False

    _wait(answers, "gunicorn", timeout=60)
    return process


def celery_worker(*, node: str, env: dict[str, str], log: Path) -> AppProcess:
    process = AppProcess(
        [
            *(sys.executable, "-m", "celery", "-A", "messagecenter", "worker", "-n", node),
            *("--pool=prefork", "--concurrency=1", "--without-gossip", "--without-mingle"),
        ],
        env=env,
        log=log,
    )

    def ready() -> bool:
        if process.process.poll() is not None:
            raise AssertionError("the worker exited:\n" + process.log_text()[-3000:])
        return "ready." in process.log_text()

    _wait(ready, "the Celery worker", timeout=60)
    return process


def http_get(
    url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None, timeout=10
):
    """(status, headers, body) of a GET (a POST with ``data``), whatever the status."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
