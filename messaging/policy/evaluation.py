"""Measure the content policy on a labelled corpus: read its lines, score the verdicts.

Pure functions over rows and verdicts, no framework, shared by ``manage.py policy_eval``, the
benchmark and the tests. A corpus line is one JSON object::

    {"id": "d0001", "lang": "en", "text": "...", "expected": "allow" | "block",
     "categories": ["email", ...] | ["none"], "tags": ["disguised", ...]}

Trailing ``[attachment: NAME]`` lines of ``text`` are the names of attached files.

Block versus allow, a line is a true positive when it should be blocked and is. For one
category, recall is the share of lines labelled with it whose verdict names it; precision
the share of verdicts naming it on lines that should be blocked (for any category); the
false-positive rate the share of lines that should be allowed whose verdict names it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .check import CATEGORIES, check, split_attachment_lines

DISGUISED_TAG = "disguised"
EXPECTED = ("allow", "block")
NO_CATEGORY = "none"
MISS_TEXT_LENGTH = 120

Verdicts = Sequence[tuple[str, ...]]  # the categories the filter blocked each line for


class CorpusError(ValueError):
    """A corpus line that is not a labelled message; the message says where and why."""


@dataclass(frozen=True, slots=True)
class CorpusRow:
    """One labelled message of the corpus."""

    id: str
    lang: str
    text: str
    expected: str
    categories: tuple[str, ...]  # the categories it breaks; empty when it should be allowed
    tags: tuple[str, ...] = ()

    @property
    def should_block(self) -> bool:
        return self.expected == "block"


def corpus_text(body: str, filenames: Sequence[str]) -> str:
    """Write a message as a corpus text: its body, then an ``[attachment: NAME]`` line a file."""
    return body + "".join(f"\n[attachment: {name}]" for name in filenames)


def _string_list(record: dict[str, Any], key: str) -> list[str]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CorpusError(f"'{key}' must be a list of strings")
    return value


def corpus_row_parse(line: str) -> CorpusRow:
    """Read one corpus line; raise ``CorpusError`` saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise CorpusError(f"not JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise CorpusError("expected a JSON object")
    for key in ("id", "lang"):
        if not isinstance(record.get(key), str) or not record[key]:
            raise CorpusError(f"'{key}' must be a non-empty string")
    if not isinstance(record.get("text"), str):
        raise CorpusError("'text' must be a string")
    expected = record.get("expected")
    if expected not in EXPECTED:
        raise CorpusError('\'expected\' must be "allow" or "block"')
    categories = _string_list(record, "categories")
    unknown = sorted(set(categories) - set(CATEGORIES) - {NO_CATEGORY})
    if unknown:
        raise CorpusError(f"unknown categories: {', '.join(unknown)}")
    named = tuple(sorted(set(categories) - {NO_CATEGORY}))
    if expected == "block" and (not named or NO_CATEGORY in categories):
        raise CorpusError('a line to block names the categories it breaks (not "none")')
    if expected == "allow" and named:
        raise CorpusError('a line to allow has categories ["none"]')
    return CorpusRow(
        id=record["id"],
        lang=record["lang"],
        text=record["text"],
        expected=expected,
        categories=named,
        tags=tuple(_string_list(record, "tags")),
    )


def corpus_parse(
    lines: Iterable[str], *, source: str = "corpus", seen: dict[str, str] | None = None
) -> list[CorpusRow]:
    """Read a corpus's lines (blank ones skipped); an error names the source and line number.

    ``seen`` maps the ids already read (from other files) to where they were, so an id used
    twice is refused.
    """
    seen = {} if seen is None else seen
    rows: list[CorpusRow] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}: line {number}"
        try:
            row = corpus_row_parse(line)
        except CorpusError as error:
            raise CorpusError(f"{where}: {error}") from None
        if row.id in seen:
            raise CorpusError(f"{where}: id {row.id!r} already used at {seen[row.id]}")
        seen[row.id] = where
        rows.append(row)
    return rows


