"""Undo send: a sent message waits out a short grace period before the other side gets it.

The message is stored at once with the status ``sending`` and its ``undo_until``; only its
sender sees it. Nothing of it reaches the other side meanwhile: no thread row change, no
unread count, no search words, no email or webhook outbox row, no response-clock entry. When
the grace period is over it is released: in one transaction it becomes delivered, as if sent
at that moment, and ``message_deliver`` does what a send does after storing. Until then its
sender may take it back (``message_undo``): the message and its files are deleted.

A release task is enqueued for the end of the grace period; the sweep (every few seconds)
releases whatever a lost task, a dead worker or a broker that was away left behind. The
release locks the row and re-reads its status, so a task and the sweep, or a task delivered
twice, release a message once.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import UndoSendSeconds, User
from accounts.selectors import undo_send_seconds_for
from core.errors import ApplicationError, NotFound
from core.metrics import message_sent_count
from core.on_commit import after_commit
from messaging.models import Attachment, Message, MessageStatus
from messaging.threads.delivery import message_deliver, participants_lock

# An API request may ask for any grace period up to this (seconds).
UNDO_SECONDS_MAX = max(UndoSendSeconds.values)


SWEEP_BATCH = 200


class UndoTooLate(ApplicationError):
    """The grace period is over: the message is (or is about to be) delivered."""

    status = 409


def undo_seconds_for(*, user: User, requested: int | None = None) -> int:
    """How long a message this user sends now can be taken back: asked, chosen, or default."""
    return requested if requested is not None else undo_send_seconds_for(user=user)


@dataclass(frozen=True)
class UndoneMessage:
    """What an undone message held, to put back into the reply box."""

    thread_id: int
    body: str
    file_names: list[str]


def _locked_sending(message_id: int, *, now: datetime) -> Message | None:
    # The row lock makes releasers (and an undo) wait for each other; PostgreSQL re-checks the
    # conditions on the row as committed by the one before, so only the first finds it.
    return (
        Message.objects.select_for_update(of=("self",))
        .select_related("thread__buyer", "thread__seller", "thread__order", "sender")
        .filter(pk=message_id, status=MessageStatus.SENDING, undo_until__lte=now)
        .first()
    )


@transaction.atomic
def message_sending_release(*, message_id: int, now: datetime | None = None) -> Message | None:
    """Deliver a sending message whose grace period is over; None if there is nothing to do.

    Nothing to do: it was released already, taken back, or its grace period is not over yet.
    """
    now = now or timezone.now()
    message = _locked_sending(message_id, now=now)
    if message is None:
        return None
    participants = participants_lock(message.thread)
    # Delivered as of this moment: the other side, the response clock and the cursors of
    # the API see it arrive now, after anything they saw while it waited.
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.DELIVERED, created_at=now)
    message.status, message.created_at = MessageStatus.DELIVERED, now
    message_deliver(message=message, participants=participants, now=now)
    after_commit(message_sent_count, status=str(message.status))
    return message


def messages_sending_sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Release every sending message whose grace period is over; return how many."""
    now = now or timezone.now()
    due = list(
        Message.objects.filter(status=MessageStatus.SENDING, undo_until__lte=now)
        .order_by("undo_until", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(
        message_sending_release(message_id=message_id, now=now) is not None for message_id in due
    )


def sending_release_wait(*, message_id: int, now: datetime | None = None) -> float | None:
    """Seconds until a sending message may be released; None if it is not sending."""
    undo_until = (
        Message.objects.filter(pk=message_id, status=MessageStatus.SENDING)
        .values_list("undo_until", flat=True)
        .first()
    )
    if undo_until is None:
        return None
    return max(0.0, (undo_until - (now or timezone.now())).total_seconds())


@transaction.atomic
def message_undo(
    *, user: User, thread_id: int, message_id: int, now: datetime | None = None
) -> UndoneMessage:
    """Take back a message the user sent, while its grace period lasts: delete it and its files.

    Another user's message (or one not in this thread) is not found; a message already
    delivered, or whose grace period is over, is ``too_late``.
    """
    now = now or timezone.now()
    message = (
        Message.objects.select_for_update()
        .filter(pk=message_id, thread_id=thread_id, sender_id=user.pk)
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    if message.status == MessageStatus.BLOCKED:
        raise UndoTooLate(
            "not_sending", _("This message was not delivered: there is nothing to undo.")
        )
    if message.status != MessageStatus.SENDING or (
        message.undo_until is not None and message.undo_until <= now
    ):
        raise UndoTooLate("too_late", _("Too late to undo: the message was sent."))
    attachments = list(Attachment.objects.filter(message=message).order_by("position", "id"))
    keys = [
        key
        for attachment in attachments
        for key in (attachment.file.name, attachment.thumbnail.name)
        if key
    ]
    Attachment.objects.filter(message=message).delete()
    Message.objects.filter(pk=message.pk).delete()
    # The files go once the rows are gone for good.
    for key in keys:
        after_commit(default_storage.delete, key)
    return UndoneMessage(
        thread_id=message.thread_id,
        body=message.body,
        file_names=[attachment.name for attachment in attachments],
    )
