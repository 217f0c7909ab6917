"""Factories for threads: build them through the services so state is always consistent."""

from datetime import datetime

import factory

from accounts.models import User
from messaging.models import Message, SavedReply, Thread
from messaging.threads import services
from orders.models import Order
from tests.accounts.factories import SellerFactory
from tests.orders.factories import OrderFactory


def thread_with_message(
    *,
    order: Order | None = None,
    buyer: User | None = None,
    seller: User | None = None,
    body: str = "Where is my parcel?",
    topic: str = "shipping",
    now: datetime | None = None,
) -> tuple[Thread, Message]:
    """Start a conversation about an order (made if not given) with one buyer message."""
    if order is None:
        extra = {}
        if buyer is not None:
            extra["buyer"] = buyer
        if seller is not None:
            extra["seller"] = seller
        order = OrderFactory(**extra)
    message = services.thread_start(
        sender=order.buyer, order=order, topic=topic, body=body, now=now
    )
    return message.thread, message


class SavedReplyFactory(factory.django.DjangoModelFactory):
    """A saved reply as the services would store it (no policy check: use the service to test)."""

    class Meta:
        model = SavedReply

    seller = factory.SubFactory(SellerFactory)
    name = factory.Sequence(lambda n: f"Saved reply {n}")
    body = "Hi {buyer_name}, thank you for your message about order {order_number}."
    language = "en"
