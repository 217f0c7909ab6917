"""Saved replies: placeholders, the services' rules, the Seller Central pages and the API."""

from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from core.errors import ApplicationError, NotFound
from messaging.models import Message, Participant, SavedReply
from messaging.replies import placeholders as saved_replies
from messaging.replies import selectors
from messaging.replies.services import (
    SAVED_REPLIES_MAX,
    SavedReplyPolicyViolation,
    saved_reply_create,
    saved_reply_delete,
    saved_reply_update,
)
from messaging.threads.services import thread_start
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import SavedReplyFactory, thread_with_message
from tests.orders.factories import OrderFactory, OrderItemFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
T1 = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
API = "/api/v1"
HOW_TO = (
    "You can use {buyer_name}, {order_number}, {item}. "
    "To show braces as they are, double them: {{ and }}."
)
# Pinned query counts; they must not grow with the number of saved replies.
LIST_PAGE_QUERIES = 4  # session, user, unread badge, the saved replies
API_LIST_QUERIES = 1
# The seller's thread page (already read) with saved replies: its own queries, the saved
# replies and the order's first item for {item}. The page changed (it is rendered), its
# messages did not: they come from the cache, as the first visit rendered them
# (messaging/threads/thread_cache.py), without their two queries.
SELLER_THREAD_QUERIES = 13  # the thread page, with its evidence box (tests/messaging/threads)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rows() -> list[dict]:
    return list(SavedReply.objects.order_by("id").values())


@pytest.fixture
def order(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller, number="112-1234567-7654321")
    OrderItemFactory(order=order, title="Hand-thrown mug, 350 ml", unit_price=Decimal("24.00"))
    OrderItemFactory(order=order, title="Serving bowl", unit_price=Decimal("58.00"))
    return order


@pytest.fixture
def thread(order):
    thread, _ = thread_with_message(order=order, body="Where is my mug?")
    return thread


# --- placeholders -----------------------------------------------------------------------------


def test_expand_fills_in_the_buyer_the_order_and_its_first_item(thread):
    saved = SavedReplyFactory(
        seller=thread.seller, body="Hi {buyer_name}, order {order_number} ({item}) has shipped."
    )

    text = selectors.saved_reply_expand(saved_reply=saved, thread=thread)

    assert text == "Hi Alex Buyer, order 112-1234567-7654321 (Hand-thrown mug, 350 ml) has shipped."


def test_expand_keeps_spanish_accents_and_punctuation(seller):
    lucia = BuyerFactory(display_name="Lucía Fernández", language="es")
    order = OrderFactory(buyer=lucia, seller=seller, number="112-7654321-1234567")
    OrderItemFactory(order=order, title="Taza de cerámica, «océano»")
    thread, _ = thread_with_message(order=order, body="¿Dónde está mi pedido?")
    saved = saved_reply_create(
        seller=seller,
        name="Pedido en camino",
        language="es",
        body="¡Hola, {buyer_name}! Su {item} (pedido {order_number}) ya está en camino. Añadimos "
        "un regalo pequeño.",
    )

    text = selectors.saved_reply_expand(saved_reply=saved, thread=thread)

    assert text == (
        "¡Hola, Lucía Fernández! Su Taza de cerámica, «océano» (pedido 112-7654321-1234567) "
        "ya está en camino. Añadimos un regalo pequeño."
    )


def test_expand_for_a_product_question_uses_the_product_and_no_order_number(buyer, seller):
    product = ProductFactory(seller=seller, title="Wireless earbuds")
    message = thread_start(
        sender=buyer, product=product, topic="product_question", body="Multipoint pairing?"
    )
    saved = SavedReplyFactory(seller=seller, body="Hi {buyer_name}, the {item}{order_number}: yes!")

    text = selectors.saved_reply_expand(saved_reply=saved, thread=message.thread)

    assert text == "Hi Alex Buyer, the Wireless earbuds: yes!"


