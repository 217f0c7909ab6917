import types
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_create
from messaging.models import Message, Participant, ParticipantRole, Thread
from messaging.threads import services
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
API = "/api/v1"
STATE_ACTIONS = ["read", "unread", "archive", "unarchive", "no-response-needed"]

# Pinned query counts for an authenticated (force_authenticate) request; must not grow.
THREAD_LIST_QUERIES = 2  # the page's participant rows, then their threads by id
THREAD_DETAIL_QUERIES = 4  # participant, its thread by id, messages, their attachments


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def side(thread, user) -> Participant:
    return Participant.objects.get(thread=thread, user=user)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def snapshot() -> tuple[list, list, list]:
    """Everything the API could write, to prove a refused request wrote nothing."""
    return (
        list(Thread.objects.order_by("id").values()),
        list(Participant.objects.order_by("id").values()),
        list(Message.objects.order_by("id").values()),
    )


def assert_error_shape(body: dict) -> None:
    assert set(body) in ({"code", "detail"}, {"code", "detail", "fields"})
    assert isinstance(body["code"], str)
    assert isinstance(body["detail"], str)


@pytest.fixture
def buyer_api(buyer) -> APIClient:
    return as_user(buyer)


@pytest.fixture
def seller_api(seller) -> APIClient:
    return as_user(seller)


# Thread list


def test_thread_list_returns_my_threads_as_i_see_them(buyer_api, buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, body="Where?", now=at(0))
    reply = services.message_send(thread=thread, sender=seller, body="Shipped.", now=at(1))

    response = buyer_api.get(f"{API}/threads")

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "id": thread.id,
                "kind": "order",
                "topic": "shipping",
                "order_number": thread.order.number,
                "product_id": None,
                "buyer": {"id": buyer.id, "name": "Alex Buyer"},
                "seller": {"id": seller.id, "name": "Sam's Shop"},
                "last_message_at": iso(at(1)),
                "last_message_is_mine": False,
                "snippet": "Shipped.",
                "unread_count": 1,
                "is_archived": False,
                "needs_response_since": None,
                "trashed_at": None,
                "purge_at": None,
                "assignee_id": None,
            }
        ],
        "next_cursor": None,
    }
    assert reply.thread_id == first.thread_id


def test_thread_list_defaults_to_needs_response_for_sellers(seller_api, buyer, seller):
    waiting, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    answered, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    services.message_send(thread=answered, sender=seller, body="Done.", now=at(2))

    response = seller_api.get(f"{API}/threads")

    assert [row["id"] for row in response.json()["results"]] == [waiting.id]
    assert response.json()["results"][0]["needs_response_since"] == iso(at(0))


def test_thread_list_filters_by_folder(seller_api, buyer, seller):
    waiting, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    answered, _ = thread_with_message(buyer=buyer, seller=seller, now=at(1))
    services.message_send(thread=answered, sender=seller, body="Done.", now=at(2))

    sent = seller_api.get(f"{API}/threads", {"folder": "sent"})
    everything = seller_api.get(f"{API}/threads", {"folder": "all"})

    assert [row["id"] for row in sent.json()["results"]] == [answered.id]
    assert [row["id"] for row in everything.json()["results"]] == [answered.id, waiting.id]


def test_thread_list_pages_with_a_cursor(buyer_api, buyer, seller):
    threads = [thread_with_message(buyer=buyer, seller=seller, now=at(h))[0] for h in range(5)]
    newest_first = [thread.id for thread in reversed(threads)]

    pages, cursor = [], None
    for _ in range(3):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = buyer_api.get(f"{API}/threads", params).json()
        pages.append([row["id"] for row in body["results"]])
        cursor = body["next_cursor"]

    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    assert cursor is None


@pytest.mark.parametrize(
    ("limit", "problem"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("101", "Ensure this value is less than or equal to 100."),
        ("ten", "A valid integer is required."),
    ],
)
def test_thread_list_limit_out_of_bounds_is_invalid(buyer_api, limit, problem):
    response = buyer_api.get(f"{API}/threads", {"limit": limit})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_parameter",
        "detail": "Some query parameters are not valid.",
        "fields": {"limit": [problem]},
    }


def test_thread_list_limit_of_100_is_accepted(buyer_api):
    response = buyer_api.get(f"{API}/threads", {"limit": 100})

    assert response.json() == {"results": [], "next_cursor": None}


