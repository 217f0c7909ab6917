"""What the whole-page caches share (the inbox, ``inbox_page``; the thread page, ``thread_page``).

- The code of a page: its templates and all they extend and include (found by walking them),
  and the source files that shape its HTML, as one digest in the page's key, so a deploy
  never serves a page rendered by the code before it.
- The clock: when a time a page shows first reads differently ("5 minutes ago", "today at",
  a countdown), which bounds how long a rendered page is kept.
- A page with flash messages is never cached or served from the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.core.cache import cache
from django.http import HttpRequest
from django.template.base import Template as EngineTemplate
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils import timezone

from core.cache import CacheUnavailable, cache_call
from messaging.clock.deadline import due_time

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def _template_names(name: str, found: set[str]) -> None:
    if name in found:
        return
    found.add(name)
    template: EngineTemplate = get_template(name).template  # type: ignore[attr-defined]
    for node in template.nodelist.get_nodes_by_type(ExtendsNode):
        _constant_name(getattr(node, "parent_name", None), found)
    for node in template.nodelist.get_nodes_by_type(IncludeNode):
        _constant_name(getattr(node, "template", None), found)


def _constant_name(expression: Any, found: set[str]) -> None:
    name = getattr(expression, "var", None)
    if isinstance(name, str):
        _template_names(name, found)


def code_digest(templates: Iterable[str], sources: Iterable[str], *settings_shown: str) -> str:
    """A digest of a page's code: its templates (and all they reach), the source files matching
    ``sources`` (globs under the project), and the settings it shows (as text)."""
    names: set[str] = set()
    for name in templates:
        _template_names(name, names)
    digest = hashlib.sha256()
    for name in sorted(names):
        source: str = get_template(name).template.source  # type: ignore[attr-defined]
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    base = Path(settings.BASE_DIR)
    for pattern in sources:
        for path in sorted(base.glob(pattern)):
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    for shown in settings_shown:
        digest.update(shown.encode() + b"\0")
    return digest.hexdigest()[:20]


def entry_get(key: str, now: float) -> dict[str, Any] | None:
    """The page stored under ``key`` while its times still read the same at ``now`` (a POSIX
    timestamp, on the clock its "until" was written by); None otherwise, or with the cache away.
    """
    with suppress(CacheUnavailable):
        entry = cache_call(cache.get, key)
        if isinstance(entry, dict) and entry.get("until", 0) > now:
            return entry
    return None


def has_flash(request: HttpRequest) -> bool:
    # Counted, not iterated: the messages stay for the page that shows them.
    return bool(len(flash.get_messages(request)))


def next_minute_of(moment: datetime, now: datetime) -> datetime:
    """The first instant after ``now`` a whole number of minutes away from ``moment``."""
    return moment + ((now - moment) // MINUTE + 1) * MINUTE


def next_midnight(now: datetime) -> datetime:
    zone = timezone.get_current_timezone()
    tomorrow = timezone.localtime(now, zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, day_time(0), tzinfo=zone)


def moment_changes_at(moment: datetime, now: datetime) -> datetime | None:
    """When ``moment_text(moment)`` first reads differently after ``now`` (None: never).

    "just now" and "5 minutes ago" (and a moment still to come) change on the minute from the
    moment; "today at" and "yesterday at" at the next midnight; a date is a date for good.
    """
    if moment - now > MINUTE:
        return moment - MINUTE  # its date and time, until a minute before it ("just now")
    if now - moment < HOUR:
        return next_minute_of(moment, now)
    days = (timezone.localtime(now).date() - timezone.localtime(moment).date()).days
    return next_midnight(now) if days <= 1 else None


def countdown_changes_at(needs_response_since: datetime, now: datetime) -> datetime:
    """When a countdown's text or state may first change after ``now``: on its due minute."""
    return next_minute_of(due_time(needs_response_since), now)
