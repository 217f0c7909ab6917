"""Writes of a seller's team: invitations by email, joining, roles, removal.

An owner (the shop's own account, or a member with the owner role) invites a person by email.
The email carries a link signed with the site's key (``django.core.signing``) holding the
invitation's id and a random nonce kept on the invitation; it works once, until it expires
(``TEAM_INVITATION_DAYS``), and not after the owner revokes it. The invitee joins with a new
account (they choose a display name and a password) or, signed in, with the account the
invitation was sent to. Removing a member deletes the membership and revokes their API tokens:
their sessions end on their next request (``accounts.members``).
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import ApiToken, MemberRole, Role, ShopInvitation, ShopMember, User
from core.errors import ApplicationError, NotFound
from messaging.threads.live import inbox_version_bump
from notifications.models import NotificationKind
from notifications.services import notify_address

SIGNING_SALT = "messaging.team.invitation"
MAX_MEMBERS = 50
MAX_OPEN_INVITATIONS = 20


def invitation_days() -> int:
    return int(settings.TEAM_INVITATION_DAYS)


def invitation_token(invitation: ShopInvitation) -> str:
    """The signed value of an invitation's link."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SIGNING_SALT)


def invitation_url(invitation: ShopInvitation) -> str:
    path = reverse("messaging:team-join", kwargs={"token": invitation_token(invitation)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _field_error(code: str, field: str, detail: str) -> ApplicationError:
    return ApplicationError(code, detail, fields={field: [detail]})


def _require_shop(shop: User) -> None:
    if not shop.is_seller:
        raise NotFound(_("Only a seller's shop has a team."))


@transaction.atomic
def invitation_create(
    *, shop: User, invited_by: User, email: str, role: str, now: datetime | None = None
) -> ShopInvitation:
    """Invite a person to the shop's team by email; the email goes out after commit.

    A new invitation to an address that already has an open one replaces it (the old link
    stops working), so a lost email is answered by inviting again.
    """
    _require_shop(shop)
    now = now or timezone.now()
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise _field_error("invalid_email", "email", _("Enter a valid email address.")) from None
    if role not in MemberRole.values:
        raise _field_error("invalid_role", "role", _("Pick a role."))
    # Lock the shop's row: concurrent invitations cannot slip past the caps.
    User.objects.select_for_update().filter(pk=shop.pk).first()
    if address == shop.email.lower():
        raise _field_error("already_member", "email", _("This is the shop's own account."))
    if ShopMember.objects.filter(shop=shop, user__email__iexact=address).exists():
        raise _field_error("already_member", "email", _("This person is already on the team."))
    if ShopMember.objects.filter(shop=shop).count() >= MAX_MEMBERS:
        detail = _("A team can have at most %(count)d members.") % {"count": MAX_MEMBERS}
        raise _field_error("too_many_members", "email", detail)
    open_invitations = ShopInvitation.objects.filter(
        shop=shop, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    )
    open_invitations.filter(email=address).update(revoked_at=now)
    if open_invitations.count() >= MAX_OPEN_INVITATIONS:
        detail = _("At most %(count)d invitations can wait for an answer; revoke one.") % {
            "count": MAX_OPEN_INVITATIONS
        }
        raise _field_error("too_many_invitations", "email", detail)
    invitation = ShopInvitation.objects.create(
        shop=shop,
        email=address,
        role=role,
        nonce=secrets.token_urlsafe(32),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=invitation_days()),
    )
    language = invited_by.language or settings.LANGUAGE_CODE
    with override(language):
        role_label = str(MemberRole(role).label)
    notify_address(
        sender=shop,
        address=address,
        language=language,
        kind=NotificationKind.TEAM_INVITATION,
        dedupe_key=f"team_invitation:{invitation.pk}",
        context={
            "shop_name": shop.public_name,
            "inviter": invited_by.display_name,
            "role": role_label.lower(),
            "invite_url": invitation_url(invitation),
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation


def invitation_revoke(*, shop: User, invitation_id: int, now: datetime | None = None) -> None:
    updated = ShopInvitation.objects.filter(
        pk=invitation_id, shop=shop, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now or timezone.now())
    if not updated:
        raise NotFound(_("No such invitation."))


def invitation_from_token(
    token: str, *, now: datetime | None = None, lock: bool = False
) -> ShopInvitation:
    """The open invitation a link names; a clear, stable error for any other link."""
    now = now or timezone.now()
    try:
        value = signing.loads(token, salt=SIGNING_SALT)
        invitation_id, nonce = int(value["i"]), str(value["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(
            "invalid_invitation", _("This invitation link is not valid.")
        ) from None
    rows = ShopInvitation.objects.select_related("shop", "shop__seller_profile")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(pk=invitation_id).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        raise ApplicationError("invalid_invitation", _("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise ApplicationError("invitation_used", _("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise ApplicationError(
            "invitation_revoked", _("This invitation was withdrawn; ask for a new one.")
        )
    if now >= invitation.expires_at:
        raise ApplicationError(
            "invitation_expired", _("This invitation has expired; ask for a new one.")
        )
    if not invitation.shop.is_active:
        raise ApplicationError("invalid_invitation", _("This invitation link is not valid."))
    return invitation


def _join(invitation: ShopInvitation, user: User, now: datetime) -> ShopMember:
    if user.is_seller or user.is_staff:
        raise ApplicationError(
            "account_not_eligible",
            _("A seller's or staff account cannot join a team; use another account."),
        )
    if ShopMember.objects.filter(user=user).exists():
        raise ApplicationError("already_member", _("This account is already on a seller's team."))
    try:
        with transaction.atomic():
            membership = ShopMember.objects.create(
                shop=invitation.shop,
                user=user,
                role=invitation.role,
                invited_by=invitation.invited_by,
                created_at=now,
            )
    except IntegrityError:
        raise ApplicationError(
            "already_member", _("This account is already on a seller's team.")
        ) from None
    ShopInvitation.objects.filter(pk=invitation.pk).update(accepted_at=now, accepted_by=user)
    # The team's open inboxes: a shop's first member brings the Mine and Unassigned tabs.
    inbox_version_bump(user_ids=[invitation.shop_id])
    return membership


@transaction.atomic
def invitation_accept(*, token: str, user: User, now: datetime | None = None) -> ShopMember:
    """Join the team with the signed-in account the invitation was sent to."""
    now = now or timezone.now()
    invitation = invitation_from_token(token, now=now, lock=True)
    if user.email.lower() != invitation.email:
        raise ApplicationError(
            "wrong_account",
            _("This invitation was sent to another email address; sign in with that account."),
        )
    return _join(invitation, user, now)


@transaction.atomic
def invitation_accept_new_account(
    *, token: str, display_name: str, password: str, now: datetime | None = None
) -> ShopMember:
    """Join the team with a new account for the invitation's address."""
    now = now or timezone.now()
    invitation = invitation_from_token(token, now=now, lock=True)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ApplicationError(
            "account_exists", _("An account with this address exists: sign in to accept.")
        )
    name = (display_name or "").strip()
    if not name or len(name) > 80:
        raise _field_error(
            "invalid",
            "display_name",
            _("Give the name your team will see (80 characters at most)."),
        )
    candidate = User(email=invitation.email, display_name=name)
    try:
        validate_password(password or "", user=candidate)
    except ValidationError as error:
        raise ApplicationError(
            "invalid_password", _("Choose another password."), fields={"password": error.messages}
        ) from None
    user = User.objects.create_user(
        invitation.email,
        password,
        display_name=name,
        role=Role.BUYER,
        language=(
            invitation.invited_by.language if invitation.invited_by else settings.LANGUAGE_CODE
        ),
    )
    return _join(invitation, user, now)


def _member(shop: User, member_id: int) -> ShopMember:
    membership = ShopMember.objects.select_related("user").filter(pk=member_id, shop=shop).first()
    if membership is None:
        raise NotFound(_("No such member."))
    return membership


@transaction.atomic
def member_role_set(*, shop: User, member_id: int, role: str) -> ShopMember:
    """Change a member's role; it applies from their next request (and to their tokens)."""
    membership = _member(shop, member_id)
    if role not in MemberRole.values:
        raise _field_error("invalid_role", "role", _("Pick a role."))
    ShopMember.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    inbox_version_bump(user_ids=[shop.pk])  # a viewer is no one to assign threads to
    return membership


@transaction.atomic
def member_remove(*, shop: User, member_id: int, now: datetime | None = None) -> None:
    """Take a person off the team: their sessions end and their API tokens stop at once."""
    membership = _member(shop, member_id)
    ApiToken.objects.filter(user=membership.user, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
    membership.delete()
    inbox_version_bump(user_ids=[shop.pk])  # the last member gone takes the team's tabs
