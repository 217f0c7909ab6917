"""Time the pages and services of one seeded database and print the figures as JSON.

Run by bench/scale_bench.py with DATABASE_URL pointing at a database seeded by
`manage.py seed_bench` and DJANGO_SETTINGS_MODULE=bench.settings. `--status` prints only what
the database was seeded with (or null).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from core.pagination import encode_cursor  # noqa: E402
from messaging.management.commands.seed_bench import marker_read, search_words  # noqa: E402
from messaging.models import Message, Participant, Thread  # noqa: E402
from messaging.search import selectors as search  # noqa: E402
from messaging.threads import selectors, services  # noqa: E402

WARMUP = 20
MIN_ROUNDS = 60
SLOW_ROUNDS = 15
MAX_ROUNDS = 400
BUDGET_SECONDS = 3.0
DEEP_POSITION = 5_000


def timed(
    function: Callable[[], object], *, budget: float = BUDGET_SECONDS, paired: bool = True
) -> dict[str, float]:
    """Median and p99 in milliseconds over as many rounds as fit the budget, after warm-up.

    Each round also times the floor view, before the operation in one round and after it in
    the next, so both are measured in the same moments: "floor" is the floor's median over
    those rounds and "ratio" the operation's median over it. On a machine whose speed swings
    from one second to the next, that ratio holds still where either median alone does not.
    """
    floor = FLOOR if paired else None
    started = time.perf_counter()
    for _ in range(WARMUP):
        function()
        if floor is not None:
            floor()
        if time.perf_counter() - started > budget:
            break
    samples: list[float] = []
    floor_samples: list[float] = []
    started = time.perf_counter()
    # At least MIN_ROUNDS, or SLOW_ROUNDS for an operation slower than the whole budget allows.
    while len(samples) < MAX_ROUNDS and (
        len(samples) < SLOW_ROUNDS
        or time.perf_counter() - started < budget
        or (len(samples) < MIN_ROUNDS and time.perf_counter() - started < 4 * budget)
    ):
        if floor is not None and len(samples) % 2:
            floor_samples.append(_once(floor))
        samples.append(_once(function))
        if floor is not None and not len(samples) % 2:
            floor_samples.append(_once(floor))
    result = {**_summary(samples), "rounds": len(samples)}
    if floor_samples:
        result["floor"] = statistics.median(floor_samples)
        result["ratio"] = result["median"] / result["floor"]
    return result


def _once(function: Callable[[], object]) -> float:
    begin = time.perf_counter()
    function()
    return (time.perf_counter() - begin) * 1000


def _summary(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return {"median": statistics.median(samples), "p99": p99}


def query_count(function: Callable[[], object]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def page_getter(client: Client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    return get


def page_result(client: Client, url: str, *, paired: bool = True) -> dict[str, Any]:
    get = page_getter(client, url)
    queries, _ = query_count(get)
    return {**timed(get, paired=paired), "queries": queries, "url": url}


def raw_sql_result(select: Callable[[], object]) -> dict[str, Any]:
    """Time the SQL the selector runs for its page (every statement), sent as-is via a cursor."""
    _, statements = query_count(select)

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return {**timed(run), "queries": len(statements), "sql": statements}


def logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_for(user: User) -> str:
    """Create a database session for the user, as a login would; return its key."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    assert store.session_key is not None
    return store.session_key


def deep_cursor(user: User, position: int) -> str:
    """The cursor of the "all" folder page that starts after ``position`` threads."""
    row = (
        Participant.objects.for_user(user)
        .order_by("-last_message_at", "-id")
        .values_list("last_message_at", "id")[position - 1]
    )
    return encode_cursor(*row)


