import hashlib
import io
import random
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageSequence

from messaging.attachments import checks as attachments
from messaging.attachments.checks import (
    DOCX_MIME,
    MAX_FILENAME_LENGTH,
    MAX_IMAGE_FRAMES,
    MAX_MESSAGE_BYTES,
    CheckedFile,
    FileRejection,
    IncomingFile,
    MessageRejection,
    check_attachments,
    check_file,
    sanitize_filename,
)
from tests.messaging import badfiles


def accepted(name: str, data: bytes) -> CheckedFile:
    result = check_file(0, IncomingFile(name, data))
    assert isinstance(result, CheckedFile), result
    return result


def rejection_code(name: str, data: bytes) -> str:
    result = check_file(0, IncomingFile(name, data))
    assert isinstance(result, FileRejection), result
    return result.code


def open_image(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


# --- good files ----------------------------------------------------------------------------


def test_small_jpeg_is_accepted_reencoded():
    data = badfiles.jpeg()

    checked = accepted("photo.jpg", data)

    assert checked.content_type == "image/jpeg"
    assert checked.extension == "jpg"
    assert checked.display_name == "photo.jpg"
    assert checked.original_name == "photo.jpg"
    assert checked.size == len(checked.content)
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()
    assert checked.extracted_text == ""
    assert open_image(checked.content).size == (16, 8)


def test_jpeg_extension_spelled_jpeg_is_accepted():
    checked = accepted("Photo.JPEG", badfiles.jpeg())

    assert checked.extension == "jpeg"
    assert checked.display_name == "Photo.JPEG"
    assert checked.content_type == "image/jpeg"


def test_small_png_is_accepted_with_its_pixels():
    checked = accepted("chart.png", badfiles.png())

    image = open_image(checked.content)
    assert checked.content_type == "image/png"
    assert image.format == "PNG"
    assert image.convert("RGB").getpixel((0, 0)) == (255, 0, 0)
    assert image.convert("RGB").getpixel((15, 0)) == (0, 0, 255)


def test_small_gif_is_accepted():
    checked = accepted("icon.gif", badfiles.gif())

    assert checked.content_type == "image/gif"
    assert open_image(checked.content).size == (16, 8)


def test_animated_gif_keeps_its_frames():
    checked = accepted("wave.gif", badfiles.animated("GIF", 3))

    image = open_image(checked.content)
    colours = [frame.convert("RGB").getpixel((0, 0)) for frame in ImageSequence.Iterator(image)]
    assert colours == [(255, 0, 0), (0, 0, 255), (255, 0, 0)]


def test_animated_png_keeps_its_frames():
    checked = accepted("wave.png", badfiles.animated("PNG", 2))

    assert getattr(open_image(checked.content), "n_frames", 1) == 2


def test_minimal_pdf_is_accepted_unchanged():
    data = badfiles.pdf()

    checked = accepted("invoice.pdf", data)

    assert checked.content == data
    assert checked.content_type == "application/pdf"
    assert checked.extracted_text == ""


def test_pdf_with_binary_stream_holding_dangerous_bytes_is_accepted():
    image = badfiles.stream_object(
        b"\x00\x9f/JS /JavaScript /Launch\xff", b"/Type /XObject /Subtype /Image "
    )

    checked = accepted("scan.pdf", badfiles.pdf(image))

    assert checked.content_type == "application/pdf"


def test_pdf_encrypted_without_user_password_is_accepted():
    checked = accepted("statement.pdf", badfiles.encrypted_pdf(""))

    assert checked.content_type == "application/pdf"


def test_docx_is_accepted_with_its_paragraphs_as_text():
    data = badfiles.docx(badfiles.paragraphs_xml("Hello", "World"))

    checked = accepted("letter.docx", data)

    assert checked.content == data
    assert checked.content_type == DOCX_MIME
    assert checked.extracted_text == "Hello\nWorld"


def test_docx_text_keeps_tabs_and_line_breaks():
    body = "<w:p><w:r><w:t>Item</w:t><w:tab/><w:t>4 EUR</w:t><w:br/><w:t>Total</w:t></w:r></w:p>"

    checked = accepted("list.docx", badfiles.docx(body))

    assert checked.extracted_text == "Item\t4 EUR\nTotal"


def test_docx_text_includes_headers_and_hyperlink_targets_for_the_content_policy():
    header = f'<w:hdr xmlns:w="{badfiles.W_NS}">{badfiles.paragraphs_xml("Call me")}</w:hdr>'
    data = badfiles.docx(
        badfiles.paragraphs_xml("Body"),
        document_relationships=badfiles.relationship(
            "rId9", badfiles.HYPERLINK, "https://example.com/pay-me"
        ),
        extra_members={"word/header1.xml": header.encode()},
    )

    checked = accepted("offer.docx", data)

    assert checked.extracted_text == "Body\nCall me\nhttps://example.com/pay-me"


def test_docx_that_libmagic_only_sees_as_zip_is_accepted_after_the_package_check():
    checked = accepted("letter.docx", badfiles.docx(content_types_first=False))

    assert checked.content_type == DOCX_MIME
    assert checked.extracted_text == "Hello\nWorld"


def test_doc_without_macros_is_accepted():
    data = badfiles.doc()

    checked = accepted("old.doc", data)

    assert checked.content == data
    assert checked.content_type == "application/msword"


def test_utf8_text_is_stored_unchanged_and_extracted():
    data = "Grüße, the parcel ships on Monday.\r\n".encode()

    checked = accepted("note.txt", data)

    assert checked.content is data
    assert checked.content_type == "text/plain"
    assert checked.extracted_text == "Grüße, the parcel ships on Monday.\r\n"


def test_utf8_text_with_bom_is_stored_without_bom():
    checked = accepted("note.txt", "\ufeffHello".encode())

    assert checked.content == b"Hello"
    assert checked.extracted_text == "Hello"


def test_cp1252_text_is_stored_as_utf8():
    checked = accepted("note.txt", "Prix: 12 € — café".encode("cp1252"))

    assert checked.content == "Prix: 12 € — café".encode()
    assert checked.extracted_text == "Prix: 12 € — café"


def test_utf16_text_with_bom_is_stored_as_utf8():
    checked = accepted("note.txt", "Größe 42\n".encode("utf-16"))

    assert checked.content == "Größe 42\n".encode()
    assert checked.extracted_text == "Größe 42\n"


def test_source_code_in_a_txt_file_is_accepted_as_plain_text():
    checked = accepted("snippet.txt", b"#include <stdio.h>\nint main(void) { return 0; }\n")

    assert checked.content_type == "text/plain"


def test_file_object_is_accepted_like_bytes():
    data = badfiles.pdf()

    checked = check_file(0, IncomingFile("invoice.pdf", io.BytesIO(data)))

    assert isinstance(checked, CheckedFile)
    assert checked.content == data


# --- type and extension ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("image.jpg", badfiles.png),
        ("image.png", badfiles.gif),
        ("image.gif", badfiles.jpeg),
        ("invoice.docx", badfiles.pdf),
        ("letter.doc", badfiles.docx),
        ("letter.docx", badfiles.doc),
        ("note.pdf", lambda: b"just some text\n"),
        ("photo.txt", badfiles.jpeg),
    ],
)
def test_content_under_another_allowed_extension_is_rejected_as_extension_mismatch(name, build):
    assert rejection_code(name, build()) == "extension_mismatch"


