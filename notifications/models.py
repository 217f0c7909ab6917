"""The notification outbox: one row per email to send, written in the event's transaction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_MESSAGE = "new_message", _("New message")
    MESSAGE_RELEASED = "message_released", _("Message delivered after review")
    REMINDER = "reminder", _("Response reminder")
    DIGEST = "digest", _("Digest of new messages")
    SIGN_IN_PAUSED = "sign_in_paused", _("Sign-in paused after failed attempts")
    TEAM_INVITATION = "team_invitation", _("Invitation to a seller's team")
    TEAM_MENTION = "team_mention", _("Mentioned in a team note")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    WAITING_DIGEST = "waiting_digest", _("Waiting for the digest")
    IN_DIGEST = "in_digest", _("Included in a digest")
    SKIPPED = "skipped", _("Not sent: email notifications are off")


class Notification(models.Model):
    """An email to one address, carrying everything needed to render it.

    Delivery claims the row with a conditional update (``locked_until``), so however often its
    task runs, a row is sent at most once per claim and never again once it is ``sent``.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    address = models.EmailField()
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    language = models.CharField(max_length=5, default="en")
    # Rendering data (sender's public name, thread URL, subject, excerpt …), never an address.
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    digest = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_recent_idx"
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_pending_idx",
            ),
            models.Index(
                fields=["recipient", "address", "created_at"],
                condition=Q(status="waiting_digest"),
                name="notification_digest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.address} ({self.status})"

    @property
    def is_sent(self) -> bool:
        return self.status == NotificationStatus.SENT


class WebhookEvent(models.TextChoices):
    MESSAGE_RECEIVED = "message.received", _("A buyer's message arrived")
    MESSAGE_BLOCKED = "message.blocked", _("One of your messages was blocked")
    REMINDER = "thread.needs_response_reminder", _("A buyer is waiting for your reply")
    PING = "ping", _("Test event")


class WebhookEndpoint(models.Model):
    """A seller's HTTPS address that receives signed event deliveries.

    The secret is kept in clear because signing needs it; it is shown to its seller only.
    """

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "url"], name="webhook_endpoint_unique_url"),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint: an outbox row, claimed like ``Notification`` and sent once."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(
        max_length=10,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_recent_idx"
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_pending_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(status__in=WebhookDeliveryStatus.values),
                name="webhook_delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivery_delivered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} to {self.endpoint_id} ({self.status})"
