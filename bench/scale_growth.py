"""Measure how one seeded database grows and how fast its primary takes sends; print JSON.

Run by bench/scale_bench.py beside scale_measure.py, with DATABASE_URL pointing at a database
seeded by `manage.py seed_bench` and DJANGO_SETTINGS_MODULE=bench.settings. It reports:

- sizes: every table of the app (rows, heap, indexes, TOAST) and each index, in bytes;
- plans: the scan nodes of the hot pages' statements under EXPLAIN (ANALYZE, BUFFERS): which
  index each reads, whether it is index-only and how many heap rows it still fetched;
- write rate: ``message_send`` (the whole send path: policy, insert, participants, clock,
  outbox, search document) from 1, 2 and 4 client processes at once, each on its own threads,
  with the CPU the clients and their PostgreSQL backends used (read from /proc: the server
  runs on this machine); and the bare INSERT of
  a message row from the same numbers of clients, which is what the database alone sustains.

`--writes` measures the write rate only (on a copy of the tier's database: the sends would
otherwise grow the seed); `--writer SECONDS START OFFSET MODE` is one of its client processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from messaging.management.commands.seed_bench import marker_read, search_words  # noqa: E402
from messaging.models import Message, Participant, Thread  # noqa: E402
from messaging.threads import selectors, services  # noqa: E402

CLIENTS = (1, 2, 4)
WRITE_SECONDS = float(os.environ.get("BENCH_WRITE_SECONDS", "8"))
THREADS_PER_CLIENT = 100
BODY = "Hi, is there any update on the tracking for my order? Thanks a lot."


# Sizes.


def sizes() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid),
                   pg_indexes_size(c.oid),
                   COALESCE(pg_total_relation_size(c.reltoastrelid), 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
            ORDER BY pg_total_relation_size(c.oid) DESC
            """
        )
        tables = {
            name: {"rows": max(rows, 0), "heap": heap, "indexes": indexes, "toast": toast}
            for name, rows, heap, indexes, toast in cursor.fetchall()
        }
        cursor.execute(
            """
            SELECT t.relname, i.relname, pg_relation_size(i.oid), x.indisunique,
                   pg_get_indexdef(i.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public'
            ORDER BY pg_relation_size(i.oid) DESC
            """
        )
        indexes = [
            {"table": table, "name": name, "bytes": size, "unique": unique, "definition": text}
            for table, name, size, unique, text in cursor.fetchall()
        ]
        cursor.execute("SELECT count(*) FROM messaging_message")
        messages = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
    return {"messages": messages, "database": database, "tables": tables, "indexes": indexes}


# Plans.