def search_page(seller: User, word: str, *, full_text: bool) -> list[Participant]:
    """The first page of the seller's "all" folder searched for ``word``, as the inbox runs it.

    ``full_text=False`` is the same search without the index: the substring match (ILIKE)
    over the seller's threads and visible messages.
    """
    filters = search.ThreadFilters(text=word)
    if full_text:
        return selectors.thread_list_for_user(user=seller, folder="all", filters=filters).items
    rows = Participant.objects.for_user(seller).in_folder("all")
    rows = search.threads_filter(rows, user=seller, filters=filters, full_text=False)
    items = list(rows.order_by("-last_message_at", "-id")[: selectors.PAGE_SIZE + 1])
    selectors.threads_attach(items)
    return items


def plan_of(select: Callable[[], object]) -> tuple[str, float]:
    """The plans of the statements ``select`` runs, and their execution time without planning."""
    _, statements = query_count(select)
    lines: list[str] = []
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + statement)
            lines += [row[0] for row in cursor.fetchall()]
    execution = sum(float(line.split()[2]) for line in lines if line.startswith("Execution Time"))
    return "\n".join(lines), execution


@contextmanager
def parallel_scans() -> Iterator[None]:
    """Let PostgreSQL plan parallel workers (its own default, 2), as the baseline's best case.

    The app's connections turn them off: its queries are short index reads.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 2")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")


def search_results(seller: User) -> dict[str, Any]:
    out: dict[str, Any] = {"words": {}}
    for label, word in search_words().items():
        fts_plan, fts_execution = plan_of(lambda w=word: search_page(seller, w, full_text=True))
        with parallel_scans():
            _, ilike_execution = plan_of(lambda w=word: search_page(seller, w, full_text=False))
            ilike = timed(lambda w=word: search_page(seller, w, full_text=False), budget=2.0)
        out["words"][label] = {
            "word": word,
            "matches": selectors.thread_match_count(
                user=seller, folder="all", filters=search.ThreadFilters(text=word)
            ),
            "fts": {
                **timed(lambda w=word: search_page(seller, w, full_text=True), budget=2.0),
                "execution": fts_execution,
            },
            "ilike": {**ilike, "execution": ilike_execution},
            "seq_scan_on_messages": "Seq Scan on messaging_message" in fts_plan,
            "plan": fts_plan,
        }
    out["seller_threads"] = Participant.objects.for_user(seller).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM messaging_message m JOIN messaging_thread t "
            "ON t.id = m.thread_id WHERE t.seller_id = %s",
            [seller.pk],
        )
        out["seller_messages"] = cursor.fetchone()[0]
    return out


def send_results() -> dict[str, Any]:
    """Time message_send (policy, insert, outbox, on-commit) against a bare INSERT."""
    # Loaded as the reply views and the API load them (selectors.participant_get).
    threads = list(
        Thread.objects.exclude(seller_id=marker["heavy_seller_id"])
        .select_related("order", "product", "buyer", "seller__seller_profile", "last_message")
        .order_by("id")[:500]
    )
    body = "Hi, is there any update on the tracking for my order? Thanks a lot."
    position = {"next": 0}

    def send() -> None:
        thread = threads[position["next"] % len(threads)]
        position["next"] += 1
        message = services.message_send(thread=thread, sender=thread.buyer, body=body)
        if not message.is_delivered:
            raise RuntimeError("the benchmark message was blocked by the content policy")

    # The same row as one plain INSERT: every column, the ones not given at their defaults.
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    given = {"thread_id", "sender_id", "sender_role", "kind", "status", "body", "created_at"}
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.attname not in given
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = (
        f"INSERT INTO messaging_message ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )

    def insert() -> None:
        thread = threads[position["next"] % len(threads)]
        position["next"] += 1
        values = {
            **defaults,
            "thread_id": thread.pk,
            "sender_id": thread.buyer_id,
            "sender_role": "buyer",
            "kind": "message",
            "status": "delivered",
            "body": body,
            "created_at": timezone.now(),
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [values[f.attname] for f in fields])

    queries, _ = query_count(send)
    result = {"send": {**timed(send), "queries": queries}, "insert": timed(insert)}
    from messagecenter.celery import app

    app.control.purge()  # nobody consumes the bench broker's queue
    return result


def main() -> None:
    global marker
    status = marker_read()
    if "--status" in sys.argv:
        print(json.dumps(status))
        return
    if status is None:
        raise SystemExit("This database holds no bench seed; run seed_bench first.")
    marker = status
    heavy = User.objects.get(pk=marker["heavy_seller_id"])
    busy_buyer_id = (
        Participant.objects.filter(role="buyer")
        .values("user_id")
        .annotate(threads=Count("id"))
        .order_by("-threads", "user_id")
        .values_list("user_id", flat=True)
        .first()
    )
    buyer = User.objects.get(pk=busy_buyer_id)
    seller_client = logged_in_client(heavy)
    buyer_client = logged_in_client(buyer)
    heavy_threads = Participant.objects.for_user(heavy).count()
    position = min(DEEP_POSITION, max(1, heavy_threads - selectors.PAGE_SIZE))
    cursor = deep_cursor(heavy, position)
    now = datetime.now(UTC)
    results: dict[str, Any] = {
        "marker": marker,
        "heavy_threads": heavy_threads,
        "buyer_threads": Participant.objects.for_user(buyer).count(),
        "needs_response_threads": Participant.objects.for_user(heavy).needs_response().count(),
        "deep_position": position,
        "pages": {},
    }
    pages = results["pages"]
    global FLOOR
    FLOOR = page_getter(seller_client, "/bench/floor/")
    pages["floor view"] = page_result(seller_client, "/bench/floor/", paired=False)
    pages["seller inbox, needs response, page 1"] = page_result(seller_client, "/seller/")
    pages["seller inbox, all, page 1"] = page_result(seller_client, "/seller/?folder=all")
    pages["seller inbox, all, deep page"] = page_result(
        seller_client, f"/seller/?folder=all&cursor={cursor}"
    )
    pages["buyer inbox, page 1"] = page_result(buyer_client, "/messages/")
    bench_thread = marker["bench_thread_id"]
    pages["thread page (50 messages)"] = page_result(
        seller_client, f"/seller/messages/{bench_thread}/"
    )
    raw = results["raw_sql"] = {}
    raw["seller inbox, needs response, page 1"] = raw_sql_result(
        lambda: selectors.thread_list_for_user(user=heavy, folder="needs_response")
    )
    raw["seller inbox, all, page 1"] = raw_sql_result(
        lambda: selectors.thread_list_for_user(user=heavy, folder="all")
    )
    raw["seller inbox, all, deep page"] = raw_sql_result(
        lambda: selectors.thread_list_for_user(user=heavy, folder="all", cursor=cursor)
    )
    raw["buyer inbox, page 1"] = raw_sql_result(
        lambda: selectors.thread_list_for_user(user=buyer, folder="inbox")
    )
    results["unread count"] = {
        **timed(lambda: selectors.thread_unread_count(user=heavy)),
        "queries": 1,
    }
    results["folder counts"] = {
        **timed(lambda: selectors.thread_folder_counts(user=heavy)),
        "queries": 1,
    }
    try:
        from messaging.clock.selectors import response_metric_for_seller
    except ImportError:
        results["response metric"] = None
    else:
        results["response metric"] = {
            **timed(lambda: response_metric_for_seller(seller=heavy, now=now)),
            "queries": query_count(lambda: response_metric_for_seller(seller=heavy, now=now))[0],
        }
    results["send"] = send_results()
    results["search"] = search_results(heavy)
    results["sessions"] = {"seller": session_for(heavy), "buyer": session_for(buyer)}
    print(json.dumps(results, default=str))


marker: dict[str, Any] = {}
# The floor view, timed beside every operation (set in main).
FLOOR: Callable[[], object] | None = None

if __name__ == "__main__":
    main()
