"""Every write to threads and messages. The web pages and the API call these same functions."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Language, User
from messagecenter.errors import ApplicationError, NotFound
from messaging import moderation, proactive, saved_replies, search, webhook_events
from messaging.attachment_store import StagedFiles, cleanup_on_failure, stage_files, store_files
from messaging.attachments import IncomingFile
from messaging.content_policy import content_check
from messaging.models import (
    Message,
    MessageKind,
    MessageStatus,
    Participant,
    ParticipantRole,
    ReviewOutcome,
    SavedReply,
    SellerBlock,
    Thread,
    ThreadKind,
    Topic,
    UnsolicitedOptOut,
)
from messaging.ratelimit import rate_limit_hit
from messaging.reply_alias import reply_alias_address
from messaging.response_clock import answer_obligations, exclude_obligations, open_obligation
from notifications.services import notify
from orders.models import Order, Product


def clean_body(body: str, *, allow_empty: bool = False) -> str:
    """Return the body as it will be stored, or refuse an empty or over-long one.

    A message that carries files may have no text (``allow_empty``).
    """
    text = (body or "").replace("\r\n", "\n").strip()
    if not text and not allow_empty:
        raise ApplicationError(
            "empty_body", "Write a message first.", fields={"body": ["Write a message first."]}
        )
    limit = settings.MESSAGE_MAX_LENGTH
    if len(text) > limit:
        detail = f"A message can have at most {limit:,} characters (this one has {len(text):,})."
        raise ApplicationError("body_too_long", detail, fields={"body": [detail]})
    return text


def _validate_topic(topic: str) -> str:
    if topic not in Topic.values:
        raise ApplicationError(
            "invalid_topic", "Pick a topic.", fields={"topic": ["Pick a valid topic."]}
        )
    return topic


def _lock_participants(thread: Thread) -> dict[str, Participant]:
    # Locking both rows (in id order) serializes concurrent sends in one thread.
    rows = Participant.objects.select_for_update().filter(thread=thread).order_by("id")
    return {row.role: row for row in rows}


def _deliver(*, message: Message, participants: dict[str, Participant], now: datetime) -> None:
    """Make a stored message visible to the other side and update both sides' state."""
    thread_id = message.thread_id
    Thread.objects.filter(pk=thread_id).update(last_message=message, last_message_at=now)
    mine = participants[message.sender_role]
    other = participants[
        ParticipantRole.SELLER if mine.role == ParticipantRole.BUYER else ParticipantRole.BUYER
    ]
    seller = participants[ParticipantRole.SELLER]
    needs_response_since: Value | F = F("needs_response_since")
    if message.kind == MessageKind.MESSAGE:
        if mine.role == ParticipantRole.BUYER:
            open_obligation(message=message, seller_id=seller.user_id, now=now)
            if seller.needs_response_since is None:
                needs_response_since = Value(now)
        else:
            # A real seller reply answers the buyer; automatic messages never do.
            answer_obligations(thread_id=thread_id, answer=message, now=now)
            needs_response_since = Value(None, output_field=DateTimeField())
    # Both sides in one statement: the sender has read up to their own message, the other
    # side has one more unread, and the seller's clock starts or stops.
    is_mine = Q(pk=mine.pk)
    Participant.objects.filter(pk__in=[mine.pk, other.pk]).update(
        last_message_at=now,
        last_message_is_mine=Case(When(is_mine, then=Value(True)), default=Value(False)),
        unread_count=Case(When(is_mine, then=Value(0)), default=F("unread_count") + 1),
        last_read_at=Case(When(is_mine, then=Value(now)), default=F("last_read_at")),
        is_archived=False,
        is_deleted=False,
        needs_response_since=Case(
            When(pk=seller.pk, then=needs_response_since), default=F("needs_response_since")
        ),
    )
    search.document_append(message=message, participant_ids=[mine.pk, other.pk])
    _notify_delivered(message=message, recipient=other)
    webhook_events.message_received(message=message)


