"""RELIABILITY.md from the scenarios' results (var/chaos/<scenario>/result.json)."""

import json
from pathlib import Path

DRAIN_TARGET_SECONDS = 120
SLOW = 2.0

TITLES = {
    "redis-stop": "Redis stopped during sends",
    "redis-freeze": "Redis frozen (SIGSTOP) during sends",
    "slow-smtp": "A slow SMTP server",
    "kill-during-quit": "Worker SIGKILLed while the SMTP server holds QUIT",
    "kills-and-restart": "Worker SIGKILLed twice, Redis restarted once",
}


def what_was_done(result: dict) -> str:
    name, options, sizes = result["scenario"], result["options"], result["sizes"]
    sends = f"{sizes['messages']} sends over HTTP at {sizes['rate']:g}/s"
    if name == "redis-stop":
        return f"{sends}; Redis stopped for {options['outage_seconds']:g} s after 30 % of them."
    if name == "redis-freeze":
        return (
            f"{sends}; redis-server SIGSTOPped after 30 % of them, SIGCONT "
            f"{options['outage_seconds']:g} s later."
        )
    if name == "slow-smtp":
        return (
            f"{sends}; every SMTP step (greeting, EHLO, MAIL, RCPT, DATA, end of data, QUIT) "
            f"answered after {options['smtp_delay']:g} s, {sizes['worker_concurrency']} worker "
            "processes."
        )
    if name == "kill-during-quit":
        return (
            f"{sends}; the SMTP server accepts at once and holds QUIT "
            f"{options['quit_hold']:g} s; the worker SIGKILLed when 25 % and 60 % of the "
            "emails had arrived, each time while a QUIT was held."
        )
    return (
        f"{sends}; the worker SIGKILLed after 20 % and 80 % of them, Redis (no persistence: "
        "every queued task lost) restarted after 50 %."
    )


def verdict(result: dict) -> tuple[bool, list[str]]:
    """Whether the scenario met its targets, and each target missed, in words."""
    name, requests = result["scenario"], result["requests"]
    sends, notes = result["sends"], result["notifications"]
    missed = []
    if requests["5xx"] or requests["no_answer"]:
        missed.append(f"{requests['5xx']} answers 5xx, {requests['no_answer']} without answer")
    if sends["messages_lost"]:
        missed.append(f"{sends['messages_lost']} messages lost")
    if notes["messages_without_row"]:
        missed.append(f"{notes['messages_without_row']} messages without a notification row")
    if notes["lost"]:
        missed.append(f"{notes['lost']} emails lost")
    if notes["statuses"].get("pending") or notes["statuses"].get("failed"):
        missed.append(f"rows not sent: {notes['statuses']}")
    window = sum(len(kill["window"]) for kill in result["kills"])
    if notes["extra_copies"] > window:
        missed.append(
            f"{notes['extra_copies']} extra copies, {window} from kills in the "
            "accepted-but-not-marked window"
        )
    if notes["copies_with_other_ids"] or notes["strangers"]:
        missed.append("copies of one email under different Message-IDs")
    if name in {"redis-stop", "redis-freeze"} and notes["drain_seconds"] >= DRAIN_TARGET_SECONDS:
        missed.append(f"last email {notes['drain_seconds']:.0f} s after Redis was back")
    if name == "redis-freeze" and requests["slow"]:
        missed.append(f"{requests['slow']} requests slower than {SLOW:g} s")
    if result["fault_error"]:
        missed.append(f"the fault was not injected: {result['fault_error']}")
    return not missed, missed


def table(result: dict) -> list[str]:
    requests, sends, notes = result["requests"], result["sends"], result["notifications"]
    statuses = notes["statuses"]
    window = sum(len(kill["window"]) for kill in result["kills"])
    drain_from = "Redis was back" if notes["drain_from"] == "fault end" else "the last send"
    rows = [
        ("HTTP requests (form pages, form posts, API posts)", requests["total"]),
        ("answered 5xx / no answer", f"{requests['5xx']} / {requests['no_answer']}"),
        (f"slower than {SLOW:g} s", requests["slow"]),
        (
            "request time: median / 99th percentile / max",
            f"{requests['median']:.3f} s / {requests['p99']:.3f} s / {requests['max']:.2f} s",
        ),
        (
            "sends (web form / API) answered as sent",
            f"{sends['total']} ({sends['form']} / {sends['api']}), {sends['ok']}",
        ),
        ("**messages lost** (sent but no row, or the send errored)", sends["messages_lost"]),
        ("messages stored twice", sends["stored_twice"]),
        ("notification rows (incl. the seeded first messages)", notes["rows"]),
        (
            "rows sent / failed / pending",
            f"{statuses.get('sent', 0)} / {statuses.get('failed', 0)} / "
            f"{statuses.get('pending', 0)}",
        ),
        ("messages without a notification row", notes["messages_without_row"]),
        ("emails received (distinct Message-IDs)", f"{notes['emails']} ({notes['distinct']})"),
        ("**emails lost** (row without an email)", notes["lost"]),
        ("**extra copies** (same Message-ID)", notes["extra_copies"]),
        ("copies under another Message-ID", len(notes["copies_with_other_ids"])),
    ]
    if result["kills"]:
        rows.append(("kills that landed in the accepted-but-not-marked window (rows)", window))
    rows += [
        ("rows needing more than one attempt", notes["more_than_one_attempt"]),
        (
            "row to email: median / max",
            f"{notes['latency_median']:.1f} s / {notes['latency_max']:.1f} s",
        ),
        (f"time from {drain_from} until the last email arrived", f"{notes['drain_seconds']:.0f} s"),
    ]
    return ["| measure | value |", "|---|---|", *[f"| {name} | {value} |" for name, value in rows]]


