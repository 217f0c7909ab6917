from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError, NotFound, RateLimited
from messaging.models import Message, MessageKind, Participant, ParticipantRole, Thread
from messaging.threads import services, trash
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def sides(thread):
    rows = {p.role: p for p in Participant.objects.filter(thread=thread)}
    return rows[ParticipantRole.BUYER], rows[ParticipantRole.SELLER]


def test_thread_start_creates_thread_participants_and_first_message(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    now = timezone.now()

    message = services.thread_start(
        sender=buyer, order=order, topic="shipping", body="  Where is it?  ", now=now
    )

    thread = message.thread
    assert (thread.kind, thread.order, thread.buyer, thread.seller) == (
        "order",
        order,
        buyer,
        seller,
    )
    assert thread.last_message == message
    assert message.body == "Where is it?"
    assert message.sender_role == "buyer"
    buyer_side, seller_side = sides(thread)
    assert (buyer_side.unread_count, buyer_side.last_message_is_mine) == (0, True)
    assert (seller_side.unread_count, seller_side.last_message_is_mine) == (1, False)
    assert seller_side.needs_response_since == now
    assert buyer_side.needs_response_since is None


def test_thread_start_on_same_order_continues_the_conversation(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    first = services.thread_start(sender=buyer, order=order, topic="shipping", body="One")
    second = services.thread_start(sender=buyer, order=order, topic="invoice", body="Two")

    assert first.thread_id == second.thread_id
    assert Thread.objects.count() == 1
    assert Thread.objects.get().topic == "invoice"
    assert sides(first.thread)[1].unread_count == 2


def test_seller_reply_clears_needs_response_and_marks_buyer_unread(buyer, seller):
    start = timezone.now()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=start)
    services.message_send(thread=thread, sender=buyer, body="Also…", now=start + timedelta(hours=1))
    assert sides(thread)[1].needs_response_since == start

    services.message_send(
        thread=thread, sender=seller, body="Shipped today.", now=start + timedelta(hours=2)
    )

    buyer_side, seller_side = sides(thread)
    assert seller_side.needs_response_since is None
    assert (seller_side.unread_count, seller_side.last_message_is_mine) == (0, True)
    assert (buyer_side.unread_count, buyer_side.last_message_is_mine) == (1, False)


def test_auto_reply_does_not_answer_the_buyer(buyer, seller):
    start = timezone.now()
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=start)

    services.message_send(
        thread=thread, sender=seller, body="We reply within a day.", kind=MessageKind.AUTO_REPLY
    )

    assert sides(thread)[1].needs_response_since == start


def test_new_message_brings_archived_and_deleted_thread_back(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    buyer_side, seller_side = sides(thread)
    services.thread_archive(participant=buyer_side)
    trash.thread_trash(participant=seller_side)

    services.message_send(thread=thread, sender=buyer, body="Hello again")

    buyer_side, seller_side = sides(thread)
    assert (buyer_side.is_archived, seller_side.is_deleted, seller_side.trashed_at) == (
        False,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "empty_body"), ("   \n\t ", "empty_body"), ("x" * 5001, "body_too_long")],
)
def test_bad_body_is_refused_and_writes_nothing(buyer, seller, body, code):
    order = OrderFactory(buyer=buyer, seller=seller)

    with pytest.raises(ApplicationError) as error:
        services.thread_start(sender=buyer, order=order, topic="shipping", body=body)

    assert error.value.code == code
    assert (Thread.objects.count(), Message.objects.count(), Participant.objects.count()) == (
        0,
        0,
        0,
    )


def test_body_of_exactly_5000_characters_is_accepted(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    message = services.thread_start(sender=buyer, order=order, topic="other", body="y" * 5000)
    assert len(message.body) == 5000


def test_buyer_cannot_contact_about_someone_elses_order(buyer):
    order = OrderFactory()

    with pytest.raises(NotFound):
        services.thread_start(sender=buyer, order=order, topic="shipping", body="Hi")

    assert Thread.objects.count() == 0


def test_seller_cannot_write_on_an_order_that_is_not_theirs(seller):
    order = OrderFactory()

    with pytest.raises(NotFound):
        services.thread_start(sender=seller, order=order, topic="shipping", body="Hi")

    assert Thread.objects.count() == 0


def test_stranger_cannot_send_in_a_thread_and_nothing_changes(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller)
    stranger = BuyerFactory()

    with pytest.raises(NotFound):
        services.message_send(thread=thread, sender=stranger, body="Let me in")

    assert list(Message.objects.values_list("id", flat=True)) == [first.id]
    assert sides(thread)[1].unread_count == 1


def test_invalid_topic_is_refused(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    with pytest.raises(ApplicationError) as error:
        services.thread_start(sender=buyer, order=order, topic="gossip", body="Hi")
    assert error.value.code == "invalid_topic"
    assert Thread.objects.count() == 0


def test_product_question_opens_a_thread_without_order(buyer):
    product = ProductFactory()

    message = services.thread_start(
        sender=buyer, product=product, topic="product_question", body="Is it waterproof?"
    )

    thread = message.thread
    assert (thread.kind, thread.order, thread.product) == ("product_question", None, product)
    assert (thread.buyer, thread.seller) == (buyer, product.seller)
    assert sides(thread)[1].needs_response_since == message.created_at


def test_seller_cannot_ask_about_own_product():
    product = ProductFactory()
    with pytest.raises(ApplicationError) as error:
        services.thread_start(sender=product.seller, product=product, topic="other", body="Hi")
    assert error.value.code == "own_product"
    assert Thread.objects.count() == 0


def test_read_unread_archive_unarchive_trash_change_only_my_side(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    _, seller_side = sides(thread)

    services.thread_mark_read(participant=seller_side)
    assert sides(thread)[1].unread_count == 0
    services.thread_mark_unread(participant=seller_side)
    assert sides(thread)[1].unread_count == 1
    services.thread_archive(participant=seller_side)
    assert sides(thread)[1].is_archived is True
    services.thread_unarchive(participant=seller_side)
    assert sides(thread)[1].is_archived is False
    trash.thread_trash(participant=seller_side)

    buyer_side, seller_side = sides(thread)
    assert (seller_side.is_deleted, seller_side.trashed_at is not None) == (True, True)
    assert (buyer_side.is_deleted, buyer_side.is_archived, buyer_side.trashed_at) == (
        False,
        False,
        None,
    )


def test_no_response_needed_is_for_sellers_only(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    buyer_side, seller_side = sides(thread)

    with pytest.raises(ApplicationError):
        services.thread_mark_no_response_needed(participant=buyer_side)
    services.thread_mark_no_response_needed(participant=seller_side)

    assert sides(thread)[1].needs_response_since is None


def test_sending_too_fast_is_rate_limited(buyer, seller, settings):
    settings.MESSAGE_SEND_RATE = "3/60"
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    services.message_send(thread=thread, sender=buyer, body="2")
    services.message_send(thread=thread, sender=buyer, body="3")

    with pytest.raises(RateLimited) as error:
        services.message_send(thread=thread, sender=buyer, body="4")

    assert 1 <= error.value.retry_after <= 60
    assert Message.objects.filter(thread=thread).count() == 3
    services.message_send(thread=thread, sender=seller, body="Seller has their own allowance")