def test_thread_list_with_bad_folder_or_cursor_is_refused(buyer_api):
    folder = buyer_api.get(f"{API}/threads", {"folder": "needs_response"})
    cursor = buyer_api.get(f"{API}/threads", {"cursor": "garbage"})

    assert (folder.status_code, folder.json()) == (
        400,
        {"code": "invalid_folder", "detail": "Unknown folder 'needs_response'."},
    )
    assert (cursor.status_code, cursor.json()) == (
        400,
        {
            "code": "invalid_cursor",
            "detail": "This page link is not valid; start from the first page.",
        },
    )


# Starting a thread


def test_start_about_an_order_creates_the_thread_and_first_message(buyer_api, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = buyer_api.post(
        f"{API}/threads/start",
        {"order_number": order.number, "topic": "invoice", "body": "  Invoice please.  "},
        format="json",
    )

    thread = Thread.objects.get()
    message = Message.objects.get()
    assert response.status_code == 201
    body = response.json()
    assert (body["thread"]["id"], body["thread"]["order_number"], body["thread"]["topic"]) == (
        thread.id,
        order.number,
        "invoice",
    )
    assert body["message"] == {
        "id": message.id,
        "thread_id": thread.id,
        "sender_role": "buyer",
        "kind": "message",
        "status": "delivered",
        "body": "Invoice please.",
        "created_at": iso(message.created_at),
        "findings": [],
        "attachments": [],
        "author_id": None,
    }
    assert side(thread, seller).unread_count == 1


def test_start_about_a_product_creates_a_question_thread(buyer_api, buyer):
    product = ProductFactory()

    response = buyer_api.post(
        f"{API}/threads/start", {"product_id": product.id, "body": "Waterproof?"}, format="json"
    )

    thread = Thread.objects.get()
    assert response.status_code == 201
    assert response.json()["thread"]["kind"] == "product_question"
    assert (thread.product_id, thread.topic, thread.seller_id) == (
        product.id,
        "product_question",
        product.seller_id,
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        (
            {"order_number": "order", "product_id": "product", "topic": "other", "body": "Hi"},
            {"non_field_errors": ["Give either order_number or product_id."]},
        ),
        ({"body": "Hi"}, {"non_field_errors": ["Give either order_number or product_id."]}),
        ({"order_number": "order", "body": "Hi"}, {"topic": ["This field is required."]}),
        (
            {"order_number": "order", "topic": "gossip", "body": "Hi"},
            {"topic": ['"gossip" is not a valid choice.']},
        ),
    ],
    ids=["both", "neither", "no-topic", "bad-topic"],
)
def test_start_with_invalid_input_is_refused_and_writes_nothing(
    buyer_api, buyer, seller, payload, fields
):
    order = OrderFactory(buyer=buyer, seller=seller)
    product = ProductFactory()
    payload = {
        key: {"order": order.number, "product": product.id}.get(value, value)
        for key, value in payload.items()
    }

    response = buyer_api.post(f"{API}/threads/start", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "The request has invalid fields.",
        "fields": fields,
    }
    assert snapshot() == ([], [], [])


