"""Whole thread pages, rendered once and then served from the cache while nothing shown changes.

A GET of a thread page is looked up under a key that holds everything its HTML depends on,
read before the database is:

- one statement's reading of the rows the page shows, as the database holds them now: every
  message of the thread and their files; the names of everyone the page names (the buyer,
  the shop, whoever wrote a message, a note or an action of the team, the team's people);
  the reader's side of the thread (read state, folder, Trash, waiting since, assignee) and
  the thread itself; the orders between the buyer and the seller (the order of the
  conversation and the seller's history with the buyer), the order's items and products, the
  product asked about; for the seller, their other conversations with the buyer, the team's
  notes and activity in the thread, the shop's team, the saved replies; for the buyer,
  whether they blocked the seller and the messages of the thread they reported; the reader's
  evidence exports of the thread. A write to any of these rows is a new key, however it was
  made (a service, the admin, a bare update), even one back to what the row held before;
- who looks (the user and their role, the person of the team and their role, what their
  session offers to switch to), the full path (``?saved_reply=``), the language and time
  zone, and the code of the page (templates, translations, the modules that render it);
- the clock: a page is kept only until the first moment one of its times may read
  differently ("5 minutes ago", "today", "3h 12m left").

The same statement counts the reader's unread conversations, for the badge in the header: it
changes with any conversation of the reader, so it is put into the page when served. So are
the CSRF tokens of its forms (the page is stored with a placeholder, and serving it puts in
the request's own masked token) and the reply form's one-time send token (a fresh one each
time).

Nothing is stored for a POST (or a page with flash messages, or a message just taken back to
put into the reply box), when the page read its reader's side as unread (this request marks
it read), when it was read from a replica (it may lag behind the statement), or when the
cache is away: the page is then rendered from the database as ever.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from accounts.members import SESSION_OWN_KEY
from accounts.models import SellerProfile, ShopMember, User
from core.cache import CacheUnavailable, cache_call
from messaging.clock.deadline import due_time
from messaging.models import (
    Attachment,
    EvidenceExport,
    Message,
    ModerationCase,
    Participant,
    SavedReply,
    SellerBlock,
    TeamActivity,
    Thread,
    ThreadNote,
)
from messaging.models.moderation import CaseKind
from messaging.templatetags.compose import send_token
from messaging.threads import fragments, page_cache
from messaging.threads.selectors import FOLDER_COUNT_CAP
from orders.models import Order, OrderItem, Product

PAGE_TEMPLATES = ("seller/thread.html", "messaging/thread.html", fragments.MESSAGE_TEMPLATE)

BADGE_TEMPLATE = "includes/unread_badge.html"

# Source files whose code shapes the page's HTML (beside the templates).
_CODE = (
    "messaging/threads/*.py",
    "messaging/team/*.py",
    "messaging/replies/*.py",
    "messaging/evidence/selectors.py",
    "messaging/evidence/links.py",
    "messaging/templatetags/*.py",
    "messaging/clock/deadline.py",
    "messaging/policy/reasons.py",
    "core/moments.py",
    "locale/*/LC_MESSAGES/*.mo",
)

PAGE_SECONDS = 24 * 3600


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(model: Any, alias: str, where: str) -> str:
    """Every row of a table that matches, as one digest of their text (NULL: none).

    With each row's version (``xmin``, new with every write): a row written again, even back
    to what it held, reads differently, so a page rendered while it was otherwise is never
    served for it.
    """
    return (
        f"(SELECT md5(string_agg({alias}::text || {alias}.xmin, ',' ORDER BY {alias}.id)) "  # noqa: S608
        f"FROM {_table(model)} {alias} WHERE {where})"
    )


def _names(*people: str) -> str:
    """The names (and roles: a seller's is the shop's) of the users these statements list."""
    return (
        f"(SELECT md5(string_agg(u.id || ':' || u.xmin || ':' || u.role || ':' || u.display_name, "  # noqa: S608
        "',' "
        f"ORDER BY u.id)) FROM {_table(User)} u WHERE u.id IN ({' UNION '.join(people)}))"
    )


LISTED = 4


def _statement(*, seller_view: bool) -> str:
    """What the page shows besides the messages, read as text; %(user)s, %(thread)s."""
    thread = f"(SELECT t FROM {_table(Thread)} t WHERE t.id = %(thread)s)"  # noqa: S608
    parts = [
        # The reader's side: None when the thread is not theirs (the page then says so).
        f"(SELECT p::text || p.xmin FROM {_table(Participant)} p "  # noqa: S608
        "WHERE p.user_id = %(user)s AND p.thread_id = %(thread)s)",
        f"(SELECT t::text || t.xmin FROM {_table(Thread)} t WHERE t.id = %(thread)s)",  # noqa: S608
        _rows(
            Order,
            "o",
            f"o.buyer_id = ({thread}).buyer_id AND o.seller_id = ({thread}).seller_id",
        ),
        _rows(OrderItem, "i", f"i.order_id = ({thread}).order_id"),
        _rows(
            Product,
            "pr",
            f"pr.id = ({thread}).product_id OR pr.id IN (SELECT product_id FROM "  # noqa: S608
            f"{_table(OrderItem)} WHERE order_id = ({thread}).order_id)",
        ),
        _rows(EvidenceExport, "e", "e.requested_by_id = %(user)s AND e.thread_id = %(thread)s"),
    ]
    if seller_view:
        parts += [
            # The other conversations with the buyer (the history), as the seller's side.
            f"(SELECT md5(string_agg(p2::text || p2.xmin || t2::text || t2.xmin, ',' "  # noqa: S608
            "ORDER BY p2.id)) "
            f"FROM {_table(Participant)} p2 JOIN {_table(Thread)} t2 ON t2.id = p2.thread_id "
            f"WHERE p2.user_id = %(user)s AND t2.buyer_id = ({thread}).buyer_id)",
            _rows(ThreadNote, "n", "n.thread_id = %(thread)s"),
            f"(SELECT count(*) || ':' || coalesce(max(a.id), 0) FROM {_table(TeamActivity)} a "  # noqa: S608
            "WHERE a.thread_id = %(thread)s)",
            _rows(ShopMember, "m", "m.shop_id = %(user)s"),
            _rows(SavedReply, "r", "r.seller_id = %(user)s"),
        ]
        # The names of the team's people, and of whoever wrote a note or acted in the thread.
        parts.append(
            _names(
                f"SELECT user_id FROM {_table(ShopMember)} WHERE shop_id = %(user)s",  # noqa: S608
                f"SELECT author_id FROM {_table(ThreadNote)} WHERE thread_id = %(thread)s",  # noqa: S608
                f"SELECT actor_id FROM {_table(TeamActivity)} WHERE thread_id = %(thread)s",  # noqa: S608
                f"SELECT assignee_id FROM {_table(TeamActivity)} WHERE thread_id = %(thread)s",  # noqa: S608
            )
        )
    else:
        parts += [
            _rows(
                SellerBlock, "b", f"b.buyer_id = %(user)s AND b.seller_id = ({thread}).seller_id"
            ),
            _rows(
                ModerationCase,
                "c",
                f"c.reporter_id = %(user)s AND c.kind = '{CaseKind.REPORT.value}' AND "  # noqa: S608
                f"c.message_id IN (SELECT id FROM {_table(Message)} WHERE thread_id = %(thread)s)",
            ),
        ]
    # What the list of messages shows (its version, ``LISTED`` values): every message of the
    # thread, their files, the names of the buyer, the seller and whoever wrote a message, and
    # the shop's name (the buyer's page shows it too).
    messages = _table(Message)
    listed = [
        _rows(Message, "mm", "mm.thread_id = %(thread)s"),
        _rows(
            Attachment,
            "f",
            f"f.message_id IN (SELECT id FROM {messages} WHERE thread_id = %(thread)s)",  # noqa: S608
        ),
        _names(
            f"SELECT sender_id FROM {messages} WHERE thread_id = %(thread)s",  # noqa: S608
            f"SELECT author_id FROM {messages} WHERE thread_id = %(thread)s",  # noqa: S608
            f"SELECT ({thread}).buyer_id",
            f"SELECT ({thread}).seller_id",
        ),
        f"(SELECT sp::text || sp.xmin FROM {_table(SellerProfile)} sp "  # noqa: S608
        f"WHERE sp.user_id = ({thread}).seller_id)",
    ]
    assert len(listed) == LISTED
    # The header's badge: the reader's unread conversations, as ``thread_unread_count``.
    unread = (
        f"(SELECT count(*) FROM (SELECT 1 FROM {_table(Participant)} u "  # noqa: S608
        "WHERE u.user_id = %(user)s AND NOT u.is_deleted AND u.unread_count > 0 "
        f"LIMIT {FOLDER_COUNT_CAP + 1}) counted)"
    )
    return f"SELECT {unread}, {', '.join(listed)}, {', '.join(parts)}"


@functools.cache
def _statements() -> dict[bool, str]:
    return {seller_view: _statement(seller_view=seller_view) for seller_view in (True, False)}


@functools.cache
def code_version() -> str:
    """The page's code: its templates (and all they include), translations, modules."""
    return page_cache.code_digest(PAGE_TEMPLATES, _CODE, repr(bool(settings.EVIDENCE_SIGNING_KEY)))