def policy_verdicts(
    rows: Iterable[CorpusRow],
    *,
    own_domains: Sequence[str] = ("marketplace.com",),
    statistical: bool = True,
) -> list[tuple[str, ...]]:
    """Check each row's body and file names; return the categories each was blocked for.

    ``statistical=False`` measures the rules alone, without the second pass.
    """
    domains = tuple(own_domains)
    verdicts = []
    for row in rows:
        body, filenames = split_attachment_lines(row.text)
        verdict = check(body, filenames=filenames, own_domains=domains, statistical=statistical)
        verdicts.append(verdict.categories)
    return verdicts


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Score:
    """Block-versus-allow outcomes of a group of lines."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0

    @property
    def count(self) -> int:
        return (
            self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
        )

    @property
    def precision(self) -> float | None:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float | None:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def false_positive_rate(self) -> float | None:
        return _ratio(self.false_positives, self.false_positives + self.true_negatives)

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "block": self.true_positives + self.false_negatives,
            "allow": self.false_positives + self.true_negatives,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "true_negatives": self.true_negatives,
            "precision": self.precision,
            "recall": self.recall,
            "false_positive_rate": self.false_positive_rate,
        }


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """How one category is recalled, and how often the filter names it wrongly."""

    labelled: int = 0  # lines labelled with the category
    found: int = 0  # ... whose verdict names it
    flagged: int = 0  # verdicts naming the category
    flagged_block: int = 0  # ... on lines that should be blocked
    flagged_allow: int = 0  # ... on lines that should be allowed
    allow: int = 0  # lines that should be allowed

    @property
    def count(self) -> int:
        return self.labelled

    @property
    def precision(self) -> float | None:
        return _ratio(self.flagged_block, self.flagged)

    @property
    def recall(self) -> float | None:
        return _ratio(self.found, self.labelled)

    @property
    def false_positive_rate(self) -> float | None:
        return _ratio(self.flagged_allow, self.allow)

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.labelled,
            "found": self.found,
            "flagged": self.flagged,
            "flagged_block": self.flagged_block,
            "flagged_allow": self.flagged_allow,
            "precision": self.precision,
            "recall": self.recall,
            "false_positive_rate": self.false_positive_rate,
        }


def score(rows: Sequence[CorpusRow], verdicts: Verdicts) -> Score:
    """Count block-versus-allow outcomes over the rows."""
    counts = [0, 0, 0, 0]
    for row, got in zip(rows, verdicts, strict=True):
        counts[(0 if row.should_block else 1) + (0 if got else 2)] += 1
    return Score(*counts)


def scores_by(
    rows: Sequence[CorpusRow], verdicts: Verdicts, keys: Callable[[CorpusRow], Iterable[str]]
) -> dict[str, Score]:
    """Score each group of rows (a row may be in several groups), groups sorted by name."""
    groups: dict[str, tuple[list[CorpusRow], list[tuple[str, ...]]]] = {}
    for row, got in zip(rows, verdicts, strict=True):
        for key in dict.fromkeys(keys(row)):
            group = groups.setdefault(key, ([], []))
            group[0].append(row)
            group[1].append(got)
    return {key: score(*groups[key]) for key in sorted(groups)}


def category_scores(rows: Sequence[CorpusRow], verdicts: Verdicts) -> dict[str, CategoryScore]:
    """Score every policy category, in the policy's order."""
    allow = sum(not row.should_block for row in rows)
    counts = {category: [0, 0, 0, 0, 0] for category in CATEGORIES}
    for row, got in zip(rows, verdicts, strict=True):
        for category in row.categories:
            counts[category][0] += 1
            counts[category][1] += category in got
        for category in got:
            if category in counts:
                counts[category][2] += 1
                counts[category][3 if row.should_block else 4] += 1
    return {
        category: CategoryScore(
            labelled=labelled,
            found=found,
            flagged=flagged,
            flagged_block=flagged_block,
            flagged_allow=flagged_allow,
            allow=allow,
        )
        for category, (labelled, found, flagged, flagged_block, flagged_allow) in counts.items()
    }


@dataclass(frozen=True, slots=True)
class Miss:
    """A line the filter judged wrongly: blocked though allowed, or allowed though blocked."""

    id: str
    lang: str
    expected: str
    got: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lang": self.lang,
            "expected": self.expected,
            "got": list(self.got),
            "text": self.text,
        }


def misses(rows: Sequence[CorpusRow], verdicts: Verdicts) -> tuple[list[Miss], list[Miss]]:
    """The false negatives and the false positives, each in corpus order."""
    false_negatives: list[Miss] = []
    false_positives: list[Miss] = []
    for row, got in zip(rows, verdicts, strict=True):
        if row.should_block != bool(got):
            found = false_negatives if row.should_block else false_positives
            found.append(Miss(row.id, row.lang, row.expected, tuple(got), row.text))
    return false_negatives, false_positives