def test_start_without_body_or_files_is_refused_and_writes_nothing(buyer_api, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = buyer_api.post(
        f"{API}/threads/start", {"order_number": order.number, "topic": "other"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "empty_body",
        "detail": "Write a message first.",
        "fields": {"body": ["Write a message first."]},
    }
    assert snapshot() == ([], [], [])


def test_start_with_too_long_body_is_refused_and_writes_nothing(buyer_api, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = buyer_api.post(
        f"{API}/threads/start",
        {"order_number": order.number, "topic": "other", "body": "x" * 5001},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "body_too_long")
    assert snapshot() == ([], [], [])


@pytest.mark.parametrize("body", ["", "  \n\t "])
def test_start_with_empty_body_is_refused(buyer_api, buyer, seller, body):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = buyer_api.post(
        f"{API}/threads/start",
        {"order_number": order.number, "topic": "other", "body": body},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "empty_body",
        "detail": "Write a message first.",
        "fields": {"body": ["Write a message first."]},
    }
    assert snapshot() == ([], [], [])


@pytest.mark.parametrize("whose", ["unknown", "other-buyer", "other-seller"])
def test_start_about_an_unknown_or_foreign_order_is_not_found(buyer, seller, whose):
    order = OrderFactory(buyer=buyer, seller=seller)
    stranger = SellerFactory() if whose == "other-seller" else BuyerFactory()
    number = "999-0000000-0000000" if whose == "unknown" else order.number

    response = as_user(stranger).post(
        f"{API}/threads/start",
        {"order_number": number, "topic": "other", "body": "Hi"},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "No such order."},
    )
    assert snapshot() == ([], [], [])


def test_start_about_an_inactive_product_is_not_found(buyer_api):
    product = ProductFactory(is_active=False)

    response = buyer_api.post(
        f"{API}/threads/start", {"product_id": product.id, "body": "Hi"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "No such product."},
    )
    assert snapshot() == ([], [], [])


# Thread detail


def test_thread_detail_returns_the_thread_and_the_messages_i_may_see(seller_api, buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, body="Where?", now=at(0))
    Message.objects.create(
        thread=thread,
        sender=buyer,
        sender_role=ParticipantRole.BUYER,
        status="blocked",
        body="mail me x@y.z",
        created_at=at(1),
    )

    response = seller_api.get(f"{API}/threads/{thread.id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["unread_count"], body["needs_response_since"]) == (
        thread.id,
        1,
        iso(at(0)),
    )
    assert body["messages"] == [
        {
            "id": first.id,
            "thread_id": thread.id,
            "sender_role": "buyer",
            "kind": "message",
            "status": "delivered",
            "body": "Where?",
            "created_at": iso(at(0)),
            "findings": [],
            "attachments": [],
            "author_id": None,
        }
    ]


def test_thread_detail_shows_a_blocked_message_to_its_sender(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    blocked = Message.objects.create(
        thread=thread,
        sender=buyer,
        sender_role=ParticipantRole.BUYER,
        status="blocked",
        body="mail me x@y.z",
        created_at=at(1),
    )

    messages = buyer_api.get(f"{API}/threads/{thread.id}").json()["messages"]

    assert [(m["id"], m["status"]) for m in messages][-1] == (blocked.id, "blocked")


# Sending messages


def test_send_message_returns_201_with_the_message(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = as_user(seller).post(
        f"{API}/threads/{thread.id}/messages", {"body": "Shipped today."}, format="json"
    )

    message = Message.objects.get(sender=seller)
    assert response.status_code == 201
    assert response.json() == {
        "id": message.id,
        "thread_id": thread.id,
        "sender_role": "seller",
        "kind": "message",
        "status": "delivered",
        "body": "Shipped today.",
        "created_at": iso(message.created_at),
        "findings": [],
        "attachments": [],
        "author_id": None,
    }
    assert side(thread, seller).needs_response_since is None
    assert side(thread, buyer).unread_count == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "",
            {
                "code": "empty_body",
                "detail": "Write a message first.",
                "fields": {"body": ["Write a message first."]},
            },
        ),
        (
            "   \n ",
            {
                "code": "empty_body",
                "detail": "Write a message first.",
                "fields": {"body": ["Write a message first."]},
            },
        ),
        (
            "x" * 5001,
            {
                "code": "body_too_long",
                "detail": "A message can have at most 5,000 characters (this one has 5,001).",
                "fields": {
                    "body": ["A message can have at most 5,000 characters (this one has 5,001)."]
                },
            },
        ),
    ],
    ids=["empty", "whitespace", "too-long"],
)
def test_send_bad_body_is_refused_and_writes_nothing(buyer_api, buyer, seller, body, expected):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_api.post(f"{API}/threads/{thread.id}/messages", {"body": body}, format="json")

    assert (response.status_code, response.json()) == (400, expected)
    assert snapshot() == before


def test_send_message_of_exactly_5000_characters_is_accepted(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_api.post(
        f"{API}/threads/{thread.id}/messages", {"body": "y" * 5000}, format="json"
    )

    assert response.status_code == 201
    assert len(response.json()["body"]) == 5000


@pytest.mark.parametrize(
    "body",
    ["y" * 5000 + "\n\n", "\r\n".join(["y" * 499] * 10) + "y"],
    ids=["trailing-newlines", "crlf-line-breaks"],
)
def test_send_body_of_5000_characters_after_cleaning_is_accepted(buyer_api, buyer, seller, body):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_api.post(f"{API}/threads/{thread.id}/messages", {"body": body}, format="json")

    assert response.status_code == 201
    assert len(response.json()["body"]) == 5000


def test_sending_too_fast_is_rate_limited_with_retry_after(
    buyer_api, buyer, seller, settings, monkeypatch
):
    # A fixed clock for the limiter: 30 s into a 60 s window, so Retry-After is exactly 30.
    monkeypatch.setattr("accounts.ratelimit.time", types.SimpleNamespace(time=lambda: 1_800.0 + 30))
    settings.MESSAGE_SEND_RATE = "2/60"
    order = OrderFactory(buyer=buyer, seller=seller)
    start = buyer_api.post(
        f"{API}/threads/start",
        {"order_number": order.number, "topic": "other", "body": "One"},
        format="json",
    )
    thread_id = start.json()["thread"]["id"]
    second = buyer_api.post(f"{API}/threads/{thread_id}/messages", {"body": "Two"}, format="json")
    before = snapshot()

    third = buyer_api.post(f"{API}/threads/{thread_id}/messages", {"body": "Three"}, format="json")

    assert (start.status_code, second.status_code, third.status_code) == (201, 201, 429)
    assert third["Retry-After"] == "30"
    assert third.json() == {
        "code": "rate_limited",
        "detail": "Too many messages. Try again in 30 seconds.",
        "retry_after": 30,
    }
    assert snapshot() == before
    seller_reply = as_user(seller).post(
        f"{API}/threads/{thread_id}/messages", {"body": "Own allowance"}, format="json"
    )
    assert seller_reply.status_code == 201


# Per-participant state


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("read", {"unread_count": 0}),
        ("unread", {"unread_count": 1}),
        ("archive", {"is_archived": True}),
        ("unarchive", {"is_archived": False}),
        ("no-response-needed", {"needs_response_since": None}),
    ],
)
def test_state_action_changes_my_side_and_returns_the_thread(
    seller_api, buyer, seller, action, expected
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    seller_side = side(thread, seller)
    if action == "unread":
        services.thread_mark_read(participant=seller_side)
    if action == "unarchive":
        services.thread_archive(participant=seller_side)
    buyer_before = Participant.objects.filter(user=buyer).values().get()

    response = seller_api.post(f"{API}/threads/{thread.id}/{action}")

    assert response.status_code == 200
    assert {key: response.json()[key] for key in expected} == expected
    assert response.json()["id"] == thread.id
    assert Participant.objects.filter(user=seller).values(*expected).get() == expected
    assert Participant.objects.filter(user=buyer).values().get() == buyer_before


def test_buyer_cannot_mark_no_response_needed(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_api.post(f"{API}/threads/{thread.id}/no-response-needed")

    assert (response.status_code, response.json()) == (
        400,
        {"code": "not_seller", "detail": "Only the seller can mark a thread this way."},
    )
    assert snapshot() == before


def test_unknown_action_is_not_found(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = buyer_api.post(f"{API}/threads/{thread.id}/forward")

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "detail": "Not found."},
    )
    assert snapshot() == before


def test_wrong_method_is_refused_with_the_error_shape(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    response = buyer_api.put(f"{API}/threads/{thread.id}/messages")

    assert (response.status_code, response.json()) == (
        405,
        {"code": "method_not_allowed", "detail": 'Method "PUT" not allowed.'},
    )


# Authentication


ENDPOINTS = [
    ("get", "/threads"),
    ("post", "/threads/start"),
    ("get", "/threads/{id}"),
    ("delete", "/threads/{id}"),
    ("post", "/threads/{id}/messages"),
    *(("post", f"/threads/{{id}}/{action}") for action in STATE_ACTIONS),
    ("post", "/policy/check"),
]


def test_anonymous_request_is_refused_with_code_not_authenticated(api_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    bodies = [
        getattr(api_client, method)(API + path.format(id=thread.id), {}, format="json").json()
        for method, path in ENDPOINTS
    ]

    expected = {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }
    assert bodies == [expected] * len(ENDPOINTS)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_request_is_refused_and_changes_nothing(api_client, buyer, seller, method, path):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = getattr(api_client, method)(API + path.format(id=thread.id), {}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert_error_shape(response.json())
    assert snapshot() == before


def test_token_authentication_reads_and_writes(api_client, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    _, token = token_create(user=seller, name="Helpdesk")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    listed = api_client.get(f"{API}/threads")
    sent = api_client.post(f"{API}/threads/{thread.id}/messages", {"body": "Hi"}, format="json")

    assert [row["id"] for row in listed.json()["results"]] == [thread.id]
    assert sent.status_code == 201
    assert Message.objects.filter(sender=seller).count() == 1


def test_invalid_token_is_refused(api_client, buyer, seller):
    thread_with_message(buyer=buyer, seller=seller)
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api_client.get(f"{API}/threads")

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."
    assert_error_shape(response.json())


def test_invalid_token_is_refused_with_code_authentication_failed(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api_client.get(f"{API}/threads")

    assert response.json() == {"code": "authentication_failed", "detail": "Invalid token."}


def test_session_post_without_csrf_token_is_refused(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(buyer)
    before = snapshot()

    listed = client.get(f"{API}/threads")
    sent = client.post(f"{API}/threads/{thread.id}/messages", {"body": "Forged"}, format="json")
    deleted = client.delete(f"{API}/threads/{thread.id}")

    assert listed.status_code == 200
    assert (sent.status_code, deleted.status_code) == (403, 403)
    assert sent.json() == {
        "code": "csrf_failed",
        "detail": "CSRF Failed: CSRF cookie not set.",
    }
    assert snapshot() == before


def test_token_post_needs_no_csrf_token(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=seller, name='Script')[1]}")

    response = client.post(f"{API}/threads/{thread.id}/messages", {"body": "Hi"}, format="json")

    assert response.status_code == 201


# Authorization: strangers get a uniform 404 and change nothing


@pytest.fixture(params=["other-buyer", "other-seller"])
def stranger(request, db):
    return BuyerFactory() if request.param == "other-buyer" else SellerFactory()


THREAD_ENDPOINTS = [
    *((method, path) for method, path in ENDPOINTS if "{id}" in path),
    ("post", "/threads/{id}/forward"),
]


@pytest.mark.parametrize(("method", "path"), THREAD_ENDPOINTS)
def test_stranger_gets_404_on_every_thread_endpoint_and_nothing_changes(
    buyer, seller, stranger, method, path
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = snapshot()

    response = getattr(as_user(stranger), method)(
        API + path.format(id=thread.id), {"body": "Let me in"}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert_error_shape(response.json())
    assert snapshot() == before


def test_missing_thread_is_the_same_404_as_a_foreign_one(buyer_api, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=SellerFactory())
    foreign, _ = thread_with_message(seller=seller)

    missing = buyer_api.get(f"{API}/threads/{thread.id + 1000}")
    not_mine = buyer_api.get(f"{API}/threads/{foreign.id}")

    assert (
        missing.json()
        == not_mine.json()
        == {
            "code": "not_found",
            "detail": "No such conversation.",
        }
    )


def test_stranger_threads_never_appear_in_my_list(buyer_api, buyer):
    thread_with_message()

    assert buyer_api.get(f"{API}/threads", {"folder": "inbox"}).json() == {
        "results": [],
        "next_cursor": None,
    }


# Query budgets: the count is pinned and must not grow with the number of rows


def test_thread_list_query_count_does_not_grow_with_threads(
    seller_api, seller, django_assert_num_queries
):
    def add_threads(count: int) -> None:
        for _ in range(count - 1):
            thread_with_message(seller=seller)
        product = ProductFactory(seller=seller)
        services.thread_start(sender=BuyerFactory(), product=product, topic="other", body="Q?")

    add_threads(3)
    with django_assert_num_queries(THREAD_LIST_QUERIES):
        assert len(seller_api.get(f"{API}/threads", {"folder": "all"}).json()["results"]) == 3

    add_threads(10)
    with django_assert_num_queries(THREAD_LIST_QUERIES):
        response = seller_api.get(f"{API}/threads", {"folder": "all"})
    assert len(response.json()["results"]) == 13


def test_thread_detail_query_count_does_not_grow_with_messages(
    seller_api, buyer, seller, django_assert_num_queries, settings
):
    settings.MESSAGE_SEND_RATE = "1000/60"
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    def add_messages(count: int) -> None:
        for index in range(count):
            sender = seller if index % 2 else buyer
            services.message_send(thread=thread, sender=sender, body=f"Message {index}")

    add_messages(2)
    with django_assert_num_queries(THREAD_DETAIL_QUERIES):
        assert len(seller_api.get(f"{API}/threads/{thread.id}").json()["messages"]) == 3

    add_messages(10)
    with django_assert_num_queries(THREAD_DETAIL_QUERIES):
        response = seller_api.get(f"{API}/threads/{thread.id}")
    assert len(response.json()["messages"]) == 13
