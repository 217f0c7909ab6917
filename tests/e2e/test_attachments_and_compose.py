"""In a real browser: a buyer sends a photo and an invoice, the seller opens both; the compose
box stops a phone number before sending and highlights exactly the number."""

import pytest

from messaging.models import Attachment, Message
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_sends_a_photo_and_a_pdf_and_the_seller_opens_both(signed_in, tmp_path):
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="The vase arrived broken.")
    photo = tmp_path / "damage.jpg"
    photo.write_bytes(badfiles.image_bytes("JPEG", (640, 480)))
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(badfiles.pdf())

    tab = signed_in(buyer, "buyer")
    tab.open(f"/messages/{thread.pk}/")
    tab.page.fill("#id_body", "Here is a photo of the damage and my invoice.")
    tab.page.set_input_files("#id_files", [str(photo), str(invoice)])
    listed = tab.page.locator("#file-list .file-name").all_inner_texts()
    tab.shot("files-picked")
    tab.page.click("form.reply button[type=submit]")
    tab.page.wait_for_url(f"**/messages/{thread.pk}/#latest")
    tab.shot("sent")

    assert listed == ["damage.jpg", "invoice.pdf"]
    message = Message.objects.get(body="Here is a photo of the damage and my invoice.")
    picture, document = message.attachments.order_by("position")

    shop = signed_in(seller, "seller")
    shop.open(f"/seller/messages/{thread.pk}/")
    thumbnail = shop.page.locator(f'img[src="/messages/files/{picture.pk}/thumbnail/"]')
    thumbnail.wait_for()
    loaded_width = thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)")
    shop.shot("thread-with-files")
    pdf = shop.page.request.get(f"{shop.base}/messages/files/{document.pk}/")
    photo_download = shop.page.request.get(f"{shop.base}/messages/files/{picture.pk}/?download=1")

    assert loaded_width == 320  # the 640x480 photo's thumbnail
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.body() == badfiles.pdf()
    assert photo_download.headers["content-disposition"].startswith("attachment;")

    stranger = signed_in(SellerFactory(), "stranger")
    guessed = stranger.page.request.get(f"{stranger.base}/messages/files/{document.pk}/")
    assert guessed.status == 404
    assert Attachment.objects.count() == 2


def test_compose_box_highlights_a_phone_number_before_sending(signed_in):
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    tab = signed_in(buyer, "buyer-compose")
    tab.open(f"/messages/{thread.pk}/")

    # Emoji before the number: the highlight must still cover exactly the number.
    tab.page.fill("#id_body", "🙂🙂 Easier by phone: call me at 415 555 2671 tonight")
    mark = tab.page.locator("#policy-live mark")
    mark.wait_for()
    tab.shot("phone-highlighted")

    assert mark.inner_text() == "415 555 2671"
    assert mark.get_attribute("data-category") == "phone"

    tab.page.click("form.reply button[type=submit]")
    tab.page.wait_for_load_state()
    tab.shot("blocked")

    assert "Your message was not sent" in tab.page.locator(".errors").inner_text()
    blocked = Message.objects.get(body__contains="415 555 2671")
    assert blocked.status == "blocked"