def test_expand_for_an_order_without_items_leaves_the_item_empty(buyer, seller):
    thread, _ = thread_with_message(order=OrderFactory(buyer=buyer, seller=seller))
    saved = SavedReplyFactory(seller=seller, body="[{item}]")

    assert selectors.saved_reply_expand(saved_reply=saved, thread=thread) == "[]"


def test_doubled_braces_are_literal_and_other_braces_are_kept_as_written():
    body = "{{buyer_name}} is {buyer_name}; {{{item}}}; { }; {1}; :-} {"
    values = {"buyer_name": "Alex", "order_number": "1", "item": "Mug"}

    assert saved_replies.expand(body, values) == "{buyer_name} is Alex; {Mug}; { }; {1}; :-} {"
    assert saved_replies.placeholders_used(body) == ["buyer_name", "item"]
    assert saved_replies.placeholders_unknown("{{foo}} { } {1} {a b}") == []


def test_unknown_placeholders_are_listed_once_in_order():
    assert saved_replies.placeholders_unknown("{foo} {buyer_name} {nombre} {foo} {Item}") == [
        "foo",
        "nombre",
        "Item",
    ]


# --- services ---------------------------------------------------------------------------------


def test_create_stores_the_cleaned_name_and_body(seller):
    saved = saved_reply_create(
        seller=seller,
        name="  Late \t delivery ",
        body="\r\nHi {buyer_name},\r\nsorry for the wait.\r\n",
        language="en",
        now=T0,
    )

    assert rows() == [
        {
            "id": saved.pk,
            "seller_id": seller.pk,
            "name": "Late delivery",
            "body": "Hi {buyer_name},\nsorry for the wait.",
            "language": "en",
            "created_at": T0,
            "updated_at": T0,
        }
    ]


def test_create_refuses_unknown_placeholders_naming_them(seller):
    with pytest.raises(ApplicationError) as refused:
        saved_reply_create(
            seller=seller, name="Hello", body="Hi {buyer_name}, {foo} {nombre}", language="es"
        )

    detail = "Unknown placeholders {foo}, {nombre}. " + HOW_TO
    assert (refused.value.code, refused.value.status) == ("unknown_placeholder", 400)
    assert refused.value.fields == {"body": [detail]}
    assert rows() == []


def test_create_reports_every_field_problem_at_once(seller):
    with pytest.raises(ApplicationError) as refused:
        saved_reply_create(seller=seller, name="   ", body=" \n ", language="fr")

    assert refused.value.code == "empty_name"
    assert refused.value.fields == {
        "name": ["Give the saved reply a name."],
        "body": ["Write the text of the saved reply."],
        "language": ["Pick English or Spanish."],
    }
    assert rows() == []


def test_names_are_unique_per_seller_whatever_their_case(seller):
    saved_reply_create(seller=seller, name="Late delivery", body="Sorry!", language="en")
    other = SellerFactory()

    with pytest.raises(ApplicationError) as refused:
        saved_reply_create(seller=seller, name="LATE delivery", body="x", language="en")
    saved_reply_create(seller=other, name="Late delivery", body="Sorry!", language="en")

    assert refused.value.code == "duplicate_name"
    assert refused.value.fields == {
        "name": ["You already have a saved reply named “LATE delivery”."]
    }
    assert sorted(SavedReply.objects.values_list("seller_id", "name")) == sorted(
        [(seller.pk, "Late delivery"), (other.pk, "Late delivery")]
    )


def test_length_limits_of_name_and_body(seller, settings):
    saved_reply_create(seller=seller, name="n" * 80, body="b" * 5000, language="en")

    with pytest.raises(ApplicationError) as long_name:
        saved_reply_create(seller=seller, name="m" * 81, body="ok", language="en")
    with pytest.raises(ApplicationError) as long_body:
        saved_reply_create(seller=seller, name="Long", body="b" * 5001, language="en")

    assert long_name.value.fields == {
        "name": ["A name can have at most 80 characters (this one has 81)."]
    }
    assert (long_body.value.code, long_body.value.fields) == (
        "body_too_long",
        {"body": ["A saved reply can have at most 5,000 characters (this one has 5,001)."]},
    )
    assert SavedReply.objects.count() == 1


