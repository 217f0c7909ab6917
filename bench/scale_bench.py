"""Benchmark the message center at marketplace scale on PostgreSQL; print a markdown fragment.

For each tier (env BENCH_TIERS, default "S,L"; S, L or XL, and S always, as the reference for
flatness) it uses the database bench_<tier>, seeding it
with `manage.py seed_bench` unless it already holds the same seed, then times every page and
service next to its baseline (bench/scale_measure.py), serves the app with gunicorn (2
processes, loopback; the worker class and threads of gunicorn.conf.py) and loads it with wrk.
Progress goes to stderr.

Env: BENCH_PG (default postgres://postgres@127.0.0.1:5432), BENCH_REDIS
(default redis://127.0.0.1:6379/9), BENCH_WRK_SECONDS (default 10).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
SETTINGS = os.environ.get("BENCH_SETTINGS", "bench.settings")
TIER_MESSAGES = {"S": 10_000, "L": 1_000_000, "XL": 10_000_000}
SEED_COMMAND = ROOT / "messaging" / "management" / "commands" / "seed_bench.py"
PAGES = [
    "seller inbox, needs response, page 1",
    "seller inbox, all, page 1",
    "seller inbox, all, deep page",
    "buyer inbox, page 1",
    "thread page (50 messages)",
]
FLAT = 1.2
# Each page's and the send's multiple of the floor view, at most (the seller's pages: 2.5).
PAGE_LIMITS = {"buyer inbox, page 1": 2.0, "thread page (50 messages)": 3.0}
SEND_LIMIT = 3.0


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def env_for(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": "bench",
        # The benchmark sends hundreds of messages a second from a few accounts.
        "MESSAGE_SEND_RATE": "1000000/60",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def database_sql(database: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        connection.execute(statement)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def manage(database: str, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env_for(database),
        check=True,
        stdout=sys.stderr,
    )


def seed_status(database: str) -> dict[str, Any] | None:
    result = subprocess.run(
        [PYTHON, "bench/scale_measure.py", "--status"],
        cwd=ROOT,
        env=env_for(database),
        check=True,
        capture_output=True,
        text=True,
    )
    status: dict[str, Any] | None = json.loads(result.stdout.strip().splitlines()[-1])
    return status


def seed_version() -> int:
    """The generator's version, read from its source (this process does not load Django)."""
    found = re.search(r"^SEED_VERSION = (\d+)$", SEED_COMMAND.read_text(), re.MULTILINE)
    assert found, "seed_bench.py defines SEED_VERSION"
    return int(found.group(1))


def prepare(tier: str) -> tuple[str, bool]:
    """Make bench_<tier> hold the tier's seed; return its name and whether it was reused."""
    database = f"bench_{tier.lower()}"
    if database_exists(database):
        try:
            manage(database, "migrate", "--noinput", "-v0")
        except subprocess.CalledProcessError:
            log(f"{database}: its migrations no longer apply; recreating it")
            admin_sql(f'DROP DATABASE "{database}"')
            return create_and_seed(database, tier), False
        status = seed_status(database)
        wanted = (seed_version(), tier, TIER_MESSAGES[tier])
        if status and (status["version"], status["tier"], status["messages"]) == wanted:
            log(f"{database}: reusing the tier {tier} seed of {status['seeded_at']}")
            # A migration may have rewritten rows (search documents, say): settle the database
            # as autovacuum would before timing it. Quick when nothing changed.
            database_sql(database, "VACUUM (ANALYZE)")
            return database, True
        log(f"{database}: holds another seed ({status}); recreating it")
        admin_sql(f'DROP DATABASE "{database}"')
    return create_and_seed(database, tier), False


def create_and_seed(database: str, tier: str) -> str:
    admin_sql(f'CREATE DATABASE "{database}"')
    manage(database, "migrate", "--noinput", "-v0")
    log(f"{database}: seeding tier {tier}")
    subprocess.run(
        [PYTHON, "manage.py", "seed_bench", "--tier", tier],
        cwd=ROOT,
        env=env_for(database),
        check=True,
        stdout=sys.stderr,
    )
    return database


