"""Measure how long attachment checks take and how much memory they use.

Run from the repository root: `python bench/attachments_bench.py`. It generates the files at
run time, checks each one in a fresh child process (so the peak RSS of one case does not hide
the next) and prints a markdown table: wall time of `check_file`, the tracemalloc peak (Python
allocations only) and the growth of the process's peak RSS (which also counts the decoded
pixels Pillow allocates outside Python's allocator).
"""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MIB = 1024 * 1024
TARGET_BYTES = 9 * MIB


def noise_jpeg() -> bytes:
    """Return a JPEG of random pixels of about 9 MB (the hardest case for its size)."""
    from PIL import Image

    side = 1400
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        output = io.BytesIO()
        image.save(output, "JPEG", quality=92)
        if output.tell() >= TARGET_BYTES * 0.97:
            return output.getvalue()
        side = int(side * (TARGET_BYTES / output.tell()) ** 0.5) + 8


def big_pdf() -> bytes:
    """Return a 40-page PDF of about 9 MB: pages of text and one random-data image each."""
    pages = 40
    image_bytes = TARGET_BYTES // pages
    side = int((image_bytes / 3) ** 0.5)
    objects = [b"", b""]  # catalog and page tree, filled in below
    kids = []
    for page in range(pages):
        text = b"BT /F1 12 Tf 72 720 Td (Invoice page %d) Tj ET q 200 0 0 200 72 400 cm /Im0 Do Q"
        content = text % page
        pixels = os.urandom(side * side * 3)
        base = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im0 %d 0 R >> >> >>"
            % (base + 1, base + 2, base + 3)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream"
            % (side, side, len(pixels), pixels)
        )
        kids.append(b"%d 0 R" % base)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(output)


def png_of(width: int, height: int, bit_depth: int, colour_type: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def pixel_flood_png() -> bytes:
    """Return a 30000x30000 1-bit PNG (900 megapixels) a few hundred bytes long."""
    return png_of(30_000, 30_000, 1, 0, b"\x00" * (1 + 30_000 // 8) * 64)


def png_at_the_cap() -> bytes:
    """Return a solid 6000x6000 RGB PNG: 36 megapixels, just under the cap, accepted."""
    return png_of(6_000, 6_000, 8, 2, (b"\x00" + b"\x80\x80\x80" * 6_000) * 6_000)


CASES = {
    "9 MB JPEG (random pixels)": ("photo.jpg", noise_jpeg),
    "9 MB PDF (40 pages)": ("scan.pdf", big_pdf),
    "pixel-flood PNG (30000x30000, 1-bit)": ("flood.png", pixel_flood_png),
    "PNG at the cap (6000x6000 RGB)": ("large.png", png_at_the_cap),
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure(name: str, path: str) -> dict[str, object]:
    """Check one file in this process and report time and memory."""
    from messaging.attachments.checks import CheckedFile, IncomingFile, check_file

    data = Path(path).read_bytes()
    check_file(0, IncomingFile("warm-up.txt", b"warm up"))  # load libmagic's database
    rss_before = peak_rss_mib()

    started = time.perf_counter()
    result = check_file(0, IncomingFile(name, data))
    elapsed = time.perf_counter() - started
    rss_growth = peak_rss_mib() - rss_before

    tracemalloc.start()
    check_file(0, IncomingFile(name, data))
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    outcome = "accepted" if isinstance(result, CheckedFile) else f"rejected: {result.code}"
    return {
        "size": len(data),
        "outcome": outcome,
        "milliseconds": elapsed * 1000,
        "traced_peak_mib": traced_peak / MIB,
        "rss_growth_mib": rss_growth,
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
        return
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for label, (name, build) in CASES.items():
            path = Path(directory) / name
            path.write_bytes(build())
            child = subprocess.run(
                [sys.executable, __file__, "--measure", name, str(path)],
                capture_output=True,
                check=True,
                text=True,
            )
            report = json.loads(child.stdout.strip().splitlines()[-1])
            rows.append(
                f"| {label} | {int(report['size']):,} | {report['outcome']} "
                f"| {float(report['milliseconds']):.0f} | {float(report['traced_peak_mib']):.1f} "
                f"| {float(report['rss_growth_mib']):.1f} |"
            )
    print("| file | bytes | result | time (ms) | tracemalloc peak (MiB) | peak RSS growth (MiB) |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
