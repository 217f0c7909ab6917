"""Attachments end to end: sending with files, storing, downloading, refusing, limits."""

import hashlib
import io
import json
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, RequestFactory
from PIL import Image
from rest_framework.test import APIClient

from core.errors import ApplicationError
from messaging.attachments import uploads
from messaging.attachments.checks import MAX_MESSAGE_BYTES, IncomingFile
from messaging.attachments.downloads import content_disposition
from messaging.models import Attachment, Message, MessageStatus, Thread
from messaging.threads import services
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

API = "/api/v1"


def stored_files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def thread(buyer, seller) -> Thread:
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    return thread


# --- the send service ----------------------------------------------------------------------


def test_photo_and_pdf_are_stored_privately_with_metadata(thread, buyer, private_storage):
    photo = badfiles.jpeg_with_gps()
    invoice = badfiles.pdf()

    message = services.message_send(
        thread=thread,
        sender=buyer,
        body="The box arrived crushed, photo and invoice attached.",
        files=[IncomingFile("damage.jpg", photo), IncomingFile("invoice.pdf", invoice)],
    )

    assert message.status == MessageStatus.DELIVERED
    picture, document = message.attachments.order_by("position")
    assert (picture.name, picture.content_type, picture.position) == ("damage.jpg", "image/jpeg", 0)
    assert (document.name, document.content_type, document.position) == (
        "invoice.pdf",
        "application/pdf",
        1,
    )
    # Stored under server-chosen keys, never the sender's name.
    assert picture.file.name.startswith("attachments/") and "damage" not in picture.file.name
    stored_picture = picture.file.read()
    assert picture.size == len(stored_picture)
    assert picture.sha256 == hashlib.sha256(stored_picture).hexdigest()
    assert "exif" not in Image.open(io.BytesIO(stored_picture)).info  # GPS and EXIF stripped
    assert (picture.width, picture.height) == Image.open(io.BytesIO(stored_picture)).size
    assert picture.thumbnail.name.endswith(".jpg")
    assert document.file.read() == invoice  # PDFs are stored exactly as sent
    assert document.thumbnail.name == ""
    assert len(stored_files(private_storage)) == 3  # photo, its thumbnail, the PDF


def test_a_message_may_be_only_files(thread, buyer):
    message = services.message_send(
        thread=thread, sender=buyer, body="  ", files=[IncomingFile("a.png", badfiles.png())]
    )

    assert message.body == ""
    assert message.attachments.count() == 1


def test_one_bad_file_refuses_the_message_and_stores_nothing(thread, buyer, private_storage):
    before = Message.objects.count()

    with pytest.raises(ApplicationError) as caught:
        services.message_send(
            thread=thread,
            sender=buyer,
            body="Photos attached",
            files=[
                IncomingFile("ok.png", badfiles.png()),
                IncomingFile("setup.pdf", badfiles.windows_executable()),
                IncomingFile("empty.txt", b""),
            ],
        )

    error = caught.value
    assert error.code == "attachment_rejected"
    assert error.message == "2 files cannot be sent; nothing was sent."
    assert [(f["index"], f["name"], f["code"]) for f in error.extra["files"]] == [
        (1, "setup.pdf", "type_not_allowed"),
        (2, "empty.txt", "empty_file"),
    ]
    assert Message.objects.count() == before
    assert Attachment.objects.count() == 0
    assert stored_files(private_storage) == []


def test_files_over_ten_megabytes_together_refuse_the_message(thread, buyer, private_storage):
    half = MAX_MESSAGE_BYTES // 2
    body = "x"
    padding = b"a" * half  # two text files: exactly the limit, plus the body's one byte

    with pytest.raises(ApplicationError) as caught:
        services.message_send(
            thread=thread,
            sender=buyer,
            body=body,
            files=[IncomingFile("a.txt", padding), IncomingFile("b.txt", padding)],
        )

    assert caught.value.code == "message_too_large"
    assert caught.value.message == (
        "The text and files total 10,485,761 bytes; the limit is 10,485,760 bytes (10 MB)."
    )
    assert stored_files(private_storage) == []


