from collections import Counter
from datetime import UTC, date, datetime
from io import BytesIO, StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import SellerProfile, ShopMember, User
from messaging.clock.selectors import response_metric_for_seller
from messaging.models import Message, MessageStatus, Obligation, Participant, Thread
from notifications.models import Notification
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
    ("agent@example.com", "/seller/"),  # Gadget Garage's team: they act for the shop
    ("viewer@example.com", "/seller/"),
]


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "seller_profiles": SellerProfile.objects.count(),
        "team_members": ShopMember.objects.count(),
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
        "users": 8,
        "seller_profiles": 2,
        "team_members": 2,
        "products": 6,
        "orders": 34,  # 6, and 14 a seller for the history
        "order_items": 34,
        "threads": 33,
        "participants": 66,
        "messages": 62,  # 8, and per seller 13 questions with a reply and one thank-you
    }
    assert "Demo marketplace ready. Sign in with:" in output
    assert f"  buyer   buyer@example.com      {DEMO_PASSWORD}" in output
    assert sorted(ShopMember.objects.values_list("user__email", "shop__email", "role")) == [
        ("agent@example.com", "gadgets@example.com", "agent"),
        ("viewer@example.com", "gadgets@example.com", "viewer"),
    ]


def test_seed_demo_gives_every_product_a_picture_once():
    seed()
    pictures = dict(Product.objects.values_list("sku", "image"))

    seed()

    assert dict(Product.objects.values_list("sku", "image")) == pictures
    assert len(pictures) == 6
    for product in Product.objects.all():
        shapes = []
        for stored in (product.image, product.thumbnail_96, product.thumbnail_48):
            with default_storage.open(stored.name) as handle:
                image = Image.open(BytesIO(handle.read()))
            shapes.append((image.format, image.size))
        assert shapes == [("JPEG", (240, 240)), ("JPEG", (96, 96)), ("JPEG", (48, 48))]


def test_seed_demo_twice_changes_nothing():
    seed()
    first = counts()
    message_ids = list(Message.objects.order_by("id").values_list("id", "body"))

    seed()

    assert (
        counts()
        == first
        == {
            "users": 8,
            "seller_profiles": 2,
            "team_members": 2,
            "products": 6,
            "orders": 34,
            "order_items": 34,
            "threads": 33,
            "participants": 66,
            "messages": 62,
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
    # Gadget Garage's agent has the product question; the rest are unassigned.
    assigned = Participant.objects.filter(assignee__isnull=False)
    assert list(assigned.values_list("user__email", "thread__topic", "assignee__email")) == [
        ("gadgets@example.com", "product_question", "agent@example.com")
    ]


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


SEEDED_AT = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)


def test_seed_demo_gives_each_seller_a_90_day_history(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: SEEDED_AT)
    seed()
    history = Obligation.objects.filter(thread__order__number__startswith="114-")

    shapes = {}
    for email in ("seller@example.com", "gadgets@example.com"):
        seller = User.objects.get(email=email)
        metric = response_metric_for_seller(seller=seller, now=SEEDED_AT)
        shapes[email] = {
            "outcomes": Counter(history.filter(seller=seller).values_list("outcome", flat=True)),
            "windows": [
                (w.days, w.due, w.answered_on_time, w.answered_late, w.not_answered, w.excluded)
                for w in metric.windows
            ],
            "weekly_due": [week.due for week in metric.weekly],
            "rate": round(metric.windows[2].on_time_percent, 1),
        }

    # Beside the history, the windows hold the demo's own plates question (50 hours without
    # a reply, Casa Cerámica's); the rest of the demo falls due today or later.
    history_outcomes = {"answered_on_time": 11, "answered_late": 2, "excluded": 1}
    assert shapes == {
        "seller@example.com": {
            "outcomes": history_outcomes,
            "windows": [(7, 2, 1, 0, 1, 0), (30, 6, 3, 1, 1, 1), (90, 15, 11, 2, 1, 1)],
            "weekly_due": [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2],
            "rate": 78.6,
        },
        "gadgets@example.com": {
            "outcomes": history_outcomes,
            "windows": [(7, 1, 1, 0, 0, 0), (30, 5, 4, 0, 0, 1), (90, 14, 11, 2, 0, 1)],
            "weekly_due": [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1],
            "rate": 84.6,
        },
    }
    assert history.count() == 28
    assert Message.objects.exclude(status=MessageStatus.DELIVERED).count() == 0
    # Old news is not emailed: only the demo's own conversations notify anyone.
    assert Notification.objects.filter(status="pending").count() == 8


def test_seed_demo_history_is_the_same_on_every_run(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: SEEDED_AT)
    seed()
    first = list(Obligation.objects.order_by("id").values_list("received_at", "due_at", "outcome"))

    seed()

    assert (
        list(Obligation.objects.order_by("id").values_list("received_at", "due_at", "outcome"))
        == first
    )
    assert Obligation.objects.filter(due_at__date__lt=date(2026, 3, 30)).count() == 26
