"""Thread-page messages and inbox rows, each rendered once and then served from the cache.

A fragment's HTML depends only on what its cache key holds, so a cached fragment is never
stale: any change to what it shows is a new key.

- A message item: the message (status, kind, time, text, and for a blocked one what the
  policy found in it), its sender's public name, its files (with whether a thumbnail exists
  yet), whether the reader sent it, and when the reader reported it, if they did.
- An inbox row: the reader's side of the thread (unread count, waiting since, last activity
  and who wrote last), the other party's name, the subject, the order or product (and its
  picture's version), the last message's text, the reader's own blocked message when it is
  the latest ("Not sent", with what the policy found), the team's assignee by name, and the
  relative times as they read
  at this moment ("5 minutes ago", "3h 12m left"), so a row is rendered again when its times
  change.

Every key also holds the reader's language and time zone and the templates' own text. The one
part personal to a session, a report form with its CSRF token, is never cached: such items are
rendered every time.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from core.cache import CacheUnavailable, cache_call
from core.moments import moment_text
from messaging.clock.deadline import countdown
from messaging.models import Attachment, Message, MessageStatus, Participant
from messaging.policy.content import findings_highlight
from messaging.policy.reasons import blocked_reason
from messaging.threads.selectors import messages_not_sent_for_rows

MESSAGE_TEMPLATE = "includes/message_item.html"


ROW_TEMPLATE = "includes/inbox_row.html"


# Templates a fragment template includes: their text is part of the key too.
INCLUDED = {
    ROW_TEMPLATE: (
        "includes/countdown.html",
        "includes/product_thumbnail.html",
        "includes/trash_row.html",
    )
}


CACHE_SECONDS = 7 * 24 * 3600


# One fragment to render: the values its HTML depends on (None: never cached), its context.
Fragment = tuple[tuple[Any, ...] | None, dict[str, Any]]


def _version(template_name: str) -> str:
    sources = [
        get_template(name).template.source  # type: ignore[attr-defined]
        for name in (template_name, *INCLUDED.get(template_name, ()))
    ]
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]


# Older than this, a moment reads as its date and time whatever the clock says ("Dec 30, 2026,
# 14:05"): its day is before yesterday in every time zone.
_SETTLED = timedelta(days=3)


def _moment_text(value: datetime, now: datetime) -> str:
    """``moment_text`` as a page shows it now; a settled moment's text is computed once."""
    if now - value > _SETTLED:
        return _settled_text(
            value, translation.get_language(), timezone.get_current_timezone_name()
        )
    return moment_text(value, now=now)


@functools.lru_cache(maxsize=4096)
def _settled_text(value: datetime, language: str | None, zone: str) -> str:
    # The language and the zone are the key's: they are the active ones when it is called.
    return moment_text(value, "datetime")


def _render_cached(template_name: str, fragments: Sequence[Fragment]) -> list[SafeString]:
    """Render each fragment, or take it from the cache; one cache round trip each way."""
    template = get_template(template_name)
    version = _version(template_name)
    locale = (translation.get_language(), timezone.get_current_timezone_name())
    keys: list[str | None] = [
        None
        if shown is None
        else f"fragment:{template_name}:{version}:"
        + hashlib.sha256(repr((shown, locale)).encode()).hexdigest()
        for shown, _context in fragments
    ]
    wanted = [key for key in keys if key is not None]
    cached: dict[str, str] = {}
    # The cache away: every fragment is rendered, and the page still shows.
    if wanted:
        with suppress(CacheUnavailable):
            cached = cache_call(cache.get_many, wanted)
    html: list[SafeString] = []
    fresh: dict[str, str] = {}
    for key, (_shown, context) in zip(keys, fragments, strict=True):
        text = cached.get(key) if key is not None else None
        if text is None:
            # No request: the page's context processors (its queries) are not run per item.
            text = template.render(context)
            if key is not None:
                fresh[key] = text
        html.append(mark_safe(text))  # noqa: S308 - rendered by the template engine
    if fresh:
        with suppress(CacheUnavailable):
            cache_call(cache.set_many, fresh, CACHE_SECONDS)
    return html


def _has_report_form(message: Message, *, reader_id: int | None, report: bool) -> bool:
    # Where a report form is offered (the page gives one to buyers): under each of the other
    # side's delivered messages. The item template shows it exactly when this says so.
    return bool(
        report
        and message.sender_id
        and message.sender_id != reader_id
        and message.status == MessageStatus.DELIVERED
    )


def _team_author(message: Message, reader_id: int | None) -> str | None:
    """The name of the team member who wrote the reader's own message, if a member did."""
    if message.author_id is None or message.sender_id != reader_id:
        return None
    author = message.author
    return author.display_name if author is not None else None


def _message_files(message: Message) -> list[Attachment]:
    """A message's files: as the thread page lists them (``listed_files``), or prefetched."""
    listed: list[Attachment] | None = getattr(message, "listed_files", None)
    return listed if listed is not None else list(message.attachments.all())


def template_version(template_name: str) -> str:
    """What a fragment template's text (and the text of those it includes) keys as."""
    return _version(template_name)


