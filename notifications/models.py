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
