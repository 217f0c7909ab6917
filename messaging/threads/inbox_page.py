"""Whole inbox pages, rendered once, then served from the cache while nothing they show changes.

A page's HTML depends on what its key holds, and on the clock; both are checked on every
request, so a page served from the cache is the page a render would give at that moment
(byte for byte, but for the CSRF token, which is the request's own):

- the user's inbox version (messaging/threads/live.py), read *before* the database: every
  write to the user's side of a thread (a message, read, archive, Trash, assignment, a blocked
  message of theirs), team join or leave and a member's new role give a new one;
- the site's display epoch (core/display_epoch.py): a new one with every change to what the
  page shows of others (names, shops, products and their pictures, teams, restrictions);
- who looks (the user, the person of the team and their role, what their session offers to
  switch to), the full path (folder, filters, cursor; the language form sends it back), the
  language and time zone, and the code of the page (templates, translations, static files,
  the modules that render it);
- the clock: a page is kept only until the first moment one of its times would read
  differently ("5 minutes ago", "today at 14:05", "3h 12m left", a restriction ending), or a
  restriction not yet in force starts.

The page is stored with a placeholder where each form's CSRF token goes; serving it puts in
the request's own masked token, so a page cached in one session validates in another of the
same user. Its ETag is the page's digest with the session's CSRF secret: a reload of an
unchanged page is answered 304 from the cache alone.

Nothing is cached when the cache is away (the page renders from the database as ever), when
the page has flash messages to show, when its query is more than a folder and a cursor (a
search: its documents change on their own), when it was read from a replica (it may lag
behind the version), or when one of its rows has a message of the reader's still in its undo
time or one not sent (taking a held message back, or sending one, changes those rows and
nothing else).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from accounts.members import SESSION_OWN_KEY
from accounts.models import SellerProfile, ShopMember, User
from core.cache import CacheUnavailable, cache_call
from core.display_epoch import display_epoch_bump
from messaging.models import Message, MessageStatus, Participant, SellerRestriction, Thread
from messaging.threads import fragments, live, page_cache, selectors
from orders.models import Product

# The inbox templates: what they include and extend is found from them.
PAGE_TEMPLATES = ("seller/inbox.html", "messaging/inbox.html", fragments.ROW_TEMPLATE)

# Source files whose code shapes the page's HTML (beside the templates).
_CODE = (
    "messaging/threads/*.py",
    "messaging/templatetags/*.py",
    "messaging/clock/deadline.py",
    "messaging/policy/reasons.py",
    "core/moments.py",
    "core/pagination.py",
    "locale/*/LC_MESSAGES/*.mo",
)

# The query a cached page may have: a folder's pages. Anything else (a search, a stray
# parameter) is rendered each time, and fills no cache entry.
PAGE_PARAMETERS = frozenset({"folder", "cursor"})

# Never longer than a version lasts: a page keyed by an expired version is never asked for.
PAGE_SECONDS = live.VERSION_SECONDS

CACHE_CONTROL = "private, no-cache"


@functools.cache
def code_version() -> str:
    """The page's code: its templates (and all they include), translations, static files."""
    # The hashed names of the static files, when the storage keeps a manifest.
    manifest = str(getattr(staticfiles_storage, "manifest_hash", ""))
    return page_cache.code_digest(PAGE_TEMPLATES, _CODE, manifest)


@dataclass
class CachedPage:
    """One request's view of the page cache: its key (None: not cached) and what it found."""

    key: str | None
    # The user's inbox version as read before the database ("" when the cache is away).
    version: str
    entry: dict[str, Any] | None = None

    @property
    def hit(self) -> bool:
        return self.entry is not None


