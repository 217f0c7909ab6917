"""Celery tasks carry the request id, and each run is one JSON log line and two metrics.

Publishing adds the current request id to the task's headers (``request_id``); running binds
it again, so whatever the task logs and enqueues — a retry, a delivery enqueued by a sweep —
carries it. A task published outside any request (beat's schedule) runs under an id of its own.

The worker's logging is Django's ``LOGGING`` (JSON lines, scrubbed): Celery is told not to set
up its own, and its per-task "received"/"succeeded" lines give way to the one line written here.
"""

import logging
import logging.config
import time
from typing import Any

from celery import Task
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
)
from django.conf import settings

from core.logs import REQUEST_ID, request_id_accept
from core.metrics import TASK_DURATION, TASKS, exporter_start

logger = logging.getLogger("messagecenter.task")

# task id → (the context token to reset, when it started), innermost last: a retry run eagerly
# (Task.apply, in tests) starts again inside the run it retries.
_running: dict[str, list[tuple[Any, float]]] = {}


def _publish_with_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = REQUEST_ID.get()
    if headers is not None and request_id and not headers.get("request_id"):
        headers["request_id"] = request_id


def _given_request_id(task: Task | None) -> str | None:
    if task is None:
        return None
    # A worker reads a message's headers onto the request; Task.apply keeps them apart.
    given = getattr(task.request, "request_id", None)
    if given is None:
        given = (getattr(task.request, "headers", None) or {}).get("request_id")
    return given if isinstance(given, str) else None


def _task_started(task_id: str = "", task: Task | None = None, **_: Any) -> None:
    token = REQUEST_ID.set(request_id_accept(_given_request_id(task)))
    _running.setdefault(task_id, []).append((token, time.perf_counter()))


def _task_finished(
    task_id: str = "", task: Task | None = None, state: str | None = None, **_: Any
) -> None:
    runs = _running.get(task_id) or [(None, time.perf_counter())]
    token, started = runs.pop()
    if not runs:
        _running.pop(task_id, None)
    seconds = time.perf_counter() - started
    name = task.name if task is not None else "unknown"
    final = state or "UNKNOWN"
    TASKS.labels(task=name, state=final).inc()
    TASK_DURATION.labels(task=name).observe(seconds)
    retries = task.request.retries if task is not None else 0
    logger.info(
        "task",
        extra={
            "task": name,
            "task_id": task_id,
            "state": final,
            "retries": retries,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    if token is not None:
        REQUEST_ID.reset(token)


def _logging_from_django(**_: Any) -> None:
    logging.config.dictConfig(settings.LOGGING)


def _exporter_for_worker(**_: Any) -> None:
    if settings.METRICS_PORT:
        exporter_start(port=settings.METRICS_PORT, host=settings.METRICS_HOST)


def connect() -> None:
    """Wire the request id, the task log lines and metrics, and logging into this Celery app."""
    before_task_publish.connect(_publish_with_request_id, weak=False)
    task_prerun.connect(_task_started, weak=False)
    task_postrun.connect(_task_finished, weak=False)
    setup_logging.connect(_logging_from_django, weak=False)
    worker_init.connect(_exporter_for_worker, weak=False)
