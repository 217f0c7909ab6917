"""A team's inbox: the *Mine* and *Unassigned* folders, the filter by assignee, bulk assign."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import MemberRole, ShopInvitation, ShopMember
from accounts.tokens import token_create
from messaging.models import Participant, ParticipantRole
from messaging.team import services as team_services
from messaging.team.assignment import threads_assign
from messaging.threads import live, selectors, services
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def at(hours: int) -> datetime:
    return START + timedelta(hours=hours)


def member(shop, role=MemberRole.AGENT, name="Ana"):
    person = BuyerFactory(display_name=name, email=f"{name.lower()}@team.example")
    ShopMember.objects.create(shop=shop, user=person, role=role)
    return person


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api_for(person) -> APIClient:
    _token, plaintext = token_create(user=person, name="desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def seller_side(thread) -> Participant:
    return Participant.objects.get(thread=thread, role=ParticipantRole.SELLER)


def listed_ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'data-thread="(\d+)"', response.content.decode())]


def tab_counts(response) -> dict[str, int]:
    return {tab["folder"]: tab["count"] for tab in response.context["tabs"]}


@pytest.fixture
def team_inbox(seller, buyer):
    """Four threads of a shop with two agents: Ana's, Ben's, the owner's, and no one's."""
    ana, ben = member(seller, name="Ana"), member(seller, name="Ben")
    threads = [thread_with_message(buyer=buyer, seller=seller, now=at(h))[0] for h in range(5)]
    anas, bens, owners, _nobodys, archived = threads
    threads_assign(shop=seller, thread_ids=[anas.id, archived.id], assignee_id=ana.id)
    threads_assign(shop=seller, thread_ids=[bens.id], assignee_id=ben.id)
    threads_assign(shop=seller, thread_ids=[owners.id], assignee_id=seller.id)
    services.thread_archive(participant=seller_side(archived))
    return {"ana": ana, "ben": ben, "threads": threads}


def test_mine_is_what_is_assigned_to_the_person_looking(seller, team_inbox):
    anas, bens, owners, nobodys, _archived = team_inbox["threads"]

    def mine(person_id):
        page = selectors.thread_list_for_user(user=seller, folder="mine", person_id=person_id)
        return [row.thread_id for row in page.items]

    # Archived threads leave Mine as they leave the inbox.
    assert mine(team_inbox["ana"].id) == [anas.id]
    assert mine(team_inbox["ben"].id) == [bens.id]
    assert mine(None) == [owners.id]  # the shop's own account
    assert [
        row.thread_id
        for row in selectors.thread_list_for_user(user=seller, folder="unassigned").items
    ] == [nobodys.id]


def test_each_member_sees_their_own_mine_count_and_the_team_tabs(seller, team_inbox):
    anas, *_ = team_inbox["threads"]

    response = signed_in(team_inbox["ana"]).get("/seller/?folder=mine")

    assert response.status_code == 200
    assert listed_ids(response) == [anas.id]
    assert tab_counts(response) == {
        "needs_response": 5,
        "mine": 1,
        "unassigned": 1,
        "unread": 5,
        "sent": 0,
        "archived": 1,
        "all": 5,
        "trash": 0,
    }
    page = response.content.decode()
    assert 'href="?folder=mine"' in page and 'href="?folder=unassigned"' in page


def test_a_shop_working_alone_has_no_team_tabs(seller, buyer, seller_client):
    thread_with_message(buyer=buyer, seller=seller)

    response = seller_client.get("/seller/")

    assert [tab["folder"] for tab in response.context["tabs"]] == [
        "needs_response",
        "unread",
        "sent",
        "archived",
        "all",
        "trash",
    ]
    assert "filter-assignee" not in response.content.decode()
    assert 'name="assignee"' not in response.content.decode()


def test_the_inbox_filters_by_assignee(seller, team_inbox):
    anas, bens, owners, nobodys, archived = team_inbox["threads"]
    owner = signed_in(seller)

    by_ben = owner.get(f"/seller/?folder=all&assignee={team_inbox['ben'].id}")
    no_one = owner.get("/seller/?folder=needs_response&assignee=none")
    anyone = owner.get("/seller/?folder=all")
    archived_anas = owner.get(f"/seller/?folder=archived&assignee={team_inbox['ana'].id}")
    stranger_id = SellerFactory().id
    stranger = owner.get(f"/seller/?folder=all&assignee={stranger_id}")

    assert listed_ids(by_ben) == [bens.id]
    assert listed_ids(no_one) == [nobodys.id]
    assert listed_ids(anyone) == [archived.id, nobodys.id, owners.id, bens.id, anas.id]
    assert listed_ids(archived_anas) == [archived.id]
    # Not a person of the team: the filter is refused and the folder listed whole.
    assert stranger.context["filter_form"].errors["assignee"] == [
        f"Select a valid choice. {stranger_id} is not one of the available choices."
    ]
    assert listed_ids(stranger) == listed_ids(anyone)


def test_bulk_assign_from_the_inbox(seller, buyer, team_inbox):
    *_, nobodys, _archived = team_inbox["threads"]
    extra, _ = thread_with_message(buyer=buyer, seller=seller, now=at(9))
    ana = signed_in(team_inbox["ana"])

    response = ana.post(
        "/messages/bulk/",
        {
            "thread": [nobodys.id, extra.id],
            "action": "assign",
            "assignee": team_inbox["ana"].id,
            "folder": "unassigned",
        },
        follow=True,
    )

    assert response.redirect_chain == [("/seller/?folder=unassigned", 302)]
    assert [str(m) for m in response.context["messages"]] == ["2 conversations assigned."]
    assert [seller_side(t).assignee_id for t in (nobodys, extra)] == [team_inbox["ana"].id] * 2
    assert tab_counts(response)["mine"] == 3
    assert tab_counts(response)["unassigned"] == 0


def test_bulk_unassign_and_the_choice_left_empty(seller, team_inbox):
    anas, bens, *_ = team_inbox["threads"]
    ana = signed_in(team_inbox["ana"])

    nothing_chosen = ana.post(
        "/messages/bulk/",
        {"thread": [anas.id], "action": "assign", "assignee": ""},
        follow=True,
    )
    unassigned = ana.post(
        "/messages/bulk/",
        {"thread": [anas.id, bens.id], "action": "assign", "assignee": "none"},
        follow=True,
    )

    assert [str(m) for m in nothing_chosen.context["messages"]] == [
        "Choose who to assign the conversations to."
    ]
    assert [str(m) for m in unassigned.context["messages"]] == ["2 conversations unassigned."]
    assert [seller_side(t).assignee_id for t in (anas, bens)] == [None, None]


@pytest.mark.parametrize("assignee", ["viewer", "stranger", "not-an-id"])
def test_bulk_assign_to_someone_not_assignable_changes_nothing(seller, team_inbox, assignee):
    anas, *_ = team_inbox["threads"]
    people = {
        "viewer": lambda: str(member(seller, MemberRole.VIEWER, "Vera").id),
        "stranger": lambda: str(member(SellerFactory(), name="Eve").id),
        "not-an-id": lambda: "12a",
    }
    response = signed_in(seller).post(
        "/messages/bulk/",
        {"thread": [anas.id], "action": "assign", "assignee": people[assignee]()},
    )

    expected = {"viewer": 302, "stranger": 404, "not-an-id": 302}[assignee]
    assert response.status_code == expected
    assert seller_side(anas).assignee_id == team_inbox["ana"].id


def test_bulk_assign_of_another_shops_thread_is_404_and_changes_nothing(seller, team_inbox):
    *_, nobodys, _archived = team_inbox["threads"]
    theirs, _ = thread_with_message(seller=SellerFactory())

    response = signed_in(team_inbox["ana"]).post(
        "/messages/bulk/",
        {"thread": [nobodys.id, theirs.id], "action": "assign", "assignee": seller.id},
    )

    assert response.status_code == 404
    assert seller_side(nobodys).assignee_id is None
    assert seller_side(theirs).assignee_id is None


def test_a_viewer_cannot_bulk_assign(seller, team_inbox):
    *_, nobodys, _archived = team_inbox["threads"]
    viewer = member(seller, MemberRole.VIEWER, "Vera")

    response = signed_in(viewer).post(
        "/messages/bulk/",
        {"thread": [nobodys.id], "action": "assign", "assignee": seller.id},
    )

    assert response.status_code == 403
    assert seller_side(nobodys).assignee_id is None


def test_a_buyer_cannot_assign_their_side(buyer, seller, team_inbox):
    anas, *_ = team_inbox["threads"]

    response = signed_in(buyer).post(
        "/messages/bulk/", {"thread": [anas.id], "action": "assign", "assignee": "none"}
    )

    assert response.status_code == 404
    assert seller_side(anas).assignee_id == team_inbox["ana"].id


def test_assigning_gives_the_shops_open_inboxes_a_new_version(
    seller, team_inbox, django_capture_on_commit_callbacks
):
    *_, nobodys, _archived = team_inbox["threads"]
    before = live.inbox_version_get(user_id=seller.id)

    with django_capture_on_commit_callbacks(execute=True):
        threads_assign(shop=seller, thread_ids=[nobodys.id], assignee_id=team_inbox["ben"].id)

    assert live.inbox_version_get(user_id=seller.id) != before


def test_the_live_inbox_brings_each_member_their_own_mine(
    seller, team_inbox, django_capture_on_commit_callbacks
):
    *_, nobodys, _archived = team_inbox["threads"]
    ben = signed_in(team_inbox["ben"])
    page = ben.get("/seller/?folder=mine")
    since = page.context["live"]["since"]
    with django_capture_on_commit_callbacks(execute=True):
        threads_assign(shop=seller, thread_ids=[nobodys.id], assignee_id=team_inbox["ben"].id)

    update = ben.get("/messages/inbox-updates/", {"since": since, "folder": "mine"}).json()

    assert update["changed"] is True
    assert update["order"] == [nobodys.id, team_inbox["threads"][1].id]
    assert (update["counts"]["mine"]["count"], update["counts"]["unassigned"]["count"]) == (2, 0)


def test_the_api_lists_mine_unassigned_and_by_assignee(seller, team_inbox):
    anas, bens, owners, nobodys, _archived = team_inbox["threads"]
    ana = api_for(team_inbox["ana"])

    def ids(client, **params):
        response = client.get("/api/v1/threads", params)
        assert response.status_code == 200, response.content
        return [(t["id"], t["assignee_id"]) for t in response.json()["results"]]

    assert ids(ana, folder="mine") == [(anas.id, team_inbox["ana"].id)]
    assert ids(ana, folder="unassigned") == [(nobodys.id, None)]
    assert ids(ana, folder="all", assignee=str(team_inbox["ben"].id)) == [
        (bens.id, team_inbox["ben"].id)
    ]
    assert ids(ana, folder="all", assignee="none") == [(nobodys.id, None)]
    # The shop's own token: its Mine is what is assigned to the shop's account.
    assert ids(api_for(seller), folder="mine") == [(owners.id, seller.id)]


def test_the_api_refuses_an_assignee_that_is_no_id(seller, team_inbox):
    response = api_for(team_inbox["ana"]).get("/api/v1/threads", {"assignee": "ana"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
    assert response.json()["fields"] == {"assignee": ["A person's user id, or `none`."]}


def test_a_buyer_sees_no_assignee(buyer, team_inbox):
    client = APIClient()
    client.force_authenticate(buyer)

    results = client.get("/api/v1/threads", {"folder": "inbox"}).json()["results"]

    assert [t["assignee_id"] for t in results] == [None] * 5
    assert client.get("/api/v1/threads", {"folder": "mine"}).json()["code"] == "invalid_folder"


def test_the_team_inbox_costs_the_same_however_many_people_and_threads(
    seller, buyer, team_inbox, django_assert_num_queries
):
    ana = signed_in(team_inbox["ana"])
    ana.get("/seller/?folder=mine")  # the session's first request settles its own writes
    # Session, person, membership (with the shop and its profile), folder counts (with "has a
    # team"; their Unread count is the header badge's), the team for the filter and bulk
    # assign, the page, its threads, the restriction, the rows' messages not sent.
    with django_assert_num_queries(9):
        first = ana.get("/seller/?folder=unassigned")
    for n in range(4):
        member(seller, name=f"Agent{n}")
        thread_with_message(buyer=buyer, seller=seller, now=at(10 + n))

    with django_assert_num_queries(9):
        second = ana.get("/seller/?folder=unassigned")

    assert (len(first.context["page"].items), len(second.context["page"].items)) == (1, 5)
    assert len(second.context["assignees"]) == 7


def test_a_row_names_its_assignee_and_changes_when_it_changes(seller, team_inbox):
    anas, bens, owners, nobodys, _archived = team_inbox["threads"]
    owner = signed_in(seller)

    def assigned_to(response) -> dict[int, str]:
        rows = re.findall(
            r'data-thread="(\d+)".*?(?:<span class="assigned">Assigned to ([^<]+)</span>|</li>)',
            response.content.decode(),
            re.S,
        )
        return {int(thread_id): name for thread_id, name in rows}

    before = assigned_to(owner.get("/seller/?folder=all"))
    threads_assign(shop=seller, thread_ids=[bens.id], assignee_id=team_inbox["ana"].id)
    after = assigned_to(owner.get("/seller/?folder=all"))

    assert before == {
        team_inbox["threads"][4].id: "Ana",
        nobodys.id: "",
        owners.id: "Sam Seller",
        bens.id: "Ben",
        anas.id: "Ana",
    }
    assert after[bens.id] == "Ana"
    # The buyer's rows never name anyone of the team.
    assert (
        "Assigned to"
        not in signed_in(team_inbox["threads"][0].buyer).get("/messages/").content.decode()
    )


def test_a_viewer_has_no_mine_tab_an_agent_has(seller, team_inbox):
    viewer = member(seller, MemberRole.VIEWER, "Vera")

    viewer_tabs = signed_in(viewer).get("/seller/").context["tabs"]
    agent_tabs = signed_in(team_inbox["ana"]).get("/seller/").context["tabs"]

    assert [tab["folder"] for tab in viewer_tabs][:3] == ["needs_response", "unassigned", "unread"]
    assert [tab["folder"] for tab in agent_tabs][:3] == ["needs_response", "mine", "unassigned"]


def test_joining_or_leaving_the_team_gives_the_shops_inboxes_a_new_version(
    seller, django_capture_on_commit_callbacks
):
    before = live.inbox_version_get(user_id=seller.id)
    with django_capture_on_commit_callbacks(execute=True):
        team_services.invitation_create(
            shop=seller, invited_by=seller, email="new@team.example", role=MemberRole.AGENT
        )
    unchanged = live.inbox_version_get(user_id=seller.id)
    token = team_services.invitation_token(ShopInvitation.objects.get())
    with django_capture_on_commit_callbacks(execute=True):
        membership = team_services.invitation_accept(
            token=token, user=BuyerFactory(email="new@team.example")
        )
    joined = live.inbox_version_get(user_id=seller.id)
    with django_capture_on_commit_callbacks(execute=True):
        team_services.member_remove(shop=seller, member_id=membership.pk)
    left = live.inbox_version_get(user_id=seller.id)

    assert unchanged == before  # an invitation alone changes no folder
    assert len({before, joined, left}) == 3
