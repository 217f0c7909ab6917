from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import Order, OrderItem, OrderStatus, Product
from tests.accounts.factories import BuyerFactory, SellerFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("19.99")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"112-{n:07d}-{(n * 7919) % 10_000_000:07d}")
    buyer = factory.SubFactory(BuyerFactory)
    seller = factory.SubFactory(SellerFactory)
    status = OrderStatus.DELIVERED
    total = Decimal("19.99")
    placed_at = factory.LazyFunction(timezone.now)


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    title = factory.Sequence(lambda n: f"Item {n}")
    quantity = 1
    unit_price = Decimal("19.99")