@dataclass
class CachedPage:
    """One GET's view of the page cache: its key (None: not cached) and what it found."""

    key: str | None
    # The reader's unread conversations, as the statement counted them (None: not read).
    unread: int | None = None
    entry: dict[str, Any] | None = None
    # What the page's forms carry where the request's CSRF token goes, while it is rendered
    # to be stored: alphanumeric like a real token (nothing escapes it), and unguessable, so
    # no text a user wrote can hold it.
    token: str = field(default_factory=lambda: "csrf" + secrets.token_hex(30))
    # The version of the list of messages (``thread_cache``), as the statement read it.
    list_version: str | None = None

    @property
    def storing(self) -> bool:
        return self.key is not None and self.unread is not None

    @property
    def hit(self) -> bool:
        return self.entry is not None

    def badge_context(self, *, read_now: bool = False) -> dict[str, object]:
        """The badge's values for the page's context (none: the page counts them itself).

        ``read_now``: the request marked this thread read since, one unread conversation
        fewer (past the cap, the page counts again).
        """
        if self.unread is None or (read_now and self.unread > FOLDER_COUNT_CAP):
            return {}
        unread = self.unread - 1 if read_now else self.unread
        return {
            "unread_total": min(unread, FOLDER_COUNT_CAP),
            "unread_more": unread > FOLDER_COUNT_CAP,
        }


