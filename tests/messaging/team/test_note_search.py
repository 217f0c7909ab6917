"""Internal notes in search: the seller's team finds a thread by its notes, the buyer never."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import MemberRole, ShopMember
from accounts.tokens import token_create
from messaging.models import Participant, SearchDocument
from messaging.search.selectors import ThreadFilters, threads_filter
from messaging.search.services import documents_rebuild
from messaging.team import notes
from messaging.threads.services import message_send, thread_start
from messaging.threads.trash import thread_trash, trash_purge
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

API = "/api/v1"
BLOCKED_BODY = "Tangerine deal: write to me at tangerine@example.org"


def member(shop, role=MemberRole.AGENT, name="Ana Torres"):
    person = BuyerFactory(display_name=name, email=f"{name.split()[0].lower()}@team.example")
    ShopMember.objects.create(shop=shop, user=person, role=role)
    return person


def api_for(person) -> APIClient:
    _token, plaintext = token_create(user=person, name="desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def note(thread, shop, body: str, author=None):
    side = Participant.objects.get(thread=thread, user=shop)
    return notes.note_add(participant=side, author=author or shop, body=body)


@pytest.fixture(params=["database default", "substring"])
def full_text(request) -> bool | None:
    """Run a test with the database's own search (full text on PostgreSQL) and the fallback."""
    return None if request.param == "database default" else False


def found(user, text: str, *, full_text: bool | None = None) -> list[int]:
    """The ids of the user's threads (every folder) matching the words, newest first."""
    rows = Participant.objects.for_user(user).in_folder("all")
    rows = threads_filter(rows, user=user, filters=ThreadFilters(text=text), full_text=full_text)
    return list(rows.order_by("-last_message_at", "-id").values_list("thread_id", flat=True))