def moment_text_now(value: datetime, now: datetime) -> str:
    """A message's time as its item reads at ``now`` ("5 minutes ago", a settled date)."""
    return _moment_text(value, now)


def moment_is_settled(value: datetime, now: datetime) -> bool:
    """Whether the time reads the same whatever the clock says from now on."""
    return now - value > _SETTLED


def message_items(
    *,
    request: HttpRequest,
    messages: Iterable[Message],
    context: Mapping[str, Any],
    csrf_token: str | None = None,
    now: datetime | None = None,
) -> list[SafeString]:
    """Return each message's ``<li>`` as the thread page shows it.

    ``context`` is what the item template needs besides the message (the thread and, for
    buyers, the report form and ``reported``: when the reader reported each message they
    did). Messages must come with ``sender`` and their files loaded (``attachments``
    prefetched, or ``listed_files``: ``message_list_for_thread_page``).

    A blocked message is shown to its sender folded to one line (why it was not sent), with
    its text and what the policy found in it one click away. ``csrf_token``: the token the
    forms in items carry (the request's, unless given); ``now``: the moment times read at.
    """
    reader_id = request.user.pk
    now = now or timezone.now()
    report = bool(context.get("report_form"))
    reported: Mapping[int, datetime] = context.get("reported") or {}
    token = csrf_token if csrf_token is not None else get_token(request)
    base = {**context, "user": request.user, "csrf_token": token}
    fragments: list[Fragment] = []
    for message in messages:
        reported_at = reported.get(message.pk)
        blocked = message.status == MessageStatus.BLOCKED
        files = _message_files(message)
        shown = (
            message.pk,
            message.status,
            message.kind,
            message.created_at.isoformat(),
            _moment_text(message.created_at, now),  # as it reads now: "5 minutes ago"
            message.body,
            message.sender_id == reader_id,
            message.sender.public_name if message.sender is not None else None,
            # Which member of the seller's team wrote it: the team's own view only.
            _team_author(message, reader_id),
            [(f.pk, f.name, f.size, bool(f.thumbnail), f.is_inline_safe) for f in files],
            message.findings if blocked else None,
            reported_at.isoformat() if reported_at is not None else None,
        )
        item = {
            **base,
            "message": message,
            "files": files,
            "team_author": _team_author(message, reader_id),
            "has_report_form": False,
            "reported_at": reported_at,
            "highlight": findings_highlight(message.body, message.findings) if blocked else None,
        }
        if reported_at is None and _has_report_form(message, reader_id=reader_id, report=report):
            # Not cached: the form carries this request's CSRF token.
            fragments.append((None, {**item, "has_report_form": True}))
        elif message.status == MessageStatus.SENDING:
            # Not cached either: its Undo form carries the token (only its sender sees it).
            fragments.append((None, item))
        else:
            fragments.append((shown, item))
    return _render_cached(MESSAGE_TEMPLATE, fragments)


def inbox_rows(
    *,
    rows: Iterable[Participant],
    seller_view: bool,
    now: datetime | None = None,
    assignees: Iterable[User] = (),
    held: set[int] | None = None,
) -> list[SafeString]:
    """Return each inbox row's ``<li>``; threads must come with what a row shows loaded.

    ``assignees``: the people of a seller's team; a row assigned to one of them names them.
    ``held`` gets the threads whose row may change with a message of the reader's that
    leaves no other trace: one still in its undo time (taken back, an earlier one not sent
    shows again), or a row showing one not sent (a newer held one hides it).
    """
    now = now or timezone.now()
    names = {person.pk: person.display_name for person in assignees}
    rows = list(rows)
    not_sent = messages_not_sent_for_rows(rows=rows, held=held)
    if held is not None:
        held.update(not_sent)
    fragments: list[Fragment] = []
    for row in rows:
        thread = row.thread
        blocked = not_sent.get(thread.pk)
        not_sent_reason = blocked_reason(blocked.categories) if blocked is not None else None
        due = (
            countdown(row.needs_response_since, now)
            if row.needs_response_since is not None
            else None
        )
        when = _moment_text(row.last_message_at, now)
        name = thread.buyer.display_name if seller_view else thread.seller.public_name
        last = thread.last_message
        shown = (
            row.pk,
            thread.pk,
            seller_view,
            row.unread_count,
            row.last_message_is_mine,
            row.last_message_at.isoformat(),
            # In Trash: when it goes for good, and its Restore button.
            None if row.purge_at is None else row.purge_at.isoformat(),
            when,
            None if due is None else (due["state"], str(due["text"]), str(due["due_at"])),
            name,
            thread.topic,
            thread.order.number if thread.order is not None else None,
            thread.product.title if thread.product is not None else None,
            thread.product.image_version if thread.product is not None else None,
            last.body if last is not None else None,
            None if blocked is None else (blocked.pk, not_sent_reason),
            assignee_name := names.get(row.assignee_id) if row.assignee_id else None,
        )
        context = {
            "p": row,
            "t": thread,
            "seller_view": seller_view,
            "when": when,
            "due": due,
            "not_sent_reason": not_sent_reason,
            "assignee_name": assignee_name,
        }
        fragments.append((shown, context))
    return _render_cached(ROW_TEMPLATE, fragments)
