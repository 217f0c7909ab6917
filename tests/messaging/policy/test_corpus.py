"""The labelled corpus of the content policy, kept in the repository, and the filter's
measured quality on it.

``dev.jsonl`` is what the rules (and the statistical pass) are built on; ``heldout.jsonl`` is
a split they are never tuned on, reported beside it. The floors below are the figures the
filter reaches today, a little lower: a change that loses quality fails here.
"""

from collections import Counter
from pathlib import Path

import pytest

from messaging.policy.evaluation import CorpusRow, corpus_parse, evaluate, policy_verdicts

DATA = Path(__file__).resolve().parents[2] / "data" / "policy"
DEV = DATA / "dev.jsonl"
HELD_OUT = DATA / "heldout.jsonl"


def _rows(path: Path) -> list[CorpusRow]:
    assert path.is_file(), f"policy corpus missing: {path}"
    return corpus_parse(path.read_text(encoding="utf-8").splitlines(), source=path.name)


@pytest.fixture(scope="module")
def dev() -> list[CorpusRow]:
    return _rows(DEV)


@pytest.fixture(scope="module")
def held_out() -> list[CorpusRow]:
    return _rows(HELD_OUT)


def test_the_corpus_is_large_bilingual_adversarial_and_split(dev, held_out):
    rows = dev + held_out
    size = len(rows)
    languages = Counter(row.lang for row in rows)
    disguised_positives = sum(row.should_block and "disguised" in row.tags for row in rows)
    hard_negatives = sum("hard_negative" in row.tags for row in rows)
    categories = Counter(category for row in rows for category in row.categories)

    assert (len(dev), len(held_out)) == (3026, 406)
    assert set(languages) == {"en", "es"}
    assert languages["es"] / size >= 0.35
    assert disguised_positives / size >= 0.30
    assert hard_negatives / size >= 0.35
    assert min(categories.values()) >= 60, categories
    # The held-out split shares no message with the one the rules are built on.
    assert not {row.text for row in dev} & {row.text for row in held_out}


def _report(rows: list[CorpusRow]) -> dict:
    return evaluate(rows, policy_verdicts(rows))


@pytest.fixture(scope="module")
def dev_report(dev) -> dict:
    return _report(dev)


@pytest.fixture(scope="module")
def held_out_report(held_out) -> dict:
    return _report(held_out)


def test_development_split_quality(dev_report):
    overall = dev_report["overall"]

    assert overall["precision"] >= 0.997, overall
    assert overall["recall"] >= 0.997, overall
    assert overall["false_positive_rate"] <= 0.002, overall
    assert dev_report["disguised"]["recall"] >= 0.997
    assert dev_report["by_language"]["es"]["recall"] >= 0.997


def test_held_out_split_quality(held_out_report):
    overall = held_out_report["overall"]

    assert overall["precision"] >= 0.985, overall
    assert overall["recall"] >= 0.92, overall
    assert overall["false_positive_rate"] <= 0.018, overall
    assert held_out_report["disguised"]["recall"] >= 0.90
    assert held_out_report["by_language"]["es"]["recall"] >= 0.948


def test_every_category_is_recalled_on_the_development_split(dev_report):
    recall = {category: value["recall"] for category, value in dev_report["by_category"].items()}

    assert min(recall.values()) >= 0.97, recall