def lexemes(thread, user) -> set[str]:
    document = SearchDocument.objects.get(participant__thread=thread, participant__user=user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(%s::tsvector)", [document.document])
        return set(cursor.fetchone()[0])


def all_documents() -> dict[int, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT participant_id, tsvector_to_array(document) "
            "FROM messaging_searchdocument ORDER BY participant_id"
        )
        return {row[0]: sorted(row[1]) for row in cursor.fetchall()}


# --- Selectors, on every database and with the substring fallback ---------------------------


def test_a_notes_words_find_the_thread_for_the_shop_and_never_for_the_buyer(
    buyer, seller, full_text
):
    noted, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    plain, _ = thread_with_message(buyer=buyer, seller=seller, body="Another parcel question")
    note(noted, seller, "Carrier lost it; refund approved.", author=member(seller))

    assert found(seller, "carrier", full_text=full_text) == [noted.id]
    # Words of the conversation and of the note together.
    assert found(seller, "parcel refund", full_text=full_text) == [noted.id]
    assert found(buyer, "carrier", full_text=full_text) == []
    assert found(buyer, "parcel refund", full_text=full_text) == []
    assert found(buyer, "parcel", full_text=full_text) == [plain.id, noted.id]


def test_a_shop_buying_elsewhere_never_finds_the_other_shops_notes(seller, full_text):
    # The shop is the buyer in this thread: the other shop's notes are not its own.
    other_shop = SellerFactory(display_name="Olga Other", seller_profile__shop_name="Olga's")
    bought, _ = thread_with_message(buyer=seller, seller=other_shop, body="Is it in stock?")
    note(bought, other_shop, "Carrier said Friday.")

    assert found(other_shop, "carrier", full_text=full_text) == [bought.id]
    assert found(seller, "carrier", full_text=full_text) == []
    assert found(seller, "stock", full_text=full_text) == [bought.id]


# --- Pages and API ----------------------------------------------------------------------------


def test_the_team_finds_a_thread_by_a_note_on_the_page_and_the_api_the_buyer_does_not(
    buyer, seller
):
    noted, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    thread_with_message(buyer=buyer, seller=seller, body="Invoice please")
    ana = member(seller)
    note(noted, seller, "Warehouse confirms the carrier lost it.", author=ana)
    agent_page = Client()
    agent_page.force_login(ana)
    owner_page = Client()
    owner_page.force_login(seller)
    buyer_page = Client()
    buyer_page.force_login(buyer)
    buyer_api = APIClient()
    buyer_api.force_authenticate(buyer)

    def page_ids(client, path: str, **params) -> list[int]:
        response = client.get(path, {"q": "warehouse", **params})
        assert response.status_code == 200
        return [p.thread_id for p in response.context["page"].items]

    def api_ids(client, **params) -> list[int]:
        response = client.get(f"{API}/threads", {"q": "warehouse", **params})
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert page_ids(agent_page, "/seller/", folder="all") == [noted.id]
    assert page_ids(owner_page, "/seller/", folder="all") == [noted.id]
    assert api_ids(api_for(ana), folder="all") == [noted.id]
    assert page_ids(buyer_page, "/messages/") == []
    assert api_ids(buyer_api) == []
    # The buyer's search works: the thread is found by its message's words.
    assert page_ids(buyer_page, "/messages/", q="parcel") == [noted.id]
    assert api_ids(buyer_api, q="parcel") == [noted.id]
    html = buyer_page.get("/messages/", {"q": "warehouse"}).content.decode()
    assert "confirms the carrier" not in html
    assert f"/messages/{noted.id}/" not in html


# --- PostgreSQL: the documents ----------------------------------------------------------------


@pytest.mark.services
def test_a_note_goes_into_the_shops_document_only_and_a_rebuild_keeps_it(postgresql, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    message_send(thread=thread, sender=seller, body="It left today.")
    note(thread, seller, "Carrier lost it.")
    note(thread, seller, "Refund approved.")

    said = {"where", "is", "my", "parcel", "it", "left", "today"}
    noted = {"carrier", "lost", "refund", "approved"}
    assert noted <= lexemes(thread, seller)
    assert said <= lexemes(thread, seller)
    assert lexemes(thread, buyer) & noted == set()
    assert said <= lexemes(thread, buyer)

    kept = all_documents()
    assert documents_rebuild() == 2
    assert all_documents() == kept


@pytest.mark.services
def test_a_note_builds_the_shops_missing_document_and_messages_extend_it(postgresql, buyer, seller):
    # The buyer's first message is blocked: the shop has no document yet.
    thread, blocked = thread_with_message(buyer=buyer, seller=seller, body=BLOCKED_BODY)
    assert not blocked.is_delivered
    shop_side = Participant.objects.get(thread=thread, user=seller)
    assert not SearchDocument.objects.filter(participant=shop_side).exists()

    note(thread, seller, "Carrier lost it.")
    built = lexemes(thread, seller)
    thread_start(sender=buyer, order=thread.order, topic="shipping", body="Where is my parcel?")

    # The header (order number, buyer's name) and the note, once each.
    assert {"carrier", "lost", "alex", "buyer"} <= built
    assert "tangerine" not in built
    assert {"carrier", "lost", "where", "parcel"} <= lexemes(thread, seller)
    assert "carrier" not in lexemes(thread, buyer)
    kept = all_documents()
    assert documents_rebuild() == 2
    assert all_documents() == kept


@pytest.mark.services
def test_a_shops_document_rebuilt_after_a_purge_keeps_the_notes_the_team_still_sees(
    postgresql, buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    note(thread, seller, "Carrier lost it.")
    now = timezone.now()
    thread_trash(participant=Participant.objects.get(thread=thread, user=seller), now=now)
    assert trash_purge(now=now + timedelta(days=31)) == 1
    assert found(seller, "carrier") == []

    message_send(thread=thread, sender=buyer, body="Any news?")

    assert found(seller, "carrier") == [thread.id]
    # The purged message is gone from the shop's words; the new one is in.
    assert {"carrier", "any", "news"} <= lexemes(thread, seller)
    assert "parcel" not in lexemes(thread, seller)
    assert found(buyer, "carrier") == []
