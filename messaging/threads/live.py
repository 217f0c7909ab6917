"""Live inbox pages: a version per user in the shared cache, changed whenever their rows change.

An open inbox asks every few seconds whether anything changed (``inbox_updates`` in views). It
holds the version it was last told; while the cache still holds that version, nothing changed
and the answer costs no query. Every write that changes a user's side of a thread (a delivered
message, read, archived, deleted, answered) gives that user a new version once it commits, and
their open pages then ask the database. The version also keys the
user's cached inbox pages (messaging/threads/inbox_page.py).

The version lives ``VERSION_SECONDS`` only: a new one starts when it is gone, so a change whose
new version was lost (the cache away at that moment) reaches the pages within that time. With
the cache away, every question goes to the database.
"""

import secrets
from collections.abc import Iterable
from contextlib import suppress

from django.core.cache import cache

from core.cache import CacheUnavailable, cache_call
from core.display_epoch import EPOCH_KEY, display_epoch_new
from core.on_commit import after_commit

VERSION_SECONDS = 60


def _key(user_id: int) -> str:
    return f"inbox_version:{user_id}"


def _new_version() -> str:
    return secrets.token_hex(6)


def inbox_version_bump(*, user_ids: Iterable[int]) -> None:
    """Give each user's inbox a new version once the current transaction commits.

    A page read before that, from what was committed before, is keyed by the old version and
    never served after the new one is set.
    """
    after_commit(_versions_set, sorted(set(user_ids)))


def _versions_set(user_ids: list[int]) -> None:
    version = _new_version()
    # The cache away: the old version expires within VERSION_SECONDS and pages ask again.
    with suppress(CacheUnavailable):
        cache_call(cache.set_many, {_key(pk): version for pk in user_ids}, VERSION_SECONDS)


def inbox_version_get(*, user_id: int) -> str:
    """Return the user's inbox version, starting one if there is none.

    Raise ``CacheUnavailable`` when the cache does not answer. Read it *before* the database:
    a change that commits after the read gives a new version, so it is never missed.
    """
    key = _key(user_id)
    version = cache_call(cache.get, key)
    if version is None:
        # Two pages starting one at once agree on whichever was stored first.
        cache_call(cache.add, key, _new_version(), VERSION_SECONDS)
        version = cache_call(cache.get, key)
    return str(version or "")


def inbox_version_and_epoch_get(*, user_id: int) -> tuple[str, str]:
    """Return the user's inbox version and the site's display epoch, in one cache round trip.

    Either is started if there is none (see ``inbox_version_get`` and core/display_epoch.py).
    Raise ``CacheUnavailable`` when the cache does not answer; read them *before* the database.
    """
    key = _key(user_id)
    found = cache_call(cache.get_many, [key, EPOCH_KEY])
    if key not in found or EPOCH_KEY not in found:
        # Two pages starting one at once agree on whichever was stored first.
        if key not in found:
            cache_call(cache.add, key, _new_version(), VERSION_SECONDS)
        if EPOCH_KEY not in found:
            cache_call(cache.add, EPOCH_KEY, display_epoch_new(), None)
        found = cache_call(cache.get_many, [key, EPOCH_KEY])
    return str(found.get(key) or ""), str(found.get(EPOCH_KEY) or "")
