"""Conversations: threads, each participant's side of one, and their messages."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from messaging.models.folders import Folder, folder_condition
from messaging.models.rules import ProactiveReason


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


class MessageStatus(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    BLOCKED = "blocked", _("Blocked by the content policy")
    # Sent, and waiting out its undo time: only its sender sees it until it is released.
    SENDING = "sending", _("Sending")


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


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def for_user(self, user: User) -> "ParticipantQuerySet":
        """The user's rows in their folders: neither in Trash nor deleted."""
        return self.filter(user=user, is_deleted=False)

    def in_folder(self, folder: str, *, person_id: int | None = None) -> "ParticipantQuerySet":
        return self.filter(folder_condition(folder, person_id=person_id))

    def in_trash(self) -> "ParticipantQuerySet":
        return self.filter(trashed_at__isnull=False)

    def for_user_in_folder(
        self, user: User, folder: str, *, person_id: int | None = None
    ) -> "ParticipantQuerySet":
        """The user's rows in one folder; Trash holds only rows that are in no other folder.

        *Mine* is what is assigned to ``person_id``: the member of the shop's team looking, or
        the shop's own account (the default).
        """
        if folder == Folder.TRASH:
            return self.filter(user=user).in_trash()
        return self.for_user(user).in_folder(folder, person_id=person_id or user.pk)

    def needs_response(self) -> "ParticipantQuerySet":
        return self.in_folder(Folder.NEEDS_RESPONSE)

    def unread(self) -> "ParticipantQuerySet":
        return self.filter(unread_count__gt=0)


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
    # Hidden from every folder: in Trash, deleted for good, or no message delivered yet.
    is_deleted = models.BooleanField(default=False)
    # In Trash since then ("Delete"; is_deleted is set too): restorable until the purge deletes
    # it for good TRASH_PURGE_DAYS later. A new message brings it back to the inbox.
    trashed_at = models.DateTimeField(null=True, blank=True)
    # When the Trash was last emptied of this thread for this participant: the messages up to
    # then are gone for them (kept for the other side and moderation). A later message brings
    # the thread back, with only what came after.
    purged_at = models.DateTimeField(null=True, blank=True)
    # Seller side only: when the oldest buyer message still waiting for a reply arrived.
    needs_response_since = models.DateTimeField(null=True, blank=True)
    # Seller side only: the person of the shop's team the thread is assigned to (a member, or
    # the shop's own account); None: unassigned.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="participant_unique"),
            models.UniqueConstraint(fields=["thread", "role"], name="participant_one_per_role"),
            models.CheckConstraint(
                condition=Q(role=ParticipantRole.SELLER) | Q(needs_response_since__isnull=True),
                name="participant_only_seller_needs_response",
            ),
            models.CheckConstraint(
                condition=Q(trashed_at__isnull=True) | Q(is_deleted=True),
                name="participant_trash_is_hidden",
            ),
            models.CheckConstraint(
                condition=Q(role=ParticipantRole.SELLER) | Q(assignee__isnull=True),
                name="participant_only_seller_assigned",
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
            # A team's "Mine" and "Unassigned" folders (and the filter by assignee).
            models.Index(
                fields=["user", "assignee", "-last_message_at", "-id"],
                condition=Q(is_deleted=False, role=ParticipantRole.SELLER),
                name="participant_assignee_idx",
            ),
            # The seller's "all" folder, and a search walking a user's threads newest first.
            models.Index(
                fields=["user", "-last_message_at", "-id"],
                condition=Q(is_deleted=False),
                name="participant_all_idx",
            ),
            # The Trash folder, newest first; and the purge, oldest first. Both small.
            models.Index(
                fields=["user", "-last_message_at", "-id"],
                condition=Q(trashed_at__isnull=False),
                name="participant_trash_idx",
            ),
            models.Index(
                fields=["trashed_at", "id"],
                condition=Q(trashed_at__isnull=False),
                name="participant_trash_purge_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in thread {self.thread_id}"

    @property
    def is_unread(self) -> bool:
        return self.unread_count > 0

    @property
    def purge_at(self) -> datetime | None:
        """When a thread in Trash is deleted for good (the purge runs after that)."""
        if self.trashed_at is None:
            return None
        return self.trashed_at + timedelta(days=settings.TRASH_PURGE_DAYS)

    @property
    def is_purged(self) -> bool:
        """Deleted for good for this participant, and nothing new since."""
        return self.is_deleted and self.trashed_at is None and self.purged_at is not None


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
    # The member of the seller's team who wrote it for the shop (``sender``); None when the
    # sender wrote it themself. Shown to the team, never to the buyer.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.DELIVERED
    )
    # The permitted reason of a message the seller wrote first (a proactive message).
    reason = models.CharField(max_length=30, choices=ProactiveReason.choices, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # What the content policy found: [{"category", "start", "end", "reason", "source", "code",
    # "params"}]; "reason" is the English sentence of "code" (findings stored before codes
    # existed have no "code" and are shown with their "reason").
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
    # Undo send: until when the sender may take the message back. A sending message is
    # delivered once this has passed (by its release task, or else by the sweep).
    undo_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="message_thread_created_idx"),
            models.Index(
                fields=["status", "-created_at"],
                condition=~Q(status=MessageStatus.DELIVERED),
                name="message_moderation_idx",
            ),
            models.Index(
                fields=["undo_until", "id"],
                condition=Q(status=MessageStatus.SENDING),
                name="message_sending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENDING) | Q(undo_until__isnull=False),
                name="message_sending_has_undo_until",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in thread {self.thread_id}"

    @property
    def is_delivered(self) -> bool:
        return self.status == MessageStatus.DELIVERED

    @property
    def is_sending(self) -> bool:
        return self.status == MessageStatus.SENDING

    @property
    def categories(self) -> list[str]:
        return sorted({finding["category"] for finding in self.findings})


class BlockedMessage(Message):
    """The moderation queue: messages the content policy stopped."""

    class Meta:
        proxy = True
        verbose_name = "blocked message"
        verbose_name_plural = "blocked messages"
