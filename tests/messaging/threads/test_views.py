from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from messaging.models import Message, Participant, ParticipantRole, Thread
from messaging.threads import selectors, services
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, OrderItemFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

ACTIONS = ["read", "unread", "archive", "unarchive", "delete", "no-response-needed"]

# Pinned query counts (session, user, page queries); they must not grow with rows.
# The page queries: its participant rows, their threads (by id), the reader's own blocked
# messages after each row's last activity ("Not sent"), the folder counts (whose Unread count
# is the header badge's).
BUYER_INBOX_QUERIES = 6
SELLER_INBOX_QUERIES = 7  # + the seller's restrictions in force or to come
# + the messages' attachments, + whether the seller is blocked, + the reader's evidence export,
# + the buyer's reports of the thread's messages
BUYER_THREAD_QUERIES = 12
# + the seller's saved replies for the reply box, + the buyer's other orders from the seller
# and other conversations with them (tests/messaging/threads/test_history.py), + the team's
# notes in the thread and the people it can be assigned to (tests/messaging/team)
SELLER_THREAD_QUERIES = 15


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def side(thread, user) -> Participant:
    return Participant.objects.get(thread=thread, user=user)


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def snapshot() -> tuple[list, list, list]:
    """Everything a messaging request could write, to prove a refused one wrote nothing."""
    return (
        list(Thread.objects.order_by("id").values()),
        list(Participant.objects.order_by("id").values()),
        list(Message.objects.order_by("id").values()),
    )


def flashes(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Inbox pages


def test_buyer_inbox_lists_conversations_with_folder_tabs(buyer_client, buyer, seller):
    first, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?", now=at(0))
    second, _ = thread_with_message(buyer=buyer, seller=seller, body="Invoice?", now=at(1))
    services.message_send(thread=first, sender=seller, body="Shipped today.", now=at(2))

    response = buyer_client.get("/messages/")

    assert response.status_code == 200
    assert response.templates[0].name == "messaging/inbox.html"
    assert response.context["folder"] == "inbox"
    assert [p.thread_id for p in response.context["page"].items] == [first.id, second.id]
    assert response.context["tabs"] == [
        {"folder": "inbox", "label": "Inbox", "count": 2, "more": False},
        {"folder": "unread", "label": "Unread", "count": 1, "more": False},
        {"folder": "archived", "label": "Archived", "count": 0, "more": False},
        {"folder": "trash", "label": "Trash", "count": 0, "more": False},
    ]
    html = response.content.decode()
    assert "<h1>Your messages</h1>" in html
    assert "Shipped today." in html
    assert "You: Invoice?" in html


def test_buyer_inbox_opens_the_requested_folder(buyer_client, buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, now=at(0))
    archived, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    services.thread_archive(participant=side(archived, buyer))

    response = buyer_client.get("/messages/", {"folder": "archived"})

    assert response.status_code == 200
    assert response.context["folder"] == "archived"
    assert [p.thread_id for p in response.context["page"].items] == [archived.id]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"folder": "needs_response"}, "Unknown folder 'needs_response'."),
        ({"cursor": "garbage"}, "This page link is not valid; start from the first page."),
    ],
)
def test_buyer_inbox_with_bad_folder_or_cursor_redirects_with_an_error(
    buyer_client, buyer, query, error
):
    response = buyer_client.get("/messages/", query, follow=True)

    assert response.redirect_chain == [("/messages/", 302)]
    assert flashes(response) == [error]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"folder": "all"}, "Carpeta desconocida: «all»."),
        (
            {"cursor": "garbage"},
            "Este enlace de página no es válido; empieza desde la primera página.",
        ),
    ],
)
def test_a_bad_folder_or_cursor_is_explained_in_the_readers_language(
    buyer_client, buyer, query, error
):
    buyer.language = "es"
    buyer.save(update_fields=["language"])

    response = buyer_client.get("/messages/", query, follow=True)

    assert response.redirect_chain == [("/messages/", 302)]
    assert flashes(response) == [error]


