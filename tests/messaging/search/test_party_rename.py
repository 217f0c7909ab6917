"""A renamed shop or buyer is found by the new name in the other side's inbox search.

The rename is seen by database triggers, wherever it comes from: the admin, a model save, a
bulk update. Each writes a ``SearchRefresh`` row that the search sweep turns into rebuilt
documents.
"""

import pytest

from accounts.models import SellerProfile, User
from messaging.models import Participant, SearchRefresh
from messaging.search import selectors as search
from messaging.search.selectors import ThreadFilters
from messaging.search.services import search_refreshes_run
from messaging.search.tasks import search_refreshes_sweep
from tests.accounts.factories import SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def found(user, text: str) -> list[int]:
    rows = Participant.objects.for_user(user)
    rows = search.threads_filter(rows, user=user, filters=ThreadFilters(text=text))
    return list(rows.values_list("thread_id", flat=True))


def refreshes() -> list[int]:
    return sorted(SearchRefresh.objects.values_list("user_id", flat=True))


@pytest.fixture
def settled(postgresql, buyer, seller) -> None:
    """The parties exist and are indexed: a new seller's shop profile asked for a refresh."""
    assert refreshes() == [seller.pk]
    search_refreshes_run()


def test_a_shop_renamed_by_staff_is_found_by_its_new_name(postgresql, client, staff, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    assert found(buyer, "sam's shop") == [thread.id]
    client.force_login(staff)

    response = client.post(
        f"/admin/accounts/sellerprofile/{seller.seller_profile.pk}/change/",
        {"shop_name": "Lighthouse Ceramics", "user": seller.pk},
    )

    assert response.status_code == 302
    assert refreshes() == [seller.pk]
    assert found(buyer, "lighthouse ceramics") == []  # until the sweep has run

    assert search_refreshes_sweep() == 1
    assert found(buyer, "lighthouse ceramics") == [thread.id]
    assert found(buyer, "sam's shop") == []
    assert refreshes() == []


def test_a_buyer_renamed_by_a_model_save_is_found_by_the_seller_under_the_new_name(
    settled, buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    other, _ = thread_with_message(seller=seller)
    assert refreshes() == []
    buyer.display_name = "Robin Marsh"
    buyer.save(update_fields=["display_name"])

    assert refreshes() == [buyer.pk]
    assert search_refreshes_run() == 1
    assert found(seller, "marsh") == [thread.id]
    assert found(seller, "alex") == []
    assert other.id not in found(seller, "marsh")


def test_a_rename_by_a_bulk_update_is_seen_too(settled, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    User.objects.filter(pk=buyer.pk).update(display_name="Robin Marsh")
    SellerProfile.objects.filter(user=seller).update(shop_name="Lighthouse Ceramics")

    assert refreshes() == sorted([buyer.pk, seller.pk])
    assert search_refreshes_run() == 2
    assert found(seller, "marsh") == [thread.id]
    assert found(buyer, "lighthouse") == [thread.id]
    assert search_refreshes_run() == 0


def test_saving_the_same_name_or_another_field_asks_for_nothing(settled, buyer, seller):
    User.objects.filter(pk=buyer.pk).update(display_name=buyer.display_name, language="es")
    seller.seller_profile.save()

    assert refreshes() == []


def test_a_shop_profile_created_or_removed_changes_the_name_buyers_see(postgresql, buyer):
    seller = SellerFactory(display_name="Dana Potter", seller_profile=None)
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    search_refreshes_run()
    assert found(buyer, "dana") == [thread.id]

    profile = SellerProfile.objects.create(user=seller, shop_name="Kiln Corner")
    assert refreshes() == [seller.pk]
    search_refreshes_run()
    assert found(buyer, "kiln") == [thread.id]
    assert found(buyer, "dana") == []

    profile.delete()
    assert refreshes() == [seller.pk]
    search_refreshes_run()
    assert found(buyer, "dana") == [thread.id]


def test_a_seller_deleted_with_their_shop_leaves_a_refresh_that_the_run_clears(postgresql):
    seller = SellerFactory()
    seller_id = seller.pk

    seller.delete()

    assert refreshes() == [seller_id]
    assert search_refreshes_run() == 1
    assert refreshes() == []


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
    settled, client, staff, seller, changes, refreshed
):
    client.force_login(staff)

    response = client.post(
        f"/admin/accounts/user/{seller.pk}/change/", user_form(seller, **changes)
    )

    assert response.status_code == 302
    assert refreshes() == ([seller.pk] if refreshed else [])
