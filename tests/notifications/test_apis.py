"""The webhook API: a seller's endpoints and deliveries, as on the webhooks page, by token."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_create
from core.tasks import task_send
from notifications.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.notifications.factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
URL = "https://hooks.shop.example/mc"
# Pinned for a force_authenticate request: the endpoint, then one page of its deliveries.
DELIVERY_PAGE_QUERIES = 2


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='Deploy')[1]}")
    return client


def snapshot() -> tuple[list, list]:
    return (
        list(WebhookEndpoint.objects.order_by("id").values()),
        list(WebhookDelivery.objects.order_by("id").values()),
    )


def delivery_payload(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.id,
        "event_id": str(delivery.event_id),
        "event": delivery.event,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": iso(delivery.created_at),
        "next_attempt_at": (
            iso(delivery.next_attempt_at)
            if delivery.status == WebhookDeliveryStatus.PENDING
            else None
        ),
        "delivered_at": iso(delivery.delivered_at) if delivery.delivered_at else None,
    }


@pytest.fixture(autouse=True)
def _production_url_rules(settings):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = False


@pytest.fixture
def endpoint(seller) -> WebhookEndpoint:
    return WebhookEndpointFactory(seller=seller, url=URL, secret="whsec_kept", created_at=T0)


# --- endpoints ------------------------------------------------------------------------------


def test_create_shows_the_secret_once_and_the_list_never(seller):
    client = with_token(seller)

    created = client.post(f"{API}/webhooks", {"url": URL}, format="json")
    listed = client.get(f"{API}/webhooks")
    one = client.get(f"{API}/webhooks/{created.json()['id']}")

    endpoint = WebhookEndpoint.objects.get()
    shown = {
        "id": endpoint.id,
        "url": URL,
        "is_active": True,
        "created_at": iso(endpoint.created_at),
    }
    assert created.status_code == 201
    assert created.json() == {**shown, "secret": endpoint.secret}
    assert endpoint.secret.startswith("whsec_") and endpoint.seller == seller
    assert listed.json() == [shown]
    assert one.json() == shown


def test_list_is_mine_only_oldest_first(seller, endpoint):
    newer = WebhookEndpointFactory(seller=seller, created_at=T0 + timedelta(days=1))
    WebhookEndpointFactory()  # another seller's

    response = as_user(seller).get(f"{API}/webhooks")

    assert [row["id"] for row in response.json()] == [endpoint.id, newer.id]


@pytest.mark.parametrize(
    ("payload", "code", "fields"),
    [
        ({}, "invalid", {"url": ["This field is required."]}),
        (
            {"url": "http://hooks.shop.example/mc"},
            "invalid_url",
            {"url": ["The URL must start with https://."]},
        ),
        (
            {"url": "https://10.0.0.7/mc"},
            "invalid_url",
            {"url": ["The URL must point at a public address."]},
        ),
        ({"url": URL}, "invalid_url", {"url": ["This URL is already registered."]}),
    ],
)
def test_create_refuses_bad_urls_and_writes_nothing(seller, endpoint, payload, code, fields):
    before = snapshot()

    response = as_user(seller).post(f"{API}/webhooks", payload, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["fields"]) == (code, fields)
    assert snapshot() == before


def test_create_refuses_a_sixth_endpoint(seller):
    WebhookEndpointFactory.create_batch(5, seller=seller)

    response = as_user(seller).post(f"{API}/webhooks", {"url": URL}, format="json")

    assert response.json() == {
        "code": "too_many_endpoints",
        "detail": "You can have at most 5 endpoints; remove one first.",
    }
    assert WebhookEndpoint.objects.count() == 5


@pytest.mark.parametrize("factory", [BuyerFactory, StaffFactory])
def test_webhooks_are_for_sellers_only(factory):
    client = as_user(factory())

    listed = client.get(f"{API}/webhooks")
    created = client.post(f"{API}/webhooks", {"url": URL}, format="json")

    expected = {"code": "not_found", "detail": "Webhooks are for sellers."}
    assert (listed.status_code, listed.json()) == (404, expected)
    assert (created.status_code, created.json()) == (404, expected)
    assert WebhookEndpoint.objects.count() == 0


def test_delete_removes_the_endpoint_and_its_deliveries(seller, endpoint):
    WebhookDeliveryFactory(endpoint=endpoint)
    kept = WebhookEndpointFactory(seller=seller)

    response = as_user(seller).delete(f"{API}/webhooks/{endpoint.id}")

    assert response.status_code == 204
    assert list(WebhookEndpoint.objects.values_list("id", flat=True)) == [kept.id]
    assert WebhookDelivery.objects.count() == 0


def test_rotate_secret_shows_the_new_one_once(seller, endpoint):
    response = as_user(seller).post(f"{API}/webhooks/{endpoint.id}/secret")

    endpoint.refresh_from_db()
    assert response.status_code == 200
    assert endpoint.secret != "whsec_kept"
    assert response.json() == {
        "id": endpoint.id,
        "url": URL,
        "is_active": True,
        "created_at": iso(T0),
        "secret": endpoint.secret,
    }


def test_test_queues_a_ping_after_commit(seller, endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(seller).post(f"{API}/webhooks/{endpoint.id}/test")

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 202
    assert response.json() == delivery_payload(delivery)
    assert (delivery.endpoint, delivery.event, delivery.status) == (endpoint, "ping", "pending")
    assert [(c.func, c.args) for c in callbacks] == [
        (task_send, ("notifications.deliver_webhook", delivery.id))
    ]


def test_test_of_an_endpoint_turned_off_is_refused(seller, endpoint):
    endpoint.is_active = False
    endpoint.save()

    response = as_user(seller).post(f"{API}/webhooks/{endpoint.id}/test")

    assert (response.status_code, response.json()) == (
        400,
        {"code": "endpoint_inactive", "detail": "This endpoint is turned off."},
    )
    assert WebhookDelivery.objects.count() == 0


OPERATIONS = [
    ("get", "/webhooks/{id}"),
    ("delete", "/webhooks/{id}"),
    ("post", "/webhooks/{id}/secret"),
    ("post", "/webhooks/{id}/test"),
    ("get", "/webhooks/{id}/deliveries"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_another_sellers_endpoint_is_the_same_404_as_a_missing_one(endpoint, method, path):
    WebhookDeliveryFactory(endpoint=endpoint)
    client = as_user(SellerFactory())
    before = snapshot()

    foreign = getattr(client, method)(API + path.format(id=endpoint.id))
    missing = getattr(client, method)(API + path.format(id=endpoint.id + 1000))

    expected = {"code": "not_found", "detail": "No such endpoint."}
    assert (foreign.status_code, foreign.json()) == (404, expected)
    assert (missing.status_code, missing.json()) == (404, expected)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), [("get", "/webhooks"), *OPERATIONS])
def test_anonymous_calls_are_401_and_change_nothing(endpoint, api_client, method, path):
    before = snapshot()

    response = getattr(api_client, method)(API + path.format(id=endpoint.id))

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert snapshot() == before


# --- deliveries -----------------------------------------------------------------------------


def test_deliveries_are_newest_first_and_paged_without_gaps(seller, endpoint):
    # Two share a timestamp: the id breaks the tie.
    created = [
        WebhookDeliveryFactory(endpoint=endpoint, created_at=T0 + timedelta(minutes=minutes))
        for minutes in (0, 1, 1, 2, 3)
    ]
    WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(seller=seller))  # another endpoint
    client = with_token(seller)

    pages, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"{API}/webhooks/{endpoint.id}/deliveries", params).json()
        pages.append([row["id"] for row in body["results"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    newest_first = [created[4], created[3], created[2], created[1], created[0]]
    assert pages == [
        [newest_first[0].id, newest_first[1].id],
        [newest_first[2].id, newest_first[3].id],
        [newest_first[4].id],
    ]


def test_delivery_shows_its_outcome(seller, endpoint):
    failed = WebhookDeliveryFactory(
        endpoint=endpoint,
        status=WebhookDeliveryStatus.FAILED,
        attempts=1,
        last_status_code=410,
        last_error="The endpoint answered 410: gone",
        created_at=T0,
    )

    response = as_user(seller).get(f"{API}/webhooks/{endpoint.id}/deliveries")

    assert response.json() == {
        "results": [
            {
                "id": failed.id,
                "event_id": str(failed.event_id),
                "event": "ping",
                "status": "failed",
                "attempts": 1,
                "last_status_code": 410,
                "last_error": "The endpoint answered 410: gone",
                "created_at": iso(T0),
                "next_attempt_at": None,
                "delivered_at": None,
            }
        ],
        "next_cursor": None,
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [({"limit": 0}, "invalid_parameter"), ({"limit": 101}, "invalid_parameter")],
)
def test_deliveries_refuse_bad_parameters(seller, endpoint, params, code):
    response = as_user(seller).get(f"{API}/webhooks/{endpoint.id}/deliveries", params)

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert set(response.json()["fields"]) == {"limit"}


def test_deliveries_refuse_a_foreign_cursor(seller, endpoint):
    response = as_user(seller).get(
        f"{API}/webhooks/{endpoint.id}/deliveries", {"cursor": "not-a-cursor"}
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")


def test_delivery_page_query_count_does_not_grow(seller, endpoint, django_assert_num_queries):
    client = as_user(seller)
    WebhookDeliveryFactory.create_batch(2, endpoint=endpoint)
    with django_assert_num_queries(DELIVERY_PAGE_QUERIES):
        assert len(client.get(f"{API}/webhooks/{endpoint.id}/deliveries").json()["results"]) == 2

    WebhookDeliveryFactory.create_batch(20, endpoint=endpoint)
    with django_assert_num_queries(DELIVERY_PAGE_QUERIES):
        response = client.get(f"{API}/webhooks/{endpoint.id}/deliveries")
    assert len(response.json()["results"]) == 22


def test_webhook_reads_are_throttled(seller, endpoint, settings):
    settings.API_RATES = {**settings.API_RATES, "read_user": "2/60"}
    client = as_user(seller)

    statuses = [client.get(f"{API}/webhooks").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
