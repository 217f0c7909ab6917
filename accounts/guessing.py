"""Limits on guessing: passwords on the sign-in pages, API tokens, and (for the relay) aliases.

Only failures are counted, in the fixed windows of ``accounts.ratelimit`` (Redis, or
``RateLimitWindow`` rows while Redis is away). Once a counter has used up its allowance, every
further attempt in its window is refused *before* it is checked, so a refused guess tells
nothing, not even when it would have been right. The limits are settings, read at each call.

Sign-in failures are counted per account (the email address tried, normalised, so an address
that has no account is counted and answered exactly like one that has) and per client address
(credential stuffing: one client trying many accounts). A successful sign-in clears its own
account's counter, never the client's.
"""

import hashlib
import ipaddress
import math
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from accounts.models import User
from accounts.ratelimit import Window, rate_limit_clear, rate_limit_count, rate_limit_peek
from accounts.signals import sign_in_paused

LOGIN_ACCOUNT_SCOPE = "login_account"
LOGIN_CLIENT_SCOPE = "login_client"
API_TOKEN_CLIENT_SCOPE = "api_token_client"  # noqa: S105 (a counter's name, not a secret)

# Set on the request by the ``user_logged_in`` receiver: the wrapped login view signed someone in.
_SIGNED_IN = "_guessing_signed_in"

View = Callable[..., HttpResponseBase]


def address_group(address: str) -> str:
    """The counter a network address belongs to: the address, or its /64 for IPv6.

    One IPv6 customer usually holds a whole /64, so counting single IPv6 addresses would give
    a client as many counters as it likes.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_address(request: Any) -> str:
    """The client's counter: REMOTE_ADDR, or the address our trusted proxies saw.

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each one appends the address it was called from to
    X-Forwarded-For; entries further left were written by the client and could name any
    address, so the one appended by the outermost trusted proxy is used.
    """
    meta = request.META
    address = str(meta.get("REMOTE_ADDR", ""))
    proxies = int(settings.TRUSTED_PROXY_COUNT)
    if proxies > 0:
        forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            address = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return address_group(address)


def account_ident(email: str) -> str:
    """The counter of an email address tried at sign-in: case, spaces and Unicode forms folded.

    Hashed, so the counters name no one and a long address still makes a short key.
    """
    normalised = unicodedata.normalize("NFKC", email).strip().casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _refusal(*windows: Window) -> Window | None:
    """The used-up window that ends last, if any."""
    exhausted = [window for window in windows if window.exhausted]
    return max(exhausted, key=lambda window: window.ends_at) if exhausted else None


# --- Sign-in ----------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="accounts.guessing.signed_in")
def _note_sign_in(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    if request is not None:
        setattr(request, _SIGNED_IN, True)


def _login_rates() -> tuple[str, str]:
    return settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURES_PER_CLIENT


def login_refusal(*, email: str, client: str) -> Window | None:
    """The window that refuses a sign-in attempt now (account or client used up), if any."""
    account_rate, client_rate = _login_rates()
    windows = [rate_limit_peek(scope=LOGIN_CLIENT_SCOPE, ident=client, rate=client_rate)]
    if email.strip():
        account = account_ident(email)
        windows.append(rate_limit_peek(scope=LOGIN_ACCOUNT_SCOPE, ident=account, rate=account_rate))
    return _refusal(*windows)


def login_failed(*, email: str, client: str) -> None:
    """Count a failed sign-in; the failure that uses up an account's allowance tells its owner.

    The owner is looked up for every email address that reaches its limit, whether it has an
    account or not, so the two cost the same queries up to the notice itself.
    """
    account_rate, client_rate = _login_rates()
    rate_limit_count(scope=LOGIN_CLIENT_SCOPE, ident=client, rate=client_rate)
    if not email.strip():
        return
    window = rate_limit_count(
        scope=LOGIN_ACCOUNT_SCOPE, ident=account_ident(email), rate=account_rate
    )
    if window.used != window.allowed:
        return
    owner = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if owner is not None:
        sign_in_paused.send(
            sender=User,
            user=owner,
            resume_at=datetime.fromtimestamp(window.ends_at, tz=UTC),
            window_end=window.ends_at,
        )


def login_succeeded(*, email: str) -> None:
    """Forget the account's failures after a sign-in with the right password."""
    if email.strip():
        rate_limit_clear(
            scope=LOGIN_ACCOUNT_SCOPE,
            ident=account_ident(email),
            rate=settings.LOGIN_FAILURES_PER_ACCOUNT,
        )


def _paused(
    request: HttpRequest, window: Window, template_name: str, context: dict[str, Any]
) -> HttpResponse:
    seconds = window.retry_after()
    response = render(
        request,
        template_name,
        {**context, "retry_minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


def login_guard(
    view: View,
    *,
    template_name: str,
    context: Callable[[HttpRequest], dict[str, Any]] | None = None,
) -> View:
    """Wrap a login view: count its failed POSTs, and answer 429 once a limit is used up."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        email = str(request.POST.get("username", ""))
        client = client_address(request)
        refused = login_refusal(email=email, client=client)
        if refused is not None:
            return _paused(request, refused, template_name, context(request) if context else {})
        response = view(request, *args, **kwargs)
        if getattr(request, _SIGNED_IN, False):
            login_succeeded(email=email)
        elif response.status_code == 200:  # the form came back with its error
            login_failed(email=email, client=client)
        return response

    return guarded


# --- API tokens -------------------------------------------------------------------------------


def api_token_refusal(request: Any) -> Window | None:
    """The window that refuses the client's token attempts now, if its bad tokens used it up."""
    window = rate_limit_peek(
        scope=API_TOKEN_CLIENT_SCOPE,
        ident=client_address(request),
        rate=settings.API_TOKEN_FAILURES_PER_CLIENT,
    )
    return window if window.exhausted else None


def api_token_failed(request: Any) -> None:
    """Count a bad API token from the request's client."""
    rate_limit_count(
        scope=API_TOKEN_CLIENT_SCOPE,
        ident=client_address(request),
        rate=settings.API_TOKEN_FAILURES_PER_CLIENT,
    )