def test_file_without_extension_is_rejected_as_extension_mismatch():
    result = check_file(0, IncomingFile("scan", badfiles.pdf()))

    assert result == FileRejection(
        0, "scan", "extension_mismatch", {"kind": "pdf", "extensions": ["pdf"]}
    )
    assert (result.code, result.reason) == (
        "extension_mismatch",
        "The file is a PDF, so its name must end in .pdf.",
    )


@pytest.mark.parametrize("name", ["invoice.pdf", "photo.jpg", "note.txt", "letter.docx", "a.doc"])
def test_windows_executable_renamed_to_an_allowed_extension_is_rejected(name):
    assert rejection_code(name, badfiles.windows_executable()) == "type_not_allowed"


@pytest.mark.parametrize("name", ["invoice.pdf", "photo.png", "note.txt"])
def test_elf_executable_renamed_to_an_allowed_extension_is_rejected(name):
    assert rejection_code(name, badfiles.elf_executable()) == "type_not_allowed"


@pytest.mark.parametrize("data", [badfiles.HTML, badfiles.SVG])
def test_markup_renamed_to_png_is_rejected_as_type_not_allowed(data):
    assert rejection_code("photo.png", data) == "type_not_allowed"


@pytest.mark.parametrize("data", [badfiles.HTML, badfiles.SVG])
def test_markup_renamed_to_txt_is_rejected_as_txt_html(data):
    assert rejection_code("note.txt", data) == "txt_html"