def page_start(
    request: HttpRequest, *, thread_id: int, seller_view: bool, skip: bool = False
) -> CachedPage:
    """Read the versions and the page's rows, and the page for this GET if it is cached.

    ``skip``: the page shows something of this request only (nothing is looked up).
    """
    user = request.user
    assert isinstance(user, User)
    if skip or page_cache.has_flash(request) or user.is_seller != seller_view:
        return CachedPage(key=None)
    # From the replica when the request may read it: a page stored from the primary's rows
    # is then served while the replica's rows are the same (never one newer than they are).
    database = connections[router.db_for_read(Participant)]
    if database.vendor != "postgresql":
        return CachedPage(key=None)  # the statement is PostgreSQL's
    with database.cursor() as cursor:
        cursor.execute(_statements()[seller_view], {"user": user.pk, "thread": thread_id})
        row = cursor.fetchone()
    unread, listed, rows = row[0], row[1 : 1 + LISTED], row[1 + LISTED :]
    if rows[0] is None:
        return CachedPage(key=None, unread=unread)  # not the reader's thread: a 404 follows
    list_version = hashlib.sha256(repr(listed).encode()).hexdigest()
    member = getattr(request, "member", None)
    shown = (
        code_version(),
        user.pk,
        user.role,
        user.is_staff,
        None if member is None else (member.pk, member.role, member.user.display_name),
        repr(request.session.get(SESSION_OWN_KEY)),
        request.get_full_path(),
        seller_view,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        list_version,
        rows,
    )
    key = f"thread_page:{thread_id}:{user.pk}:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    entry = page_cache.entry_get(key, time.time())
    return CachedPage(key=key, unread=unread, entry=entry, list_version=list_version)


