"""Moderation: cases, their audit trail, and restrictions on sellers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from messaging.models.threads import Message


class SellerRestriction(models.Model):
    """Staff stopped a seller's proactive messages (and review requests) until ``ends_at``."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions"
    )
    reason = models.CharField(max_length=300)  # shown to the seller
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-ends_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="restriction_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["seller", "-ends_at"], name="restriction_seller_idx")]

    def __str__(self) -> str:
        return f"{self.seller_id} restricted until {self.ends_at:%Y-%m-%d %H:%M}"


class CaseKind(models.TextChoices):
    BLOCKED_MESSAGE = "blocked_message", _("Blocked message")
    REPORT = "report", _("Reported message")
    REPEATED_BLOCKS = "repeated_blocks", _("Repeated blocked messages")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CaseResolution(models.TextChoices):
    NONE = "", _("—")
    RELEASED = "released", _("Released")
    CONFIRMED = "confirmed", _("Violation confirmed")
    RESTRICTED = "restricted", _("Sender restricted")
    DISMISSED = "dismissed", _("Dismissed")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or abusive")
    OFF_PLATFORM = "off_platform", _("Asks to contact or pay outside the marketplace")
    REVIEW_MANIPULATION = "review_manipulation", _("Asks for a positive review")
    OTHER = "other", _("Something else")


class ModerationCase(models.Model):
    """One item of the moderation queue: a blocked message, a report, or a seller to review."""

    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    resolution = models.CharField(
        max_length=12, choices=CaseResolution.choices, default=CaseResolution.NONE, blank=True
    )
    # Whose conduct is in question: the message's sender, or the seller with repeated blocks.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_cases"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="cases"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_made",
    )
    report_reason = models.CharField(max_length=20, choices=ReportReason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "moderation case"
        verbose_name_plural = "moderation queue"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CaseKind.REPEATED_BLOCKS) | Q(message__isnull=False),
                name="case_message_unless_seller_review",
            ),
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=Q(kind=CaseKind.REPORT, status=CaseStatus.OPEN),
                name="case_one_open_report_per_reporter",
            ),
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(kind=CaseKind.REPEATED_BLOCKS, status=CaseStatus.OPEN),
                name="case_one_open_seller_review",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status=CaseStatus.OPEN),
                name="case_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ModerationAction(models.Model):
    """The audit trail: who (staff, or the system when empty) did what to whom, and when."""

    class Action(models.TextChoices):
        QUEUED = "queued", _("Queued")
        REPORTED = "reported", _("Reported")
        RELEASED = "released", _("Released")
        CONFIRMED = "confirmed", _("Confirmed")
        RESTRICTED = "restricted", _("Restricted sender")
        DISMISSED = "dismissed", _("Dismissed report")
        LIFTED = "lifted", _("Lifted restriction early")
        REPROCESSED = "reprocessed", _("Processed a refused email again")
        LABELLED = "labelled", _("Labelled for the policy corpus")

    case = models.ForeignKey(
        ModerationCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "moderation action"
        verbose_name_plural = "moderation audit trail"

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class FeedbackKind(models.TextChoices):
    FALSE_POSITIVE = "false_positive", _("False positive")
    MISSED_VIOLATION = "missed_violation", _("Missed violation")


class PolicyFeedback(models.Model):
    """Staff's label on a message the content policy judged wrongly, for growing its corpus.

    A false positive is a blocked message staff released (it should have been allowed); a
    missed violation is a delivered message a confirmed report showed should have been
    blocked. The text, file names and language are copied when the label is made, so the
    label outlives the message.
    """

    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policy_feedback",
    )
    kind = models.CharField(max_length=20, choices=FeedbackKind.choices)
    # The policy categories the message breaks (names from messaging.policy.CATEGORIES);
    # empty for a false positive.
    categories = models.JSONField(default=list, blank=True)
    text = models.TextField()
    filenames = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = "policy feedback"
        verbose_name_plural = "policy feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["message", "kind"], name="policy_feedback_one_per_message_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
