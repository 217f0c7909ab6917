"""What a conversation page shows around the messages: the products' pictures (in the order
summary and in the inbox rows of product questions) and, for the seller only, the buyer's
other orders from them and other conversations with them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from core.moments import moment_text
from messaging.models import Participant
from messaging.threads import services
from messaging.threads.history import buyer_history_for_seller
from orders.images import image_prepare
from orders.services import product_image_set
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.messaging.threads.test_views import (
    BUYER_INBOX_QUERIES,
    SELLER_INBOX_QUERIES,
    SELLER_THREAD_QUERIES,
)
from tests.orders.factories import OrderFactory, OrderItemFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def pictured(**fields):
    product = ProductFactory(**fields)
    return product_image_set(product=product, image=image_prepare(badfiles.png()))


def thumbnail(product, size: int) -> str:
    version = product.image_version
    return (
        f'<img class="product-thumb" src="/products/{product.pk}/image/48/?v={version}" '
        f'srcset="/products/{product.pk}/image/96/?v={version} 2x" width="{size}" '
        f'height="{size}" alt="{product.title}">'
    )


def placeholder(name: str, size: int) -> str:
    return (
        f'<span class="product-thumb placeholder thumb-{size}" role="img" '
        f'aria-label="{name}"></span>'
    )


def ask(buyer, product, body: str = "Is it in stock?"):
    return services.thread_start(sender=buyer, product=product, topic="other", body=body).thread


# --- pictures in the order summary ------------------------------------------------------------


@pytest.mark.parametrize("side", ["buyer", "seller"])
def test_the_order_summary_shows_each_item_with_its_picture_or_a_placeholder(
    client, buyer, seller, side
):
    order = OrderFactory(buyer=buyer, seller=seller)
    mug = pictured(seller=seller, title="Blue mug")
    OrderItemFactory(order=order, product=mug, title="Blue mug", quantity=2)
    OrderItemFactory(order=order, product=ProductFactory(seller=seller), title="Plate")
    OrderItemFactory(order=order, product=None, title="Gift wrap")
    thread, _ = thread_with_message(order=order)
    client.force_login(buyer if side == "buyer" else seller)

    path = f"/messages/{thread.pk}/" if side == "buyer" else f"/seller/messages/{thread.pk}/"
    html = client.get(path).content.decode()

    assert (
        '<ul class="items with-thumbs">'
        f"<li>{thumbnail(mug, 48)}<span>2 × Blue mug</span></li>"
        f"<li>{placeholder('Plate', 48)}<span>1 × Plate</span></li>"
        f"<li>{placeholder('Gift wrap', 48)}<span>1 × Gift wrap</span></li></ul>"
    ) in html


def test_a_product_question_shows_the_products_picture(seller_client, buyer, seller):
    product = pictured(seller=seller, title="Stoneware bowl")
    thread = ask(buyer, product)

    html = seller_client.get(f"/seller/messages/{thread.pk}/").content.decode()

    assert (
        f'<div class="product-head">{thumbnail(product, 48)}<h2>Question about Stoneware bowl</h2>'
        in html
    )


def test_the_seller_order_page_shows_the_pictures_too(seller_client, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    mug = pictured(seller=seller, title="Blue mug")
    OrderItemFactory(order=order, product=mug, title="Blue mug")

    html = seller_client.get(f"/seller/orders/{order.number}/").content.decode()

    assert f"<li>{thumbnail(mug, 48)}<span>1 × Blue mug</span></li>" in html


# --- pictures in inbox rows -------------------------------------------------------------------


@pytest.mark.parametrize("side", ["buyer", "seller"])
def test_a_product_question_row_shows_the_picture_or_a_placeholder(client, buyer, seller, side):
    pictured_product = pictured(seller=seller, title="Blue mug")
    bare = ProductFactory(seller=seller, title="Plate")
    ask(buyer, pictured_product)
    ask(buyer, bare)
    thread_with_message(buyer=buyer, seller=seller)  # about an order: no picture in its row
    client.force_login(buyer if side == "buyer" else seller)

    html = client.get("/messages/" if side == "buyer" else "/seller/?folder=all").content.decode()

    assert html.count('class="product-thumb') == 2
    assert f"{thumbnail(pictured_product, 32)} Blue mug</span>" in html
    assert f"{placeholder('Plate', 32)} Plate</span>" in html


def test_a_cached_row_shows_a_new_picture_at_once(buyer_client, buyer, seller):
    product = pictured(seller=seller, title="Blue mug")
    ask(buyer, product)
    first = buyer_client.get("/messages/").content.decode()

    product_image_set(product=product, image=image_prepare(badfiles.jpeg()))
    second = buyer_client.get("/messages/").content.decode()

    assert thumbnail(product, 32) not in first
    assert thumbnail(product, 32) in second


def test_inbox_query_counts_do_not_change_with_pictures(
    client, buyer, seller, django_assert_num_queries
):
    for index in range(4):
        ask(buyer, pictured(seller=seller, title=f"Product {index}"))
    ask(buyer, ProductFactory(seller=seller))

    client.force_login(buyer)
    with django_assert_num_queries(BUYER_INBOX_QUERIES):
        assert client.get("/messages/").status_code == 200
    client.force_login(seller)
    with django_assert_num_queries(SELLER_INBOX_QUERIES):
        assert client.get("/seller/").status_code == 200


# --- the buyer's history with the seller ------------------------------------------------------


def history_scenario(buyer, seller):
    """The conversation about one order, beside the buyer's other dealings with the seller."""
    current = OrderFactory(buyer=buyer, seller=seller, placed_at=T0)
    thread, _ = thread_with_message(order=current, now=T0 + timedelta(hours=1))
    orders = [
        OrderFactory(
            buyer=buyer,
            seller=seller,
            placed_at=T0 - timedelta(days=days),
            status=status,
            total=Decimal(total),
        )
        for days, status, total in [(3, "shipped", "24.00"), (40, "completed", "58.50")]
    ]
    earlier, _ = thread_with_message(
        order=orders[1], topic="return_refund", now=T0 - timedelta(days=30)
    )
    question = ask(buyer, ProductFactory(seller=seller, title="Serving bowl"))
    Participant.objects.filter(thread=question).update(last_message_at=T0 - timedelta(days=2))
    # Never shown: the buyer with another seller, and another buyer with this seller.
    other_seller = SellerFactory()
    thread_with_message(order=OrderFactory(buyer=buyer, seller=other_seller))
    OrderFactory(buyer=buyer, seller=other_seller)
    thread_with_message(order=OrderFactory(buyer=BuyerFactory(), seller=seller))
    return thread, orders, earlier, question