def _scans(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    kind = node.get("Node Type", "")
    if "Scan" in kind and "Relation Name" in node:
        yield {
            "node": kind,
            "relation": node["Relation Name"],
            "index": node.get("Index Name", ""),
            "rows": node.get("Actual Rows", 0) * node.get("Actual Loops", 1),
            "heap_fetches": node.get("Heap Fetches"),
        }
    for child in node.get("Plans", []):
        yield from _scans(child)


def plan(select: Callable[[], object]) -> dict[str, Any]:
    """Every statement the selector runs, explained: its scans and its execution time."""
    with CaptureQueriesContext(connection) as captured:
        select()
    statements = [q["sql"] for q in captured.captured_queries]
    scans: list[dict[str, Any]] = []
    execution = 0.0
    buffers = 0
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            explained = cursor.fetchone()[0]
            if isinstance(explained, str):
                explained = json.loads(explained)
            top = explained[0]
            execution += top["Execution Time"]
            buffers += top["Plan"].get("Shared Hit Blocks", 0) + top["Plan"].get(
                "Shared Read Blocks", 0
            )
            scans.extend(_scans(top["Plan"]))
    return {
        "statements": len(statements),
        "execution_ms": execution,
        "buffers": buffers,
        "scans": scans,
    }


def plans(marker: dict[str, Any]) -> dict[str, Any]:
    heavy = User.objects.get(pk=marker["heavy_seller_id"])
    buyer_id = (
        Participant.objects.filter(role="buyer", thread_id=marker["bench_thread_id"])
        .values_list("user_id", flat=True)
        .get()
    )
    buyer = User.objects.get(pk=buyer_id)
    bench_participant = Participant.objects.get(thread_id=marker["bench_thread_id"], user=heavy)
    from messaging.clock.selectors import response_metric_for_seller
    from messaging.search.selectors import ThreadFilters

    now = timezone.now()
    word = search_words()["rare"]
    operations: dict[str, Callable[[], object]] = {
        "seller inbox, needs response": lambda: selectors.thread_list_for_user(
            user=heavy, folder="needs_response"
        ),
        "seller inbox, all": lambda: selectors.thread_list_for_user(user=heavy, folder="all"),
        "buyer inbox": lambda: selectors.thread_list_for_user(user=buyer, folder="inbox"),
        "thread page messages": lambda: list(
            selectors.message_list_for_participant(participant=bench_participant)
        ),
        "unread count": lambda: selectors.thread_unread_count(user=heavy),
        "folder counts": lambda: selectors.thread_folder_counts(user=heavy),
        "response metric": lambda: response_metric_for_seller(seller=heavy, now=now),
        "search (rare word)": lambda: selectors.thread_list_for_user(
            user=heavy, folder="all", filters=ThreadFilters(text=word)
        ),
    }
    return {name: plan(operation) for name, operation in operations.items()}


# Write rate.


def _machine_busy() -> int:
    """Busy jiffies of the whole machine so far (/proc/stat), to share out the CPU."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle


def writer(seconds: float, start: float, offset: int, mode: str) -> None:
    """One client: send (or insert) in a loop on its own threads from `start` for `seconds`."""
    marker = marker_read()
    assert marker is not None
    threads = list(
        Thread.objects.exclude(seller_id=marker["heavy_seller_id"])
        .select_related("order", "product", "buyer", "seller__seller_profile", "last_message")
        .order_by("id")[offset : offset + THREADS_PER_CLIENT]
    )
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = (
        f"INSERT INTO messaging_message ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    given = {"thread_id", "sender_id", "sender_role", "kind", "status", "body", "created_at"}
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.attname not in given
    }

    def send(thread: Thread) -> None:
        message = services.message_send(thread=thread, sender=thread.buyer, body=BODY)
        if not message.is_delivered:
            raise RuntimeError("the benchmark message was blocked by the content policy")

    def insert(thread: Thread) -> None:
        values = {
            **defaults,
            "thread_id": thread.pk,
            "sender_id": thread.buyer_id,
            "sender_role": "buyer",
            "kind": "message",
            "status": "delivered",
            "body": BODY,
            "created_at": timezone.now(),
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [values[f.attname] for f in fields])

    operation = send if mode == "send" else insert
    for thread in threads[:3]:  # warm the connection and the caches
        operation(thread)
    while time.time() < start:
        time.sleep(0.005)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    done = 0
    cpu, db_cpu = time.process_time(), _process_cpu(backend)
    while time.time() < start + seconds:
        operation(threads[done % len(threads)])
        done += 1
    print(
        json.dumps(
            {
                "done": done,
                "cpu": time.process_time() - cpu,
                "db_cpu": _process_cpu(backend) - db_cpu,
            }
        )
    )


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process of this machine has used: its PostgreSQL backend."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_rate(mode: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for clients in CLIENTS:
        start = time.time() + 6.0  # time for every client to load Django and warm up
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--writer",
                    str(WRITE_SECONDS),
                    str(start),
                    str(index * THREADS_PER_CLIENT),
                    mode,
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for index in range(clients)
        ]
        while time.time() < start:
            time.sleep(0.01)
        busy_before = _machine_busy()
        load_before = os.getloadavg()[0]
        time.sleep(WRITE_SECONDS)
        busy_after = _machine_busy()
        done = 0
        client_cpu = db_cpu = 0.0
        for process in processes:
            out, _ = process.communicate(timeout=WRITE_SECONDS + 120)
            if process.returncode != 0:
                raise RuntimeError(f"a {mode} client failed")
            counted = json.loads(out.strip().splitlines()[-1])
            done += counted["done"]
            client_cpu += counted["cpu"]
            db_cpu += counted["db_cpu"]
        machine_busy = (busy_after - busy_before) / os.sysconf("SC_CLK_TCK")
        results[str(clients)] = {
            "done": done,
            "seconds": WRITE_SECONDS,
            "per_second": done / WRITE_SECONDS,
            "machine_busy_seconds": machine_busy,
            "client_cpu_seconds": client_cpu,
            "db_cpu_seconds": db_cpu,
            "load_before": load_before,
        }
    from messagecenter.celery import app

    app.control.purge()  # nobody consumes the bench broker's queue
    return results


def main() -> None:
    if sys.argv[1:2] == ["--writer"]:
        seconds, start, offset, mode = sys.argv[2:6]
        writer(float(seconds), float(start), int(offset), mode)
        return
    marker = marker_read()
    if marker is None:
        raise SystemExit("This database holds no bench seed; run seed_bench first.")
    if sys.argv[1:2] == ["--writes"]:
        # Run on a copy of the tier's database (bench/scale_bench.py makes it): the sends
        # stay out of the seed that the next run reuses.
        print(json.dumps({"send": write_rate("send"), "insert": write_rate("insert")}))
        return
    results = {
        "sizes": sizes(),
        "plans": plans(marker),
        "settings": settings_of_server(),
        "cores": os.cpu_count(),
    }
    print(json.dumps(results, default=str))


def settings_of_server() -> dict[str, str]:
    names = ["shared_buffers", "synchronous_commit", "fsync", "wal_level", "max_wal_size"]
    with connection.cursor() as cursor:
        values = {}
        for name in names:
            cursor.execute(f"SHOW {name}")
            values[name] = cursor.fetchone()[0]
    return values


if __name__ == "__main__":
    main()