def evaluate(
    rows: Sequence[CorpusRow], verdicts: Verdicts, *, misses_limit: int | None = None
) -> dict[str, Any]:
    """The whole report, ready for JSON: overall, per category, language and tag, the misses.

    ``misses_limit`` caps how many false negatives (and, apart, false positives) are listed.
    """
    by_tag = scores_by(rows, verdicts, lambda row: row.tags)
    disguised = by_tag.get(DISGUISED_TAG, Score())
    false_negatives, false_positives = misses(rows, verdicts)
    return {
        "overall": score(rows, verdicts).to_dict(),
        "disguised": {"count": disguised.count, "recall": disguised.recall},
        "by_category": {
            category: value.to_dict() for category, value in category_scores(rows, verdicts).items()
        },
        "by_language": {
            key: value.to_dict()
            for key, value in scores_by(rows, verdicts, lambda row: (row.lang,)).items()
        },
        "by_tag": {key: value.to_dict() for key, value in by_tag.items()},
        "false_negatives": [miss.to_dict() for miss in false_negatives[:misses_limit]],
        "false_positives": [miss.to_dict() for miss in false_positives[:misses_limit]],
    }


# --- rendering ------------------------------------------------------------------------------


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _short(text: str, length: int = MISS_TEXT_LENGTH) -> str:
    flat = text.replace("\n", " ⏎ ")
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _table(
    headers: Sequence[str], body: Sequence[Sequence[str]], *, markdown: bool, left: int = 1
) -> list[str]:
    """Render a table; its first ``left`` columns are text, aligned left, the others numbers."""
    if markdown:

        def cell(value: str) -> str:
            return value.replace("|", "\\|")

        lines = ["| " + " | ".join(headers) + " |"]
        lines.append(
            "|" + "|".join(":--" if i < left else "--:" for i in range(len(headers))) + "|"
        )
        lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in body)
        return lines
    widths = [max(len(row[i]) for row in [headers, *body]) for i in range(len(headers))]
    return [
        "  ".join(
            value.ljust(widths[i]) if i < left else value.rjust(widths[i])
            for i, value in enumerate(row)
        ).rstrip()
        for row in [headers, *body]
    ]


_SCORE_HEADERS = ("lines", "block", "allow", "precision", "recall", "FP rate")


def _score_row(name: str, values: dict[str, Any]) -> list[str]:
    return [
        name,
        str(values["count"]),
        str(values["block"]),
        str(values["allow"]),
        _number(values["precision"]),
        _number(values["recall"]),
        _number(values["false_positive_rate"]),
    ]


def _miss_lines(
    title: str, found: list[dict[str, Any]], total: int, *, markdown: bool
) -> list[str]:
    heading = f"{title} ({len(found)} of {total})"
    if not found:
        return [f"#### {heading}" if markdown else heading, ""]
    body = [
        [
            miss["id"],
            miss["lang"],
            miss["expected"],
            ", ".join(miss["got"]) or "—",
            _short(miss["text"]),
        ]
        for miss in found
    ]
    table = _table(("id", "lang", "expected", "got", "text"), body, markdown=markdown, left=5)
    return [f"#### {heading}" if markdown else heading, *table, ""]


def report_render(report: dict[str, Any], *, title: str, markdown: bool = False) -> str:
    """The report as aligned plain-text tables, or as markdown tables (for BENCHMARKS.md)."""
    head = "### " if markdown else ""
    sub = "#### " if markdown else ""
    overall = report["overall"]
    disguised = report["disguised"]
    lines = [f"{head}{title}", ""]
    lines += _table(("", *_SCORE_HEADERS), [_score_row("all", overall)], markdown=markdown)
    lines += [
        "",
        f"Recall on disguised lines: {_number(disguised['recall'])} (n = {disguised['count']})",
        "",
        f"{sub}By category",
    ]
    lines += _table(
        ("category", "lines", "flagged", "precision", "recall", "FP rate"),
        [
            [
                category,
                str(values["count"]),
                str(values["flagged"]),
                _number(values["precision"]),
                _number(values["recall"]),
                _number(values["false_positive_rate"]),
            ]
            for category, values in report["by_category"].items()
        ],
        markdown=markdown,
    )
    for name, key in (("By language", "by_language"), ("By tag", "by_tag")):
        lines += ["", f"{sub}{name}"]
        body = [_score_row(group, values) for group, values in report[key].items()]
        lines += (
            _table((name.split()[-1], *_SCORE_HEADERS), body, markdown=markdown) if body else ["—"]
        )
    lines.append("")
    lines += _miss_lines(
        "False negatives",
        report["false_negatives"],
        overall["false_negatives"],
        markdown=markdown,
    )
    lines += _miss_lines(
        "False positives",
        report["false_positives"],
        overall["false_positives"],
        markdown=markdown,
    )
    return "\n".join(lines).rstrip("\n") + "\n"
