"""Train the semantic second pass (messaging/policy/model.py) and write messaging/policy/model.json.

Usage: python bench/train_policy_model.py [--corpus tests/data/policy/dev.jsonl] [--out PATH]
                                          [--check]

Trains on the development corpus only (never on tests/data/policy/heldout.jsonl). For each
semantic category (marketing, review_manipulation, opt_out) it:

1. builds the features model.py builds (it imports model.features: one implementation),
   as binary rows scaled by 1/sqrt(number of distinct features), the normalisation the run
   time reproduces;
2. chooses C, class_weight and the minimum document frequency of a feature by stratified
   5-fold cross-validation on the corpus (recall at precision >= 0.98 on out-of-fold scores,
   then average precision);
3. chooses the threshold on the out-of-fold scores of that setting, computed by model.py's own
   scorer (windows included), as the lowest cut keeping precision >= 0.98;
4. fits on the whole corpus, drops weights near zero, rounds, and writes model.json with sorted
   keys, the feature version, the thresholds and a date-free provenance block.

It prints out-of-fold precision and recall per category and per language, and the allowed
lines the out-of-fold model would block. ``--check`` retrains in memory and fails when the
result differs from the file (deterministic output: fixed folds, lbfgs, rounded floats).

scikit-learn is needed here only (the ``dev`` extra); model.py never imports it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from messaging.policy import split_attachment_lines  # noqa: E402
from messaging.policy.model import (  # noqa: E402
    FEATURES_VERSION,
    SEMANTIC_CATEGORIES,
    UNSCALED_FEATURES,
    SemanticModel,
    features,
)

DEFAULT_CORPUS = ROOT / "tests" / "data" / "policy" / "dev.jsonl"
DEFAULT_OUT = ROOT / "messaging" / "policy" / "model.json"
TARGET_PRECISION = 0.98
FOLDS = 5
# Out-of-fold scores are pooled over this many shufflings of the folds (random_state 0, 1,
# ...): one split's thresholds swing with where a handful of lines happen to fall.
REPEATS = 3
RANDOM_STATE = 0
C_GRID = (3.0, 10.0, 30.0, 100.0, 300.0)
CLASS_WEIGHTS: tuple[str | None, ...] = (None, "balanced")
MIN_DF_GRID = (1,)
# A weight this small changes a score by at most 0.1 / sqrt(n) per feature: dropped (at 0.1
# the out-of-fold precision and recall are those of the unpruned model, at a third of the size).
PRUNE_BELOW = 0.1
DIGITS = 4


@dataclass(frozen=True)
class Row:
    id: str
    lang: str
    text: str
    allowed: bool
    categories: frozenset[str]


@dataclass(frozen=True)
class Setting:
    c: float
    class_weight: str | None
    min_df: int


def load_rows(path: Path) -> tuple[list[Row], list[str], int]:
    """The corpus's rows (body only), the ids left out, and the number of lines."""
    rows: list[Row] = []
    skipped: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        body, _names = split_attachment_lines(item["text"])
        categories = frozenset(item["categories"]) - {"none"}
        # A semantic label carried only by an attachment's name ("cupon_10_proxima_compra.png"
        # under "Un regalo para ti.") says nothing about the body the model reads.
        if "attachment" in item["tags"] and categories & set(SEMANTIC_CATEGORIES):
            skipped.append(item["id"])
            continue
        rows.append(Row(item["id"], item["lang"], body, item["expected"] == "allow", categories))
    return rows, skipped, len(lines)


def vocabulary(feature_sets: Sequence[frozenset[str]], min_df: int) -> list[str]:
    counts: dict[str, int] = {}
    for found in feature_sets:
        for feature in found:
            counts[feature] = counts.get(feature, 0) + 1
    return sorted(f for f, n in counts.items() if n >= min_df)


def matrix(feature_sets: Sequence[frozenset[str]], vocab: list[str]) -> sparse.csr_matrix:
    """Binary rows over vocab, each scaled by 1/sqrt(its number of distinct features) except
    the UNSCALED_FEATURES, which stay 1."""
    index = {feature: i for i, feature in enumerate(vocab)}
    unscaled = {index[f] for f in UNSCALED_FEATURES if f in index}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for found in feature_sets:
        columns = sorted(index[f] for f in found if f in index)
        scale = 1.0 / math.sqrt(len(found)) if found else 0.0
        indices.extend(columns)
        data.extend(1.0 if column in unscaled else scale for column in columns)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(feature_sets), len(vocab)),
    )