def test_script_tag_inside_prose_text_is_rejected_as_txt_html():
    data = b"Dear seller, please see below.\n" * 20 + badfiles.SCRIPT

    assert rejection_code("note.txt", data) == "txt_html"


def test_binary_data_renamed_to_txt_is_rejected_as_txt_not_text():
    assert rejection_code("note.txt", b"\x00\x9c\xff\x10" * 1000) == "txt_not_text"


def test_text_with_terminal_escape_codes_is_rejected_as_txt_not_text():
    assert rejection_code("note.txt", b"hello \x1b[2J\x1b[31mred\n") == "txt_not_text"


def test_text_with_a_nul_byte_is_rejected_as_txt_not_text():
    assert rejection_code("note.txt", b"hello\x00world\n" * 10) == "txt_not_text"


def test_zip_archive_is_rejected_as_type_not_allowed():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("readme.txt", "hello")

    assert rejection_code("files.zip", archive.getvalue()) == "type_not_allowed"
    assert rejection_code("files.docx", archive.getvalue()) == "type_not_allowed"


def test_spreadsheet_is_rejected_as_type_not_allowed():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("[Content_Types].xml", "<Types/>")
        writer.writestr("_rels/.rels", "<Relationships/>")
        writer.writestr("xl/workbook.xml", "<workbook/>")

    assert rejection_code("sheet.xlsx", archive.getvalue()) == "type_not_allowed"
    assert rejection_code("sheet.docx", archive.getvalue()) == "type_not_allowed"


def test_rtf_renamed_to_doc_is_rejected_as_type_not_allowed():
    assert rejection_code("letter.doc", b"{\\rtf1\\ansi Hello}") == "type_not_allowed"


def test_empty_file_is_rejected():
    result = check_file(3, IncomingFile("empty.pdf", b""))

    assert result == FileRejection(3, "empty.pdf", "empty_file")
    assert (result.code, result.reason) == ("empty_file", "The file is empty.")


# --- images ----------------------------------------------------------------------------------


def test_gif_polyglot_is_stored_only_reencoded():
    data = badfiles.gif() + badfiles.SCRIPT

    checked = accepted("icon.gif", data)

    assert badfiles.SCRIPT not in checked.content
    assert b"<script" not in checked.content
    assert open_image(checked.content).size == (16, 8)


def test_png_polyglot_is_stored_only_reencoded():
    data = badfiles.png_with_text_chunk(badfiles.SCRIPT) + badfiles.SCRIPT

    checked = accepted("chart.png", data)

    assert b"<script" not in checked.content
    assert b"tEXt" not in checked.content


def test_jpeg_polyglot_is_stored_only_reencoded():
    checked = accepted("photo.jpg", badfiles.jpeg() + badfiles.SCRIPT)

    assert b"<script" not in checked.content


def test_jpeg_gps_and_camera_metadata_are_stripped_after_applying_orientation():
    data = badfiles.jpeg_with_gps(orientation=6)
    assert b"SecretCam" in data

    checked = accepted("home.jpg", data)

    image = open_image(checked.content)
    assert image.size == (10, 20)
    assert dict(image.getexif()) == {}
    assert b"Exif" not in checked.content
    assert b"SecretCam" not in checked.content
    assert b"shot at home" not in checked.content


def test_pixel_flood_png_is_rejected_before_decoding():
    data = badfiles.png_header_only(30_000, 30_000)
    assert len(data) < 200

    assert rejection_code("flood.png", data) == "image_too_many_pixels"


@pytest.mark.parametrize("side", [7_000, 10_000])
def test_png_over_the_pixel_cap_is_rejected(side):
    assert rejection_code("big.png", badfiles.png_header_only(side, side)) == (
        "image_too_many_pixels"
    )


