"""Personal API tokens: made, shown once, stored hashed, checked on every API call, revoked.

A token reads ``mc_<prefix>_<secret>``. The prefix is stored in clear so the settings page can
tell tokens apart; the whole token is stored only as its SHA-256, so a database leak gives an
attacker nothing to call the API with. Lookup is by hash (a unique index), so checking a token
is one indexed query and never compares secrets character by character.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts import guessing, members
from accounts.models import ApiToken, ShopMember, User
from core.errors import ApplicationError, NotFound

MAX_TOKENS_PER_USER = 20
# Writing "last used" on every call would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """A person's own active tokens (a team member's, not the shop's)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


@transaction.atomic
def token_create(*, user: User, name: str, now: datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for a seller; returns it with its plaintext, which is never stored.

    Tokens are for sellers' integrations: a buyer uses the pages, staff use the admin (a staff
    token would read every thread's files outside the admin's session). A member of a seller's
    team makes their own tokens, which act for the shop with the member's role. Anyone else:
    NotFound.
    """
    if not user.is_seller and not ShopMember.objects.filter(user=user).exists():
        raise NotFound("API tokens are for sellers and their teams.")
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            "invalid", "Name the token.", fields={"name": ["Name the token, e.g. your helpdesk."]}
        )
    if len(name) > 60:
        raise ApplicationError(
            "invalid", "The name is too long.", fields={"name": ["At most 60 characters."]}
        )
    # Lock the user's row so two requests cannot both slip under the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if token_list_for_user(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ApplicationError(
            "too_many_tokens", f"You can have at most {MAX_TOKENS_PER_USER} tokens; revoke one."
        )
    prefix = secrets.token_hex(4)
    plaintext = f"mc_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(plaintext),
        created_at=now or timezone.now(),
    )
    return token, plaintext


def token_revoke(*, user: User, token_id: int, now: datetime | None = None) -> None:
    """Revoke one of the user's tokens; someone else's token is a 404."""
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
    if not updated:
        raise NotFound("No such token.")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer mc_…`` (``Token mc_…`` is accepted too)."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in self.keywords:
            return None
        # A client that sent too many bad tokens is refused before its token is looked at, so
        # a good guess answers exactly like a bad one until the window ends.
        refused = guessing.api_token_refusal(request)
        if refused is not None:
            raise exceptions.Throttled(wait=refused.retry_after())
        if len(header) != 2:
            raise self._failed(request, "Invalid token header.")
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise self._failed(request, "Invalid token.") from None
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(plaintext), revoked_at__isnull=True)
            .first()
        )
        # A token whose owner is no longer an active seller or team member (made before tokens
        # were for sellers only, or a role since changed) opens nothing.
        if token is None or not token.user.is_active:
            raise self._failed(request, "Invalid token.")
        membership = None if token.user.is_seller else members.membership_for(token.user)
        if not token.user.is_seller and membership is None:
            raise self._failed(request, "Invalid token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        if membership is None:
            return token.user, token
        # A member's token acts for the shop, within the member's role.
        django_request = request._request
        django_request.member = membership  # type: ignore[attr-defined]
        match = django_request.resolver_match
        route = match.view_name if match is not None else ""
        if not members.member_allows(
            role=membership.role, method=request.method or "GET", route=route
        ):
            raise members.RoleForbidden()
        members.acting_member_set(membership)
        return membership.shop, token

    @staticmethod
    def _failed(request: Request, detail: str) -> exceptions.AuthenticationFailed:
        guessing.api_token_failed(request)
        return exceptions.AuthenticationFailed(detail)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema documents personal tokens."""

    target_class = ApiTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`mc_…`), made on the API tokens page.",
        }
