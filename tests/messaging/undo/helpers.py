"""What the other side of a conversation can see or be told, to prove a sending message left
no trace there."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from accounts.models import User
from messaging.models import Message, Obligation, Participant, Thread
from messaging.search import selectors as search
from messaging.search.selectors import ThreadFilters
from messaging.threads import selectors, services
from notifications.models import Notification, WebhookDelivery
from tests.messaging.factories import thread_with_message
from tests.notifications.factories import WebhookEndpointFactory

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@dataclass(frozen=True)
class Conversation:
    thread: Thread
    buyer: User
    seller: User


def answered_conversation(*, buyer: User, seller: User) -> Conversation:
    """The buyer asked at T0, the seller answered a minute later (at once, no undo time).

    The seller has a webhook endpoint, so every outbox a buyer message writes to is there.
    """
    WebhookEndpointFactory(seller=seller)
    thread, _question = thread_with_message(buyer=buyer, seller=seller, now=T0)
    services.message_send(thread=thread, sender=seller, body="It ships today.", now=at(60))
    return Conversation(thread=thread, buyer=buyer, seller=seller)


def seen_by(user: User, thread: Thread, *, word: str) -> dict[str, object]:
    """Everything of a thread the user's side shows or was sent, besides the pages."""
    side = Participant.objects.get(thread=thread, user=user)
    threads = Thread.objects.filter(pk=thread.pk)
    found = search.threads_filter(
        Participant.objects.for_user(user), user=user, filters=ThreadFilters(text=word)
    )
    return {
        "messages": [m.body for m in selectors.message_list_for_participant(participant=side)],
        "last_message": threads.values_list("last_message__body", flat=True).get(),
        "thread_last_message_at": threads.values_list("last_message_at", flat=True).get(),
        "last_message_at": side.last_message_at,
        "last_message_is_mine": side.last_message_is_mine,
        "unread_count": side.unread_count,
        "unread_threads": selectors.thread_unread_count(user=user),
        "folder_counts": selectors.thread_folder_counts(user=user).counts,
        "needs_response_since": side.needs_response_since,
        "search": list(found.values_list("thread_id", flat=True)),
        "emails": Notification.objects.filter(recipient=user).count(),
        "webhooks": WebhookDelivery.objects.filter(endpoint__seller=user).count(),
        "obligations": list(
            Obligation.objects.filter(thread=thread)
            .order_by("id")
            .values_list("outcome", "received_at", "answered_at")
        ),
    }


def message_exists(message: Message) -> bool:
    return Message.objects.filter(pk=message.pk).exists()