def fit(
    x: sparse.csr_matrix, vocab: Sequence[str], y: np.ndarray, setting: Setting
) -> tuple[float, dict[str, float]]:
    """Bias and pruned, rounded weights of one category's logistic model."""
    model = LogisticRegression(
        C=setting.c,
        class_weight=setting.class_weight,
        solver="lbfgs",
        max_iter=10_000,
        tol=1e-6,
        random_state=RANDOM_STATE,
    )
    model.fit(x, y)
    weights = {
        feature: round(float(w), DIGITS)
        for feature, w in zip(vocab, model.coef_[0], strict=True)
        if abs(w) >= PRUNE_BELOW
    }
    return round(float(model.intercept_[0]), DIGITS), weights


def decision(
    x: sparse.csr_matrix, vocab: Sequence[str], bias: float, weights: dict[str, float]
) -> np.ndarray:
    """The run time's score of whole texts (model.py's logits without windows), from rows
    built by matrix() over vocab."""
    column = np.array([weights.get(feature, 0.0) for feature in vocab])
    return np.asarray(x @ column).ravel() + bias


def cut_at_precision(
    scores: np.ndarray, y: np.ndarray, target: float, counted: np.ndarray | None = None
) -> float:
    """The lowest logit cut whose flagged set keeps precision >= target (midway to the next
    lower score); +inf when no cut does. Lines outside ``counted`` count neither way."""
    keep = np.ones(len(y), dtype=bool) if counted is None else counted
    order = np.argsort(-scores[keep], kind="stable")
    ranked, truth = scores[keep][order], y[keep][order]
    best = math.inf
    true_positives = 0
    for k in range(len(ranked)):
        true_positives += int(truth[k])
        if k + 1 < len(ranked) and ranked[k + 1] == ranked[k]:
            continue  # ties go together
        if true_positives / (k + 1) >= target:
            below = ranked[k + 1] if k + 1 < len(ranked) else ranked[k] - 1.0
            best = (float(ranked[k]) + float(below)) / 2
    return best


def recall_at(scores: np.ndarray, y: np.ndarray, cut: float) -> float:
    positives = int(y.sum())
    return float(((scores >= cut) & (y == 1)).sum()) / positives if positives else 0.0


def strata(rows: Sequence[Row]) -> np.ndarray:
    """One stratum per line: its first semantic category, or "none" (shared by all three
    categories, so one set of folds and fold vocabularies serves the whole search)."""
    out = []
    for row in rows:
        found = [c for c in SEMANTIC_CATEGORIES if c in row.categories]
        out.append(found[0] if found else "none")
    return np.array(out)