@functools.lru_cache(maxsize=256)
def _badge(total: int, more: bool, language: str | None) -> str:
    # The language is the key's: it is the active one when called.
    return render_to_string(BADGE_TEMPLATE, {"unread_total": total, "unread_more": more})


def _badge_html(unread: int) -> str:
    total, more = min(unread, FOLDER_COUNT_CAP), unread > FOLDER_COUNT_CAP
    return _badge(total, more, translation.get_language())


def _headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response


# The reply form's one-time send token (``{% send_token %}``): a fresh one each time the page
# is served, or two sends from two loads of one cached page would be taken for one. Quotes
# around it come from the template only (a user's text has them escaped).
_SEND_TOKEN = re.compile(r'name="send_token" value="[A-Za-z0-9_-]{32}"')


def _send_token_field(_found: object = None) -> str:
    return f'name="send_token" value="{send_token()}"'


def _filled(html: str, entry: dict[str, Any], request: HttpRequest, unread: int) -> str:
    html = html.replace(entry["token"], get_token(request))
    if entry.get("send"):
        html = html.replace(entry["send"], _send_token_field())
    if entry.get("badge"):
        html = html.replace(entry["badge"], _badge_html(unread))
    return html


def page_serve(request: HttpRequest, page: CachedPage) -> HttpResponse:
    """The cached page, with this request's CSRF tokens and the reader's badge as of now."""
    entry = page.entry
    assert entry is not None and page.unread is not None
    return _headers(HttpResponse(_filled(entry["html"], entry, request, page.unread)))


def page_render(
    request: HttpRequest,
    page: CachedPage | None,
    template: str,
    context: dict[str, Any],
    *,
    cacheable: bool,
    until: datetime | None,
    status: int = 200,
) -> HttpResponse:
    """Render the page; keep it in the cache (until ``until`` at most) when it may be."""
    now = timezone.now()
    if page is None or not page.storing:
        return render(request, template, context, status=status)
    assert page.unread is not None
    token = page.token
    # The badge's place is marked the same way as the token's.
    badge = "badge" + secrets.token_hex(30)
    response = render(request, template, {**context, "csrf_token": token}, status=status)
    html = response.content.decode(response.charset)
    shown_badge = f"<span data-unread-badge>{_badge_html(page.unread)}</span>"
    send = "send" + secrets.token_hex(30)
    if (
        cacheable
        and (until is None or until > now)
        and router.db_for_read(Participant) == DEFAULT_DB_ALIAS
        and html.count(shown_badge) == 1
        and len(_SEND_TOKEN.findall(html)) <= 1
    ):
        stored = html.replace(shown_badge, f"<span data-unread-badge>{badge}</span>")
        stored = _SEND_TOKEN.sub(send, stored)
        seconds = (
            PAGE_SECONDS if until is None else min(PAGE_SECONDS, (until - now).total_seconds())
        )
        entry = {
            "html": stored,
            "token": token,
            "badge": badge,
            "send": send,
            "until": time.time() + seconds,
        }
        with suppress(CacheUnavailable):
            cache_call(cache.set, page.key, entry, max(1, int(seconds)))
    response.content = html.replace(token, get_token(request)).encode(response.charset)
    return _headers(response)


def shown_until(
    now: datetime,
    *,
    moments: Iterable[datetime] = (),
    waiting_since: datetime | None = None,
) -> datetime:
    """The first instant after ``now`` when a page showing these times may read differently.

    ``moments`` are the times shown relative to now ("5 minutes ago", "just now"): they change
    on the minute from the moment while under an hour old, or a minute before a moment still
    to come. Every other time a page shows (a relative day or time, "today", "yesterday at")
    changes at midnight at the earliest. A countdown changes on its due minute.
    """
    candidates = [page_cache.next_midnight(now)]
    for moment in moments:
        if moment - now > page_cache.MINUTE:
            candidates.append(moment - page_cache.MINUTE)
        elif now - moment < page_cache.HOUR:
            candidates.append(page_cache.next_minute_of(moment, now))
    if waiting_since is not None:
        candidates.append(page_cache.next_minute_of(due_time(waiting_since), now))
        candidates.append(page_cache.next_minute_of(waiting_since, now))
    return min(candidates)
