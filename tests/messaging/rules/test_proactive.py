"""Sellers writing first: reasons, windows, the cap, opt-outs, blocks, review requests."""

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import ApplicationError, NotFound
from messaging.attachments.checks import IncomingFile
from messaging.models import (
    Message,
    MessageKind,
    Obligation,
    Participant,
    SellerBlock,
    Thread,
    UnsolicitedOptOut,
)
from messaging.moderation import services as moderation
from messaging.rules import proactive
from messaging.rules.services import (
    proactive_message_send,
    review_request_send,
    thread_block_seller,
    unsolicited_messages_set,
)
from messaging.threads.services import message_send, thread_start
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the order's completion (and delivery) moment


def days(n: float) -> datetime:
    return T0 + timedelta(days=n)


@pytest.fixture
def order(buyer, seller):
    return OrderFactory(
        buyer=buyer, seller=seller, status="completed", delivered_at=T0, completed_at=T0
    )


def send(order, reason="order_details", body="Your order ships in two parts.", **kwargs):
    return proactive_message_send(
        seller=order.seller, order=order, reason=reason, body=body, **kwargs
    )


def refusal(call) -> tuple[str, str, int]:
    with pytest.raises(ApplicationError) as caught:
        call()
    return caught.value.code, caught.value.message, caught.value.status


def pdf() -> IncomingFile:
    return IncomingFile("invoice.pdf", badfiles.pdf())


# The window: 30 days after completion


def test_a_proactive_message_on_day_29_is_delivered_with_the_order_number_on_top(order, buyer):
    message = send(order, now=days(29))

    assert message.is_delivered
    assert (message.reason, message.kind, message.sender_role) == (
        "order_details",
        "message",
        "seller",
    )
    assert message.body == (
        f"Order {order.number} · Confirm order details\n\nYour order ships in two parts."
    )
    buyer_side = Participant.objects.get(thread=message.thread, user=buyer)
    assert (buyer_side.unread_count, buyer_side.is_deleted) == (1, False)


def test_the_order_number_is_written_in_the_buyers_language(seller):
    spanish = BuyerFactory(language="es")
    order = OrderFactory(buyer=spanish, seller=seller, completed_at=T0)

    message = send(order, now=days(1))

    assert message.body.startswith(f"Pedido {order.number} · ")


def test_exactly_30_days_after_completion_is_still_inside_the_window(order):
    assert send(order, now=days(30)).is_delivered


def test_a_proactive_message_on_day_31_is_refused_and_nothing_is_written(order):
    code, detail, status = refusal(lambda: send(order, now=days(31)))

    assert (code, status) == ("window_closed", 409)
    assert detail == (
        "Proactive messages are possible until 30 days after the order was completed; "
        "that was 2026-04-01 09:00 UTC."
    )
    assert (Thread.objects.count(), Message.objects.count()) == (0, 0)


def test_the_window_is_configurable(order, settings):
    settings.PROACTIVE_WINDOW_DAYS = 10

    assert refusal(lambda: send(order, now=days(11)))[0] == "window_closed"


def test_an_order_not_completed_yet_has_an_open_window(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller, status="shipped")

    assert send(order, now=days(400)).is_delivered


# Per-reason rules


def test_each_reason_has_its_own_length_limit(order):
    code, detail, _ = refusal(lambda: send(order, reason="invoice", body="x" * 501, now=days(1)))

    assert code == "body_too_long"
    assert (
        detail
        == "A message for “Send an invoice” can have at most 500 characters (this one has 501)."
    )


def test_an_invoice_needs_a_pdf(order):
    code, detail, _ = refusal(
        lambda: send(
            order,
            reason="invoice",
            body="Your invoice.",
            files=[IncomingFile("photo.png", badfiles.png())],
            now=days(1),
        )
    )

    assert (code, detail) == (
        "attachment_required",
        "A message for “Send an invoice” needs a PDF file attached.",
    )
    assert Message.objects.count() == 0


def test_an_invoice_with_a_pdf_is_delivered_in_an_invoice_conversation(order):
    message = send(order, reason="invoice", body="Your invoice.", files=[pdf()], now=days(1))

    assert message.is_delivered
    assert [a.content_type for a in message.attachments.all()] == ["application/pdf"]
    assert message.thread.topic == "invoice"


def test_an_unknown_reason_is_refused(order):
    code, _, status = refusal(lambda: send(order, reason="marketing", now=days(1)))

    assert (code, status) == ("invalid_reason", 400)


def test_another_sellers_order_is_not_found(order):
    with pytest.raises(NotFound):
        proactive_message_send(
            seller=SellerFactory(), order=order, reason="order_details", body="Hi", now=days(1)
        )


# The per-order cap


