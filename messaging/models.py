import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.querysets import ParticipantQuerySet


class Topic(models.TextChoices):
    SHIPPING = "shipping", _("Shipping")
    RETURN_REFUND = "return_refund", _("Return or refund")
    PRODUCT_QUESTION = "product_question", _("Product question")
    DAMAGED_DEFECTIVE = "damaged_defective", _("Damaged or defective")
    INVOICE = "invoice", _("Invoice")
    OTHER = "other", _("Other")


class ThreadKind(models.TextChoices):
    ORDER = "order", _("Order")
    PRODUCT_QUESTION = "product_question", _("Pre-order question")


class ParticipantRole(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    SYSTEM = "system", _("System notice")


class MessageStatus(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    BLOCKED = "blocked", _("Blocked by the content policy")


class ReviewOutcome(models.TextChoices):
    PENDING = "", _("Waiting for review")
    RELEASED = "released", _("Released (false positive)")
    CONFIRMED = "confirmed", _("Confirmed violation")


class Thread(models.Model):
    """A conversation between one buyer and one seller about an order or a product."""

    kind = models.CharField(max_length=20, choices=ThreadKind.choices)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    product = models.ForeignKey(
        "orders.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads_as_buyer"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads_as_seller"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ThreadKind.ORDER, order__isnull=False, product__isnull=True)
                    | Q(kind=ThreadKind.PRODUCT_QUESTION, order__isnull=True, product__isnull=False)
                ),
                name="thread_subject_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(buyer=models.F("seller")), name="thread_buyer_is_not_seller"
            ),
            models.UniqueConstraint(
                fields=["order"], condition=Q(order__isnull=False), name="thread_one_per_order"
            ),
            models.UniqueConstraint(
                fields=["product", "buyer"],
                condition=Q(product__isnull=False),
                name="thread_one_per_product_buyer",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def subject(self) -> str:
        if self.kind == ThreadKind.ORDER and self.order is not None:
            return f"{self.get_topic_display()} · {_('Order')} {self.order.number}"
        return f"{self.get_topic_display()} · {self.product.title if self.product else ''}"


class Participant(models.Model):
    """One side's view of a thread: its folder, unread state and response duty.

    The inbox reads only these rows (one per user and thread), so list fields that belong
    to the thread (last activity, who wrote last) are copied here on every send.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="thread_states"
    )
    role = models.CharField(max_length=10, choices=ParticipantRole.choices)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_message_is_mine = models.BooleanField(default=False)
    unread_count = models.PositiveIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    is_archived = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    # Seller side only: when the oldest buyer message still waiting for a reply arrived.
    needs_response_since = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="participant_unique"),
            models.UniqueConstraint(fields=["thread", "role"], name="participant_one_per_role"),
            models.CheckConstraint(
                condition=Q(role=ParticipantRole.SELLER) | Q(needs_response_since__isnull=True),
                name="participant_only_seller_needs_response",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "is_archived", "-last_message_at", "-id"],
                condition=Q(is_deleted=False),
                name="participant_inbox_idx",
            ),
            models.Index(
                fields=["user", "needs_response_since", "id"],
                condition=Q(is_deleted=False, needs_response_since__isnull=False),
                name="participant_needs_resp_idx",
            ),
            models.Index(
                fields=["user", "-last_message_at", "-id"],
                condition=Q(is_deleted=False, unread_count__gt=0),
                name="participant_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in thread {self.thread_id}"

    @property
    def is_unread(self) -> bool:
        return self.unread_count > 0


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages_sent",
    )
    sender_role = models.CharField(max_length=10, choices=ParticipantRole.choices)
    kind = models.CharField(max_length=12, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.DELIVERED
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # What the content policy found: [{"category", "start", "end", "reason", "source"}].
    findings = models.JSONField(default=list, blank=True)
    review_outcome = models.CharField(
        max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="message_thread_created_idx"),
            models.Index(
                fields=["status", "-created_at"],
                condition=~Q(status=MessageStatus.DELIVERED),
                name="message_moderation_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in thread {self.thread_id}"

    @property
    def is_delivered(self) -> bool:
        return self.status == MessageStatus.DELIVERED

    @property
    def categories(self) -> list[str]:
        return sorted({finding["category"] for finding in self.findings})


class BlockedMessage(Message):
    """The moderation queue: messages the content policy stopped."""

    class Meta:
        proxy = True
        verbose_name = "blocked message"
        verbose_name_plural = "moderation queue"


def attachment_key(instance: "Attachment | None", filename: str) -> str:
    """A server-generated storage key; the sender's file name is kept only for display."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A checked file of a message, stored privately under a key the server chose."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=attachment_key, max_length=200)
    thumbnail = models.FileField(upload_to=attachment_key, max_length=200, blank=True)
    name = models.CharField(max_length=255)  # sanitized original name, for display only
    content_type = models.CharField(max_length=100)  # sniffed from the bytes
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["message_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "position"], name="attachment_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_inline_safe(self) -> bool:
        """Images and PDF may be shown in the browser; everything else is downloaded."""
        return self.is_image or self.content_type == "application/pdf"


class ObligationOutcome(models.TextChoices):
    OPEN = "open", _("Waiting for a reply")
    ANSWERED_ON_TIME = "answered_on_time", _("Answered within 24 hours")
    ANSWERED_LATE = "answered_late", _("Answered late")
    EXCLUDED = "excluded", _("No response needed")


class Obligation(models.Model):
    """The seller's duty to answer one buyer message before its deadline (the 24-hour clock).

    Opened when a buyer message is delivered; closed by the seller's next real reply in the
    thread (on time or late) or by "no response needed" (excluded). See response_clock.py.
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


class IdempotencyKey(models.Model):
    """The first result of an API send made with an ``Idempotency-Key`` header, for replays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and request content: a key reused for another request is
    # refused rather than answered with the wrong result.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
