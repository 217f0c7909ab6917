"""Undo send in the services: held, taken back, or released exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from core.errors import NotFound
from messaging.attachments.checks import IncomingFile
from messaging.models import (
    Attachment,
    Message,
    MessageStatus,
    Obligation,
    ObligationOutcome,
    Participant,
)
from messaging.threads import sending, services
from messaging.threads.sending import UndoTooLate
from notifications.models import Notification, NotificationKind, WebhookDelivery
from tests.accounts.factories import BuyerFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.messaging.undo.helpers import T0, answered_conversation, at, message_exists, seen_by

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_sends(settings):
    settings.MESSAGE_SEND_RATE = "1000/60"


@pytest.fixture
def conversation(buyer, seller):
    return answered_conversation(buyer=buyer, seller=seller)


def hold(conversation, *, body="Tangerine: can you gift wrap it?", seconds=10, now=None, **extra):
    return services.message_send(
        thread=conversation.thread,
        sender=conversation.buyer,
        body=body,
        now=now or at(120),
        undo_seconds=seconds,
        **extra,
    )


def test_a_held_message_is_stored_as_sending_with_its_undo_time(conversation):
    message = hold(conversation)

    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert (message.created_at, message.undo_until) == (at(120), at(130))


def test_a_held_message_enqueues_its_release_for_the_end_of_the_undo_time(
    conversation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        message = hold(conversation, seconds=5)

    assert [(c.func.__name__, c.args, c.kwargs) for c in callbacks] == [
        ("task_send", ("messaging.release_sending_message", message.pk), {"countdown": 5})
    ]


def test_a_held_message_reaches_nothing_of_the_other_side(conversation):
    seller, buyer, thread = conversation.seller, conversation.buyer, conversation.thread
    before = seen_by(seller, thread, word="tangerine")
    buyer_before = seen_by(buyer, thread, word="tangerine")

    hold(conversation)

    assert seen_by(seller, thread, word="tangerine") == before
    assert before["emails"] == 1 and before["webhooks"] == 1  # the first question's
    assert before["folder_counts"]["needs_response"] == 0
    # Its sender sees it in the thread (as sending); their inbox row waits for the release.
    after = seen_by(buyer, thread, word="tangerine")
    assert after["messages"] == [*buyer_before["messages"], "Tangerine: can you gift wrap it?"]
    assert {k: v for k, v in after.items() if k != "messages"} == {
        k: v for k, v in buyer_before.items() if k != "messages"
    }


def test_undo_in_time_deletes_the_message_and_its_files_and_leaves_no_trace(
    conversation, private_storage, django_capture_on_commit_callbacks
):
    seller, buyer, thread = conversation.seller, conversation.buyer, conversation.thread
    before = {user.pk: seen_by(user, thread, word="tangerine") for user in (buyer, seller)}
    with django_capture_on_commit_callbacks(execute=True):
        message = hold(
            conversation,
            files=[
                IncomingFile("invoice.pdf", badfiles.pdf()),
                IncomingFile("photo.png", badfiles.png()),
            ],
        )
    stored = [p for p in private_storage.rglob("*") if p.is_file()]
    assert len(stored) == 3  # two files and the photo's thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        undone = sending.message_undo(
            user=buyer, thread_id=thread.pk, message_id=message.pk, now=at(129)
        )

    assert undone == sending.UndoneMessage(
        thread_id=thread.pk,
        body="Tangerine: can you gift wrap it?",
        file_names=["invoice.pdf", "photo.png"],
    )
    assert not message_exists(message)
    assert not Attachment.objects.filter(message_id=message.pk).exists()
    assert [p for p in private_storage.rglob("*") if p.is_file()] == []
    assert {user.pk: seen_by(user, thread, word="tangerine") for user in (buyer, seller)} == before
    # Its release task, when it comes, finds nothing to do.
    assert sending.message_sending_release(message_id=message.pk, now=at(140)) is None
    assert seen_by(seller, thread, word="tangerine") == before[seller.pk]


def test_undo_after_the_undo_time_is_too_late_and_the_message_is_delivered_once(conversation):
    seller, thread = conversation.seller, conversation.thread
    emails = Notification.objects.filter(recipient=seller).count()
    message = hold(conversation)

    with pytest.raises(UndoTooLate) as refused:
        sending.message_undo(
            user=conversation.buyer, thread_id=thread.pk, message_id=message.pk, now=at(130)
        )

    assert (refused.value.code, refused.value.status) == ("too_late", 409)
    assert message_exists(message)
    assert sending.message_sending_release(message_id=message.pk, now=at(130)) is not None
    with pytest.raises(UndoTooLate) as again:
        sending.message_undo(
            user=conversation.buyer, thread_id=thread.pk, message_id=message.pk, now=at(131)
        )
    assert again.value.code == "too_late"
    assert Notification.objects.filter(recipient=seller).count() == emails + 1


def test_undo_of_another_users_message_or_in_another_thread_is_not_found(conversation):
    message = hold(conversation)
    other_thread, _ = thread_with_message(buyer=conversation.buyer, now=T0)

    for user, thread_id in [
        (conversation.seller, conversation.thread.pk),  # the other side's message
        (BuyerFactory(), conversation.thread.pk),  # a stranger
        (conversation.buyer, other_thread.pk),  # the right sender, the wrong thread
    ]:
        with pytest.raises(NotFound):
            sending.message_undo(user=user, thread_id=thread_id, message_id=message.pk, now=at(121))

    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENDING


def test_a_message_the_policy_stops_is_blocked_at_once_with_nothing_to_undo(conversation):
    message = hold(conversation, body="Write to me at tangerine@example.org")

    assert message.status == MessageStatus.BLOCKED
    assert message.undo_until is None
    with pytest.raises(UndoTooLate) as refused:
        sending.message_undo(
            user=conversation.buyer,
            thread_id=conversation.thread.pk,
            message_id=message.pk,
            now=at(121),
        )
    assert refused.value.code == "not_sending"


def test_release_after_the_undo_time_delivers_exactly_once(conversation):
    seller, thread = conversation.seller, conversation.thread
    before = seen_by(seller, thread, word="tangerine")
    message = hold(conversation)

    assert sending.message_sending_release(message_id=message.pk, now=at(129)) is None
    released = sending.message_sending_release(message_id=message.pk, now=at(131))
    assert released is not None
    assert sending.message_sending_release(message_id=message.pk, now=at(132)) is None
    assert sending.messages_sending_sweep(now=at(133)) == 0

    message.refresh_from_db()
    assert (message.status, message.created_at, message.undo_until) == (
        MessageStatus.DELIVERED,
        at(131),
        at(130),
    )
    after = seen_by(seller, thread, word="tangerine")
    assert after["messages"] == [*before["messages"], "Tangerine: can you gift wrap it?"]
    assert after["last_message"] == "Tangerine: can you gift wrap it?"
    assert (after["thread_last_message_at"], after["last_message_at"]) == (at(131), at(131))
    assert (after["unread_count"], after["unread_threads"]) == (1, 1)
    assert after["folder_counts"]["needs_response"] == 1
    assert after["needs_response_since"] == at(131)
    assert after["search"] == [thread.pk]
    assert after["emails"] == before["emails"] + 1
    assert after["webhooks"] == before["webhooks"] + 1
    new_message_emails = Notification.objects.filter(
        recipient=seller,
        kind=NotificationKind.NEW_MESSAGE,
        dedupe_key__startswith=f"message:{message.pk}:to:{seller.pk}:",
    )
    assert new_message_emails.count() == 1
    assert WebhookDelivery.objects.filter(payload__data__message_id=message.pk).count() == 1
    assert after["obligations"][-1] == (ObligationOutcome.OPEN, at(131), None)


def test_the_clock_counts_a_held_seller_reply_when_it_is_released(buyer, seller):
    thread, question = thread_with_message(buyer=buyer, seller=seller, now=T0)
    due = T0 + timedelta(hours=24)

    # Sent 10 seconds before the deadline, with 30 seconds to undo: released after it.
    reply = services.message_send(
        thread=thread,
        sender=seller,
        body="Sorry for the wait: it ships today.",
        now=due - timedelta(seconds=10),
        undo_seconds=30,
    )
    obligation = Obligation.objects.get(message=question)
    assert (obligation.outcome, obligation.answered_at) == (ObligationOutcome.OPEN, None)
    seller_side = Participant.objects.get(thread=thread, user=seller)
    assert seller_side.needs_response_since == T0

    sending.messages_sending_sweep(now=due + timedelta(seconds=20))

    obligation.refresh_from_db()
    assert (obligation.outcome, obligation.answered_at, obligation.answer_id) == (
        ObligationOutcome.ANSWERED_LATE,
        due + timedelta(seconds=20),
        reply.pk,
    )
    seller_side.refresh_from_db()
    assert seller_side.needs_response_since is None


def test_the_sweep_releases_only_messages_whose_undo_time_is_over(conversation):
    first = hold(conversation, body="First", seconds=5, now=at(120))
    second = hold(conversation, body="Second", seconds=30, now=at(121))

    assert sending.messages_sending_sweep(now=at(126)) == 1

    statuses = dict(
        Message.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status")
    )
    assert statuses == {first.pk: MessageStatus.DELIVERED, second.pk: MessageStatus.SENDING}
    assert sending.messages_sending_sweep(now=at(151)) == 1
    assert sending.messages_sending_sweep(now=at(152)) == 0


def test_no_undo_time_delivers_at_once_as_before(conversation, django_capture_on_commit_callbacks):
    seller = conversation.seller
    emails = Notification.objects.filter(recipient=seller).count()

    with django_capture_on_commit_callbacks() as callbacks:
        message = hold(conversation, seconds=0)

    assert (message.status, message.undo_until, message.created_at) == (
        MessageStatus.DELIVERED,
        None,
        at(120),
    )
    assert Notification.objects.filter(recipient=seller).count() == emails + 1
    assert "messaging.release_sending_message" not in [
        c.args[0] for c in callbacks if c.func.__name__ == "task_send"
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("releasers", [("task", "task"), ("task", "sweep")])
def test_two_releasers_at_once_deliver_once(postgresql, buyer, seller, releasers):
    conversation = answered_conversation(buyer=buyer, seller=seller)
    message = hold(conversation)
    emails = Notification.objects.filter(recipient=seller).count()
    start = threading.Barrier(len(releasers))
    results: list[object] = []

    def release(kind: str) -> None:
        try:
            start.wait(timeout=10)
            if kind == "task":
                results.append(sending.message_sending_release(message_id=message.pk, now=at(131)))
            else:
                results.append(sending.messages_sending_sweep(now=at(131)))
        finally:
            connection.close()

    workers = [threading.Thread(target=release, args=(kind,)) for kind in releasers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    delivered = [r for r in results if isinstance(r, Message) or r == 1]
    assert len(results) == 2 and len(delivered) == 1
    assert Notification.objects.filter(recipient=seller).count() == emails + 1
    assert WebhookDelivery.objects.filter(payload__data__message_id=message.pk).count() == 1
    assert Obligation.objects.filter(message=message).count() == 1


def test_the_users_choice_and_the_default_give_the_undo_time(buyer, settings):
    settings.MESSAGE_UNDO_SECONDS = 10

    assert sending.undo_seconds_for(user=buyer) == 10
    assert sending.undo_seconds_for(user=buyer, requested=0) == 0
    buyer.undo_send_seconds = 30
    assert sending.undo_seconds_for(user=buyer) == 30
    assert sending.undo_seconds_for(user=buyer, requested=5) == 5
    buyer.undo_send_seconds = 0
    assert sending.undo_seconds_for(user=buyer) == 0
