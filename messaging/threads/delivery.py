"""Delivering a stored message: both sides' state, the response clock, search, notifications.

A message is delivered when it is sent and passes the content policy, or when staff release
one the policy held (``messaging.moderation.services.message_release``).
"""

from datetime import datetime

from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import translation
from django.utils.text import Truncator

from accounts.models import User
from messaging import events as webhook_events
from messaging.clock.services import obligation_open, obligations_answer
from messaging.models import (
    Message,
    MessageKind,
    Participant,
    ParticipantRole,
    Thread,
)
from messaging.relay.alias import reply_alias_address
from messaging.search import services as search
from messaging.threads.links import thread_link
from messaging.threads.live import inbox_version_bump
from notifications.services import notify


def participants_lock(thread: Thread) -> dict[str, Participant]:
    # Locking both rows (in id order) serializes concurrent sends in one thread.
    rows = Participant.objects.select_for_update().filter(thread=thread).order_by("id")
    return {row.role: row for row in rows}


def message_deliver(
    *,
    message: Message,
    participants: dict[str, Participant],
    now: datetime,
    sent_at: datetime | None = None,
) -> None:
    """Make a stored message visible to the other side and update both sides' state.

    ``sent_at``: when the sender sent it, if before ``now`` (a seller's reply answers the
    buyer on the response clock from that moment).
    """
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
            obligation_open(message=message, seller_id=seller.user_id, now=now)
            if seller.needs_response_since is None:
                needs_response_since = Value(now)
        else:
            # A real seller reply answers the buyer; automatic messages never do.
            obligations_answer(thread_id=thread_id, answer=message, now=now, sent_at=sent_at)
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
        # Back from Trash (or after a purge, with only what comes from now on) to the inbox.
        is_deleted=False,
        trashed_at=None,
        needs_response_since=Case(
            When(pk=seller.pk, then=needs_response_since), default=F("needs_response_since")
        ),
    )
    search.document_append(message=message, participant_ids=[mine.pk, other.pk])
    # Both sides' open inbox pages show the row moved, once this commits.
    inbox_version_bump(user_ids=[mine.user_id, other.user_id])
    _notify_delivered(message=message, recipient=other)
    webhook_events.message_received(message=message)


def message_notification_context(
    *, message: Message, reader: User, reader_role: str
) -> dict[str, object]:
    # Everything the email needs, in the reader's language; names only, never a person's
    # address: replies go to the reader's own signed alias on the relay.
    thread = message.thread
    with translation.override(reader.language):
        subject = str(thread.subject)
    return {
        "subject": subject,
        "order_number": thread.order.number if thread.order is not None else "",
        "thread_url": thread_link(thread.pk, for_seller=reader_role == ParticipantRole.SELLER),
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
    context = {
        **message_notification_context(message=message, reader=reader, reader_role=recipient.role),
        "sender_name": sender_name,
    }
    if recipient.assignee_id is not None and recipient.assignee_id != reader.pk:
        # Assigned to a member of the seller's team: the email is theirs, as they chose (a
        # reply by email still answers as the shop, through the shop's own alias).
        assignee = recipient.assignee
        assert assignee is not None
        with translation.override(assignee.language):
            context["subject"] = str(thread.subject)
        reader = assignee
    notify(
        recipient=reader,
        kind="new_message",
        dedupe_key=f"message:{message.pk}:to:{reader.pk}",
        context=context,
    )
