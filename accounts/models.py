from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")
    STAFF = "staff", _("Staff")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("An email for each new message")
    DIGEST = "digest", _("A digest of new messages")
    OFF = "off", _("No emails")


class UndoSendSeconds(models.IntegerChoices):
    OFF = 0, _("Off: send at once")
    SECONDS_5 = 5, _("5 seconds")
    SECONDS_10 = 10, _("10 seconds")
    SECONDS_30 = 30, _("30 seconds")


class DigestInterval(models.IntegerChoices):
    MINUTES_15 = 15, _("every 15 minutes")
    HOUR = 60, _("every hour")
    HOURS_4 = 240, _("every 4 hours")
    DAY = 1440, _("once a day")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("role", Role.STAFF)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address: a buyer, a seller or staff."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BUYER)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    notification_mode = models.CharField(
        _("email notifications"),
        max_length=10,
        choices=NotificationMode.choices,
        default=NotificationMode.IMMEDIATE,
    )
    digest_interval_minutes = models.PositiveSmallIntegerField(
        _("digest frequency"), choices=DigestInterval.choices, default=DigestInterval.HOUR
    )
    # How long a sent message can be taken back before the other side gets it; None: the
    # marketplace's default (settings.MESSAGE_UNDO_SECONDS).
    undo_send_seconds = models.PositiveSmallIntegerField(
        _("undo send"), choices=UndoSendSeconds.choices, null=True, blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notification_mode__in=NotificationMode.values),
                name="user_notification_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(digest_interval_minutes__in=DigestInterval.values),
                name="user_digest_interval_valid",
            ),
            models.CheckConstraint(
                condition=Q(undo_send_seconds__isnull=True)
                | Q(undo_send_seconds__in=UndoSendSeconds.values),
                name="user_undo_send_seconds_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    @property
    def is_seller(self) -> bool:
        return self.role == Role.SELLER

    @property
    def is_buyer(self) -> bool:
        return self.role == Role.BUYER

    @property
    def public_name(self) -> str:
        """The name the other party sees: a seller's shop name, otherwise the display name."""
        profile = getattr(self, "seller_profile", None) if self.is_seller else None
        return profile.shop_name if profile is not None else self.display_name


class SellerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="seller_profile")
    shop_name = models.CharField(max_length=80, unique=True)

    def __str__(self) -> str:
        return self.shop_name


class NotificationAddress(models.Model):
    """An extra address of a seller's team that receives the seller's notification emails."""

    MAX_PER_USER = 5

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_addresses")
    email = models.EmailField(_("email address"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "email"], name="notification_address_unique"),
        ]

    def __str__(self) -> str:
        return self.email


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12)  # shown in lists so a token can be recognised
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateLimitWindow(models.Model):
    """One fixed-window rate-limit counter, kept here while the shared cache is unreachable.

    Limits are counted in Redis; when Redis is down or frozen they are counted in this table
    instead (``accounts.ratelimit``), so a send is neither refused with an error nor let
    through unlimited. Expired windows are deleted hourly.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    AGENT = "agent", _("Agent")
    VIEWER = "viewer", _("Viewer")


class ShopMember(models.Model):
    """A person who works a seller's shop: signs in as themselves and acts for the shop.

    The shop is the seller's own account (``shop``), which stays the owner of everything: its
    threads, its response metric, the name buyers see. A member's requests act for it with the
    member's role (``accounts.members``). A person belongs to at most one shop's team.
    """

    shop = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_members")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="shop_membership")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="shop_member_role_valid"
            ),
            models.CheckConstraint(
                condition=~Q(shop=models.F("user")), name="shop_member_not_the_shop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.shop_id} ({self.role})"

    @property
    def can_write(self) -> bool:
        """May act on the shop's threads and be assigned them (everyone but a viewer)."""
        return self.role != MemberRole.VIEWER

    @property
    def manages_shop(self) -> bool:
        """May manage the shop itself: its team, addresses, webhooks (an owner)."""
        return self.role == MemberRole.OWNER


class ShopInvitation(models.Model):
    """An owner's invitation to join the shop's team, sent by email as a signed, expiring link.

    The link carries the invitation's id and a random nonce, signed with the site's key; the
    nonce is kept here, so a link works once (``accepted_at``), and not after it is revoked
    or expired.
    """

    shop = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    nonce = models.CharField(max_length=43)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="shop_invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.shop_id} ({self.role})"

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