def _notification_context(*, message: Message, reader: User, reader_role: str) -> dict[str, object]:
    # Everything the email needs, in the reader's language; names only, never a person's
    # address: replies go to the reader's own signed alias on the relay.
    thread = message.thread
    view = (
        "messaging:seller-thread" if reader_role == ParticipantRole.SELLER else "messaging:thread"
    )
    with translation.override(reader.language):
        subject = str(thread.subject)
    return {
        "subject": subject,
        "order_number": thread.order.number if thread.order is not None else "",
        "thread_url": settings.SITE_URL.rstrip("/") + reverse(view, args=[thread.pk]),
        "excerpt": Truncator(message.body).chars(300),
        "reply_to": reply_alias_address(
            thread_id=thread.pk, user_id=reader.pk, now=message.created_at
        ),
    }


def _notify_delivered(*, message: Message, recipient: Participant) -> None:
    """Email the other side about a delivered message (after commit, as they chose)."""
    thread = message.thread
    # The callers load the thread with both parties, so this is usually not another query.
    reader = thread.seller if recipient.role == ParticipantRole.SELLER else thread.buyer
    sender_name = message.sender.public_name if message.sender else "Message Center"
    notify(
        recipient=reader,
        kind="new_message",
        dedupe_key=f"message:{message.pk}:to:{reader.pk}",
        context={
            **_notification_context(message=message, reader=reader, reader_role=recipient.role),
            "sender_name": sender_name,
        },
    )


def _notify_released(*, message: Message, participants: dict[str, Participant]) -> None:
    """Tell the sender of a message staff released that it was delivered."""
    if message.sender is None:
        return
    other_role = (
        ParticipantRole.SELLER
        if message.sender_role == ParticipantRole.BUYER
        else ParticipantRole.BUYER
    )
    other = User.objects.get(pk=participants[other_role].user_id)
    notify(
        recipient=message.sender,
        kind="message_released",
        dedupe_key=f"released:{message.pk}:to:{message.sender.pk}",
        context={
            **_notification_context(
                message=message, reader=message.sender, reader_role=message.sender_role
            ),
            "recipient_name": other.public_name,
        },
    )


def message_send(
    *,
    thread: Thread,
    sender: User,
    body: str,
    files: Sequence[IncomingFile] = (),
    kind: str = MessageKind.MESSAGE,
    now: datetime | None = None,
) -> Message:
    """Send a message, with up to five files, in a thread the sender takes part in.

    Files are checked first, outside any transaction: one refused file refuses the message
    (``ApplicationError`` with every file's reason) and nothing is stored. A message the
    content policy stops (in its text, file names or file text) is stored as blocked, with its
    findings and files, and returned: only its sender and staff ever see it. Callers check
    ``message.is_delivered``.
    """
    text = clean_body(body, allow_empty=bool(files))
    staged = stage_files(files=files, body=text)
    with cleanup_on_failure() as written:
        return _message_store(
            thread=thread,
            sender=sender,
            text=text,
            staged=staged,
            written=written,
            kind=kind,
            now=now or timezone.now(),
            is_reply=True,
        )


@transaction.atomic
def _message_store(
    *,
    thread: Thread,
    sender: User,
    text: str,
    staged: StagedFiles,
    written: list[str],
    kind: str,
    now: datetime,
    reason: str = "",
    is_reply: bool = False,
) -> Message:
    participants = _lock_participants(thread)
    mine = next((p for p in participants.values() if p.user_id == sender.pk), None)
    if mine is None:
        raise NotFound("No such conversation.")
    if is_reply:
        _check_reply_allowed(thread=thread, role=mine.role)
    rate_limit_hit(scope="send", ident=sender.pk)
    verdict = content_check(body=text, filenames=staged.names, file_texts=staged.texts)
    message = Message.objects.create(
        thread=thread,
        sender=sender,
        sender_role=mine.role,
        kind=kind,
        status=MessageStatus.BLOCKED if verdict.is_blocked else MessageStatus.DELIVERED,
        reason=reason,
        body=text,
        created_at=now,
        findings=list(verdict.findings),
    )
    if staged.files:
        store_files(message=message, staged=staged, written=written)
    if message.is_delivered:
        _deliver(message=message, participants=participants, now=now)
        thread.last_message, thread.last_message_at = message, now
    else:
        # Searchable by its sender only, like everything else about a blocked message.
        search.document_append(message=message, participant_ids=[mine.pk])
        moderation.blocked_message_queue(message=message, now=now)
        webhook_events.message_blocked(message=message)
    return message


