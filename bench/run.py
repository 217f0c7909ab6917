"""Run every benchmark and write BENCHMARKS.md with the machine and versions."""

import datetime
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("Content policy filter", "bench/policy_bench.py"),
    ("Attachment validation", "bench/attachments_bench.py"),
    ("Notification delivery", "bench/notify_bench.py"),
    ("Evidence export", "bench/evidence_bench.py"),
    ("Marketplace scale", "bench/scale_bench.py"),
]
PACKAGES = [
    "Django",
    "psycopg",
    "gunicorn",
    "Pillow",
    "python-magic",
    "pypdf",
    "reportlab",
    "cryptography",
    "phonenumbers",
    "publicsuffixlist",
]


def version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    versions = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    return [
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}",
        f"- Python {platform.python_version()}; {versions}",
    ]


def run_section(script: str) -> tuple[int, str, str]:
    """Run one benchmark script; show its progress (stderr) live and keep it for errors."""
    with subprocess.Popen(
        [sys.executable, script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        errors: list[str] = []
        # Stdout is read after stderr closes; a section prints its fragment at the end.
        for line in process.stderr:
            sys.stderr.write(line)
            errors.append(line)
        stdout = process.stdout.read()
        returncode = process.wait()
    return returncode, stdout, "".join(errors)


def main() -> None:
    out = ["# Benchmarks", "", "Written by `make bench`.", "", *machine(), ""]
    for title, script in SECTIONS:
        print(f"running {script}", file=sys.stderr)
        returncode, stdout, stderr = run_section(script)
        out += [f"## {title}", ""]
        if returncode != 0:
            out += ["```", stderr.strip()[-2000:], "```"]
        else:
            out.append(stdout.strip())
        out.append("")
    (ROOT / "BENCHMARKS.md").write_text("\n".join(out), encoding="utf-8")
    print("wrote BENCHMARKS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
