from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.orders.factories import OrderFactory, OrderItemFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

# Pinned query counts (session, user, orders, items, unread badge); they must not grow with rows.
ORDER_LIST_QUERIES = 5
PRODUCT_LIST_QUERIES = 4


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_order_list_shows_only_my_orders_newest_first(buyer_client, buyer):
    older = OrderFactory(buyer=buyer, placed_at=T0)
    newer = OrderFactory(buyer=buyer, placed_at=T0 + timedelta(days=1))
    OrderFactory(placed_at=T0 + timedelta(days=2))

    response = buyer_client.get("/orders/")

    assert response.status_code == 200
    assert [order.number for order in response.context["orders"]] == [
        newer.number,
        older.number,
    ]


def test_order_list_shows_items_seller_and_contact_link(buyer_client, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller, total=Decimal("43.98"))
    OrderItemFactory(order=order, title="Blue mug", quantity=2)

    html = buyer_client.get("/orders/").content.decode()

    assert f'<a href="/orders/{order.number}/">Order {order.number}</a>' in html
    assert "Sold by Sam&#x27;s Shop · 43.98 USD" in html
    assert "<li>2 × Blue mug</li>" in html
    assert f'href="/orders/{order.number}/contact/"' in html


def test_order_list_without_orders_says_so(buyer_client):
    response = buyer_client.get("/orders/")

    assert "You have no orders yet." in response.content.decode()


def test_order_list_query_count_does_not_grow_with_orders(
    buyer_client, buyer, django_assert_num_queries
):
    def add_orders(count: int) -> None:
        for _ in range(count):
            OrderItemFactory.create_batch(2, order=OrderFactory(buyer=buyer))

    add_orders(2)
    with django_assert_num_queries(ORDER_LIST_QUERIES):
        assert buyer_client.get("/orders/").status_code == 200

    add_orders(6)
    with django_assert_num_queries(ORDER_LIST_QUERIES):
        response = buyer_client.get("/orders/")
    assert len(response.context["orders"]) == 8
    assert response.content.decode().count("<li>1 × Item") == 16


def test_order_detail_shows_the_order_to_its_buyer(buyer_client, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller, total=Decimal("19.99"))
    OrderItemFactory(order=order, title="Charger", unit_price=Decimal("19.99"))

    response = buyer_client.get(f"/orders/{order.number}/")

    assert response.status_code == 200
    assert response.context["order"] == order
    html = response.content.decode()
    assert f"<h1>Order {order.number}</h1>" in html
    assert "<tr><td>Charger</td><td>1</td><td>19.99</td></tr>" in html
    assert f'href="/orders/{order.number}/contact/"' in html


def test_order_detail_is_visible_to_its_seller_without_contact_link(seller_client, seller):
    order = OrderFactory(seller=seller)

    response = seller_client.get(f"/orders/{order.number}/")

    assert response.status_code == 200
    assert f'href="/orders/{order.number}/contact/"' not in response.content.decode()


@pytest.mark.parametrize("who", ["other-buyer", "other-seller"])
def test_order_detail_is_not_found_for_strangers(buyer, seller, who):
    order = OrderFactory(buyer=buyer, seller=seller)
    stranger = BuyerFactory() if who == "other-buyer" else SellerFactory()

    response = logged_in(stranger).get(f"/orders/{order.number}/")

    assert response.status_code == 404


def test_unknown_order_is_the_same_404(buyer_client):
    assert buyer_client.get("/orders/999-0000000-0000000/").status_code == 404
    assert buyer_client.get("/orders/not-a-number/").status_code == 404


@pytest.mark.parametrize("path", ["/orders/", "/orders/112-0000001-0000001/", "/products/"])
def test_anonymous_visitor_is_redirected_to_login(client, path):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={path}")


def test_product_list_shows_active_products_with_ask_links(buyer_client):
    product = ProductFactory(title="Rain jacket", seller__seller_profile__shop_name="Outdoors")
    ProductFactory(title="Retired boots", is_active=False)

    response = buyer_client.get("/products/")

    assert response.status_code == 200
    assert list(response.context["products"]) == [product]
    html = response.content.decode()
    assert "<h2>Rain jacket</h2><p>19.99 · Sold by Outdoors</p>" in html
    assert f'href="/products/{product.id}/ask/"' in html
    assert "Retired boots" not in html


def test_product_list_hides_the_ask_link_on_a_sellers_own_products(seller_client, seller):
    own = ProductFactory(seller=seller)
    other = ProductFactory()

    html = seller_client.get("/products/").content.decode()

    assert f'href="/products/{own.id}/ask/"' not in html
    assert f'href="/products/{other.id}/ask/"' in html


def test_product_list_query_count_does_not_grow_with_products(
    buyer_client, django_assert_num_queries
):
    ProductFactory.create_batch(2)
    with django_assert_num_queries(PRODUCT_LIST_QUERIES):
        assert buyer_client.get("/products/").status_code == 200

    ProductFactory.create_batch(8)
    with django_assert_num_queries(PRODUCT_LIST_QUERIES):
        response = buyer_client.get("/products/")
    assert len(response.context["products"]) == 10