def history_block(html: bytes) -> dict[str, object]:
    block = BeautifulSoup(html, "html.parser").select_one(".buyer-history")
    assert block is not None
    return {
        "title": block.h2.get_text(),
        "lists": {
            ul["data-history"]: [
                (li.a["href"], " ".join(li.get_text(" ").split())) for li in ul.select("li")
            ]
            for ul in block.select("ul")
        },
        "notes": [" ".join(p.get_text().split()) for p in block.select("p")],
    }


def day(moment: datetime) -> str:
    return moment_text(moment, "day")


def test_the_seller_sees_the_buyers_other_orders_and_conversations_newest_first(
    seller_client, buyer, seller
):
    thread, orders, earlier, question = history_scenario(buyer, seller)

    block = history_block(seller_client.get(f"/seller/messages/{thread.pk}/").content)

    assert block == {
        "title": "Your history with Alex Buyer",
        "lists": {
            "orders": [
                (
                    f"/seller/orders/{orders[0].number}/",
                    f"{orders[0].number} Shipped {day(orders[0].placed_at)} · 24.00 USD",
                ),
                (
                    f"/seller/orders/{orders[1].number}/",
                    f"{orders[1].number} Completed {day(orders[1].placed_at)} · 58.50 USD",
                ),
            ],
            "conversations": [
                (
                    f"/seller/messages/{question.pk}/",
                    f"Product question · Serving bowl {day(T0 - timedelta(days=2))}",
                ),
                (
                    f"/seller/messages/{earlier.pk}/",
                    f"Return or refund · Order {orders[1].number} {day(T0 - timedelta(days=30))}",
                ),
            ],
        },
        "notes": [],
    }


