"""Sellers writing first (proactive messages, review requests) and the buyer's controls over them.

The rules and windows live in ``messaging.rules.proactive``; these are the writes.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation

from accounts import members
from accounts.models import User
from core.errors import ApplicationError, NotFound
from core.metrics import message_sent_count
from core.on_commit import after_commit
from messaging.attachments.checks import IncomingFile
from messaging.attachments.store import (
    StagedFiles,
    files_staged,
)
from messaging.models import (
    Message,
    MessageKind,
    Participant,
    ParticipantRole,
    SellerBlock,
    ThreadKind,
    Topic,
    UnsolicitedOptOut,
)
from messaging.rules import proactive
from messaging.threads.delivery import message_deliver, participants_lock
from messaging.threads.services import message_body_clean, message_store, thread_get_or_create
from orders.models import Order


@transaction.atomic
def seller_unblock(*, buyer: User, seller_id: int) -> None:
    """Unblock a seller the buyer blocked; raise NotFound if they did not block them."""
    deleted, _ = SellerBlock.objects.filter(buyer=buyer, seller_id=seller_id).delete()
    if not deleted:
        raise NotFound("No such blocked seller.")


# --- Sellers writing first (rules in messaging/proactive.py) ----------------------------------
def _refuse_unavailable(status: proactive.ActionStatus) -> None:
    if status.unavailable is not None:
        raise proactive.NotAvailableNow(status.unavailable.code, status.unavailable.detail)


def _lock_order(order: Order) -> None:
    # Serializes the proactive sends of one order, so the cap and "one review request" hold.
    Order.objects.select_for_update().filter(pk=order.pk).values_list("pk").first()


def proactive_message_send(
    *,
    seller: User,
    order: Order,
    reason: str,
    body: str,
    files: Sequence[IncomingFile] = (),
    now: datetime | None = None,
) -> Message:
    """Write first to the buyer of one of the seller's orders, for a permitted reason.

    The reason's rules (length, required file, window, cap, the buyer's opt-out or block, a
    restriction) are checked; the order number is put at the top in the buyer's language. A
    message the content policy stops is stored as blocked and returned, as ``message_send``.
    """
    now = now or timezone.now()
    if order.seller_id != seller.pk:
        raise NotFound("No such order.")
    rule = proactive.RULES.get(reason)
    if rule is None:
        detail = "Pick one of the permitted reasons."
        raise ApplicationError("invalid_reason", detail, fields={"reason": [detail]})
    text = message_body_clean(body, allow_empty=bool(files))
    if len(text) > rule.max_length:
        detail = (
            f"A message for “{rule.label}” can have at most {rule.max_length:,} characters "
            f"(this one has {len(text):,})."
        )
        raise ApplicationError("body_too_long", detail, fields={"body": [detail]})
    with files_staged(files=files, body=text) as staged:
        if rule.required_file_types and not any(
            file.content_type in rule.required_file_types for file in staged.files
        ):
            detail = f"A message for “{rule.label}” needs a PDF file attached."
            raise ApplicationError("attachment_required", detail, fields={"files": [detail]})
        return _proactive_store(
            seller=seller,
            order=order,
            rule=rule,
            text=text,
            staged=staged,
            now=now,
        )


@transaction.atomic
def _proactive_store(
    *,
    seller: User,
    order: Order,
    rule: proactive.ReasonRule,
    text: str,
    staged: StagedFiles,
    now: datetime,
) -> Message:
    _lock_order(order)
    actions = proactive.order_messaging_actions_get(seller=seller, order=order, now=now)
    _refuse_unavailable(actions.status_for(rule.reason))
    thread = thread_get_or_create(
        kind=ThreadKind.ORDER,
        buyer=order.buyer,
        seller=order.seller,
        topic=rule.topic,
        order=order,
        now=now,
    )
    with translation.override(order.buyer.language):
        header = f"{translation.gettext('Order')} {order.number} · {rule.label}"
    return message_store(
        thread=thread,
        sender=seller,
        text=f"{header}\n\n{text}" if text else header,
        staged=staged,
        kind=MessageKind.MESSAGE,
        now=now,
        reason=rule.reason,
    )


@transaction.atomic
def review_request_send(*, seller: User, order: Order, now: datetime | None = None) -> Message:
    """Ask the buyer for a review, in fixed neutral wording; once per order, 5–30 days after
    delivery. The buyer cannot reply to it and it opens no response obligation."""
    now = now or timezone.now()
    if order.seller_id != seller.pk:
        raise NotFound("No such order.")
    _lock_order(order)
    actions = proactive.order_messaging_actions_get(seller=seller, order=order, now=now)
    _refuse_unavailable(actions.review_request)
    thread = thread_get_or_create(
        kind=ThreadKind.ORDER,
        buyer=order.buyer,
        seller=order.seller,
        topic=Topic.OTHER,
        order=order,
        now=now,
    )
    participants = participants_lock(thread)
    # The marketplace's own wording: nothing for the content policy to check.
    message = Message.objects.create(
        thread=thread,
        sender=seller,
        sender_role=ParticipantRole.SELLER,
        author_id=members.acting_member_id(),
        kind=MessageKind.REVIEW_REQUEST,
        body=proactive.review_request_text(
            language=order.buyer.language, order_number=order.number
        ),
        created_at=now,
    )
    message_deliver(message=message, participants=participants, now=now)
    after_commit(message_sent_count, status=str(message.status))
    return message


# --- Buyer preferences: opting out of unsolicited messages, blocking a seller ------------------
@transaction.atomic
def unsolicited_messages_set(*, buyer: User, receive: bool, now: datetime | None = None) -> None:
    """Opt a buyer in to or out of unsolicited seller messages (critical ones still arrive)."""
    if receive:
        UnsolicitedOptOut.objects.filter(buyer=buyer).delete()
    else:
        UnsolicitedOptOut.objects.get_or_create(
            buyer=buyer, defaults={"created_at": now or timezone.now()}
        )


def _buyer_side(participant: Participant) -> Participant:
    if participant.role != ParticipantRole.BUYER:
        raise ApplicationError(
            "not_buyer", "Only the buyer of a conversation can block its seller."
        )
    return participant


@transaction.atomic
def thread_block_seller(*, participant: Participant, now: datetime | None = None) -> None:
    """Block the seller of a conversation: no more proactive messages except critical ones."""
    _buyer_side(participant)
    SellerBlock.objects.get_or_create(
        buyer_id=participant.user_id,
        seller_id=participant.thread.seller_id,
        defaults={"created_at": now or timezone.now()},
    )


@transaction.atomic
def thread_unblock_seller(*, participant: Participant) -> None:
    """Unblock the seller of a conversation."""
    _buyer_side(participant)
    SellerBlock.objects.filter(
        buyer_id=participant.user_id, seller_id=participant.thread.seller_id
    ).delete()
