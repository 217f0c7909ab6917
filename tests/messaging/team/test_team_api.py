"""The team through the REST API: invitations, roles, removal, and what each costs."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import ApiToken, MemberRole, ShopInvitation, ShopMember
from accounts.tokens import token_create
from messaging.models import Participant
from notifications.models import Notification, NotificationKind
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def member(shop, role=MemberRole.AGENT, name="Ana"):
    person = BuyerFactory(display_name=name, email=f"{name.lower()}@team.example")
    return ShopMember.objects.create(shop=shop, user=person, role=role)


def api_for(person) -> APIClient:
    _token, plaintext = token_create(user=person, name="desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_an_owner_invites_lists_and_withdraws(seller):
    owner = member(seller, MemberRole.OWNER, "Olga")
    client = api_for(owner.user)

    created = client.post(
        "/api/v1/team/invitations", {"email": " New@Team.Example ", "role": "agent"}, format="json"
    )
    listed = client.get("/api/v1/team/invitations")
    invitation = ShopInvitation.objects.get()
    withdrawn = client.delete(f"/api/v1/team/invitations/{invitation.pk}")
    again = client.delete(f"/api/v1/team/invitations/{invitation.pk}")

    expected = {
        "id": invitation.pk,
        "email": "new@team.example",
        "role": "agent",
        "invited_by": "Olga",
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
    }
    assert (created.status_code, created.json()) == (201, expected)
    assert (listed.status_code, listed.json()) == (200, [expected])
    assert list(
        Notification.objects.filter(kind=NotificationKind.TEAM_INVITATION).values_list(
            "address", flat=True
        )
    ) == ["new@team.example"]
    assert withdrawn.status_code == 204
    assert (again.status_code, again.json()["code"]) == (404, "not_found")
    assert client.get("/api/v1/team/invitations").json() == []


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"email": "not-an-address", "role": "agent"}, "invalid_email", "email"),
        ({"email": "x@team.example", "role": "boss"}, "invalid", "role"),
        ({"email": "ana@team.example", "role": "viewer"}, "already_member", "email"),
        ({"email": "x@team.example"}, "invalid", "role"),
    ],
)
def test_a_bad_invitation_is_refused_and_nothing_is_written(seller, payload, code, field):
    member(seller)

    response = api_for(seller).post("/api/v1/team/invitations", payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == [field]
    assert ShopInvitation.objects.count() == 0
    assert Notification.objects.count() == 0


def test_an_owner_changes_a_role_and_it_applies_to_the_members_token(seller, buyer):
    ana = member(seller)
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    anas_api = api_for(ana.user)

    changed = api_for(seller).patch(
        f"/api/v1/team/members/{ana.pk}", {"role": "viewer"}, format="json"
    )
    refused = anas_api.post(
        f"/api/v1/threads/{thread.id}/messages", {"body": "On its way."}, format="json"
    )
    bad = api_for(seller).patch(f"/api/v1/team/members/{ana.pk}", {"role": "boss"}, format="json")

    assert (changed.status_code, changed.json()) == (
        200,
        {
            "id": ana.user.pk,
            "member_id": ana.pk,
            "display_name": "Ana",
            "role": "viewer",
            "can_be_assigned": False,
        },
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "role_forbidden")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_role")
    assert ShopMember.objects.get(pk=ana.pk).role == "viewer"


def test_removing_a_member_ends_their_tokens_and_unassigns_nothing_else(seller, buyer):
    ana, ben = member(seller), member(seller, name="Ben")
    anas_api = api_for(ana.user)

    removed = api_for(seller).delete(f"/api/v1/team/members/{ana.pk}")
    after = anas_api.get("/api/v1/threads")
    team = api_for(ben.user).get("/api/v1/team").json()

    assert removed.status_code == 204
    assert after.status_code == 401
    assert ApiToken.objects.get(user=ana.user).revoked_at is not None
    assert [(p["display_name"], p["member_id"]) for p in team] == [
        ("Sam Seller", None),
        ("Ben", ben.pk),
    ]


@pytest.mark.parametrize("role", [MemberRole.AGENT, MemberRole.VIEWER])
def test_agents_and_viewers_cannot_manage_the_team(seller, role):
    person = member(seller, role, "Vic")
    ana = member(seller)
    invitation_id = (
        api_for(seller)
        .post("/api/v1/team/invitations", {"email": "new@team.example", "role": "agent"}, "json")
        .json()["id"]
    )
    client = api_for(person.user)

    answers = [
        client.get("/api/v1/team/invitations"),
        client.post("/api/v1/team/invitations", {"email": "z@team.example", "role": "owner"}),
        client.delete(f"/api/v1/team/invitations/{invitation_id}"),
        client.patch(f"/api/v1/team/members/{ana.pk}", {"role": "owner"}, format="json"),
        client.delete(f"/api/v1/team/members/{ana.pk}"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in answers] == [(403, "role_forbidden")] * 5
    assert ShopMember.objects.get(pk=ana.pk).role == "agent"
    assert ShopInvitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_another_shop_gets_404_for_my_members_and_invitations(seller):
    ana = member(seller)
    invitation_id = (
        api_for(seller)
        .post("/api/v1/team/invitations", {"email": "new@team.example", "role": "agent"}, "json")
        .json()["id"]
    )
    stranger = api_for(SellerFactory())

    answers = [
        stranger.delete(f"/api/v1/team/invitations/{invitation_id}"),
        stranger.patch(f"/api/v1/team/members/{ana.pk}", {"role": "owner"}, format="json"),
        stranger.delete(f"/api/v1/team/members/{ana.pk}"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in answers] == [(404, "not_found")] * 3
    assert ShopMember.objects.filter(pk=ana.pk, role="agent").exists()
    assert stranger.get("/api/v1/team/invitations").json() == []


def test_team_reads_and_assigning_cost_the_same_however_large_the_team(seller, buyer):
    client = api_for(seller)
    ana = member(seller)
    threads = [thread_with_message(buyer=buyer, seller=seller)[0].id for _ in range(3)]
    client.post("/api/v1/team/invitations", {"email": "a@team.example", "role": "agent"}, "json")

    def costs() -> list[int]:
        counted = []
        for method, path, body in [
            ("get", "/api/v1/team", None),
            ("get", "/api/v1/team/invitations", None),
            ("post", "/api/v1/threads/assign", {"thread_ids": threads, "assignee": ana.user.pk}),
        ]:
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(path, body, format="json")
            assert response.status_code == 200, response.content
            counted.append(len(captured))
        return counted

    small = costs()
    for n in range(6):
        member(seller, name=f"Agent{n}")
        client.post(
            "/api/v1/team/invitations", {"email": f"i{n}@team.example", "role": "viewer"}, "json"
        )
    threads += [thread_with_message(buyer=buyer, seller=seller)[0].id for _ in range(20)]

    assert costs() == small
    # The token (with its user), then: the team; the invitations (inviters joined); assigning,
    # inside its savepoint (SAVEPOINT, RELEASE): the team, the threads locked, one UPDATE, one
    # INSERT of the team's activity for all the threads.
    assert small == [2, 2, 7]
    assert Participant.objects.filter(assignee=ana.user).count() == 23


def test_managing_the_team_costs_the_same_however_large_the_team(seller):
    client = api_for(seller)
    client.get("/api/v1/team")  # the token's first use records it (once a minute)

    def counted(method: str, path: str, body=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, body, format="json")
        assert response.status_code in (200, 201, 204), response.content
        return len(captured)

    def costs(n: int) -> list[int]:
        target = member(seller, name=f"Target{n}")
        invite = counted(
            "post", "/api/v1/team/invitations", {"email": f"x{n}@t.example", "role": "agent"}
        )
        invitation = ShopInvitation.objects.latest("id").pk
        return [
            invite,
            counted("delete", f"/api/v1/team/invitations/{invitation}"),
            counted("patch", f"/api/v1/team/members/{target.pk}", {"role": "viewer"}),
            counted("delete", f"/api/v1/team/members/{target.pk}"),
        ]

    small = costs(0)
    for n in range(6):
        member(seller, name=f"Agent{n}")
        client.post(
            "/api/v1/team/invitations", {"email": f"i{n}@t.example", "role": "viewer"}, "json"
        )

    assert costs(1) == small
    # Inviting: the token, the shop's row lock, the checks (the address, the team's size,
    # open invitations), the invitation, its email in the outbox, in savepoints. Withdrawing:
    # the token, one UPDATE. A role: the token, the member, one UPDATE, in a savepoint.
    # Removing: the token, the member, the tokens revoked, the delete and its cascade.
    assert small == [11, 2, 5, 6]