def _check_reply_allowed(*, thread: Thread, role: str) -> None:
    """Refuse a reply where there is nothing to reply to.

    A seller answers only in a conversation the buyer has written in (writing first is a
    proactive message, with a reason); a buyer cannot answer a review request.
    """
    if thread.kind != ThreadKind.ORDER:
        return
    delivered = Message.objects.filter(thread=thread, status=MessageStatus.DELIVERED)
    if role == ParticipantRole.SELLER:
        if not delivered.filter(sender_role=ParticipantRole.BUYER).exists():
            raise ApplicationError(
                "proactive_reason_required",
                _(
                    "The buyer has not written in this conversation yet. To write first, send a "
                    "proactive message for a permitted reason from the order page."
                ),
            )
    elif not delivered.exclude(kind=MessageKind.REVIEW_REQUEST).exists():
        raise ApplicationError(
            "reply_not_allowed",
            _(
                "Review requests cannot be answered. To write to the seller about this order, "
                "use Contact seller on the order page."
            ),
        )


@transaction.atomic
def message_release(*, message: Message, reviewer: User, now: datetime | None = None) -> Message:
    """Deliver a blocked message staff judged a false positive, as if sent at this moment."""
    now = now or timezone.now()
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.status != MessageStatus.BLOCKED or locked.review_outcome:
        raise ApplicationError("already_reviewed", "This message was already reviewed.")
    participants = _lock_participants(locked.thread)
    locked.status = MessageStatus.DELIVERED
    locked.created_at = now
    locked.review_outcome = ReviewOutcome.RELEASED
    locked.reviewed_by = reviewer
    locked.reviewed_at = now
    locked.save(
        update_fields=["status", "created_at", "review_outcome", "reviewed_by", "reviewed_at"]
    )
    _deliver(message=locked, participants=participants, now=now)
    _notify_released(message=locked, participants=participants)
    moderation.message_reviewed(
        message=locked, resolution=ReviewOutcome.RELEASED, reviewer=reviewer, now=now
    )
    return locked


@transaction.atomic
def message_confirm_block(
    *, message: Message, reviewer: User, now: datetime | None = None
) -> Message:
    """Confirm that a blocked message breaks the policy; it stays undelivered."""
    now = now or timezone.now()
    updated = Message.objects.filter(
        pk=message.pk, status=MessageStatus.BLOCKED, review_outcome=ReviewOutcome.PENDING
    ).update(
        review_outcome=ReviewOutcome.CONFIRMED,
        reviewed_by=reviewer,
        reviewed_at=now,
    )
    if not updated:
        raise ApplicationError("already_reviewed", "This message was already reviewed.")
    confirmed = Message.objects.get(pk=message.pk)
    moderation.message_reviewed(
        message=confirmed, resolution=ReviewOutcome.CONFIRMED, reviewer=reviewer, now=now
    )
    return confirmed


def _thread_get_or_create(
    *,
    kind: str,
    buyer: User,
    seller: User,
    topic: str,
    order: Order | None = None,
    product: Product | None = None,
    now: datetime,
) -> Thread:
    lookup: dict[str, object] = (
        {"order": order} if order is not None else {"product": product, "buyer": buyer}
    )
    existing = Thread.objects.select_for_update().filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                kind=kind,
                order=order,
                product=product,
                buyer=buyer,
                seller=seller,
                topic=topic,
                created_at=now,
                last_message_at=now,
            )
            Participant.objects.bulk_create(
                [
                    # Hidden until a first message is delivered in it (one the content
                    # policy stops must not leave an empty conversation in anyone's inbox).
                    Participant(
                        thread=thread,
                        user=buyer,
                        role=ParticipantRole.BUYER,
                        last_message_at=now,
                        is_deleted=True,
                    ),
                    Participant(
                        thread=thread,
                        user=seller,
                        role=ParticipantRole.SELLER,
                        last_message_at=now,
                        is_deleted=True,
                    ),
                ]
            )
    except IntegrityError:
        # Another request started the same conversation a moment ago: join it.
        return Thread.objects.select_for_update().get(**lookup)
    return thread