def test_the_cap_allows_five_proactive_messages_per_order_then_refuses(order):
    for hour in range(5):
        send(order, now=days(1) + timedelta(hours=hour))

    code, detail, status = refusal(lambda: send(order, now=days(2)))

    assert (code, status) == ("cap_reached", 409)
    assert detail == "You have sent the 5 proactive messages allowed for this order."
    assert Message.objects.filter(reason__gt="").count() == 5


def test_the_cap_is_configurable_and_blocked_messages_do_not_use_it(order, settings):
    settings.PROACTIVE_MESSAGES_PER_ORDER = 1
    blocked = send(order, body="Write to me at sam@gmail.com", now=days(1))
    assert not blocked.is_delivered

    send(order, now=days(1))

    assert refusal(lambda: send(order, now=days(2)))[0] == "cap_reached"


# Opt-out and blocks: only critical reasons get through


def test_an_opted_out_buyer_gets_a_critical_reason(order, buyer):
    unsolicited_messages_set(buyer=buyer, receive=False)

    message = send(order, reason="delivery_scheduling", body="Which day suits you?", now=days(1))

    assert message.is_delivered


def test_an_opted_out_buyer_does_not_get_a_non_critical_reason(order, buyer):
    unsolicited_messages_set(buyer=buyer, receive=False)

    code, detail, _ = refusal(lambda: send(order, reason="warranty", now=days(1)))

    assert code == "buyer_opted_out"
    assert detail == (
        "The buyer opted out of unsolicited messages; only delivery scheduling, customization "
        "and unexpected-problem messages reach them."
    )


def test_opting_back_in_allows_every_reason_again(order, buyer):
    unsolicited_messages_set(buyer=buyer, receive=False)
    unsolicited_messages_set(buyer=buyer, receive=True)

    assert UnsolicitedOptOut.objects.count() == 0
    assert send(order, reason="warranty", now=days(1)).is_delivered


def test_a_blocked_seller_can_send_only_critical_reasons(buyer, seller, order):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    thread_block_seller(participant=Participant.objects.get(thread=thread, user=buyer))

    assert refusal(lambda: send(order, reason="warranty", now=days(1)))[0] == "seller_blocked"
    assert send(
        order, reason="unexpected_problem", body="One item is late.", now=days(1)
    ).is_delivered


def test_replies_on_a_buyer_started_thread_are_never_blocked(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    unsolicited_messages_set(buyer=buyer, receive=False)
    thread_block_seller(participant=Participant.objects.get(thread=thread, user=buyer))
    moderation.seller_restrict(seller=seller, days=7, reason="Spam.", actor=StaffFactory())

    reply = message_send(thread=thread, sender=seller, body="It ships today.")

    assert reply.is_delivered


def test_only_the_buyer_can_block_the_seller(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    seller_side = Participant.objects.get(thread=thread, user=seller)

    assert refusal(lambda: thread_block_seller(participant=seller_side))[0] == "not_buyer"
    assert SellerBlock.objects.count() == 0


# Sellers cannot write first without a reason


def test_a_seller_cannot_start_a_conversation_with_any_topic(order):
    code, _, _ = refusal(
        lambda: thread_start(sender=order.seller, order=order, topic="other", body="Hi")
    )

    assert code == "proactive_reason_required"
    assert Thread.objects.count() == 0


def test_a_seller_cannot_follow_up_in_a_conversation_the_buyer_never_wrote_in(order):
    first = send(order, now=days(1))

    code, _, _ = refusal(
        lambda: message_send(thread=first.thread, sender=order.seller, body="Hello?")
    )

    assert code == "proactive_reason_required"


def test_once_the_buyer_answers_the_seller_replies_freely(order, buyer):
    first = send(order, now=days(1))
    message_send(thread=first.thread, sender=buyer, body="Thanks!", now=days(2))

    assert message_send(
        thread=first.thread, sender=order.seller, body="You're welcome."
    ).is_delivered


# Restrictions


def test_a_restricted_seller_can_only_reply(order, seller):
    staff = StaffFactory()
    moderation.seller_restrict(
        seller=seller, days=10, reason="Repeated off-platform contact.", actor=staff, now=days(1)
    )

    code, detail, _ = refusal(lambda: send(order, reason="delivery_scheduling", now=days(2)))
    assert code == "seller_restricted"
    assert detail == (
        "Your proactive messages and review requests are restricted until 2026-03-13 09:00 UTC "
        "(reason: Repeated off-platform contact.). You can still reply to buyers."
    )
    assert (
        refusal(lambda: review_request_send(seller=seller, order=order, now=days(6)))[0]
        == "seller_restricted"
    )
    assert send(order, now=days(11)).is_delivered  # the restriction has ended


# Review requests


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (days(5) - timedelta(hours=1), "too_early"),
        (days(5), None),
        (days(30), None),
        (days(30) + timedelta(seconds=1), "window_closed"),
    ],
    ids=["4d23h", "5d", "30d", "30d+1s"],
)
def test_a_review_request_is_possible_from_5_to_30_days_after_delivery(order, moment, code):
    if code is None:
        assert review_request_send(seller=order.seller, order=order, now=moment).is_delivered
    else:
        assert (
            refusal(lambda: review_request_send(seller=order.seller, order=order, now=moment))[0]
            == code
        )