def test_contact_details_in_a_file_name_block_the_message_but_keep_the_file(
    thread, buyer, seller, private_storage
):
    message = services.message_send(
        thread=thread,
        sender=buyer,
        body="See attached",
        files=[IncomingFile("write to john@gmail.com.pdf", badfiles.pdf())],
    )

    assert message.status == MessageStatus.BLOCKED
    assert [(f["category"], f["source"]) for f in message.findings] == [("email", "filename:0")]
    # Kept for its sender and staff (nothing a user sends is lost), never shown to the seller.
    attachment = message.attachments.get()
    assert client_for(buyer).get(f"/messages/files/{attachment.pk}/").status_code == 200
    assert client_for(seller).get(f"/messages/files/{attachment.pk}/").status_code == 404


def test_contact_details_inside_a_text_file_block_the_message(thread, buyer):
    message = services.message_send(
        thread=thread,
        sender=buyer,
        body="My notes",
        files=[IncomingFile("notes.txt", b"Call me on +1 415 555 2671 tonight")],
    )

    assert message.status == MessageStatus.BLOCKED
    assert [(f["category"], f["source"]) for f in message.findings] == [("phone", "file_text:0")]


def test_files_written_for_a_failed_transaction_are_deleted(thread, buyer, private_storage):
    with (
        mock.patch(
            "messaging.threads.services.message_deliver",
            side_effect=RuntimeError("database went away"),
        ),
        pytest.raises(RuntimeError),
    ):
        services.message_send(
            thread=thread,
            sender=buyer,
            body="photo",
            files=[IncomingFile("a.jpg", badfiles.jpeg())],
        )

    assert Attachment.objects.count() == 0
    assert stored_files(private_storage) == []


def test_thread_start_with_a_bad_file_creates_no_thread(buyer, seller, private_storage):
    order = OrderFactory(buyer=buyer, seller=seller)

    with pytest.raises(ApplicationError):
        services.thread_start(
            sender=buyer,
            order=order,
            topic="damaged_defective",
            body="Broken",
            files=[IncomingFile("photo.png", b"<html><script>alert(1)</script></html>")],
        )

    assert Thread.objects.count() == 0
    assert stored_files(private_storage) == []


# --- downloads -----------------------------------------------------------------------------


@pytest.fixture
def sent(thread, buyer) -> Message:
    return services.message_send(
        thread=thread,
        sender=buyer,
        body="Files",
        files=[
            IncomingFile("Factura café №7.pdf", badfiles.pdf()),
            IncomingFile("photo.png", badfiles.png()),
            IncomingFile("manual.docx", badfiles.docx()),
        ],
    )


