"""A seller's team: invitations, joining, roles enforced on every route kind, removal."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, MemberRole, Role, ShopInvitation, ShopMember, User
from accounts.tokens import token_create
from messaging.models import Message
from messaging.team import services
from notifications.models import Notification, NotificationKind, NotificationStatus
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase-42"


def invite(shop: User, email: str, role: str = MemberRole.AGENT, **kwargs) -> str:
    """Invite through the service; return the path of the link the email carries."""
    services.invitation_create(shop=shop, invited_by=shop, email=email, role=role, **kwargs)
    row = Notification.objects.get(kind=NotificationKind.TEAM_INVITATION, address=email.lower())
    url = str(row.context["invite_url"])
    return url[url.index("/team/join/") :]


def member_of(shop: User, role: str, email: str | None = None) -> User:
    person = BuyerFactory(display_name=f"Ana {role}", email=email or f"{role}@team.example")
    ShopMember.objects.create(shop=shop, user=person, role=role)
    return person


def signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- Invitations ------------------------------------------------------------------------------


def test_an_invitation_is_an_email_to_the_address_with_a_signed_link(seller):
    path = invite(seller, "Ana@Team.Example", MemberRole.VIEWER)

    invitation = ShopInvitation.objects.get()
    row = Notification.objects.get(kind=NotificationKind.TEAM_INVITATION)
    assert (invitation.email, invitation.role, invitation.shop_id) == (
        "ana@team.example",
        "viewer",
        seller.id,
    )
    assert (row.address, row.recipient_id, row.status) == (
        "ana@team.example",
        seller.id,
        NotificationStatus.PENDING,
    )
    assert row.context["shop_name"] == "Sam's Shop"
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    token = re.fullmatch(r"/team/join/([^/]+)/", path).group(1)
    assert signing.loads(token, salt=services.SIGNING_SALT) == {
        "i": invitation.pk,
        "n": invitation.nonce,
    }


def test_joining_with_a_new_account_signs_in_and_acts_for_the_shop(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    path = invite(seller, "ana@team.example")
    client = Client()

    page = client.get(path)
    joined = client.post(path, {"display_name": "Ana", "password": PASSWORD})

    assert "Join the team of Sam&#x27;s Shop" in page.content.decode()
    assert (joined.status_code, joined["Location"]) == (302, "/seller/")
    person = User.objects.get(email="ana@team.example")
    assert (person.role, person.display_name) == (Role.BUYER, "Ana")
    assert ShopMember.objects.filter(shop=seller, user=person, role="agent").count() == 1
    inbox = client.get("/seller/")
    assert inbox.status_code == 200
    assert f"/seller/messages/{thread.id}/" in inbox.content.decode()


def test_a_used_link_does_not_work_again(seller):
    path = invite(seller, "ana@team.example")
    Client().post(path, {"display_name": "Ana", "password": PASSWORD})

    again = Client().post(path, {"display_name": "Eve", "password": PASSWORD})

    assert again.status_code == 410
    assert 'data-code="invitation_used"' in again.content.decode()
    assert ShopMember.objects.count() == 1
    assert not User.objects.filter(display_name="Eve").exists()


def test_an_expired_link_does_not_work(seller):
    path = invite(seller, "ana@team.example", now=timezone.now() - timedelta(days=7, seconds=1))

    response = Client().post(path, {"display_name": "Ana", "password": PASSWORD})

    assert response.status_code == 410
    assert 'data-code="invitation_expired"' in response.content.decode()
    assert not User.objects.filter(email="ana@team.example").exists()


def test_a_withdrawn_or_replaced_link_does_not_work(seller):
    first = invite(seller, "ana@team.example")
    Notification.objects.all().delete()
    second = invite(seller, "ana@team.example", MemberRole.VIEWER)

    old = Client().get(first)
    new = Client().get(second)

    assert old.status_code == 410
    assert 'data-code="invitation_revoked"' in old.content.decode()
    assert new.status_code == 200


def test_a_tampered_link_is_not_valid(seller):
    path = invite(seller, "ana@team.example")
    invitation = ShopInvitation.objects.get()
    forged = signing.dumps({"i": invitation.pk, "n": "guessed"}, salt=services.SIGNING_SALT)

    responses = [Client().get(f"/team/join/{forged}/"), Client().get(path[:-3] + "xx/")]

    assert [r.status_code for r in responses] == [404, 404]
    assert all('data-code="invalid_invitation"' in r.content.decode() for r in responses)


def test_a_signed_in_account_of_another_address_cannot_accept(seller):
    path = invite(seller, "ana@team.example")
    other = signed_in(BuyerFactory(email="eve@else.example"))

    page = other.get(path)
    refused = other.post(path)

    assert "You are signed in as eve@else.example" in page.content.decode()
    assert refused.status_code == 400
    assert "sent to another email address" in refused.content.decode()
    assert ShopMember.objects.count() == 0
    assert ShopInvitation.objects.get().accepted_at is None


def test_an_existing_account_signs_in_and_joins(seller):
    person = BuyerFactory(email="ana@team.example")
    path = invite(seller, "ana@team.example")

    page = Client().get(path)
    client = signed_in(person)
    joined = client.post(path)

    assert "Sign in to accept" in page.content.decode()
    assert joined.status_code == 302
    assert ShopMember.objects.get(user=person).shop_id == seller.id
    assert client.get("/seller/").status_code == 200


def test_a_seller_cannot_join_another_shop(seller):
    other_shop = SellerFactory(email="other@shop.example")
    path = invite(seller, "other@shop.example")

    response = signed_in(other_shop).post(path)

    assert response.status_code == 400
    assert "cannot join a team" in response.content.decode()
    assert ShopMember.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "role", "code"),
    [
        ("not-an-address", "agent", "invalid_email"),
        ("ana@team.example", "boss", "invalid_role"),
        ("SELLER-OWN", "agent", "already_member"),
    ],
)
def test_bad_invitations_are_refused_and_nothing_is_written(seller, email, role, code):
    email = seller.email if email == "SELLER-OWN" else email
    with pytest.raises(services.ApplicationError) as refused:
        services.invitation_create(shop=seller, invited_by=seller, email=email, role=role)

    assert refused.value.code == code
    assert (ShopInvitation.objects.count(), Notification.objects.count()) == (0, 0)


# --- Roles ------------------------------------------------------------------------------------


def test_an_agent_replies_for_the_shop_and_the_buyer_sees_the_shop(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    agent_user = member_of(seller, MemberRole.AGENT)
    agent = signed_in(agent_user)

    reply = agent.post(f"/seller/messages/{thread.id}/", {"body": "It ships today."})

    assert reply.status_code == 302
    message = Message.objects.get(thread=thread, body="It ships today.")
    assert (message.sender_id, message.author_id) == (seller.id, agent_user.id)
    buyer_page = signed_in(buyer).get(f"/messages/{thread.id}/").content.decode()
    assert "Sam&#x27;s Shop" in buyer_page
    assert "Ana agent" not in buyer_page
    assert "written by" not in buyer_page
    team_page = signed_in(seller).get(f"/seller/messages/{thread.id}/").content.decode()
    assert '<span class="message-author">written by Ana agent</span>' in team_page


def test_a_viewer_reads_but_cannot_reply(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    viewer = signed_in(member_of(seller, MemberRole.VIEWER))

    page = viewer.get(f"/seller/messages/{thread.id}/")
    reply = viewer.post(f"/seller/messages/{thread.id}/", {"body": "Hello"})
    api = viewer.post(
        f"/api/v1/threads/{thread.id}/messages", {"body": "Hello"}, content_type="application/json"
    )

    assert page.status_code == 200
    assert 'id="viewer-read-only"' in page.content.decode()
    assert 'class="reply card"' not in page.content.decode()
    assert reply.status_code == 403
    assert (api.status_code, api.json()["code"]) == (403, "role_forbidden")
    assert Message.objects.filter(thread=thread).count() == 1


def test_a_viewer_is_offered_no_action_an_agent_is(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    member_of(seller, MemberRole.AGENT)  # a team: the assign and note forms show
    shown = {}
    for role in (MemberRole.VIEWER, MemberRole.AGENT):
        client = signed_in(member_of(seller, role, email=f"{role}2@team.example"))
        thread_page = client.get(f"/seller/messages/{thread.id}/").content.decode()
        inbox = client.get("/seller/").content.decode()
        shown[role] = [
            marker in page
            for page, marker in [
                (thread_page, 'class="actions"'),
                (thread_page, f"/messages/{thread.id}/archive/"),
                (thread_page, 'class="team-assign"'),
                (thread_page, 'class="team-note-form"'),
                (inbox, 'class="bulk-bar"'),
                (inbox, 'value="assign"'),
            ]
        ]

    assert shown == {MemberRole.VIEWER: [False] * 6, MemberRole.AGENT: [True] * 6}


@pytest.mark.parametrize(
    ("role", "expected"),
    [(MemberRole.OWNER, 200), (MemberRole.AGENT, 403), (MemberRole.VIEWER, 403)],
)
def test_only_owners_open_the_team_and_webhook_pages(seller, role, expected):
    client = signed_in(member_of(seller, role))

    statuses = {
        path: client.get(path).status_code
        for path in ["/seller/team/", "/account/notifications/webhooks/"]
    }

    assert statuses == dict.fromkeys(statuses, expected)


@pytest.mark.parametrize("role", [MemberRole.OWNER, MemberRole.AGENT, MemberRole.VIEWER])
def test_each_member_sets_their_own_emails_and_the_shops_stay(seller, role):
    person = member_of(seller, role)
    client = signed_in(person)

    page = client.get("/account/notifications/")
    saved = client.post(
        "/account/notifications/", {"mode": "digest", "digest_interval_minutes": "60"}
    )

    person.refresh_from_db()
    seller.refresh_from_db()
    assert saved.status_code == 302
    assert (person.notification_mode, person.digest_interval_minutes) == ("digest", 60)
    assert seller.notification_mode == "immediate"
    html = page.content.decode()
    assert f"These are your own emails, Ana {role}, sent to {role}@team.example" in html
    # The shop's team addresses and undo time: its owners' only.
    owner = role == MemberRole.OWNER
    assert ("Team addresses" in html, 'name="seconds"' in html) == (owner, owner)


def test_a_member_sees_nothing_of_another_shop(seller, buyer):
    other_shop = SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=other_shop)
    agent = signed_in(member_of(seller, MemberRole.AGENT))

    page = agent.get(f"/seller/messages/{thread.id}/")
    reply = agent.post(f"/seller/messages/{thread.id}/", {"body": "Hi"})
    api = agent.get(f"/api/v1/threads/{thread.id}")

    assert (page.status_code, reply.status_code, api.status_code) == (404, 404, 404)
    assert Message.objects.filter(thread=thread).count() == 1


def test_a_role_change_applies_on_the_next_request(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    person = member_of(seller, MemberRole.AGENT)
    client = signed_in(person)
    owner = signed_in(seller)
    membership = ShopMember.objects.get(user=person)

    owner.post(f"/seller/team/members/{membership.pk}/role/", {"role": "viewer"})
    reply = client.post(f"/seller/messages/{thread.id}/", {"body": "Hello"})

    assert ShopMember.objects.get(pk=membership.pk).role == "viewer"
    assert reply.status_code == 403


# --- Removal ----------------------------------------------------------------------------------


def test_removing_a_member_ends_their_session_and_tokens(seller, buyer, api_client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    person = member_of(seller, MemberRole.AGENT)
    client = signed_in(person)
    _token, plaintext = token_create(user=person, name="helpdesk")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api_client.get(f"/api/v1/threads/{thread.id}").status_code == 200
    membership = ShopMember.objects.get(user=person)

    removed = signed_in(seller).post(f"/seller/team/members/{membership.pk}/remove/")
    page = client.get("/seller/")
    api = api_client.get(f"/api/v1/threads/{thread.id}")

    assert removed.status_code == 302
    assert (page.status_code, page["Location"]) == (302, "/accounts/login/?next=/seller/")
    assert api.status_code == 401
    assert ApiToken.objects.get(user=person).revoked_at is not None
    assert not ShopMember.objects.filter(pk=membership.pk).exists()


def test_another_shop_cannot_remove_or_change_a_member(seller):
    person = member_of(seller, MemberRole.AGENT)
    membership = ShopMember.objects.get(user=person)
    other = signed_in(SellerFactory())

    responses = [
        other.post(f"/seller/team/members/{membership.pk}/remove/").status_code,
        other.post(f"/seller/team/members/{membership.pk}/role/", {"role": "owner"}).status_code,
    ]

    assert responses == [404, 404]
    assert ShopMember.objects.get(pk=membership.pk).role == "agent"


# --- API tokens of members --------------------------------------------------------------------


def test_a_members_token_acts_for_the_shop_with_the_members_role(seller, buyer, api_client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    viewer = member_of(seller, MemberRole.VIEWER)
    _token, plaintext = token_create(user=viewer, name="reports")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    listed = api_client.get("/api/v1/threads")
    sent = api_client.post(
        f"/api/v1/threads/{thread.id}/messages", {"body": "Hello"}, format="json"
    )

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [thread.id]
    assert (sent.status_code, sent.json()["code"]) == (403, "role_forbidden")
    assert Message.objects.filter(thread=thread).count() == 1


def test_an_agents_token_sends_for_the_shop(seller, buyer, api_client):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    agent = member_of(seller, MemberRole.AGENT)
    _token, plaintext = token_create(user=agent, name="helpdesk")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    sent = api_client.post(
        f"/api/v1/threads/{thread.id}/messages", {"body": "On its way."}, format="json"
    )

    assert sent.status_code == 201
    message = Message.objects.get(thread=thread, body="On its way.")
    assert (message.sender_id, message.author_id) == (seller.id, agent.id)
    assert sent.json()["author_id"] == agent.id
    # The team sees who wrote it; the buyer sees the shop's message and no one behind it.
    team_view = api_client.get(f"/api/v1/threads/{thread.id}/messages").json()["results"]
    buyer_api = APIClient()
    buyer_api.force_authenticate(buyer)
    buyer_view = buyer_api.get(f"/api/v1/threads/{thread.id}/messages").json()["results"]
    assert [(m["sender_role"], m["author_id"]) for m in team_view] == [
        ("buyer", None),
        ("seller", agent.id),
    ]
    assert [(m["sender_role"], m["author_id"]) for m in buyer_view] == [
        ("buyer", None),
        ("seller", None),
    ]


def test_the_shop_and_the_buyer_write_as_themselves(seller, buyer, seller_client):
    thread, _first = thread_with_message(buyer=buyer, seller=seller)

    seller_client.post(f"/seller/messages/{thread.id}/", {"body": "Shipped."})

    assert list(
        Message.objects.filter(thread=thread).order_by("id").values_list("sender_id", "author_id")
    ) == [(buyer.id, None), (seller.id, None)]


def test_the_team_page_costs_the_same_however_large_the_team(seller, django_assert_num_queries):
    owner = signed_in(seller)
    member_of(seller, MemberRole.AGENT)
    # Session, user, members (with their users), open invitations, the unread badge, the shop's
    # name (its profile) in the page's introduction.
    with django_assert_num_queries(6):
        assert owner.get("/seller/team/").status_code == 200
    for n in range(5):
        member_of(seller, MemberRole.VIEWER, email=f"viewer{n}@team.example")
        invite(seller, f"new{n}@team.example")

    with django_assert_num_queries(6):
        response = owner.get("/seller/team/")

    assert len(response.context["team_members"]) == 6
    assert len(response.context["invitations"]) == 5


def test_the_join_page_is_two_queries(seller, django_assert_num_queries):
    link = invite(seller, "new@team.example")
    for n in range(3):
        member_of(seller, MemberRole.AGENT, email=f"agent{n}@team.example")

    # The invitation with its shop and the shop's profile (for its name), the inviter.
    with django_assert_num_queries(2):
        response = Client().get(link)

    assert response.status_code == 200
    assert "Sam&#x27;s Shop" in response.content.decode()


def test_a_member_who_also_buys_switches_to_their_own_account_and_back(seller, buyer):
    agent = member_of(seller, MemberRole.AGENT)
    own_thread, _ = thread_with_message(buyer=agent, seller=SellerFactory())
    shop_thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = signed_in(agent)
    as_shop = client.get("/seller/").content.decode()

    to_self = client.post("/team/switch/", {"to": "self"}, follow=True)
    own_inbox = client.get("/messages/")
    shop_page = client.get(f"/seller/messages/{shop_thread.id}/")
    back = client.post("/team/switch/", {"to": "shop"})
    seller_inbox = client.get("/seller/")

    assert f'data-thread="{shop_thread.id}"' in as_shop
    assert "My own account" in as_shop
    assert [str(m) for m in to_self.context["messages"]] == ["You are using your own account."]
    assert "Work for Sam&#x27;s Shop" in own_inbox.content.decode()
    assert [p.thread_id for p in own_inbox.context["page"].items] == [own_thread.id]
    assert shop_page.status_code == 404  # as themselves, the shop's threads are not theirs
    assert (back.status_code, back["Location"]) == (302, "/seller/")
    assert [p.thread_id for p in seller_inbox.context["page"].items] == [shop_thread.id]


def test_a_member_removed_while_on_their_own_account_cannot_switch_back(seller):
    agent = member_of(seller, MemberRole.AGENT)
    client = signed_in(agent)
    client.post("/team/switch/", {"to": "self"}, follow=True)
    ShopMember.objects.filter(user=agent).delete()

    refused = client.post("/team/switch/", {"to": "shop"}, follow=True)
    again = client.post("/team/switch/", {"to": "shop"})

    assert [str(m) for m in refused.context["messages"]] == [
        "You are no longer on that shop's team."
    ]
    assert "Work for" not in refused.content.decode()
    assert again.status_code == 404


def test_no_one_else_has_anything_to_switch_to(seller, buyer, seller_client):
    buyer_client = signed_in(buyer)

    assert [
        buyer_client.post("/team/switch/", {"to": "shop"}).status_code,
        buyer_client.post("/team/switch/", {"to": "self"}).status_code,
        seller_client.post("/team/switch/", {"to": "shop"}).status_code,
        seller_client.post("/team/switch/", {"to": "self"}).status_code,
    ] == [404] * 4
