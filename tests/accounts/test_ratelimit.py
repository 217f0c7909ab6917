"""Rate limits are counted in Redis, and in the database while Redis does not answer."""

from datetime import UTC, datetime
from unittest import mock

import pytest

from accounts.models import RateLimitWindow
from accounts.ratelimit import rate_limit_hit, rate_limit_windows_purge
from core.cache import CACHE_OUTAGE
from core.errors import RateLimited

pytestmark = pytest.mark.django_db

FROZEN = 1_800_000_000.0  # a window boundary for a 60-second window: 1_800_000_000 % 60 == 0


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("accounts.ratelimit.time.time", return_value=FROZEN + 10):
        yield


def test_with_redis_away_the_limit_is_counted_in_the_database(redis_away):
    for _ in range(3):
        rate_limit_hit(scope="send", ident=7, rate="3/60")

    with pytest.raises(RateLimited) as refused:
        rate_limit_hit(scope="send", ident=7, rate="3/60")

    assert refused.value.retry_after == 50
    window = RateLimitWindow.objects.get()
    assert (window.key, window.count) == ("ratelimit:send:7:1800000000", 4)
    assert window.expires_at == datetime.fromtimestamp(FROZEN + 60, tz=UTC)
    assert CACHE_OUTAGE.is_resting()


def test_each_scope_and_person_has_its_own_database_window(redis_away):
    rate_limit_hit(scope="send", ident=7, rate="1/60")
    rate_limit_hit(scope="send", ident=8, rate="1/60")
    rate_limit_hit(scope="api_write_user", ident=7, rate="1/60")

    assert sorted(RateLimitWindow.objects.values_list("key", "count")) == [
        ("ratelimit:api_write_user:7:1800000000", 1),
        ("ratelimit:send:7:1800000000", 1),
        ("ratelimit:send:8:1800000000", 1),
    ]


def test_with_redis_answering_nothing_is_written_to_the_database():
    rate_limit_hit(scope="send", ident=7, rate="3/60")

    assert RateLimitWindow.objects.count() == 0
    assert not CACHE_OUTAGE.is_resting()


def test_ended_windows_are_purged():
    ended = datetime.fromtimestamp(FROZEN, tz=UTC)
    RateLimitWindow.objects.create(key="old", count=2, expires_at=ended)
    RateLimitWindow.objects.create(
        key="current", count=1, expires_at=datetime.max.replace(tzinfo=UTC)
    )

    assert rate_limit_windows_purge(now=datetime.fromtimestamp(FROZEN + 1, tz=UTC)) == 1
    assert list(RateLimitWindow.objects.values_list("key", flat=True)) == ["current"]