def test_a_long_history_shows_five_of_each_and_how_many_more(seller_client, buyer, seller):
    current = OrderFactory(buyer=buyer, seller=seller, placed_at=T0)
    thread, _ = thread_with_message(order=current)
    for days in range(1, 9):
        order = OrderFactory(buyer=buyer, seller=seller, placed_at=T0 - timedelta(days=days))
        if days <= 6:
            thread_with_message(order=order)

    block = history_block(seller_client.get(f"/seller/messages/{thread.pk}/").content)

    assert [len(rows) for rows in block["lists"].values()] == [5, 5]
    assert block["notes"] == ["And 3 more orders.", "And 1 more conversation."]


def test_a_first_time_buyer_has_no_history_to_show(seller_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    thread_with_message(buyer=buyer)  # with another seller

    block = history_block(seller_client.get(f"/seller/messages/{thread.pk}/").content)

    assert block["lists"] == {}
    assert block["notes"] == [
        "No other orders from this buyer.",
        "No other conversations with this buyer.",
    ]


def test_a_conversation_the_seller_deleted_is_not_in_the_history(seller_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    deleted, _ = thread_with_message(buyer=buyer, seller=seller)
    Participant.objects.filter(thread=deleted, user=seller).update(is_deleted=True)

    block = history_block(seller_client.get(f"/seller/messages/{thread.pk}/").content)

    assert [href for href, _ in block["lists"]["orders"]] == [
        f"/seller/orders/{deleted.order.number}/"
    ]
    assert "conversations" not in block["lists"]


def test_the_buyer_never_sees_the_history(buyer_client, buyer, seller):
    thread, *_ = history_scenario(buyer, seller)

    response = buyer_client.get(f"/messages/{thread.pk}/")

    assert response.status_code == 200
    assert "buyer_history" not in response.context
    assert b"buyer-history" not in response.content
    assert b"/seller/orders/" not in response.content


def test_the_history_takes_two_queries_however_long(buyer, seller, django_assert_num_queries):
    thread, *_ = history_scenario(buyer, seller)
    for _ in range(10):
        thread_with_message(order=OrderFactory(buyer=buyer, seller=seller))

    with django_assert_num_queries(2):
        history = buyer_history_for_seller(seller=seller, thread=thread)
        subjects = [row.thread.subject for row in history.conversations]

    assert (len(history.orders), history.more_orders) == (5, 7)
    assert (len(subjects), history.more_conversations) == (5, 7)


def test_the_seller_thread_page_query_count_does_not_grow_with_the_history(
    seller_client, buyer, seller, django_assert_num_queries
):
    thread, *_ = history_scenario(buyer, seller)
    services.message_send(thread=thread, sender=buyer, body="Any news?")  # unread: marked read
    with django_assert_num_queries(SELLER_THREAD_QUERIES):
        assert seller_client.get(f"/seller/messages/{thread.pk}/").status_code == 200

    for _ in range(10):
        thread_with_message(order=OrderFactory(buyer=buyer, seller=seller))
    services.message_send(thread=thread, sender=buyer, body="Hello?")
    with django_assert_num_queries(SELLER_THREAD_QUERIES):
        assert seller_client.get(f"/seller/messages/{thread.pk}/").status_code == 200


def test_a_spanish_seller_reads_the_history_in_spanish(client, buyer):
    seller = SellerFactory(language="es")
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    for _ in range(6):
        OrderFactory(buyer=buyer, seller=seller)
    client.force_login(seller)

    block = history_block(client.get(f"/seller/messages/{thread.pk}/").content)

    assert block["title"] == "Tu historial con Alex Buyer"
    assert block["notes"] == ["Y 1 pedido más.", "Ninguna otra conversación con este comprador."]