def test_create_refuses_a_body_with_an_email_address_or_phone_number(seller):
    body = "Write to shop@gmail.com or call 415-555-0100 today."

    with pytest.raises(SavedReplyPolicyViolation) as refused:
        saved_reply_create(seller=seller, name="Contact", body=body, language="en")

    error = refused.value
    assert (error.code, error.status) == ("policy_violation", 422)
    assert error.extra["categories"] == ["email", "phone"]
    assert [(f["category"], body[f["start"] : f["end"]]) for f in error.extra["findings"]] == [
        ("email", "shop@gmail.com"),
        ("phone", "415-555-0100"),
    ]
    assert error.fields == {
        "body": [
            "The saved reply was not saved: it contains an email address, a phone number, which "
            "the messaging policy does not allow. Change the highlighted text and save it again."
        ]
    }
    assert rows() == []


def test_a_buyer_cannot_have_saved_replies(buyer):
    with pytest.raises(NotFound):
        saved_reply_create(seller=buyer, name="Hi", body="Hello", language="en")

    assert rows() == []


def test_a_seller_keeps_at_most_the_limit(seller, settings):
    SavedReply.objects.bulk_create(
        SavedReply(seller=seller, name=f"Reply {n}", body="Hello") for n in range(SAVED_REPLIES_MAX)
    )

    with pytest.raises(ApplicationError) as refused:
        saved_reply_create(seller=seller, name="One more", body="Hello", language="en")

    assert refused.value.code == "too_many_saved_replies"
    assert SavedReply.objects.count() == SAVED_REPLIES_MAX


def test_update_changes_what_is_given_and_keeps_the_rest(seller):
    saved = saved_reply_create(
        seller=seller, name="thanks", body="Thank you!", language="en", now=T0
    )

    saved_reply_update(saved_reply=saved, name="Thanks", now=T1)
    saved_reply_update(saved_reply=saved, body="¡Gracias, {buyer_name}!", language="es")

    saved.refresh_from_db()
    assert (saved.name, saved.body, saved.language, saved.created_at) == (
        "Thanks",
        "¡Gracias, {buyer_name}!",
        "es",
        T0,
    )
    assert saved.updated_at > T1


def test_update_refuses_another_replys_name_and_unknown_placeholders(seller):
    saved_reply_create(seller=seller, name="Refund", body="Refunded.", language="en")
    saved = saved_reply_create(seller=seller, name="Thanks", body="Hi", language="en")
    before = rows()

    with pytest.raises(ApplicationError) as taken:
        saved_reply_update(saved_reply=saved, name="refund")
    with pytest.raises(ApplicationError) as unknown:
        saved_reply_update(saved_reply=saved, body="Hi {buyer}")

    assert taken.value.code == "duplicate_name"
    assert unknown.value.fields == {"body": ["Unknown placeholder {buyer}. " + HOW_TO]}
    assert rows() == before


def test_delete_removes_only_that_reply(seller):
    keep = SavedReplyFactory(seller=seller)
    gone = SavedReplyFactory(seller=seller)

    saved_reply_delete(saved_reply=gone)

    assert list(SavedReply.objects.values_list("id", flat=True)) == [keep.pk]


# --- selectors --------------------------------------------------------------------------------


def test_list_is_by_name_whatever_the_case_and_only_the_sellers_own(seller):
    for name in ("banana", "Apple", "cherry"):
        SavedReplyFactory(seller=seller, name=name)
    SavedReplyFactory(name="Another seller's")

    names = [s.name for s in selectors.saved_reply_list_for_seller(seller=seller)]

    assert names == ["Apple", "banana", "cherry"]


def test_get_is_scoped_to_the_seller(seller):
    mine = SavedReplyFactory(seller=seller)
    theirs = SavedReplyFactory()

    assert selectors.saved_reply_get(seller=seller, saved_reply_id=mine.pk) == mine
    for wrong in (theirs.pk, "x", None, 10**19):
        with pytest.raises(NotFound):
            selectors.saved_reply_get(seller=seller, saved_reply_id=wrong)


# --- Seller Central pages ---------------------------------------------------------------------


