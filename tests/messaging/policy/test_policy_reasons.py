"""The content policy's reasons travel as codes with parameters, shown in the reader's language."""

import re
import string

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from messaging import policy
from messaging.models import Message
from messaging.policy import codes
from messaging.policy.reasons import (
    CATEGORY_LABELS,
    DISGUISE_LABELS,
    REASON_LABELS,
    blocked_explanation,
    findings_display,
    reason_display,
)
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message

SPACED_AND_SPELLED = "Ring 4 1 5 5 five five two six seven one"


def english_fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def label_fields(label: object) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", str(label)))


def spanish(label: object) -> str:
    with translation.override("es"):
        return str(label)


def english(label: object) -> str:
    with translation.override("en"):
        return str(label)


def test_every_code_the_policy_gives_has_a_label_with_the_same_parameters():
    assert set(REASON_LABELS) == set(codes.REASONS)
    assert {code: label_fields(label) for code, label in REASON_LABELS.items()} == {
        code: english_fields(text) for code, text in codes.REASONS.items()
    }


def test_every_disguise_the_policy_names_has_a_label():
    assert set(DISGUISE_LABELS) == set(codes.DISGUISES)
    assert {code: english(label) for code, label in DISGUISE_LABELS.items()} == codes.DISGUISES


def test_every_category_has_a_label():
    assert set(CATEGORY_LABELS) == set(policy.CATEGORIES)


def test_the_english_labels_are_the_english_reasons():
    shown = {
        code: english(label).replace("%(detail)s", "{detail}")
        for code, label in REASON_LABELS.items()
    }

    assert shown == codes.REASONS


@pytest.mark.parametrize(
    "label", [*REASON_LABELS.values(), *DISGUISE_LABELS.values(), *CATEGORY_LABELS.values()]
)
def test_every_label_has_a_spanish_translation(label):
    assert spanish(label) != english(label)
    assert label_fields(spanish(label)) == label_fields(english(label))


@pytest.mark.parametrize(
    ("text", "code", "params", "english_reason", "spanish_reason"),
    [
        (
            "Call me on 415 555 2671 tonight",
            "phone_number",
            {},
            "Phone number",
            "Número de teléfono",
        ),
        (
            "Details on example.org",
            "external_link",
            {"detail": "example.org"},
            "Link to an external site (example.org)",
            "Enlace a un sitio externo (example.org)",
        ),
        (
            SPACED_AND_SPELLED,
            "phone_number",
            {"disguises": ["digits_as_words", "spaced_out"]},
            "Phone number, disguised with digits written as words and spaced-out characters",
            "Número de teléfono, con camuflaje mediante cifras escritas con palabras y "
            "caracteres separados por espacios",
        ),
    ],
)
def test_a_finding_carries_its_code_and_params_and_reads_in_spanish(
    text, code, params, english_reason, spanish_reason
):
    [finding] = policy.check(text).findings

    stored = finding.to_dict()
    with translation.override("es"):
        shown = reason_display(stored)

    assert (stored["code"], stored["params"], stored["reason"]) == (code, params, english_reason)
    assert shown == spanish_reason


def test_reasons_stay_english_in_english():
    [finding] = policy.check(SPACED_AND_SPELLED).findings

    with translation.override("en"):
        shown = reason_display(finding.to_dict())

    assert shown == (
        "Phone number, disguised with digits written as words and spaced-out characters"
    )


def test_a_finding_stored_before_codes_shows_its_english_reason():
    legacy = {
        "category": "url",
        "start": 0,
        "end": 11,
        "reason": "Link to an external site (example.org)",
        "source": "body",
    }

    with translation.override("es"):
        shown = findings_display([legacy])

    assert shown == [legacy]


@pytest.mark.django_db
def test_the_api_returns_a_finding_stored_before_codes_as_it_was_stored():
    buyer = BuyerFactory()
    thread, message = thread_with_message(buyer=buyer)
    legacy = {"category": "phone", "start": 0, "end": 5, "reason": "Phone number", "source": "body"}
    Message.objects.filter(pk=message.pk).update(findings=[legacy])
    client = APIClient()
    client.force_authenticate(buyer)

    results = client.get(f"/api/v1/threads/{thread.pk}/messages").json()["results"]

    assert results[0]["findings"] == [legacy]


@pytest.mark.parametrize(
    ("where", "spanish_sentence"),
    [
        (
            "page",
            "Tu mensaje no se envió: contiene una dirección de correo electrónico, un número de "
            "teléfono, algo que la política de mensajes no permite. Cambia el texto resaltado y "
            "vuelve a enviarlo.",
        ),
        (
            "email",
            "Tu mensaje no se entregó: contiene una dirección de correo electrónico, un número de "
            "teléfono, algo que la política de mensajes no permite. Quítalo y vuelve a enviar tu "
            "respuesta.",
        ),
        (
            "saved_reply",
            "La respuesta guardada no se guardó: contiene una dirección de correo electrónico, un "
            "número de teléfono, algo que la política de mensajes no permite. Cambia el texto "
            "resaltado y vuelve a guardarla.",
        ),
    ],
)
def test_the_blocked_explanation_names_the_categories_in_spanish(where, spanish_sentence):
    with translation.override("es"):
        assert blocked_explanation(["email", "phone"], where=where) == spanish_sentence


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
        {"body": "See example.org"},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["categories"] == ["url"]
    assert body["findings"] == [
        {
            "category": "url",
            "start": 4,
            "end": 15,
            "reason": "Enlace a un sitio externo (example.org)",
            "code": "external_link",
            "params": {"detail": "example.org"},
            "source": "body",
        }
    ]