def measure(database: str, script: str = "bench/scale_measure.py", *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, script, *args],
        cwd=ROOT,
        env=env_for(database),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def check_page(url: str, session: str) -> None:
    """Fail unless the page answers 200 to this session (wrk counts redirects as success)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    connection.request("GET", parts.path, headers={"Cookie": f"sessionid={session}"})
    status = connection.getresponse().status
    connection.close()
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}, not 200: is the session valid?")


def wrk_rps(url: str, session: str, seconds: int = WRK_SECONDS) -> float | None:
    check_page(url, session)
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "-H",
            f"Cookie: sessionid={session}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if non_2xx:
        raise RuntimeError(f"wrk saw {non_2xx.group(1)} failed responses from {url}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    return float(found.group(1)) if found else None


def http(database: str, sessions: dict[str, str]) -> dict[str, float | None] | str:
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install -y wrk): HTTP load skipped"
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "messagecenter.wsgi:application",
        ],
        cwd=ROOT,
        env=env_for(database),
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        # Warm both workers' connections and caches before measuring.
        wrk_rps(f"{base}/bench/floor/", sessions["seller"], 2)
        targets = {
            "floor": (f"{base}/bench/floor/", sessions["seller"]),
            "seller inbox": (f"{base}/seller/", sessions["seller"]),
            "buyer inbox": (f"{base}/messages/", sessions["buyer"]),
        }
        # Two rounds of half the time each, the floor in both, so the machine's slower
        # moments fall on every page alike.
        half = max(1, WRK_SECONDS // 2)
        measured: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(2):
            for name, (url, session) in targets.items():
                rps = wrk_rps(url, session, half)
                if rps is not None:
                    measured[name].append(rps)
        return {
            name: (sum(values) / len(values) if values else None)
            for name, values in measured.items()
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# Report.


def verdict(ok: bool) -> str:
    return "pass" if ok else "**MISSED**"


def ms(value: float) -> str:
    return f"{value:.2f}"


def tier_report(tier: str, data: dict[str, Any], reused: bool) -> list[str]:
    marker = data["marker"]
    origin = "reused" if reused else f"seeded in this run in {marker['seconds']} s"
    out = [
        f"### Tier {tier}: {marker['messages']:,} messages ({origin})",
        "",
        f"Heavy seller: {data['heavy_threads']:,} threads "
        f"({data['needs_response_threads']:,} needing a response); busy buyer: "
        f"{data['buyer_threads']} threads; deep page starts after "
        f"{data['deep_position']:,} threads.",
        "",
        "| operation | median ms | p99 ms | rounds | queries | floor in the same rounds, "
        "median ms | × floor | raw SQL of the page, median ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, timing: dict[str, Any], queries: object, raw: str = "") -> str:
        paired = f"{ms(timing['floor'])} | {timing['ratio']:.2f}×" if "ratio" in timing else "– | –"
        return (
            f"| {name} | {ms(timing['median'])} | {ms(timing['p99'])} | {timing['rounds']} | "
            f"{queries} | {paired} | {raw} |"
        )

    for name in ["floor view", *PAGES]:
        page = data["pages"][name]
        raw = data["raw_sql"].get(name)
        out.append(row(name, page, page["queries"], ms(raw["median"]) if raw else "–"))
    for name in ["unread count", "folder counts", "response metric"]:
        timing = data[name]
        if timing is None:
            out.append(f"| {name} | skipped: no metric_for_seller in response_clock | | | | | | |")
        else:
            out.append(row(name, timing, timing["queries"]))
    send = data["send"]
    out.append(row("send a message (message_send)", send["send"], send["send"]["queries"]))
    out.append(row("bare INSERT of a message (baseline)", send["insert"], 1))
    search = data["search"]
    out += [
        "",
        f"Search in the heavy seller's {search['seller_threads']:,} threads "
        f'({search["seller_messages"]:,} messages): the first page of the "all" folder from '
        "`selectors.thread_list_for_user` with a search (GIN index on each participant's "
        "search document) versus the same search without the index (`ILIKE` over the "
        "threads' messages). Matches are threads, counted up to 1,001; execution is the "
        "page's statements' time in `EXPLAIN ANALYZE`, without planning. The app's "
        "connections plan no parallel workers; the `ILIKE` baseline may use PostgreSQL's "
        "default two, its best case on this machine.",
        "",
        "| word | matches | full-text median ms | p99 ms | execution ms | ILIKE median ms "
        "| execution ms | speed-up | Seq Scan on messages |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, row in search["words"].items():
        factor = speedup(row)
        out.append(
            f"| {label} `{row['word']}` | {row['matches']:,} | {ms(row['fts']['median'])} | "
            f"{ms(row['fts']['p99'])} | {ms(row['fts']['execution'])} | "
            f"{ms(row['ilike']['median'])} | {ms(row['ilike']['execution'])} | {factor:.0f}× | "
            f"{'yes' if row['seq_scan_on_messages'] else 'no'} |"
        )
    rps = data.get("http")
    out.append("")
    if isinstance(rps, str):
        out.append(rps)
    elif rps:
        out.append(
            "Over HTTP (gunicorn as gunicorn.conf.py sets it, 2 processes, wrk 2 threads × 8 "
            "connections on the same "
            f"machine; each page {WRK_SECONDS} s in all, in two alternating rounds, the mean of "
            "the two): "
            + ", ".join(f"{name} **{value:,.0f} req/s**" for name, value in rps.items() if value)
        )
    out.append("")
    return out


MIB = 1024 * 1024
# The tables that grow with the messages, in the order the report lists them.
GROWING = [
    "messaging_message",
    "messaging_searchdocument",
    "messaging_participant",
    "messaging_thread",
    "messaging_obligation",
    "messaging_responseday",
    "messaging_attachment",
    "orders_order",
]


def mib(value: float) -> str:
    return f"{value / MIB:,.0f}" if value >= 10 * MIB else f"{value / MIB:,.1f}"


def growth_report(results: dict[str, dict[str, Any]]) -> list[str]:
    """Sizes per million messages at each tier, the hot plans, and the write rate."""
    measured = {tier: data["growth"] for tier, data in results.items() if data.get("growth")}
    if not measured:
        return []
    out = [
        "### Growth: sizes, plans and the write rate",
        "",
        "Sizes are PostgreSQL's own (`pg_relation_size`, `pg_indexes_size`, TOAST), after the "
        "seed and a `VACUUM (ANALYZE)`; per million messages is the size over the tier's "
        "message count, and the projection to 100 million multiplies the largest tier's "
        "figure. Rows are the planner's estimate.",
        "",
    ]
    tiers = list(measured)
    head = " | ".join(f"{tier} MiB per 1M messages" for tier in tiers)
    out += [
        f"| table | {head} | projected at 100M, GiB (heap + indexes + TOAST) |",
        "| --- | " + " | ".join("---:" for _ in tiers) + " | ---: |",
    ]
    for table in GROWING:
        cells = []
        last = 0.0
        for tier in tiers:
            sizes = measured[tier]["sizes"]
            row = sizes["tables"].get(table)
            if row is None:
                cells.append("–")
                continue
            whole = row["heap"] + row["indexes"] + row["toast"]
            per_million = whole / sizes["messages"] * 1_000_000
            last = per_million
            cells.append(
                f"{mib(per_million)} ({mib(row['heap'] / sizes['messages'] * 1e6)} heap + "
                f"{mib(row['indexes'] / sizes['messages'] * 1e6)} idx)"
            )
        out.append(f"| `{table}` | " + " | ".join(cells) + f" | {last * 100 / 1024**3:,.1f} |")
    whole_db = []
    for tier in tiers:
        sizes = measured[tier]["sizes"]
        whole_db.append(f"{mib(sizes['database'] / sizes['messages'] * 1e6)}")
    largest = measured[tiers[-1]]["sizes"]
    projected = largest["database"] / largest["messages"] * 100_000_000 / 1024**3
    out += [
        "| whole database | " + " | ".join(whole_db) + f" | {projected:,.1f} |",
        "",
    ]
    for tier in tiers:
        sizes = measured[tier]["sizes"]
        biggest = ", ".join(
            f"`{index['name']}` {mib(index['bytes'])} MiB" for index in sizes["indexes"][:6]
        )
        out.append(
            f"- {tier}: {sizes['messages']:,} messages, database {mib(sizes['database'])} MiB; "
            f"largest indexes: {biggest}"
        )
    out += [
        "",
        "The hot statements under `EXPLAIN (ANALYZE, BUFFERS)` on the largest tier "
        f"({tiers[-1]}), the heavy seller's and the busy buyer's pages: each scan node, the "
        "index it reads, the rows it returned and, for an index-only scan, the heap rows it "
        "still had to fetch (the visibility map not yet set for them).",
        "",
        "| operation | statements | execution ms | buffers | scans |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, plan in measured[tiers[-1]]["plans"].items():
        scans = "; ".join(
            f"{scan['node']} on {scan['relation']}"
            + (f" using {scan['index']}" if scan["index"] else "")
            + f" ({scan['rows']:,} rows"
            + (f", {scan['heap_fetches']} heap fetches" if scan["heap_fetches"] is not None else "")
            + ")"
            for scan in plan["scans"]
        )
        out.append(
            f"| {name} | {plan['statements']} | {plan['execution_ms']:.2f} | "
            f"{plan['buffers']:,} | {scans} |"
        )
    cores = next(iter(measured.values()))["cores"]
    server = next(iter(measured.values()))["settings"]
    out += [
        "",
        "Write rate (on a copy of the tier's database, dropped afterwards): client processes on "
        "this machine, each calling `message_send` (the whole "
        "send path: policy, insert, participants, clock, outbox, search document) in a loop "
        "on its own 100 threads, all started together for the same window; then the same "
        "clients each running the bare INSERT of a message row in its own transaction (what "
        "the database alone takes). The CPU columns are per operation: the client process's "
        "own, and its PostgreSQL backend's (read from /proc; WAL writer and checkpointer not "
        "included). CPU time does not depend on what else the machine runs; the rate does "
        f"({cores} cores, shared by the clients and the server; the load average before each "
        "run is given). Server: "
        + ", ".join(f"{key} {value}" for key, value in server.items())
        + ".",
        "",
        "| tier | operation | clients | per second | client CPU ms per op | PostgreSQL backend "
        "CPU ms per op | one core of PostgreSQL, ops per second | load before |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for tier in tiers:
        for mode, label in [("send", "message_send"), ("insert", "bare INSERT")]:
            for clients, row in measured[tier]["write"][mode].items():
                done = max(row["done"], 1)
                client = row["client_cpu_seconds"] / done * 1000
                database = row["db_cpu_seconds"] / done * 1000
                per_core = 1000 / database if database else 0
                out.append(
                    f"| {tier} | {label} | {clients} | {row['per_second']:,.0f} | {client:.2f} | "
                    f"{database:.2f} | {per_core:,.0f} | {row['load_before']:.2f} |"
                )
    out.append("")
    return out


def speedup(row: dict[str, Any]) -> float:
    """How much faster the full-text search ran than ILIKE, each taken over its paired floor."""
    fts, ilike = row["fts"], row["ilike"]
    if "ratio" in fts and "ratio" in ilike:
        return float(ilike["ratio"] / fts["ratio"])
    return float(ilike["median"] / fts["median"])


def flatness(name: str, small: dict[str, Any], large: dict[str, Any], tier: str = "L") -> str:
    """A larger tier against S, each over the floor timed in its own rounds (the verdict)."""
    raw = large["median"] / small["median"]
    normal = large["ratio"] / small["ratio"]
    return (
        f"- {name}: {tier} {large['ratio']:.2f}× floor vs S {small['ratio']:.2f}× floor = "
        f"{normal:.2f}× (≤ {FLAT}×): {verdict(normal <= FLAT)} (medians: {tier} "
        f"{ms(large['median'])} ms vs S {ms(small['median'])} ms = {raw:.2f}×)"
    )


def targets(results: dict[str, dict[str, Any]]) -> list[str]:
    out = [
        "### Targets",
        "",
        "Every operation was timed in rounds that also timed the floor view, so each comparison "
        "below is made between figures taken in the same moments: an operation against the "
        "floor is its median over the floor's median in its own rounds, and L against S "
        "compares those ratios, so a tier run while the machine was slower is not counted "
        "against it. The plain medians are given beside them. Between operations the floor "
        "runs slower than alone (their data has taken the caches), 10–40% on this machine, "
        "which makes every multiple of it look smaller by as much: the floor view's own row "
        "gives it alone.",
        "",
    ]
    larger = [tier for tier in results if tier != "S"]
    if "S" in results and larger:
        small = results["S"]
        for tier in larger:
            large = results[tier]
            for name in [*PAGES[:2], PAGES[3], PAGES[4]]:
                out.append(flatness(name, small["pages"][name], large["pages"][name], tier))
            out.append(flatness("unread count", small["unread count"], large["unread count"], tier))
    else:
        out.append("- Flatness: not measured (it needs S and a larger tier; BENCH_TIERS=S,L,XL)")
    for tier, data in results.items():
        pages = data["pages"]
        first = pages["seller inbox, all, page 1"]
        deep = pages["seller inbox, all, deep page"]
        depth = deep["ratio"] / first["ratio"]
        out.append(
            f"- {tier}: deep page ({data['deep_position']:,} threads in) {deep['ratio']:.2f}× "
            f"floor vs page 1 {first['ratio']:.2f}× floor = {depth:.2f}× (≤ 1.2×): "
            f"{verdict(depth <= 1.2)}; vs floor ({ms(deep['median'])} ms over "
            f"{ms(deep['floor'])} ms) = {deep['ratio']:.2f}× (≤ 2.5×): "
            f"{verdict(deep['ratio'] <= 2.5)}"
        )
        for name in [PAGES[0], PAGES[1], PAGES[3], PAGES[4]]:
            page = pages[name]
            limit = PAGE_LIMITS.get(name, 2.5)
            out.append(
                f"- {tier}: {name} vs floor ({ms(page['median'])} ms over {ms(page['floor'])} ms)"
                f" = {page['ratio']:.2f}× (≤ {limit:g}×): {verdict(page['ratio'] <= limit)}"
            )
        send = data["send"]["send"]
        out.append(
            f"- {tier}: send vs floor ({ms(send['median'])} ms over {ms(send['floor'])} ms) = "
            f"{send['ratio']:.2f}× (≤ {SEND_LIMIT:g}×): {verdict(send['ratio'] <= SEND_LIMIT)}"
        )
        rps = data.get("http")
        if isinstance(rps, dict) and rps.get("floor") and rps.get("seller inbox"):
            share = rps["seller inbox"] / rps["floor"]
            out.append(
                f"- {tier}: seller inbox over HTTP {rps['seller inbox']:,.0f} req/s = "
                f"{share:.0%} of the floor view's {rps['floor']:,.0f} (≥ 40%): "
                f"{verdict(share >= 0.4)}"
            )
        else:
            out.append(f"- {tier}: inbox over HTTP: not measured ({rps})")
    if "L" in results:
        for label, row in results["L"]["search"]["words"].items():
            factor = speedup(row)
            out.append(
                f"- L: search for a {label} word: {factor:.0f}× faster than ILIKE (≥ 50×): "
                f"{verdict(factor >= 50)}; Seq Scan on messages: "
                f"{'yes' if row['seq_scan_on_messages'] else 'no'}: "
                f"{verdict(not row['seq_scan_on_messages'])}"
            )
    else:
        out.append("- Search on L: not measured (tier L did not run)")
    out.append("")
    return out


def schema_ready() -> None:
    """Refuse to run (and touch no database) while the models have no migration to match."""
    result = subprocess.run(
        [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env_for("postgres"),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            "The models and the migrations disagree (or the project does not load), so the "
            "bench databases cannot be migrated:\n" + (result.stdout + result.stderr)[-1500:]
        )


def main() -> None:
    tiers = [t.strip().upper() for t in os.environ.get("BENCH_TIERS", "S,L").split(",") if t]
    if "S" not in tiers:
        log("tier S is measured too: the larger tiers' flatness is judged against it")
        tiers.insert(0, "S")
    schema_ready()
    results: dict[str, dict[str, Any]] = {}
    reused: dict[str, bool] = {}
    for tier in tiers:
        database, reused[tier] = prepare(tier)
        log(f"{database}: measuring")
        results[tier] = measure(database)
        log(f"{database}: sizes, plans and write rate")
        results[tier]["growth"] = growth = measure(database, "bench/scale_growth.py")
        # The sends of the write rate go to a copy, so the seed stays as it was seeded.
        copy = f"{database}_writes"
        admin_sql(f'DROP DATABASE IF EXISTS "{copy}"')
        admin_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{database}"')
        try:
            growth["write"] = measure(copy, "bench/scale_growth.py", "--writes")
        finally:
            admin_sql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        log(f"{database}: HTTP load")
        results[tier]["http"] = http(database, results[tier]["sessions"])
    import psycopg

    with psycopg.connect(f"{PG}/postgres") as connection:
        server = connection.execute("SHOW server_version").fetchone()
    out = [
        f"PostgreSQL {server[0] if server else '?'}, one database per tier, the app with DEBUG "
        "off. Page timings go through Django's test client (middleware, session, login, view, "
        "template); the floor view runs one trivial query behind the same stack; the raw SQL "
        "column replays every statement the page's selector runs. Median and "
        "p99 after warm-up, over about 3 s of rounds per operation (at least 60 rounds, 15 for "
        "operations slower than that allows; the rounds column says how many). Every round "
        "of an operation also times the floor view, alternately before and after it; the "
        "floor's median over those rounds and the operation's multiple of it stand beside "
        "each row.",
        "",
    ]
    for tier in tiers:
        out += tier_report(tier, results[tier], reused[tier])
    out += growth_report(results)
    out += targets(results)
    print("\n".join(out))


if __name__ == "__main__":
    main()
