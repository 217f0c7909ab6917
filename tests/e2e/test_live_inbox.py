"""In a real browser: open inbox pages and the seller's thread page update themselves.

A buyer message reaches the seller's open dashboard within 5 seconds (its row where the folder
puts it, the header badge, the folder counts) without touching what the seller is doing: ticked
rows stay ticked, a half-typed search keeps its text and the focus. A seller's reply reaches the
buyer's open inbox the same way. On the seller's thread page, the buyer writing again brings the
24-hour countdown and "No response needed" back, and the button works.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Participant
from messaging.threads import services
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5000  # the promise: within 5 seconds


def earlier(hours: float) -> object:
    return timezone.now() - timedelta(hours=hours)


def row_threads(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-thread-row]", "rows => rows.map(r => r.getAttribute('data-thread'))"
    )


def wait_for_rows(page, count: int) -> float:
    """Wait until the list shows ``count`` rows; return how long it took, in seconds."""
    started = time.monotonic()
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-thread-row]').length === {count}",
        timeout=LIVE_MS,
    )
    return time.monotonic() - started


def test_seller_dashboard_shows_a_buyer_message_live_and_keeps_the_ticked_row(signed_in):
    seller, buyer = SellerFactory(), BuyerFactory(display_name="Bea Buyer")
    waiting, _ = thread_with_message(
        seller=seller, body="Is the blue vase in stock?", now=earlier(2)
    )
    answered, _ = thread_with_message(
        buyer=buyer, seller=seller, body="Do you ship to Spain?", now=earlier(3)
    )
    services.message_send(thread=answered, sender=seller, body="Yes.", now=earlier(1))

    shop = signed_in(seller, "live-seller")
    shop.open("/seller/")
    assert row_threads(shop.page) == [str(waiting.pk)]
    assert shop.page.locator(".tabs a.current .count").inner_text() == "1"
    assert shop.page.locator(".site-nav [data-unread-badge] .badge").inner_text() == "1"
    shop.page.locator(f"input[name=thread][value='{waiting.pk}']").check()
    shop.shot("before")

    services.message_send(thread=answered, sender=buyer, body="And to Portugal?")
    took = wait_for_rows(shop.page, 2)
    shop.shot("after")

    # Most urgent first: the new one waits least, so it comes after the one already waiting.
    assert row_threads(shop.page) == [str(waiting.pk), str(answered.pk)]
    arrived = shop.page.locator(f"[data-thread-row][data-thread='{answered.pk}']")
    assert "And to Portugal?" in arrived.inner_text()
    assert arrived.locator(".countdown").count() == 1
    assert shop.page.locator(f"input[name=thread][value='{waiting.pk}']").is_checked()
    assert not arrived.locator("input[name=thread]").is_checked()
    # The ticked box keeps the focus; "Select all" counts the new row.
    assert shop.page.evaluate("document.activeElement.value") == str(waiting.pk)
    assert shop.page.locator("[data-select-all]").evaluate("box => box.indeterminate")
    assert shop.page.locator(".tabs a.current .count").inner_text() == "2"
    assert shop.page.locator(".site-nav [data-unread-badge] .badge").inner_text() == "2"
    assert "New message from Bea Buyer: And to Portugal?" in (
        shop.page.locator("#inbox-announce").inner_text()
    )
    assert took < 5


def test_seller_all_folder_puts_a_new_conversation_on_top_and_keeps_a_typed_search(signed_in):
    seller = SellerFactory()
    older, _ = thread_with_message(seller=seller, body="Older question", now=earlier(2))

    shop = signed_in(seller, "live-seller-search")
    shop.open("/seller/?folder=all")
    # Typed, not submitted (the filters are open beside the list on a wide screen).
    shop.page.fill("#id_q", "parc")
    shop.shot("typing")

    fresh, _ = thread_with_message(seller=seller, body="My parcel has not arrived.")
    wait_for_rows(shop.page, 2)
    shop.shot("arrived-on-top")

    assert row_threads(shop.page) == [str(fresh.pk), str(older.pk)]
    assert shop.page.input_value("#id_q") == "parc"
    assert shop.page.evaluate("document.activeElement.id") == "id_q"
    assert shop.page.locator("#id_q").is_visible()
    counts = dict(
        zip(
            shop.page.locator(".tabs a").evaluate_all(
                "tabs => tabs.map(t => new URL(t.href).searchParams.get('folder'))"
            ),
            shop.page.locator(".tabs a .count").all_inner_texts(),
            strict=True,
        )
    )
    assert counts == {
        "needs_response": "2",
        "unread": "2",
        "sent": "0",
        "archived": "0",
        "all": "2",
        "trash": "0",
    }
    assert shop.page.locator(".site-nav [data-unread-badge] .badge").inner_text() == "2"


def test_a_search_page_says_how_many_are_new_instead_of_moving_rows(signed_in):
    seller = SellerFactory()
    parcel, _ = thread_with_message(seller=seller, body="Where is my parcel?", now=earlier(2))

    shop = signed_in(seller, "live-seller-searched")
    shop.open("/seller/?folder=all&q=parcel")
    rows_before = row_threads(shop.page)
    thread_with_message(seller=seller, body="Another parcel question")

    notice = shop.page.locator("[data-inbox-notice]")
    notice.wait_for(state="visible", timeout=LIVE_MS)
    shop.shot("notice")

    assert notice.locator("[data-inbox-notice-text]").inner_text() == "1 new conversation"
    assert notice.locator("a").inner_text() == "Show"
    assert row_threads(shop.page) == rows_before == [str(parcel.pk)]
    assert notice.locator("a").get_attribute("href") == "/seller/?folder=all&q=parcel"


def test_buyer_inbox_moves_a_seller_reply_to_the_top(signed_in):
    buyer, seller = BuyerFactory(), SellerFactory()
    first, _ = thread_with_message(buyer=buyer, seller=seller, body="First", now=earlier(3))
    second, _ = thread_with_message(buyer=buyer, seller=seller, body="Second", now=earlier(2))

    tab = signed_in(buyer, "live-buyer")
    tab.open("/messages/")
    assert row_threads(tab.page) == [str(second.pk), str(first.pk)]
    tab.page.locator(f"input[name=thread][value='{second.pk}']").check()
    tab.page.fill("#id_q", "wra")
    assert tab.page.locator(".site-nav [data-unread-badge] .badge").count() == 0

    services.message_send(thread=first, sender=seller, body="Shipped this morning.")
    tab.page.wait_for_function(
        f"() => document.querySelector('[data-thread-row]').dataset.thread === '{first.pk}'",
        timeout=LIVE_MS,
    )
    tab.shot("reply-on-top")

    assert row_threads(tab.page) == [str(first.pk), str(second.pk)]
    top = tab.page.locator("[data-thread-row]").first
    assert "Shipped this morning." in top.inner_text()
    assert tab.page.locator(f"input[name=thread][value='{second.pk}']").is_checked()
    assert tab.page.input_value("#id_q") == "wra"
    assert tab.page.evaluate("document.activeElement.id") == "id_q"
    assert tab.page.locator(".site-nav [data-unread-badge] .badge").inner_text() == "1"
    assert tab.page.locator(".tabs a", has_text="Unread").locator(".count").inner_text() == "1"


def test_seller_thread_page_gets_the_countdown_back_when_the_buyer_writes(signed_in):
    seller, buyer = SellerFactory(), BuyerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Hi", now=earlier(2))
    services.message_send(thread=thread, sender=seller, body="Hello!", now=earlier(1))

    shop = signed_in(seller, "live-seller-thread")
    shop.open(f"/seller/messages/{thread.pk}/")
    assert shop.page.locator(".countdown").count() == 0
    assert shop.page.locator("button", has_text="No response needed").count() == 0
    shop.shot("answered")

    services.message_send(thread=thread, sender=buyer, body="Thanks, all good!")
    countdown = shop.page.locator("#response-due .countdown")
    countdown.wait_for(timeout=LIVE_MS)
    button = shop.page.locator("#no-response-action button", has_text="No response needed")
    button.wait_for(timeout=LIVE_MS)
    shop.shot("countdown-back")

    assert countdown.inner_text() in {"24h 00m left", "23h 59m left"}
    assert "Thanks, all good!" in shop.page.locator("#thread-messages").inner_text()

    # The form came in the update, with a valid CSRF token: it works.
    shop.page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    shop.page.wait_for_url(f"**/seller/messages/{thread.pk}/")
    shop.page.locator(".flash").wait_for()
    shop.shot("no-response-needed")
    assert "Marked as needing no response." in shop.page.locator(".flash").inner_text()
    assert Participant.objects.get(thread=thread, user=seller).needs_response_since is None
