"""Every request: an id (the caller's ``X-Request-ID`` if sane), a JSON log line, a latency.

The id is echoed in the response's ``X-Request-ID`` and bound for the whole request, so every
record logged meanwhile and every Celery task enqueued carries it (``core.logs``,
``core.task_observability``). The log line names the view, never the query string (search
terms are what people typed); the probes answering 200 are not logged, a healthcheck every few
seconds would drown the rest.
"""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import empty

from core.logs import REQUEST_ID_HEADER, request_id_accept, request_id_bound
from core.metrics import REQUEST_DURATION
from core.probes import PROBE_PATHS

logger = logging.getLogger("messagecenter.request")

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "<unmatched>"


def _user_id(request: HttpRequest) -> int | None:
    # Only a user already loaded: reading request.user here would cost a session query.
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if user is None or wrapped is empty:
        return None
    return getattr(wrapped, "pk", None)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_accept(request.headers.get(REQUEST_ID_HEADER))
        started = time.perf_counter()
        with request_id_bound(request_id):
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            view = _view_name(request)
            method = request.method if request.method in _METHODS else "OTHER"
            assert method is not None
            status = response.status_code
            REQUEST_DURATION.labels(view=view, method=method, status=str(status)).observe(seconds)
            response[REQUEST_ID_HEADER] = request_id
            if request.path_info not in PROBE_PATHS or status >= 400:
                logger.info(
                    "request",
                    extra={
                        "method": method,
                        "path": request.path_info,
                        "view": view,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                        "user_id": _user_id(request),
                    },
                )
        return response
