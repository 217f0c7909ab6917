"""Probes: ``/healthz`` (the process answers), ``/readyz`` (its dependencies do), ``/metrics``.

``ProbeMiddleware`` answers these three paths before Django reads the Host header or redirects
to HTTPS (``SECURE_REDIRECT_EXEMPT`` names them too): a container's healthcheck and Prometheus
call them by address (``http://127.0.0.1:8000/readyz``, ``web:8000``), which ``ALLOWED_HOSTS``
would refuse with a 400. They build no links, so the Host header means nothing to them.

``/readyz`` checks PostgreSQL (``postgresql``; ``sqlite`` when embedded), Redis (the shared
cache), the Celery broker, the file storage and, when ``DATABASE_REPLICA_URL`` names one, the
read replica (``replica``) at once, each in a thread of its own, and
answers within ``READYZ_TIMEOUT_SECONDS`` whatever they do: a stopped server fails at once, a
frozen one is reported as ``timeout`` when the time is up. A check still hanging from an earlier
call is not started again (it is reported as ``timeout`` at once), so a frozen server never
piles up threads. 503 names what failed.
Nothing a user sends depends on Redis (see README, *When Redis is away*): a 503 naming only
``redis`` and ``broker`` means the site is degraded, not down.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_GET
from kombu import Connection
from redis.exceptions import TimeoutError as RedisTimeout

from core.metrics import CONTENT_TYPE, Collector, exposition, metrics_access_allowed
from core.replica import REPLICA

logger = logging.getLogger(__name__)

PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

OK, TIMEOUT, ERROR, NOT_CONFIGURED = "ok", "timeout", "error", "not configured"


def _database(timeout: float, alias: str = "default") -> str:
    # A connection of its own, made now with a connect timeout: the request's connection may
    # be fine while new ones fail, and a frozen server must not hold this thread for long.
    wrapper = connections.create_connection(alias)
    params = wrapper.get_connection_params()
    if wrapper.vendor == "postgresql":
        params["connect_timeout"] = max(2, round(timeout))  # libpq's shortest
    raw = wrapper.get_new_connection(params)
    try:
        cursor = raw.cursor()  # not a context manager in sqlite3
        cursor.execute("SELECT 1")
        cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    return OK


def _replica(timeout: float) -> str:
    # The pages that read the replica (core/replica.py) fail while it does not answer.
    return _database(timeout, REPLICA)


def _redis(timeout: float) -> str:
    # The shared cache's Redis: the broker's own, unless the cache has one of its own.
    url = settings.CACHE_REDIS_URL or settings.REDIS_URL
    if not url:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return OK


def _broker(timeout: float) -> str:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=timeout,
    ) as connection:
        # One try: the Redis transport pings the server as it opens its channel.
        connection.ensure_connection(max_retries=0)
    return OK


def _storage(timeout: float) -> str:
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = storage.location
        os.makedirs(location, exist_ok=True)
        if not os.access(location, os.W_OK | os.X_OK):
            raise PermissionError(f"{location} is not writable")
        return OK
    storage.exists("readyz-probe")  # object storage: one HEAD request
    return OK


CHECKS: dict[str, Callable[[float], str]] = {
    "database": _database,
    "redis": _redis,
    "broker": _broker,
    "storage": _storage,
    "replica": _replica,
}


def checks_configured() -> tuple[str, ...]:
    """Every check, but the replica's only when ``DATABASE_REPLICA_URL`` names one."""
    configured = connections.settings
    return tuple(name for name in CHECKS if name != "replica" or REPLICA in configured)


# The checks still running from an earlier call (a frozen server), by name.
_RUNNING: dict[str, threading.Thread] = {}
_RUNNING_LOCK = threading.Lock()


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def failed(self) -> list[str]:
        return [name for name, state in self.checks.items() if state in (TIMEOUT, ERROR)]

    @property
    def is_ready(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.is_ready else "unavailable",
            "checks": self.checks,
            "failed": self.failed,
        }


def readiness_check(
    *, names: Sequence[str] | None = None, timeout: float | None = None
) -> Readiness:
    """Run the named checks at once; each answers ok, not configured, error or timeout."""
    names = checks_configured() if names is None else names
    timeout = settings.READYZ_TIMEOUT_SECONDS if timeout is None else timeout
    results: dict[str, str] = {}
    started: dict[str, threading.Thread] = {}
    # The clients' own timeouts end a hanging check a little after the answer is given.
    client_timeout = timeout + 0.5

    def run(name: str) -> None:
        try:
            results[name] = CHECKS[name](client_timeout)
        # Whatever a client library raises (a database, Redis, kombu or boto error, an OSError)
        # means the same here: that dependency does not answer.
        except Exception as error:
            logger.warning("readiness check %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = TIMEOUT if isinstance(error, TimeoutError | RedisTimeout) else ERROR
        finally:
            connections.close_all()  # this thread's own, if a check opened one
            with _RUNNING_LOCK:
                _RUNNING.pop(name, None)

    with _RUNNING_LOCK:
        for name in names:
            if name in _RUNNING:
                continue  # still hanging since an earlier call
            thread = threading.Thread(target=run, args=(name,), name=f"readyz-{name}", daemon=True)
            _RUNNING[name] = started[name] = thread
            thread.start()
    deadline = time.monotonic() + timeout
    for thread in started.values():
        thread.join(max(0.0, deadline - time.monotonic()))
    return Readiness({_label(name): results.get(name, TIMEOUT) for name in names})


def _label(name: str) -> str:
    # The database is named by what it is: "postgresql" (or "sqlite" when running embedded).
    return connections["default"].vendor if name == "database" else name


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers: no database, no network."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """PostgreSQL, Redis, the broker and the file storage answer: 200, else 503 naming which."""
    readiness = readiness_check()
    return JsonResponse(readiness.to_dict(), status=200 if readiness.is_ready else 503)


@require_GET
def metrics(request: HttpRequest, collectors: Sequence[Collector] = ()) -> HttpResponse:
    """The service's metrics in Prometheus' text format, for allowed callers only (else 404)."""
    allowed = metrics_access_allowed(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        authorization=request.headers.get("Authorization", ""),
        behind_proxies=settings.TRUSTED_PROXY_COUNT > 0,
    )
    if not allowed:
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return HttpResponse(exposition(collectors), content_type=CONTENT_TYPE)


class ProbeMiddleware:
    """Answer the probes before host validation and the HTTPS redirect (see the docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info not in PROBE_PATHS:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        request.resolver_match = match
        response: HttpResponseBase = match.func(request, *match.args, **match.kwargs)
        return response