def test_seller_downloads_a_pdf_inline_with_safe_headers(sent, seller):
    pdf = sent.attachments.get(position=0)

    response = client_for(seller).get(f"/messages/files/{pdf.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == badfiles.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="Factura caf_ _7.pdf"; '
        "filename*=UTF-8''Factura%20caf%C3%A9%20%E2%84%967.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["Content-Length"] == str(pdf.size)


def test_word_files_always_download(sent, seller):
    docx = sent.attachments.get(position=2)

    response = client_for(seller).get(f"/messages/files/{docx.pk}/")

    assert response["Content-Disposition"] == (
        "attachment; filename=\"manual.docx\"; filename*=UTF-8''manual.docx"
    )
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_download_parameter_forces_attachment(sent, seller):
    png = sent.attachments.get(position=1)

    response = client_for(seller).get(f"/messages/files/{png.pk}/?download=1")

    assert response["Content-Disposition"].startswith("attachment; ")


def test_thumbnail_is_served_for_images_only(sent, seller):
    png, docx = sent.attachments.get(position=1), sent.attachments.get(position=2)
    client = client_for(seller)

    thumb = client.get(f"/messages/files/{png.pk}/thumbnail/")
    missing = client.get(f"/messages/files/{docx.pk}/thumbnail/")

    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size == (16, 8)
    assert missing.status_code == 404


def test_strangers_get_404_for_a_guessed_file_url(sent):
    attachment = sent.attachments.get(position=0)
    stranger = client_for(BuyerFactory())
    other_seller = client_for(SellerFactory())

    assert stranger.get(f"/messages/files/{attachment.pk}/").status_code == 404
    assert other_seller.get(f"/messages/files/{attachment.pk}/thumbnail/").status_code == 404
    assert stranger.get("/messages/files/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(sent):
    attachment = sent.attachments.get(position=0)

    response = Client().get(f"/messages/files/{attachment.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_may_open_any_file(sent, staff):
    attachment = sent.attachments.get(position=0)

    assert client_for(staff).get(f"/messages/files/{attachment.pk}/").status_code == 200


def test_object_storage_download_redirects_to_a_short_signed_url(sent, seller, settings):
    attachment = sent.attachments.get(position=0)
    settings.ATTACHMENT_URL_EXPIRY_SECONDS = 45
    storage = mock.Mock(querystring_auth=True)
    storage.url.return_value = "https://bucket.example/k?X-Amz-Signature=abc"

    with mock.patch.object(Attachment._meta.get_field("file"), "storage", storage):
        response = client_for(seller).get(f"/messages/files/{attachment.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "https://bucket.example/k?X-Amz-Signature=abc"
    storage.url.assert_called_once_with(
        attachment.file.name,
        parameters={
            "ResponseContentDisposition": content_disposition(attachment.name, inline=True),
            "ResponseContentType": "application/pdf",
            "ResponseCacheControl": "private",
        },
        expire=45,
    )


def test_content_disposition_never_lets_quotes_or_controls_through():
    header = content_disposition('a"b\\c\r\nd.pdf', inline=False)

    assert header == "attachment; filename=\"a_b_c__d.pdf\"; filename*=UTF-8''a%22b%5Cc%0D%0Ad.pdf"


# --- the pages -----------------------------------------------------------------------------


def test_buyer_sends_a_photo_from_the_thread_page_and_the_seller_sees_it(thread, buyer, seller):
    response = client_for(buyer).post(
        f"/messages/{thread.pk}/",
        {"body": "Here is the damage", "files": [upload("damage.png", badfiles.png())]},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    page = client_for(seller).get(f"/seller/messages/{thread.pk}/")
    html = page.content.decode()
    assert f'href="/messages/files/{attachment.pk}/"' in html
    assert f'src="/messages/files/{attachment.pk}/thumbnail/"' in html
    assert "damage.png" in html


def test_a_refused_file_is_named_with_its_reason_on_the_page(thread, buyer, private_storage):
    response = client_for(buyer).post(
        f"/messages/{thread.pk}/",
        {
            "body": "Two files",
            "files": [upload("ok.png", badfiles.png()), upload("run.exe.txt", b"MZ\x90\x00" * 50)],
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "One file cannot be sent; nothing was sent." in html
    assert '<span class="file-name">run.exe.txt</span>' in html
    assert Message.objects.filter(body="Two files").count() == 0
    assert stored_files(private_storage) == []


def test_start_page_accepts_files(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = client_for(buyer).post(
        f"/orders/{order.number}/contact/",
        {"topic": "invoice", "body": "", "files": [upload("order.pdf", badfiles.pdf())]},
    )

    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.body, message.attachments.get().name) == ("", "order.pdf")


# --- the upload limit ----------------------------------------------------------------------


class ExplodingInput(io.RawIOBase):
    """A request body that must not be read."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readinto(self, buffer) -> int:
        raise AssertionError("the body was read")


def test_an_oversized_request_is_refused_without_reading_its_body(settings):
    declared = uploads.MAX_REQUEST_BYTES + 1
    request = RequestFactory().generic(
        "POST",
        "/messages/1/",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(declared),
    )
    request.META["wsgi.input"] = ExplodingInput()
    request._stream = ExplodingInput()

    assert dict(request.POST) == {}
    assert dict(request.FILES) == {}
    assert uploads.refused(request) is True


def test_an_upload_over_the_limit_is_cut_off_and_explained(thread, buyer, private_storage):
    big = b"a" * (MAX_MESSAGE_BYTES + 1)

    response = client_for(buyer).post(
        f"/messages/{thread.pk}/", {"body": "big", "files": [upload("big.txt", big)]}
    )

    assert response.status_code == 400
    assert (
        "The text and files total more than 10,485,760 bytes; the limit is 10,485,760 bytes"
        in response.content.decode()
    )
    assert Message.objects.filter(body="big").count() == 0
    assert stored_files(private_storage) == []


def test_page_explains_an_upload_refused_before_its_form_was_read(thread, buyer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    client.get(f"/messages/{thread.pk}/")  # sets the CSRF cookie
    request = RequestFactory().post(f"/messages/{thread.pk}/", data={})
    request.upload_refused = True

    response = uploads.csrf_failure(request)

    assert response.status_code == 413
    assert b"Your message was not sent" in response.content


# --- the API -------------------------------------------------------------------------------


def test_api_sends_multipart_files_and_returns_their_metadata(thread, buyer):
    response = api_for(buyer).post(
        f"{API}/threads/{thread.pk}/messages",
        {"body": "Invoice attached", "files": [upload("invoice.pdf", badfiles.pdf())]},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert response.json()["attachments"] == [
        {
            "id": attachment.pk,
            "name": "invoice.pdf",
            "content_type": "application/pdf",
            "size": len(badfiles.pdf()),
            "sha256": hashlib.sha256(badfiles.pdf()).hexdigest(),
            "width": None,
            "height": None,
            "url": f"http://testserver/messages/files/{attachment.pk}/",
            "thumbnail_url": None,
            "download_url": f"http://testserver/api/v1/attachments/{attachment.pk}/content",
        }
    ]


def test_api_refuses_bad_files_with_a_reason_for_each(thread, buyer):
    response = api_for(buyer).post(
        f"{API}/threads/{thread.pk}/messages",
        {"body": "x", "files": [upload("pic.gif", badfiles.elf_executable())]},
        format="multipart",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "attachment_rejected"
    assert body["detail"] == "One file cannot be sent; nothing was sent."
    assert [(f["index"], f["name"], f["code"]) for f in body["files"]] == [
        (0, "pic.gif", "type_not_allowed")
    ]
    assert Attachment.objects.count() == 0


def test_api_thread_detail_lists_attachments_for_the_other_side(sent, seller):
    response = api_for(seller).get(f"{API}/threads/{sent.thread_id}")

    last = response.json()["messages"][-1]
    assert [a["name"] for a in last["attachments"]] == [
        "Factura café №7.pdf",
        "photo.png",
        "manual.docx",
    ]
    png = sent.attachments.get(position=1)
    assert last["attachments"][1]["thumbnail_url"] == (
        f"http://testserver/messages/files/{png.pk}/thumbnail/"
    )
    assert (last["attachments"][1]["width"], last["attachments"][1]["height"]) == (16, 8)


# --- attachment_check ----------------------------------------------------------------------


def test_attachment_check_command_reports_each_file_and_the_message(tmp_path, capsys, db):
    good = tmp_path / "photo.jpg"
    good.write_bytes(badfiles.jpeg())
    bad = tmp_path / "invoice.pdf"
    bad.write_bytes(badfiles.windows_executable())
    contact = tmp_path / "notes.txt"
    contact.write_text("write to me: ana.lopez@gmail.com")

    call_command("attachment_check", str(good), str(bad), str(contact), body="Hello")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {
        "file": str(good),
        "verdict": "accept",
        "type": "image/jpeg",
        "reason": None,
    }
    assert (lines[1]["verdict"], lines[1]["code"], lines[1]["type"]) == (
        "reject",
        "type_not_allowed",
        None,
    )
    assert lines[2]["verdict"] == "reject" and lines[2]["code"] == "policy_violation"
    assert lines[2]["reason"].endswith("(in the file's text)")
    assert lines[3] == {"message": "reject", "reason": "2 files are refused"}
    assert Attachment.objects.count() == 0


def test_attachment_check_command_accepts_a_clean_message(tmp_path, capsys, db):
    good = tmp_path / "photo.png"
    good.write_bytes(badfiles.png())

    call_command("attachment_check", str(good), body="Photo of the label")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        {"file": str(good), "verdict": "accept", "type": "image/png", "reason": None},
        {"message": "accept", "reason": None},
    ]
