"""A site-wide epoch of what cached pages show about other people and things.

A page cached per user (the inbox, messaging/threads/inbox_page.py) is keyed by that user's
own inbox version, which every write to their side of a thread changes. What the page also
shows of others (a counterpart's or a team member's name, a shop's name, a product's title and
picture, a shop's team and roles, a restriction in force) changes without touching anyone's
inbox version: such writes start a new epoch instead, and every cached page keyed by the old
one is never served again. They are rare (a name or a product edited), so one epoch for the
whole site costs little.

The epoch is a random token kept in the shared cache without expiry. Lost (evicted, or the
cache emptied), a new random one starts on the next read, so no old page matches it.
"""

import secrets
from contextlib import suppress

from django.core.cache import cache

from core.cache import CacheUnavailable, cache_call
from core.on_commit import after_commit

EPOCH_KEY = "display_epoch"


def display_epoch_new() -> str:
    return secrets.token_hex(6)


def display_epoch_bump() -> None:
    """Start a new epoch once the current transaction commits (as ``inbox_version_bump``)."""
    after_commit(_epoch_set)


def _epoch_set() -> None:
    # The cache away: the pages it held are gone with it, or expire within their own time.
    with suppress(CacheUnavailable):
        cache_call(cache.set, EPOCH_KEY, display_epoch_new(), None)
