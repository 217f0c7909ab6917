"""Property-based API tests from the live OpenAPI schema: no 5xx, every response as documented.

Schemathesis reads the schema the running application serves and calls every operation with
generated input, authenticated with a real personal token.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
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


@pytest.fixture
def seller_token(db, buyer, seller) -> str:
    # Something behind the generated ids: a thread with a file, and a webhook endpoint.
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    services.message_send(
        thread=thread, sender=buyer, body="Photo", files=[IncomingFile("photo.png", badfiles.png())]
    )
    webhook_endpoint_create(seller=seller, url="https://hooks.shop.example/mc")
    return token_create(user=seller, name="Schemathesis")[1]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, seller_token, settings_override):
    # Left out: "positive data acceptance" (business rules, such as an empty body or a folder
    # the role has not got, refuse some schema-valid input with 400) and "negative data
    # rejection" (DRF reads form values and numbers leniently: 7 is accepted as the string "7",
    # an empty query value as an absent one). Every other check runs: no server error, every
    # status code, content type, header and body as documented, authentication enforced.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {seller_token}"},
        excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection],
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
