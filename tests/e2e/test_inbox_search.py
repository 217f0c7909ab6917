"""In a real browser: searching an inbox with the filter form, with and without JavaScript."""

import pytest

from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_seller_searches_the_inbox_and_clears_the_search(browser, signed_in, javascript):
    seller = SellerFactory(seller_profile__shop_name="Casa Cerámica")
    noor = BuyerFactory(display_name="Noor Haddad")
    thread, _ = thread_with_message(buyer=noor, seller=seller, body="The mug arrived cracked.")
    thread_with_message(seller=seller, body="Do you ship to Spain?")

    shop = signed_in(seller, f"inbox-search-{'js' if javascript else 'nojs'}")
    if not javascript:
        cookies = shop.context.cookies()
        shop.context.close()
        shop.context = browser.new_context(
            viewport={"width": 1200, "height": 900}, locale="en-US", java_script_enabled=False
        )
        shop.context.add_cookies(cookies)
        shop.page = shop.context.new_page()
    shop.open("/seller/?folder=all")
    shop.page.get_by_role("searchbox", name="Search").fill("cracked mug")
    shop.page.get_by_role("button", name="Search").click()
    shop.page.wait_for_load_state()
    shop.shot("results")

    rows = shop.page.locator("[data-thread-row]")
    assert rows.count() == 1
    assert f"/seller/messages/{thread.pk}/" in rows.first.locator("a").first.get_attribute("href")
    assert shop.page.locator(".search-summary").inner_text() == "1 result for “cracked mug”."

    shop.page.get_by_label("Active from").fill("2030-01-02")
    shop.page.get_by_label("Active until").fill("2030-01-01")
    shop.page.get_by_role("button", name="Search").click()
    shop.page.wait_for_load_state()
    shop.shot("invalid-dates")
    assert "The end date is before the start date." in shop.page.locator(".errors").inner_text()

    shop.page.get_by_role("link", name="Clear filters").click()
    shop.page.wait_for_load_state()
    assert shop.page.locator("[data-thread-row]").count() == 2