def test_seller_inbox_opens_on_needs_response_with_tab_counts(seller_client, buyer, seller):
    waiting, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    answered, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    later, _ = thread_with_message(buyer=buyer, seller=seller, now=at(2))
    services.message_send(thread=answered, sender=seller, body="Done.", now=at(3))

    response = seller_client.get("/seller/")

    assert response.status_code == 200
    assert response.templates[0].name == "seller/inbox.html"
    assert response.context["folder"] == "needs_response"
    assert [p.thread_id for p in response.context["page"].items] == [waiting.id, later.id]
    assert response.context["tabs"] == [
        {"folder": "needs_response", "label": "Needs response", "count": 2, "more": False},
        {"folder": "unread", "label": "Unread", "count": 2, "more": False},
        {"folder": "sent", "label": "Sent", "count": 1, "more": False},
        {"folder": "archived", "label": "Archived", "count": 0, "more": False},
        {"folder": "all", "label": "All", "count": 3, "more": False},
        {"folder": "trash", "label": "Trash", "count": 0, "more": False},
    ]
    html = response.content.decode()
    assert (
        '<a href="?folder=needs_response" aria-current="page" class="current">'
        'Needs response <span class="count">2</span></a>'
    ) in html
    assert '<a href="?folder=sent" >Sent <span class="count">1</span></a>' in html


def test_seller_inbox_tabs_show_a_capped_count_with_a_plus(
    seller_client, buyer, seller, monkeypatch
):
    monkeypatch.setattr(selectors, "FOLDER_COUNT_CAP", 2)
    for hour in range(3):
        thread_with_message(buyer=buyer, seller=seller, now=at(hour))

    response = seller_client.get("/seller/")

    assert response.context["tabs"][0] == {
        "folder": "needs_response",
        "label": "Needs response",
        "count": 2,
        "more": True,
    }
    assert response.context["tabs"][2]["count"] == 0
    assert (
        'Needs response <span class="count">2+<span class="visually-hidden"> or more</span>'
        "</span></a>"
    ) in response.content.decode()


def test_seller_inbox_with_nothing_waiting_says_so(seller_client):
    response = seller_client.get("/seller/")

    assert response.status_code == 200
    assert "Nothing needs a response. Well done." in response.content.decode()


def test_seller_visiting_buyer_inbox_is_redirected_to_seller_inbox(seller_client):
    response = seller_client.get("/messages/")

    assert (response.status_code, response["Location"]) == (302, "/seller/")


def test_buyer_visiting_seller_inbox_is_redirected_to_their_messages(buyer_client):
    response = buyer_client.get("/seller/")

    assert (response.status_code, response["Location"]) == (302, "/messages/")


