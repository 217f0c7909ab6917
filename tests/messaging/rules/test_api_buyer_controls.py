"""API parity with the pages: bulk thread actions, reports, blocking a seller, opting out."""

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from messaging.models import (
    ModerationAction,
    ModerationCase,
    Obligation,
    Participant,
    SellerBlock,
    UnsolicitedOptOut,
)
from messaging.rules.services import thread_block_seller
from messaging.threads.services import message_send, thread_archive
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

API = "/api/v1"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OFF_PLATFORM = "Write to me at sam@gmail.com"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def buyer_api(buyer) -> APIClient:
    return as_user(buyer)


@pytest.fixture
def seller_api(seller) -> APIClient:
    return as_user(seller)


def database() -> dict[str, list[dict]]:
    """Every row of every table: a refused request must leave all of it as it was."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def side(thread, user) -> Participant:
    return Participant.objects.get(thread=thread, user=user)


# --- POST /threads/bulk -----------------------------------------------------------------------


def test_bulk_archive_changes_only_the_chosen_threads_on_my_side(buyer_api, buyer, seller):
    first, _ = thread_with_message(buyer=buyer, seller=seller)
    second, _ = thread_with_message(buyer=buyer, seller=seller)
    untouched, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_api.post(
        f"{API}/threads/bulk", {"ids": [second.id, first.id], "action": "archive"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        200,
        {"action": "archive", "ids": sorted([first.id, second.id]), "changed": 2},
    )
    assert dict(Participant.objects.filter(user=buyer).values_list("thread_id", "is_archived")) == {
        first.id: True,
        second.id: True,
        untouched.id: False,
    }
    assert not Participant.objects.filter(user=seller, is_archived=True).exists()


def test_bulk_repeat_changes_nothing_more(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    body = {"ids": [thread.id, thread.id], "action": "archive"}
    first = buyer_api.post(f"{API}/threads/bulk", body, format="json")
    after_first = database()

    again = buyer_api.post(f"{API}/threads/bulk", body, format="json")

    assert first.json() == {"action": "archive", "ids": [thread.id], "changed": 1}
    assert (again.status_code, again.json()) == (
        200,
        {"action": "archive", "ids": [thread.id], "changed": 0},
    )
    assert database() == after_first


def test_bulk_read_and_unarchive(seller_api, buyer, seller):
    read_me, _ = thread_with_message(buyer=buyer, seller=seller)
    archived, _ = thread_with_message(buyer=buyer, seller=seller)
    thread_archive(participant=side(archived, seller))

    read = seller_api.post(
        f"{API}/threads/bulk", {"ids": [read_me.id], "action": "read"}, format="json"
    )
    unarchived = seller_api.post(
        f"{API}/threads/bulk", {"ids": [read_me.id, archived.id], "action": "unarchive"}
    )

    assert read.json() == {"action": "read", "ids": [read_me.id], "changed": 1}
    assert unarchived.json() == {
        "action": "unarchive",
        "ids": sorted([read_me.id, archived.id]),
        "changed": 1,
    }
    assert (side(read_me, seller).unread_count, side(archived, seller).unread_count) == (0, 1)
    assert side(archived, seller).is_archived is False


def test_bulk_no_response_needed_closes_the_sellers_obligations(seller_api, buyer, seller):
    # Marked within the 24 hours: the buyer's message is excluded from the metric.
    recent = timezone.now() - timedelta(hours=1)
    waiting, _ = thread_with_message(buyer=buyer, seller=seller, now=recent)
    answered, _ = thread_with_message(buyer=buyer, seller=seller, now=recent)
    message_send(thread=answered, sender=seller, body="On its way.", now=recent)

    response = seller_api.post(
        f"{API}/threads/bulk",
        {"ids": [waiting.id, answered.id], "action": "no_response_needed"},
        format="json",
    )

    assert response.json() == {
        "action": "no_response_needed",
        "ids": sorted([waiting.id, answered.id]),
        "changed": 1,
    }
    assert side(waiting, seller).needs_response_since is None
    assert dict(Obligation.objects.values_list("thread_id", "outcome")) == {
        waiting.id: "excluded",
        answered.id: "answered_on_time",
    }


def test_bulk_no_response_needed_is_for_sellers_only(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = database()

    response = buyer_api.post(
        f"{API}/threads/bulk", {"ids": [thread.id], "action": "no_response_needed"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {"code": "not_seller", "detail": "Only the seller can mark a thread this way."},
    )
    assert database() == before


@pytest.mark.parametrize("whose", ["someone_elses", "missing"])
def test_bulk_with_one_id_not_mine_is_404_and_changes_nothing(buyer_api, buyer, seller, whose):
    mine, _ = thread_with_message(buyer=buyer, seller=seller)
    foreign, _ = thread_with_message(buyer=BuyerFactory(), seller=seller)
    other_id = foreign.id if whose == "someone_elses" else foreign.id + 1000
    before = database()

    response = buyer_api.post(
        f"{API}/threads/bulk", {"ids": [mine.id, other_id], "action": "read"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "No such conversation."},
    )
    assert database() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"ids": [], "action": "read"}, {"ids": ["This list may not be empty."]}),
        (
            {"ids": list(range(1, 102)), "action": "read"},
            {"ids": ["Ensure this field has no more than 100 elements."]},
        ),
        (
            {"ids": [0], "action": "read"},
            {"ids": {"0": ["Ensure this value is greater than or equal to 1."]}},
        ),
        ({"ids": [1], "action": "delete"}, {"action": ['"delete" is not a valid choice.']}),
        ({}, {"ids": ["This field is required."], "action": ["This field is required."]}),
    ],
)
def test_bulk_with_invalid_input_is_400_and_changes_nothing(buyer_api, buyer, seller, body, fields):
    thread_with_message(buyer=buyer, seller=seller)
    before = database()

    response = buyer_api.post(f"{API}/threads/bulk", body, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"code": "invalid", "detail": "The request has invalid fields.", "fields": fields},
    )
    assert database() == before


def test_bulk_of_100_threads_is_accepted_in_a_constant_number_of_queries(
    buyer_api, buyer, seller, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    few = [thread_with_message(buyer=buyer, seller=seller)[0].id for _ in range(2)]
    many = few + [thread_with_message(buyer=buyer, seller=seller)[0].id for _ in range(98)]

    # The service's savepoint, counting the user's rows, one UPDATE, the release
    # (force_authenticate: no session or token query).
    with django_assert_num_queries(4) as queries:
        small = buyer_api.post(f"{API}/threads/bulk", {"ids": few, "action": "archive"})
    with django_assert_num_queries(4):
        large = buyer_api.post(f"{API}/threads/bulk", {"ids": many, "action": "archive"})

    assert (small.json()["changed"], large.json()["changed"]) == (2, 98)
    assert [query["sql"].split()[0] for query in queries.captured_queries] == [
        "SAVEPOINT",
        "SELECT",
        "UPDATE",
        "RELEASE",
    ]


# --- POST /threads/{id}/messages/{id}/report --------------------------------------------------


def report_url(thread, message) -> str:
    return f"{API}/threads/{thread.id}/messages/{message.id}/report"


def test_reporting_the_other_sides_message_queues_it_for_moderation(seller_api, buyer, seller):
    thread, message = thread_with_message(buyer=buyer, seller=seller)

    response = seller_api.post(
        report_url(thread, message),
        {"reason": "offensive", "detail": "  Insults my staff.  "},
        format="json",
    )

    case = ModerationCase.objects.get()
    assert (response.status_code, response.json()) == (
        201,
        {
            "message_id": message.id,
            "reason": "offensive",
            "detail": "Insults my staff.",
            "created_at": case.created_at.isoformat().replace("+00:00", "Z"),
        },
    )
    assert (case.kind, case.status, case.subject, case.reporter, case.message) == (
        "report",
        "open",
        buyer,
        seller,
        message,
    )
    assert list(ModerationAction.objects.values_list("action", "actor", "detail")) == [
        ("reported", seller.pk, "offensive")
    ]


def test_a_report_without_detail_is_accepted(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    reply = message_send(thread=thread, sender=seller, body="Our new catalogue is out!")

    response = buyer_api.post(report_url(thread, reply), {"reason": "spam"})

    assert response.status_code == 201
    assert (response.json()["reason"], response.json()["detail"]) == ("spam", "")


def test_reporting_twice_is_refused_and_adds_nothing(seller_api, buyer, seller):
    thread, message = thread_with_message(buyer=buyer, seller=seller)
    seller_api.post(report_url(thread, message), {"reason": "spam"}, format="json")
    before = database()

    again = seller_api.post(report_url(thread, message), {"reason": "spam"}, format="json")

    assert (again.status_code, again.json()) == (
        400,
        {
            "code": "already_reported",
            "detail": "You already reported this message; our team is looking at it.",
        },
    )
    assert database() == before


def test_a_retried_report_with_the_same_idempotency_key_is_answered_once(seller_api, buyer, seller):
    thread, message = thread_with_message(buyer=buyer, seller=seller)
    headers = {"Idempotency-Key": "report-1"}

    first = seller_api.post(report_url(thread, message), {"reason": "spam"}, headers=headers)
    retry = seller_api.post(report_url(thread, message), {"reason": "spam"}, headers=headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert ModerationCase.objects.count() == 1


def test_my_own_message_cannot_be_reported(buyer_api, buyer, seller):
    thread, message = thread_with_message(buyer=buyer, seller=seller)
    before = database()

    response = buyer_api.post(report_url(thread, message), {"reason": "spam"}, format="json")

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "No such message."},
    )
    assert database() == before


def test_the_other_sides_blocked_message_cannot_be_reported(seller_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    blocked = message_send(thread=thread, sender=buyer, body=OFF_PLATFORM)
    before = database()

    response = seller_api.post(report_url(thread, blocked), {"reason": "spam"}, format="json")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert database() == before


@pytest.mark.parametrize("where", ["foreign_thread", "message_of_another_thread"])
def test_a_message_outside_my_threads_is_404_and_changes_nothing(seller_api, seller, where):
    foreign, foreign_message = thread_with_message(seller=SellerFactory())
    mine, _ = thread_with_message(seller=seller)
    thread = foreign if where == "foreign_thread" else mine
    before = database()

    response = seller_api.post(
        report_url(thread, foreign_message), {"reason": "spam"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert database() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"reason": ["This field is required."]}),
        ({"reason": "rude"}, {"reason": ['"rude" is not a valid choice.']}),
        (
            {"reason": "spam", "detail": "x" * 501},
            {"detail": ["Ensure this field has no more than 500 characters."]},
        ),
    ],
)
def test_a_report_with_invalid_input_is_400_and_changes_nothing(
    seller_api, buyer, seller, body, fields
):
    thread, message = thread_with_message(buyer=buyer, seller=seller)
    before = database()

    response = seller_api.post(report_url(thread, message), body, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"code": "invalid", "detail": "The request has invalid fields.", "fields": fields},
    )
    assert database() == before


# --- POST / DELETE /threads/{id}/block-seller -------------------------------------------------


def test_a_buyer_blocks_and_unblocks_the_seller_of_a_thread_idempotently(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    url = f"{API}/threads/{thread.id}/block-seller"
    seller_party = {"id": seller.id, "name": "Sam's Shop"}

    blocked = buyer_api.post(url)
    blocked_again = buyer_api.post(url)
    assert SellerBlock.objects.filter(buyer=buyer, seller=seller).count() == 1
    unblocked = buyer_api.delete(url)
    unblocked_again = buyer_api.delete(url)

    expected_blocked = {"thread_id": thread.id, "seller": seller_party, "seller_blocked": True}
    assert (blocked.status_code, blocked.json()) == (200, expected_blocked)
    assert (blocked_again.status_code, blocked_again.json()) == (200, expected_blocked)
    expected_unblocked = {**expected_blocked, "seller_blocked": False}
    assert (unblocked.status_code, unblocked.json()) == (200, expected_unblocked)
    assert (unblocked_again.status_code, unblocked_again.json()) == (200, expected_unblocked)
    assert not SellerBlock.objects.exists()


def test_a_blocked_seller_shows_in_the_sellers_messaging_actions(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    buyer_api.post(f"{API}/threads/{thread.id}/block-seller")

    actions = as_user(seller).get(f"{API}/orders/{thread.order.number}/messaging-actions")
    assert actions.json()["seller_blocked"] is True


@pytest.mark.parametrize("method", ["post", "delete"])
def test_the_seller_of_the_thread_gets_404_and_nothing_changes(seller_api, buyer, seller, method):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = database()

    response = getattr(seller_api, method)(f"{API}/threads/{thread.id}/block-seller")

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "No such conversation."},
    )
    assert database() == before


@pytest.mark.parametrize("method", ["post", "delete"])
def test_blocking_from_someone_elses_thread_is_404_and_changes_nothing(buyer, seller, method):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    thread_block_seller(participant=side(thread, buyer))
    stranger = as_user(BuyerFactory())
    before = database()

    response = getattr(stranger, method)(f"{API}/threads/{thread.id}/block-seller")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert database() == before


# --- GET / PUT /preferences/messaging ---------------------------------------------------------


def test_preferences_start_opted_in_with_nobody_blocked(buyer_api):
    response = buyer_api.get(f"{API}/preferences/messaging")

    assert (response.status_code, response.json()) == (
        200,
        {"unsolicited_opt_out": False, "blocked_sellers": []},
    )


def test_opting_out_and_back_in_is_idempotent(buyer_api, buyer):
    url = f"{API}/preferences/messaging"

    out = buyer_api.put(url, {"unsolicited_opt_out": True}, format="json")
    out_again = buyer_api.put(url, {"unsolicited_opt_out": True}, format="json")
    assert UnsolicitedOptOut.objects.filter(buyer=buyer).count() == 1
    back_in = buyer_api.put(url, {"unsolicited_opt_out": False}, format="json")
    back_in_again = buyer_api.put(url, {"unsolicited_opt_out": False}, format="json")

    opted_out = {"unsolicited_opt_out": True, "blocked_sellers": []}
    assert [(r.status_code, r.json()) for r in (out, out_again)] == [(200, opted_out)] * 2
    opted_in = {"unsolicited_opt_out": False, "blocked_sellers": []}
    assert [(r.status_code, r.json()) for r in (back_in, back_in_again)] == [(200, opted_in)] * 2
    assert not UnsolicitedOptOut.objects.exists()


def test_preferences_list_blocked_sellers_newest_first_in_constant_queries(
    buyer_api, buyer, django_assert_num_queries
):
    def block(shop: str, day: int) -> None:
        thread, _ = thread_with_message(
            buyer=buyer, seller=SellerFactory(seller_profile__shop_name=shop)
        )
        thread_block_seller(participant=side(thread, buyer), now=T0 + timedelta(days=day))

    block("Old Shop", 1)
    with django_assert_num_queries(2):  # the opt-out, the blocks with their sellers' shops
        one = buyer_api.get(f"{API}/preferences/messaging").json()
    block("New Shop", 2)
    block("Newest Shop", 3)
    with django_assert_num_queries(2):
        three = buyer_api.get(f"{API}/preferences/messaging").json()

    assert [row["name"] for row in one["blocked_sellers"]] == ["Old Shop"]
    old_shop = SellerBlock.objects.get(seller__seller_profile__shop_name="Old Shop").seller_id
    assert three["blocked_sellers"][2] == {
        "id": old_shop,
        "name": "Old Shop",
        "blocked_at": "2026-03-03T09:00:00Z",
    }
    assert [row["name"] for row in three["blocked_sellers"]] == [
        "Newest Shop",
        "New Shop",
        "Old Shop",
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"unsolicited_opt_out": ["This field is required."]}),
        ({"unsolicited_opt_out": "perhaps"}, {"unsolicited_opt_out": ["Must be a valid boolean."]}),
    ],
)
def test_preferences_with_invalid_input_are_400_and_change_nothing(buyer_api, body, fields):
    before = database()

    response = buyer_api.put(f"{API}/preferences/messaging", body, format="json")

    assert (response.status_code, response.json()) == (
        400,
        {"code": "invalid", "detail": "The request has invalid fields.", "fields": fields},
    )
    assert database() == before


@pytest.mark.parametrize("method", ["get", "put"])
def test_sellers_have_no_messaging_preferences(seller_api, method):
    before = database()

    response = getattr(seller_api, method)(
        f"{API}/preferences/messaging", {"unsolicited_opt_out": True}, format="json"
    )

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "Not found."},
    )
    assert database() == before
