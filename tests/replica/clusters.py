"""A private PostgreSQL primary and a streaming replica of it, made on this machine for tests.

The primary is made with ``initdb`` (``wal_level=replica``, a ``replicator`` role allowed to
replicate in ``pg_hba.conf``), the replica with ``pg_basebackup -R`` from it; both listen on
free ports of 127.0.0.1 only (no Unix socket), with their data in a temporary folder of their
own, so parallel test workers each have theirs. PostgreSQL refuses to run as root: under root
the server programs run as the ``postgres`` system user, which owns the folder.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")

DATABASE = "message_center"

REPLICATION_ROLE = "replicator"


class ClusterError(RuntimeError):
    """The private clusters could not be made; the message says what to install or look at."""


def postgres_bindir() -> Path:
    """The folder holding initdb, pg_ctl, pg_basebackup and postgres of one PostgreSQL version.

    ``PG_BINDIR`` if set; else where ``initdb`` on the PATH points; else the newest
    ``/usr/lib/postgresql/<version>/bin`` (Debian and Ubuntu keep the server programs there).
    """
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(debian)
    for folder in candidates:
        if all((folder / program).is_file() for program in PROGRAMS):
            return folder
    raise ClusterError(
        "The read-replica tests start a private PostgreSQL primary and replica and need the "
        f"server programs {', '.join(PROGRAMS)} of one version; none found (looked in "
        f"{', '.join(map(str, candidates)) or 'PATH and /usr/lib/postgresql/*/bin'}). Install "
        "the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql) or set PG_BINDIR."
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    name: str
    data: Path
    port: int = 0

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.name}.log"

    def connect(self, dbname: str = DATABASE) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        )

    def scalar(self, sql: str, *params: object) -> object:
        with self.connect() as connection:
            row = connection.execute(sql, params).fetchone()  # type: ignore[arg-type]
        assert row is not None
        return row[0]

    def django_settings(self) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DATABASE,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "CONN_MAX_AGE": 0,
        }


class Programs:
    """The server programs, run as a user PostgreSQL accepts."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.run_as: dict[str, int] = {}
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterError(
                    "PostgreSQL cannot run as root and there is no 'postgres' system user to "
                    "run the private clusters as (it comes with the PostgreSQL server package)."
                ) from None
            self.run_as = {"user": account.pw_uid, "group": account.pw_gid}
            os.chown(folder, account.pw_uid, account.pw_gid)

    def run(self, program: str, *args: str, timeout: float = 60) -> str:
        result = subprocess.run(
            [str(self.bindir / program), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            extra_groups=[] if self.run_as else None,
            **self.run_as,  # type: ignore[arg-type]
        )
        if result.returncode != 0:
            raise ClusterError(
                f"{program} {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    def start(self, cluster: Cluster) -> None:
        """Start on a free port; another worker may take the port first, so try a few."""
        for _attempt in range(5):
            cluster.port = free_port()
            try:
                self.run(
                    "pg_ctl",
                    "start",
                    "--wait",
                    "--timeout=60",
                    f"--pgdata={cluster.data}",
                    f"--log={cluster.log}",
                    f"--options=-p {cluster.port}",
                )
            except ClusterError:
                log = cluster.log.read_text() if cluster.log.exists() else ""
                if "could not bind" in log or "Address already in use" in log:
                    continue
                raise ClusterError(f"{cluster.name} did not start:\n{log}") from None
            return
        raise ClusterError(f"{cluster.name}: no free port after 5 tries")

    def stop(self, cluster: Cluster) -> None:
        if (cluster.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "--mode=immediate", "--wait", f"--pgdata={cluster.data}")


PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 50
shared_buffers = 32MB
# Test data only: nothing here has to survive a crash.
fsync = off
full_page_writes = off
"""

# Only TCP on the loopback: the superuser for the tests, the replication role for the replica.
PRIMARY_HBA = f"""
host all postgres 127.0.0.1/32 trust
host replication {REPLICATION_ROLE} 127.0.0.1/32 trust
"""


@dataclass
class StreamingReplica:
    primary: Cluster
    replica: Cluster

    def pause(self) -> None:
        """Stop replaying WAL on the replica: it keeps receiving, and shows nothing new."""
        self.replica.scalar("SELECT pg_wal_replay_pause()")
        assert self.replica.scalar("SELECT pg_is_wal_replay_paused()") is True

    def resume(self) -> None:
        self.replica.scalar("SELECT pg_wal_replay_resume()")

    def catch_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        target = self.primary.scalar("SELECT pg_current_wal_flush_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.replica.scalar("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
            if time.monotonic() > deadline:
                raise ClusterError(f"the replica did not reach {target} in {timeout} s")
            time.sleep(0.02)


@contextmanager
def streaming_replica(
    prepare_primary: Callable[[Cluster], None] | None = None,
) -> Iterator[StreamingReplica]:
    """Make a primary and its streaming replica; ``prepare_primary(primary)`` runs before the copy.

    Both are stopped and their folder removed afterwards.
    """
    bindir = postgres_bindir()
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
    folder = Path(tempfile.mkdtemp(prefix=f"mc-replica-{worker}-"))
    programs = Programs(bindir, folder)
    primary = Cluster("primary", folder / "primary")
    replica = Cluster("replica", folder / "replica")
    started: list[Cluster] = []
    try:
        programs.run(
            "initdb",
            f"--pgdata={primary.data}",
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write(PRIMARY_CONF)
        (primary.data / "pg_hba.conf").write_text(PRIMARY_HBA)
        programs.start(primary)
        started.append(primary)
        with primary.connect("postgres") as connection:
            connection.execute(f"CREATE ROLE {REPLICATION_ROLE} WITH REPLICATION LOGIN")
            connection.execute(f"CREATE DATABASE {DATABASE}")
        if prepare_primary is not None:
            prepare_primary(primary)
        # -R writes standby.signal and primary_conninfo (this host, port and role).
        programs.run(
            "pg_basebackup",
            "--host=127.0.0.1",
            f"--port={primary.port}",
            f"--username={REPLICATION_ROLE}",
            f"--pgdata={replica.data}",
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        programs.start(replica)
        started.append(replica)
        pair = StreamingReplica(primary=primary, replica=replica)
        deadline = time.monotonic() + 30
        while (
            primary.scalar("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
            != 1
        ):
            if time.monotonic() > deadline:
                raise ClusterError(
                    "the replica did not start streaming:\n" + replica.log.read_text()
                )
            time.sleep(0.05)
        yield pair
    finally:
        for cluster in reversed(started):
            programs.stop(cluster)
        shutil.rmtree(folder, ignore_errors=True)
