"""The messages of a thread page, each rendered once and then served from the cache.

A stored message's HTML depends only on what its cache key holds: the message (status, kind,
time, text), its sender's public name, its files (with whether a thumbnail exists yet),
whether the reader sent it, the reader's language and time zone, and the item template itself.
Any change to one of these is a new key, so a cached item is never stale. The one part that
is personal to a session, the report form with its CSRF token, is never cached: such items are
rendered every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from messaging.models import Message, MessageStatus

ITEM_TEMPLATE = "includes/message_item.html"
CACHE_SECONDS = 7 * 24 * 3600


def _item_key(message: Message, *, reader_id: int | None, version: str) -> str:
    files = [
        (f.pk, f.name, f.size, bool(f.thumbnail), f.is_inline_safe)
        for f in message.attachments.all()
    ]
    shown = (
        message.pk,
        message.status,
        message.kind,
        message.created_at.isoformat(),
        message.body,
        message.sender_id == reader_id,
        message.sender.public_name if message.sender is not None else None,
        files,
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"message-item:{version}:{message.pk}:{digest}"


def _has_report_form(
    message: Message, *, reader_id: int | None, context: Mapping[str, Any]
) -> bool:
    # The same condition as the template's: the other side's delivered messages, for buyers.
    return bool(
        context.get("report_form")
        and message.sender_id
        and message.sender_id != reader_id
        and message.status == MessageStatus.DELIVERED
    )


def message_items(
    *, request: HttpRequest, messages: Iterable[Message], context: Mapping[str, Any]
) -> list[SafeString]:
    """Return each message's ``<li>``, from the cache where it can be, in one cache round trip.

    ``context`` is what the item template needs besides the message (the thread and, for
    buyers, the report form). Messages must come with ``sender`` and ``attachments`` loaded.
    """
    template = get_template(ITEM_TEMPLATE)
    version = hashlib.sha256(template.template.source.encode()).hexdigest()[:16]  # type: ignore[attr-defined]
    reader_id = request.user.pk
    messages = list(messages)
    keys = {
        message.pk: _item_key(message, reader_id=reader_id, version=version)
        for message in messages
        if not _has_report_form(message, reader_id=reader_id, context=context)
    }
    cached: dict[str, str] = cache.get_many(keys.values()) if keys else {}
    base = {**context, "user": request.user, "csrf_token": get_token(request)}
    items: list[SafeString] = []
    fresh: dict[str, str] = {}
    for message in messages:
        key = keys.get(message.pk)
        html = cached.get(key) if key is not None else None
        if html is None:
            # No request: the page's context processors (its queries) are not run per item.
            html = template.render({**base, "message": message})
            if key is not None:
                fresh[key] = html
        items.append(mark_safe(html))  # noqa: S308 - rendered by the template engine
    if fresh:
        cache.set_many(fresh, CACHE_SECONDS)
    return items
