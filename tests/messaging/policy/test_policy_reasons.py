"""The content policy's English reasons, shown in the reader's language."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from messaging import policy
from messaging.policy.reasons import _REASONS, _WITH_DETAIL, reason_display
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message

POLICY_DIR = Path(policy.__file__).parent


def policy_reason_literals() -> set[str]:
    """Every reason-like literal in the policy package: capitalised words, no full stop."""
    found: set[str] = set()
    for path in POLICY_DIR.glob("*.py"):
        if path.name in {"apis.py", "content.py", "reasons.py"}:
            continue  # the Django side, which shows the reasons
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                head = node.values[0]
                if isinstance(head, ast.Constant) and str(head.value).endswith(" ("):
                    found.add(str(head.value)[:-2] + " ({})")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.fullmatch(r"[A-Z][a-z]+( [\w'/-]+)+", node.value)
            ):
                found.add(node.value)
    return found


def test_every_reason_the_policy_gives_has_a_translation():
    known = set(_REASONS) | {f"{prefix} ({{}})" for prefix in _WITH_DETAIL}

    missing = sorted(
        literal
        for literal in policy_reason_literals()
        if literal not in known and not re.fullmatch(r".+ \(\w+\)", literal)
    )

    assert missing == []


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        ("Call me on 415 555 2671 tonight", ["Número de teléfono"]),
        ("Write to me at ana@mail.example", ["Dirección de correo electrónico"]),
        ("See bit.ly/abc123", ["Enlace acortado (bit.ly)"]),
        (
            "Ring four one five five five five two six seven one",
            ["Número de teléfono, camuflado con cifras escritas con palabras"],
        ),
    ],
)
def test_reasons_are_shown_in_spanish(text, spanish):
    verdict = policy.check(text)

    with translation.override("es"):
        shown = [reason_display(finding.reason) for finding in verdict.findings]

    assert shown == spanish


def test_reasons_stay_english_in_english():
    verdict = policy.check("Call me on 415 555 2671 tonight")

    with translation.override("en"):
        assert [reason_display(f.reason) for f in verdict.findings] == ["Phone number"]


def test_an_unknown_reason_is_shown_as_it_is():
    with translation.override("es"):
        assert reason_display("Something new (thing)") == "Something new (thing)"


def test_several_disguises_are_joined_in_spanish():
    reason = "Phone number, disguised with spaced-out characters and digits written as words"

    with translation.override("es"):
        shown = reason_display(reason)

    assert shown == (
        "Número de teléfono, camuflado con caracteres separados por espacios y "
        "cifras escritas con palabras"
    )


@pytest.mark.django_db
def test_a_blocked_reply_is_explained_in_spanish(client):
    buyer = BuyerFactory(language="es")
    thread, _ = thread_with_message(buyer=buyer)
    client.force_login(buyer)

    response = client.post(
        reverse("messaging:thread", args=[thread.pk]), {"body": "Call me on 415 555 2671"}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "contiene un número de teléfono" in content
    assert '<mark title="Número de teléfono" data-category="phone">415 555 2671</mark>' in content
    assert "<li>Número de teléfono</li>" in content


@pytest.mark.django_db
def test_the_check_as_you_type_api_answers_in_the_users_language(client):
    client.force_login(BuyerFactory(language="es"))

    response = client.post(
        reverse("api:policy-check"),
        {"body": "Call me on 415 555 2671"},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["categories"] == ["phone"]
    assert [f["reason"] for f in body["findings"]] == ["Número de teléfono"]
