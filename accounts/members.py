"""Seller teams: a member signs in as themselves and acts for the shop, within their role.

A shop is a seller's own account. Its members (``ShopMember``) are people with their own
logins. While a member is signed in, every request acts for the shop: ``request.user`` is the
shop's account, so the scoping that is already the permission check everywhere (a seller sees
their own threads, anything else is a 404) holds for the team unchanged, buyers see the shop's
name, and the response metric is the shop's. The person is kept on ``request.member`` (their
membership) so actions can be credited to them and their role can be enforced:

- **owner**: everything the shop's account can do, including the team, API tokens, webhooks
  and the shop's notification settings;
- **agent**: read and reply, saved replies, "no response needed", everything on threads; not
  the owner's pages;
- **viewer**: read only; every unsafe request is refused.

The role is read from the membership on each request (one query, which also loads the shop),
so removing a member or changing their role takes effect on their very next request: a
removed member's sessions end there, and their API tokens are revoked with the membership.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.models import MemberRole, ShopMember, User
from core.errors import ApplicationError

# Set in the session when a member signs in (or accepts an invitation while signed in): the
# shop the session acts for. A session without it is the person's own.
SESSION_KEY = "_acting_shop"

# Set when a member switches to their own account (to see what they bought as a buyer): the
# shop they can switch back to, ``{"id", "name"}``, so the header offers it without a query.
SESSION_OWN_KEY = "member_own_account_of"

# Pages and API routes only an owner may use (any method).
OWNER_ONLY_ROUTES = frozenset(
    {
        "notifications:undo-send",
        "notifications:address-add",
        "notifications:address-remove",
        "notifications:webhooks",
        "notifications:webhook-remove",
        "notifications:webhook-secret",
        "notifications:webhook-test",
        "api:webhook-list",
        "api:webhook-detail",
        "api:webhook-secret",
        "api:webhook-test",
        "api:webhook-deliveries",
        "messaging:team",
        "api:team-invitations",
        "api:team-invitation",
        "api:team-member",
        "messaging:team-invitation-revoke",
        "messaging:team-member-role",
        "messaging:team-member-remove",
    }
)
# Requests every member may make, whatever the role: about their own session, their own API
# tokens (a token acts with its member's role) and their own emails (the settings page edits
# the member's own; the shop's addresses and undo time stay the owner's).
OWN_ACCOUNT_ROUTES = frozenset(
    {
        "notifications:settings",
        "messaging:team-switch",
        "accounts:logout",
        "accounts:language-set",
        "accounts:api-tokens",
        "accounts:api-token-revoke",
        "messaging:team-join",
    }
)
# Routes for anyone, signed in or not (probes, the schema, sign-in, providers' webhooks): a
# role changes nothing there.
PUBLIC_ROUTES = frozenset(
    {
        "health",
        "ready",
        "metrics",
        "favicon",
        "evidence-public-key",
        "api-schema",
        "api-docs",
        "api-not-found",
        "accounts:login",
        "inbound_email:mailgun",
        "inbound_email:mailgun-mime",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The member acting in the current request (by session or API token), for the services that
# credit a write to the person who made it (``Message.author``). None outside a member's request.
_acting_member_id: ContextVar[int | None] = ContextVar("acting_member_id", default=None)


def acting_member_id() -> int | None:
    """The id of the team member whose request is running, if a member's."""
    return _acting_member_id.get()


def acting_member_set(membership: ShopMember) -> None:
    """The rest of this request acts for ``membership``'s shop (reset when the request ends)."""
    _acting_member_id.set(membership.user_id)


def member_allows(*, role: str, method: str, route: str) -> bool:
    """May a member with this role make this request (by the route's namespaced name)?"""
    if route in OWN_ACCOUNT_ROUTES or route in PUBLIC_ROUTES:
        return True
    if role == MemberRole.OWNER:
        return True
    if route in OWNER_ONLY_ROUTES:
        return False
    if role == MemberRole.AGENT:
        return True
    return method.upper() in SAFE_METHODS


def membership_for(user: User) -> ShopMember | None:
    """The person's membership with its shop (and the shop's profile) loaded, or None."""
    return (
        ShopMember.objects.select_related("shop", "shop__seller_profile", "user")
        .filter(user=user, shop__is_active=True)
        .first()
    )


def session_act_for(request: HttpRequest, membership: ShopMember) -> None:
    """From now on this session acts for the membership's shop."""
    request.session[SESSION_KEY] = membership.shop_id
    request.session.pop(SESSION_OWN_KEY, None)


def session_act_as_self(request: HttpRequest, membership: ShopMember) -> None:
    """From now on this session is the person's own (a buyer's); they can switch back."""
    request.session.pop(SESSION_KEY, None)
    request.session[SESSION_OWN_KEY] = {
        "id": membership.shop_id,
        "name": membership.shop.public_name,
    }


@receiver(user_logged_in, dispatch_uid="accounts.members.signed_in")
def _act_for_shop_on_sign_in(
    sender: object, request: HttpRequest | None = None, user: User | None = None, **kwargs: object
) -> None:
    if request is None or user is None or not hasattr(request, "session"):
        return
    membership = membership_for(user)
    if membership is not None:
        session_act_for(request, membership)


def acting_user(request: HttpRequest) -> User:
    """The person behind the request: the member when one acts for a shop, else the user."""
    membership = getattr(request, "member", None)
    if membership is not None:
        return membership.user
    user = request.user
    assert isinstance(user, User)
    return user


def request_can_write(request: HttpRequest) -> bool:
    """May the person behind the request act on the shop's threads (the shop, or no viewer)?"""
    membership = getattr(request, "member", None)
    return membership is None or membership.can_write


def request_manages_shop(request: HttpRequest) -> bool:
    """Does the person behind the request manage the shop (the shop itself, or an owner)?"""
    membership = getattr(request, "member", None)
    return membership is None or membership.manages_shop


class RoleForbidden(ApplicationError):
    """The member's role does not allow the request (the thread or page is theirs to see)."""

    status = 403

    def __init__(self) -> None:
        super().__init__("role_forbidden", _("Your role in this shop's team does not allow this."))


def refusal(request: HttpRequest) -> HttpResponse:
    """403 for a member whose role does not allow the request: JSON for the API, else a page."""
    error = RoleForbidden()
    detail = error.message
    if request.path.startswith("/api/"):
        return JsonResponse({"code": error.code, "detail": detail}, status=403)
    html = render_to_string("403.html", {"detail": detail}, request=request)
    return HttpResponse(html, status=403)


class ShopMemberMiddleware:
    """After authentication and the language: a member's session acts for their shop.

    A session that names a shop its person no longer belongs to ends here (the member was
    removed, or the shop closed): the person is signed out, so the login page follows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Whatever this request sets (here, or an API token's authentication) ends with it.
        reset = _acting_member_id.set(None)
        try:
            shop_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
            if shop_id is not None and request.user.is_authenticated:
                assert isinstance(request.user, User)
                membership = membership_for(request.user)
                if membership is None or membership.shop_id != shop_id:
                    logout(request)
                else:
                    request.member = membership  # type: ignore[attr-defined]
                    request.user = membership.shop
                    acting_member_set(membership)
            return self.get_response(request)
        finally:
            _acting_member_id.reset(reset)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        membership = getattr(request, "member", None)
        if membership is None:
            return None
        match = request.resolver_match
        route = match.view_name if match is not None else ""
        if member_allows(role=membership.role, method=request.method or "GET", route=route):
            return None
        return refusal(request)
