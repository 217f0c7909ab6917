"""A renamed shop or buyer is found by the new name in the other side's inbox search."""

import pytest

from messaging.models import Participant
from messaging.search import selectors as search
from messaging.search.selectors import ThreadFilters
from messaging.search.tasks import party_search_documents_refresh
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def found(user, text: str) -> list[int]:
    rows = Participant.objects.for_user(user)
    rows = search.threads_filter(rows, user=user, filters=ThreadFilters(text=text))
    return list(rows.values_list("thread_id", flat=True))


def refreshes(callbacks) -> list[tuple]:
    return [
        callback.args
        for callback in callbacks
        if getattr(callback, "func", None) == party_search_documents_refresh.delay
    ]


def test_a_shop_renamed_by_staff_is_found_by_its_new_name(
    postgresql, client, staff, buyer, seller, django_capture_on_commit_callbacks
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    assert found(buyer, "sam's shop") == [thread.id]
    client.force_login(staff)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/admin/accounts/sellerprofile/{seller.seller_profile.pk}/change/",
            {"shop_name": "Lighthouse Ceramics", "user": seller.pk},
        )
    assert response.status_code == 302
    assert refreshes(callbacks) == [(seller.pk,)]

    assert party_search_documents_refresh(seller.pk) == 2  # both sides of the one thread
    assert found(buyer, "lighthouse ceramics") == [thread.id]
    assert found(buyer, "sam's shop") == []


def test_a_renamed_buyer_is_found_by_the_seller_under_the_new_name(postgresql, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    other, _ = thread_with_message(seller=seller)
    buyer.display_name = "Robin Marsh"
    buyer.save(update_fields=["display_name"])

    assert party_search_documents_refresh(buyer.pk) == 2
    assert found(seller, "marsh") == [thread.id]
    assert found(seller, "alex") == []
    assert other.id not in found(seller, "marsh")


def user_form(user, **changes) -> dict:
    """The staff user page's form as it stands, with ``changes``."""
    profile = user.seller_profile
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "language": user.language,
        "notification_mode": user.notification_mode,
        "digest_interval_minutes": user.digest_interval_minutes,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "seller_profile-TOTAL_FORMS": "1",
        "seller_profile-INITIAL_FORMS": "1",
        "seller_profile-MIN_NUM_FORMS": "0",
        "seller_profile-MAX_NUM_FORMS": "1",
        "seller_profile-0-id": profile.pk,
        "seller_profile-0-user": user.pk,
        "seller_profile-0-shop_name": profile.shop_name,
        "notification_addresses-TOTAL_FORMS": "0",
        "notification_addresses-INITIAL_FORMS": "0",
        "notification_addresses-MIN_NUM_FORMS": "0",
        "notification_addresses-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "refreshed"),
    [
        ({"display_name": "Samantha Seller"}, True),
        ({"seller_profile-0-shop_name": "Lighthouse Ceramics"}, True),
        ({"language": "es"}, False),
    ],
)
def test_the_staff_user_page_reindexes_on_a_new_name_only(
    client, staff, seller, django_capture_on_commit_callbacks, changes, refreshed
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/admin/accounts/user/{seller.pk}/change/", user_form(seller, **changes)
        )

    assert response.status_code == 302
    assert refreshes(callbacks) == ([(seller.pk,)] if refreshed else [])


def test_saving_a_profile_without_a_new_name_indexes_nothing(
    client, staff, seller, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            f"/admin/accounts/sellerprofile/{seller.seller_profile.pk}/change/",
            {"shop_name": "Sam's Shop", "user": seller.pk},
        )

    assert refreshes(callbacks) == []
