"""Fixed-window rate limits, counted in the shared cache (Redis) or, while it is away, in SQL.

A limit never turns into an error page: when Redis is down or frozen the same windows are
counted in ``RateLimitWindow`` rows (one upsert per hit), so sends go on at the same pace, and
the counts start afresh in Redis once it is back.
"""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts.models import RateLimitWindow
from core.cache import CacheUnavailable, cache_call
from core.errors import RateLimited


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def rate_limit_hit(*, scope: str, ident: object, rate: str | None = None) -> None:
    """Count one action for ``ident``; refuse it once the window's allowance is used up."""
    allowed, window = parse_rate(rate or settings.MESSAGE_SEND_RATE)
    now = int(time.time())
    window_start = now - now % window
    key = f"ratelimit:{scope}:{ident}:{window_start}"
    try:
        used = cache_call(_cache_count, key, window)
    except CacheUnavailable:
        used = _database_count(key, expires_at=window_start + window)
    if used > allowed:
        raise RateLimited(retry_after=max(1, window_start + window - now))


def _cache_count(key: str, window: int) -> int:
    # add() then incr() is atomic on Redis and in the local cache; no read-modify-write race.
    cache.add(key, 0, timeout=window + 5)
    try:
        return int(cache.incr(key))
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=window + 5)
        return 1


def _database_count(key: str, *, expires_at: int) -> int:
    # One statement that inserts or increments and says the new count: concurrent hits of one
    # window meet at the primary key, as they meet at one Redis key.
    table = connection.ops.quote_name(RateLimitWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [key, datetime.fromtimestamp(expires_at, tz=UTC)],
        )
        row = cursor.fetchone()
    return int(row[0])


def rate_limit_windows_purge(*, now: datetime | None = None) -> int:
    """Delete the database windows that have ended; returns how many."""
    deleted, _ = RateLimitWindow.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
