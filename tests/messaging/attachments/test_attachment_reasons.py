"""Why a file was refused travels as a code with parameters, shown in the reader's language."""

import re
import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from messaging.attachments import checks
from messaging.attachments.checks import FileRejection
from messaging.attachments.reasons import (
    KIND_LABELS,
    REFUSED_KIND_LABELS,
    REJECTION_LABELS,
    rejection_display,
)
from tests.accounts.factories import BuyerFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message

PIXEL_FLOOD = FileRejection(
    0, "huge.png", "image_too_many_pixels", {"width": 9000, "height": 9000, "limit": 40_000_000}
)


def english_fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def label_fields(label: object) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", str(label)))


def english(label: object) -> str:
    with translation.override("en"):
        return str(label)


def spanish(label: object) -> str:
    with translation.override("es"):
        return str(label)


def shown(rejection: FileRejection, language: str) -> str:
    entry = {"reason_code": rejection.reason_code, "params": rejection.params}
    with translation.override(language):
        return rejection_display({**entry, "reason": rejection.reason})


def test_every_reason_code_the_checks_give_has_a_label_with_the_same_parameters():
    assert set(REJECTION_LABELS) == set(checks.FILE_REASONS)
    assert {code: label_fields(label) for code, label in REJECTION_LABELS.items()} == {
        code: english_fields(reason.text) for code, reason in checks.FILE_REASONS.items()
    }


def test_every_kind_of_file_a_reason_names_has_a_label():
    assert {kind: english(label) for kind, label in KIND_LABELS.items()} == checks.KIND_NAMES


def test_every_kind_of_refused_file_has_a_label():
    assert {
        kind: english(label) for kind, label in REFUSED_KIND_LABELS.items()
    } == checks.REFUSED_KIND_NAMES


@pytest.mark.parametrize(
    ("mime", "kind"),
    [
        ("application/vnd.microsoft.portable-executable", "windows_program"),
        ("application/x-dosexec", "windows_program"),
        ("application/x-executable", "program"),
        ("application/zip", "zip"),
        ("application/x-7z-compressed", "archive"),
        ("text/html", "web_page"),
        ("application/x-sh", "script"),
        ("image/webp", "image"),
        ("video/mp4", "video"),
        ("application/x-never-heard-of", "other"),
    ],
)
def test_a_refused_type_is_named_in_words_a_person_knows(mime, kind):
    assert checks.refused_kind(mime) == kind


@pytest.mark.parametrize(
    "label", [*REJECTION_LABELS.values(), *KIND_LABELS.values(), *REFUSED_KIND_LABELS.values()]
)
def test_every_label_has_a_spanish_translation(label):
    assert spanish(label) != english(label)
    assert label_fields(spanish(label)) == label_fields(english(label))


@pytest.mark.parametrize(
    ("rejection", "english_reason", "spanish_reason"),
    [
        (
            FileRejection(0, "empty.txt", "empty_file"),
            "The file is empty.",
            "El archivo está vacío.",
        ),
        (
            PIXEL_FLOOD,
            "The image is 9000x9000 pixels; the limit is 40,000,000 pixels.",
            "La imagen mide 9000×9000 píxeles; el límite es de 40\xa0000\xa0000 píxeles.",
        ),
        (
            FileRejection(
                0,
                "photo.png",
                "extension_mismatch",
                {"kind": "jpeg", "extensions": ["jpg", "jpeg"]},
            ),
            "The file is a JPEG image, so its name must end in .jpg or .jpeg.",
            "El archivo es una imagen JPEG, así que su nombre debe terminar en .jpg o .jpeg.",
        ),
        (
            FileRejection(
                0,
                "setup.exe",
                "type_not_allowed",
                {
                    "mime": "application/vnd.microsoft.portable-executable",
                    "file_kind": "windows_program",
                },
            ),
            "The file is a Windows program. "
            "Only text, PDF, JPEG, GIF, PNG and Word files can be sent.",
            "El archivo es un programa de Windows. "
            "Solo se pueden enviar archivos de texto, PDF, JPEG, GIF, PNG y Word.",
        ),
        (
            FileRejection(
                0, "files.zip", "type_not_allowed", {"mime": "application/zip", "file_kind": "zip"}
            ),
            "The file is a ZIP archive. Only text, PDF, JPEG, GIF, PNG and Word files can be sent.",
            "El archivo es un archivo ZIP. "
            "Solo se pueden enviar archivos de texto, PDF, JPEG, GIF, PNG y Word.",
        ),
        (
            # Refused before refusals named the kind of file: a generic phrase, never the MIME.
            FileRejection(0, "files.zip", "type_not_allowed", {"mime": "application/zip"}),
            "The file is a type of file we don't accept. "
            "Only text, PDF, JPEG, GIF, PNG and Word files can be sent.",
            "El archivo es un tipo de archivo que no aceptamos. "
            "Solo se pueden enviar archivos de texto, PDF, JPEG, GIF, PNG y Word.",
        ),
        (
            FileRejection(0, "big.docx", "docx_too_many_members", {"limit": 1000}),
            "The Word document has more than 1000 parts.",
            "El documento de Word tiene más de 1\xa0000 partes.",
        ),
    ],
)
def test_refusals_read_naturally_in_spanish(rejection, english_reason, spanish_reason):
    assert rejection.reason == english_reason
    assert shown(rejection, "es") == spanish_reason


