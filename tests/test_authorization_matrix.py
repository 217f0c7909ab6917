"""Every route, every role: the answer each one gets, compared with an expected table.

The routes come from the URLConf itself, so a new route without a row in the table fails the
test. Roles run foreign-first (anonymous, an inactive user, another buyer, another seller,
staff, then the thread's own buyer and seller), each in a fresh scenario, and every request
that is refused (401, 403, 404) must leave the database exactly as it was.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import MemberRole, NotificationAddress, ShopMember, User
from accounts.tokens import token_create
from messaging.attachments.checks import IncomingFile
from messaging.evidence.services import evidence_export_request
from messaging.models import Participant
from messaging.moderation import services as moderation
from messaging.relay.services import inbound_email_receive
from messaging.replies.services import saved_reply_create
from messaging.team.services import invitation_create, invitation_token
from messaging.threads.services import message_send, thread_start
from notifications.webhooks import webhook_endpoint_create, webhook_endpoint_test
from orders.images import image_prepare
from orders.services import product_image_set
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging import badfiles
from tests.orders.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "inactive", "other_buyer", "other_seller", "staff", "buyer", "seller")


def walk(patterns: list, prefix: str = "", namespace: str | None = None) -> Iterator[tuple]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


ALL_ROUTES = sorted({name for name, _, _ in walk(get_resolver().url_patterns)}, key=str)
SITE_ROUTES = [name for name in ALL_ROUTES if not name.startswith("admin:")]
ADMIN_ROUTES = [name for name in ALL_ROUTES if name.startswith("admin:")]


@dataclass
class Scenario:
    users: dict[str, User]
    kwargs: dict[str, object]


def make_scenario() -> Scenario:
    buyer, seller = BuyerFactory(), SellerFactory()
    other_buyer, other_seller = BuyerFactory(), SellerFactory()
    staff = StaffFactory(is_staff=True, is_superuser=True)
    inactive = BuyerFactory(is_active=False)
    order = OrderFactory(buyer=buyer, seller=seller)
    product = ProductFactory(seller=seller)
    product_image_set(product=product, image=image_prepare(badfiles.png()))
    message = thread_start(
        sender=buyer,
        order=order,
        topic="damaged_defective",
        body="Photo attached",
        files=[IncomingFile("damage.png", badfiles.png())],
    )
    message_send(thread=message.thread, sender=buyer, body="mail me at a@gmail.com")
    Group.objects.get_or_create(name="Trust & safety")
    token, _ = token_create(user=seller, name="Helpdesk")
    address = NotificationAddress.objects.create(user=seller, email="team@shop.example")
    endpoint = webhook_endpoint_create(seller=seller, url="https://hooks.shop.example/mc")
    webhook_endpoint_test(seller=seller, endpoint_id=endpoint.pk)
    inbound_email_receive(raw=b"From: x@y.example\r\nSubject: Hi\r\n\r\nHello", source="smtp")
    saved_reply = saved_reply_create(
        seller=seller, name="Thanks", body="Thank you, {buyer_name}!", language="en"
    )
    # Another seller's restriction, for the admin's restriction pages.
    moderation.seller_restrict(seller=other_seller, days=7, reason="Spam.", actor=staff)
    # A released false positive labelled for the policy corpus, for the feedback pages.
    released = message_send(thread=message.thread, sender=buyer, body="call 415 555 0132")
    moderation.message_release(message=released, reviewer=staff)
    moderation.message_mark_false_positive(message=released, staff=staff)
    # The buyer's evidence export of the thread (not built: its download link is refused).
    evidence, _ = evidence_export_request(
        participant=Participant.objects.get(thread=message.thread, user=buyer)
    )
    # The seller's team (an owner, an agent, a viewer), an agent of the other seller's, and an
    # open invitation to the seller's team.
    team = {
        role: ShopMember.objects.create(shop=seller, user=BuyerFactory(), role=role)
        for role in (MemberRole.OWNER, MemberRole.AGENT, MemberRole.VIEWER)
    }
    other_member = ShopMember.objects.create(
        shop=other_seller, user=BuyerFactory(), role=MemberRole.AGENT
    )
    invitation = invitation_create(
        shop=seller, invited_by=seller, email="new@team.example", role=MemberRole.AGENT
    )
    users = {
        "buyer": buyer,
        "seller": seller,
        "other_buyer": other_buyer,
        "other_seller": other_seller,
        "staff": staff,
        "inactive": inactive,
        "owner": team[MemberRole.OWNER].user,
        "agent": team[MemberRole.AGENT].user,
        "viewer": team[MemberRole.VIEWER].user,
        "other_member": other_member.user,
    }
    kwargs = {
        "thread_id": message.thread_id,
        "message_id": message.pk,
        "attachment_id": message.attachments.get().pk,
        "number": order.number,
        "product_id": product.pk,
        "size": 48,  # a product picture's thumbnail
        "action": "archive",
        "token_id": token.pk,
        "address_id": address.pk,
        "endpoint_id": endpoint.pk,
        "path": "v1/no-such-resource/",
        "saved_reply_id": saved_reply.pk,
        "export_id": evidence.pk,  # the buyer's evidence export
        "member_id": team[MemberRole.AGENT].pk,
        "invitation_id": invitation.pk,
        "token": invitation_token(invitation),
    }
    return Scenario(users=users, kwargs=kwargs)


def url_for(name: str, pattern: URLPattern, scenario: Scenario) -> str:
    needed = pattern.pattern.regex.groupindex.keys()
    missing = [key for key in needed if key not in scenario.kwargs]
    assert not missing, f"{name}: add a value for {missing} to make_scenario()"
    return reverse(name, kwargs={key: scenario.kwargs[key] for key in needed})


def client_for(role: str, scenario: Scenario) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(scenario.users[role])
    return client


def database_state() -> dict[str, tuple]:
    """Row counts and the latest row of every table: any write shows up here."""
    state = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from models
            state[table] = cursor.fetchone()
    return state


def status_row(name: str, method: str) -> tuple[int, ...]:
    """What each role gets from one route and method, in ROLES order."""
    route = next(pattern for n, _, pattern in walk(get_resolver().url_patterns) if n == name)
    # One scenario; each role's request runs inside a savepoint rolled back after it, so each
    # meets the scenario as it was made.
    scenario = make_scenario()
    url = url_for(name, route, scenario)
    row = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        client = client_for(role, scenario)
        before = database_state()
        response = client.generic(method, url)
        if response.status_code in (401, 403, 404, 405):
            assert database_state() == before, f"{method} {name} as {role} changed data"
        row.append(response.status_code)
        transaction.savepoint_rollback(savepoint)
    return tuple(row)


# Roles:     anonymous, inactive, other_buyer, other_seller, staff, buyer, seller
# (the scenario: one order of `buyer` from `seller`, its thread with a photo, a pre-order
# product of `seller`, one API token, one notification address and one webhook endpoint with
# one delivery of `seller`).
LOGIN = (302, 302)  # anonymous and inactive users are sent to sign in
API_ANON = (401, 401)
NOT_ALLOWED = (405,) * 5
EXPECTED: dict[tuple[str, str], tuple[int, ...]] = {
    ("home", "GET"): (*LOGIN, 302, 302, 302, 302, 302),
    ("home", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("health", "GET"): (200,) * 7,
    ("health", "POST"): (405,) * 7,
    # The readiness probe and the metrics (the test client calls from 127.0.0.1, a private
    # address, and no METRICS_TOKEN is set: see tests/core/test_metrics.py for the refusals).
    ("ready", "GET"): (200,) * 7,
    ("ready", "POST"): (405,) * 7,
    ("metrics", "GET"): (200,) * 7,
    ("metrics", "POST"): (405,) * 7,
    ("accounts:login", "GET"): (200, 200, 302, 302, 302, 302, 302),
    ("accounts:login", "POST"): (200, 200, 302, 302, 302, 302, 302),
    ("accounts:logout", "GET"): (405,) * 7,
    ("accounts:logout", "POST"): (302,) * 7,
    ("accounts:language-set", "GET"): (405,) * 7,
    ("accounts:language-set", "POST"): (302,) * 7,  # no language given: back to the page
    # API tokens are for sellers only: buyers use the pages, staff the admin.
    ("accounts:api-tokens", "GET"): (*LOGIN, 404, 200, 404, 404, 200),
    ("accounts:api-tokens", "POST"): (*LOGIN, 404, 400, 404, 404, 400),  # no name given
    ("accounts:api-token-revoke", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("accounts:api-token-revoke", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("notifications:settings", "GET"): (*LOGIN, 200, 200, 200, 200, 200),
    ("notifications:settings", "POST"): (*LOGIN, 400, 400, 400, 400, 400),
    ("notifications:undo-send", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("notifications:undo-send", "POST"): (*LOGIN, 400, 400, 400, 400, 400),  # nothing chosen
    ("notifications:address-add", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("notifications:address-add", "POST"): (*LOGIN, 404, 400, 404, 404, 400),  # sellers only
    ("notifications:address-remove", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("notifications:address-remove", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("notifications:webhooks", "GET"): (*LOGIN, 404, 200, 404, 404, 200),  # sellers only
    ("notifications:webhooks", "POST"): (*LOGIN, 404, 400, 404, 404, 400),  # no URL given
    ("notifications:webhook-remove", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("notifications:webhook-remove", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("notifications:webhook-secret", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("notifications:webhook-secret", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("notifications:webhook-test", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("notifications:webhook-test", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("api-schema", "GET"): (200,) * 7,
    ("api-schema", "POST"): (405,) * 7,
    ("api-docs", "GET"): (200,) * 7,
    ("api-docs", "POST"): (405,) * 7,
    # Unknown paths under /api/ answer the JSON error shape, whoever asks.
    ("api-not-found", "GET"): (404,) * 7,
    ("api-not-found", "POST"): (404,) * 7,
    ("api:thread-list", "GET"): (*API_ANON, 200, 200, 200, 200, 200),
    ("api:thread-list", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:order-messaging-actions", "GET"): (*API_ANON, 404, 404, 404, 404, 200),
    ("api:order-messaging-actions", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:order-proactive-message-send", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:order-proactive-message-send", "POST"): (*API_ANON, 404, 404, 404, 404, 400),
    ("api:order-review-request-send", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:order-review-request-send", "POST"): (*API_ANON, 404, 404, 404, 404, 409),  # undelivered
    ("api:thread-start", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-start", "POST"): (*API_ANON, 400, 400, 400, 400, 400),
    ("api:thread-detail", "GET"): (*API_ANON, 404, 404, 404, 200, 200),
    ("api:thread-detail", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-detail", "DELETE"): (*API_ANON, 404, 404, 404, 200, 200),  # to their Trash
    # Restoring from Trash: the thread is in neither side's Trash here.
    ("api:thread-restore", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-restore", "POST"): (*API_ANON, 404, 404, 404, 409, 409),
    ("api:thread-messages", "GET"): (*API_ANON, 404, 404, 404, 200, 200),
    ("api:thread-messages", "POST"): (*API_ANON, 404, 404, 404, 400, 400),
    ("api:attachment-detail", "GET"): (*API_ANON, 404, 404, 200, 200, 200),  # staff moderate
    ("api:attachment-detail", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:attachment-content", "GET"): (*API_ANON, 404, 404, 200, 200, 200),
    ("api:attachment-content", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:webhook-list", "GET"): (*API_ANON, 404, 200, 404, 404, 200),  # sellers only
    ("api:webhook-list", "POST"): (*API_ANON, 404, 400, 404, 404, 400),  # no URL given
    ("api:webhook-detail", "GET"): (*API_ANON, 404, 404, 404, 404, 200),
    ("api:webhook-detail", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:webhook-detail", "DELETE"): (*API_ANON, 404, 404, 404, 404, 204),
    ("api:webhook-secret", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:webhook-secret", "POST"): (*API_ANON, 404, 404, 404, 404, 200),
    ("api:webhook-test", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:webhook-test", "POST"): (*API_ANON, 404, 404, 404, 404, 202),
    ("api:webhook-deliveries", "GET"): (*API_ANON, 404, 404, 404, 404, 200),
    ("api:webhook-deliveries", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-state", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-state", "POST"): (*API_ANON, 404, 404, 404, 200, 200),
    ("api:policy-check", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:policy-check", "POST"): (*API_ANON, 400, 400, 400, 400, 400),
    ("api:metrics-response-time", "GET"): (*API_ANON, 404, 200, 404, 404, 200),
    ("api:metrics-response-time", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-bulk", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-bulk", "POST"): (*API_ANON, 400, 400, 400, 400, 400),  # no ids given
    # The buyer's message: only the thread's two sides reach it; neither gave a reason.
    # Only its sender may take a message back, and only while it is sending (too late here).
    ("api:message-undo", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:message-undo", "POST"): (*API_ANON, 404, 404, 404, 409, 404),
    # Evidence: each side exports the thread as they see it (staff from the admin); an export
    # and its download are its requester's alone; the download needs the link's signature.
    ("api:thread-evidence", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-evidence", "POST"): (*API_ANON, 404, 404, 404, 202, 202),
    ("api:evidence-detail", "GET"): (*API_ANON, 404, 404, 404, 200, 404),
    ("api:evidence-detail", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:evidence-download", "GET"): (*API_ANON, 404, 404, 404, 404, 404),  # no signature
    ("api:evidence-download", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("evidence-public-key", "GET"): (200,) * 7,  # for anyone checking an export
    ("evidence-public-key", "POST"): (405,) * 7,
    ("favicon", "GET"): (302,) * 7,  # to the SVG icon, for anyone
    ("favicon", "POST"): (405,) * 7,
    ("messaging:thread-evidence", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:thread-evidence", "POST"): (*LOGIN, 404, 404, 404, 302, 302),
    ("api:message-report", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:message-report", "POST"): (*API_ANON, 404, 404, 404, 400, 400),
    # Buyers only: the thread's seller gets the same 404 as a stranger.
    ("api:thread-block-seller", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:thread-block-seller", "POST"): (*API_ANON, 404, 404, 404, 200, 404),
    ("api:thread-block-seller", "DELETE"): (*API_ANON, 404, 404, 404, 200, 404),
    ("api:preferences-messaging", "GET"): (*API_ANON, 200, 404, 200, 200, 404),  # not for sellers
    ("api:preferences-messaging", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:preferences-messaging", "PUT"): (*API_ANON, 400, 404, 400, 400, 404),  # no choice given
    ("orders:list", "GET"): (*LOGIN, 200, 200, 200, 200, 200),
    ("orders:list", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("orders:detail", "GET"): (*LOGIN, 404, 404, 404, 200, 200),
    ("orders:detail", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("orders:products", "GET"): (*LOGIN, 200, 200, 200, 200, 200),
    ("orders:products", "POST"): (*LOGIN, *NOT_ALLOWED),
    # Product pictures are the public catalogue's: anyone may see them.
    ("orders:product-image", "GET"): (200,) * 7,
    ("orders:product-image", "POST"): (405,) * 7,
    ("orders:product-thumbnail", "GET"): (200,) * 7,
    ("orders:product-thumbnail", "POST"): (405,) * 7,
    ("messaging:inbox", "GET"): (*LOGIN, 200, 302, 200, 200, 302),  # sellers go to theirs
    ("messaging:inbox", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:seller-inbox", "GET"): (*LOGIN, 302, 200, 302, 302, 200),
    ("messaging:seller-inbox", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:thread", "GET"): (*LOGIN, 404, 404, 404, 200, 302),
    ("messaging:thread", "POST"): (*LOGIN, 404, 404, 404, 400, 302),  # empty reply
    ("messaging:seller-thread", "GET"): (*LOGIN, 404, 404, 404, 302, 200),
    ("messaging:seller-thread", "POST"): (*LOGIN, 404, 404, 404, 302, 400),
    ("messaging:thread-updates", "GET"): (*LOGIN, 404, 404, 404, 400, 400),  # no ?after=
    ("messaging:thread-updates", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:inbox-updates", "GET"): (*LOGIN, 400, 400, 400, 400, 400),  # no ?since=
    ("messaging:inbox-updates", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:thread-bulk", "GET"): (*LOGIN, *NOT_ALLOWED),
    # Nothing ticked: back to the inbox with an error; a foreign id would be a 404.
    ("messaging:thread-bulk", "POST"): (*LOGIN, 302, 302, 302, 302, 302),
    ("messaging:preferences-unblock", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:preferences-unblock", "POST"): (*LOGIN, 404, 404, 404, 404, 404),  # none blocked
    ("messaging:thread-action", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:thread-action", "POST"): (*LOGIN, 404, 404, 404, 302, 302),
    ("messaging:attachment", "GET"): (*LOGIN, 404, 404, 200, 200, 200),  # staff moderate
    ("messaging:attachment", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:attachment-thumbnail", "GET"): (*LOGIN, 404, 404, 200, 200, 200),
    ("messaging:attachment-thumbnail", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:start-order", "GET"): (*LOGIN, 404, 404, 404, 200, 302),  # sellers: order page
    ("messaging:start-order", "POST"): (*LOGIN, 404, 404, 404, 400, 302),
    ("messaging:seller-orders", "GET"): (*LOGIN, 404, 200, 404, 404, 200),
    ("messaging:seller-orders", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:seller-order", "GET"): (*LOGIN, 404, 404, 404, 404, 200),
    ("messaging:seller-order", "POST"): (*LOGIN, 404, 404, 404, 404, 400),  # nothing picked
    ("messaging:preferences", "GET"): (*LOGIN, 200, 404, 200, 200, 404),  # not for sellers
    ("messaging:preferences", "POST"): (*LOGIN, 302, 404, 302, 302, 404),
    ("messaging:message-undo", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:message-undo", "POST"): (*LOGIN, 404, 404, 404, 302, 404),  # too late: back
    ("messaging:message-report", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:message-report", "POST"): (*LOGIN, 404, 404, 404, 302, 302),
    ("messaging:start-product", "GET"): (*LOGIN, 200, 200, 200, 200, 200),
    ("messaging:start-product", "POST"): (*LOGIN, 400, 400, 400, 400, 400),
    ("messaging:seller-performance", "GET"): (*LOGIN, 404, 200, 404, 404, 200),
    ("messaging:seller-performance", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:seller-performance-csv", "GET"): (*LOGIN, 404, 200, 404, 404, 200),
    ("messaging:seller-performance-csv", "POST"): (*LOGIN, *NOT_ALLOWED),
    # Saved replies: sellers only, each seller their own.
    ("messaging:saved-replies", "GET"): (*LOGIN, 404, 200, 404, 404, 200),
    ("messaging:saved-replies", "POST"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:saved-reply-create", "GET"): (*LOGIN, 404, 200, 404, 404, 200),
    ("messaging:saved-reply-create", "POST"): (*LOGIN, 404, 400, 404, 404, 400),  # empty form
    ("messaging:saved-reply-edit", "GET"): (*LOGIN, 404, 404, 404, 404, 200),
    ("messaging:saved-reply-edit", "POST"): (*LOGIN, 404, 404, 404, 404, 400),  # empty form
    ("messaging:saved-reply-delete", "GET"): (*LOGIN, 404, 404, 404, 404, 200),  # confirm
    ("messaging:saved-reply-delete", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("api:saved-reply-list", "GET"): (*API_ANON, 404, 200, 404, 404, 200),
    ("api:saved-reply-list", "POST"): (*API_ANON, 404, 400, 404, 404, 400),  # no name given
    ("api:saved-reply-detail", "GET"): (*API_ANON, 404, 404, 404, 404, 200),
    ("api:saved-reply-detail", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:saved-reply-detail", "PATCH"): (*API_ANON, 404, 404, 404, 404, 200),  # no change
    ("api:saved-reply-detail", "DELETE"): (*API_ANON, 404, 404, 404, 404, 204),
    # The team and assignment: sellers (and their teams) only.
    ("api:team", "GET"): (*API_ANON, 404, 200, 404, 404, 200),
    ("api:team", "POST"): (*API_ANON, *NOT_ALLOWED),
    # Managing the team: the shop's account (and owners, below); another seller's own team.
    ("api:team-invitations", "GET"): (*API_ANON, 404, 200, 404, 404, 200),
    ("api:team-invitations", "POST"): (*API_ANON, 404, 400, 404, 404, 400),  # no email given
    ("api:team-invitation", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:team-invitation", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:team-invitation", "DELETE"): (*API_ANON, 404, 404, 404, 404, 204),
    ("api:team-member", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:team-member", "POST"): (*API_ANON, *NOT_ALLOWED),
    ("api:team-member", "PATCH"): (*API_ANON, 404, 404, 404, 404, 400),  # no role given
    ("api:team-member", "DELETE"): (*API_ANON, 404, 404, 404, 404, 204),
    ("api:threads-assign", "GET"): (*API_ANON, *NOT_ALLOWED),
    ("api:threads-assign", "POST"): (*API_ANON, 404, 400, 404, 404, 400),  # no threads given
    # Internal notes: the seller's side of the thread only (the buyer gets the same 404).
    ("api:thread-notes", "GET"): (*API_ANON, 404, 404, 404, 404, 200),
    ("api:thread-notes", "POST"): (*API_ANON, 404, 404, 404, 404, 400),  # no body given
    # The team's side of a thread: a note (none given: back with an error), the assignee.
    ("messaging:thread-note-add", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:thread-note-add", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("messaging:thread-assign", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:thread-assign", "POST"): (*LOGIN, 404, 404, 404, 404, 302),  # unassigned
    # The team page and its actions: the shop's own account (and owners, below) only.
    ("messaging:team", "GET"): (*LOGIN, 404, 200, 404, 404, 200),
    ("messaging:team", "POST"): (*LOGIN, 404, 400, 404, 404, 400),  # no address given
    ("messaging:team-invitation-revoke", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:team-invitation-revoke", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    ("messaging:team-member-role", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:team-member-role", "POST"): (*LOGIN, 404, 404, 404, 404, 302),  # no role: back
    ("messaging:team-member-remove", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:team-member-remove", "POST"): (*LOGIN, 404, 404, 404, 404, 302),
    # The invitation's link: a page for anyone; joining needs the invited address's account or
    # a name and password (none given here).
    ("messaging:team-join", "GET"): (200,) * 7,
    ("messaging:team-join", "POST"): (400,) * 7,
    # A member switching between the shop and their own account; no one else has anything to
    # switch to (nor a member without a `to`).
    ("messaging:team-switch", "GET"): (*LOGIN, *NOT_ALLOWED),
    ("messaging:team-switch", "POST"): (*LOGIN, 404, 404, 404, 404, 404),
    # The provider's signed webhook, not a session page: 404 until a signing key is configured.
    ("inbound_email:mailgun", "GET"): (404,) * 7,
    ("inbound_email:mailgun", "POST"): (404,) * 7,
    ("inbound_email:mailgun-mime", "GET"): (404,) * 7,
    ("inbound_email:mailgun-mime", "POST"): (404,) * 7,
}


def test_every_route_has_a_row_in_the_table():
    listed = {name for name, _ in EXPECTED}
    assert set(SITE_ROUTES) - listed == set(), "new routes need rows in EXPECTED"
    assert listed - set(SITE_ROUTES) == set(), "EXPECTED lists routes that no longer exist"


@pytest.mark.parametrize(("name", "method"), sorted(EXPECTED))
def test_route_answers_each_role_as_expected(name, method):
    assert dict(zip(ROLES, status_row(name, method), strict=True)) == dict(
        zip(ROLES, EXPECTED[(name, method)], strict=True)
    )


# --- a seller's team: its owner, agent and viewer, and an agent of another shop --------------
#
# A member acts for their shop, so each answers what the shop's account answers (the agent of
# another shop: what the other seller answers), except where the role refuses: 403, and nothing
# changes. The four run in one scenario per route, each inside a savepoint rolled back after it.

MEMBER_ROLES = ("owner", "agent", "viewer", "other_member")
# An owner's alone, whatever the method: the team, webhooks, the shop's notification settings.
OWNER_ONLY = {
    "messaging:team",
    "api:team-invitations",
    "api:team-invitation",
    "api:team-member",
    "messaging:team-invitation-revoke",
    "messaging:team-member-role",
    "messaging:team-member-remove",
    "notifications:undo-send",
    "notifications:address-add",
    "notifications:address-remove",
    "notifications:webhooks",
    "notifications:webhook-remove",
    "notifications:webhook-secret",
    "notifications:webhook-test",
    "api:webhook-list",
    "api:webhook-detail",
    "api:webhook-secret",
    "api:webhook-test",
    "api:webhook-deliveries",
}
# Every member's own, whatever the role: their session, their own API tokens, an invitation.
MEMBERS_OWN = {
    "notifications:settings",  # their own emails
    "messaging:team-switch",  # to their own account and back
    "accounts:logout",
    "accounts:language-set",
    "accounts:api-tokens",
    "accounts:api-token-revoke",
    "messaging:team-join",
}
# Routes for anyone, signed in or not: a role changes nothing there.
PUBLIC = {
    "health",
    "ready",
    "metrics",
    "favicon",
    "evidence-public-key",
    "api-schema",
    "api-docs",
    "api-not-found",
    "accounts:login",
    "inbound_email:mailgun",
    "inbound_email:mailgun-mime",
}
MEMBER_EXCEPTIONS = {
    # The scenario's token is the shop account's own, not a member's: theirs to revoke only.
    ("accounts:api-token-revoke", "POST", "owner"): 404,
    ("accounts:api-token-revoke", "POST", "agent"): 404,
    ("accounts:api-token-revoke", "POST", "viewer"): 404,
}


def member_expected(name: str, method: str) -> dict[str, int]:
    row = dict(zip(ROLES, EXPECTED[(name, method)], strict=True))
    expected = {}
    for role in MEMBER_ROLES:
        answer = row["other_seller"] if role == "other_member" else row["seller"]
        refused = (role != "owner" and name in OWNER_ONLY) or (role == "viewer" and method != "GET")
        if refused and name not in PUBLIC and name not in MEMBERS_OWN:
            answer = 403
        expected[role] = MEMBER_EXCEPTIONS.get((name, method, role), answer)
    return expected


def member_status_row(name: str, method: str) -> dict[str, int]:
    route = next(pattern for n, _, pattern in walk(get_resolver().url_patterns) if n == name)
    scenario = make_scenario()
    url = url_for(name, route, scenario)
    answers = {}
    for role in MEMBER_ROLES:
        client = client_for(role, scenario)
        savepoint = transaction.savepoint()
        before = database_state()
        response = client.generic(method, url)
        if response.status_code in (401, 403, 404, 405):
            assert database_state() == before, f"{method} {name} as {role} changed data"
        answers[role] = response.status_code
        transaction.savepoint_rollback(savepoint)
    return answers


@pytest.mark.parametrize(("name", "method"), sorted(EXPECTED))
def test_route_answers_each_team_member_as_expected(name, method):
    assert member_status_row(name, method) == member_expected(name, method)


def test_the_owner_only_routes_are_routes():
    assert (OWNER_ONLY | MEMBERS_OWN | PUBLIC) - set(SITE_ROUTES) == set()


# --- the admin: staff only ------------------------------------------------------------------


def admin_url(path: str, scenario: Scenario) -> str:
    """A concrete URL for an admin route, with an object its changelist would show."""
    if path.startswith("admin/(?P<url>"):
        return "/admin/no-such-page/"
    if "(?P<app_label>" in path:
        return "/admin/messaging/"
    parts = path.split("/")
    values: dict[str, object] = {}
    if "<path:content_type_id>" in path:
        values["content_type_id"] = ContentType.objects.get_for_model(User).pk
        values["object_id"] = scenario.users["buyer"].pk
    elif "<path:object_id>" in path:
        model = apps.get_model(parts[1], parts[2])
        request = RequestFactory().get("/admin/")
        request.user = scenario.users["staff"]
        shown = admin.site._registry[model].get_queryset(request)
        values["object_id"] = shown.order_by("pk").values_list("pk", flat=True)[0]
    if "<id>" in path:
        values["id"] = scenario.users["buyer"].pk
    url = "/" + path
    for key, value in values.items():
        url = url.replace(f"<path:{key}>", str(value)).replace(f"<{key}>", str(value))
    return url


# What staff get where it is not a page (200); everyone else is sent to the admin sign-in.
STAFF_EXCEPTIONS = {
    "admin:login": 302,  # already signed in
    "admin:logout": 405,  # GET; signing out is a POST
    "admin:autocomplete": 403,  # needs a field to complete
    "admin:view_on_site": 404,  # users have no public page
    "admin:messaging_blockedmessage_add": 403,  # the queue is read-only
    "admin:messaging_blockedmessage_delete": 403,
    "admin:messaging_evidenceexport_add": 403,  # asked for on pages, the API, the action
    "admin:messaging_evidenceexport_delete": 403,  # files expire; the rows are the record
    "admin:messaging_inboundemail_add": 403,  # written by the inbound path only
    "admin:messaging_inboundemail_delete": 403,
    "admin:messaging_moderationcase_add": 403,  # cases come from blocks and reports
    "admin:messaging_moderationcase_delete": 403,
    "admin:messaging_moderationaction_add": 403,  # the audit trail is written by the system
    "admin:messaging_moderationaction_delete": 403,
    "admin:messaging_policyfeedback_add": 403,  # labels come from the moderation queue
    "admin:messaging_policyfeedback_delete": 403,
    "admin:messaging_obligation_add": 403,  # the response clock is kept by the system
    "admin:messaging_obligation_delete": 403,
    "admin:messaging_responseday_add": 403,
    "admin:messaging_responseday_delete": 403,
    "admin:messaging_sellerrestriction_add": 403,  # restrictions come from the queue
    "admin:messaging_sellerrestriction_delete": 403,  # lifted early, never deleted
    "admin:notifications_notification_add": 403,  # the outbox is written by the system
    "admin:notifications_webhookdelivery_add": 403,
    "admin:notifications_webhookendpoint_add": 403,  # sellers register their own
}
ADMIN = [
    pytest.param(name, path, id=path if name.endswith(":None") else name)
    for name, path, _ in walk(get_resolver().url_patterns)
    if name.startswith("admin:")
]


@pytest.mark.parametrize(("name", "path"), ADMIN)
def test_admin_is_for_staff_only(name, path):
    scenario = make_scenario()
    url = admin_url(path, scenario)
    for role in ROLES:
        savepoint = transaction.savepoint()
        client = client_for(role, scenario)
        before = database_state()
        response = client.get(url)
        if role == "staff":
            expected = STAFF_EXCEPTIONS.get(name, 302 if name.endswith(":None") else 200)
            if path.startswith("admin/(?P<url>"):
                expected = 404
            assert response.status_code == expected, (role, url)
        elif name == "admin:login":
            assert response.status_code == 200, (role, url)
        elif name == "admin:logout":
            # The admin sends anyone who is not staff from its logout page to its index,
            # which sends them on to the login page; nothing is changed on the way.
            assert (response.status_code, response["Location"]) == (302, "/admin/"), (role, url)
            assert database_state() == before
        else:
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith("/admin/login/"), (role, url)
            assert database_state() == before
        transaction.savepoint_rollback(savepoint)


# --- CSRF: no unsafe session request without a token ----------------------------------------

UNSAFE = sorted(
    key
    for key, statuses in EXPECTED.items()
    if key[1] != "GET"
    and statuses[-2:] != (405, 405)
    and key[0] not in {"accounts:login", "api-not-found"}
    and not key[0].startswith("inbound_email:")  # signed by the provider, no session
)


@pytest.mark.parametrize(("name", "method"), UNSAFE)
def test_unsafe_session_requests_without_a_csrf_token_are_refused(name, method):
    scenario = make_scenario()
    route = next(pattern for n, _, pattern in walk(get_resolver().url_patterns) if n == name)
    url = url_for(name, route, scenario)
    for role in ("buyer", "seller"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(scenario.users[role])
        before = database_state()

        response = client.generic(method, url)

        assert response.status_code == 403, (role, response.status_code)
        assert database_state() == before
