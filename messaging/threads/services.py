"""Every write to threads and messages: start, send, read state, folders, bulk changes.

The web pages, the API and replies by email call these same functions.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import members
from accounts.models import User
from accounts.ratelimit import rate_limit_hit
from core.errors import ApplicationError, NotFound
from core.metrics import message_sent_count
from core.on_commit import after_commit
from core.tasks import task_enqueue
from messaging import events as webhook_events
from messaging.attachments.checks import IncomingFile
from messaging.attachments.store import (
    StagedFiles,
    files_staged,
    store_files,
)
from messaging.clock.services import obligations_exclude
from messaging.models import (
    Message,
    MessageKind,
    MessageStatus,
    Participant,
    ParticipantRole,
    TeamActivityKind,
    Thread,
    ThreadKind,
    Topic,
)
from messaging.models.threads import ParticipantQuerySet
from messaging.moderation import services as moderation
from messaging.policy.content import content_policy_check
from messaging.replies.selectors import saved_reply_expand, saved_reply_get
from messaging.search import services as search
from messaging.team.activity import team_activity_record
from messaging.threads.delivery import message_deliver, participants_lock
from messaging.threads.live import inbox_version_bump
from messaging.threads.trash import threads_restore, threads_trash
from orders.models import Order, Product

# Characters that show nothing: Unicode's default-ignorable code points (zero-width spaces and
# joiners, direction marks, variation selectors, tags, Hangul fillers, ...) and the blank
# braille cell.
_SHOWS_NOTHING = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# What shows nothing by itself either: white space, control and format characters, and marks,
# which only change the character they follow.
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Mc", "Me"})


def _shows_something(text: str) -> bool:
    return any(
        unicodedata.category(character) not in _BLANK_CATEGORIES
        for character in _SHOWS_NOTHING.sub("", text)
    )


def message_body_clean(body: str, *, allow_empty: bool = False) -> str:
    """Return the body as it will be stored, or refuse an empty or over-long one.

    A body of characters that show nothing (zero-width spaces, direction marks, combining
    marks with no letter) is empty: it would be delivered as a blank message. Those characters
    inside real text (an emoji sequence's joiners, the marks in right-to-left words) stay.
    A message that carries files may have no text (``allow_empty``).
    """
    text = (body or "").replace("\r\n", "\n").strip()
    if not _shows_something(text):
        text = ""
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


def message_send(
    *,
    thread: Thread,
    sender: User,
    body: str,
    files: Sequence[IncomingFile] = (),
    saved_reply_id: int | None = None,
    kind: str = MessageKind.MESSAGE,
    now: datetime | None = None,
    undo_seconds: int = 0,
    expected_last_message_id: int | None = None,
) -> Message:
    """Send a message, with up to five files, in a thread the sender takes part in.

    With ``expected_last_message_id`` (the latest message the writer saw), a message that
    reached the thread since from anyone else (the other side, or another member of the
    seller's team) refuses the send: ``ThreadChanged`` (409 ``thread_changed``) with the new
    messages' ids, so a reply is never sent blind. Sends to one thread are serialized by the
    participants' row locks, so of two racing replies that saw the same message, the second
    is refused.

    A seller may send one of their saved replies (``saved_reply_id``, with ``body`` empty):
    its placeholders are filled in for this thread, and it is checked like any message.

    Files are checked first, outside any transaction: one refused file refuses the message
    (``ApplicationError`` with every file's reason) and nothing is stored. A message the
    content policy stops (in its text, file names or file text) is stored as blocked, with its
    findings and files, and returned: only its sender and staff ever see it. Callers check
    ``message.is_delivered``.

    With ``undo_seconds`` (the page and the API pass the sender's grace period), a message
    that passes the policy is stored as sending: its sender may take it back until then, and
    it reaches the other side when the grace period is over (messaging/threads/sending.py).
    """
    if saved_reply_id is not None:
        saved_reply = saved_reply_get(seller=sender, saved_reply_id=saved_reply_id)
        body = saved_reply_expand(saved_reply=saved_reply, thread=thread)
    text = message_body_clean(body, allow_empty=bool(files))
    with files_staged(files=files, body=text) as staged:
        return message_store(
            thread=thread,
            sender=sender,
            text=text,
            staged=staged,
            kind=kind,
            now=now or timezone.now(),
            is_reply=True,
            undo_seconds=undo_seconds,
            expected_last_message_id=expected_last_message_id,
        )


class ThreadChanged(ApplicationError):
    """Messages arrived since the one the writer saw last: send anyway, or revise first."""

    status = 409

    def __init__(self, new_message_ids: list[int]) -> None:
        super().__init__(
            "thread_changed",
            _("New messages arrived in this conversation while you were writing."),
            extra={"new_message_ids": new_message_ids},
        )


def _messages_since(*, thread: Thread, sender: User, after_id: int) -> list[int]:
    """Messages after ``after_id`` the writer can see and did not write themself.

    Delivered ones, and a colleague's still in its undo time (the team sees it as its own).
    """
    return list(
        Message.objects.filter(thread=thread, pk__gt=after_id)
        .filter(Q(status=MessageStatus.DELIVERED) | Q(status=MessageStatus.SENDING, sender=sender))
        .exclude(sender=sender, author_id=members.acting_member_id())
        .order_by("id")
        .values_list("id", flat=True)[:50]
    )


@transaction.atomic
def message_store(
    *,
    thread: Thread,
    sender: User,
    text: str,
    staged: StagedFiles,
    kind: str,
    now: datetime,
    reason: str = "",
    is_reply: bool = False,
    undo_seconds: int = 0,
    expected_last_message_id: int | None = None,
) -> Message:
    participants = participants_lock(thread)
    mine = next((p for p in participants.values() if p.user_id == sender.pk), None)
    if mine is None:
        raise NotFound("No such conversation.")
    if is_reply and not _reply_allowed_known(
        thread=thread, role=mine.role, participants=participants
    ):
        _check_reply_allowed(thread=thread, role=mine.role)
    if expected_last_message_id is not None:
        # After the lock: a racing send to this thread has committed, and is seen here.
        newer = _messages_since(thread=thread, sender=sender, after_id=expected_last_message_id)
        if newer:
            raise ThreadChanged(newer)
    rate_limit_hit(scope="send", ident=sender.pk)
    verdict = content_policy_check(body=text, filenames=staged.names, file_texts=staged.texts)
    held = undo_seconds > 0 and not verdict.is_blocked
    message = Message.objects.create(
        thread=thread,
        sender=sender,
        sender_role=mine.role,
        # A member of the seller's team writing for the shop.
        author_id=members.acting_member_id() if mine.role == ParticipantRole.SELLER else None,
        kind=kind,
        status=(
            MessageStatus.BLOCKED
            if verdict.is_blocked
            else MessageStatus.SENDING
            if held
            else MessageStatus.DELIVERED
        ),
        reason=reason,
        body=text,
        created_at=now,
        findings=list(verdict.findings),
        **({"undo_until": now + timedelta(seconds=undo_seconds)} if held else {}),
    )
    if staged.files:
        store_files(message=message, staged=staged)
    if held:
        # Nothing reaches the other side yet; counted as delivered when it is released.
        task_enqueue("messaging.release_sending_message", message.pk, countdown=undo_seconds)
        return message
    if message.is_delivered:
        message_deliver(message=message, participants=participants, now=now)
        thread.last_message, thread.last_message_at = message, now
    else:
        # Searchable by its sender only, like everything else about a blocked message.
        search.document_append(message=message, participant_ids=[mine.pk])
        moderation.blocked_message_enqueue(message=message, now=now)
        webhook_events.message_blocked(message=message)
    after_commit(message_sent_count, status=str(message.status), categories=verdict.categories)
    return message


def reply_refusal(
    *, thread: Thread, role: str, delivered: Iterable[tuple[str, str]]
) -> ApplicationError | None:
    """Why one side cannot reply in a thread, or None: there is nothing to reply to.

    A seller answers only in a conversation the buyer has written in (writing first is a
    proactive message, with a reason); a buyer cannot answer a review request. ``delivered``
    holds the ``(kind, sender_role)`` of the thread's delivered messages. The send refuses
    with this error, and the thread page closes its reply box by it.
    """
    if thread.kind != ThreadKind.ORDER:
        return None
    delivered = set(delivered)
    if role == ParticipantRole.SELLER:
        if not any(sender_role == ParticipantRole.BUYER for _kind, sender_role in delivered):
            return ApplicationError(
                "proactive_reason_required",
                _(
                    "The buyer has not written in this conversation yet. To write first, send a "
                    "proactive message for a permitted reason from the order page."
                ),
            )
    elif all(kind == MessageKind.REVIEW_REQUEST for kind, _role in delivered):
        return ApplicationError(
            "reply_not_allowed",
            _(
                "Review requests cannot be answered. To write to the seller about this order, "
                "use Contact seller on the order page."
            ),
        )
    return None


def _reply_allowed_known(
    *, thread: Thread, role: str, participants: dict[str, Participant]
) -> bool:
    """Whether what is at hand already shows ``reply_refusal`` has nothing against this reply.

    A delivered message stays delivered, so what the thread's latest delivered message (as
    loaded with the thread, at any moment before) shows stays true: a buyer message lets the
    seller answer, anything but a review request lets the buyer. A seller whose clock runs
    (their side, just locked) has a buyer message waiting. Otherwise the messages are read.
    """
    if thread.kind != ThreadKind.ORDER:
        return True
    seller = participants.get(ParticipantRole.SELLER)
    if role == ParticipantRole.SELLER and seller and seller.needs_response_since is not None:
        return True
    if thread.last_message_id is None or not Thread.last_message.is_cached(thread):
        return False
    last = thread.last_message
    if last is None or {"kind", "sender_role", "status"} & last.get_deferred_fields():
        return False
    if last.status != MessageStatus.DELIVERED:
        return False
    if role == ParticipantRole.SELLER:
        return last.sender_role == ParticipantRole.BUYER
    return last.kind != MessageKind.REVIEW_REQUEST


def _check_reply_allowed(*, thread: Thread, role: str) -> None:
    if thread.kind != ThreadKind.ORDER:
        return
    delivered = (
        Message.objects.filter(thread=thread, status=MessageStatus.DELIVERED)
        .order_by()
        .values_list("kind", "sender_role")
        .distinct()
    )
    refusal = reply_refusal(thread=thread, role=role, delivered=delivered)
    if refusal is not None:
        raise refusal


def thread_get_or_create(
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
    text = message_body_clean(body, allow_empty=bool(files))
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
    with files_staged(files=files, body=text) as staged:
        return _thread_start(
            sender=sender,
            order=order,
            product=product,
            topic=topic,
            text=text,
            staged=staged,
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
    now: datetime,
) -> Message:
    if order is not None:
        thread = thread_get_or_create(
            kind=ThreadKind.ORDER,
            buyer=order.buyer,
            seller=order.seller,
            topic=topic,
            order=order,
            now=now,
        )
    else:
        assert product is not None
        thread = thread_get_or_create(
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
    return message_store(
        thread=thread,
        sender=sender,
        text=text,
        staged=staged,
        kind=MessageKind.MESSAGE,
        now=now,
    )


def _participant_update(participant: Participant, **fields: object) -> None:
    Participant.objects.filter(pk=participant.pk).update(**fields)
    for name, value in fields.items():
        setattr(participant, name, value)
    # The user's open inbox pages update their counts and badge.
    inbox_version_bump(user_ids=[participant.user_id])


def thread_mark_read(*, participant: Participant, now: datetime | None = None) -> None:
    """Mark a thread read for one participant."""
    if participant.unread_count:
        _participant_update(participant, unread_count=0, last_read_at=now or timezone.now())


def thread_mark_unread(*, participant: Participant) -> None:
    """Mark a thread unread for one participant."""
    if not participant.unread_count:
        _participant_update(participant, unread_count=1)
    _team_record(participant, TeamActivityKind.MARKED_UNREAD)


def thread_archive(*, participant: Participant) -> None:
    """Move a thread out of the inbox for one participant; a new message brings it back."""
    _participant_update(participant, is_archived=True)
    _team_record(participant, TeamActivityKind.ARCHIVED)


def thread_unarchive(*, participant: Participant) -> None:
    """Move a thread back to the inbox for one participant."""
    _participant_update(participant, is_archived=False)
    _team_record(participant, TeamActivityKind.UNARCHIVED)


def _team_record(participant: Participant, kind: str) -> None:
    """A seller's team sees which of its members did this (``messaging.team.activity``)."""
    if participant.role == ParticipantRole.SELLER:
        team_activity_record(thread_ids=[participant.thread_id], kind=kind)


@transaction.atomic
def thread_mark_no_response_needed(
    *, participant: Participant, now: datetime | None = None
) -> None:
    """Record, as the seller, that the buyer's waiting messages need no reply."""
    if participant.role != ParticipantRole.SELLER:
        raise ApplicationError("not_seller", _("Only the seller can mark a thread this way."))
    # Lock the thread's participants so a buyer message cannot slip in between.
    participants_lock(participant.thread)
    obligations_exclude(thread_id=participant.thread_id, now=now or timezone.now())
    _participant_update(participant, needs_response_since=None)
    _team_record(participant, TeamActivityKind.NO_RESPONSE_NEEDED)


BULK_THREAD_ACTIONS = ("read", "archive", "unarchive", "no-response-needed", "trash", "restore")


BULK_THREAD_LIMIT = 100


def _bulk_ids(thread_ids: Sequence[int]) -> set[int]:
    ids = set(thread_ids)
    if not ids:
        raise ApplicationError("nothing_selected", _("Select at least one conversation first."))
    if len(ids) > BULK_THREAD_LIMIT:
        raise ApplicationError(
            "too_many", f"Select at most {BULK_THREAD_LIMIT} conversations at a time."
        )
    return ids


def _bulk_rows(*, user: User, ids: set[int]) -> ParticipantQuerySet:
    """The user's rows of these threads; NotFound if any is not one of the user's threads."""
    # Threads in Trash or deleted are still the user's own: they count, and each action
    # leaves alone those it does not apply to.
    rows = Participant.objects.filter(user=user, thread_id__in=ids)
    if rows.count() != len(ids):
        raise NotFound("No such conversation.")
    return rows


def _bulk_record(user: User, changing: ParticipantQuerySet, kind: str, now: datetime) -> None:
    """Record a member's bulk action on the shop's threads it changes, not on every one ticked.

    The rows are locked as they are read, so the update that follows changes the same ones.
    The shop's own account working alone leaves no trail, and pays no query for it.
    """
    if not user.is_seller or members.acting_member_id() is None:
        return
    thread_ids = changing.select_for_update().values_list("thread_id", flat=True)
    team_activity_record(thread_ids=list(thread_ids), kind=kind, now=now)


@transaction.atomic
def thread_bulk_trash(
    *, user: User, thread_ids: Sequence[int], now: datetime | None = None
) -> list[int]:
    """Move several of the user's threads to Trash; return the ids moved (for an Undo).

    All or nothing, as ``thread_bulk_update``; threads already in Trash keep their date.
    """
    rows = _bulk_rows(user=user, ids=_bulk_ids(thread_ids))
    now = now or timezone.now()
    moved = threads_trash(rows=rows, now=now)
    if user.is_seller:
        team_activity_record(thread_ids=moved, kind=TeamActivityKind.TRASHED, now=now)
    return moved


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
    ids = _bulk_ids(thread_ids)
    if action == "no-response-needed" and not user.is_seller:
        raise ApplicationError("not_seller", _("Only the seller can mark a thread this way."))
    rows = _bulk_rows(user=user, ids=ids)
    now = now or timezone.now()
    inbox_version_bump(user_ids=[user.pk])
    if action == "trash":
        moved = threads_trash(rows=rows, now=now)
        if user.is_seller:
            team_activity_record(thread_ids=moved, kind=TeamActivityKind.TRASHED, now=now)
        return len(moved)
    if action == "restore":
        _bulk_record(user, rows.in_trash(), TeamActivityKind.RESTORED, now)
        return threads_restore(rows=rows)
    rows = rows.filter(is_deleted=False)
    if action == "read":
        return rows.filter(unread_count__gt=0).update(unread_count=0, last_read_at=now)
    if action in ("archive", "unarchive"):
        archive = action == "archive"
        changing = rows.filter(is_archived=not archive)
        kind = TeamActivityKind.ARCHIVED if archive else TeamActivityKind.UNARCHIVED
        _bulk_record(user, changing, kind, now)
        return changing.update(is_archived=archive)
    waiting = list(rows.needs_response().select_related("thread").order_by("thread_id"))
    for participant in waiting:
        thread_mark_no_response_needed(participant=participant, now=now)
    return len(waiting)