def folds(labels: np.ndarray, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def sigmoid(score: float) -> float:
    if math.isinf(score):
        return 1.0 if score > 0 else 0.0
    return 1.0 / (1.0 + math.exp(-score))


def document(
    category_models: dict[str, tuple[float, dict[str, float], float]],
) -> dict[str, Any]:
    return {
        "features_version": FEATURES_VERSION,
        "categories": {
            category: {"bias": bias, "threshold": threshold, "weights": weights}
            for category, (bias, weights, threshold) in category_models.items()
        },
    }


def percent(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "  -  "


@dataclass(frozen=True)
class FoldData:
    train: np.ndarray
    test: np.ndarray
    vocab: list[str]
    x_train: sparse.csr_matrix
    x_test: sparse.csr_matrix


def fold_data(
    feature_sets: list[frozenset[str]], labels: np.ndarray, min_df: int
) -> list[FoldData]:
    """The folds of every repeat, with their vocabularies and matrices."""
    out = []
    for train, test in (
        split for seed in range(REPEATS) for split in folds(labels, RANDOM_STATE + seed)
    ):
        train_sets = [feature_sets[i] for i in train]
        vocab = vocabulary(train_sets, min_df)
        test_sets = [feature_sets[i] for i in test]
        out.append(
            FoldData(train, test, vocab, matrix(train_sets, vocab), matrix(test_sets, vocab))
        )
    return out


@dataclass(frozen=True)
class Outcome:
    flags: np.ndarray
    threshold: float
    cut: float


def outcome(scores: np.ndarray, y: np.ndarray, counted: np.ndarray) -> Outcome:
    cut = cut_at_precision(scores, y, TARGET_PRECISION, counted)
    threshold = round(sigmoid(cut), 6)
    flags = np.array([sigmoid(float(s)) >= threshold for s in scores])
    return Outcome(flags, threshold, cut)


def metrics_lines(
    rows: Sequence[Row], y: np.ndarray, flags: np.ndarray, counted: np.ndarray
) -> list[str]:
    """Precision and recall over all repeats; counts are per repeat (mean)."""
    lines = [
        f"  out-of-fold ({REPEATS} repeats)  precision  recall     tp    fp    fn"
        "   fp on another semantic category"
    ]
    for lang in ("all", "en", "es"):
        mask = np.array([lang in ("all", row.lang) for row in rows])
        tp = int((flags & (y == 1) & mask).sum())
        fp = int((flags & (y == 0) & mask & counted).sum())
        other = int((flags & (y == 0) & mask & ~counted).sum())
        fn = int((~flags & (y == 1) & mask).sum())
        lines.append(
            f"  {lang:<26} {percent(tp, tp + fp):>9}  {percent(tp, tp + fn):>6}"
            f"  {tp / REPEATS:5.1f} {fp / REPEATS:5.1f} {fn / REPEATS:5.1f}"
            f"   {other / REPEATS:.1f}"
        )
    return lines


def train(corpus: Path, cross_category: str) -> tuple[dict[str, Any], list[str]]:
    rows, skipped, line_count = load_rows(corpus)
    feature_sets = [features(row.text) for row in rows]
    labels = strata(rows)
    report: list[str] = [
        f"corpus {corpus.relative_to(ROOT)}: {line_count} lines, {len(rows)} used"
        f" (left out: {', '.join(skipped) or 'none'})",
        f"threshold rule: out-of-fold precision >= {TARGET_PRECISION}; lines of another"
        f" semantic category count as {cross_category}",
    ]
    per_min_df = {min_df: fold_data(feature_sets, labels, min_df) for min_df in MIN_DF_GRID}
    final: dict[str, tuple[float, dict[str, float], float]] = {}
    settings_used: dict[str, Any] = {}
    oof_flags: dict[str, np.ndarray] = {}
    allowed = np.array([row.allowed for row in rows])
    for category in SEMANTIC_CATEGORIES:
        y = np.array([category in row.categories for row in rows], dtype=int)
        other = np.array(
            [bool(row.categories & (set(SEMANTIC_CATEGORIES) - {category})) for row in rows]
        )
        counted = (y == 1) | ~other if cross_category == "neutral" else np.ones(len(y), bool)
        y_all, counted_all = np.tile(y, REPEATS), np.tile(counted, REPEATS)
        results = []
        for min_df, fold_list in per_min_df.items():
            for c in C_GRID:
                for class_weight in CLASS_WEIGHTS:
                    setting = Setting(c, class_weight, min_df)
                    scores = np.zeros((REPEATS, len(rows)))
                    for k, fold in enumerate(fold_list):
                        bias, weights = fit(fold.x_train, fold.vocab, y[fold.train], setting)
                        scores[k // FOLDS, fold.test] = decision(
                            fold.x_test, fold.vocab, bias, weights
                        )
                    pooled = scores.ravel()
                    cut = cut_at_precision(pooled, y_all, TARGET_PRECISION, counted_all)
                    recall = recall_at(pooled, y_all, cut)
                    ap = float(average_precision_score(y_all[counted_all], pooled[counted_all]))
                    results.append((recall, ap, setting))
        results.sort(key=lambda item: (-item[0], -item[1], item[2].c, item[2].min_df))
        report.append(f"\n{category}: {int(y.sum())} positives; best settings (5-fold CV)")
        for recall, ap, setting in results[:4]:
            report.append(
                f"  C={setting.c:<6g} class_weight={setting.class_weight!s:<8}"
                f" min_df={setting.min_df}  recall@P>={TARGET_PRECISION}={recall:.3f}"
                f"  AP={ap:.3f}"
            )
        setting = results[0][2]
        # Out-of-fold scores of the chosen setting, by model.py's own scorer (windows too).
        scores = np.zeros((REPEATS, len(rows)))
        for k, fold in enumerate(per_min_df[setting.min_df]):
            bias, weights = fit(fold.x_train, fold.vocab, y[fold.train], setting)
            scorer = SemanticModel(document({category: (bias, weights, 0.5)}))
            for i in fold.test:
                scores[k // FOLDS, i] = max(
                    logits[0] for _, logits in scorer.window_logits(rows[i].text)
                )
        chosen = outcome(scores.ravel(), y_all, counted_all)
        flags = chosen.flags.reshape(REPEATS, len(rows))
        oof_flags[category] = flags
        vocab = vocabulary(feature_sets, setting.min_df)
        bias, weights = fit(matrix(feature_sets, vocab), vocab, y, setting)
        final[category] = (bias, weights, chosen.threshold)
        settings_used[category] = {
            "C": setting.c,
            "class_weight": setting.class_weight or "none",
            "min_df": setting.min_df,
            "weights": len(weights),
        }
        report.append(
            f"  chosen C={setting.c:g} class_weight={setting.class_weight} "
            f"min_df={setting.min_df}; threshold p>={chosen.threshold} (logit {chosen.cut:.3f});"
            f" {len(weights)} weights kept"
        )
        report.extend(metrics_lines(rows, y, flags, counted))
        for i in np.flatnonzero(flags.any(axis=0) & (y == 0)):
            row = rows[i]
            kind = "ALLOWED" if row.allowed else "+".join(sorted(row.categories))
            report.append(
                f"    fp {row.id} [{kind}] in {int(flags[:, i].sum())}/{REPEATS} repeats,"
                f" p={sigmoid(float(scores[:, i].max())):.3f} {row.text!r}"
            )
    any_flag = np.zeros((REPEATS, len(rows)), dtype=bool)
    for flags in oof_flags.values():
        any_flag |= flags
    semantic = np.array([bool(row.categories & set(SEMANTIC_CATEGORIES)) for row in rows])
    blocked_allowed = (any_flag & allowed).sum(axis=1)
    caught = (any_flag & semantic).sum(axis=1)
    report.append(
        f"\nout-of-fold, any semantic category (per repeat): allowed lines blocked"
        f" {blocked_allowed.tolist()} of {int(allowed.sum())}; semantic lines caught"
        f" {caught.tolist()} of {int(semantic.sum())}"
    )
    doc = document(final)
    doc["provenance"] = {
        "corpus": str(corpus.relative_to(ROOT)),
        "corpus_lines": line_count,
        "corpus_sha256": hashlib.sha256(corpus.read_bytes()).hexdigest(),
        "left_out": skipped,
        "trainer": "bench/train_policy_model.py",
        "scikit_learn": sklearn.__version__,
        "cv": (
            f"stratified {FOLDS}-fold, shuffled, random_state {RANDOM_STATE}.."
            f"{RANDOM_STATE + REPEATS - 1}, out-of-fold scores pooled"
        ),
        "threshold_rule": (
            f"lowest out-of-fold cut with precision >= {TARGET_PRECISION}; lines of another"
            f" semantic category count as {cross_category}"
        ),
        "prune_below": PRUNE_BELOW,
        "settings": settings_used,
    }
    return doc, report


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=0) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out would change")
    parser.add_argument(
        "--cross-category",
        choices=("negative", "neutral"),
        default="negative",
        help="whether a line of another semantic category flagged for this one counts as a"
        " false positive (negative) or is left out of the precision (neutral: it is blocked"
        " either way)",
    )
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if "heldout" in corpus.name:
        parser.error("the held-out split is never used for training")
    doc, report = train(corpus, args.cross_category)
    print("\n".join(report))
    text = dumps(doc)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"\n{args.out} is out of date: retrain", file=sys.stderr)
            return 1
        print(f"\n{args.out} is up to date")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"\nwrote {args.out} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
