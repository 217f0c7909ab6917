"""In a real browser: a seller's conversation shows the order's products with their pictures
and the buyer's history with the seller, whose links lead to the order and the conversation;
inbox rows of product questions show the product's picture, or a neutral placeholder."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from messaging.models import Thread
from messaging.threads.services import thread_start
from tests.orders.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every picture on the page, once loaded: its natural width (0 is a broken image).
PICTURE_WIDTHS = """(selector) => Promise.all(Array.from(document.querySelectorAll(selector))
  .map((img) => img.decode().then(() => img.naturalWidth, () => 0)))"""


def test_the_seller_sees_pictures_and_the_buyers_history_and_follows_its_links(signed_in):
    call_command("seed_demo", stdout=StringIO())
    seller = User.objects.get(email="seller@example.com")
    buyer = User.objects.get(email="buyer@example.com")
    thread = Thread.objects.get(order__number="112-1007919-5104729")  # the chipped bowl

    shop = signed_in(seller, "context-seller")
    shop.open(f"/seller/messages/{thread.pk}/")
    shop.page.locator(".buyer-history").wait_for()
    widths = shop.page.evaluate(PICTURE_WIDTHS, ".order-summary img.product-thumb")
    alts = shop.page.locator(".order-summary img.product-thumb").evaluate_all(
        "imgs => imgs.map((img) => img.alt)"
    )
    orders = shop.page.locator("[data-history=orders] a").all_inner_texts()
    conversations = shop.page.locator("[data-history=conversations] a").all_inner_texts()
    shop.shot("thread-with-context")

    assert widths == [48]  # the 48 px thumbnail at 1x
    assert alts == ["Serving bowl, ocean glaze"]
    expected_orders = list(
        seller.orders_sold.filter(buyer=buyer)
        .exclude(pk=thread.order_id)
        .order_by("-placed_at", "-id")
        .values_list("number", flat=True)[:5]
    )
    assert orders == expected_orders
    assert len(conversations) == 5

    shop.page.locator("[data-history=orders] a").first.click()
    shop.page.wait_for_url(f"**/seller/orders/{expected_orders[0]}/")
    heading = shop.page.locator("h1").inner_text()
    shop.shot("history-order")
    assert expected_orders[0] in heading

    shop.page.go_back()
    first_conversation = shop.page.locator("[data-history=conversations] a").first
    href = first_conversation.get_attribute("href")
    first_conversation.click()
    shop.page.wait_for_url(f"**{href}")
    shop.page.locator(".order-summary").wait_for()
    shop.shot("history-conversation")
    assert shop.page.locator("h1").inner_text().startswith("Alex")

    # The buyer's own page of the same conversation has no such block.
    own = signed_in(buyer, "context-buyer")
    own.open(f"/messages/{thread.pk}/")
    own.page.locator(".order-summary").wait_for()
    own.shot("thread-buyer")
    assert own.page.locator(".buyer-history").count() == 0
    assert own.page.evaluate(PICTURE_WIDTHS, "img.product-thumb") == [48]


def test_product_question_rows_show_the_picture_or_a_placeholder(signed_in):
    call_command("seed_demo", stdout=StringIO())
    gadgets = User.objects.get(email="gadgets@example.com")
    bare = ProductFactory(seller=gadgets, title="Cable organiser")
    thread_start(
        sender=User.objects.get(email="lucia@example.com"),
        product=bare,
        topic="product_question",
        body="Does it come in black?",
    )

    shop = signed_in(gadgets, "context-inbox")
    shop.open("/seller/?folder=all")
    shop.page.locator(".inbox-row").first.wait_for()
    widths = shop.page.evaluate(PICTURE_WIDTHS, ".inbox-row img")
    placeholder = shop.page.locator(".inbox-row .product-thumb.placeholder")
    box = placeholder.bounding_box()
    shop.shot("inbox-pictures")

    assert widths == [48]  # the earbuds question's thumbnail; no broken image anywhere
    assert placeholder.get_attribute("aria-label") == "Cable organiser"
    assert box is not None and (round(box["width"]), round(box["height"])) == (32, 32)
