"""In a real browser: the seller's inbox opens on what needs a response with its countdown,
keyboard shortcuts and bulk archive work, and a buyer sees a seller's reply appear in the
open conversation without reloading."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Participant
from messaging.threads import services
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seller_sees_a_new_buyer_message_first_under_needs_response(signed_in):
    seller = SellerFactory()
    answered, _ = thread_with_message(seller=seller, body="Do you ship to Spain?")
    services.message_send(thread=answered, sender=seller, body="Yes, we do.")
    fresh, _ = thread_with_message(seller=seller, body="My parcel has not arrived yet.")

    shop = signed_in(seller, "seller-inbox")
    shop.open("/seller/")
    first = shop.page.locator("[data-thread-row]").first
    shop.shot("needs-response")

    assert shop.page.locator(".tabs a.current").inner_text() == "Needs response 1"
    assert shop.page.locator("[data-thread-row]").count() == 1
    assert "My parcel has not arrived yet." in first.inner_text()
    assert re.fullmatch(r"23h 5\dm left", first.locator(".countdown").inner_text())
    assert first.locator("a").get_attribute("href") == f"/seller/messages/{fresh.pk}/"


def test_keyboard_moves_between_conversations_and_opens_one(signed_in):
    seller = SellerFactory()
    now = timezone.now()
    older, _ = thread_with_message(seller=seller, body="Oldest", now=now - timedelta(hours=5))
    newer, _ = thread_with_message(seller=seller, body="Newest", now=now - timedelta(hours=1))

    shop = signed_in(seller, "seller-keys")
    shop.open("/seller/")
    shop.page.keyboard.press("j")
    shop.page.keyboard.press("j")
    shop.page.keyboard.press("k")
    current = shop.page.locator("[data-thread-row].is-current")
    current_text = current.inner_text()
    shop.page.keyboard.press("x")
    ticked = shop.page.locator("input[name=thread]:checked").get_attribute("value")
    shop.page.keyboard.press("?")
    help_open = shop.page.locator("#shortcuts-help").evaluate("d => d.open")
    shop.shot("shortcuts-help")
    shop.page.keyboard.press("Escape")
    help_closed = not shop.page.locator("#shortcuts-help").evaluate("d => d.open")
    shop.page.keyboard.press("o")
    shop.page.wait_for_url(f"**/seller/messages/{older.pk}/")
    shop.page.keyboard.press("r")
    focused = shop.page.evaluate("document.activeElement.id")
    shop.page.keyboard.type("jk o e x ?")  # typing in the reply box fires no shortcut
    shop.shot("thread-after-r")

    assert "Oldest" in current_text
    assert ticked == str(older.pk)
    assert help_open and help_closed
    assert focused == "id_body"
    assert shop.page.locator("#id_body").input_value() == "jk o e x ?"
    assert shop.page.url.endswith(f"/seller/messages/{older.pk}/")
    assert newer.pk != older.pk


def test_bulk_archive_of_the_ticked_conversations(signed_in):
    seller = SellerFactory()
    first, _ = thread_with_message(seller=seller, body="First")
    second, _ = thread_with_message(seller=seller, body="Second")
    kept, _ = thread_with_message(seller=seller, body="Kept")

    shop = signed_in(seller, "seller-bulk")
    shop.open("/seller/")
    shop.page.check(f"input[name=thread][value='{first.pk}']")
    shop.page.check(f"input[name=thread][value='{second.pk}']")
    shop.shot("ticked")
    shop.page.click("button[name=action][value=archive]")
    shop.page.wait_for_load_state()
    shop.shot("archived")

    assert shop.page.locator(".flash").inner_text() == "2 conversations archived."
    assert shop.page.url.endswith("/seller/?folder=needs_response")
    archived = Participant.objects.filter(user=seller, is_archived=True)
    assert set(archived.values_list("thread_id", flat=True)) == {first.pk, second.pk}
    assert not Participant.objects.get(user=seller, thread=kept).is_archived


def test_keyboard_e_archives_the_selected_conversation(signed_in):
    seller = SellerFactory()
    thread, _ = thread_with_message(seller=seller, body="Archive me")

    shop = signed_in(seller, "seller-key-e")
    shop.open("/seller/?folder=all")
    shop.page.keyboard.press("j")
    with shop.page.expect_navigation():
        shop.page.keyboard.press("e")
    shop.shot("archived-with-e")

    assert shop.page.locator(".flash").inner_text() == "1 conversation archived."
    assert shop.page.url.endswith("/seller/?folder=all")

    assert Participant.objects.get(user=seller, thread=thread).is_archived


def test_buyer_sees_the_sellers_reply_appear_without_reloading(signed_in):
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")

    tab = signed_in(buyer, "buyer-live")
    tab.open(f"/messages/{thread.pk}/")
    tab.page.fill("#id_body", "Draft I am still writing")
    tab.page.evaluate("window.__sameDocument = true")
    reply = services.message_send(thread=thread, sender=seller, body="It left our warehouse today.")
    arrived = tab.page.locator(f"#m{reply.pk}")
    arrived.wait_for(timeout=6000)
    tab.page.locator("#thread-live p").wait_for(timeout=1000)
    tab.shot("reply-arrived")

    assert tab.page.evaluate("window.__sameDocument") is True  # no reload happened
    assert "It left our warehouse today." in arrived.inner_text()
    assert tab.page.locator("#id_body").input_value() == "Draft I am still writing"
    assert tab.page.locator("#thread-live").inner_text() == (
        f"New message from {seller.public_name}: It left our warehouse today."
    )
    assert Participant.objects.get(thread=thread, user=buyer).unread_count == 0