def test_too_early_says_from_when(order):
    _, detail, _ = refusal(
        lambda: review_request_send(seller=order.seller, order=order, now=days(4.99))
    )

    assert (
        detail == "A review can be requested from 5 days after delivery: from 2026-03-07 09:00 UTC."
    )


def test_one_review_request_per_order_in_fixed_wording(order):
    message = review_request_send(seller=order.seller, order=order, now=days(6))

    assert message.kind == MessageKind.REVIEW_REQUEST
    assert message.body == proactive.REVIEW_REQUEST_TEXT["en"].format(number=order.number)
    assert (
        refusal(lambda: review_request_send(seller=order.seller, order=order, now=days(7)))[0]
        == "review_already_requested"
    )


def test_the_review_request_is_in_spanish_for_a_spanish_buyer(seller):
    order = OrderFactory(buyer=BuyerFactory(language="es"), seller=seller, delivered_at=T0)

    message = review_request_send(seller=seller, order=order, now=days(6))

    assert message.body.startswith(f"Pedido {order.number}: gracias por tu pedido.")


def test_the_buyer_cannot_reply_to_a_review_request_and_it_opens_no_obligation(order, buyer):
    request = review_request_send(seller=order.seller, order=order, now=days(6))

    code, _, _ = refusal(
        lambda: message_send(thread=request.thread, sender=buyer, body="Great seller!")
    )

    assert code == "reply_not_allowed"
    assert Obligation.objects.count() == 0
    assert Message.objects.count() == 1


def test_a_review_request_does_not_answer_a_waiting_buyer(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller, delivered_at=T0)
    thread, _ = thread_with_message(order=order, now=days(6))

    review_request_send(seller=seller, order=order, now=days(6) + timedelta(hours=1))

    assert Obligation.objects.get().outcome == "open"
    assert Participant.objects.get(thread=thread, user=seller).needs_response_since == days(6)


def test_an_opted_out_buyer_gets_no_review_request(order, buyer):
    unsolicited_messages_set(buyer=buyer, receive=False)

    assert (
        refusal(lambda: review_request_send(seller=order.seller, order=order, now=days(6)))[0]
        == "buyer_opted_out"
    )


# The selector: one answer for the dashboard, the API and the services


def test_the_messaging_actions_of_an_order_exactly(order, seller, buyer):
    unsolicited_messages_set(buyer=buyer, receive=False)
    send(order, reason="delivery_scheduling", body="Tuesday?", now=days(1))

    actions = proactive.order_messaging_actions_get(seller=seller, order=order, now=days(3))

    until = days(30)
    summary = [
        (
            s.reason,
            s.is_available,
            s.available_until,
            s.remaining,
            s.unavailable and s.unavailable.code,
        )
        for s in actions.reasons
    ]
    assert summary == [
        ("customization", True, until, 4, None),
        ("delivery_scheduling", True, until, 4, None),
        ("unexpected_problem", True, until, 4, None),
        ("invoice", False, until, 4, "buyer_opted_out"),
        ("warranty", False, until, 4, "buyer_opted_out"),
        ("legal_disclosure", False, until, 4, "buyer_opted_out"),
        ("digital_access_key", False, until, 4, "buyer_opted_out"),
        ("order_details", False, until, 4, "buyer_opted_out"),
    ]
    assert actions.review_request == proactive.ActionStatus(
        action="review_request",
        reason="review_request",
        label="Request a review",
        available_from=days(5),
        available_until=days(30),
        remaining=1,
        unavailable=proactive.Unavailable(
            "too_early",
            "A review can be requested from %(days)d days after delivery: from %(starts)s.",
            {"days": 5, "starts": days(5)},
        ),
    )
    # The API writes the moment in UTC; the order page as pages write every date.
    assert actions.review_request.unavailable is not None
    assert actions.review_request.unavailable.detail == (
        "A review can be requested from 5 days after delivery: from 2026-03-07 09:00 UTC."
    )
    assert actions.review_request.unavailable.page_detail == (
        "A review can be requested from 5 days after delivery: from Mar 7, 2026, 09:00."
    )
    assert (
        actions.order_number,
        actions.thread_id,
        actions.proactive_cap,
        actions.proactive_sent,
        actions.proactive_remaining,
        actions.window_until,
        actions.buyer_opted_out,
        actions.seller_blocked,
        actions.restriction,
    ) == (order.number, Thread.objects.get().pk, 5, 1, 4, until, True, False, None)


def test_the_selector_reads_the_order_facts_in_one_query(order, seller, django_assert_num_queries):
    send(order, now=days(1))

    with django_assert_num_queries(1):
        proactive.order_messaging_actions_get(seller=seller, order=order, now=days(2))
