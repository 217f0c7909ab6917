"""Internal notes: the team writes and reads them; the buyer never sees anything of them."""

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import MemberRole, ShopMember
from accounts.tokens import token_create
from messaging.models import Obligation, ThreadNote
from messaging.team import notes
from messaging.threads.selectors import participant_get
from notifications.models import Notification, NotificationKind, WebhookDelivery
from notifications.services import notification_deliver
from notifications.webhooks import webhook_endpoint_create
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db


def member(shop, role=MemberRole.AGENT, name="Ana Torres"):
    person = BuyerFactory(display_name=name, email=f"{name.split()[0].lower()}@team.example")
    ShopMember.objects.create(shop=shop, user=person, role=role)
    return person


def api_for(person) -> APIClient:
    _token, plaintext = token_create(user=person, name="desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def test_an_agent_writes_a_note_and_the_team_reads_it(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    ana = member(seller)
    viewer = member(seller, MemberRole.VIEWER, "Ben Ortiz")

    created = api_for(ana).post(
        f"/api/v1/threads/{thread.id}/notes", {"body": "Refund approved by Sam."}, format="json"
    )
    listed = api_for(viewer).get(f"/api/v1/threads/{thread.id}/notes")

    assert created.status_code == 201
    assert [(n["body"], n["author"]["display_name"]) for n in listed.json()] == [
        ("Refund approved by Sam.", "Ana Torres")
    ]


def test_a_viewer_cannot_write_a_note(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    viewer = member(seller, MemberRole.VIEWER, "Ben Ortiz")

    response = api_for(viewer).post(
        f"/api/v1/threads/{thread.id}/notes", {"body": "Hi"}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (403, "role_forbidden")
    assert ThreadNote.objects.count() == 0


def test_the_buyer_and_other_shops_get_404_for_notes(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    participant = participant_get(user=seller, thread_id=thread.id)
    notes.note_add(participant=participant, author=seller, body="Check the warehouse.")
    buyer_client = APIClient()
    buyer_client.force_authenticate(buyer)
    other = api_for(member(SellerFactory(), name="Eve Other"))

    answers = [
        buyer_client.get(f"/api/v1/threads/{thread.id}/notes").status_code,
        buyer_client.post(
            f"/api/v1/threads/{thread.id}/notes", {"body": "x"}, format="json"
        ).status_code,
        other.get(f"/api/v1/threads/{thread.id}/notes").status_code,
    ]

    assert answers == [404, 404, 404]
    assert ThreadNote.objects.count() == 1


def test_a_note_reaches_nothing_the_buyer_sees(seller, buyer):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    participant = participant_get(user=seller, thread_id=thread.id)
    webhook_endpoint_create(seller=seller, url="https://hooks.shop.example/mc")
    before = list(Obligation.objects.values_list("id", "outcome", "answered_at"))
    mail_rows = Notification.objects.count()

    notes.note_add(participant=participant, author=seller, body="Secret-ish: carrier is late.")

    buyer_client = Client()
    buyer_client.force_login(buyer)
    page = buyer_client.get(f"/messages/{thread.id}/").content.decode()
    api = APIClient()
    api.force_authenticate(buyer)
    detail = str(api.get(f"/api/v1/threads/{thread.id}").json())
    messages = str(api.get(f"/api/v1/threads/{thread.id}/messages").json())
    search = buyer_client.get("/messages/", {"q": "carrier"})
    api_search = api.get("/api/v1/threads", {"q": "carrier"}).json()["results"]
    seller_api = APIClient()
    seller_api.force_authenticate(seller)
    team_search = seller_api.get("/api/v1/threads", {"q": "carrier", "folder": "all"}).json()
    assert "carrier is late" not in page + detail + messages
    assert list(search.context["page"].items) == []
    assert f"/messages/{thread.id}/" not in search.content.decode()
    assert api_search == []
    # The team finds it by the same word: the note is searchable, for the seller's side only.
    assert [row["id"] for row in team_search["results"]] == [thread.id]
    # No email, no webhook, and the 24-hour clock is still running.
    assert Notification.objects.count() == mail_rows
    assert WebhookDelivery.objects.count() == 0
    assert list(Obligation.objects.values_list("id", "outcome", "answered_at")) == before
    assert Obligation.objects.get(message=first).answered_at is None


def test_an_at_mention_emails_the_member_once(seller, buyer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    ana = member(seller)
    member(seller, name="Anabel Ruiz")
    participant = participant_get(user=seller, thread_id=thread.id)

    note = notes.note_add(
        participant=participant, author=seller, body="@Ana Torres can you check? cc @ana torres"
    )
    rows = list(Notification.objects.filter(kind=NotificationKind.TEAM_MENTION))
    for row in rows:
        notification_deliver(notification_id=row.pk)

    assert [user.pk for user in note.mentions.all()] == [ana.pk]
    assert [row.address for row in rows] == ["ana@team.example"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@team.example"]
    assert "Sam Seller mentioned you in a note" in mail.outbox[0].subject
    assert f"/seller/messages/{thread.id}/" in mail.outbox[0].body


def test_an_empty_or_long_note_is_refused(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = api_for(member(seller))

    empty = client.post(f"/api/v1/threads/{thread.id}/notes", {"body": "  "}, format="json")
    long = client.post(f"/api/v1/threads/{thread.id}/notes", {"body": "x" * 5001}, format="json")

    assert (empty.status_code, empty.json()["code"]) == (400, "empty_body")
    assert (long.status_code, long.json()["code"]) == (400, "body_too_long")
    assert ThreadNote.objects.count() == 0


def test_the_note_form_and_the_assign_form_of_the_thread_page(seller, buyer):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    ana = member(seller)
    client = Client()
    client.force_login(ana)

    noted = client.post(f"/seller/messages/{thread.id}/notes/", {"body": "@Sam Seller look"})
    assigned = client.post(f"/seller/messages/{thread.id}/assign/", {"assignee": str(ana.id)})
    refused = client.post(f"/seller/messages/{thread.id}/assign/", {"assignee": "x"})

    assert noted.status_code == assigned.status_code == refused.status_code == 302
    assert noted["Location"] == f"/seller/messages/{thread.id}/#team-notes"
    note = ThreadNote.objects.get()
    assert (note.author_id, note.body, [u.pk for u in note.mentions.all()]) == (
        ana.id,
        "@Sam Seller look",
        [seller.id],
    )
    side = participant_get(user=seller, thread_id=thread.id)
    assert side.assignee_id == ana.id


def test_listing_notes_costs_the_same_however_many(seller, buyer, django_assert_num_queries):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = APIClient()
    client.force_authenticate(seller)
    participant = participant_get(user=seller, thread_id=thread.id)
    notes.note_add(participant=participant, author=seller, body="One.")
    # The seller's side, the thread, the notes with their authors, their mentions.
    with django_assert_num_queries(4):
        assert len(client.get(f"/api/v1/threads/{thread.id}/notes").json()) == 1
    for n in range(5):
        notes.note_add(participant=participant, author=seller, body=f"Note {n}.")

    with django_assert_num_queries(4):
        assert len(client.get(f"/api/v1/threads/{thread.id}/notes").json()) == 6