def test_pages_in_english_write_numbers_the_english_way():
    assert shown(PIXEL_FLOOD, "en") == (
        "The image is 9000×9000 pixels; the limit is 40,000,000 pixels."
    )


def test_a_reason_code_may_share_the_refusals_code():
    flood = FileRejection(0, "bomb.png", "image_pixel_flood", {"limit": 40_000_000})

    assert (PIXEL_FLOOD.code, flood.code) == ("image_too_many_pixels", "image_too_many_pixels")
    assert flood.reason == "The image has too many pixels; the limit is 40,000,000."
    assert (
        shown(flood, "es")
        == "La imagen tiene demasiados píxeles; el límite es de 40\xa0000\xa0000."
    )


def test_an_unknown_reason_code_shows_the_english_reason():
    with translation.override("es"):
        assert rejection_display({"reason_code": "new", "reason": "Something new."}) == (
            "Something new."
        )


@pytest.mark.django_db
def test_the_api_names_each_refused_file_with_its_codes_and_params():
    buyer = BuyerFactory()
    thread, _ = thread_with_message(buyer=buyer)
    client = APIClient()
    client.force_authenticate(buyer)
    empty = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    zipped = SimpleUploadedFile("files.txt", b"PK\x03\x04" + b"\x00" * 60)

    response = client.post(
        f"/api/v1/threads/{thread.pk}/messages",
        {"body": "See the files", "files": [empty, zipped]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["files"] == [
        {
            "index": 0,
            "name": "empty.txt",
            "code": "empty_file",
            "reason": "The file is empty.",
            "reason_code": "empty_file",
            "params": {},
        },
        {
            "index": 1,
            "name": "files.txt",
            "code": "type_not_allowed",
            "reason": "The file is a ZIP archive. "
            "Only text, PDF, JPEG, GIF, PNG and Word files can be sent.",
            "reason_code": "type_not_allowed",
            "params": {"mime": "application/zip", "file_kind": "zip"},
        },
    ]


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
    assert (
        '<span class="file-name">empty.txt</span> '
        '<span class="file-reason">El archivo está vacío.</span>'
    ) in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "reason"),
    [
        (
            "en",
            "The file is a Windows program. "
            "Only text, PDF, JPEG, GIF, PNG and Word files can be sent.",
        ),
        (
            "es",
            "El archivo es un programa de Windows. "
            "Solo se pueden enviar archivos de texto, PDF, JPEG, GIF, PNG y Word.",
        ),
    ],
)
def test_a_refused_program_is_explained_in_words_on_the_page(client, language, reason):
    buyer = BuyerFactory(language=language)
    thread, _ = thread_with_message(buyer=buyer)
    client.force_login(buyer)
    program = SimpleUploadedFile("invoice.pdf", badfiles.windows_executable())

    response = client.post(
        reverse("messaging:thread", args=[thread.pk]), {"body": "See the file", "files": [program]}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<span class="file-name">invoice.pdf</span> <span class="file-reason">{reason}</span>'
    ) in content
    assert "portable-executable" not in content


@pytest.mark.django_db
def test_the_api_names_a_refused_program_in_words_and_keeps_the_codes():
    buyer = BuyerFactory()
    thread, _ = thread_with_message(buyer=buyer)
    client = APIClient()
    client.force_authenticate(buyer)
    program = SimpleUploadedFile("setup.pdf", badfiles.windows_executable())

    response = client.post(
        f"/api/v1/threads/{thread.pk}/messages",
        {"body": "See the file", "files": [program]},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 400
    assert body["detail"] == "One file cannot be sent; nothing was sent."
    assert body["files"] == [
        {
            "index": 0,
            "name": "setup.pdf",
            "code": "type_not_allowed",
            "reason": "The file is a Windows program. "
            "Only text, PDF, JPEG, GIF, PNG and Word files can be sent.",
            "reason_code": "type_not_allowed",
            "params": {
                "mime": "application/vnd.microsoft.portable-executable",
                "file_kind": "windows_program",
            },
        }
    ]