@pytest.mark.parametrize(
    "path",
    [
        "/messages/",
        "/seller/",
        "/messages/{thread}/",
        "/seller/messages/{thread}/",
        "/orders/{order}/contact/",
        "/products/{product}/ask/",
    ],
)
def test_anonymous_visitor_is_redirected_to_login(client, buyer, seller, path):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    url = path.format(thread=thread.id, order=thread.order.number, product=ProductFactory().id)

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_anonymous_post_is_redirected_to_login_and_changes_nothing(client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    reply = client.post(f"/messages/{thread.id}/", {"body": "Hi"})
    action = client.post(f"/messages/{thread.id}/archive/")

    assert (reply.status_code, action.status_code) == (302, 302)
    assert reply["Location"] == f"/accounts/login/?next=/messages/{thread.id}/"
    assert snapshot() == before


# Thread pages


def test_buyer_thread_page_shows_the_conversation_and_marks_it_read(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?", now=at(0))
    services.message_send(thread=thread, sender=seller, body="On its way.", now=at(1))
    assert side(thread, buyer).unread_count == 1

    response = buyer_client.get(f"/messages/{thread.id}/")

    assert response.status_code == 200
    # The page (its list of messages is rendered first, to be cached as one).
    assert "messaging/thread.html" in [template.name for template in response.templates]
    assert [m.body for m in response.context["thread_messages"]] == [
        "Where is it?",
        "On its way.",
    ]
    html = response.content.decode()
    assert "<h1>Sam&#x27;s Shop <small>Shipping</small></h1>" in html
    assert f"Order {thread.order.number}" in html
    buyer_side = side(thread, buyer)
    assert buyer_side.unread_count == 0
    assert buyer_side.last_read_at is not None
    assert side(thread, seller).unread_count == 0


def test_seller_thread_page_shows_the_waiting_buyer_and_marks_it_read(seller_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is it?")

    response = seller_client.get(f"/seller/messages/{thread.id}/")

    assert response.status_code == 200
    # The page (its list of messages is rendered first, to be cached as one).
    assert "seller/thread.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert "<h1>Alex Buyer <small>Shipping</small></h1>" in html
    assert "The buyer wrote just now and is waiting for your reply." in html
    assert "Where is it?" in html
    seller_side = side(thread, seller)
    assert seller_side.unread_count == 0
    assert seller_side.needs_response_since is not None


def test_seller_opening_buyer_thread_url_is_redirected_to_seller_url(seller_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = seller_client.get(f"/messages/{thread.id}/")

    assert (response.status_code, response["Location"]) == (302, f"/seller/messages/{thread.id}/")
    assert side(thread, seller).unread_count == 1


def test_buyer_opening_seller_thread_url_is_redirected_to_buyer_url(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_client.get(f"/seller/messages/{thread.id}/")

    assert (response.status_code, response["Location"]) == (302, f"/messages/{thread.id}/")


def test_blocked_message_page_shows_it_to_its_sender_only(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    Message.objects.create(
        thread=thread,
        sender=buyer,
        sender_role=ParticipantRole.BUYER,
        status="blocked",
        body="Mail me at me@example.org",
        created_at=at(1),
    )

    buyer_html = logged_in(buyer).get(f"/messages/{thread.id}/").content.decode()
    seller_html = logged_in(seller).get(f"/seller/messages/{thread.id}/").content.decode()

    assert "Mail me at me@example.org" in buyer_html
    assert "Not delivered: this message breaks the messaging policy." in buyer_html
    assert "Mail me at me@example.org" not in seller_html


def test_buyer_reply_is_sent_and_redirects_to_the_latest_message(buyer_client, buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_client.post(f"/messages/{thread.id}/", {"body": "  Any news?  "})

    assert (response.status_code, response["Location"]) == (302, f"/messages/{thread.id}/#latest")
    assert list(Message.objects.filter(thread=thread).values_list("body", "sender_id")) == [
        (first.body, buyer.id),
        ("Any news?", buyer.id),
    ]
    assert side(thread, seller).unread_count == 2


def test_seller_reply_is_sent_and_clears_needs_response(seller_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = seller_client.post(f"/seller/messages/{thread.id}/", {"body": "Shipped."})

    assert (response.status_code, response["Location"]) == (
        302,
        f"/seller/messages/{thread.id}/#latest",
    )
    assert Message.objects.filter(thread=thread, sender=seller).count() == 1
    assert side(thread, seller).needs_response_since is None
    assert side(thread, buyer).unread_count == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a message first."),
        ("   \n  ", "Write a message first."),
        ("x" * 5001, "A message can have at most 5,000 characters (this one has 5,001)."),
    ],
    ids=["empty", "whitespace", "too-long"],
)
def test_bad_reply_shows_a_form_error_and_writes_nothing(buyer_client, buyer, seller, body, error):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_client.post(f"/messages/{thread.id}/", {"body": body})

    assert response.status_code == 400
    assert response.context["form"].errors == {"body": [error]}
    assert '<div class="errors" role="alert">' in response.content.decode()
    assert snapshot() == before


def test_reply_of_exactly_5000_characters_is_sent(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_client.post(f"/messages/{thread.id}/", {"body": "y" * 5000})

    assert response.status_code == 302
    assert len(Message.objects.filter(thread=thread).last().body) == 5000


def test_reply_of_5000_characters_with_browser_line_breaks_is_sent(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    body = "\r\n".join(["y" * 499] * 10) + "y"  # 5000 characters once CRLF becomes LF

    response = buyer_client.post(f"/messages/{thread.id}/", {"body": body})

    assert response.status_code == 302
    assert len(Message.objects.filter(thread=thread).last().body) == 5000


def test_rate_limited_reply_shows_the_error_and_writes_nothing(
    buyer_client, buyer, seller, settings
):
    settings.MESSAGE_SEND_RATE = "1/3600"
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_client.post(f"/messages/{thread.id}/", {"body": "Again"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()[0].startswith("Too many messages.")
    assert snapshot() == before


# Thread actions


@pytest.mark.parametrize(
    ("action", "location", "flash", "state"),
    [
        ("read", "/seller/messages/{id}/", "Marked as read.", {"unread_count": 0}),
        ("unread", "/seller/", "Marked as unread.", {"unread_count": 1}),
        ("archive", "/seller/", "Conversation archived.", {"is_archived": True}),
        (
            "unarchive",
            "/seller/messages/{id}/",
            "Conversation moved to the inbox.",
            {"is_archived": False},
        ),
        (
            "delete",
            "/seller/",
            "Conversation moved to Trash. It will be removed for good on Apr 2, 2025.",
            {"is_deleted": True, "trashed_at": at(1)},
        ),
        (
            "no-response-needed",
            "/seller/messages/{id}/",
            "Marked as needing no response.",
            {"needs_response_since": None},
        ),
    ],
)
def test_seller_thread_action_changes_only_the_seller_side(
    seller_client, buyer, seller, action, location, flash, state, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: at(1))
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    seller_side = side(thread, seller)
    if action == "unread":
        services.thread_mark_read(participant=seller_side)
    if action == "unarchive":
        services.thread_archive(participant=seller_side)
    buyer_before = Participant.objects.filter(thread=thread, user=buyer).values().get()

    response = seller_client.post(f"/messages/{thread.id}/{action}/", follow=False)

    assert (response.status_code, response["Location"]) == (302, location.format(id=thread.id))
    assert flashes(seller_client.get("/seller/", {"folder": "all"})) == [flash]
    after = Participant.objects.filter(thread=thread, user=seller).values(*state).get()
    assert after == state
    assert Participant.objects.filter(thread=thread, user=buyer).values().get() == buyer_before


@pytest.mark.parametrize(
    ("action", "location", "state"),
    [
        ("read", "/messages/{id}/", {"unread_count": 0}),
        ("unread", "/messages/", {"unread_count": 1}),
        ("archive", "/messages/", {"is_archived": True}),
        ("delete", "/messages/", {"is_deleted": True}),
    ],
)
def test_buyer_thread_action_redirects_to_buyer_pages(
    buyer_client, buyer, seller, action, location, state
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.message_send(thread=thread, sender=seller, body="Hi", now=at(1))
    if action == "unread":
        services.thread_mark_read(participant=side(thread, buyer))

    response = buyer_client.post(f"/messages/{thread.id}/{action}/")

    assert (response.status_code, response["Location"]) == (302, location.format(id=thread.id))
    assert Participant.objects.filter(thread=thread, user=buyer).values(*state).get() == state


def test_buyer_cannot_mark_no_response_needed_and_sees_why(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_client.post(f"/messages/{thread.id}/no-response-needed/", follow=True)

    assert response.redirect_chain == [(f"/messages/{thread.id}/", 302)]
    assert flashes(response) == ["Only the seller can mark a thread this way."]
    assert snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_thread_action_by_get_is_not_allowed(buyer_client, buyer, seller, action):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_client.get(f"/messages/{thread.id}/{action}/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert snapshot() == before


def test_unknown_thread_action_is_not_found(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_client.post(f"/messages/{thread.id}/forward/")

    assert response.status_code == 404
    assert snapshot() == before


# Starting conversations


def test_start_page_for_an_order_offers_the_topics(buyer_client, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    OrderItemFactory(order=order, title="Blue mug", quantity=2)

    response = buyer_client.get(f"/orders/{order.number}/contact/", {"topic": "invoice"})

    assert response.status_code == 200
    assert response.context["existing"] is None
    html = response.content.decode()
    assert "<h1>Contact Sam&#x27;s Shop</h1>" in html
    assert "2 × Blue mug" in html
    assert '<input type="radio" name="topic" value="invoice" required checked>' in html


def test_start_page_points_to_the_existing_conversation(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_client.get(f"/orders/{thread.order.number}/contact/")

    assert response.status_code == 200
    assert response.context["existing"].id == thread.id
    assert f'href="/messages/{thread.id}/"' in response.content.decode()


def test_start_post_opens_a_thread_and_redirects_to_it(buyer_client, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = buyer_client.post(
        f"/orders/{order.number}/contact/", {"topic": "return_refund", "body": "Wrong size."}
    )

    thread = Thread.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/messages/{thread.id}/")
    assert (thread.order_id, thread.topic, thread.buyer_id, thread.seller_id) == (
        order.id,
        "return_refund",
        buyer.id,
        seller.id,
    )
    assert list(Message.objects.values_list("body", flat=True)) == ["Wrong size."]


def test_seller_contact_page_sends_them_to_their_order_page(seller_client, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = seller_client.post(
        f"/orders/{order.number}/contact/", {"topic": "shipping", "body": "Shipping tomorrow."}
    )

    assert (response.status_code, response["Location"]) == (302, f"/seller/orders/{order.number}/")
    assert Thread.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"topic": "gossip", "body": "Hi"},
            {"topic": ["Select a valid choice. gossip is not one of the available choices."]},
        ),
        ({"body": "Hi"}, {"topic": ["This field is required."]}),
        ({"topic": "shipping", "body": "  "}, {"body": ["Write a message first."]}),
    ],
    ids=["bad-topic", "no-topic", "blank-body"],
)
def test_start_post_with_bad_input_shows_errors_and_writes_nothing(
    buyer_client, buyer, seller, data, errors
):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = buyer_client.post(f"/orders/{order.number}/contact/", data)

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert snapshot() == ([], [], [])


def test_product_question_page_and_post(buyer_client, buyer):
    product = ProductFactory(title="Rain jacket", seller__seller_profile__shop_name="Outdoors")

    page = buyer_client.get(f"/products/{product.id}/ask/")
    response = buyer_client.post(f"/products/{product.id}/ask/", {"body": "Is it waterproof?"})

    assert page.status_code == 200
    assert "<h1>Ask about Rain jacket</h1>" in page.content.decode()
    assert "Sold by Outdoors" in page.content.decode()
    thread = Thread.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/messages/{thread.id}/")
    assert (thread.kind, thread.product_id, thread.topic) == (
        "product_question",
        product.id,
        "product_question",
    )
    assert list(Message.objects.values_list("body", flat=True)) == ["Is it waterproof?"]


def test_seller_asking_about_own_product_gets_a_form_error(seller_client, seller):
    product = ProductFactory(seller=seller)

    response = seller_client.post(f"/products/{product.id}/ask/", {"body": "Hello me"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "You cannot ask a question about your own product."
    ]
    assert snapshot() == ([], [], [])


def test_inactive_or_missing_product_question_page_is_not_found(buyer_client):
    inactive = ProductFactory(is_active=False)

    assert buyer_client.get(f"/products/{inactive.id}/ask/").status_code == 404
    assert buyer_client.post(f"/products/{inactive.id}/ask/", {"body": "Hi"}).status_code == 404
    assert buyer_client.get(f"/products/{inactive.id + 1}/ask/").status_code == 404
    assert snapshot() == ([], [], [])


# CSRF


def test_post_without_csrf_token_is_refused_and_changes_nothing(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    services.message_send(thread=thread, sender=seller, body="Hi")
    order = OrderFactory(buyer=buyer, seller=seller)
    client = logged_in(buyer, enforce_csrf_checks=True)
    before = snapshot()

    responses = [
        client.post(f"/messages/{thread.id}/", {"body": "Forged"}),
        *(client.post(f"/messages/{thread.id}/{action}/") for action in ACTIONS),
        client.post(f"/orders/{order.number}/contact/", {"topic": "other", "body": "Forged"}),
        client.post(f"/products/{ProductFactory().id}/ask/", {"body": "Forged"}),
    ]

    assert [r.status_code for r in responses] == [403] * 9
    assert snapshot() == before


def test_post_with_csrf_token_is_accepted(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(buyer, enforce_csrf_checks=True)
    client.get(f"/messages/{thread.id}/")
    token = client.cookies["csrftoken"].value

    response = client.post(
        f"/messages/{thread.id}/", {"body": "Real", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert Message.objects.filter(thread=thread).count() == 2


# Authorization: strangers get a uniform 404 and change nothing


@pytest.fixture(params=["other-buyer", "other-seller"])
def stranger(request, db):
    return BuyerFactory() if request.param == "other-buyer" else SellerFactory()


def test_stranger_gets_404_on_every_thread_page_and_nothing_changes(buyer, seller, stranger):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(stranger)
    before = snapshot()

    responses = {
        "buyer page": client.get(f"/messages/{thread.id}/"),
        "seller page": client.get(f"/seller/messages/{thread.id}/"),
        "buyer reply": client.post(f"/messages/{thread.id}/", {"body": "Let me in"}),
        "seller reply": client.post(f"/seller/messages/{thread.id}/", {"body": "Let me in"}),
        **{action: client.post(f"/messages/{thread.id}/{action}/") for action in ACTIONS},
    }

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 404)
    assert snapshot() == before


def test_missing_thread_is_the_same_404_as_a_foreign_one(buyer_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    missing = buyer_client.get(f"/messages/{thread.id + 1000}/")
    missing_action = buyer_client.post(f"/messages/{thread.id + 1000}/archive/")

    assert (missing.status_code, missing_action.status_code) == (404, 404)


def test_stranger_gets_404_on_order_and_start_pages_and_nothing_changes(buyer, seller, stranger):
    order = OrderFactory(buyer=buyer, seller=seller)
    thread_with_message(order=order)
    client = logged_in(stranger)
    before = snapshot()

    responses = [
        client.get(f"/orders/{order.number}/"),
        client.get(f"/orders/{order.number}/contact/"),
        client.post(f"/orders/{order.number}/contact/", {"topic": "other", "body": "Hi"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert snapshot() == before


# Query budgets: the count is pinned and must not grow with the number of rows


def test_buyer_inbox_query_count_does_not_grow_with_threads(
    buyer_client, buyer, django_assert_num_queries
):
    def add_threads(count: int) -> None:
        for _ in range(count):
            thread, _ = thread_with_message(buyer=buyer)
            services.message_send(thread=thread, sender=thread.seller, body="Reply")
        services.thread_start(sender=buyer, product=ProductFactory(), topic="other", body="Q?")

    add_threads(3)
    with django_assert_num_queries(BUYER_INBOX_QUERIES):
        assert buyer_client.get("/messages/").status_code == 200

    add_threads(10)
    with django_assert_num_queries(BUYER_INBOX_QUERIES):
        response = buyer_client.get("/messages/")
    assert len(response.context["page"].items) == 13 + 2


def test_seller_inbox_query_count_does_not_grow_with_threads(
    seller_client, seller, django_assert_num_queries
):
    def add_threads(count: int) -> None:
        for _ in range(count):
            thread_with_message(seller=seller)
        product = ProductFactory(seller=seller)
        services.thread_start(sender=BuyerFactory(), product=product, topic="other", body="Q?")

    add_threads(3)
    with django_assert_num_queries(SELLER_INBOX_QUERIES):
        assert seller_client.get("/seller/").status_code == 200

    add_threads(10)
    with django_assert_num_queries(SELLER_INBOX_QUERIES):
        response = seller_client.get("/seller/")
    assert len(response.context["page"].items) == 13 + 2


def _add_messages(thread, buyer, seller, count: int) -> None:
    """Add messages from both sides, ending with the buyer, plus one blocked message each."""
    for index in range(count):
        sender = seller if index % 2 else buyer
        services.message_send(thread=thread, sender=sender, body=f"Message {index}")
    for sender, role in [(buyer, "buyer"), (seller, "seller")]:
        Message.objects.create(
            thread=thread, sender=sender, sender_role=role, status="blocked", body="x@y.z"
        )
    services.message_send(thread=thread, sender=buyer, body="Last from the buyer")


def _add_seller_messages(thread, buyer, seller, count: int) -> None:
    for index in range(count):
        sender = buyer if index % 2 else seller
        services.message_send(thread=thread, sender=sender, body=f"Message {index}")
    services.message_send(thread=thread, sender=seller, body="Last from the seller")


def test_buyer_thread_page_query_count_does_not_grow_with_messages(
    buyer_client, buyer, seller, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    order = OrderFactory(buyer=buyer, seller=seller)
    OrderItemFactory.create_batch(2, order=order)
    thread, _ = thread_with_message(order=order)
    _add_seller_messages(thread, buyer, seller, 2)

    with django_assert_num_queries(BUYER_THREAD_QUERIES):
        assert buyer_client.get(f"/messages/{thread.id}/").status_code == 200

    _add_seller_messages(thread, buyer, seller, 10)
    OrderItemFactory.create_batch(5, order=order)
    with django_assert_num_queries(BUYER_THREAD_QUERIES):
        response = buyer_client.get(f"/messages/{thread.id}/")
    assert len(response.context["thread_messages"]) == 1 + 3 + 11


def test_seller_thread_page_query_count_does_not_grow_with_messages(
    seller_client, buyer, seller, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    order = OrderFactory(buyer=buyer, seller=seller)
    OrderItemFactory.create_batch(2, order=order)
    thread, _ = thread_with_message(order=order)
    _add_messages(thread, buyer, seller, 2)

    with django_assert_num_queries(SELLER_THREAD_QUERIES):
        assert seller_client.get(f"/seller/messages/{thread.id}/").status_code == 200

    _add_messages(thread, buyer, seller, 10)
    OrderItemFactory.create_batch(5, order=order)
    with django_assert_num_queries(SELLER_THREAD_QUERIES):
        response = seller_client.get(f"/seller/messages/{thread.id}/")
    # The seller sees their own two blocked messages, never the buyer's.
    assert len(response.context["thread_messages"]) == 1 + (2 + 1 + 1) + (10 + 1 + 1)
