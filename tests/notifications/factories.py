import uuid

import factory
from django.utils import timezone

from accounts.models import NotificationAddress
from notifications.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.accounts.factories import BuyerFactory, SellerFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(SellerFactory)
    address = factory.LazyAttribute(lambda row: row.recipient.email)
    kind = NotificationKind.NEW_MESSAGE
    language = "en"
    context = factory.LazyFunction(
        lambda: {
            "sender_name": "Alex Buyer",
            "subject": "Shipping · Order 112-0000001-0000001",
            "order_number": "112-0000001-0000001",
            "thread_url": "http://127.0.0.1:8000/seller/messages/1/",
            "excerpt": "Where is my parcel?",
        }
    )
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
    status = NotificationStatus.PENDING
    created_at = factory.LazyFunction(timezone.now)
    next_attempt_at = factory.LazyAttribute(lambda row: row.created_at)


class NotificationAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationAddress

    user = factory.SubFactory(SellerFactory)
    email = factory.Sequence(lambda n: f"team{n}@shop.example")


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    seller = factory.SubFactory(SellerFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.shop.example/message-center")
    secret = factory.Sequence(lambda n: f"whsec_test_{n}")


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = "ping"
    event_id = factory.LazyFunction(uuid.uuid4)
    payload = factory.LazyAttribute(
        lambda row: {
            "id": str(row.event_id),
            "event": row.event,
            "created_at": "2026-03-02T09:00:00Z",
            "data": {"message": "A test event from Message Center."},
        }
    )
    created_at = factory.LazyFunction(timezone.now)
    next_attempt_at = factory.LazyAttribute(lambda row: row.created_at)


__all__ = [
    "BuyerFactory",
    "NotificationAddressFactory",
    "NotificationFactory",
    "SellerFactory",
    "WebhookDeliveryFactory",
    "WebhookEndpointFactory",
]