@pytest.mark.parametrize(
    ("name", "build"),
    [("cut.jpg", badfiles.jpeg), ("cut.png", badfiles.png), ("cut.gif", badfiles.gif)],
)
def test_truncated_image_is_rejected_as_image_corrupt(name, build):
    data = build()

    assert rejection_code(name, data[: len(data) * 2 // 3]) == "image_corrupt"


def test_animation_with_too_many_frames_is_rejected():
    data = badfiles.animated("GIF", MAX_IMAGE_FRAMES + 1, (2, 2))

    assert rejection_code("long.gif", data) == "image_too_many_frames"


def test_animation_with_too_many_pixels_across_frames_is_rejected():
    data = badfiles.animated("GIF", 11, (2_000, 2_000))

    assert rejection_code("heavy.gif", data) == "image_too_many_pixels"


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_with_javascript_open_action_is_rejected():
    data = badfiles.pdf(
        b"<< /S /JavaScript /JS (app.alert(1)) >>", catalog_extra=b"/OpenAction 4 0 R "
    )

    assert rejection_code("invoice.pdf", data) == "pdf_javascript"


def test_pdf_with_hex_escaped_javascript_name_is_rejected():
    data = badfiles.pdf(b"<< /S /J#61vaScr#69pt /J#53 (app.alert(1)) >>")

    assert rejection_code("invoice.pdf", data) == "pdf_javascript"


def test_pdf_with_javascript_in_a_compressed_object_stream_is_rejected():
    data = badfiles.pdf_with_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in data

    assert rejection_code("invoice.pdf", data) == "pdf_javascript"


def test_pdf_with_launch_action_is_rejected():
    data = badfiles.pdf(b"<< /S /Launch /F (cmd.exe) >>", catalog_extra=b"/OpenAction 4 0 R ")

    assert rejection_code("invoice.pdf", data) == "pdf_launch_action"


def test_pdf_with_launch_action_in_a_compressed_object_stream_is_rejected():
    data = badfiles.pdf_with_object_stream(b"<< /S /Launch /F (cmd.exe) >>")

    assert rejection_code("invoice.pdf", data) == "pdf_launch_action"


def test_pdf_with_embedded_files_is_rejected():
    data = badfiles.pdf(
        b"<< /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
        b"<< /Type /Filespec /F (a.exe) >>",
        catalog_extra=b"/Names 4 0 R ",
    )

    assert rejection_code("invoice.pdf", data) == "pdf_embedded_file"


def test_pdf_with_file_attachment_annotation_is_rejected():
    data = badfiles.pdf(b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 1 1] >>")

    assert rejection_code("invoice.pdf", data) == "pdf_embedded_file"


def test_password_protected_pdf_is_rejected():
    assert rejection_code("statement.pdf", badfiles.encrypted_pdf("secret")) == "pdf_encrypted"


def test_pdf_with_more_objects_than_the_check_walks_is_rejected(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PDF_OBJECTS", 4)

    assert rejection_code("report.pdf", badfiles.pdf(b"1", b"2")) == "pdf_too_complex"


def test_unreadable_pdf_is_rejected_as_pdf_corrupt():
    assert rejection_code("broken.pdf", b"%PDF-1.7\n" + b"garbage " * 100) == "pdf_corrupt"


# --- Word .docx ------------------------------------------------------------------------------


def test_macro_enabled_docm_renamed_to_docx_is_rejected():
    data = badfiles.docx(main_content_type=badfiles.DOCM_MAIN)

    assert rejection_code("letter.docx", data) == "docx_macros"


def test_docx_with_vba_project_is_rejected():
    data = badfiles.docx(extra_members={"word/vbaProject.bin": badfiles.doc()})

    assert rejection_code("letter.docx", data) == "docx_macros"


def test_docx_with_external_attached_template_is_rejected():
    template = badfiles.relationship(
        "rId1", badfiles.ATTACHED_TEMPLATE, "http://attacker.example/t.dotm"
    )
    data = badfiles.docx(settings_relationships=template)

    assert rejection_code("letter.docx", data) == "docx_external_reference"


def test_docx_with_externally_linked_image_is_rejected():
    image = badfiles.relationship("rId5", badfiles.R_NS + "/image", "\\\\attacker\\share\\a.png")

    assert rejection_code("letter.docx", badfiles.docx(document_relationships=image)) == (
        "docx_external_reference"
    )


def test_docx_with_internal_image_relationship_is_accepted():
    image = badfiles.relationship("rId5", badfiles.R_NS + "/image", "media/a.png", external=False)
    data = badfiles.docx(
        document_relationships=image, extra_members={"word/media/a.png": badfiles.png()}
    )

    assert accepted("letter.docx", data).extracted_text == "Hello\nWorld"


def test_docx_with_dde_field_is_rejected():
    data = badfiles.docx(badfiles.field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"'))

    assert rejection_code("letter.docx", data) == "docx_dde"


def test_docx_with_remote_includepicture_field_is_rejected():
    data = badfiles.docx(badfiles.field('INCLUDEPICTURE "http://attacker.example/p.png"'))

    assert rejection_code("letter.docx", data) == "docx_external_reference"


def test_docx_with_embedded_ole_object_is_rejected():
    data = badfiles.docx(extra_members={"word/embeddings/oleObject1.bin": badfiles.doc()})

    assert rejection_code("letter.docx", data) == "docx_embedded_object"


def test_docx_declaring_a_huge_uncompressed_size_is_rejected_before_reading():
    data = badfiles.zip_with_declared_sizes(3, 2_000_000_000)

    assert rejection_code("letter.docx", data) == "docx_too_large_uncompressed"


def test_docx_deflate_bomb_is_rejected():
    data = badfiles.deflate_bomb_docx(101 * 1024 * 1024)
    assert len(data) < 1024 * 1024

    assert rejection_code("letter.docx", data) == "docx_too_large_uncompressed"


def test_docx_with_too_many_members_is_rejected():
    data = badfiles.zip_with_declared_sizes(1_001, 1)

    assert rejection_code("letter.docx", data) == "docx_too_many_members"


def test_docx_with_xml_entities_is_rejected_as_docx_corrupt():
    doctype = '<!DOCTYPE w:document [<!ENTITY lol "lol">]>'
    data = badfiles.docx(badfiles.paragraphs_xml("&lol;"), doctype=doctype)

    assert rejection_code("letter.docx", data) == "docx_corrupt"


def test_word_template_renamed_to_docx_is_rejected_as_type_not_allowed():
    template_type = badfiles.DOCX_MAIN.replace(".document.main", ".template.main")

    assert rejection_code("letter.docx", badfiles.docx(main_content_type=template_type)) == (
        "type_not_allowed"
    )


# --- Word .doc -------------------------------------------------------------------------------


def test_doc_with_macros_is_rejected():
    assert rejection_code("letter.doc", badfiles.doc(with_macros=True)) == "doc_macros"


def test_doc_with_embedded_package_is_rejected():
    assert rejection_code("letter.doc", badfiles.doc(with_package=True)) == "doc_embedded_object"


def test_excel_workbook_renamed_to_doc_is_rejected_as_type_not_allowed():
    workbook = badfiles.ole2({"Workbook": b"\x09\x08" + b"\x00" * 30})

    assert rejection_code("letter.doc", workbook) == "type_not_allowed"


# --- message limits --------------------------------------------------------------------------


def test_message_of_exactly_10_mb_passes():
    body = "Hé"  # 3 UTF-8 bytes
    files = [
        IncomingFile("a.pdf", badfiles.pdf()),
        IncomingFile("b.txt", b"a" * (MAX_MESSAGE_BYTES - 3 - len(badfiles.pdf()))),
    ]

    check = check_attachments(files, body=body)

    assert check.message_error is None
    assert check.rejections == ()
    assert check.ok is True


def test_message_one_byte_over_10_mb_is_rejected():
    files = [IncomingFile("b.txt", b"a" * (MAX_MESSAGE_BYTES - 2))]

    check = check_attachments(files, body="Hé")

    assert check.message_error == MessageRejection(
        "message_too_large", {"total": 10_485_761, "limit": 10_485_760}
    )
    assert check.message_error.reason == (
        "the text and files total 10,485,761 bytes; the limit is 10,485,760 bytes (10 MB)."
    )
    assert check.ok is False


def test_several_files_together_over_10_mb_are_rejected():
    part = b"a" * (MAX_MESSAGE_BYTES // 3 + 1)
    files = [IncomingFile(f"{n}.txt", part) for n in range(3)]

    check = check_attachments(files)

    assert check.message_error is not None
    assert check.message_error.code == "message_too_large"
    assert len(check.accepted) == 3
    assert check.rejections == ()


def test_single_file_over_10_mb_is_rejected_as_too_large():
    check = check_attachments([IncomingFile("big.txt", b"a" * (MAX_MESSAGE_BYTES + 1))])

    assert [rejection.code for rejection in check.rejections] == ["too_large"]
    assert check.message_error is not None
    assert check.message_error.code == "message_too_large"


def test_oversized_file_object_is_not_read_whole():
    class CountingFile(io.BytesIO):
        bytes_read = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            CountingFile.bytes_read += len(data)
            return data

    upload = CountingFile(b"a" * (MAX_MESSAGE_BYTES + 5_000))

    result = check_file(0, IncomingFile("big.txt", upload))

    assert isinstance(result, FileRejection)
    assert result.code == "too_large"
    assert CountingFile.bytes_read == MAX_MESSAGE_BYTES + 1


def test_six_files_are_rejected_with_a_reason_for_the_sixth():
    files = [IncomingFile(f"note{n}.txt", b"hello") for n in range(6)]

    check = check_attachments(files)

    assert check.message_error == MessageRejection("too_many_files", {"count": 6, "limit": 5})
    assert check.message_error.reason == "the message has 6 files; at most 5 are allowed."
    assert len(check.accepted) == 5
    assert check.rejections == (FileRejection(5, "note5.txt", "too_many_files", {"limit": 5}),)
    assert check.rejections[0].reason == "A message can carry at most 5 files."


def test_every_rejected_file_gets_its_own_reason():
    files = [
        IncomingFile("ok.txt", b"hello"),
        IncomingFile("setup.pdf", badfiles.windows_executable()),
        IncomingFile("empty.png", b""),
        IncomingFile("macro.doc", badfiles.doc(with_macros=True)),
        IncomingFile("photo.gif", badfiles.png()),
    ]

    check = check_attachments(files)

    assert [checked.display_name for checked in check.accepted] == ["ok.txt"]
    assert [(r.index, r.name, r.code) for r in check.rejections] == [
        (1, "setup.pdf", "type_not_allowed"),
        (2, "empty.png", "empty_file"),
        (3, "macro.doc", "doc_macros"),
        (4, "photo.gif", "extension_mismatch"),
    ]
    assert check.message_error is None
    assert check.ok is False


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\evil.pdf", "evil.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("re\u2066port\u2069\u200f.pdf", "report.pdf"),
        ("a\x00b.txt", "ab.txt"),
        ("line\nbreak\t and   spaces .txt", "line break and spaces.txt"),
        ("cafe\u0301.txt", "café.txt"),
        (".bashrc", "attachment.bashrc"),
        (".pdf", "attachment.pdf"),
        ("...", "attachment"),
        ("", "attachment"),
        ("\u202e\x00", "attachment"),
        ('what?<is>"this".txt', "what__is__this_.txt"),
        ("report.pdf. . ", "report.pdf"),
    ],
)
def test_sanitize_filename(name, expected):
    assert sanitize_filename(name) == expected


def test_sanitize_filename_shortens_long_names_keeping_the_extension():
    name = "a" * 500 + ".pdf"

    sanitized = sanitize_filename(name)

    assert sanitized == "a" * (MAX_FILENAME_LENGTH - 4) + ".pdf"


@given(st.text())
def test_sanitize_filename_always_returns_a_safe_name(name):
    sanitized = sanitize_filename(name)

    assert sanitized
    assert len(sanitized) <= MAX_FILENAME_LENGTH
    assert not sanitized.startswith((".", " "))
    assert "/" not in sanitized
    assert "\\" not in sanitized
    assert not any(ord(char) < 32 or 0x7F <= ord(char) <= 0x9F for char in sanitized)
    assert not any(char in sanitized for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
    assert sanitize_filename(sanitized) == sanitized


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("../../etc/passwd", b"root:x:0:0::/root:/bin/sh\n", "extension_mismatch"),
        ("invoice\u202efdp.exe", badfiles.pdf(), "extension_mismatch"),
        ("C:\\x\\evil.pdf", badfiles.windows_executable(), "type_not_allowed"),
    ],
)
def test_hostile_names_are_rejected_under_their_display_name(name, data, code):
    result = check_file(0, IncomingFile(name, data))

    assert isinstance(result, FileRejection)
    assert (result.name, result.code) == (sanitize_filename(name), code)


def test_hostile_name_on_a_good_file_is_stored_under_the_sanitized_name():
    checked = accepted("../../" + "x" * 300 + "\u202e.txt", b"hello")

    assert checked.display_name == "x" * (MAX_FILENAME_LENGTH - 4) + ".txt"
    assert checked.original_name == "../../" + "x" * 300 + "\u202e.txt"


def test_random_bytes_under_every_allowed_extension_are_rejected():
    noise = random.Random(7).randbytes(4096)
    names = ["a.txt", "a.pdf", "a.jpg", "a.png", "a.gif", "a.doc", "a.docx"]

    codes = {rejection_code(name, b"\x00" + noise) for name in names}

    assert codes <= {"type_not_allowed", "txt_not_text"}