def thread_start(
    *,
    sender: User,
    order: Order | None = None,
    product: Product | None = None,
    topic: str,
    body: str,
    files: Sequence[IncomingFile] = (),
    now: datetime | None = None,
) -> Message:
    """Start (or continue) the conversation about an order or a product, with a first message."""
    now = now or timezone.now()
    text = clean_body(body, allow_empty=bool(files))
    topic = _validate_topic(topic)
    if (order is None) == (product is None):
        raise ApplicationError("invalid", "A conversation is about one order or one product.")
    if order is not None and sender.pk not in (order.buyer_id, order.seller_id):
        raise NotFound("No such order.")
    if order is not None and sender.pk == order.seller_id:
        raise ApplicationError(
            "proactive_reason_required",
            _(
                "Sellers write first only for a permitted reason: send a proactive message from "
                "the order page."
            ),
        )
    if product is not None:
        if not product.is_active:
            raise NotFound("No such product.")
        if product.seller_id == sender.pk:
            raise ApplicationError(
                "own_product", "You cannot ask a question about your own product."
            )
    staged = stage_files(files=files, body=text)
    with cleanup_on_failure() as written:
        return _thread_start(
            sender=sender,
            order=order,
            product=product,
            topic=topic,
            text=text,
            staged=staged,
            written=written,
            now=now,
        )


@transaction.atomic
def _thread_start(
    *,
    sender: User,
    order: Order | None,
    product: Product | None,
    topic: str,
    text: str,
    staged: StagedFiles,
    written: list[str],
    now: datetime,
) -> Message:
    if order is not None:
        thread = _thread_get_or_create(
            kind=ThreadKind.ORDER,
            buyer=order.buyer,
            seller=order.seller,
            topic=topic,
            order=order,
            now=now,
        )
    else:
        assert product is not None
        thread = _thread_get_or_create(
            kind=ThreadKind.PRODUCT_QUESTION,
            buyer=sender,
            seller=product.seller,
            topic=Topic.PRODUCT_QUESTION,
            product=product,
            now=now,
        )
    if thread.topic != topic and order is not None:
        Thread.objects.filter(pk=thread.pk).update(topic=topic)
        thread.topic = topic
    return _message_store(
        thread=thread,
        sender=sender,
        text=text,
        staged=staged,
        written=written,
        kind=MessageKind.MESSAGE,
        now=now,
    )


def _participant_update(participant: Participant, **fields: object) -> None:
    Participant.objects.filter(pk=participant.pk).update(**fields)
    for name, value in fields.items():
        setattr(participant, name, value)


def thread_mark_read(*, participant: Participant, now: datetime | None = None) -> None:
    """Mark a thread read for one participant."""
    if participant.unread_count:
        _participant_update(participant, unread_count=0, last_read_at=now or timezone.now())


def thread_mark_unread(*, participant: Participant) -> None:
    """Mark a thread unread for one participant."""
    if not participant.unread_count:
        _participant_update(participant, unread_count=1)


def thread_archive(*, participant: Participant) -> None:
    """Move a thread out of the inbox for one participant; a new message brings it back."""
    _participant_update(participant, is_archived=True)


def thread_unarchive(*, participant: Participant) -> None:
    """Move a thread back to the inbox for one participant."""
    _participant_update(participant, is_archived=False)


def thread_delete_for_me(*, participant: Participant) -> None:
    """Remove a thread from one participant's folders; the other side keeps it."""
    _participant_update(participant, is_deleted=True, unread_count=0)


@transaction.atomic
def thread_mark_no_response_needed(
    *, participant: Participant, now: datetime | None = None
) -> None:
    """Record, as the seller, that the buyer's waiting messages need no reply."""
    if participant.role != ParticipantRole.SELLER:
        raise ApplicationError("not_seller", _("Only the seller can mark a thread this way."))
    # Lock the thread's participants so a buyer message cannot slip in between.
    _lock_participants(participant.thread)
    exclude_obligations(thread_id=participant.thread_id, now=now or timezone.now())
    _participant_update(participant, needs_response_since=None)


BULK_THREAD_ACTIONS = ("read", "archive", "unarchive", "no-response-needed")
BULK_THREAD_LIMIT = 100


