"""A fixed-window send limit kept in the shared cache (Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache

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
    # add() then incr() is atomic on Redis and in the local cache; no read-modify-write race.
    cache.add(key, 0, timeout=window + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=window + 5)
        used = 1
    if used > allowed:
        raise RateLimited(retry_after=max(1, window_start + window - now))
