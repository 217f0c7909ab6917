"""Delivering a stored message: both sides' state, the response clock, search, notifications.

A message is delivered when it is sent and passes the content policy, or when staff release
one the policy held (``messaging.moderation.services.message_release``).
"""

import functools
from datetime import datetime
from typing import Any

from django.db import connection, connections, router
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


@functools.cache
def _lock_statement(alias: str) -> str:
    """Both sides of a thread, locked in id order; its text only changes with the model."""
    meta, database = Participant._meta, connections[alias]
    quote = database.ops.quote_name
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {quote(meta.get_field('thread').column)} = %s "
        f"ORDER BY {quote(meta.pk.column)} FOR UPDATE"
    )


def participants_lock(thread: Thread) -> dict[str, Participant]:
    # Locking both rows (in id order) serializes concurrent sends in one thread. Written
    # out: the same statement as the queryset's, without building and compiling it each time.
    alias = router.db_for_write(Participant)
    database = connections[alias]
    if database.vendor != "postgresql":
        # Elsewhere the ORM converts what the database returns (times, booleans).
        locked = Participant.objects.select_for_update().filter(thread=thread).order_by("id")
        return {row.role: row for row in locked}
    names = [field.attname for field in Participant._meta.concrete_fields]
    with database.cursor() as cursor:
        cursor.execute(_lock_statement(alias), [thread.pk])
        rows = [Participant.from_db(alias, names, row) for row in cursor.fetchall()]
    return {row.role: row for row in rows}


_CLOCK_KEPT, _CLOCK_SET = False, True


@functools.cache
def _delivered_statement(clock_set: bool) -> str:
    """The thread's latest message and both sides' state, as of a delivery, in one statement.

    Both sides are back in the inbox (from Archive, or from Trash, or after a purge with
    only what comes from now on). ``clock_set``: the seller's waiting-since takes
    %(waiting)s (a time, or none); else it stays.
    """
    thread, participant = Thread._meta, Participant._meta
    quote = connection.ops.quote_name

    def column(meta: Any, name: str) -> str:
        return quote(meta.get_field(name).column)

    waiting = column(participant, "needs_response_since")
    value = "%(waiting)s::timestamptz" if clock_set else waiting
    pk = column(participant, "id")
    unread, read_at = column(participant, "unread_count"), column(participant, "last_read_at")
    return (
        f"WITH thread AS (UPDATE {quote(thread.db_table)} SET "  # noqa: S608
        f"{column(thread, 'last_message')} = %(message)s, "
        f"{column(thread, 'last_message_at')} = %(now)s "
        f"WHERE {column(thread, 'id')} = %(thread)s) "
        f"UPDATE {quote(participant.db_table)} SET "
        f"{column(participant, 'last_message_at')} = %(now)s, "
        f"{column(participant, 'last_message_is_mine')} = ({pk} = %(mine)s), "
        f"{unread} = CASE WHEN {pk} = %(mine)s THEN 0 ELSE {unread} + 1 END, "
        f"{read_at} = CASE WHEN {pk} = %(mine)s THEN %(now)s ELSE {read_at} END, "
        f"{column(participant, 'is_archived')} = false, "
        f"{column(participant, 'is_deleted')} = false, "
        f"{column(participant, 'trashed_at')} = NULL, "
        f"{waiting} = CASE WHEN {pk} = %(seller)s THEN {value} ELSE {waiting} END "
        f"WHERE {pk} IN (%(mine)s, %(other)s)"
    )


def _delivered_update(clock_set: bool, values: dict[str, Any]) -> None:
    """``_delivered_statement`` in two, where a statement cannot update two tables."""
    Thread.objects.filter(pk=values["thread"]).update(
        last_message_id=values["message"], last_message_at=values["now"]
    )
    is_mine = Q(pk=values["mine"])
    waiting: Value | F = (
        Value(values["waiting"], output_field=DateTimeField())
        if clock_set
        else F("needs_response_since")
    )
    Participant.objects.filter(pk__in=[values["mine"], values["other"]]).update(
        last_message_at=values["now"],
        last_message_is_mine=Case(When(is_mine, then=Value(True)), default=Value(False)),
        unread_count=Case(When(is_mine, then=Value(0)), default=F("unread_count") + 1),
        last_read_at=Case(When(is_mine, then=Value(values["now"])), default=F("last_read_at")),
        is_archived=False,
        is_deleted=False,
        trashed_at=None,
        needs_response_since=Case(
            When(pk=values["seller"], then=waiting), default=F("needs_response_since")
        ),
    )


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
    mine = participants[message.sender_role]
    other = participants[
        ParticipantRole.SELLER if mine.role == ParticipantRole.BUYER else ParticipantRole.BUYER
    ]
    seller = participants[ParticipantRole.SELLER]
    # The seller's clock: a buyer message starts it (unless it runs), a real seller reply
    # stops it; anything else leaves it.
    clock = _CLOCK_KEPT
    if message.kind == MessageKind.MESSAGE:
        if mine.role == ParticipantRole.BUYER:
            if seller.needs_response_since is None:
                clock = _CLOCK_SET
        else:
            clock = _CLOCK_SET
    # The thread and both sides in one statement: the sender has read up to their own
    # message, the other side has one more unread, and the seller's clock starts or stops.
    values: dict[str, Any] = {
        "thread": thread_id,
        "message": message.pk,
        "now": now,
        "mine": mine.pk,
        "other": other.pk,
        "seller": seller.pk,
        "waiting": now if mine.role == ParticipantRole.BUYER else None,
    }
    database = connections[router.db_for_write(Participant)]
    if database.vendor == "postgresql":
        with database.cursor() as cursor:
            cursor.execute(_delivered_statement(clock), values)
    else:
        _delivered_update(clock, values)
    if message.kind == MessageKind.MESSAGE:
        if mine.role == ParticipantRole.BUYER:
            obligation_open(message=message, seller_id=seller.user_id, now=now)
        else:
            # A real seller reply answers the buyer; automatic messages never do.
            obligations_answer(thread_id=thread_id, answer=message, now=now, sent_at=sent_at)
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
