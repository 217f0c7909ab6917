"""Why a file was refused, shown in the reader's language."""

import ast
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from messaging.attachments import checks as attachments
from messaging.attachments.reasons import rejection_display
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message

# A sample value for each kind of placeholder in the English reasons.
SAMPLES = {
    "mime": "application/zip",
    "_LABELS": "a PDF",
    "expected": ".jpg or .jpeg",
    "width": "9000",
    "height": "6000",
}


def refusal_reasons() -> list[str]:
    """Every reason attachments.py can give, with sample values in the f-strings."""
    source = Path(attachments.__file__).read_text()
    reasons: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {
            "_Rejected",
            "FileRejection",
        }:
            candidates = [node.args[-1]] if node.args else []
        elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_PDF_REASONS":
            candidates = list(node.value.values)  # type: ignore[attr-defined]
        else:
            continue
        for value in candidates:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                reasons.append(value.value)
            elif isinstance(value, ast.JoinedStr):
                parts = []
                for part in value.values:
                    if isinstance(part, ast.Constant):
                        parts.append(str(part.value))
                    else:
                        expression = ast.get_source_segment(source, part) or ""
                        sample = next((v for k, v in SAMPLES.items() if k in expression), "1,000")
                        parts.append(sample)
                reasons.append("".join(parts))
    return reasons


def test_the_reasons_are_found():
    reasons = refusal_reasons()

    assert len(reasons) >= 30
    assert "The file is empty." in reasons
    assert "A message can carry at most 1,000 files." in reasons


@pytest.mark.parametrize("reason", sorted(set(refusal_reasons())))
def test_every_refusal_reason_is_translated_into_spanish(reason):
    with translation.override("es"):
        shown = rejection_display(reason)

    assert shown != reason


@pytest.mark.parametrize(
    ("reason", "spanish"),
    [
        ("The file is empty.", "El archivo está vacío."),
        (
            "The image is 9000x9000 pixels; the limit is 40,000,000 pixels.",
            "La imagen mide 9000×9000 píxeles; el límite es de 40\xa0000\xa0000 píxeles.",
        ),
        (
            "The file is a JPEG image, so its name must end in .jpg or .jpeg.",
            "El archivo es una imagen JPEG, así que su nombre debe terminar en .jpg o .jpeg.",
        ),
        (
            "Files of type application/zip are not allowed; "
            "send text, PDF, JPEG, GIF, PNG or Word files.",
            "No se permiten archivos de tipo application/zip; "
            "envía archivos de texto, PDF, JPEG, GIF, PNG o Word.",
        ),
    ],
)
def test_refusals_read_naturally_in_spanish(reason, spanish):
    with translation.override("es"):
        assert rejection_display(reason) == spanish


def test_english_reasons_are_unchanged():
    reason = "The image is 9000x9000 pixels; the limit is 40,000,000 pixels."

    with translation.override("en"):
        assert (
            rejection_display(reason)
            == "The image is 9000×9000 pixels; the limit is 40,000,000 pixels."
        )


def test_an_unknown_reason_is_shown_as_it_is():
    with translation.override("es"):
        assert rejection_display("Something new.") == "Something new."


@pytest.mark.django_db
def test_a_refused_file_is_explained_in_spanish_on_the_page(client):
    buyer = BuyerFactory(language="es")
    thread, _ = thread_with_message(buyer=buyer)
    client.force_login(buyer)
    empty = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")

    response = client.post(
        reverse("messaging:thread", args=[thread.pk]), {"body": "See the file", "files": [empty]}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert '<span class="file-name">empty.txt</span> <span class="file-reason">' in content
    assert "El archivo está vacío." in content
