"""The thread page's list of messages, rendered once per state of the thread, then cached.

The caller gives the list's version: a digest of the rows it shows, as the database holds
them (``thread_page``: every message of the thread, their files, and the names of the people
who wrote them), read before the list is. Everything else an item shows is in the key
itself: the reader, their side (and the Trash purge they emptied), their language and time
zone, the templates' text, whether the reader is offered report forms and when they
reported each message they did. A change to any of these is a new key, so a list stored
under an old one is never served again. Without a version (a POST, the cache away), the list
is rendered from the database. A list read from a replica is shown but not stored.

Times that read relative to now ("5 minutes ago") are kept with the list and computed again
when it is served: a list whose times read differently now is rendered again. A list holds
the CSRF field of the forms in it (Undo under a message being sent, the report forms) as a
stand-in, replaced at serve time by the field of the request it is served to (or the
stand-in the caller gives): a token is never served to another session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, router
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.cache import CacheUnavailable, cache_call
from messaging.models import Message, MessageStatus, Participant
from messaging.threads import fragments

# A list lives this long in the cache.
LIST_SECONDS = 24 * 3600

LIST_TEMPLATES = (fragments.MESSAGE_TEMPLATE,)

# What the template engine renders for ``{% csrf_token %}``, and the stand-in token cached in
# its place. A message's text cannot produce the field: its quotes and brackets are escaped.
_CSRF_FIELD = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_CSRF_STAND_IN = "csrf-token-of-the-request"
_CSRF_STAND_IN_FIELD = _CSRF_FIELD.format(_CSRF_STAND_IN)


@dataclass(frozen=True)
class MessageList:
    """The thread page's list, as shown to one reader."""

    html: SafeString
    # The latest message shown (0: none).
    last_message_id: int
    # ``(kind, sender_role)`` of the delivered messages shown (``reply_refusal``).
    delivered: frozenset[tuple[str, str]]
    # The times shown that read relative to now ("5 minutes ago").
    moments: tuple[datetime, ...]
    # The messages, when they were read to render the list (not when it came from the cache).
    messages: list[Message] | None = None


def _template_text() -> str:
    return "\0".join(fragments.template_version(name) for name in LIST_TEMPLATES)


def _moments(messages: Sequence[Message], now: datetime) -> list[tuple[datetime, str]]:
    """The times of the list that read relative to now, as they read now."""
    return [
        (message.created_at, fragments.moment_text_now(message.created_at, now))
        for message in messages
        if not fragments.moment_is_settled(message.created_at, now)
    ]


def _still_reads(moments: list[tuple[datetime, str]], now: datetime) -> bool:
    return all(fragments.moment_text_now(at, now) == text for at, text in moments)


def _served(
    entry: Mapping[str, Any],
    request: HttpRequest,
    token: str | None,
    messages: list[Message] | None = None,
) -> MessageList:
    html: str = entry["html"]
    if _CSRF_STAND_IN_FIELD in html:
        field = format_html(_CSRF_FIELD, token if token is not None else get_token(request))
        html = html.replace(_CSRF_STAND_IN_FIELD, field)
    return MessageList(
        html=mark_safe(html),  # noqa: S308 - rendered by the template engine
        last_message_id=entry["last"],
        delivered=frozenset(entry["delivered"]),
        moments=tuple(at for at, _text in entry["moments"]),
        messages=messages,
    )


def message_list_shown(
    *,
    request: HttpRequest,
    participant: Participant,
    load: Callable[[], list[Message]],
    context: Mapping[str, Any],
    version: str | None,
    csrf_token: str | None = None,
) -> MessageList:
    """The thread's messages as the page lists them to this reader, from the cache if there.

    ``load`` reads the messages (as ``message_list_for_thread_page``), only when the list is
    rendered; ``context`` is what ``fragments.message_items`` needs besides them; ``version``
    the digest of what the list shows (None: not cached). ``csrf_token``: what the forms in
    it carry (by default, the request's token).
    """
    thread = participant.thread
    now = timezone.now()
    key: str | None = None
    if version is not None:
        reported: Mapping[int, datetime] = context.get("reported") or {}
        shown = (
            version,
            request.user.pk,
            participant.pk,
            participant.role,
            participant.purged_at.isoformat() if participant.purged_at else None,
            bool(context.get("report_form")),
            sorted((pk, at.isoformat()) for pk, at in reported.items()),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            _template_text(),
        )
        key = f"thread_messages:{thread.pk}:" + hashlib.sha256(repr(shown).encode()).hexdigest()
        entry: dict[str, Any] | None = None
        with suppress(CacheUnavailable):
            entry = cache_call(cache.get, key)
        if entry is not None and _still_reads(entry["moments"], now):
            return _served(entry, request, csrf_token)
    messages = load()
    if router.db_for_read(Message) != DEFAULT_DB_ALIAS:
        # Read from a replica, which may lag behind the version: shown, never stored.
        key = None
    items = fragments.message_items(
        request=request,
        messages=messages,
        context=context,
        csrf_token=_CSRF_STAND_IN,
        now=now,
    )
    entry = {
        "html": "".join(items),
        "last": max((message.pk for message in messages), default=0),
        "delivered": sorted(
            {
                (message.kind, message.sender_role)
                for message in messages
                if message.status == MessageStatus.DELIVERED
            }
        ),
        "moments": _moments(messages, now),
    }
    if key is not None:
        with suppress(CacheUnavailable):
            cache_call(cache.set, key, entry, LIST_SECONDS)
    return _served(entry, request, csrf_token, messages)
