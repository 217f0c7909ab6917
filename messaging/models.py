import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
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
    REVIEW_REQUEST = "review_request", _("Review request")


class ProactiveReason(models.TextChoices):
    """Why a seller may write first about an order (see messaging/proactive.py for the rules)."""

    CUSTOMIZATION = "customization", _("Confirm customization details")
    DELIVERY_SCHEDULING = "delivery_scheduling", _("Confirm delivery details")
    UNEXPECTED_PROBLEM = "unexpected_problem", _("Unexpected problem with the order")
    INVOICE = "invoice", _("Send an invoice")
    WARRANTY = "warranty", _("Warranty information")
    LEGAL_DISCLOSURE = "legal_disclosure", _("Legal disclosure")
    DIGITAL_ACCESS_KEY = "digital_access_key", _("Digital access key")
    ORDER_DETAILS = "order_details", _("Confirm order details")


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
            # The seller's "all" folder, and a search walking a user's threads newest first.
            models.Index(
                fields=["user", "-last_message_at", "-id"],
                condition=Q(is_deleted=False),
                name="participant_all_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in thread {self.thread_id}"

    @property
    def is_unread(self) -> bool:
        return self.unread_count > 0


class SearchDocument(models.Model):
    """The words one participant finds a thread by, for full-text search on PostgreSQL.

    The order number, the product, the other party's name and the text of every message this
    participant may see (a blocked message only in its sender's document). Kept apart from
    the participant row so that reading or archiving a thread does not rewrite it; written
    by messaging/search.py when a message is delivered or blocked. Elsewhere it stays empty
    and search matches substrings instead.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    # A copy of participant.user, so one GIN index finds a user's matching threads.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    document = SearchVectorField()
    # Copies of the participant's sort key and folder flags, kept equal to them by a trigger
    # on the participant table (migration 0013). With them a search of the big folders reads
    # this one table, newest first, and PostgreSQL can judge how many of the user's threads
    # hold the words; joined to the participants, it counts the user filter twice and guesses
    # some forty times too few, then reads and sorts every match instead of a page.
    last_message_at = models.DateTimeField(db_default=Now())
    last_message_is_mine = models.BooleanField(db_default=False)
    is_archived = models.BooleanField(db_default=False)
    is_deleted = models.BooleanField(db_default=False)

    class Meta:
        indexes = [
            GinIndex(fields=["user", "document"], name="search_document_gin"),
            models.Index(
                fields=["user", "-last_message_at", "-participant"],
                name="search_document_recent_idx",
                condition=Q(is_deleted=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Search document of participant {self.participant_id}"


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
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.DELIVERED
    )
    # The permitted reason of a message the seller wrote first (a proactive message).
    reason = models.CharField(max_length=30, choices=ProactiveReason.choices, blank=True)
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
        verbose_name_plural = "blocked messages"


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


# --- Marketplace rules: buyer preferences, seller restrictions, the moderation queue ----------


class UnsolicitedOptOut(models.Model):
    """A buyer who does not want unsolicited seller messages (critical reasons still arrive)."""

    buyer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unsolicited_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.buyer_id} opted out"


class SellerBlock(models.Model):
    """A buyer blocked a seller: no proactive messages from them except critical reasons."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_blocks"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "seller"], name="seller_block_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} blocked {self.seller_id}"


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


class SavedReply(models.Model):
    """A seller's reusable reply; its placeholders are filled in for each conversation."""

    NAME_MAX_LENGTH = 80

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_replies"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    # At most MESSAGE_MAX_LENGTH characters, checked by the services like a message's body.
    body = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seller_id", "name", "id"]
        verbose_name = "saved reply"
        verbose_name_plural = "saved replies"
        constraints = [
            # "Late delivery" and "late delivery" are one name.
            models.UniqueConstraint("seller", Lower("name"), name="saved_reply_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