def test_list_page_without_saved_replies_explains_them(seller_client):
    response = seller_client.get("/seller/saved-replies/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "No saved replies yet" in html
    assert 'href="/seller/saved-replies/new/"' in html


def test_list_page_shows_each_reply_with_edit_and_delete_links(seller_client, seller):
    saved = SavedReplyFactory(seller=seller, name="Late delivery", language="es")

    html = seller_client.get("/seller/saved-replies/").content.decode()

    assert "Late delivery" in html
    assert f'href="/seller/saved-replies/{saved.pk}/"' in html
    assert f'href="/seller/saved-replies/{saved.pk}/delete/"' in html
    assert "No saved replies yet" not in html


def test_list_page_query_count_does_not_grow(seller_client, seller, django_assert_num_queries):
    SavedReplyFactory(seller=seller)
    with django_assert_num_queries(LIST_PAGE_QUERIES):
        seller_client.get("/seller/saved-replies/")

    SavedReplyFactory.create_batch(6, seller=seller)
    with django_assert_num_queries(LIST_PAGE_QUERIES):
        response = seller_client.get("/seller/saved-replies/")

    assert response.content.decode().count('class="card saved-reply"') == 7


def test_seller_navigation_links_to_saved_replies(seller_client):
    html = seller_client.get("/seller/").content.decode()

    assert 'href="/seller/saved-replies/"' in html


def test_create_page_saves_and_goes_back_to_the_list(seller_client, seller):
    response = seller_client.post(
        "/seller/saved-replies/new/",
        {"name": "Thanks", "language": "es", "body": "¡Gracias, {buyer_name}!"},
    )

    assert (response.status_code, response["Location"]) == (302, "/seller/saved-replies/")
    assert list(SavedReply.objects.values_list("seller_id", "name", "language", "body")) == [
        (seller.pk, "Thanks", "es", "¡Gracias, {buyer_name}!")
    ]


def test_create_page_shows_an_unknown_placeholder_next_to_the_text(seller_client):
    response = seller_client.post(
        "/seller/saved-replies/new/", {"name": "Hi", "language": "en", "body": "Hi {foo}"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<ul class="field-errors" id="body-errors"><li>Unknown placeholder {foo}. You can use '
        "{buyer_name}, {order_number}, {item}. To show braces as they are, double them: "
        "{{ and }}.</li></ul>"
    ) in html
    assert 'aria-describedby="body-errors body-hint" aria-invalid="true"' in html
    assert ">Hi {foo}</textarea>" in html  # what was typed is kept
    assert rows() == []


def test_create_page_highlights_what_the_policy_refuses(seller_client):
    response = seller_client.post(
        "/seller/saved-replies/new/",
        {"name": "Contact", "language": "en", "body": "Mail shop@gmail.com please"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert '<mark title="Email address" data-category="email">shop@gmail.com</mark>' in html
    assert "it contains an email address, which the messaging policy does not allow" in html
    assert rows() == []


def test_edit_page_is_prefilled_and_saves_changes(seller_client, seller):
    saved = SavedReplyFactory(seller=seller, name="Thanks", body="Thank you!")

    page = seller_client.get(f"/seller/saved-replies/{saved.pk}/").content.decode()
    response = seller_client.post(
        f"/seller/saved-replies/{saved.pk}/",
        {"name": "Thanks a lot", "language": "en", "body": "Thank you, {buyer_name}!"},
    )

    assert 'value="Thanks"' in page and ">Thank you!</textarea>" in page
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.body) == ("Thanks a lot", "Thank you, {buyer_name}!")


def test_delete_asks_first_then_deletes(seller_client, seller):
    saved = SavedReplyFactory(seller=seller, name="Old reply")

    confirm = seller_client.get(f"/seller/saved-replies/{saved.pk}/delete/")
    assert SavedReply.objects.count() == 1
    response = seller_client.post(f"/seller/saved-replies/{saved.pk}/delete/")

    assert "Delete “Old reply”?" in confirm.content.decode()
    assert (response.status_code, response["Location"]) == (302, "/seller/saved-replies/")
    assert rows() == []


def test_another_sellers_reply_is_a_404_on_every_page_and_unchanged(client):
    theirs = SavedReplyFactory(name="Theirs")
    before = rows()
    client.force_login(SellerFactory())

    answers = [
        client.get(f"/seller/saved-replies/{theirs.pk}/").status_code,
        client.post(
            f"/seller/saved-replies/{theirs.pk}/", {"name": "Mine", "language": "en", "body": "x"}
        ).status_code,
        client.get(f"/seller/saved-replies/{theirs.pk}/delete/").status_code,
        client.post(f"/seller/saved-replies/{theirs.pk}/delete/").status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert rows() == before


def test_buyers_have_no_saved_replies_pages(buyer_client):
    assert buyer_client.get("/seller/saved-replies/").status_code == 404
    assert buyer_client.get("/seller/saved-replies/new/").status_code == 404


# --- the reply box of a conversation ----------------------------------------------------------


def test_thread_page_offers_the_sellers_replies_filled_in_for_the_thread(seller_client, thread):
    saved = SavedReplyFactory(seller=thread.seller, name="Shipped", body="Hi {buyer_name}!")
    SavedReplyFactory(name="Someone else's")

    html = seller_client.get(f"/seller/messages/{thread.pk}/").content.decode()

    assert f'<option value="{saved.pk}">Shipped (English)</option>' in html
    assert "Someone else" not in html
    assert (
        f'<script id="saved-reply-texts" type="application/json">{{"{saved.pk}": "Hi Alex Buyer!"}}'
        "</script>"
    ) in html
    assert '<form id="saved-reply-form" method="get" action="#id_body"></form>' in html
    assert "js/saved_replies.js" in html


def test_thread_page_query_count_does_not_grow_with_saved_replies(
    seller_client, thread, django_assert_num_queries
):
    SavedReplyFactory(seller=thread.seller)
    seller_client.get(f"/seller/messages/{thread.pk}/")  # reads the buyer's message
    with django_assert_num_queries(SELLER_THREAD_QUERIES):
        seller_client.get(f"/seller/messages/{thread.pk}/")

    SavedReplyFactory.create_batch(6, seller=thread.seller)
    with django_assert_num_queries(SELLER_THREAD_QUERIES):
        response = seller_client.get(f"/seller/messages/{thread.pk}/")

    assert len(response.context["saved_replies"]) == 7


def test_thread_page_without_javascript_prefills_the_picked_reply(seller_client, thread):
    saved = SavedReplyFactory(seller=thread.seller, body="Order {order_number}: {item}")

    response = seller_client.get(f"/seller/messages/{thread.pk}/?saved_reply={saved.pk}")

    assert response.status_code == 200
    assert (
        ">Order 112-1234567-7654321: Hand-thrown mug, 350 ml</textarea>"
        in response.content.decode()
    )


def test_thread_page_with_another_sellers_reply_is_a_404_and_changes_nothing(seller_client, thread):
    theirs = SavedReplyFactory(body="Their secret words")
    seller_side = Participant.objects.get(thread=thread, user=thread.seller)

    response = seller_client.get(f"/seller/messages/{thread.pk}/?saved_reply={theirs.pk}")

    seller_side_after = Participant.objects.get(pk=seller_side.pk)
    assert response.status_code == 404
    assert seller_side_after.unread_count == seller_side.unread_count == 1  # not marked read


def test_thread_page_without_saved_replies_links_to_create_one(seller_client, thread):
    html = seller_client.get(f"/seller/messages/{thread.pk}/").content.decode()

    assert 'href="/seller/saved-replies/">Create a saved reply</a>' in html
    assert "saved-reply-form" not in html


def test_buyer_thread_page_has_no_saved_replies(buyer_client, thread):
    SavedReplyFactory(seller=thread.seller)

    html = buyer_client.get(f"/messages/{thread.pk}/").content.decode()

    assert "saved-reply" not in html


# --- API --------------------------------------------------------------------------------------


def test_api_list_returns_my_replies_by_name(seller, django_assert_num_queries):
    second = saved_reply_create(
        seller=seller, name="Thanks", body="Thank you, {buyer_name}!", language="en", now=T0
    )
    first = saved_reply_create(
        seller=seller,
        name="envío",
        body="Su pedido {order_number} ({item}) está en camino.",
        language="es",
        now=T1,
    )
    SavedReplyFactory()
    api = as_user(seller)

    with django_assert_num_queries(API_LIST_QUERIES):
        response = api.get(f"{API}/saved-replies")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": first.pk,
            "name": "envío",
            "body": "Su pedido {order_number} ({item}) está en camino.",
            "language": "es",
            "placeholders": ["order_number", "item"],
            "created_at": "2025-03-04T10:30:00Z",
            "updated_at": "2025-03-04T10:30:00Z",
        },
        {
            "id": second.pk,
            "name": "Thanks",
            "body": "Thank you, {buyer_name}!",
            "language": "en",
            "placeholders": ["buyer_name"],
            "created_at": "2025-03-03T09:00:00Z",
            "updated_at": "2025-03-03T09:00:00Z",
        },
    ]


def test_api_list_query_count_does_not_grow(seller, django_assert_num_queries):
    SavedReplyFactory.create_batch(8, seller=seller)
    api = as_user(seller)

    with django_assert_num_queries(API_LIST_QUERIES):
        response = api.get(f"{API}/saved-replies")

    assert len(response.json()) == 8


def test_api_create_update_delete(seller):
    api = as_user(seller)

    created = api.post(
        f"{API}/saved-replies", {"name": "Thanks", "body": "Hi {buyer_name}"}, format="json"
    )
    saved_id = created.json()["id"]
    patched = api.patch(f"{API}/saved-replies/{saved_id}", {"language": "es"}, format="json")
    fetched = api.get(f"{API}/saved-replies/{saved_id}")
    deleted = api.delete(f"{API}/saved-replies/{saved_id}")

    assert created.status_code == 201
    assert (created.json()["name"], created.json()["language"]) == ("Thanks", "en")
    assert (patched.status_code, patched.json()["language"]) == (200, "es")
    assert fetched.json()["body"] == "Hi {buyer_name}"
    assert deleted.status_code == 204
    assert rows() == []


def test_api_create_defaults_to_the_sellers_language(seller):
    seller.language = "es"
    seller.save(update_fields=["language"])

    response = as_user(seller).post(
        f"{API}/saved-replies", {"name": "Gracias", "body": "¡Gracias!"}, format="json"
    )

    assert response.json()["language"] == "es"


def test_api_refuses_an_unknown_placeholder_with_its_field(seller):
    response = as_user(seller).post(
        f"{API}/saved-replies", {"name": "Hi", "body": "Hi {foo}", "language": "en"}, format="json"
    )

    detail = "Unknown placeholder {foo}. " + HOW_TO
    assert response.status_code == 400
    assert response.json() == {
        "code": "unknown_placeholder",
        "detail": detail,
        "fields": {"body": [detail]},
    }
    assert rows() == []


def test_api_refuses_a_policy_violation_with_the_findings(seller):
    body = "Call 415-555-0100"

    response = as_user(seller).post(
        f"{API}/saved-replies", {"name": "Call", "body": body}, format="json"
    )

    payload = response.json()
    assert response.status_code == 422
    assert (payload["code"], payload["categories"]) == ("policy_violation", ["phone"])
    assert payload["findings"] == [
        {
            "category": "phone",
            "start": 5,
            "end": 17,
            "reason": "Phone number",
            "code": "phone_number",
            "params": {},
            "source": "body",
        }
    ]
    assert payload["fields"] == {"body": [payload["detail"]]}
    assert rows() == []


def test_api_another_sellers_reply_is_a_404_and_unchanged(seller):
    theirs = SavedReplyFactory(name="Theirs")
    before = rows()
    api = as_user(seller)

    answers = [
        api.get(f"{API}/saved-replies/{theirs.pk}"),
        api.patch(f"{API}/saved-replies/{theirs.pk}", {"name": "Mine"}, format="json"),
        api.delete(f"{API}/saved-replies/{theirs.pk}"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in answers] == [(404, "not_found")] * 3
    assert rows() == before


def test_api_buyers_get_404(buyer):
    api = as_user(buyer)

    listed = api.get(f"{API}/saved-replies")
    created = api.post(f"{API}/saved-replies", {"name": "Hi", "body": "Hello"}, format="json")

    assert (listed.status_code, created.status_code) == (404, 404)
    assert rows() == []


def test_api_send_a_saved_reply_in_a_thread(seller, thread):
    saved = SavedReplyFactory(seller=seller, body="Hi {buyer_name}, {item} ships today.")

    response = as_user(seller).post(
        f"{API}/threads/{thread.pk}/messages", {"saved_reply": saved.pk}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["body"] == "Hi Alex Buyer, Hand-thrown mug, 350 ml ships today."
    assert Message.objects.filter(thread=thread).order_by("id").last().sender_id == seller.pk


def test_api_send_refuses_body_and_saved_reply_together(seller, thread):
    saved = SavedReplyFactory(seller=seller)

    response = as_user(seller).post(
        f"{API}/threads/{thread.pk}/messages",
        {"saved_reply": saved.pk, "body": "Hello"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"body": ["Give either body or saved_reply, not both."]}
    assert Message.objects.filter(thread=thread).count() == 1


def test_api_send_with_another_sellers_reply_is_a_404(seller, thread):
    theirs = SavedReplyFactory(body="Their words")

    response = as_user(seller).post(
        f"{API}/threads/{thread.pk}/messages", {"saved_reply": theirs.pk}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Message.objects.filter(thread=thread).count() == 1


def test_the_expanded_text_still_goes_through_the_policy_on_send(seller, buyer):
    order = OrderFactory(buyer=buyer, seller=seller)
    OrderItemFactory(order=order, title="Mug, call 415-555-0100")
    thread, _ = thread_with_message(order=order)
    saved = saved_reply_create(
        seller=seller, name="Item", body="Your {item} ships soon.", language="en"
    )

    response = as_user(seller).post(
        f"{API}/threads/{thread.pk}/messages", {"saved_reply": saved.pk}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["categories"] == ["phone"]
    blocked = Message.objects.filter(thread=thread).order_by("id").last()
    assert (blocked.body, blocked.status) == ("Your Mug, call 415-555-0100 ships soon.", "blocked")


# --- demo data --------------------------------------------------------------------------------


def test_seed_demo_gives_each_demo_seller_english_and_spanish_replies_once():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    languages = {
        email: sorted(
            SavedReply.objects.filter(seller__email=email).values_list("language", flat=True)
        )
        for email in ("seller@example.com", "gadgets@example.com")
    }
    assert languages == {
        "seller@example.com": ["en", "en", "es"],
        "gadgets@example.com": ["en", "en", "es"],
    }
    assert SavedReply.objects.count() == 6


def test_the_api_schema_documents_saved_replies(client, seller):
    client.force_login(seller)

    schema = client.get("/api/schema/?format=json").json()

    operations = {
        (path, method): operation["operationId"]
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if "saved-replies" in path
    }
    assert operations == {
        ("/api/v1/saved-replies", "get"): "saved_replies_list",
        ("/api/v1/saved-replies", "post"): "saved_replies_create",
        ("/api/v1/saved-replies/{saved_reply_id}", "get"): "saved_replies_retrieve",
        ("/api/v1/saved-replies/{saved_reply_id}", "patch"): "saved_replies_update",
        ("/api/v1/saved-replies/{saved_reply_id}", "delete"): "saved_replies_delete",
    }
    create = schema["paths"]["/api/v1/saved-replies"]["post"]
    assert {"201", "400", "401", "404", "422", "429"} <= set(create["responses"])
    send = schema["paths"]["/api/v1/threads/{thread_id}/messages"]["post"]
    json_body = send["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert (
        "saved_reply" in schema["components"]["schemas"][json_body.rsplit("/", 1)[1]]["properties"]
    )
