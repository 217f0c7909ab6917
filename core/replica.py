"""Read replicas: the reads a page allows go to ``replica``, everything else to the primary.

With ``DATABASE_REPLICA_URL`` unset there is no ``replica`` database and every query goes to
``default``, as it always did. With one, three pieces decide, all in this module:

- ``ReplicaMiddleware`` gives each request its routing state (a context variable), and after
  the response remembers, for ``REPLICA_READ_YOUR_WRITES_SECONDS``, that its user wrote.
- ``replica_reads_allow(request)``, called by a view that only shows data (inbox lists, thread
  pages, API lists), lets the rest of its GET or HEAD request read from the replica, unless
  the user wrote a moment ago (in this request or, by the remembered time, an earlier one).
- ``ReplicaRouter`` sends the reads of such a request to the replica until the request writes,
  locks (``select_for_update``) or reads inside a transaction: from then on, the rest of the
  request uses the primary. Every write goes to the primary.

Nothing else ever reads from the replica: requests whose view does not ask, Celery tasks,
management commands, the admin, sign-in.

The time of a user's last write is kept in the shared cache (Redis), keyed by user id, not in a
cookie or the session: an integrator's API calls carry a token and no cookie, and a user's other
tabs and devices share the same window. When the cache does not answer, the user reads from the
primary.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from math import ceil
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from rest_framework.request import Request

from core.cache import CacheUnavailable, cache_call

REPLICA = "replica"

SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class RequestReads:
    """Where one request's reads go."""

    replica: bool = False  # its view allowed the replica
    pinned: bool = False  # it wrote, locked or opened a transaction: the primary from then on

    @property
    def uses_replica(self) -> bool:
        return self.replica and not self.pinned


_reads: ContextVar[RequestReads | None] = ContextVar("replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def request_reads() -> Iterator[RequestReads]:
    """Route the queries run inside this block as one request's (the middleware's scope)."""
    state = RequestReads()
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)


def _written_key(user_id: object) -> str:
    return f"replica:written:{user_id}"


def user_wrote_recently(user_id: object) -> bool:
    """Whether the user wrote less than REPLICA_READ_YOUR_WRITES_SECONDS ago (or we cannot tell)."""
    try:
        written_at = cache_call(cache.get, _written_key(user_id))
    except CacheUnavailable:
        return True
    window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
    return written_at is not None and time.time() - float(written_at) < window


def user_wrote(user_id: object) -> None:
    """Remember that the user wrote now: their reads use the primary for the next few seconds."""
    window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
    if window <= 0:
        return
    with suppress(CacheUnavailable):
        cache_call(cache.set, _written_key(user_id), time.time(), ceil(window) + 1)


def replica_reads_allow(request: HttpRequest | Request) -> bool:
    """Let the rest of this GET or HEAD request read from the replica, if the user's writes allow.

    Call it from a view that only shows data, after authentication (a DRF handler: the token's
    user). Returns whether the replica will be read.
    """
    state = _reads.get()
    if state is None or state.pinned or request.method not in SAFE_METHODS:
        return False
    if not replica_configured():
        return False
    user = request.user
    if user is not None and user.is_authenticated and user_wrote_recently(user.pk):
        return False
    state.replica = True
    return True


class ReplicaRouter:
    """Reads of a request that allowed the replica go to it; every other query to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # Always a database, never None: Django would otherwise read a related object from the
        # database its instance came from, the replica, after the request wrote.
        state = _reads.get()
        if state is None or not state.uses_replica:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            state.pinned = True
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # Also asked for select_for_update(), get_or_create() and deletes.
        state = _reads.get()
        if state is not None:
            state.pinned = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReplicaMiddleware:
    """Give each request its routing state; remember for a few seconds a user who wrote.

    After AuthenticationMiddleware: the session and the user are read from the primary before
    any view can allow the replica.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None:
            # Load the session and the user now, from the primary: a sign-in a moment ago may
            # not have reached the replica yet.
            bool(user.is_authenticated)
        with request_reads() as state:
            response = self.get_response(request)
        if state.pinned:
            # An API request's user is the token's (DRF sets it on this request too).
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_wrote(user.pk)
        return response
