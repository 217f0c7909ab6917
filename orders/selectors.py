from django.db.models import F, Prefetch, QuerySet, prefetch_related_objects

from accounts.models import User
from core.errors import NotFound
from orders.models import Order, OrderItem, Product


def _items_with_products() -> QuerySet[OrderItem]:
    """An order's items in order, each with its product (for its picture) in the same query."""
    return OrderItem.objects.select_related("product").order_by("id")


def order_list_for_buyer(*, buyer: User) -> QuerySet[Order]:
    """List a buyer's orders, newest first, with seller and items loaded."""
    return (
        Order.objects.filter(buyer=buyer)
        .select_related("seller__seller_profile")
        .prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("id")))
        # An order has at most one conversation (a unique constraint), so the join adds no rows.
        .annotate(conversation_id=F("threads__id"))
        .order_by("-placed_at", "-id")
    )


def order_get_for_participant(*, user: User, number: str) -> Order:
    """Fetch an order its buyer or seller may see; anything else is not found."""
    order = (
        Order.objects.select_related("buyer", "seller__seller_profile")
        .prefetch_related("items")
        .filter(number=number)
        .first()
    )
    if order is None or user.pk not in (order.buyer_id, order.seller_id):
        raise NotFound("No such order.")
    return order


def order_list_for_seller(*, seller: User) -> QuerySet[Order]:
    """List a seller's orders, newest first, with the buyer and the conversation's id."""
    return (
        Order.objects.filter(seller=seller)
        .select_related("buyer")
        .annotate(conversation_id=F("threads__id"))
        .order_by("-placed_at", "-id")
    )


def order_get_for_seller(*, seller: User, number: str) -> Order:
    """Fetch one of the seller's orders; anyone else's is not found."""
    order = (
        Order.objects.select_related("buyer", "seller__seller_profile")
        .prefetch_related(Prefetch("items", queryset=_items_with_products()))
        .filter(number=number, seller=seller)
        .first()
    )
    if order is None:
        raise NotFound("No such order.")
    return order


def product_list_active() -> QuerySet[Product]:
    """List products buyers can ask about."""
    return Product.objects.filter(is_active=True).select_related("seller__seller_profile")


def product_get_active(*, product_id: int) -> Product:
    product = product_list_active().filter(pk=product_id).first()
    if product is None:
        raise NotFound("No such product.")
    return product


def product_get_with_image(*, product_id: int) -> Product:
    """Fetch a product's picture fields, whether or not it is still listed; else not found."""
    product = (
        Product.objects.only("id", "image", "thumbnail_96", "thumbnail_48")
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        raise NotFound("No such product.")
    return product


def order_items_load(*, order: Order) -> None:
    """Load an order's items with their products (for their pictures) in one query."""
    prefetch_related_objects([order], Prefetch("items", queryset=_items_with_products()))
