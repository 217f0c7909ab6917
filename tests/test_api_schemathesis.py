"""Property-based API tests from the live OpenAPI schema: no 5xx, every response as documented.

Schemathesis reads the schema the running application serves and calls every operation with
generated input, as a seller with a real personal token and as a buyer with a signed-in session.
"""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import checks

from accounts.tokens import token_create
from messagecenter.wsgi import application
from messaging.attachments.checks import IncomingFile
from messaging.threads import services
from notifications.webhooks import webhook_endpoint_create
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message

# Generating the schema needs no database: it is read once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
# The same cases on every run, so CI is stable; change the seed to explore further.
schema.config.seed = 20260101
# Text never holds NUL: PostgreSQL cannot store it, and every text field refuses it with 400
# `invalid`, which an OpenAPI string cannot say short of a pattern on each field.
schema.config.generation.update(allow_x00=False)


CSRF_SECRET = "schemathesis0csrf0secret00000000"  # 32 characters, as Django's secrets


@pytest.fixture(params=["buyer", "seller"])
def credentials(request, db, buyer, seller) -> dict[str, str]:
    """A seller's personal token; a buyer's signed-in session (tokens are for sellers)."""
    # Something behind the generated ids: a thread with a file, and a webhook endpoint.
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    services.message_send(
        thread=thread, sender=buyer, body="Photo", files=[IncomingFile("photo.png", badfiles.png())]
    )
    webhook_endpoint_create(seller=seller, url="https://hooks.shop.example/mc")
    if request.param == "seller":
        return {"Authorization": f"Bearer {token_create(user=seller, name='Schemathesis')[1]}"}
    browser = Client()
    browser.force_login(buyer)
    session = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    return {
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; "
        f"{django_settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
        "X-CSRFToken": CSRF_SECRET,
    }


# Refusals of schema-valid input by a rule no schema can state: a cursor is opaque (only the
# ones the API handed out are valid), folders and actions depend on the caller's role, and
# bodies are refused for what they say (blank once trimmed, over the length limit once line
# breaks are normalized, or against the content policy; a saved reply's name likewise, and
# its placeholders), and a webhook URL must be a public
# https:// address. Any other refusal of schema-valid
# input (`invalid`, `invalid_parameter`: the serializer disagreeing with the schema) fails.
BUSINESS_RULE_REFUSALS = {
    "invalid_cursor",
    "invalid_folder",
    "not_seller",
    "not_buyer",
    "empty_body",
    "empty_name",
    "duplicate_name",
    "name_too_long",
    "unknown_placeholder",
    "body_too_long",
    "policy_violation",
    "invalid_url",
    # Refusals that depend on what earlier examples of the same test did: a message reported
    # once, an Idempotency-Key used before for another request, an endpoint limit reached, an
    # endpoint turned off.
    "already_reported",
    "idempotency_key_reused",
    "too_many_endpoints",
    "endpoint_inactive",
    # An invitation to an address already on the team, or past the team's caps.
    "already_member",
    "too_many_members",
    "too_many_invitations",
}


def refused_by_a_business_rule(case, response) -> bool:
    if response.status_code not in (400, 422):
        return False
    try:
        error = response.json()
    except ValueError:
        return False
    if error.get("code") in BUSINESS_RULE_REFUSALS:
        return True
    # Rules across fields, which the schema (each field on its own) does not state: "either
    # order_number or product_id", and a topic with an order number (not with a product).
    fields = error.get("fields", {}) if error.get("code") == "invalid" else {}
    return set(fields) == {"non_field_errors"} or (
        case.operation.label == "POST /api/v1/threads/start"
        and fields == {"topic": ["This field is required."]}
    )


def sent_as_absent(case) -> bool:
    """Werkzeug (the WSGI transport) encodes an empty multipart field so Django reads none."""
    return (
        case.media_type == "multipart/form-data"
        and isinstance(case.body, dict)
        and "" in case.body.values()
    )


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, credentials, settings_override):
    # Every check runs: no server error, every status code, content type, header and body as
    # documented, authentication enforced, schema-valid input accepted and schema-violating
    # input refused, except schema-valid input refused by a business rule (above).
    response = case.call(headers=credentials)
    case.validate_response(
        response,
        headers=credentials,
        excluded_checks=(
            [checks.positive_data_acceptance]
            if refused_by_a_business_rule(case, response) or sent_as_absent(case)
            else []
        ),
    )


@pytest.fixture(autouse=True)
def keep_test_connection():
    # The calls go through the WSGI handler, not Django's test client, so nothing stops the
    # end of each request from closing the database connection that holds the test's
    # transaction; detach that hook for the test, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def settings_override(settings):
    # Generated calls must not trip the per-user rate limits, which have their own tests.
    settings.API_RATES = dict.fromkeys(settings.API_RATES, "100000/60")
    settings.MESSAGE_SEND_RATE = "100000/60"
    # Nor the limit on bad tokens, which the authentication checks send many of.
    settings.API_TOKEN_FAILURES_PER_CLIENT = "100000/60"
