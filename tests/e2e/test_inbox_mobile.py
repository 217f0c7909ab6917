"""In a real browser on a phone-sized screen (390 × 844): the inboxes put the conversations first.

The search form folds behind a "Filters" button (open while a filter is in force), the folder
tabs scroll sideways instead of being cut off, and the first conversation is on the first
screen without scrolling.
"""

import pytest

from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def on_a_phone(session) -> None:
    session.page.set_viewport_size(PHONE)


def tabs_reachable(page) -> bool:
    """Every folder tab can be brought into view within the tab strip (it scrolls sideways)."""
    return page.eval_on_selector(
        ".tabs",
        """(tabs) => {
            const box = tabs.getBoundingClientRect();
            const wraps = new Set([...tabs.children].map((tab) => tab.offsetTop)).size > 1;
            tabs.scrollLeft = tabs.scrollWidth;
            const last = tabs.lastElementChild.getBoundingClientRect();
            const reachable = last.right <= box.right + 1 && last.left >= box.left - 1;
            tabs.scrollLeft = 0;
            return !wraps && reachable && getComputedStyle(tabs).overflowX === "auto";
        }""",
    )


@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_phone_inbox_shows_the_first_conversation_with_filters_folded(signed_in, who):
    seller = SellerFactory(seller_profile__shop_name="Casa Cerámica")
    buyer = BuyerFactory(display_name="Noor Haddad")
    for body in ("The mug arrived cracked.", "Do you ship to Spain?", "Is the vase glazed?"):
        thread_with_message(buyer=buyer, seller=seller, body=body)
    user, path = (seller, "/seller/?folder=all") if who == "seller" else (buyer, "/messages/")

    session = signed_in(user, f"inbox-mobile-{who}")
    on_a_phone(session)
    session.open(path)
    page = session.page
    shot = session.shot("folded")

    # The open folder's tab is in view, whichever it is ("All" lies past the edge at 390 px).
    current = page.locator(".tabs a.current")
    assert current.inner_text().split()[0] == ("All" if who == "seller" else "Inbox")
    assert page.eval_on_selector(
        ".tabs",
        """(tabs) => {
            const box = tabs.getBoundingClientRect();
            const tab = tabs.querySelector("a.current").getBoundingClientRect();
            return tab.left >= box.left - 1 && tab.right <= box.right + 1;
        }""",
    ), shot

    toggle = page.locator("details.filters-toggle")
    assert toggle.get_attribute("open") is None
    assert page.get_by_role("searchbox", name="Search").is_hidden()
    summary = toggle.locator("summary")
    assert summary.is_visible() and summary.inner_text() == "Filters"

    assert tabs_reachable(page)
    assert page.eval_on_selector(".tabs", "(t) => t.scrollWidth > t.clientWidth") or (
        page.eval_on_selector(".tabs a:last-child", "(a) => a.getBoundingClientRect().right")
        <= PHONE["width"]
    )

    first = page.locator("[data-thread-row]").first
    box = first.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (box, shot)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    # Opening the filters and searching keeps them open on the results page.
    summary.click()
    page.get_by_role("searchbox", name="Search").fill("cracked")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    session.shot("searched")
    assert page.locator("details.filters-toggle").get_attribute("open") == ""
    assert page.get_by_role("searchbox", name="Search").is_visible()
    assert page.locator("[data-thread-row]").count() == 1


def test_wide_inbox_shows_the_filters_without_the_button(signed_in):
    seller = SellerFactory()
    thread_with_message(seller=seller, body="Do you ship to Spain?")

    shop = signed_in(seller, "inbox-wide")
    shop.open("/seller/?folder=all")

    assert shop.page.get_by_role("searchbox", name="Search").is_visible()
    assert shop.page.locator("details.filters-toggle summary").is_hidden()
