"""Hostile input is refused with a 4xx (the JSON error shape, a form error or a 404), never a 500.

Each case here was once a server error or a silent acceptance found by probing the site.
"""

import base64
import json
from datetime import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.pagination import decode_cursor
from core.parsers import MAX_JSON_DEPTH
from messaging.models import Message, Participant
from messaging.threads import services
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_sends(settings):
    settings.MESSAGE_SEND_RATE = "1000/60"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flashes(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def nested(depth: int, *, kind: str = "list") -> str:
    """A JSON text ``depth`` containers deep: ``[[[…]]]`` or ``{"a": {"a": …}}``."""
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a": ' * (depth - 1) + "{}" + "}" * (depth - 1)


def cursor_of(*values: object) -> str:
    """A cursor as the API hands them out: unpadded URL-safe base64 of a JSON list."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# --- JSON nested deeper than any request needs ------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
@pytest.mark.parametrize("kind", ["list", "object"])
def test_a_json_body_nested_too_deep_is_a_400(buyer, seller, depth, kind):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = Message.objects.count()

    response = as_user(buyer).post(
        f"{API}/threads/{thread.pk}/messages",
        nested(depth, kind=kind),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "too_deep",
        "detail": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.",
    }
    assert Message.objects.count() == before


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("buyer", "post", "/threads/start"),
        ("seller", "post", "/threads/bulk"),
        ("seller", "post", "/policy/check"),
        ("buyer", "put", "/preferences/messaging"),
        ("seller", "post", "/saved-replies"),
        ("seller", "post", "/webhooks"),
    ],
)
def test_every_json_endpoint_refuses_a_deep_body(request, who, method, path):
    user = request.getfixturevalue(who)

    response = getattr(as_user(user), method)(
        f"{API}{path}", nested(100_000), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


def test_a_json_body_as_deep_as_the_limit_is_read(buyer, seller):
    # Read, then refused by the serializer as an ordinary invalid field, not as too deep.
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    body = '{"body": ' + nested(MAX_JSON_DEPTH - 1) + "}"

    response = as_user(buyer).post(
        f"{API}/threads/{thread.pk}/messages", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "body" in response.json()["fields"]


def test_the_schema_documents_the_too_deep_error(client, buyer):
    client.force_login(buyer)

    schema = client.get("/api/schema/?format=json").json()

    send = schema["paths"]["/api/v1/threads/{thread_id}/messages"]["post"]["responses"]["400"]
    assert "`too_deep`" in send["description"]


# --- Cursors with dates no database can hold ---------------------------------------------------

EXTREME_MOMENTS = ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"]


@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_an_extreme_cursor_is_invalid_cursor_on_the_api(buyer, seller, moment):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    cursor = cursor_of(moment, 1)

    for path in ("/threads", f"/threads/{thread.pk}/messages"):
        response = as_user(buyer).get(f"{API}{path}", {"cursor": cursor})
        assert response.status_code == 400, path
        assert response.json()["code"] == "invalid_cursor"
    # The seller's default folder (needs response) pages by another key.
    response = as_user(seller).get(f"{API}/threads", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_an_extreme_cursor_on_the_inbox_page_is_a_bad_link(buyer, seller, moment):
    thread_with_message(buyer=buyer, seller=seller)
    cursor = cursor_of(moment, 1)

    for user, page in ((buyer, "/messages/"), (seller, "/seller/")):
        response = logged_in(user).get(page, {"cursor": cursor}, follow=True)
        assert response.redirect_chain == [(page, 302)]
        assert flashes(response) == ["This page link is not valid; start from the first page."]


@pytest.mark.parametrize(
    "cursor",
    [
        cursor_of("2025-01-01T00:00:00+00:00", 2**63),  # an id no 64-bit column holds
        cursor_of("2025-01-01T00:00:00+00:00", -(2**63) - 1),
        base64.urlsafe_b64encode(nested(100_000).encode()).decode(),  # JSON too deep to read
        "A" * 10_000,
    ],
)
def test_other_impossible_cursors_are_invalid_cursor(buyer, seller, cursor):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    for path in ("/threads", f"/threads/{thread.pk}/messages"):
        response = as_user(buyer).get(f"{API}{path}", {"cursor": cursor})
        assert response.status_code == 400, path
        assert response.json()["code"] == "invalid_cursor"


def test_a_cursor_keeps_its_moment_in_utc():
    moment, last_id = decode_cursor(
        cursor_of("2025-03-03T10:00:00+01:00", 7), types=(datetime, int)
    )

    assert moment.isoformat() == "2025-03-03T09:00:00+00:00"
    assert last_id == 7


# --- NUL bytes and other impossible strings in a path ------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/orders/%00/",
        "/orders/{number}%00/",
        "/orders/{number}%00/contact/",
        "/seller/orders/{number}%00/",
        "/seller/orders/%00/",
        "/orders/%EF%BC%91%EF%BC%91%EF%BC%92-1234567-1234567/",  # full-width digits
    ],
)
def test_a_nul_or_malformed_order_number_in_a_page_path_is_a_404(buyer, seller, path):
    order = OrderFactory(buyer=buyer, seller=seller)

    for user in (buyer, seller):
        response = logged_in(user).get(path.format(number=order.number))
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/orders/{number}%00/messaging-actions"),
        ("get", "/orders/%00/messaging-actions"),
        ("post", "/orders/{number}%00/proactive-messages"),
        ("post", "/orders/{number}%00/review-request"),
        ("get", "/saved-replies/1%00"),
        ("get", "/threads/1%00"),
        ("post", "/threads/1/read%00"),
        ("get", "/webhooks/1%00/deliveries"),
    ],
)
def test_a_nul_in_an_api_path_is_a_json_404(seller, buyer, method, path):
    order = OrderFactory(buyer=buyer, seller=seller)

    response = getattr(as_user(seller), method)(f"{API}{path.format(number=order.number)}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_schema_gives_the_order_number_pattern(client, buyer):
    client.force_login(buyer)

    schema = client.get("/api/schema/?format=json").json()

    (number,) = schema["paths"]["/api/v1/orders/{number}/messaging-actions"]["get"]["parameters"]
    assert number["schema"] == {"type": "string", "pattern": "^[0-9]{3}-[0-9]{7}-[0-9]{7}$"}


# --- Digits that str.isdigit() accepts and int() does not --------------------------------------


@pytest.mark.parametrize("value", ["²", "١٢", "٣", "１", "1²", " 1", "+1", "-1", "0"])
def test_a_bulk_form_with_a_non_ascii_or_odd_thread_id_is_a_404(seller, value):
    mine, _ = thread_with_message(seller=seller)

    response = logged_in(seller).post(
        "/messages/bulk/", {"action": "archive", "thread": [mine.pk, value]}
    )

    assert response.status_code == 404
    assert Participant.objects.get(thread=mine, user=seller).is_archived is False


@pytest.mark.parametrize("value", ["²", "٣", "１"])
def test_unblocking_a_seller_with_a_non_ascii_id_is_a_404(buyer, value):
    response = logged_in(buyer).post("/messages/preferences/unblock/", {"seller": value})

    assert response.status_code == 404


# --- Bodies that show nothing ------------------------------------------------------------------

INVISIBLE_BODIES = [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner and joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u0301\u0308",  # combining marks with nothing to combine with
    "\u200e\u200f\u202e\u2066\u2069",  # direction marks and overrides
    "\u3164\u115f\u1160\uffa0",  # Hangul fillers
    "\u2800",  # braille pattern blank
    "\ufe0f",  # variation selector
    "\U000e0041\U000e007f",  # tag characters
    " \u200b \n\u200b\t",  # mixed with ordinary white space
]


@pytest.mark.parametrize("body", INVISIBLE_BODIES)
def test_a_body_of_invisible_characters_is_refused_on_the_api(buyer, seller, body):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = Message.objects.count()

    response = as_user(buyer).post(
        f"{API}/threads/{thread.pk}/messages", {"body": body}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "empty_body"
    assert Message.objects.count() == before


@pytest.mark.parametrize("body", INVISIBLE_BODIES[:4])
def test_a_body_of_invisible_characters_is_refused_on_the_page(buyer, seller, body):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    before = Message.objects.count()

    response = logged_in(buyer).post(f"/messages/{thread.pk}/", {"body": body})

    assert response.status_code == 400
    assert response.context["form"].errors["body"] == ["Write a message first."]
    assert Message.objects.count() == before


@pytest.mark.parametrize(
    "body",
    [
        "👨\u200d👩\u200d👧",  # a family emoji: ZWJ joins the people
        "🏳\ufe0f\u200d🌈",
        "👍🏽",
        "\u200fשלום\u200f עולם",  # Hebrew with right-to-left marks
        "\u200fمرحبا\u200c بك",  # Arabic with a mark and a non-joiner inside words
        "e\u0301",  # a letter with a combining accent
        "\u200bok\u200b",
        "…",
        "1",
    ],
)
def test_legitimate_text_with_invisible_characters_is_delivered(buyer, seller, body):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    message = services.message_send(thread=thread, sender=buyer, body=body)

    assert message.is_delivered
    assert message.body == body


# --- Input read as the schema documents it (found by schemathesis' data checks) ----------------


def test_a_number_where_the_schema_says_text_is_refused(seller):
    checked = as_user(seller).post(
        f"{API}/policy/check", {"body": "", "filenames": [0]}, format="json"
    )
    saved = as_user(seller).post(
        f"{API}/saved-replies", {"name": 123, "body": "Thanks!"}, format="json"
    )

    assert checked.status_code == 400
    assert checked.json()["fields"] == {"filenames": {"0": ["Not a valid string."]}}
    assert saved.status_code == 400
    assert saved.json()["fields"] == {"name": ["Not a valid string."]}


@pytest.mark.parametrize("language", ["", "EN", "fr"])
def test_a_language_outside_its_enum_is_refused_in_a_form_too(seller, language):
    response = as_user(seller).post(
        f"{API}/saved-replies", {"name": "Thanks", "body": "Thanks!", "language": language}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["language"]


def test_an_empty_name_in_a_form_reaches_the_saved_reply_rules(seller):
    # An empty form value is a value (refused by the rule for names), not a field left out.
    response = as_user(seller).post(
        f"{API}/saved-replies", {"name": "", "body": "", "language": "es"}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "empty_name"


@pytest.mark.parametrize(
    ("data", "form", "status"),
    [
        ({}, True, 400),  # a checkbox left out is not "false" in the API
        ({"unsolicited_opt_out": "yes"}, True, 400),
        ({"unsolicited_opt_out": "true"}, True, 200),
        ({"unsolicited_opt_out": 1}, False, 400),
        ({"unsolicited_opt_out": "true"}, False, 400),
        ({"unsolicited_opt_out": True}, False, 200),
    ],
)
def test_the_opt_out_is_a_boolean_and_required(buyer, data, form, status):
    response = as_user(buyer).put(
        f"{API}/preferences/messaging", data, format="multipart" if form else "json"
    )

    assert response.status_code == status
    if status == 400:
        assert list(response.json()["fields"]) == ["unsolicited_opt_out"]


@pytest.mark.parametrize("ids", [["1"], [True], [1.5]])
def test_bulk_ids_are_json_integers(seller, ids):
    response = as_user(seller).post(
        f"{API}/threads/bulk", {"ids": ids, "action": "read"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["ids"]


@pytest.mark.parametrize("value", ["٣", "²", "1.0", " 1"])
def test_bulk_ids_in_a_form_are_ascii_digits(seller, value):
    mine, _ = thread_with_message(seller=seller)

    response = as_user(seller).post(
        f"{API}/threads/bulk", {"ids": [str(mine.pk), value], "action": "read"}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["ids"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"updated_since": ""}, "updated_since"),  # empty is not a date-time, nor left out
        ({"limit": ""}, "limit"),
        ({"limit": "٣"}, "limit"),
    ],
)
def test_empty_or_odd_query_values_are_invalid_parameters(buyer, query, field):
    response = as_user(buyer).get(f"{API}/threads", query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
    assert list(response.json()["fields"]) == [field]


def test_an_empty_cursor_is_the_first_page_and_a_blank_one_is_invalid(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)

    for path in ("/threads", f"/threads/{thread.pk}/messages"):
        first = as_user(buyer).get(f"{API}{path}", {"cursor": ""})
        blank = as_user(buyer).get(f"{API}{path}", {"cursor": "\x1c"})
        assert first.status_code == 200, path
        assert blank.status_code == 400, path
        assert blank.json()["code"] == "invalid_cursor"


def test_the_schema_states_the_bulk_minimum_and_the_idempotency_key_shape(client, buyer):
    client.force_login(buyer)

    schema = client.get("/api/schema/?format=json").json()

    bulk = schema["components"]["schemas"]["ThreadBulkInputRequest"]["properties"]["ids"]
    assert bulk["minItems"] == 1
    send = schema["paths"]["/api/v1/threads/{thread_id}/messages"]["post"]["parameters"]
    (key,) = [p for p in send if p["name"] == "Idempotency-Key"]
    assert key["schema"]["pattern"] == "^[!-~]([ -~]{0,253}[!-~])?$"
