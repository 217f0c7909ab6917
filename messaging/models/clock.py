"""The 24-hour response clock: obligations, and the per-day figures of the metric."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from messaging.models.threads import Message, Thread


class ObligationOutcome(models.TextChoices):
    OPEN = "open", _("Waiting for a reply")
    ANSWERED_ON_TIME = "answered_on_time", _("Answered within 24 hours")
    ANSWERED_LATE = "answered_late", _("Answered late")
    EXCLUDED = "excluded", _("No response needed")


class Obligation(models.Model):
    """The seller's duty to answer one buyer message before its deadline (the 24-hour clock).

    Opened when a buyer message is delivered; closed by the seller's next real reply in the
    thread (on time or late) or by "no response needed" marked before its deadline (excluded).
    Marked after its deadline, "no response needed" leaves it open: it still counts as not
    answered, and a later reply makes it answered late. See messaging/clock/services.py.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="obligations")
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="obligations"
    )
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="obligation")
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=20, choices=ObligationOutcome.choices, default=ObligationOutcome.OPEN
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    excluded_at = models.DateTimeField(null=True, blank=True)
    # When the seller marked "no response needed" while this message waited, in time (then
    # ``excluded_at`` too) or after the deadline (then the obligation stays open).
    no_response_needed_at = models.DateTimeField(null=True, blank=True)
    why = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("received_at")),
                name="obligation_due_after_received",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        outcome=ObligationOutcome.OPEN,
                        answered_at__isnull=True,
                        excluded_at__isnull=True,
                    )
                    | Q(
                        outcome__in=[
                            ObligationOutcome.ANSWERED_ON_TIME,
                            ObligationOutcome.ANSWERED_LATE,
                        ],
                        answered_at__isnull=False,
                        excluded_at__isnull=True,
                    )
                    | Q(
                        outcome=ObligationOutcome.EXCLUDED,
                        answered_at__isnull=True,
                        excluded_at__isnull=False,
                    )
                ),
                name="obligation_closed_matches_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "due_at", "id"], name="obligation_seller_due_idx"),
            models.Index(
                fields=["thread", "received_at"],
                condition=Q(outcome=ObligationOutcome.OPEN),
                name="obligation_thread_open_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(outcome=ObligationOutcome.OPEN),
                name="obligation_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Obligation for message {self.message_id} ({self.outcome})"

    @property
    def is_open(self) -> bool:
        return self.outcome == ObligationOutcome.OPEN


class ResponseDay(models.Model):
    """One seller's counters for the obligations due on one UTC day, updated as they close.

    ``due`` grows when an obligation opens (in the bucket of its due day); the other counters
    grow when it closes. Obligations of a past day that are in no other counter were not
    answered: ``due - answered_on_time - answered_late - excluded``.
    """

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="response_days"
    )
    day = models.DateField()
    due = models.PositiveIntegerField(default=0)
    answered_on_time = models.PositiveIntegerField(default=0)
    answered_late = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    # Sum of (answered_at - received_at) over the answered obligations, in microseconds.
    response_microseconds_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["seller_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "day"], name="response_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} on {self.day}"


class ResponseSnapshot(models.Model):
    """The response-time metric of one seller for one window, as it stood after ``last_day``.

    Taken nightly: later late replies or exclusions change the live figures of past days,
    the snapshot keeps what the seller was shown.
    """

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="response_snapshots"
    )
    last_day = models.DateField()
    window_days = models.PositiveSmallIntegerField()
    due = models.PositiveIntegerField()
    answered_on_time = models.PositiveIntegerField()
    answered_late = models.PositiveIntegerField()
    not_answered = models.PositiveIntegerField()
    excluded = models.PositiveIntegerField()
    response_microseconds_total = models.PositiveBigIntegerField()
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["seller_id", "-last_day", "window_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "last_day", "window_days"], name="response_snapshot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller_id}: {self.window_days} days to {self.last_day}"
