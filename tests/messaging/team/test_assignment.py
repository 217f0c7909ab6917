"""Assignment: the shop's threads to a person of its team; the assignee gets the emails."""

import pytest
from rest_framework.test import APIClient

from accounts.models import MemberRole, NotificationMode, ShopMember
from accounts.tokens import token_create
from core.errors import ApplicationError, NotFound
from messaging.models import Participant, ParticipantRole
from messaging.team.assignment import threads_assign
from messaging.threads.services import message_send
from notifications.models import Notification, NotificationKind, NotificationStatus
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def member(shop, role=MemberRole.AGENT, name="Ana"):
    person = BuyerFactory(display_name=name, email=f"{name.lower()}@team.example")
    ShopMember.objects.create(shop=shop, user=person, role=role)
    return person


def seller_side(thread):
    return Participant.objects.get(thread=thread, role=ParticipantRole.SELLER)


def api_for(person) -> APIClient:
    _token, plaintext = token_create(user=person, name="desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def test_bulk_assign_and_unassign(seller, buyer):
    ana = member(seller)
    one, _ = thread_with_message(buyer=buyer, seller=seller)
    two, _ = thread_with_message(buyer=buyer, seller=seller)

    threads_assign(shop=seller, thread_ids=[one.id, two.id], assignee_id=ana.id)
    assigned = [seller_side(t).assignee_id for t in (one, two)]
    threads_assign(shop=seller, thread_ids=[two.id], assignee_id=None)

    assert assigned == [ana.id, ana.id]
    assert [seller_side(t).assignee_id for t in (one, two)] == [ana.id, None]
    assert (
        Participant.objects.filter(role=ParticipantRole.BUYER, assignee__isnull=False).count() == 0
    )


@pytest.mark.parametrize(
    ("who", "code"),
    [("viewer", "invalid_assignee"), ("other_shops_agent", "not_found"), ("buyer", "not_found")],
)
def test_only_someone_of_the_team_who_can_reply_is_assigned(seller, buyer, who, code):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    person = {
        "viewer": lambda: member(seller, MemberRole.VIEWER, "Ben"),
        "other_shops_agent": lambda: member(SellerFactory(), name="Eve"),
        "buyer": lambda: buyer,
    }[who]()

    with pytest.raises(ApplicationError) as refused:
        threads_assign(shop=seller, thread_ids=[thread.id], assignee_id=person.id)

    assert refused.value.code == code
    assert seller_side(thread).assignee_id is None


def test_another_shops_thread_in_the_batch_changes_nothing(seller, buyer):
    ana = member(seller)
    mine, _ = thread_with_message(buyer=buyer, seller=seller)
    theirs, _ = thread_with_message(buyer=buyer, seller=SellerFactory())

    with pytest.raises(NotFound):
        threads_assign(shop=seller, thread_ids=[mine.id, theirs.id], assignee_id=ana.id)

    assert seller_side(mine).assignee_id is None


def test_a_buyer_message_in_an_assigned_thread_emails_the_assignee(seller, buyer):
    ana = member(seller)
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    threads_assign(shop=seller, thread_ids=[thread.id], assignee_id=ana.id)
    Notification.objects.all().delete()

    message = message_send(thread=thread, sender=buyer, body="Any news?")

    rows = list(Notification.objects.filter(kind=NotificationKind.NEW_MESSAGE))
    assert [(row.recipient_id, row.address) for row in rows] == [(ana.id, "ana@team.example")]
    assert rows[0].dedupe_key == f"message:{message.pk}:to:{ana.pk}:ana@team.example"
    assert f"/seller/messages/{thread.id}/" in str(rows[0].context["thread_url"])


def test_the_assignees_own_settings_apply(seller, buyer):
    ana = member(seller)
    ana.notification_mode = NotificationMode.OFF
    ana.save()
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    threads_assign(shop=seller, thread_ids=[thread.id], assignee_id=ana.id)
    Notification.objects.all().delete()

    message_send(thread=thread, sender=buyer, body="Any news?")

    assert list(Notification.objects.values_list("recipient_id", "status")) == [
        (ana.id, NotificationStatus.SKIPPED)
    ]


def test_an_unassigned_thread_emails_the_shop_as_before(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    Notification.objects.all().delete()

    message_send(thread=thread, sender=buyer, body="Any news?")

    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [seller.id]


def test_the_api_lists_the_team_and_assigns(seller, buyer):
    ana = member(seller)
    member(seller, MemberRole.VIEWER, "Ben")
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = api_for(ana)

    team = client.get("/api/v1/team").json()
    assigned = client.post(
        "/api/v1/threads/assign", {"thread_ids": [thread.id], "assignee": ana.id}, format="json"
    )

    assert [(p["display_name"], p["role"], p["can_be_assigned"]) for p in team] == [
        ("Sam Seller", "owner", True),
        ("Ana", "agent", True),
        ("Ben", "viewer", False),
    ]
    assert (assigned.status_code, assigned.json()) == (
        200,
        {"thread_ids": [thread.id], "assignee": ana.id},
    )
    assert seller_side(thread).assignee_id == ana.id


def test_a_viewer_cannot_assign(seller, buyer):
    ben = member(seller, MemberRole.VIEWER, "Ben")
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = api_for(ben).post(
        "/api/v1/threads/assign", {"thread_ids": [thread.id], "assignee": seller.id}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (403, "role_forbidden")
    assert seller_side(thread).assignee_id is None
