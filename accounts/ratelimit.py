"""Fixed-window rate limits, counted in the shared cache (Redis) or, while it is away, in SQL.

A limit never turns into an error page: when Redis is down or frozen the same windows are
counted in ``RateLimitWindow`` rows (one upsert per hit), so sends go on at the same pace, and
the counts start afresh in Redis once it is back.

``rate_limit_hit`` counts an action and refuses it past the allowance. The guessing limits
(``accounts.guessing``) count failures only (``rate_limit_count``) and check, without counting,
whether a window is used up before an attempt is even looked at (``rate_limit_peek``).
"""

import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Window:
    """One counter's current fixed window: how much of its allowance is used, and until when."""

    used: int
    allowed: int
    ends_at: int  # Unix time

    @property
    def exhausted(self) -> bool:
        """Whether the allowance is used up: the next action in this window is refused."""
        return self.used >= self.allowed

    def retry_after(self) -> int:
        """Seconds until the window ends (at least one)."""
        return max(1, self.ends_at - int(time.time()))


def _window(scope: str, ident: object, rate: str) -> tuple[str, int, int, int]:
    allowed, seconds = parse_rate(rate)
    now = int(time.time())
    window_start = now - now % seconds
    return f"ratelimit:{scope}:{ident}:{window_start}", allowed, seconds, window_start + seconds


def rate_limit_count(*, scope: str, ident: object, rate: str) -> Window:
    """Count one action for ``ident`` and return its window; refuses nothing itself."""
    key, allowed, seconds, ends_at = _window(scope, ident, rate)
    try:
        used = cache_call(_cache_count, key, seconds)
    except CacheUnavailable:
        used = _database_count(key, expires_at=ends_at)
    return Window(used=used, allowed=allowed, ends_at=ends_at)


def rate_limit_peek(*, scope: str, ident: object, rate: str) -> Window:
    """Read ``ident``'s current window without counting anything."""
    key, allowed, _seconds, ends_at = _window(scope, ident, rate)
    try:
        used = int(cache_call(cache.get, key) or 0)
    except CacheUnavailable:
        stored = RateLimitWindow.objects.filter(key=key).values_list("count", flat=True).first()
        used = stored or 0
    return Window(used=used, allowed=allowed, ends_at=ends_at)


def rate_limit_clear(*, scope: str, ident: object, rate: str) -> None:
    """Forget what ``ident``'s current window has counted (e.g. after a successful sign-in)."""
    key, *_rest = _window(scope, ident, rate)
    try:
        cache_call(cache.delete, key)
    except CacheUnavailable:
        RateLimitWindow.objects.filter(key=key).delete()


def rate_limit_hit(*, scope: str, ident: object, rate: str | None = None) -> None:
    """Count one action for ``ident``; refuse it once the window's allowance is used up."""
    window = rate_limit_count(scope=scope, ident=ident, rate=rate or settings.MESSAGE_SEND_RATE)
    if window.used > window.allowed:
        raise RateLimited(retry_after=window.retry_after())


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
