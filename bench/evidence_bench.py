"""Export a large thread as evidence; time it and show that memory stays flat.

    .venv/bin/python bench/evidence_bench.py [--messages 1000] [--megabytes 100] [--files 50]

Needs PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432): it recreates the
database bench_evidence, migrates it and seeds one order conversation with ``--messages``
messages and ``--files`` attachments of ``--megabytes`` in all (half of them images with a
thumbnail, which the PDF embeds), written to a private folder under var/bench-evidence/.

The export is then built twice, each time in a fresh child process, exactly as the Celery
task builds it (``evidence_export_build``): once for the wall time and the growth of the peak
RSS (resource.getrusage, which counts ReportLab's and zlib's buffers too), once under
tracemalloc for the peak of Python allocations (tracemalloc slows Python down, so that run is
not timed). The ZIP it wrote is checked with the same code as ``manage.py evidence_verify``.
The same is done first for the same conversation with a tenth of the files. Memory is flat
when the peak stays well under the size of the files (the target: below a quarter of it) and
ten times the files add next to nothing to it. Prints a markdown fragment; progress goes to
stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bench_evidence"
WORK = ROOT / "var" / "bench-evidence"
MIB = 1024 * 1024
# Memory counts as flat when the build's peak stays below this share of the files' bytes.
FLAT_SHARE = 0.25
SENTENCES = (
    "the mug arrived broken and the box was open when the courier left it at my door "
    "please send a replacement or refund the order as soon as you can we packed it twice "
    "with bubble wrap and the tracking shows it was delivered on time to the address given"
)
WORDS = SENTENCES.split()


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "messagecenter.settings",
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "DEBUG": "1",  # the signing key derived from SECRET_KEY, as in development
        "PRIVATE_MEDIA_ROOT": str(WORK / "private"),
        "VAR_DIR": str(WORK / "var"),
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def run_child(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {result.returncode}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- In a child process, with Django set up --------------------------------------------------
def django_setup() -> None:
    import django

    django.setup()


def seed(messages: int, megabytes: int, files: int) -> dict:
    """One order conversation: messages written in bulk, files written straight to storage."""
    import hashlib
    import io
    import random
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from PIL import Image

    from messaging.models import Attachment, Message, Participant
    from messaging.threads.services import thread_start
    from tests.accounts.factories import BuyerFactory, SellerFactory
    from tests.orders.factories import OrderFactory, OrderItemFactory

    rng = random.Random(20261207)
    # Each seeded conversation has parties and an order of its own (factory sequences restart
    # in every process).
    tag = f"{megabytes:04d}{files:03d}"
    order = OrderFactory(
        number=f"112-{tag}-0000001",
        buyer=BuyerFactory(email=f"buyer-{tag}@bench.invalid"),
        seller=SellerFactory(
            email=f"seller-{tag}@bench.invalid", seller_profile__shop_name=f"Bench shop {tag}"
        ),
    )
    OrderItemFactory.create_batch(3, order=order)
    start = timezone.now() - timedelta(days=20)
    first = thread_start(
        sender=order.buyer, order=order, topic="damaged_defective", body="It broke.", now=start
    )
    thread = first.thread
    rows = []
    for n in range(1, messages):
        is_buyer = n % 2 == 0
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 120)))
        rows.append(
            Message(
                thread=thread,
                sender=order.buyer if is_buyer else order.seller,
                sender_role="buyer" if is_buyer else "seller",
                body=f"{n}: {body}",
                created_at=start + timedelta(minutes=7 * n),
            )
        )
    created = Message.objects.bulk_create(rows, batch_size=500)
    Participant.objects.filter(thread=thread).update(last_read_at=timezone.now())
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    size = megabytes * MIB // files
    step = max(1, len(created) // files)
    attachments = []
    for index in range(files):
        message = created[index * step]
        is_image = index % 2 == 0
        key = f"attachments/bench/{tag}-{index:04d}.{'jpg' if is_image else 'pdf'}"
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with path.open("wb") as handle:
            left = size
            while left:
                chunk = rng.randbytes(min(left, MIB))
                digest.update(chunk)
                handle.write(chunk)
                left -= len(chunk)
        thumbnail = ""
        if is_image:
            image = Image.frombytes("RGB", (320, 240), rng.randbytes(320 * 240 * 3))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
            thumbnail = f"attachments/bench/{tag}-{index:04d}-thumb.jpg"
            (root / thumbnail).write_bytes(out.getvalue())
        attachments.append(
            Attachment(
                message=message,
                position=0,
                file=key,
                thumbnail=thumbnail,
                name=f"photo-{index}.jpg" if is_image else f"document-{index}.pdf",
                content_type="image/jpeg" if is_image else "application/pdf",
                size=size,
                sha256=digest.hexdigest(),
                width=320 if is_image else None,
                height=240 if is_image else None,
            )
        )
    Attachment.objects.bulk_create(attachments)
    return {
        "thread_id": thread.pk,
        "buyer_id": order.buyer_id,
        "messages": messages,
        "files": files,
        "file_bytes": size * files,
    }


def build(thread_id: int, buyer_id: int, *, traced: bool) -> dict:
    """Build a fresh export of the thread as its task does; measure it."""
    import tracemalloc
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from messaging.evidence import services, signing
    from messaging.evidence.verify import archive_verify
    from messaging.models import EvidenceExport

    export = EvidenceExport.objects.create(
        thread_id=thread_id,
        requested_by_id=buyer_id,
        scope="participant",
        language="en",
        expires_at=timezone.now() + timedelta(days=7),
    )
    # Everything the build imports, loaded before the baseline, so it measures the build.
    from messaging.evidence import pdf  # noqa: F401

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    outcome = services.evidence_export_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    export.refresh_from_db()
    with default_storage.open(export.file.name, "rb") as handle:
        report = archive_verify(handle, signing.public_key())
    import zipfile

    with default_storage.open(export.file.name, "rb") as handle:
        transcript = zipfile.ZipFile(handle).getinfo("transcript.pdf").file_size
    return {
        "outcome": outcome,
        "seconds": seconds,
        "rss_growth": peak - baseline,
        "rss_peak": peak,
        "traced_peak": traced_peak,
        "zip_bytes": export.size,
        "pdf_bytes": transcript,
        "verified": report.is_intact,
        "checked_files": report.checked_files,
        "problems": report.problems[:3],
    }


def child(argv: list[str]) -> None:
    django_setup()
    if argv[0] == "--seed":
        result = seed(int(argv[1]), int(argv[2]), int(argv[3]))
    else:
        result = build(int(argv[1]), int(argv[2]), traced=argv[0] == "--traced")
    print(json.dumps(result))


# --- The parent: database, children, report ----------------------------------------------------
def mib(value: float) -> str:
    return f"{value / MIB:,.1f} MiB"


def measure(messages: int, megabytes: int, files: int) -> dict:
    """Seed one thread of this size, build its export twice (timed, traced), return both."""
    log(f"seeding {messages} messages, {megabytes} MB in {files} files")
    seeded = run_child("--seed", str(messages), str(megabytes), str(files))
    ids = (str(seeded["thread_id"]), str(seeded["buyer_id"]))
    log("building (timed)")
    timed = run_child("--timed", *ids)
    log("building (tracemalloc)")
    traced = run_child("--traced", *ids)
    return {**seeded, **timed, "traced_peak": traced["traced_peak"]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--files", type=int, default=50)
    options = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "private").mkdir(parents=True)
    for folder in ("broker/queue", "broker/processed", "broker/control"):
        (WORK / "var" / folder).mkdir(parents=True)
    log(f"evidence bench: recreating {DATABASE}")
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    admin_sql(f'CREATE DATABASE "{DATABASE}"')
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=child_env(),
            check=True,
        )
        # The same conversation with a tenth of the files: what the files add to the peak.
        runs = [
            measure(options.messages, max(1, options.megabytes // 10), options.files),
            measure(options.messages, options.megabytes, options.files),
        ]
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        shutil.rmtree(WORK, ignore_errors=True)

    small, large = runs
    files = large["file_bytes"]
    worst = max(large["rss_growth"], large["traced_peak"])
    added = max(large["rss_growth"] - small["rss_growth"], 0)
    flat = worst < FLAT_SHARE * files
    verified = all(run["verified"] for run in runs)
    rows = [
        f"| {run['messages']:,} | {run['files']} files, {mib(run['file_bytes'])} | "
        f"**{run['seconds']:.1f} s** | **{mib(run['rss_growth'])}** | "
        f"{mib(run['traced_peak'])} | {mib(run['zip_bytes'])} ({mib(run['pdf_bytes'])}) | "
        + ("yes" if run["verified"] else "NO: " + "; ".join(run["problems"]))
        + " |"
        for run in runs
    ]
    print(
        "\n".join(
            [
                f"An order conversation of {large['messages']:,} messages, exported as the "
                "Celery task does it: the files copied from storage into the ZIP in 1 MiB "
                "chunks, the PDF laid out by ReportLab as the messages are read (half of the "
                "files are images whose thumbnails it embeds), the manifest signed (Ed25519). "
                "Each build in a fresh process on PostgreSQL, once timed with its peak RSS "
                "growth, once under tracemalloc; the ZIP then checked as `evidence_verify` "
                "does. The same conversation with a tenth of the files shows what the files "
                "themselves cost in memory.",
                "",
                "| messages | attachments | build time | peak RSS growth | tracemalloc peak "
                "| ZIP (PDF) | verified |",
                "|---|---|---|---|---|---|---|",
                *rows,
                "",
                f"Memory: {'flat' if flat and verified else 'MISSED'} — with {mib(files)} of "
                f"files the build's peak is {mib(worst)} ({worst / files:.0%} of the files; "
                f"target: under {FLAT_SHARE:.0%}), and ten times the files add "
                f"{mib(added)} to it.",
            ]
        )
    )
    return 0 if flat and verified else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in {"--seed", "--timed", "--traced"}:
        child(sys.argv[1:])
    else:
        sys.exit(main())
