"""Bad API tokens are limited per client address: then 429 rate_limited, good tokens too."""

from unittest import mock

import pytest
from rest_framework.test import APIClient

from accounts.models import RateLimitWindow
from accounts.tokens import token_create
from tests.accounts.factories import SellerFactory

pytestmark = pytest.mark.django_db

FROZEN = 1_800_000_000  # a boundary of 900-second windows


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("accounts.ratelimit.time.time", return_value=FROZEN + 60):
        yield


@pytest.fixture(autouse=True)
def limit(settings):
    settings.API_TOKEN_FAILURES_PER_CLIENT = "3/900"


def call(token: str, *, address: str = "127.0.0.1"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/v1/threads", REMOTE_ADDR=address)


def test_after_the_limit_bad_tokens_from_one_address_get_429_in_the_apis_error_shape():
    _, good = token_create(user=SellerFactory(), name="Helpdesk")

    guesses = [call(f"mc_0000000{n}_guess").status_code for n in range(3)]
    refused = call("mc_00000009_guess")
    good_from_there = call(good)
    good_elsewhere = call(good, address="198.51.100.7")

    assert guesses == [401, 401, 401]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "840"
    assert refused.json() == {
        "code": "rate_limited",
        "detail": "Too many requests. Try again in 840 seconds.",
        "retry_after": 840,
    }
    # Until the window ends a right token is refused like a wrong one: no oracle.
    assert (good_from_there.status_code, good_from_there.json()["code"]) == (429, "rate_limited")
    assert good_elsewhere.status_code == 200


def test_malformed_token_headers_count_as_bad_tokens():
    client = APIClient()
    for header in ["Bearer", "Bearer a b", "Token nope"]:
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/threads").status_code == 401

    assert call("mc_00000000_guess").status_code == 429


def test_good_tokens_and_session_calls_are_not_counted(client):
    seller = SellerFactory()
    _, good = token_create(user=seller, name="Helpdesk")
    client.force_login(seller)

    statuses = [call(good).status_code for _ in range(5)]
    statuses += [client.get("/api/v1/threads").status_code for _ in range(5)]

    assert statuses == [200] * 10
    assert call("mc_00000000_guess").status_code == 401


def test_with_redis_away_bad_tokens_are_counted_in_the_database(redis_away):
    statuses = [call("mc_00000000_guess").status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]
    assert list(RateLimitWindow.objects.values_list("key", "count")) == [
        (f"ratelimit:api_token_client:127.0.0.1:{FROZEN}", 3)
    ]
