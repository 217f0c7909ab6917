"""Personal API tokens: shown once, stored hashed, usable as Bearer tokens, revocable."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import MAX_TOKENS_PER_USER, token_create, token_revoke
from core.errors import ApplicationError, NotFound
from tests.accounts.factories import SellerFactory

pytestmark = pytest.mark.django_db

TOKEN_FORMAT = re.compile(r"mc_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")


def api_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_is_stored_only_as_its_hash():
    seller = SellerFactory()

    token, plaintext = token_create(user=seller, name="Helpdesk")

    match = TOKEN_FORMAT.fullmatch(plaintext)
    assert match is not None
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["prefix"] == match.group(1)
    assert row["key_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in {str(value) for value in row.values()}


def test_a_token_authenticates_api_calls_and_records_last_use():
    seller = SellerFactory()
    token, plaintext = token_create(user=seller, name="Helpdesk")

    response = api_with(plaintext).get("/api/v1/threads")

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_last_use_is_written_at_most_once_a_minute(django_assert_num_queries):
    seller = SellerFactory()
    _, plaintext = token_create(user=seller, name="Helpdesk")
    client = api_with(plaintext)
    client.get("/api/v1/threads")

    # token lookup + the page's one query, no UPDATE of last_used_at the second time
    with django_assert_num_queries(2):
        client.get("/api/v1/threads")


@pytest.mark.parametrize("header", ["Bearer mc_00000000_nope", "Bearer", "Bearer a b"])
def test_unknown_or_malformed_tokens_get_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/threads")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_stops_working_at_once():
    seller = SellerFactory()
    token, plaintext = token_create(user=seller, name="Helpdesk")

    token_revoke(user=seller, token_id=token.pk)

    assert api_with(plaintext).get("/api/v1/threads").status_code == 401


def test_an_inactive_users_token_is_refused():
    seller = SellerFactory()
    _, plaintext = token_create(user=seller, name="Helpdesk")
    seller.is_active = False
    seller.save(update_fields=["is_active"])

    assert api_with(plaintext).get("/api/v1/threads").status_code == 401


def test_someone_elses_token_cannot_be_revoked():
    owner, other = SellerFactory(), SellerFactory()
    token, _ = token_create(user=owner, name="Helpdesk")

    with pytest.raises(NotFound):
        token_revoke(user=other, token_id=token.pk)

    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_name_is_required_and_the_count_is_capped():
    seller = SellerFactory()
    with pytest.raises(ApplicationError) as empty:
        token_create(user=seller, name="   ")
    for number in range(MAX_TOKENS_PER_USER):
        token_create(user=seller, name=f"t{number}")
    with pytest.raises(ApplicationError) as capped:
        token_create(user=seller, name="one more")

    assert empty.value.fields == {"name": ["Name the token, e.g. your helpdesk."]}
    assert capped.value.code == "too_many_tokens"
    assert ApiToken.objects.filter(user=seller).count() == MAX_TOKENS_PER_USER


# --- the page ------------------------------------------------------------------------------


@pytest.fixture
def seller_page():
    seller = SellerFactory()
    client = Client()
    client.force_login(seller)
    return seller, client


def test_the_page_shows_a_new_token_once(seller_page):
    seller, client = seller_page

    created = client.post("/accounts/api-tokens/", {"name": "Helpdesk"})
    later = client.get("/accounts/api-tokens/")

    plaintext = TOKEN_FORMAT.search(created.content.decode()).group(0)
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    assert (
        ApiToken.objects.get(user=seller).key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    )
    assert plaintext not in later.content.decode()
    assert f"mc_{ApiToken.objects.get().prefix}_…" in later.content.decode()


def test_the_page_explains_a_missing_name(seller_page):
    _, client = seller_page

    response = client.post("/accounts/api-tokens/", {"name": ""})

    assert response.status_code == 400
    assert "Name the token, e.g. your helpdesk." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_revoking_from_the_page(seller_page):
    seller, client = seller_page
    token, _ = token_create(user=seller, name="Helpdesk")

    response = client.post(f"/accounts/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_someone_elses_token_from_the_page_is_a_404(seller_page):
    _, client = seller_page
    token, _ = token_create(user=SellerFactory(), name="Script")

    response = client.post(f"/accounts/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_query_count_does_not_grow_with_tokens(seller_page, django_assert_num_queries):
    seller, client = seller_page
    for number in range(5):
        token_create(user=seller, name=f"t{number}")

    # session, user, unread badge, tokens
    with django_assert_num_queries(4):
        client.get("/accounts/api-tokens/")
    for number in range(5, 10):
        token_create(user=seller, name=f"t{number}")
    with django_assert_num_queries(4):
        client.get("/accounts/api-tokens/")
