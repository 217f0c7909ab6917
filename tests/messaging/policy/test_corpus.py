import json
from collections import Counter
from pathlib import Path

from messaging.policy import check, split_attachment_lines

# The labelled development corpus of the content policy, kept with its tests.
CORPUS = Path(__file__).resolve().parent / "policy-dev.jsonl"


def _load_rows() -> list[dict]:
    assert CORPUS.is_file(), f"development corpus missing: {CORPUS}"
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def _confusion(language: str) -> Counter:
    counts: Counter = Counter()
    for row in _load_rows():
        if row["lang"] != language:
            continue
        body, filenames = split_attachment_lines(row["text"])
        is_blocked = check(body, filenames=filenames).is_blocked
        should_block = row["expected"] == "block"
        if should_block:
            counts["tp" if is_blocked else "fn"] += 1
        else:
            counts["fp" if is_blocked else "tn"] += 1
    return counts


def _assert_targets(counts: Counter) -> None:
    precision = counts["tp"] / (counts["tp"] + counts["fp"])
    recall = counts["tp"] / (counts["tp"] + counts["fn"])
    false_positive_rate = counts["fp"] / (counts["fp"] + counts["tn"])
    assert precision >= 0.97, counts
    assert recall >= 0.95, counts
    assert false_positive_rate <= 0.03, counts


def test_corpus_is_present_and_labelled():
    rows = _load_rows()

    assert len(rows) == 207
    assert {row["lang"] for row in rows} == {"en", "es"}


def test_english_block_precision_recall_and_false_positive_rate_meet_targets():
    _assert_targets(_confusion("en"))


def test_spanish_block_precision_recall_and_false_positive_rate_meet_targets():
    _assert_targets(_confusion("es"))


def test_every_category_is_recalled_on_the_corpus():
    found: Counter = Counter()
    expected: Counter = Counter()
    for row in _load_rows():
        body, filenames = split_attachment_lines(row["text"])
        verdict = check(body, filenames=filenames)
        for category in row["categories"]:
            if category == "none":
                continue
            expected[category] += 1
            found[category] += category in verdict.categories

    recall = {category: found[category] / expected[category] for category in expected}

    assert min(recall.values()) >= 0.9, recall
