"""Measuring the content policy on a labelled corpus: the metrics and ``manage.py policy_eval``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from messaging.policy import split_attachment_lines
from messaging.policy.evaluation import (
    CorpusError,
    corpus_parse,
    corpus_text,
    evaluate,
    policy_verdicts,
    report_render,
)


def line(id, lang, text, expected, categories, tags=()):
    return {
        "id": id,
        "lang": lang,
        "text": text,
        "expected": expected,
        "categories": list(categories),
        "tags": list(tags),
    }


# Seven lines with known outcomes: c5 and c6 are labelled against what the filter does (a
# missed violation and a false positive), and c7 names a category the filter does not find.
CORPUS = [
    line("c1", "en", "Write to me at sam@gmail.com", "block", ["email"]),
    line("c2", "es", "Llámame al +34 612 345 678", "block", ["phone"]),
    line("c3", "en", "Where is my parcel?", "allow", ["none"]),
    line("c4", "es", "¿Dónde está mi paquete?", "allow", ["none"], ["hard_negative"]),
    line(
        "c5", "en", "Where is my parcel? It was due Monday.", "block", ["marketing"], ["disguised"]
    ),
    line("c6", "en", "My email is sam@gmail.com", "allow", ["none"], ["hard_negative"]),
    line("c7", "es", "Escríbeme a sam@gmail.com", "block", ["email", "phone"], ["disguised"]),
]
VERDICTS = [("email",), ("phone",), (), (), (), ("email",), ("email",)]


def write_corpus(path, rows):
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return path


def rows_of(records):
    return corpus_parse(json.dumps(record) for record in records)


def score(count, tp, fp, fn, tn, precision, recall, false_positive_rate):
    return {
        "count": count,
        "block": tp + fn,
        "allow": fp + tn,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "true_negatives": tn,
        "precision": precision,
        "recall": recall,
        "false_positive_rate": false_positive_rate,
    }


def category(count, found, flagged, flagged_block, flagged_allow, precision, recall, fp_rate):
    return {
        "count": count,
        "found": found,
        "flagged": flagged,
        "flagged_block": flagged_block,
        "flagged_allow": flagged_allow,
        "precision": precision,
        "recall": recall,
        "false_positive_rate": fp_rate,
    }


NOT_SEEN = category(0, 0, 0, 0, 0, None, None, 0.0)
EXPECTED_REPORT = {
    "overall": score(7, 3, 1, 1, 2, 0.75, 0.75, 1 / 3),
    "disguised": {"count": 2, "recall": 0.5},
    "by_category": {
        "email": category(2, 2, 3, 2, 1, 2 / 3, 1.0, 1 / 3),
        "phone": category(2, 1, 1, 1, 0, 1.0, 0.5, 0.0),
        "url": NOT_SEEN,
        "social_handle": NOT_SEEN,
        "messaging_app": NOT_SEEN,
        "marketing": category(1, 0, 0, 0, 0, None, 0.0, 0.0),
        "review_manipulation": NOT_SEEN,
        "opt_out": NOT_SEEN,
    },
    "by_language": {
        "en": score(4, 1, 1, 1, 1, 0.5, 0.5, 0.5),
        "es": score(3, 2, 0, 0, 1, 1.0, 1.0, 0.0),
    },
    "by_tag": {
        "disguised": score(2, 1, 0, 1, 0, 1.0, 0.5, None),
        "hard_negative": score(2, 0, 1, 0, 1, 0.0, None, 0.5),
    },
    "false_negatives": [
        {
            "id": "c5",
            "lang": "en",
            "expected": "block",
            "got": [],
            "text": "Where is my parcel? It was due Monday.",
        }
    ],
    "false_positives": [
        {
            "id": "c6",
            "lang": "en",
            "expected": "allow",
            "got": ["email"],
            "text": "My email is sam@gmail.com",
        }
    ],
}


def test_evaluate_gives_exact_precision_recall_and_false_positive_rates():
    report = evaluate(rows_of(CORPUS), VERDICTS)

    assert report == EXPECTED_REPORT


def test_policy_verdicts_check_the_body_and_the_attachment_names():
    rows = rows_of(
        [
            line(
                "a",
                "en",
                "See attached\n[attachment: write to john@gmail.com.pdf]",
                "block",
                ["email"],
            ),
            line("b", "en", "See attached\n[attachment: invoice.pdf]", "allow", ["none"]),
        ]
    )

    assert policy_verdicts(rows) == [("email",), ()]


def test_corpus_text_is_read_back_by_split_attachment_lines():
    text = corpus_text("Hello\nthere", ["a photo.jpg", "invoice.pdf"])

    assert text == "Hello\nthere\n[attachment: a photo.jpg]\n[attachment: invoice.pdf]"
    assert split_attachment_lines(text) == ("Hello\nthere", ["a photo.jpg", "invoice.pdf"])
    assert corpus_text("No files", []) == "No files"


def test_policy_eval_reports_the_corpus_as_json(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl", CORPUS)
    out = StringIO()

    call_command("policy_eval", str(corpus), format="json", stdout=out)

    assert json.loads(out.getvalue()) == EXPECTED_REPORT


def test_policy_eval_reads_several_corpora_as_one(tmp_path):
    first = write_corpus(tmp_path / "first.jsonl", CORPUS[:3])
    second = write_corpus(tmp_path / "second.jsonl", CORPUS[3:])
    out = StringIO()

    call_command("policy_eval", str(first), str(second), format="json", stdout=out)

    assert json.loads(out.getvalue()) == EXPECTED_REPORT


def test_policy_eval_lists_at_most_n_misses_of_each_kind(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl", CORPUS)
    out = StringIO()

    call_command("policy_eval", str(corpus), format="json", misses=0, stdout=out)

    report = json.loads(out.getvalue())
    assert (report["false_negatives"], report["false_positives"]) == ([], [])
    assert report["overall"]["false_negatives"] == 1


def test_the_text_report_is_aligned_tables_with_the_misses_truncated():
    rows = rows_of(
        [
            line("m1", "en", "Where is my parcel?\n" + "x" * 200, "block", ["url"], ["disguised"]),
            line("m2", "es", "Hola", "allow", ["none"]),
        ]
    )

    text = report_render(evaluate(rows, [(), ()]), title="Content policy on tiny.jsonl")

    assert text.splitlines() == [
        "Content policy on tiny.jsonl",
        "",
        "     lines  block  allow  precision  recall  FP rate",
        "all      2      1      1          —   0.000    0.000",
        "",
        "Recall on disguised lines: 0.000 (n = 1)",
        "",
        "By category",
        "category             lines  flagged  precision  recall  FP rate",
        "email                    0        0          —       —    0.000",
        "phone                    0        0          —       —    0.000",
        "url                      1        0          —   0.000    0.000",
        "social_handle            0        0          —       —    0.000",
        "messaging_app            0        0          —       —    0.000",
        "marketing                0        0          —       —    0.000",
        "review_manipulation      0        0          —       —    0.000",
        "opt_out                  0        0          —       —    0.000",
        "",
        "By language",
        "language  lines  block  allow  precision  recall  FP rate",
        "en            1      1      0          —   0.000        —",
        "es            1      0      1          —       —    0.000",
        "",
        "By tag",
        "tag        lines  block  allow  precision  recall  FP rate",
        "disguised      1      1      0          —   0.000        —",
        "",
        "False negatives (1 of 1)",
        "id  lang  expected  got  text",
        "m1  en    block     —    Where is my parcel? ⏎ " + "x" * 97 + "…",
        "",
        "False positives (0 of 0)",
    ]


def test_the_markdown_report_has_tables_for_benchmarks_md(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl", CORPUS)
    out = StringIO()

    call_command("policy_eval", str(corpus), format="markdown", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:5] == [
        f"### Content policy on {corpus}",
        "",
        "|  | lines | block | allow | precision | recall | FP rate |",
        "|:--|--:|--:|--:|--:|--:|--:|",
        "| all | 7 | 4 | 3 | 0.750 | 0.750 | 0.333 |",
    ]
    assert "| email | 2 | 3 | 0.667 | 1.000 | 0.333 |" in lines
    assert "| c6 | en | allow | email | My email is sam@gmail.com |" in lines


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "not JSON (Expecting property name enclosed in double quotes)"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({**CORPUS[0], "id": ""}), "'id' must be a non-empty string"),
        (json.dumps({**CORPUS[0], "text": None}), "'text' must be a string"),
        (json.dumps({**CORPUS[0], "expected": "maybe"}), '\'expected\' must be "allow" or "block"'),
        (json.dumps({**CORPUS[0], "categories": ["spam"]}), "unknown categories: spam"),
        (
            json.dumps({**CORPUS[0], "categories": ["none"]}),
            'a line to block names the categories it breaks (not "none")',
        ),
        (
            json.dumps({**CORPUS[2], "categories": ["email"]}),
            'a line to allow has categories ["none"]',
        ),
        (json.dumps({**CORPUS[0], "tags": "disguised"}), "'tags' must be a list of strings"),
    ],
)
def test_a_bad_corpus_line_is_a_command_error_naming_the_line(tmp_path, bad, reason):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text(json.dumps(CORPUS[1]) + "\n\n" + bad + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("policy_eval", str(corpus), stdout=StringIO())

    assert str(error.value) == f"{corpus}: line 3: {reason}"


def test_an_id_used_twice_across_corpora_is_refused(tmp_path):
    first = write_corpus(tmp_path / "first.jsonl", CORPUS[:2])
    second = write_corpus(tmp_path / "second.jsonl", [CORPUS[2], CORPUS[0]])

    with pytest.raises(CommandError) as error:
        call_command("policy_eval", str(first), str(second), stdout=StringIO())

    assert str(error.value) == f"{second}: line 2: id 'c1' already used at {first}: line 1"


def test_a_missing_corpus_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("policy_eval", str(tmp_path / "nope.jsonl"), stdout=StringIO())

    assert str(error.value) == f"{tmp_path / 'nope.jsonl'}: No such file or directory"


def test_corpus_parse_raises_corpus_error_with_source_and_line():
    with pytest.raises(CorpusError, match=r"^dev\.jsonl: line 2: expected a JSON object$"):
        corpus_parse([json.dumps(CORPUS[0]), "3"], source="dev.jsonl")