@transaction.atomic
def thread_bulk_update(
    *, user: User, thread_ids: Sequence[int], action: str, now: datetime | None = None
) -> int:
    """Apply one inbox action to several of the user's threads; return how many changed.

    All or nothing: if any id is not one of the user's threads, raise NotFound and change
    nothing, whether or not that thread exists.
    """
    if action not in BULK_THREAD_ACTIONS:
        raise ApplicationError("invalid_action", _("Pick what to do with the conversations."))
    ids = set(thread_ids)
    if not ids:
        raise ApplicationError("nothing_selected", _("Select at least one conversation first."))
    if len(ids) > BULK_THREAD_LIMIT:
        raise ApplicationError(
            "too_many", f"Select at most {BULK_THREAD_LIMIT} conversations at a time."
        )
    if action == "no-response-needed" and not user.is_seller:
        raise ApplicationError("not_seller", _("Only the seller can mark a thread this way."))
    # Deleted-for-me threads are still the user's own: they count, but are left as they are.
    rows = Participant.objects.filter(user=user, thread_id__in=ids)
    if rows.count() != len(ids):
        raise NotFound("No such conversation.")
    rows = rows.filter(is_deleted=False)
    now = now or timezone.now()
    if action == "read":
        return rows.filter(unread_count__gt=0).update(unread_count=0, last_read_at=now)
    if action == "archive":
        return rows.filter(is_archived=False).update(is_archived=True)
    if action == "unarchive":
        return rows.filter(is_archived=True).update(is_archived=False)
    waiting = list(rows.needs_response().select_related("thread").order_by("thread_id"))
    for participant in waiting:
        thread_mark_no_response_needed(participant=participant, now=now)
    return len(waiting)


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
    text = clean_body(body, allow_empty=bool(files))
    if len(text) > rule.max_length:
        detail = (
            f"A message for “{rule.label}” can have at most {rule.max_length:,} characters "
            f"(this one has {len(text):,})."
        )
        raise ApplicationError("body_too_long", detail, fields={"body": [detail]})
    staged = stage_files(files=files, body=text)
    if rule.required_file_types and not any(
        file.content_type in rule.required_file_types for file in staged.files
    ):
        detail = f"A message for “{rule.label}” needs a PDF file attached."
        raise ApplicationError("attachment_required", detail, fields={"files": [detail]})
    with cleanup_on_failure() as written:
        return _proactive_store(
            seller=seller,
            order=order,
            rule=rule,
            text=text,
            staged=staged,
            written=written,
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
    written: list[str],
    now: datetime,
) -> Message:
    _lock_order(order)
    actions = proactive.order_messaging_actions_get(seller=seller, order=order, now=now)
    _refuse_unavailable(actions.status_for(rule.reason))
    thread = _thread_get_or_create(
        kind=ThreadKind.ORDER,
        buyer=order.buyer,
        seller=order.seller,
        topic=rule.topic,
        order=order,
        now=now,
    )
    with translation.override(order.buyer.language):
        header = f"{translation.gettext('Order')} {order.number} · {rule.label}"
    return _message_store(
        thread=thread,
        sender=seller,
        text=f"{header}\n\n{text}" if text else header,
        staged=staged,
        written=written,
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
    thread = _thread_get_or_create(
        kind=ThreadKind.ORDER,
        buyer=order.buyer,
        seller=order.seller,
        topic=Topic.OTHER,
        order=order,
        now=now,
    )
    participants = _lock_participants(thread)
    # The marketplace's own wording: nothing for the content policy to check.
    message = Message.objects.create(
        thread=thread,
        sender=seller,
        sender_role=ParticipantRole.SELLER,
        kind=MessageKind.REVIEW_REQUEST,
        body=proactive.review_request_text(
            language=order.buyer.language, order_number=order.number
        ),
        created_at=now,
    )
    _deliver(message=message, participants=participants, now=now)
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


# --- Saved replies ----------------------------------------------------------------------------

SAVED_REPLIES_MAX = 100  # per seller: the thread page offers every one of them


class SavedReplyPolicyViolation(ApplicationError):
    """A saved reply the content policy refuses: nothing is saved, the findings say why."""

    status = 422


def _saved_reply_checked(
    *, seller: User, name: str, body: str, language: str, exclude_id: int | None = None
) -> tuple[str, str]:
    """Return the name and body as they will be stored, or refuse them, every field at once."""
    name = " ".join(name.split())
    body = body.replace("\r\n", "\n").strip()
    problems: list[tuple[str, str, str]] = []  # (code, field, sentence)
    if not name:
        problems.append(("empty_name", "name", _("Give the saved reply a name.")))
    elif len(name) > SavedReply.NAME_MAX_LENGTH:
        problems.append(
            (
                "name_too_long",
                "name",
                _("A name can have at most %(limit)d characters (this one has %(length)d).")
                % {"limit": SavedReply.NAME_MAX_LENGTH, "length": len(name)},
            )
        )
    else:
        taken = SavedReply.objects.filter(seller=seller, name__iexact=name)
        if exclude_id is not None:
            taken = taken.exclude(pk=exclude_id)
        if taken.exists():
            problems.append(
                (
                    "duplicate_name",
                    "name",
                    _("You already have a saved reply named “%(name)s”.") % {"name": name},
                )
            )
    limit = settings.MESSAGE_MAX_LENGTH
    unknown = saved_replies.placeholders_unknown(body)
    if not body:
        problems.append(("empty_body", "body", _("Write the text of the saved reply.")))
    elif len(body) > limit:
        problems.append(
            (
                "body_too_long",
                "body",
                _("A saved reply can have at most %(limit)s characters (this one has %(length)s).")
                % {"limit": f"{limit:,}", "length": f"{len(body):,}"},
            )
        )
    elif unknown:
        problems.append(
            (
                "unknown_placeholder",
                "body",
                saved_replies.unknown_placeholders_message(unknown),
            )
        )
    if language not in Language.values:
        problems.append(("invalid_language", "language", _("Pick English or Spanish.")))
    if problems:
        fields: dict[str, list[str]] = {}
        for _code, field, sentence in problems:
            fields.setdefault(field, []).append(sentence)
        code, _field, sentence = problems[0]
        raise ApplicationError(code, sentence, fields=fields)
    verdict = content_check(body=body)
    if verdict.is_blocked:
        detail = saved_replies.policy_refusal_message(verdict.categories)
        raise SavedReplyPolicyViolation(
            "policy_violation",
            detail,
            fields={"body": [detail]},
            extra={"categories": verdict.categories, "findings": list(verdict.findings)},
        )
    return name, body


@transaction.atomic
def saved_reply_create(
    *, seller: User, name: str, body: str, language: str, now: datetime | None = None
) -> SavedReply:
    """Save a new reply for a seller, after checking its placeholders and the content policy."""
    if not seller.is_seller:
        raise NotFound("No such saved reply.")
    # Locking the seller serializes their creates, so the cap and the name check hold.
    User.objects.select_for_update().filter(pk=seller.pk).first()
    if SavedReply.objects.filter(seller=seller).count() >= SAVED_REPLIES_MAX:
        raise ApplicationError(
            "too_many_saved_replies",
            _("You can keep at most %(limit)d saved replies. Delete one you no longer use.")
            % {"limit": SAVED_REPLIES_MAX},
        )
    name, body = _saved_reply_checked(seller=seller, name=name, body=body, language=language)
    at = now or timezone.now()
    return SavedReply.objects.create(
        seller=seller, name=name, body=body, language=language, created_at=at, updated_at=at
    )


@transaction.atomic
def saved_reply_update(
    *,
    saved_reply: SavedReply,
    name: str | None = None,
    body: str | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> SavedReply:
    """Change a saved reply's name, text or language; what is not given stays as it is."""
    seller = User.objects.select_for_update().get(pk=saved_reply.seller_id)
    new_name, new_body = _saved_reply_checked(
        seller=seller,
        name=saved_reply.name if name is None else name,
        body=saved_reply.body if body is None else body,
        language=saved_reply.language if language is None else language,
        exclude_id=saved_reply.pk,
    )
    saved_reply.name = new_name
    saved_reply.body = new_body
    if language is not None:
        saved_reply.language = language
    saved_reply.updated_at = now or timezone.now()
    saved_reply.save(update_fields=["name", "body", "language", "updated_at"])
    return saved_reply


@transaction.atomic
def saved_reply_delete(*, saved_reply: SavedReply) -> None:
    """Delete a saved reply; messages already sent with it are not touched."""
    SavedReply.objects.filter(pk=saved_reply.pk, seller_id=saved_reply.seller_id).delete()
