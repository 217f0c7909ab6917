"""The statistical second pass for the semantic categories (messaging/policy/model.py).

The examples are new wordings, in neither dev.jsonl nor heldout.jsonl: clear marketing,
review manipulation and opt-out in English and Spanish are flagged by the model alone, and
clear ordinary messages (a buyer reporting a bribe, a neutral request for an honest review,
a buyer mentioning a sale they bought in) are not.
"""

import json
import os
import subprocess
import sys
import time
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest

from messaging.policy import model
from messaging.policy.model import (
    FEATURES_VERSION,
    MAX_WINDOWS,
    REPORT_FEATURE,
    SEMANTIC_CATEGORIES,
    WINDOW_CHARS,
    features,
    normalize_view,
    semantic_findings,
    semantic_scores,
    sentences,
    windows,
)

ROOT = Path(__file__).resolve().parents[3]

FLAGGED: list[tuple[str, str]] = [
    ("marketing", "Use code THANKYOU15 for 15% off your next order with us."),
    (
        "marketing",
        "Join our newsletter and get early access to new collections and member-only discounts.",
    ),
    ("marketing", "Usa el código GRACIAS15 y llévate un 15 % de descuento en tu próxima compra."),
    (
        "marketing",
        "La próxima vez pídemelo directamente a mí, fuera de la plataforma, y te lo dejo más "
        "barato.",
    ),
    ("marketing", "Fr33 sh1pping on ur n3xt 0rder w/ c0de SHIP0 😉"),
    ("review_manipulation", "Leave us a 5-star review and we'll refund your shipping cost."),
    ("review_manipulation", "If you remove your negative review I'll send you a full refund."),
    (
        "review_manipulation",
        "Si nos dejas una reseña de 5 estrellas te devolvemos el 20 % del precio.",
    ),
    ("review_manipulation", "Antes de dejar una reseña negativa, escríbenos y lo solucionamos."),
    ("opt_out", "To stop receiving these updates from us, reply STOP."),
    (
        "opt_out",
        "Please turn off marketplace messages in your settings; we'll contact you another way.",
    ),
    ("opt_out", "Para no recibir más mensajes nuestros, responde BAJA."),
    ("opt_out", "Desactiva los mensajes de la plataforma y seguimos hablando por otro lado."),
    ("opt_out", "r-e-p-l-y S-T-O-P to opt out"),
]

ALLOWED: list[str] = [
    # a buyer reporting a review bribe or an off-platform offer
    "A seller offered me a $20 refund if I changed my review to five stars. I said no. "
    "Is that allowed?",
    "Alguien que decía ser de su tienda me ofreció un reembolso si cambiaba mi reseña. "
    "No lo hice, ¿fueron ustedes?",
    "There was a card in the box promising a gift card for a 5-star review. I'm not doing "
    "that, just flagging it.",
    # a neutral request for an honest review
    "When you have a moment, we'd appreciate an honest review of the kettle, whatever your "
    "experience was.",
    "Cuando pueda, nos encantaría conocer su opinión sincera sobre la lámpara, sea buena o mala.",
    # a buyer mentioning a sale they bought in
    "I bought this during your spring sale. Does the 30-day return window still apply?",
    "Compré la cafetera en las rebajas de enero; ¿sigue teniendo dos años de garantía?",
    # ordinary messages
    "The parcel arrived today, thank you. The lamp works perfectly.",
    "Hi Sara, your order has shipped and should arrive on Thursday. Tracking is on the order page.",
]


@pytest.mark.parametrize(("category", "text"), FLAGGED)
def test_clear_semantic_violations_are_flagged(category, text):
    assert [c for c, _, _ in semantic_findings(text)] == [category]


@pytest.mark.parametrize("text", ALLOWED)
def test_clear_ordinary_messages_are_not_flagged(text):
    assert semantic_findings(text) == []


def test_scores_are_probabilities_for_every_category():
    scores = semantic_scores("Thanks, the chair arrived.")
    assert set(scores) == set(SEMANTIC_CATEGORIES)
    assert all(0.0 < p < 1.0 for p in scores.values())
    assert semantic_scores("") == semantic_scores("   ")


def test_span_is_the_sentence_that_carries_the_category():
    text = (
        "Hi Jonas, your lamp left our workshop this morning and should be with you on Friday. "
        "Use code THANKYOU15 for 15% off your next order with us. Best, Ines"
    )
    [(category, start, end)] = semantic_findings(text)
    assert category == "marketing"
    assert text[start:end] == "Use code THANKYOU15 for 15% off your next order with us."


def test_spans_lie_inside_the_text_and_are_trimmed():
    for category, text in FLAGGED:
        padded = f"  \n{text}\n  "
        for found_category, start, end in semantic_findings(padded):
            assert found_category == category
            assert 0 <= start < end <= len(padded)
            assert padded[start:end] == padded[start:end].strip()
            assert padded[start:end] in text


def test_sentences_keep_offsets_and_merge_fragments():
    text = " Hi Jo! Hi Joe! r . o . s . a is here.\nOK. Use code X; it ends today. Bye "
    assert [text[a:b] for a, b in sentences(text)] == [
        "Hi Jo! Hi Joe!",
        "r . o . s . a is here.",
        "OK. Use code X;",
        "it ends today.",
        "Bye",
    ]


