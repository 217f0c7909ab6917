"""Structured logs: one JSON object per line, carrying the request id, with nothing personal.

Every process (web, worker, beat, the SMTP listener) writes its log records as JSON lines on
stderr (``LOG_FORMAT=text`` for plain lines while developing). A record carries the id of the
request it belongs to: the web request's (``X-Request-ID``, accepted when sane, else made
here), which travels into the Celery tasks the request enqueues (a task header) and from there
into the tasks those enqueue, such as an email's delivery.

What must never reach a log: message bodies (no code logs them), email addresses and secrets.
Code logs ids and codes, not addresses; as a second line of defence every string of every
record is scrubbed before it is written — addresses, bearer tokens, the project's own token
formats (``mc_…`` API tokens, ``whsec_…`` webhook secrets), ``password=``-style pairs and the
credentials in URLs — since an SMTP server's refusal or a library's exception may quote them.
"""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
REQUEST_ID_HEADER = "X-Request-ID"
# What a client's or a proxy's X-Request-ID may be to be kept (UUIDs, nginx's $request_id,
# AWS trace ids): short, and nothing that could break a log line or a header.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+-]{0,127}")

_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # user:password@ in a URL (a broker or database address in an error).
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]*@"), r"\1[redacted]@"),
    (re.compile(r"(?i)\bbearer\s+[^\s,;\"']+"), "Bearer [redacted]"),
    (re.compile(r"\b(?:mc|whsec)_[A-Za-z0-9_-]{6,}"), "[token]"),
    (
        re.compile(
            r"(?i)\b(token|secret|password|passwd|signature|api_?key|sessionid|csrftoken)"
            r"(\s*[=:]\s*)[^\s&;,\"']+"
        ),
        r"\1\2[redacted]",
    ),
    # An address: the domain has a dot, so a Celery node name (celery@host) stays readable.
    (re.compile(r"[\w.+%'!#$&*/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
)


def redact(text: str) -> str:
    """The text without email addresses, tokens, secrets or credentials in URLs."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    return value


def request_id_accept(value: str | None) -> str:
    """The caller's request id if it is sane, else a new one."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


@contextmanager
def request_id_bound(request_id: str) -> Iterator[str]:
    """Tag every record logged (and every task enqueued) inside the block with this id."""
    token = REQUEST_ID.set(request_id)
    try:
        yield request_id
    finally:
        REQUEST_ID.reset(token)


class JsonLogFormatter(JsonFormatter):
    """A record as one JSON line: time, level, logger, message, extras and the request id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        request_id = log_data.get("request_id") or REQUEST_ID.get()
        if request_id:
            log_data["request_id"] = request_id

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
        return {key: _scrubbed(value) for key, value in log_data.items()}


class RedactingTextFormatter(logging.Formatter):
    """Plain lines for reading while developing (``LOG_FORMAT=text``), scrubbed the same way."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = REQUEST_ID.get()
        return redact(f"{line} [{request_id}]" if request_id else line)
