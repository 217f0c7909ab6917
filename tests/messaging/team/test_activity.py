"""What a seller's team did to a thread: recorded by person, shown to the team only."""

import pytest
from django.test import Client

from accounts.models import MemberRole, ShopMember
from messaging.models import TeamActivity
from messaging.team.assignment import threads_assign
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def member(shop, role=MemberRole.AGENT, name="Ana"):
    person = BuyerFactory(display_name=name, email=f"{name.lower()}@team.example")
    ShopMember.objects.create(shop=shop, user=person, role=role)
    return person


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def recorded(thread) -> list[tuple]:
    return list(
        TeamActivity.objects.filter(thread=thread)
        .order_by("id")
        .values_list("actor__display_name", "kind", "assignee__display_name")
    )


def test_each_members_actions_are_recorded_with_their_name(seller, buyer):
    ana, ben = member(seller), member(seller, name="Ben")
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    as_ana, as_ben = signed_in(ana), signed_in(ben)

    as_ana.post(f"/seller/messages/{thread.id}/assign/", {"assignee": ana.id})
    as_ana.post(f"/messages/{thread.id}/archive/")
    as_ben.post(f"/messages/{thread.id}/unarchive/")
    as_ben.post(f"/messages/{thread.id}/unread/")
    as_ben.post(f"/messages/{thread.id}/no-response-needed/")
    as_ana.post(f"/messages/{thread.id}/delete/")
    as_ana.post(f"/messages/{thread.id}/restore/")

    assert recorded(thread) == [
        ("Ana", "assigned", "Ana"),
        ("Ana", "archived", None),
        ("Ben", "unarchived", None),
        ("Ben", "marked_unread", None),
        ("Ben", "no_response_needed", None),
        ("Ana", "trashed", None),
        ("Ana", "restored", None),
    ]


def test_bulk_actions_are_recorded_for_each_thread(seller, buyer):
    ana = member(seller)
    one, _ = thread_with_message(buyer=buyer, seller=seller)
    two, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(ana)

    for action in ("archive", "unarchive", "no-response-needed", "trash", "restore"):
        client.post("/messages/bulk/", {"thread": [one.id, two.id], "action": action})

    expected = [
        ("Ana", kind, None)
        for kind in ("archived", "unarchived", "no_response_needed", "trashed", "restored")
    ]
    assert recorded(one) == recorded(two) == expected


def test_a_bulk_action_is_recorded_only_on_the_threads_it_changes(seller, buyer):
    ana = member(seller)
    open_one, _ = thread_with_message(buyer=buyer, seller=seller)
    archived, _ = thread_with_message(buyer=buyer, seller=seller)
    trashed, _ = thread_with_message(buyer=buyer, seller=seller)
    seller_client = signed_in(seller)
    seller_client.post(f"/messages/{archived.id}/archive/")
    seller_client.post(f"/messages/{trashed.id}/delete/")
    ticked = {"thread": [open_one.id, archived.id, trashed.id]}
    client = signed_in(ana)

    client.post("/messages/bulk/", {**ticked, "action": "archive"})
    client.post("/messages/bulk/", {**ticked, "action": "restore"})

    # Archive changed the open thread only (one was archived already, one sits in Trash);
    # restore changed the one in Trash only.
    assert recorded(open_one) == [("Ana", "archived", None)]
    assert recorded(archived) == []
    assert recorded(trashed) == [("Ana", "restored", None)]


def test_the_shop_working_alone_leaves_no_trail_but_its_assignments_do(
    seller, buyer, seller_client
):
    ana = member(seller)
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    seller_client.post(f"/messages/{thread.id}/archive/")
    threads_assign(shop=seller, thread_ids=[thread.id], assignee_id=ana.id)
    threads_assign(shop=seller, thread_ids=[thread.id], assignee_id=None)

    assert recorded(thread) == [
        ("Sam Seller", "assigned", "Ana"),
        ("Sam Seller", "unassigned", None),
    ]


def test_the_team_sees_who_did_what_and_the_buyer_never_does(seller, buyer):
    ana, ben = member(seller), member(seller, MemberRole.VIEWER, "Ben")
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    signed_in(ana).post(f"/seller/messages/{thread.id}/assign/", {"assignee": ana.id})
    signed_in(ana).post(f"/messages/{thread.id}/no-response-needed/")

    team_page = signed_in(ben).get(f"/seller/messages/{thread.id}/").content.decode()
    buyer_page = signed_in(buyer).get(f"/messages/{thread.id}/").content.decode()
    buyer_api = Client()
    buyer_api.force_login(buyer)
    buyer_json = buyer_api.get(f"/api/v1/threads/{thread.id}").content.decode()

    assert team_page.index("Ana marked the conversation as needing no response") < team_page.index(
        "Ana assigned the conversation to Ana"
    )
    for text in (buyer_page, buyer_json):
        assert "assigned the conversation" not in text
        assert "needing no response" not in text


def test_the_thread_page_reads_the_activity_in_one_query_however_long(
    seller, buyer, django_assert_num_queries
):
    ana = member(seller)
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(ana)
    client.get(f"/seller/messages/{thread.id}/")
    client.post(f"/messages/{thread.id}/archive/")
    # The seller's thread page with a team: its usual reads, plus one for the activity.
    with django_assert_num_queries(16):
        client.get(f"/seller/messages/{thread.id}/")
    for _ in range(15):
        client.post(f"/messages/{thread.id}/unarchive/")
        client.post(f"/messages/{thread.id}/archive/")

    with django_assert_num_queries(16):
        page = client.get(f"/seller/messages/{thread.id}/")

    assert len(page.context["team_activity"]) == 10
