import os
import re
import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from core.cache import CACHE_OUTAGE
from core.on_commit import after_commit
from core.tasks import BROKER_OUTAGE
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory


def pytest_configure(config):
    """Parallel runs (pytest-xdist): each worker gets a Redis database of its own.

    pytest-django already gives each worker its own test database (``test_<name>_gw0`` …). The
    cache, the rate limits and the broker of the live-worker tests live in Redis, and every test
    clears the cache, so workers sharing one Redis database would wipe each other's keys.
    """
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (worker.startswith("gw") and settings.REDIS_URL):
        return
    url = re.sub(r"(/\d+)?$", f"/{1 + int(worker[2:])}", settings.REDIS_URL, count=1)
    os.environ["REDIS_URL"] = url  # the Celery workers the live tests start inherit it
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    settings.CACHES["default"]["LOCATION"] = url


@pytest.fixture(scope="session", autouse=True)
def _required_services(django_db_setup, django_db_blocker):
    """In CI (REQUIRE_SERVICES=1) the suite runs on PostgreSQL and Redis, or fails."""
    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", "CI must run on PostgreSQL (set DATABASE_URL)"
    from django.conf import settings

    assert settings.REDIS_URL, "CI must run with Redis (set REDIS_URL)"
    assert cache.set("ci-ping", "pong", 5) is not False
    assert cache.get("ci-ping") == "pong"


@pytest.fixture
def postgresql():
    """PostgreSQL only; in CI (REQUIRE_SERVICES=1) a missing PostgreSQL fails the test."""
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _undo_send_off(settings):
    """Sends deliver at once unless a test turns undo send on (tests/messaging/undo/)."""
    settings.MESSAGE_UNDO_SECONDS = 0


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Spanish leaves its thread so."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _versions_follow_writes(monkeypatch):
    """A test's transaction never commits, so it would never see an inbox version or display
    epoch change (both are set after commit). Here they change when the write is made as well,
    as the next request after a real commit sees them."""
    from core import display_epoch
    from messaging.threads import live

    def at_once_and_after_commit(func, *args, **kwargs):
        if connection.in_atomic_block:
            func(*args, **kwargs)
        after_commit(func, *args, **kwargs)

    monkeypatch.setattr(live, "after_commit", at_once_and_after_commit)
    monkeypatch.setattr(display_epoch, "after_commit", at_once_and_after_commit)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _services_answer():
    """Each test starts with Redis (cache and broker) taken to be answering."""
    CACHE_OUTAGE.reset()
    BROKER_OUTAGE.reset()
    yield
    CACHE_OUTAGE.reset()
    BROKER_OUTAGE.reset()


@pytest.fixture
def redis_away(settings):
    """The shared cache points at a port where no Redis answers (a real refused connection)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    return port


@pytest.fixture
def buyer(db):
    return BuyerFactory(display_name="Alex Buyer")


@pytest.fixture
def seller(db):
    return SellerFactory(display_name="Sam Seller", seller_profile__shop_name="Sam's Shop")


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Attachments go to a fresh private folder per test; returns that folder."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
