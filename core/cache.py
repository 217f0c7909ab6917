"""The shared cache (Redis in production) as a helper that may be away for a while.

Nothing a user sends depends on the cache: when Redis is down or frozen, callers degrade (pages
render without cached fragments, limits are counted in the database) instead of failing.
"""

from collections.abc import Callable
from typing import TypeVar

from redis.exceptions import RedisError

from core.outage import Outage

T = TypeVar("T")

CACHE_OUTAGE = Outage("shared cache")


class CacheUnavailable(Exception):
    """The shared cache did not answer (or failed a moment ago); the caller degrades."""


def cache_call(func: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Call a cache operation, or raise ``CacheUnavailable`` if the cache is away."""
    if CACHE_OUTAGE.is_resting():
        raise CacheUnavailable
    try:
        return func(*args, **kwargs)
    except RedisError as error:
        CACHE_OUTAGE.failed(error)
        raise CacheUnavailable from error
