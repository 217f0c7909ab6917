"""In a real browser: Delete moves a conversation to Trash with an Undo that brings it back;
Trash lists it with the day it goes for good and a Restore; "Block this seller" asks first,
in a dialog: Cancel leaves the seller unblocked, confirming blocks them."""

import pytest
from django.test import Client

from messaging.models import Participant, SellerBlock
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import AXE, AXE_TAGS, FAILING_IMPACTS, RUN_AXE
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def buyer_side(thread, buyer) -> Participant:
    return Participant.objects.get(thread=thread, user=buyer)


def test_delete_undo_trash_and_restore(signed_in):
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my teapot?")
    other, _ = thread_with_message(buyer=buyer, seller=seller, body="Invoice, please")
    tab = signed_in(buyer, "trash")
    tab.context.add_init_script(script=AXE)
    rows = tab.page.locator("[data-thread-row]")

    # Delete from the conversation: back in the inbox, told where it went, with an Undo.
    tab.open(f"/messages/{thread.pk}/")
    tab.page.click("button:has-text('Delete for me')")
    tab.page.wait_for_url("**/messages/")
    flash = tab.page.locator(".flash li")
    assert flash.inner_text().startswith("Conversation moved to Trash. It will be removed for good")
    assert rows.count() == 1
    assert tab.page.locator(".tabs a", has_text="Trash").inner_text() == "Trash 1"
    assert serious(tab.page.evaluate(RUN_AXE, AXE_TAGS)) == []
    tab.shot("deleted-with-undo")

    flash.locator("button", has_text="Undo").click()
    tab.page.wait_for_url("**/messages/?folder=inbox")
    assert tab.page.locator(".flash li").inner_text() == "1 conversation restored."
    assert rows.count() == 2
    assert tab.page.locator(".tabs a", has_text="Trash").inner_text() == "Trash 0"
    assert buyer_side(thread, buyer).trashed_at is None
    tab.shot("undone")

    # Delete again, this time from the inbox's bulk bar, then restore it from Trash.
    tab.page.check(f"input[name=thread][value='{thread.pk}']")
    tab.page.click(".bulk-bar button:has-text('Delete')")
    tab.page.wait_for_url("**/messages/?folder=inbox")
    assert rows.count() == 1
    tab.page.click(".tabs a:has-text('Trash')")
    tab.page.wait_for_url("**/messages/?folder=trash")
    assert rows.count() == 1
    trashed = rows.first
    assert "Removed for good on" in trashed.inner_text()
    assert "Where is my teapot?" in trashed.inner_text()
    assert serious(tab.page.evaluate(RUN_AXE, AXE_TAGS)) == []
    tab.shot("trash-folder")

    trashed.locator("button", has_text="Restore").click()
    tab.page.wait_for_url("**/messages/?folder=trash")
    assert tab.page.locator(".flash li").inner_text() == "Conversation restored."
    assert tab.page.locator(".empty").inner_text() == "Trash is empty."
    tab.shot("restored")
    tab.open("/messages/")
    assert rows.count() == 2
    assert {p.trashed_at for p in Participant.objects.filter(user=buyer)} == {None}
    assert other.pk in {p.thread_id for p in Participant.objects.filter(user=buyer)}


def test_block_this_seller_asks_first(signed_in):
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    tab = signed_in(buyer, "block-seller")
    tab.context.add_init_script(script=AXE)
    tab.open(f"/messages/{thread.pk}/")
    dialog = tab.page.locator("#block-seller-dialog")

    tab.page.click(".actions > form button:has-text('Block this seller')")
    dialog.wait_for(state="visible")
    assert "can no longer write to you first" in dialog.inner_text()
    assert serious(tab.page.evaluate(RUN_AXE, AXE_TAGS)) == []
    tab.shot("dialog")

    dialog.locator("button", has_text="Cancel").click()
    dialog.wait_for(state="hidden")
    assert not SellerBlock.objects.exists()
    assert tab.page.url.endswith(f"/messages/{thread.pk}/")

    tab.page.click(".actions > form button:has-text('Block this seller')")
    dialog.locator("button", has_text="Block this seller").click()
    tab.page.wait_for_url(f"**/messages/{thread.pk}/")
    assert tab.page.locator(".flash li").inner_text().startswith("Seller blocked")
    assert tab.page.locator("button", has_text="Unblock this seller").count() == 1
    assert list(SellerBlock.objects.values_list("buyer_id", "seller_id")) == [(buyer.pk, seller.pk)]
    tab.shot("blocked")


def test_block_this_seller_without_javascript_asks_on_a_page(browser, live_server):
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = Client()
    client.force_login(buyer)
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/messages/{thread.pk}/")

    page.click(".actions > form button:has-text('Block this seller')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == f"Block {seller.public_name}?"
    assert not SellerBlock.objects.exists()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "block-seller-no-js-confirm.png"), full_page=True)

    page.click("main a:has-text('Cancel')")
    page.wait_for_url(f"**/messages/{thread.pk}/")
    assert not SellerBlock.objects.exists()
    page.click(".actions > form button:has-text('Block this seller')")
    page.click("main form button:has-text('Block this seller')")
    page.wait_for_url(f"**/messages/{thread.pk}/")
    assert SellerBlock.objects.count() == 1
    context.close()
