from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import SellerProfile, User
from messaging.models import Message, Participant, Thread
from orders.models import Order, OrderItem, Product

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-pass-2026"
DEMO_LOGINS = [
    ("seller@example.com", "/seller/"),
    ("gadgets@example.com", "/seller/"),
    ("buyer@example.com", "/orders/"),
    ("lucia@example.com", "/orders/"),
    ("sam@example.com", "/orders/"),
    ("admin@example.com", "/admin/"),
]


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "seller_profiles": SellerProfile.objects.count(),
        "products": Product.objects.count(),
        "orders": Order.objects.count(),
        "order_items": OrderItem.objects.count(),
        "threads": Thread.objects.count(),
        "participants": Participant.objects.count(),
        "messages": Message.objects.count(),
    }


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_the_demo_marketplace():
    output = seed()

    assert counts() == {
        "users": 6,
        "seller_profiles": 2,
        "products": 6,
        "orders": 6,
        "order_items": 6,
        "threads": 5,
        "participants": 10,
        "messages": 8,
    }
    assert "Demo marketplace ready. Sign in with:" in output
    assert f"  buyer   buyer@example.com      {DEMO_PASSWORD}" in output


def test_seed_demo_twice_changes_nothing():
    seed()
    first = counts()
    message_ids = list(Message.objects.order_by("id").values_list("id", "body"))

    seed()

    assert (
        counts()
        == first
        == {
            "users": 6,
            "seller_profiles": 2,
            "products": 6,
            "orders": 6,
            "order_items": 6,
            "threads": 5,
            "participants": 10,
            "messages": 8,
        }
    )
    assert list(Message.objects.order_by("id").values_list("id", "body")) == message_ids


def test_seed_demo_conversations_are_in_the_right_folders():
    seed()
    casa = User.objects.get(email="seller@example.com")
    gadgets = User.objects.get(email="gadgets@example.com")

    waiting = {
        seller.email: sorted(
            Participant.objects.filter(user=seller, needs_response_since__isnull=False).values_list(
                "thread__topic", flat=True
            )
        )
        for seller in (casa, gadgets)
    }

    assert waiting == {
        "seller@example.com": ["damaged_defective", "product_question"],
        "gadgets@example.com": ["product_question", "shipping"],
    }


@pytest.mark.parametrize(("email", "start_page"), DEMO_LOGINS)
def test_demo_logins_can_sign_in(email, start_page):
    seed()
    seed()
    client = Client()

    assert client.login(username=email, password=DEMO_PASSWORD) is True
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, start_page)
    assert client.get(start_page).status_code == 200


def test_demo_login_with_wrong_password_fails():
    seed()

    assert Client().login(username="buyer@example.com", password="wrong") is False