def section(result: dict) -> list[str]:
    ok, missed = verdict(result)
    lines = [
        f"## {TITLES[result['scenario']]} (`--scenario {result['scenario']}`)",
        "",
        f"Run {result['finished']}; load average {result['load_before']:.1f} before, "
        f"{result['load_after']:.1f} after. {what_was_done(result)}",
        "",
        *table(result),
        "",
        "**Result: PASS**" if ok else "**Result: MISSED** — " + "; ".join(missed),
        "",
    ]
    endpoints = result["requests"]["by_endpoint"]
    lines += [
        "| endpoint | requests | 5xx | no answer | > 2 s | median | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for endpoint, figures in endpoints.items():
        lines.append(
            f"| `{endpoint}` | {figures['requests']} | {figures['5xx']} | "
            f"{figures['no_answer']} | {figures['slow']} | {figures['median']:.3f} s | "
            f"{figures['max']:.2f} s |"
        )
    lines.append("")
    slow = [r for r in result["requests"]["slowest"] if r["seconds"] > SLOW or r["status"] is None]
    if slow:
        lines += ["Slow or unanswered requests:", ""]
        lines += [
            f"- {r['at']:.1f} s `{r['endpoint']}` → {r['status'] or r['error']} "
            f"in {r['seconds']:.2f} s"
            for r in slow
        ]
        lines.append("")
    lines += ["Timeline:", "", "| at | event |", "|---|---|"]
    lines += [f"| {at:.1f} s | {text} |" for at, text in result["timeline"]]
    lines.append("")
    return lines


def report_write(chaos_dir: Path, report: Path, scenarios: list[str]) -> dict[str, bool]:
    results = []
    for name in scenarios:
        path = chaos_dir / name / "result.json"
        if path.exists():
            results.append(json.loads(path.read_text()))
    if not results:
        return {}
    first = results[0]
    machine, settings = first["machine"], first["settings"]
    verdicts = {result["scenario"]: verdict(result)[0] for result in results}
    lines = [
        "# Reliability",
        "",
        "`make chaos` (bench/chaos.py) drives the system as its users do and breaks what they",
        "depend on. Each scenario runs on a fresh PostgreSQL database and its own redis-server,",
        "with gunicorn in production mode (DEBUG off, 2 sync workers, as behind a TLS proxy),",
        "a Celery worker (prefork) and beat, and an aiosmtpd server on loopback. Buyers log in",
        "and submit the conversation page's reply form (CSRF and one-time send token); sellers",
        "post to `POST /api/v1/threads/{id}/messages` with a personal token and an",
        "Idempotency-Key. Then every send is matched to its message row, every message to its",
        "notification row, and every row to the emails received, by Message-ID.",
        "",
        f"Machine: {machine['cpu']}, {machine['memory']} RAM, {machine['os']}; Python "
        f"{machine['python']}, PostgreSQL {machine['postgres']}, Redis {machine['redis']}.",
        f"Settings: sweep after {settings['sweep_after']:.0f} s (beat every 30 s), claim "
        f"{settings['claim_timeout']:.0f} s, EMAIL_TIMEOUT {settings['email_timeout']} s, cache "
        f"timeouts {settings['cache_timeouts']}, broker timeouts "
        f"{settings['broker_timeouts']}; send and API limits raised out of the way; "
        f"{first['options']['clients']} clients over {first['options']['conversations']} "
        "conversations.",
        "",
        "| scenario | result |",
        "|---|---|",
    ]
    for result in results:
        ok, missed = verdict(result)
        lines.append(
            f"| {TITLES[result['scenario']]} | {'PASS' if ok else 'MISSED: ' + '; '.join(missed)} |"
        )
    lines.append("")
    for result in results:
        lines += section(result)
    report.write_text("\n".join(lines) + "\n")
    return verdicts
