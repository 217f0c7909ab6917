"""The inbox people work in every day: bulk actions, live thread updates, unblocking,
the expected reply time, links between orders and conversations, and query budgets."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.errors import ApplicationError, NotFound
from messaging.models import Message, Obligation, Participant, SellerBlock, Thread
from messaging.rules.services import thread_block_seller
from messaging.threads.services import message_send, thread_bulk_update
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, OrderItemFactory, ProductFactory

pytestmark = pytest.mark.django_db

# session, user, the page's rows, their threads (by id), the reader's own blocked messages
# after each row's last activity ("Not sent"), the tab counts (whose Unread count is the header
# badge's)
INBOX_QUERIES = 6
SELLER_INBOX_QUERIES = INBOX_QUERIES + 1  # + the seller's restrictions in force or to come
# session, user: an unchanged page again comes from the cache (messaging/threads/inbox_page.py)
WARM_INBOX_QUERIES = 2
# session, user, orders (with their conversation's id), their items, the header badge
BUYER_ORDERS_QUERIES = 5
SELLER_ORDERS_QUERIES = 5  # no items listed; + the seller's restriction in force, if any
# session, user, participant, messages, their attachments, marking read, the buyer's reports
UPDATES_QUERIES = 8


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def side(thread: Thread, user) -> Participant:
    return Participant.objects.get(thread=thread, user=user)


def snapshot() -> tuple[list, list, list, list]:
    return (
        list(Thread.objects.order_by("id").values()),
        list(Participant.objects.order_by("id").values()),
        list(Message.objects.order_by("id").values()),
        list(Obligation.objects.order_by("id").values()),
    )


def flashes(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Bulk actions


def test_bulk_archive_applies_to_the_ticked_threads_and_returns_to_the_folder(seller):
    first, _ = thread_with_message(seller=seller)
    second, _ = thread_with_message(seller=seller)
    untouched, _ = thread_with_message(seller=seller)

    response = logged_in(seller).post(
        "/messages/bulk/",
        {"action": "archive", "thread": [first.pk, second.pk], "folder": "needs_response"},
        follow=True,
    )

    assert response.redirect_chain == [("/seller/?folder=needs_response", 302)]
    assert flashes(response) == ["2 conversations archived."]
    archived = set(
        Participant.objects.filter(user=seller, is_archived=True).values_list(
            "thread_id", flat=True
        )
    )
    assert archived == {first.pk, second.pk}
    assert side(untouched, seller).is_archived is False
    # The buyers' side of the same threads is not touched.
    assert Participant.objects.filter(role="buyer", is_archived=True).count() == 0


def test_bulk_with_one_foreign_thread_is_a_404_and_changes_nothing(seller):
    mine, _ = thread_with_message(seller=seller)
    foreign, _ = thread_with_message(seller=SellerFactory())
    before = snapshot()

    for action in ("read", "archive", "no-response-needed"):
        response = logged_in(seller).post(
            "/messages/bulk/", {"action": action, "thread": [mine.pk, foreign.pk]}
        )
        assert response.status_code == 404
    missing = logged_in(seller).post(
        "/messages/bulk/", {"action": "archive", "thread": [mine.pk, 987654321]}
    )

    assert missing.status_code == 404
    assert snapshot() == before


def test_bulk_service_refuses_the_lot_when_one_id_is_not_the_users(seller):
    mine, _ = thread_with_message(seller=seller)
    foreign, _ = thread_with_message(seller=SellerFactory())
    before = snapshot()

    with pytest.raises(NotFound):
        thread_bulk_update(user=seller, thread_ids=[mine.pk, foreign.pk], action="archive")

    assert snapshot() == before


def test_bulk_no_response_needed_closes_the_obligations_as_excluded(seller):
    first, _ = thread_with_message(seller=seller)
    message_send(thread=first, sender=first.buyer, body="And one more thing.")
    second, _ = thread_with_message(seller=seller)
    other, _ = thread_with_message(seller=seller)

    response = logged_in(seller).post(
        "/messages/bulk/",
        {"action": "no-response-needed", "thread": [first.pk, second.pk]},
        follow=True,
    )

    assert flashes(response) == ["2 conversations marked as needing no response."]
    assert side(first, seller).needs_response_since is None
    assert side(second, seller).needs_response_since is None
    assert side(other, seller).needs_response_since is not None
    outcomes = sorted(Obligation.objects.values_list("thread_id", "outcome"))
    assert outcomes == sorted(
        [
            (first.pk, "excluded"),
            (first.pk, "excluded"),
            (second.pk, "excluded"),
            (other.pk, "open"),
        ]
    )


def test_bulk_mark_read_clears_unread_of_the_ticked_threads_only(buyer, seller):
    read, _ = thread_with_message(buyer=buyer, seller=seller)
    kept, _ = thread_with_message(buyer=buyer, seller=seller)

    response = logged_in(seller).post(
        "/messages/bulk/", {"action": "read", "thread": [read.pk]}, follow=True
    )

    assert flashes(response) == ["1 conversation marked as read."]
    assert side(read, seller).unread_count == 0
    assert side(kept, seller).unread_count == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "archive"}, "Select at least one conversation first."),
        ({"action": "explode", "thread": ["THREAD"]}, "Pick what to do with the conversations."),
        ({"thread": ["THREAD"]}, "Pick what to do with the conversations."),
    ],
)
def test_bulk_without_a_selection_or_an_action_says_so_and_changes_nothing(seller, data, error):
    thread, _ = thread_with_message(seller=seller)
    data = {
        k: [thread.pk if v == "THREAD" else v for v in v] if isinstance(v, list) else v
        for k, v in data.items()
    }
    before = snapshot()

    response = logged_in(seller).post("/messages/bulk/", data, follow=True)

    assert response.redirect_chain == [("/seller/", 302)]
    assert flashes(response) == [error]
    assert snapshot() == before


def test_buyer_cannot_bulk_mark_no_response_needed(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = logged_in(buyer).post(
        "/messages/bulk/",
        {"action": "no-response-needed", "thread": [thread.pk], "folder": "unread"},
        follow=True,
    )

    assert response.redirect_chain == [("/messages/?folder=unread", 302)]
    assert flashes(response) == ["Only the seller can mark a thread this way."]
    assert snapshot() == before


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999999"])
def test_bulk_with_an_id_that_is_not_a_number_is_a_404(seller, value):
    thread, _ = thread_with_message(seller=seller)
    before = snapshot()

    response = logged_in(seller).post(
        "/messages/bulk/", {"action": "archive", "thread": [thread.pk, value]}
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_bulk_refuses_more_than_a_page_of_threads(seller):
    with pytest.raises(ApplicationError) as raised:
        thread_bulk_update(user=seller, thread_ids=list(range(1, 102)), action="read")
    assert raised.value.code == "too_many"


# Live updates of an open conversation


def test_updates_return_the_new_messages_rendered_and_mark_the_thread_read(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    reply = message_send(thread=thread, sender=seller, body="Shipped <today>.")
    assert side(thread, buyer).unread_count == 1

    response = logged_in(buyer).get(f"/messages/{thread.pk}/updates/", {"after": first.pk})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert [m["id"] for m in data["messages"]] == [reply.pk]
    assert data["last_id"] == reply.pk
    item = data["messages"][0]
    assert item["mine"] is False
    assert item["announce"] == f"New message from {seller.public_name}: Shipped <today>."
    assert item["html"].lstrip().startswith(f'<li class="message theirs" id="m{reply.pk}">')
    assert "Shipped &lt;today&gt;." in item["html"]
    assert "Report this message" in item["html"]
    assert side(thread, buyer).unread_count == 0


def test_updates_with_nothing_new_return_nothing_and_leave_unread_alone(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    reply = message_send(thread=thread, sender=seller, body="Shipped.")

    response = logged_in(buyer).get(f"/messages/{thread.pk}/updates/", {"after": reply.pk})

    assert response.json() == {"messages": [], "last_id": reply.pk, "after": str(reply.pk)}
    assert side(thread, buyer).unread_count == 1


def test_updates_never_show_the_other_sides_blocked_message(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    blocked = message_send(thread=thread, sender=seller, body="Mail me at shop@example.com")
    assert blocked.status == "blocked"

    buyer_sees = logged_in(buyer).get(f"/messages/{thread.pk}/updates/", {"after": first.pk}).json()
    seller_sees = (
        logged_in(seller).get(f"/seller/messages/{thread.pk}/", {}).context["last_message_id"]
    )

    assert buyer_sees == {"messages": [], "last_id": first.pk, "after": str(first.pk)}
    assert seller_sees == blocked.pk


def test_updates_are_a_404_for_anyone_but_the_participants(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    message_send(thread=thread, sender=seller, body="Shipped.")
    before = snapshot()

    responses = [
        logged_in(user).get(f"/messages/{thread.pk}/updates/", {"after": 0})
        for user in (BuyerFactory(), SellerFactory())
    ]
    missing = logged_in(buyer).get("/messages/987654321/updates/", {"after": 0})

    assert [r.status_code for r in responses] == [404, 404]
    assert missing.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("after", ["", "abc", "-5", str(2**63)])
def test_updates_with_a_bad_after_id_answer_a_json_error(buyer, seller, after):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = logged_in(buyer).get(f"/messages/{thread.pk}/updates/", {"after": after})

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "code": "invalid_after",
        "detail": "Give the id of the last message shown.",
    }


def test_updates_query_count_does_not_grow_with_messages(
    buyer, seller, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    client = logged_in(buyer)
    message_send(thread=thread, sender=seller, body="One")
    with django_assert_num_queries(UPDATES_QUERIES):
        assert (
            len(
                client.get(f"/messages/{thread.pk}/updates/", {"after": first.pk}).json()[
                    "messages"
                ]
            )
            == 1
        )

    for index in range(30):
        message_send(thread=thread, sender=seller, body=f"Reply {index}")
    with django_assert_num_queries(UPDATES_QUERIES):
        assert (
            len(
                client.get(f"/messages/{thread.pk}/updates/", {"after": first.pk}).json()[
                    "messages"
                ]
            )
            == 31
        )


def test_thread_pages_poll_from_the_last_message_shown(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    reply = message_send(thread=thread, sender=seller, body="Shipped.")

    html = logged_in(buyer).get(f"/messages/{thread.pk}/").content.decode()

    assert (
        f'<ol class="messages" id="thread-messages" '
        f'data-updates-url="/messages/{thread.pk}/updates/" data-after="{reply.pk}">'
    ) in html
    assert '<div class="visually-hidden" id="thread-live" role="status" aria-live="polite"' in html
    assert first.pk < reply.pk


# Links between conversations and orders; the no-response explanation


def test_buyer_thread_links_to_the_order_and_seller_thread_to_the_seller_order_page(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    number = thread.order.number

    buyer_html = logged_in(buyer).get(f"/messages/{thread.pk}/").content.decode()
    seller_html = logged_in(seller).get(f"/seller/messages/{thread.pk}/").content.decode()

    assert f'<a href="/orders/{number}/">View the order</a>' in buyer_html
    assert f'<a href="/seller/orders/{number}/">View the order</a>' in seller_html
    assert "No response needed" not in buyer_html


def test_no_response_needed_explains_what_it_does_to_the_metric(seller):
    thread, _ = thread_with_message(seller=seller)

    html = logged_in(seller).get(f"/seller/messages/{thread.pk}/").content.decode()
    inbox = logged_in(seller).get("/seller/").content.decode()

    assert (
        'data-confirm="Mark this conversation as needing no response? The buyer&#x27;s waiting '
        "messages still within their 24 hours will no longer count for or against your "
        "response rate; those already past them still count as not answered. If the buyer "
        'writes again, a new 24 hours start."'
    ) in html
    assert (
        "Closes the waiting messages without a reply: those within their 24 hours stop "
        "counting for or against your response rate; those already past them still count as "
        "not answered."
    ) in html
    assert 'value="no-response-needed" data-confirm="Mark the selected conversations' in inbox
    assert (
        "No response needed: waiting messages within their 24 hours stop counting for or "
        "against your response rate (those already past them still count as not answered)"
    ) in inbox


def test_order_lists_link_to_their_conversations(buyer, seller):
    talked = OrderFactory(buyer=buyer, seller=seller)
    thread, _ = thread_with_message(order=talked)
    quiet = OrderFactory(buyer=buyer, seller=seller)

    buyer_html = logged_in(buyer).get("/orders/").content.decode()
    seller_html = logged_in(seller).get("/seller/orders/").content.decode()

    assert f'<a class="button" href="/messages/{thread.pk}/">View messages</a>' in buyer_html
    assert (
        f'<a class="button" href="/orders/{quiet.number}/contact/">Contact seller</a>' in buyer_html
    )
    assert f'<a href="/seller/messages/{thread.pk}/">Open the conversation</a>' in seller_html
    assert seller_html.count("None yet") == 1


# Unblocking from the preferences page


def test_buyer_unblocks_a_seller_from_the_preferences_page(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    thread_block_seller(participant=side(thread, buyer))
    kept = SellerFactory()
    SellerBlock.objects.create(buyer=buyer, seller=kept)
    client = logged_in(buyer)
    page = client.get("/messages/preferences/").content.decode()

    response = client.post("/messages/preferences/unblock/", {"seller": seller.pk}, follow=True)

    assert f'<input type="hidden" name="seller" value="{seller.pk}">' in page
    assert response.redirect_chain == [("/messages/preferences/", 302)]
    assert flashes(response) == ["Seller unblocked."]
    assert list(SellerBlock.objects.values_list("buyer_id", "seller_id")) == [(buyer.pk, kept.pk)]


def test_unblocking_a_seller_who_is_not_blocked_is_a_404(buyer, seller):
    other_buyer = BuyerFactory()
    SellerBlock.objects.create(buyer=other_buyer, seller=seller)

    responses = [
        logged_in(buyer).post("/messages/preferences/unblock/", {"seller": value})
        for value in (str(seller.pk), "abc", "")
    ]
    as_seller = logged_in(seller).post("/messages/preferences/unblock/", {"seller": seller.pk})

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert as_seller.status_code == 404
    assert SellerBlock.objects.count() == 1


# Expected reply time before a first message


def test_contact_page_says_how_soon_the_seller_usually_replies(buyer, seller):
    now = timezone.now()
    for waited_hours in (2, 4):  # average three hours
        thread, _ = thread_with_message(seller=seller, now=now - timedelta(hours=10))
        message_send(
            thread=thread, sender=seller, body="Done.", now=now - timedelta(hours=10 - waited_hours)
        )
    order = OrderFactory(buyer=buyer, seller=seller)
    product = ProductFactory(seller=seller)

    contact = logged_in(buyer).get(f"/orders/{order.number}/contact/").content.decode()
    ask = logged_in(buyer).get(f"/products/{product.pk}/ask/").content.decode()

    expected = (
        f'<p class="reply-expectation">{seller.public_name} usually replies within 3 hours.</p>'
    )
    assert expected.replace("'", "&#x27;") in contact
    assert expected.replace("'", "&#x27;") in ask


def test_contact_page_without_reply_history_states_the_24_hour_rule(buyer):
    seller = SellerFactory(seller_profile__shop_name="Brand New")
    order = OrderFactory(buyer=buyer, seller=seller)

    html = logged_in(buyer).get(f"/orders/{order.number}/contact/").content.decode()

    assert (
        '<p class="reply-expectation">Brand New has no reply history here yet. Sellers are '
        "asked to reply within 24 hours, weekends included.</p>"
    ) in html


def test_a_fast_seller_replies_within_an_hour(buyer, seller):
    now = timezone.now()
    thread, _ = thread_with_message(seller=seller, now=now - timedelta(minutes=30))
    message_send(thread=thread, sender=seller, body="Done.", now=now - timedelta(minutes=20))
    order = OrderFactory(buyer=buyer, seller=seller)

    html = logged_in(buyer).get(f"/orders/{order.number}/contact/").content.decode()

    assert "usually replies within an hour.</p>" in html


# Inbox pages: deadline order, countdown and tick box on every row, query budgets


def test_seller_inbox_lists_the_most_urgent_first_with_a_countdown_and_a_tick_box(seller):
    now = timezone.now()
    # Half a minute of slack so the minutes shown do not depend on how fast the test runs.
    recent, _ = thread_with_message(seller=seller, now=now - timedelta(minutes=60, seconds=-30))
    oldest, _ = thread_with_message(seller=seller, now=now - timedelta(hours=30))
    middle, _ = thread_with_message(seller=seller, now=now - timedelta(hours=20, seconds=-30))

    response = logged_in(seller).get("/seller/")
    html = response.content.decode()

    assert [p.thread_id for p in response.context["page"].items] == [
        oldest.pk,
        middle.pk,
        recent.pk,
    ]
    assert html.count('class="countdown countdown-') == 3
    assert "overdue by 6h 00m" in html and "4h 00m left" in html and "23h 00m left" in html
    for thread in (oldest, middle, recent):
        assert f'<input type="checkbox" name="thread" value="{thread.pk}" class="row-check"' in html
    assert (
        html.index(f'value="{oldest.pk}"')
        < html.index(f'value="{middle.pk}"')
        < html.index(f'value="{recent.pk}"')
    )


def test_header_shows_the_unread_badge_on_every_page(buyer, seller):
    for _ in range(2):
        thread, _ = thread_with_message(buyer=buyer, seller=seller)
        message_send(thread=thread, sender=seller, body="Reply")

    html = logged_in(buyer).get("/products/").content.decode()

    assert (
        '<span class="badge" aria-hidden="true">2</span>'
        '<span class="visually-hidden">(2 unread conversations)</span>'
    ) in html


@pytest.mark.parametrize("count", [1, 30])
def test_buyer_inbox_renders_in_a_constant_number_of_queries(
    buyer, count, django_assert_num_queries
):
    for _ in range(count):
        thread, _ = thread_with_message(buyer=buyer)
        message_send(thread=thread, sender=thread.seller, body="Reply")
    client = logged_in(buyer)

    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get("/messages/")
    with django_assert_num_queries(WARM_INBOX_QUERIES):
        again = client.get("/messages/")

    assert len(response.context["page"].items) == min(count, 25)
    assert again.content.decode().count('name="thread"') == min(count, 25)


@pytest.mark.parametrize("count", [1, 30])
def test_seller_inbox_renders_in_a_constant_number_of_queries(
    seller, count, django_assert_num_queries
):
    for _ in range(count):
        thread_with_message(seller=seller)
    client = logged_in(seller)

    with django_assert_num_queries(SELLER_INBOX_QUERIES):
        response = client.get("/seller/")
    with django_assert_num_queries(WARM_INBOX_QUERIES):
        again = client.get("/seller/")

    assert response.content.decode().count('name="thread"') == min(count, 25)
    assert again.content.decode().count('name="thread"') == min(count, 25)


@pytest.mark.parametrize("count", [1, 30])
def test_order_lists_render_in_a_constant_number_of_queries(
    buyer, seller, count, django_assert_num_queries
):
    for index in range(count):
        order = OrderFactory(buyer=buyer, seller=seller)
        OrderItemFactory.create_batch(2, order=order)
        if index % 2 == 0:
            thread_with_message(order=order)
    buyer_client, seller_client = logged_in(buyer), logged_in(seller)

    with django_assert_num_queries(BUYER_ORDERS_QUERIES):
        buyer_html = buyer_client.get("/orders/").content.decode()
    with django_assert_num_queries(SELLER_ORDERS_QUERIES):
        seller_html = seller_client.get("/seller/orders/").content.decode()

    assert buyer_html.count("View messages") == (count + 1) // 2
    assert seller_html.count("Open the conversation") == (count + 1) // 2
