"""Benchmark the content policy filter and print a markdown fragment.

Usage: python bench/policy_bench.py [path/to/corpus.jsonl]

Reports messages per second over the development corpus (seven rounds of half a second of
CPU time on one core; the median is judged, the best shown beside it), the worst CPU time for
adversarial 5,000-character inputs, and the same throughput for scrubadub's default detectors
as a reference when scrubadub is installed.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from messaging.policy import check, split_attachment_lines  # noqa: E402
from messaging.policy.evaluation import corpus_parse, evaluate, policy_verdicts  # noqa: E402

# The labelled development split of the policy corpus.
DEFAULT_CORPUS = ROOT / "tests" / "data" / "policy" / "dev.jsonl"
HELD_OUT = ROOT / "tests" / "data" / "policy" / "heldout.jsonl"
LENGTH = 5_000
DURATION = 3.5
ROUNDS = 7


def _adversarial_inputs() -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (LENGTH // len(unit) + 1))[:LENGTH]

    return {
        "repeated letter": fill("a"),
        "long digit run": fill("1"),
        "spaced digits": fill("5 "),
        "digits and dashes": fill("1-"),
        "bracketed digits": fill("(1) "),
        "at at at": fill("at "),
        "dot dot dot": fill("dot "),
        "many dots": fill("."),
        "label dots": fill("a."),
        "many at signs": fill("a@"),
        "email list": fill("x@y.com "),
        "spoken email list": fill("john at gmail dot com "),
        "www chain": fill("www."),
        "url with 2,500 labels": "http://" + fill("a.")[:-7],
        "mixed scripts": fill("аbсdеfg ｈｉｊ ξψ 𝐤𝐥 "),
        "invisible characters": fill("a\u200b\u200d"),
        "emoji with joiners": fill("👨\u200d👩\u200d👧 "),
        "number words": fill("one two three four five six seven "),
        "spaced letters": fill("w h a t s a p p "),
        "app names": fill("wasap "),
        "review words": fill("5 star review refund "),
        "handles": fill("@ab "),
        "look-alike digits": fill("1 o l "),
        "social abbreviations": fill("x ig fb "),
        "digit words glued to digits": fill("1one2two"),
        "spaced www hosts": fill("www a b "),
        "review gating": fill("if you loved it review "),
        "letters split by dots": fill("r.o.s.a @ y.a.h.o.o . c.o.m "),
        "letters split by dashes": fill("j-o-h-n at g-m-a-i-l dot c-o-m "),
        "single-letter pairs after dots": fill("a . e.s dot c.o "),
        "hundreds in number words": fill("seiscientos doce trescientos cuarenta y cinco "),
        "english hundreds and thousands": fill("six hundred and twelve thousand forty five "),
        "platform labels": fill("IG casaverde. search x on insta "),
        "app nicknames": fill("al wasa por whats mi whats es 6 "),
        "upsell offers": fill("want me to add a matching pillow for $10 "),
        "code-shaped words": fill("use save10 at checkout next "),
        "website requests": fill("do you have a website "),
        "backwards hints": fill("read it backwards moc.liamg@ 1 555 514+ "),
        "digits joined by symbols": fill("415*555*0132 6|1|2 "),
        "numbers dictated in parts": fill("call 612 then 345 then 678 "),
        "spaced domains": fill("shop com bit ly barra x "),
        "ids after app names": fill("line: ab_1 ig: cd_2 "),
        "reports of contact attempts": fill("someone asked me to use whatsapp "),
        "multi-buy deals": fill("2x1 3 for 2 "),
        "glued at and dot": fill("a_at_b_dot_com "),
        "pieces glued with plus": fill("ana + 'dot' + ruiz + "),
        "dots named as full stops": fill("shop full stop com a period nl "),
        "user names near providers": fill("ana.b with the usual gmail ending "),
        "look-alike digit groups": fill("6l2*34S*789 "),
        "symbols inside words": fill("feedb@ck rev!ew $aldo amig@ "),
        "short spaced labels": fill("at g m x dot n e t "),
    }


def _throughput(
    function: Callable[[str, list[str]], object], rows: list[tuple[str, list[str]]]
) -> tuple[float, float]:
    """Messages per CPU-second: the median and the best of ROUNDS rounds over the corpus.

    A shared machine slows some rounds down (other processes evict the caches); the median
    is the figure judged against the target, the best shows what the code does undisturbed.
    """
    for body, names in rows:
        function(body, names)
    rates = []
    for _ in range(ROUNDS):
        count = 0
        started = time.process_time()
        while time.process_time() - started < DURATION / ROUNDS:
            for body, names in rows:
                function(body, names)
            count += len(rows)
        rates.append(count / (time.process_time() - started))
    return statistics.median(rates), max(rates)


def _worst_case(inputs: dict[str, str]) -> tuple[str, float]:
    worst_name, worst = "", 0.0
    for name, text in inputs.items():
        best = min(_timed(text) for _ in range(3))
        if best > worst:
            worst_name, worst = name, best
    return worst_name, worst


def _timed(text: str) -> float:
    started = time.process_time()
    check(text)
    return (time.process_time() - started) * 1000


def _scrubadub_function() -> Callable[[str, list[str]], object] | None:
    try:
        import scrubadub  # type: ignore[import-untyped]
    except ImportError:
        return None
    scrubber = scrubadub.Scrubber()

    def run(body: str, names: list[str]) -> object:
        return list(scrubber.iter_filth(body))

    return run


def _quality_table(paths: list[tuple[Path, bool]]) -> list[str]:
    """Precision, recall and false-positive rate on each split of the corpus."""
    lines = [
        "| split | lines | precision | recall | false-positive rate | disguised recall "
        "| Spanish recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, statistical in paths:
        rows = corpus_parse(path.read_text(encoding="utf-8").splitlines(), source=path.name)
        report = evaluate(rows, policy_verdicts(rows, statistical=statistical))
        overall = report["overall"]
        name = f"`{path.name}`" + ("" if statistical else ", rules alone")
        lines.append(
            f"| {name} | {len(rows)} | {overall['precision']:.3f} "
            f"| {overall['recall']:.3f} | {overall['false_positive_rate']:.3f} "
            f"| {report['disguised']['recall']:.3f} "
            f"| {report['by_language']['es']['recall']:.3f} |"
        )
    return lines


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    lines = corpus.read_text(encoding="utf-8").splitlines()
    rows = [split_attachment_lines(json.loads(line)["text"]) for line in lines if line]
    check("warm-up: loads the suffix list and compiles patterns")

    def ours(body: str, names: list[str]) -> object:
        return check(body, filenames=names)

    rate, best = _throughput(ours, rows)
    worst_name, worst_ms = _worst_case(_adversarial_inputs())
    average_length = sum(len(body) for body, _ in rows) / len(rows)
    print("### Content policy filter benchmark\n")
    print(
        f"- Corpus: `{corpus.name}`, {len(rows)} messages, "
        f"{average_length:.0f} characters on average"
    )
    verdict = "met" if rate >= 10_000 else "MISSED"
    print(
        f"- Throughput, one core (CPU time): **{rate:,.0f} messages/s**, the median of "
        f"{ROUNDS} rounds (best {best:,.0f}; target ≥ 10,000: {verdict})"
    )
    verdict = "met" if worst_ms < 10 else "MISSED"
    print(
        f"- Worst case over {len(_adversarial_inputs())} adversarial {LENGTH:,}-character inputs: "
        f"**{worst_ms:.2f} ms** ({worst_name}; target < 10 ms: {verdict})"
    )
    print(
        "\nQuality on the corpus (`manage.py policy_eval` gives the figures per category, "
        "language and tag, and the misses); the held-out split is never tuned on:\n"
    )
    print(
        "\n".join(
            _quality_table(
                [
                    (DEFAULT_CORPUS, True),
                    (HELD_OUT, True),
                    (DEFAULT_CORPUS, False),
                    (HELD_OUT, False),
                ]
            )
        )
    )
    print(
        "\nThe rows marked *rules alone* leave out the statistical second pass "
        "(`messaging/policy/model.py`): the difference on the held-out split is what the model "
        "adds where it was not trained."
    )
    print()
    reference = _scrubadub_function()
    if reference is None:
        print("- scrubadub: not installed, no reference figure")
    else:
        median, best = _throughput(reference, rows)
        print(
            "- scrubadub default detectors, same corpus: "
            f"{median:,.0f} messages/s (best {best:,.0f})"
        )


if __name__ == "__main__":
    main()
