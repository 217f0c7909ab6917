from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationAddress, NotificationMode, User
from notifications.models import NotificationStatus
from tests.notifications.factories import NotificationAddressFactory, NotificationFactory

SETTINGS_URL = "/account/notifications/"
# session, user, unread badge, last notifications (with their digests), addresses (sellers)
BUYER_SETTINGS_QUERIES = 4
SELLER_SETTINGS_QUERIES = 5


def test_settings_url_is_mounted():
    assert reverse("notifications:settings") == SETTINGS_URL


def test_settings_page_needs_a_signed_in_user(client):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_settings_page_shows_the_last_20_notifications_with_status_and_reason(buyer_client, buyer):
    start = timezone.now() - timedelta(hours=1)
    rows = [
        NotificationFactory(
            recipient=buyer,
            created_at=start + timedelta(minutes=n),
            context={"subject": f"Thread {n:02d}"},
        )
        for n in range(25)
    ]
    newest = rows[-1]
    newest.status, newest.last_error = (
        NotificationStatus.FAILED,
        "Recipient refused: 550 No such user",
    )
    newest.save()
    NotificationFactory(context={"subject": "Someone else's"})

    response = buyer_client.get(SETTINGS_URL)

    assert response.status_code == 200
    assert [row.pk for row in response.context["notifications"]] == [
        row.pk for row in reversed(rows[5:])
    ]
    html = response.content.decode()
    assert html.count('class="tag status-') == 20
    assert "Recipient refused: 550 No such user" in html
    assert "Thread 24" in html
    assert "Thread 04" not in html
    assert "Someone else&#x27;s" not in html


def test_settings_page_query_budget_for_a_buyer(buyer_client, buyer, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=buyer)
    with django_assert_num_queries(BUYER_SETTINGS_QUERIES):
        buyer_client.get(SETTINGS_URL)

    NotificationFactory.create_batch(10, recipient=buyer)
    with django_assert_num_queries(BUYER_SETTINGS_QUERIES):
        buyer_client.get(SETTINGS_URL)


def test_settings_page_query_budget_for_a_seller(seller_client, seller, django_assert_num_queries):
    digest = NotificationFactory(recipient=seller, kind="digest", context={"count": 2})
    NotificationFactory.create_batch(
        2, recipient=seller, status=NotificationStatus.IN_DIGEST, digest=digest
    )
    NotificationAddressFactory.create_batch(2, user=seller)
    with django_assert_num_queries(SELLER_SETTINGS_QUERIES):
        response = seller_client.get(SETTINGS_URL)

    assert response.content.decode().count("(Pending)") == 2
    NotificationAddressFactory.create_batch(3, user=seller)
    NotificationFactory.create_batch(
        5, recipient=seller, status=NotificationStatus.IN_DIGEST, digest=digest
    )
    with django_assert_num_queries(SELLER_SETTINGS_QUERIES):
        seller_client.get(SETTINGS_URL)


def test_post_changes_the_preference(buyer_client, buyer):
    response = buyer_client.post(SETTINGS_URL, {"mode": "digest", "digest_interval_minutes": "240"})

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    buyer.refresh_from_db()
    assert (buyer.notification_mode, buyer.digest_interval_minutes) == ("digest", 240)


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "sometimes", "digest_interval_minutes": "60"},
        {"mode": "digest", "digest_interval_minutes": "7"},
        {},
    ],
)
def test_post_with_bad_input_shows_a_form_error_and_changes_nothing(buyer_client, buyer, data):
    response = buyer_client.post(SETTINGS_URL, data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert 'class="errors"' in response.content.decode()
    buyer.refresh_from_db()
    assert (buyer.notification_mode, buyer.digest_interval_minutes) == (
        NotificationMode.IMMEDIATE,
        60,
    )


def test_seller_adds_a_team_address(seller_client, seller):
    response = seller_client.post(
        reverse("notifications:address-add"), {"email": " Ana@Shop.example "}
    )

    assert response.status_code == 302
    assert list(seller.notification_addresses.values_list("email", flat=True)) == [
        "ana@shop.example"
    ]
    page = seller_client.get(SETTINGS_URL).content.decode()
    assert "ana@shop.example" in page


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("taken@shop.example", "This address is already on the list."),
    ],
)
def test_seller_address_with_bad_input_gets_a_form_error(seller_client, seller, email, error):
    NotificationAddressFactory(user=seller, email="taken@shop.example")

    response = seller_client.post(reverse("notifications:address-add"), {"email": email})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert seller.notification_addresses.count() == 1


def test_seller_cannot_add_a_sixth_address(seller_client, seller):
    NotificationAddressFactory.create_batch(5, user=seller)

    response = seller_client.post(
        reverse("notifications:address-add"), {"email": "sixth@shop.example"}
    )

    assert response.status_code == 400
    assert "You can add at most 5 addresses." in response.content.decode()
    assert seller.notification_addresses.count() == 5


def test_buyer_cannot_add_team_addresses(buyer_client, buyer):
    response = buyer_client.post(
        reverse("notifications:address-add"), {"email": "friend@example.com"}
    )

    assert response.status_code == 404
    assert NotificationAddress.objects.count() == 0


def test_seller_removes_a_team_address(seller_client, seller):
    address = NotificationAddressFactory(user=seller)

    response = seller_client.post(reverse("notifications:address-remove", args=[address.pk]))

    assert response.status_code == 302
    assert seller.notification_addresses.count() == 0


def test_removing_another_sellers_address_is_not_found(seller_client):
    other = NotificationAddressFactory()

    response = seller_client.post(reverse("notifications:address-remove", args=[other.pk]))

    assert response.status_code == 404
    assert NotificationAddress.objects.filter(pk=other.pk).exists()


def test_spanish_user_sees_the_page_in_spanish(client, buyer):
    User.objects.filter(pk=buyer.pk).update(language="es")
    client.force_login(buyer)

    response = client.get(SETTINGS_URL, headers={"accept-language": "es"})

    assert "Notificaciones por correo" in response.content.decode()