def page_start(request: HttpRequest, *, person_id: int) -> CachedPage:
    """Read the user's version and the epoch, and the page for this request if it is cached."""
    user = request.user
    assert isinstance(user, User)
    try:
        version, epoch = live.inbox_version_and_epoch_get(user_id=user.pk)
    except CacheUnavailable:
        return CachedPage(key=None, version="")
    if (
        not version
        or not epoch
        or page_cache.has_flash(request)
        or set(request.GET) - PAGE_PARAMETERS
    ):
        return CachedPage(key=None, version=version)
    member = getattr(request, "member", None)
    shown = (
        code_version(),
        # What the page's code reads of the settings, and its own limits.
        settings.TRASH_PURGE_DAYS,
        settings.RESPONSE_DEADLINE,
        selectors.FOLDER_COUNT_CAP,
        selectors.PAGE_SIZE,
        user.pk,
        getattr(user, "role", None),
        user.is_staff,
        person_id,
        None if member is None else member.role,
        repr(request.session.get(SESSION_OWN_KEY)),
        request.get_full_path(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        version,
        epoch,
    )
    key = f"inbox_page:{user.pk}:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    entry = page_cache.entry_get(key, timezone.now().timestamp())
    return CachedPage(key=key, version=version, entry=entry)


def _etag(digest: str, request: HttpRequest) -> str | None:
    # The session's CSRF secret is in it: a page (with its tokens) from before a sign-in that
    # rotated the secret is never confirmed.
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    return '"' + hashlib.sha256(f"{digest}:{secret}".encode()).hexdigest()[:32] + '"'


def _headers(response: HttpResponse, etag: str | None) -> HttpResponse:
    if etag is not None:
        response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    patch_vary_headers(response, ("Cookie",))
    return response


def _not_modified(request: HttpRequest, etag: str | None) -> bool:
    if etag is None:
        return False
    wanted = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    # Weak comparison (RFC 9110 13.1.2), as Django's own conditional responses do.
    return "*" in wanted or etag in wanted or etag in (tag.removeprefix("W/") for tag in wanted)


def page_serve(request: HttpRequest, page: CachedPage) -> HttpResponse:
    """The cached page for this request: 304 when the browser's copy is it, else the page."""
    entry = page.entry
    assert entry is not None
    etag = _etag(entry["digest"], request)
    if _not_modified(request, etag):
        return _headers(HttpResponseNotModified(), etag)
    # As a render would: the token masked anew, the CSRF cookie sent (renewed).
    html = entry["html"].replace(entry["token"], get_token(request))
    return _headers(HttpResponse(html), _etag(entry["digest"], request))


def page_render(
    request: HttpRequest,
    page: CachedPage,
    template: str,
    context: dict[str, Any],
    *,
    cacheable: bool,
    until: datetime | None,
    still_cacheable: Callable[[], bool] = lambda: True,
) -> HttpResponse:
    """Render the page; keep it in the cache (until ``until`` at most) when it may be.

    ``still_cacheable`` is asked once the page is rendered (what rendering found out).
    """
    now = timezone.now()
    if page.key is None or not cacheable or (until is not None and until <= now):
        return _headers(render(request, template, context), None)
    # Alphanumeric like a real token (nothing escapes it), and unguessable: no text a user
    # wrote can hold it.
    placeholder = "csrf" + secrets.token_hex(30)
    response = render(request, template, {**context, "csrf_token": placeholder})
    html = response.content.decode(response.charset)
    response.content = html.replace(placeholder, get_token(request)).encode(response.charset)
    if not still_cacheable():
        return _headers(response, None)
    digest = hashlib.sha256(html.encode()).hexdigest()
    seconds = PAGE_SECONDS if until is None else min(PAGE_SECONDS, (until - now).total_seconds())
    entry = {
        "html": html,
        "token": placeholder,
        "digest": digest,
        "until": now.timestamp() + seconds,
    }
    with suppress(CacheUnavailable):
        cache_call(cache.set, page.key, entry, max(1, int(seconds)))
    etag = _etag(digest, request)
    if _not_modified(request, etag):
        return _headers(HttpResponseNotModified(), etag)
    return _headers(response, etag)


def shown_until(
    now: datetime,
    *,
    moments: Iterable[datetime] = (),
    waiting_since: Iterable[datetime] = (),
    changes: Iterable[datetime | None] = (),
) -> datetime | None:
    """The first instant after ``now`` when a page showing these times may read differently."""
    candidates = [page_cache.moment_changes_at(moment, now) for moment in moments]
    candidates += [page_cache.countdown_changes_at(since, now) for since in waiting_since]
    candidates += list(changes)
    return min((at for at in candidates if at is not None), default=None)


# Saves of a user that change nothing a page shows of them.
_USER_FIELDS_NOT_SHOWN = frozenset(
    {
        "last_login",
        "password",
        "language",
        "notification_mode",
        "digest_interval_minutes",
        "undo_send_seconds",
    }
)


def _user_saved(*, created: bool, update_fields: Iterable[str] | None, **_kwargs: Any) -> None:
    if created:
        return  # on no page yet
    if update_fields is not None and set(update_fields) <= _USER_FIELDS_NOT_SHOWN:
        return
    display_epoch_bump()


def _shown_changed(**_kwargs: Any) -> None:
    display_epoch_bump()


def _message_saved(*, instance: Message, created: bool, **_kwargs: Any) -> None:
    # A blocked message shows on its sender's inbox row ("Not sent") without a delivery.
    # (A held one changes only rows showing one not sent, or a held one: never cached.)
    if created and instance.sender_id is not None and instance.status == MessageStatus.BLOCKED:
        live.inbox_version_bump(user_ids=[instance.sender_id])


def _participant_changed(*, instance: Participant, created: bool = False, **_kwargs: Any) -> None:
    # The services write rows with ``update()`` and bump themselves; this is any other save
    # (the admin's). A new row shows nothing until its first message is delivered.
    if not created:
        live.inbox_version_bump(user_ids=[instance.user_id])


def _thread_changed(*, instance: Thread, created: bool = False, **_kwargs: Any) -> None:
    if not created:
        live.inbox_version_bump(user_ids=[instance.buyer_id, instance.seller_id])


def signals_connect() -> None:
    """Start a new epoch, or a new inbox version, with each write a cached page shows."""
    post_save.connect(_user_saved, sender=User, dispatch_uid="inbox_page.user")
    post_delete.connect(_shown_changed, sender=User, dispatch_uid="inbox_page.user_gone")
    for model in (SellerProfile, ShopMember, Product, SellerRestriction):
        name = model._meta.label_lower
        post_save.connect(_shown_changed, sender=model, dispatch_uid=f"inbox_page.{name}")
        post_delete.connect(_shown_changed, sender=model, dispatch_uid=f"inbox_page.{name}.gone")
    post_save.connect(_message_saved, sender=Message, dispatch_uid="inbox_page.message")
    post_save.connect(_participant_changed, sender=Participant, dispatch_uid="inbox_page.side")
    post_delete.connect(
        _participant_changed, sender=Participant, dispatch_uid="inbox_page.side.gone"
    )
    post_save.connect(_thread_changed, sender=Thread, dispatch_uid="inbox_page.thread")
    post_delete.connect(_thread_changed, sender=Thread, dispatch_uid="inbox_page.thread.gone")
