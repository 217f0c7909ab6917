"""Polish that needs a browser: the admin's moderation queue at 1280 px, the seller header on
the API tokens page, the webhook URL field styled like the other inputs, and the compose hint
following the reason picked. Screenshots go to artifacts/e2e/ (see conftest.py)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from messaging.models import ReportReason
from messaging.moderation.services import message_report
from messaging.threads import services
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.e2e.conftest import ARTIFACTS
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_BLOCKED = (
    "Thanks for your order! If anything goes wrong with the delivery, write to me directly at "
    "marta.ruiz.ceramics@gmail.com and I will sort it out the same day, much faster than here."
)
LONG_NOTE = (
    "The seller keeps asking me to pay by bank transfer outside the marketplace and says the "
    "order will be cancelled otherwise."
)

# Every cell of the admin's result table: whether its text is cut (hidden overflow or an
# ellipsis) and how wide the table is against the page.
TABLE_STATE = r"""() => {
  const table = document.querySelector("#result_list");
  const cells = Array.from(table.querySelectorAll("tbody td, tbody th"));
  return {
    pageWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    tableRight: Math.round(table.getBoundingClientRect().right),
    // The admin scrolls a table wider than its column sideways: what is past it is cut.
    resultsRight: Math.round(table.closest(".results").getBoundingClientRect().right),
    cut: cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.className),
    texts: cells.map((c) => [c.className, c.innerText.split(/\s+/).join(" ")]),
  };
}"""


def moderation_queue() -> None:
    buyer, seller = BuyerFactory(), SellerFactory()
    thread, _ = thread_with_message(
        buyer=buyer, seller=seller, order=OrderFactory(seller=seller, buyer=buyer)
    )
    services.message_send(thread=thread, sender=seller, body=LONG_BLOCKED)  # blocked: an email
    delivered = services.message_send(thread=thread, sender=seller, body="See you soon.")
    message_report(
        reporter=buyer, message=delivered, reason=ReportReason.OFF_PLATFORM, note=LONG_NOTE
    )


@pytest.mark.parametrize(
    ("path", "label", "message_column"),
    [
        ("/admin/messaging/moderationcase/", "moderation-queue", "field-message_excerpt"),
        ("/admin/messaging/blockedmessage/", "blocked-messages", "field-short_body"),
    ],
)
def test_the_moderation_queue_reads_whole_at_1280_px(signed_in, path, label, message_column):
    moderation_queue()
    staff = signed_in(StaffFactory(is_superuser=True), f"polish-admin-{label}")
    staff.page.set_viewport_size({"width": 1280, "height": 800})

    staff.open(path)
    shot = staff.shot(f"{label}-1280")
    state: dict[str, Any] = staff.page.evaluate(TABLE_STATE)

    assert shot.exists() and shot.parent == ARTIFACTS
    assert state["pageWidth"] <= 1280
    assert state["tableRight"] <= state["resultsRight"] <= 1280
    assert state["cut"] == []
    assert [message_column, LONG_BLOCKED] in state["texts"]


INPUT_STYLE = """(selector) => {
  const style = getComputedStyle(document.querySelector(selector));
  return [style.width, style.paddingTop, style.paddingLeft, style.borderTopWidth,
          style.borderTopStyle, style.borderTopColor, style.borderRadius, style.fontSize];
}"""


def test_the_seller_sees_the_seller_header_on_tokens_and_a_styled_webhook_field(signed_in):
    seller = signed_in(SellerFactory(), "polish-seller")

    seller.open("/accounts/api-tokens/")
    seller.shot("api-tokens")
    brand = seller.page.locator("a.brand").inner_text()
    body_class = seller.page.evaluate("() => document.body.className")
    text_input = seller.page.evaluate(INPUT_STYLE, "#id_name")
    seller.open("/account/notifications/webhooks/")
    seller.shot("webhooks")
    url_input = seller.page.evaluate(INPUT_STYLE, "#id_url")
    seller.open("/seller/orders/")
    orders_header = seller.page.evaluate(
        "() => [document.querySelector('a.brand').innerText, document.body.className,"
        " getComputedStyle(document.querySelector('.site-header')).backgroundColor]"
    )
    seller.open("/accounts/api-tokens/")
    tokens_header = seller.page.evaluate(
        "() => [document.querySelector('a.brand').innerText, document.body.className,"
        " getComputedStyle(document.querySelector('.site-header')).backgroundColor]"
    )

    assert (brand, body_class) == ("Seller Central", "seller")
    assert tokens_header == orders_header
    assert url_input == text_input


def test_the_compose_hint_follows_the_reason_picked(signed_in):
    seller_user = SellerFactory()
    completed = timezone.now() - timedelta(days=2)
    order = OrderFactory(
        seller=seller_user, status="completed", delivered_at=completed, completed_at=completed
    )
    seller = signed_in(seller_user, "polish-proactive")

    seller.open(f"/seller/orders/{order.number}/")
    before = seller.page.locator("#body-hint").inner_text()
    seller.page.select_option("#id_reason", "invoice")
    after = seller.page.locator("#body-hint").inner_text()
    limit = seller.page.get_attribute("#id_body", "maxlength")
    seller.shot("invoice-hint")

    assert before.endswith("Up to 2,000 characters.")
    assert after == "Do not share email addresses, phone numbers or links. Up to 500 characters."
    assert limit == "500"