def test_a_violation_in_a_later_window_is_found_with_its_offsets():
    filler = "The parcel arrived today and the lamp works perfectly, thank you again. " * 12
    text = filler + "To stop receiving these updates from us, reply STOP. " + filler
    assert len(text) > 2 * WINDOW_CHARS
    [(category, start, end)] = semantic_findings(text)
    assert category == "opt_out"
    assert text[start:end] == "To stop receiving these updates from us, reply STOP."


def test_windows_cover_the_start_and_the_end_of_a_long_text_and_are_bounded():
    text = "word " * 3_000 + "The end."
    spans = windows(text)
    assert len(spans) == MAX_WINDOWS
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    assert all(0 < end - start <= WINDOW_CHARS for start, end in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    assert all(not text[start].isspace() for start, _ in spans)


def test_a_closing_line_after_a_long_text_is_read():
    filler = "The parcel arrived today and the lamp works perfectly, thank you again. " * 60
    text = filler + "P.S. To stop receiving these updates from us, reply STOP."
    [(category, start, end)] = semantic_findings(text)
    assert category == "opt_out"
    assert text[start:end] == "P.S. To stop receiving these updates from us, reply STOP."


@pytest.mark.parametrize(
    "text",
    [
        "a" * 5_000,
        "1" * 5_000,
        "a " * 2_500,
        "a." * 2_500,
        "st0p fr33 " * 500,
        "⭐🎁" * 2_500,
        "Reply STOP now. " * 312,
        " ".join(f"w{i}x{i * 7}q" for i in range(700))[:5_000],
    ],
)
def test_long_adversarial_inputs_return_quickly(text):
    semantic_findings(text)  # warm the caches of this shape once
    start = time.process_time()
    for _ in range(3):
        found = semantic_findings(text)
        scores = semantic_scores(text)
    elapsed = (time.process_time() - start) / 3
    assert set(scores) == set(SEMANTIC_CATEGORIES)
    assert all(0 <= a < b <= len(text) for _, a, b in found)
    assert elapsed < 0.05  # generous for a loaded CI machine; typically well under 3 ms


def test_features_are_deterministic_and_normalised():
    text = "Bl4ck Fr1day deals in our st0re: ★★★★★ = free gift 🎁, reply ＳＴＯＰ"
    assert features(text) == features(text)
    assert features(text) == features(text.upper())
    view = normalize_view(text)
    assert "black friday" in view
    assert "store" in view
    assert "star" in view
    assert "gift" in view
    assert "stop" in view
    assert normalize_view("c-o-u-p-o-n for N E W items") == "coupon for new items"
    assert normalize_view("Para d.a.r.s.e de b.a.j.a") == "para darse de baja"
    assert normalize_view("Últimas unidades") == "ultimas unidades"
    assert normalize_view("Рlеаѕе rеvіеw") == "please review"  # Cyrillic look-alikes
    assert normalize_view("3️⃣x2️⃣ en tazas") == "3x2 en tazas"
    assert normalize_view("10cm, 2x1, $10, wow!") == "10cm, 2x1, $10, wow!"
    assert normalize_view("Order 112-1234567-1234567") == "order 000-000-000"
    assert sorted(features("Reply STOP")) == sorted(
        ["<reply>", "<rep", "repl", "eply", "ply>", "<stop>", "<sto", "stop", "top>", "reply stop"]
    )


def test_features_and_scores_do_not_depend_on_the_hash_seed():
    """Sets of strings iterate in a different order in every process: the features (a set)
    and the scores must not depend on it."""
    program = (
        "import json, sys; from messaging.policy.model import features, semantic_scores; "
        "t = sys.argv[1]; print(json.dumps([sorted(features(t)), semantic_scores(t)]))"
    )
    text = "Hola Ana: 5⭐ = reembolso 🎁. Use c0de SAVE10 on ur n3xt order! Reply STOP to opt out."
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", program, text],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONHASHSEED": seed},
            ).stdout
        )
        for seed in ("1", "2", "3")
    ]
    assert runs[0][0] == runs[1][0] == runs[2][0]
    for run in runs[1:]:
        assert run[1] == pytest.approx(runs[0][1], abs=1e-12)


@pytest.mark.parametrize(
    ("text", "reports"),
    [
        ("The seller told me to change my review. I refused.", True),
        ("Me ofrecieron un descuento por fuera; no lo hice.", True),
        ("Please stop sending me review reminders.", True),
        ("Leave us a 5-star review and we'll refund your shipping cost.", False),
        ("Para no recibir más mensajes nuestros, responde BAJA.", False),
    ],
)
def test_report_cue(text, reports):
    assert (REPORT_FEATURE in features(text)) is reports


def test_model_file_matches_the_feature_version():
    document = json.loads(
        resources.files("messaging.policy").joinpath("model.json").read_text(encoding="utf-8")
    )
    assert document["features_version"] == FEATURES_VERSION, (
        "features() changed since model.json was trained: run bench/train_policy_model.py"
    )
    assert model.model_features_version() == FEATURES_VERSION
    assert set(document["categories"]) == set(SEMANTIC_CATEGORIES)
    for category in SEMANTIC_CATEGORIES:
        entry = document["categories"][category]
        assert 0.0 < entry["threshold"] < 1.0
        assert entry["weights"]
    assert document["provenance"]["corpus"] == "tests/data/policy/dev.jsonl"
    assert "heldout" not in json.dumps(document["provenance"])
