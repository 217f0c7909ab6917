"""In a real browser: a buyer sends, sees "Sending… Undo" counting down, clicks Undo and finds
the text and the file back in the reply box; the seller never sees it. A message left alone
reads as sent once its undo time is over."""

import pytest

from messaging.models import Attachment, Message, MessageStatus
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.e2e.test_accessibility import AXE, AXE_TAGS, FAILING_IMPACTS, RUN_AXE
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_undo_puts_the_text_and_files_back_in_the_reply_box_and_the_seller_sees_nothing(
    signed_in, settings, tmp_path
):
    settings.MESSAGE_UNDO_SECONDS = 30
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Is it in stock?")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(badfiles.pdf())
    tab = signed_in(buyer, "undo-send")
    tab.context.add_init_script(script=AXE)
    tab.open(f"/messages/{thread.pk}/")
    tab.page.fill("#id_body", "Tangerine: could you gift wrap it, please?")
    tab.page.set_input_files("#id_files", [str(invoice)])
    tab.page.click("form.reply button[type=submit]")
    tab.page.wait_for_url(f"**/messages/{thread.pk}/#latest")

    sending = tab.page.locator(".message.sending")
    left = sending.locator(".undo-left")
    left.wait_for()
    tab.page.wait_for_function(
        "() => /^\\d+ s left to undo$/.test("
        "document.querySelector('.message.sending .undo-left').textContent)"
    )
    assert sending.locator(".sending-state").inner_text().startswith("Sending…")
    violations = tab.page.evaluate(RUN_AXE, AXE_TAGS)
    tab.shot("sending")
    assert [v for v in violations if v["impact"] in FAILING_IMPACTS] == []

    shop = signed_in(seller, "undo-send-seller")
    shop.open(f"/seller/messages/{thread.pk}/")
    assert "Tangerine" not in shop.page.content()

    sending.locator("button", has_text="Undo").click()
    tab.page.wait_for_url(f"**/messages/{thread.pk}/#id_body")
    tab.shot("undone")

    assert tab.page.input_value("#id_body") == "Tangerine: could you gift wrap it, please?"
    assert tab.page.locator(".message.sending").count() == 0
    assert "Message taken back: nothing was delivered." in tab.page.content()
    assert not Message.objects.filter(body__startswith="Tangerine").exists()
    assert not Attachment.objects.exists()
    notice = tab.page.locator("#undone-files")
    tab.page.wait_for_function("() => document.getElementById('id_files').files.length === 1")
    picked = tab.page.evaluate(
        "() => Array.from(document.getElementById('id_files').files, f => [f.name, f.size])"
    )
    assert picked == [["invoice.pdf", len(badfiles.pdf())]]
    assert tab.page.locator("#file-list .file-name").all_inner_texts() == ["invoice.pdf"]
    assert notice.inner_text() == "The files of the message you took back are attached again."
    tab.shot("undone-files-back")
    shop.open(f"/seller/messages/{thread.pk}/")
    assert "Tangerine" not in shop.page.content()

    # Sent again, at once this time: it arrives with its file.
    settings.MESSAGE_UNDO_SECONDS = 0
    tab.page.click("form.reply button[type=submit]")
    tab.page.wait_for_url(f"**/messages/{thread.pk}/#latest")
    again = Message.objects.get(body="Tangerine: could you gift wrap it, please?")
    assert again.status == MessageStatus.DELIVERED
    assert [a.name for a in again.attachments.all()] == ["invoice.pdf"]


def test_a_message_left_alone_reads_as_sent_when_its_undo_time_is_over(signed_in, settings):
    settings.MESSAGE_UNDO_SECONDS = 5
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Is it in stock?")
    tab = signed_in(buyer, "undo-send-lapsed")
    tab.open(f"/messages/{thread.pk}/")
    tab.page.fill("#id_body", "Tangerine, then.")
    tab.page.click("form.reply button[type=submit]")
    tab.page.wait_for_url(f"**/messages/{thread.pk}/#latest")
    item = tab.page.locator(f"#m{Message.objects.get(body='Tangerine, then.').pk}")

    assert item.locator("button", has_text="Undo").count() == 1
    tab.page.wait_for_function(
        "(id) => !document.querySelector('#' + id + ' .undo-bar form')",
        arg=item.get_attribute("id"),
        timeout=15000,
    )
    tab.shot("sent")

    assert item.locator(".sending-state").inner_text() == "Sent."
    assert item.locator("button", has_text="Undo").count() == 0
    # No worker runs here: the sweep (beat) is what delivers it.
    message = Message.objects.get(body="Tangerine, then.")
    assert message.status == MessageStatus.SENDING
