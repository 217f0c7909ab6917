"""The webhook events messaging announces to sellers (see notifications/webhooks.py).

Payloads carry ids, the order number, names of roles and an excerpt — never an email address.
Each event's id is derived from what it announces, so announcing it again sends nothing new.
"""

from datetime import UTC, datetime

from django.utils.text import Truncator

from messaging.models import Message, Obligation, ParticipantRole, Thread
from messaging.threads.links import thread_link
from notifications.models import WebhookEvent
from notifications.webhooks import emit

EXCERPT_LENGTH = 300


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _thread_data(thread: Thread) -> dict[str, object]:
    return {
        "thread_id": thread.pk,
        "order_number": thread.order.number if thread.order is not None else None,
        "topic": thread.topic,
        "thread_url": thread_link(thread.pk, for_seller=True),
    }


def _message_data(message: Message) -> dict[str, object]:
    return {
        **_thread_data(message.thread),
        "message_id": message.pk,
        "sender_role": message.sender_role,
        "kind": message.kind,
        "sent_at": _iso(message.created_at),
        "excerpt": Truncator(message.body).chars(EXCERPT_LENGTH),
    }


def message_received(*, message: Message) -> None:
    """Tell the seller a buyer's message was delivered to them."""
    if message.sender_role != ParticipantRole.BUYER:
        return
    emit(
        seller_id=message.thread.seller_id,
        event=WebhookEvent.MESSAGE_RECEIVED,
        dedupe_key=f"message:{message.pk}:received",
        data=_message_data(message),
        now=message.created_at,
    )


def message_blocked(*, message: Message) -> None:
    """Tell the seller the content policy blocked one of their own messages."""
    if message.sender_role != ParticipantRole.SELLER:
        return
    emit(
        seller_id=message.thread.seller_id,
        event=WebhookEvent.MESSAGE_BLOCKED,
        dedupe_key=f"message:{message.pk}:blocked",
        data={**_message_data(message), "categories": message.categories},
        now=message.created_at,
    )


def response_reminder(
    *, obligation: Obligation, hours: int, hours_left: int, now: datetime
) -> None:
    """Tell the seller a buyer has been waiting and the reply is due soon."""
    emit(
        seller_id=obligation.seller_id,
        event=WebhookEvent.REMINDER,
        dedupe_key=f"reminder:{obligation.pk}:{hours}h",
        data={
            **_thread_data(obligation.thread),
            "message_id": obligation.message_id,
            "received_at": _iso(obligation.received_at),
            "due_at": _iso(obligation.due_at),
            "hours_left": hours_left,
        },
        now=now,
    )
