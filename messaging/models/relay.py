"""Replies by email: each inbound email as it arrived and what became of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.models.threads import Message, Thread


class InboundEmailStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not processed yet")
    PROCESSED = "processed", _("Delivered as a message")
    REFUSED = "refused", _("Refused, sender told why")


class InboundEmail(models.Model):
    """An email sent to a reply alias, stored as received before anything else happens.

    The raw bytes are kept, so an email whose processing crashed is processed again by the
    sweep, and staff see exactly what arrived and why it was refused. The Message-ID is unique:
    the same email delivered twice is one row and at most one message.
    """

    class Source(models.TextChoices):
        SMTP = "smtp", _("SMTP listener")
        MAILGUN = "mailgun", _("Mailgun webhook")

    # The email's Message-ID header (or one derived from its bytes when it has none).
    header_message_id = models.CharField(max_length=255, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    raw = models.BinaryField()
    envelope_from = models.CharField(max_length=254, blank=True)
    from_address = models.CharField(max_length=254, blank=True)
    alias = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    # "pass", "fail", "softfail", "neutral", "none" … as the receiving server recorded them.
    spf_result = models.CharField(max_length=20, blank=True)
    dkim_result = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=InboundEmailStatus.choices, default=InboundEmailStatus.RECEIVED
    )
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    bounce_to = models.CharField(max_length=254, blank=True)
    bounce_message_id = models.CharField(max_length=255, blank=True)
    bounce_sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "inbound email"
        verbose_name_plural = "inbound emails"
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(status="received"),
                name="inbound_email_pending_idx",
            ),
            models.Index(
                fields=["processed_at"],
                condition=Q(status="refused", bounce_sent_at__isnull=True) & ~Q(bounce_to=""),
                name="inbound_email_bounce_idx",
            ),
            # The bounces explained to one address lately (at most a few a day to strangers).
            models.Index(
                fields=["bounce_to", "processed_at"],
                condition=~Q(bounce_to=""),
                name="inbound_email_bounced_to_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InboundEmailStatus.values),
                name="inbound_email_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Email from {self.from_address or '?'} ({self.status})"


class InboundWebhookToken(models.Model):
    """A signature token of the email provider's webhook, already used once.

    The provider signs a timestamp and a random token, not the email it posts, so a signature
    is accepted once; the row is kept only while its timestamp is fresh enough to be accepted.
    """

    # SHA-256 of the token: the primary key makes a second use fail on insert, atomically.
    token_hash = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "inbound webhook token"
        verbose_name_plural = "inbound webhook tokens"

    def __str__(self) -> str:
        return self.token_hash[:12]
