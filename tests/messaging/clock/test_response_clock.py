"""The 24-hour response clock: obligations and the metric, with a controlled clock."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.errors import ApplicationError
from messaging.clock.deadline import countdown
from messaging.clock.selectors import obligation_csv_rows, response_metric_for_seller
from messaging.clock.services import response_reminders_send
from messaging.models import (
    MessageKind,
    Obligation,
    ObligationOutcome,
    Participant,
    ParticipantRole,
    ResponseDay,
)
from messaging.moderation.services import message_release
from messaging.rules.services import proactive_message_send
from messaging.threads.services import message_send, thread_mark_no_response_needed, thread_start
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
NEW_YORK = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")
HOUR = timedelta(hours=1)
MICROSECONDS_PER_HOUR = 3_600_000_000


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def seller_side(thread) -> Participant:
    return Participant.objects.get(thread=thread, role=ParticipantRole.SELLER)


def reply(thread, seller, when, kind=MessageKind.MESSAGE):
    return message_send(thread=thread, sender=seller, body="On its way.", kind=kind, now=when)


def day_counts(seller) -> list[tuple]:
    return list(
        ResponseDay.objects.filter(seller=seller)
        .order_by("day")
        .values_list(
            "day",
            "due",
            "answered_on_time",
            "answered_late",
            "excluded",
            "response_microseconds_total",
        )
    )


def test_buyer_message_opens_an_obligation_due_24_hours_later(buyer, seller):
    thread, message = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    obligation = Obligation.objects.get()
    assert (obligation.thread, obligation.seller, obligation.message) == (thread, seller, message)
    assert (obligation.received_at, obligation.due_at) == (at(0), at(24))
    assert (obligation.outcome, obligation.answered_at, obligation.excluded_at) == (
        "open",
        None,
        None,
    )
    assert seller_side(thread).needs_response_since == at(0)
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 0, 0, 0, 0)]


def test_seller_reply_answers_every_open_obligation_of_the_thread(buyer, seller):
    thread, first = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    second = message_send(thread=thread, sender=buyer, body="Any news?", now=at(1))

    answer = reply(thread, seller, at(3))

    rows = list(
        Obligation.objects.order_by("id").values_list(
            "message", "outcome", "answered_at", "answer", "why"
        )
    )
    assert rows == [
        (
            first.pk,
            "answered_on_time",
            at(3),
            answer.pk,
            "Seller replied 3h 00m after the buyer's message",
        ),
        (
            second.pk,
            "answered_on_time",
            at(3),
            answer.pk,
            "Seller replied 2h 00m after the buyer's message",
        ),
    ]
    assert seller_side(thread).needs_response_since is None
    assert day_counts(seller) == [(date(2026, 3, 3), 2, 2, 0, 0, 5 * MICROSECONDS_PER_HOUR)]


def test_a_second_reply_answers_nothing_more(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    first_answer = reply(thread, seller, at(2))

    reply(thread, seller, at(5))

    assert Obligation.objects.get().answer == first_answer
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 1, 0, 0, 2 * MICROSECONDS_PER_HOUR)]


@pytest.mark.parametrize(
    ("after", "outcome"),
    [
        (timedelta(hours=23, minutes=59, seconds=59), "answered_on_time"),
        (timedelta(hours=24), "answered_on_time"),
        (timedelta(hours=24, microseconds=1), "answered_late"),
        (timedelta(hours=30), "answered_late"),
    ],
)
def test_a_reply_exactly_24_hours_later_is_on_time_and_any_later_is_late(
    buyer, seller, after, outcome
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    reply(thread, seller, T0 + after)

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.answered_at) == (outcome, T0 + after)
    on_time = int(outcome == "answered_on_time")
    assert day_counts(seller) == [
        (date(2026, 3, 3), 1, on_time, 1 - on_time, 0, after // timedelta(microseconds=1))
    ]


def test_late_reply_explains_by_how_much(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    reply(thread, seller, at(26.5))

    assert Obligation.objects.get().why == (
        "Seller replied 1d 2h after the buyer's message, 2h 30m past the deadline"
    )


@pytest.mark.parametrize("kind", [MessageKind.AUTO_REPLY, MessageKind.SYSTEM])
def test_automatic_messages_never_answer_an_obligation(buyer, seller, kind):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    reply(thread, seller, at(1), kind=kind)

    assert Obligation.objects.get().outcome == "open"
    assert seller_side(thread).needs_response_since == at(0)
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 0, 0, 0, 0)]


def test_automatic_buyer_side_message_opens_no_obligation(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    reply(thread, seller, at(1))

    message_send(
        thread=thread, sender=buyer, body="Out of office", kind=MessageKind.AUTO_REPLY, now=at(2)
    )

    assert Obligation.objects.filter(outcome="open").count() == 0


def test_no_response_needed_excludes_in_time_and_keeps_the_miss_when_late(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))  # due at(24)
    message_send(thread=thread, sender=buyer, body="Thanks!", now=at(30))  # due at(54)

    thread_mark_no_response_needed(participant=seller_side(thread), now=at(31))

    rows = Obligation.objects.order_by("id").values_list(
        "outcome", "excluded_at", "no_response_needed_at", "why"
    )
    assert list(rows) == [
        ("open", None, at(31), ""),
        ("excluded", at(31), at(31), "Seller marked 'No response needed' 1h 00m after it"),
    ]
    assert seller_side(thread).needs_response_since is None
    assert day_counts(seller) == [
        (date(2026, 3, 3), 1, 0, 0, 0, 0),  # still a miss: not answered
        (date(2026, 3, 4), 1, 0, 0, 1, 0),
    ]
    seven = response_metric_for_seller(seller=seller, now=at(24 * 4)).windows[0]
    assert (seven.due, seven.not_answered, seven.excluded, seven.on_time_percent) == (
        2,
        1,
        1,
        0.0,
    )

    again = message_send(thread=thread, sender=buyer, body="One more thing", now=at(40))

    newest = Obligation.objects.get(outcome="open", no_response_needed_at=None)
    assert (newest.message, newest.received_at, newest.due_at) == (again, at(40), at(64))
    assert seller_side(thread).needs_response_since == at(40)
    assert day_counts(seller) == [
        (date(2026, 3, 3), 1, 0, 0, 0, 0),
        (date(2026, 3, 4), 1, 0, 0, 1, 0),
        (date(2026, 3, 5), 1, 0, 0, 0, 0),
    ]


@pytest.mark.parametrize(
    ("after", "outcome", "excluded"),
    [
        (timedelta(hours=24), "excluded", 1),
        (timedelta(hours=24, microseconds=1), "open", 0),
    ],
)
def test_no_response_needed_at_exactly_24_hours_is_in_time(buyer, seller, after, outcome, excluded):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))

    thread_mark_no_response_needed(participant=seller_side(thread), now=T0 + after)

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.no_response_needed_at) == (outcome, T0 + after)
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 0, 0, excluded, 0)]


def test_a_reply_after_a_late_no_response_needed_answers_it_late(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(26))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(27))  # changes nothing

    answer = reply(thread, seller, at(30))

    obligation = Obligation.objects.get()
    assert (
        obligation.outcome,
        obligation.answered_at,
        obligation.answer,
        obligation.no_response_needed_at,
    ) == ("answered_late", at(30), answer, at(26))
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 0, 1, 0, 30 * MICROSECONDS_PER_HOUR)]


def test_a_late_no_response_needed_does_not_stop_reminders_of_newer_messages(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(30))
    message_send(thread=thread, sender=buyer, body="Hello again", now=at(40))  # due at(64)

    assert response_reminders_send(now=at(53)) == 1  # the 12-hour reminder of the new one


def test_csv_explains_a_late_no_response_needed(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(29.5))

    row = list(obligation_csv_rows(seller=seller, now=at(48)))[1]

    assert row[9:] == [
        "",
        "",
        "not_answered",
        "No reply; 'No response needed' marked 5h 30m past the deadline, so it still counts "
        "as not answered",
        "2026-03-03T14:30:00+00:00",
    ]


# A seller reply the content policy held by mistake and staff released.
BLOCKED_REPLY = "Call me on 415 555 0132 and we sort it out"


def blocked_reply(thread, seller, when):
    message = message_send(thread=thread, sender=seller, body=BLOCKED_REPLY, now=when)
    assert not message.is_delivered
    return message


def test_a_released_reply_counts_from_when_the_seller_sent_it(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    held = blocked_reply(thread, seller, at(2))
    assert Obligation.objects.get().outcome == "open"

    message_release(message=held, reviewer=StaffFactory(), now=at(40))

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.answered_at, obligation.answer_id, obligation.why) == (
        "answered_on_time",
        at(2),
        held.pk,
        "Seller replied 2h 00m after the buyer's message (held for review, delivered 1d 14h later)",
    )
    assert seller_side(thread).needs_response_since is None
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 1, 0, 0, 2 * MICROSECONDS_PER_HOUR)]


def test_a_released_reply_leaves_buyer_messages_sent_after_it_waiting(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    held = blocked_reply(thread, seller, at(2))
    later = message_send(thread=thread, sender=buyer, body="Hello?", now=at(5))

    message_release(message=held, reviewer=StaffFactory(), now=at(10))

    rows = Obligation.objects.order_by("id").values_list("outcome", "answered_at")
    assert list(rows) == [("answered_on_time", at(2)), ("open", None)]
    assert Obligation.objects.get(outcome="open").message == later
    assert seller_side(thread).needs_response_since == at(5)


def test_a_released_reply_takes_over_a_later_late_reply(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    held = blocked_reply(thread, seller, at(2))
    reply(thread, seller, at(30))  # late
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 0, 1, 0, 30 * MICROSECONDS_PER_HOUR)]

    message_release(message=held, reviewer=StaffFactory(), now=at(40))

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.answered_at, obligation.answer_id) == (
        "answered_on_time",
        at(2),
        held.pk,
    )
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 1, 0, 0, 2 * MICROSECONDS_PER_HOUR)]


@pytest.mark.parametrize("marked", [3, 26])  # in time (excluded), late (kept open)
def test_a_released_reply_answers_a_message_marked_no_response_needed_after_it(
    buyer, seller, marked
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    held = blocked_reply(thread, seller, at(2))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(marked))

    message_release(message=held, reviewer=StaffFactory(), now=at(40))

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.answered_at, obligation.excluded_at) == (
        "answered_on_time",
        at(2),
        None,
    )
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 1, 0, 0, 2 * MICROSECONDS_PER_HOUR)]


def test_a_released_reply_sent_late_is_answered_late_at_its_send_time(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    held = blocked_reply(thread, seller, at(25))

    message_release(message=held, reviewer=StaffFactory(), now=at(50))

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.answered_at) == ("answered_late", at(25))
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 0, 1, 0, 25 * MICROSECONDS_PER_HOUR)]


def test_no_response_needed_is_for_the_seller_only_and_changes_nothing_for_the_buyer(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    buyer_side = Participant.objects.get(thread=thread, role=ParticipantRole.BUYER)

    with pytest.raises(ApplicationError):
        thread_mark_no_response_needed(participant=buyer_side, now=at(1))

    assert Obligation.objects.get().outcome == "open"
    assert day_counts(seller) == [(date(2026, 3, 3), 1, 0, 0, 0, 0)]


def test_a_reply_in_another_thread_answers_nothing_here(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    other, _ = thread_with_message(seller=seller, now=at(0))

    reply(other, seller, at(1))

    assert Obligation.objects.get(thread=thread).outcome == "open"
    assert Obligation.objects.get(thread=other).outcome == "answered_on_time"


def test_pre_order_questions_open_obligations_like_any_other(buyer, seller):
    product = ProductFactory(seller=seller)

    message = thread_start(
        sender=buyer, product=product, topic="product_question", body="Is it waterproof?", now=at(0)
    )

    obligation = Obligation.objects.get()
    assert (obligation.message, obligation.due_at, obligation.seller) == (message, at(24), seller)


def test_seller_first_message_opens_nothing(buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)

    proactive_message_send(
        seller=seller,
        order=order,
        reason="order_details",
        body="Your parcel has shipped.",
        now=at(0),
    )

    assert Obligation.objects.count() == 0
    assert ResponseDay.objects.count() == 0


def test_blocked_buyer_message_opens_an_obligation_only_when_released(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    reply(thread, seller, at(1))
    blocked = message_send(
        thread=thread, sender=buyer, body="Call me on 415 555 0132 and we sort it out", now=at(2)
    )
    assert not blocked.is_delivered
    assert Obligation.objects.filter(outcome="open").count() == 0

    message_release(message=blocked, reviewer=StaffFactory(), now=at(5))

    obligation = Obligation.objects.get(outcome="open")
    assert (obligation.message_id, obligation.received_at, obligation.due_at) == (
        blocked.pk,
        at(5),
        at(29),
    )


def test_the_deadline_is_24_elapsed_hours_across_a_dst_change(buyer, seller):
    # New York moves its clocks forward at 2:00 on Sunday 8 March 2026.
    received = datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK)
    thread_with_message(buyer=buyer, seller=seller, now=received)

    due_at = Obligation.objects.get().due_at

    assert due_at - received == timedelta(hours=24)
    assert due_at.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 13, 0)
    assert due_at == datetime(2026, 3, 8, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "bucket"),
    [
        # 23:30 in Madrid is 22:30 UTC: due 22:30 UTC the next day.
        (datetime(2026, 3, 2, 23, 30, tzinfo=MADRID), date(2026, 3, 3)),
        # 00:30 on 3 March in Madrid is still 2 March in UTC: due on 3 March (UTC), not 4 March.
        (datetime(2026, 3, 3, 0, 30, tzinfo=MADRID), date(2026, 3, 3)),
    ],
)
def test_obligations_count_on_the_utc_day_they_fall_due(buyer, seller, received, bucket):
    thread_with_message(buyer=buyer, seller=seller, now=received)

    assert day_counts(seller) == [(bucket, 1, 0, 0, 0, 0)]


def test_reply_answers_with_the_time_it_was_delivered_in_any_zone(buyer, seller):
    thread, _ = thread_with_message(
        buyer=buyer, seller=seller, now=datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK)
    )

    reply(thread, seller, datetime(2026, 3, 8, 18, 0, tzinfo=MADRID))  # 17:00 UTC: exactly 24 h

    assert Obligation.objects.get().outcome == "answered_on_time"


def _history(seller):
    """Obligations due on 4 days, closed in every way; the metric is read at NOW."""
    threads = [thread_with_message(seller=seller, now=at(0))[0] for _ in range(4)]
    # Due 3 March 09:00 UTC: on time after 2 h, late after 30 h, excluded, never answered.
    on_time, late, excluded, silent = threads
    reply(on_time, seller, at(2))
    reply(late, seller, at(30))
    thread_mark_no_response_needed(participant=seller_side(excluded), now=at(3))
    # Due 14 March: answered after 10 h.
    message_send(thread=on_time, sender=on_time.buyer, body="And the invoice?", now=at(11 * 24))
    reply(on_time, seller, at(11 * 24 + 10))
    # Due 29 March: answered after 24 h exactly.
    message_send(thread=late, sender=late.buyer, body="Thanks, one more question", now=at(26 * 24))
    reply(late, seller, at(27 * 24))
    # Due 2 April 09:00 UTC, the day NOW falls on: not in any window yet.
    message_send(thread=on_time, sender=on_time.buyer, body="Hello?", now=at(30 * 24))
    return silent


NOW = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)


def test_metric_windows_count_each_outcome(seller):
    _history(seller)

    metric = response_metric_for_seller(seller=seller, now=NOW)

    figures = [
        (
            w.days,
            w.first_day,
            w.last_day,
            w.due,
            w.answered_on_time,
            w.answered_late,
            w.not_answered,
            w.excluded,
        )
        for w in metric.windows
    ]
    assert figures == [
        (7, date(2026, 3, 26), date(2026, 4, 1), 1, 1, 0, 0, 0),
        (30, date(2026, 3, 3), date(2026, 4, 1), 6, 3, 1, 1, 1),
        (90, date(2026, 1, 2), date(2026, 4, 1), 6, 3, 1, 1, 1),
    ]
    seven, thirty, _ = metric.windows
    assert seven.on_time_percent == 100.0
    assert seven.average_response_time == timedelta(hours=24)
    assert thirty.on_time_percent == 60.0
    assert thirty.meets_target is False
    # (2 h + 30 h + 10 h + 24 h) / 4 answered
    assert thirty.average_response_time == timedelta(hours=16, minutes=30)


def test_a_window_moves_with_the_days(seller):
    _history(seller)

    # On 3 April the 30 days start on 4 March: the four obligations due 3 March leave.
    thirty = response_metric_for_seller(seller=seller, now=NOW + timedelta(days=1)).windows[1]

    assert (thirty.first_day, thirty.due, thirty.answered_on_time, thirty.answered_late) == (
        date(2026, 3, 4),
        3,
        2,
        0,
    )
    assert thirty.not_answered == 1  # due 2 April, never answered


def test_a_late_reply_moves_an_obligation_from_not_answered_to_late(seller):
    silent = _history(seller)

    reply(silent, seller, datetime(2026, 4, 2, 11, 0, tzinfo=UTC))

    thirty = response_metric_for_seller(seller=seller, now=NOW).windows[1]
    assert (thirty.answered_late, thirty.not_answered) == (2, 0)


def test_metric_with_nothing_due_has_no_rate(seller):
    metric = response_metric_for_seller(seller=seller, now=NOW)

    assert [
        (w.due, w.on_time_percent, w.average_response_time, w.meets_target) for w in metric.windows
    ] == [(0, None, None, None)] * 3
    assert len(metric.daily) == 90
    assert (metric.daily[0].first_day, metric.daily[-1].last_day) == (
        date(2026, 1, 2),
        date(2026, 4, 1),
    )


def test_a_window_of_only_excluded_obligations_has_no_rate(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(1))

    seven = response_metric_for_seller(seller=seller, now=at(48)).windows[0]

    assert (seven.due, seven.excluded, seven.on_time_percent) == (1, 1, None)


def test_daily_series_gives_each_day_its_own_rate(seller):
    _history(seller)

    daily = {d.first_day: d for d in response_metric_for_seller(seller=seller, now=NOW).daily}

    assert daily[date(2026, 3, 3)].on_time_percent == pytest.approx(100 / 3)
    assert daily[date(2026, 3, 14)].on_time_percent == 100.0
    assert daily[date(2026, 3, 15)].on_time_percent is None


def test_metric_reads_one_query(seller, django_assert_num_queries):
    _history(seller)

    with django_assert_num_queries(1):
        response_metric_for_seller(seller=seller, now=NOW)


def test_metric_is_per_seller(seller):
    _history(seller)
    other = SellerFactory()

    assert response_metric_for_seller(seller=other, now=NOW).windows[2].due == 0


def test_needs_response_since_is_the_oldest_open_obligation(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    message_send(thread=thread, sender=buyer, body="Hello?", now=at(2))
    reply(thread, seller, at(3), kind=MessageKind.AUTO_REPLY)

    oldest = (
        Obligation.objects.filter(thread=thread, outcome=ObligationOutcome.OPEN)
        .order_by("received_at")
        .first()
    )
    assert seller_side(thread).needs_response_since == oldest.received_at == at(0)


def test_countdown_states(buyer, seller):
    assert countdown(at(0), at(1)) == {
        "due_at": at(24),
        "state": "ok",
        "text": "23h 00m left",
    }
    assert countdown(at(0), at(18.5))["state"] == "soon"
    assert countdown(at(0), at(18.5))["text"] == "5h 30m left"
    assert countdown(at(0), at(24))["state"] == "soon"
    assert countdown(at(0), at(26.25)) == {
        "due_at": at(24),
        "state": "overdue",
        "text": "overdue by 2h 15m",
    }


# The property test: random histories against a brute-force oracle written independently.
#
# The oracle works on whole epoch seconds only (no datetime arithmetic, no day buckets kept
# as they change): it replays the events, then filters every obligation for each window.

LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ZONES = (UTC, NEW_YORK, MADRID, LORD_HOWE)
# Moments when one of those zones changes its clocks in 2026 (forward and back).
DST_CHANGES = (
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 4, 4, 15, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
)
DAY_SECONDS = 86_400
# "seller_blocked": a seller reply the content policy holds; "release": staff release the
# oldest reply of that thread still held.
KINDS = (
    "buyer",
    "seller",
    "auto_reply",
    "system",
    "no_response_needed",
    "seller_blocked",
    "release",
)
THREADS = 4
PRE_ORDER_THREAD = 3  # the other three are about orders

gaps = st.one_of(
    st.integers(0, 30 * 3600), st.just(DAY_SECONDS), st.just(DAY_SECONDS + 1), st.just(0)
)
events = st.lists(
    st.tuples(st.integers(0, THREADS - 1), st.sampled_from(KINDS), gaps, st.sampled_from(ZONES)),
    min_size=1,
    max_size=24,
)


@st.composite
def histories(draw):
    """Events as (thread, kind, aware moment in some zone), and the moment the metric is read."""
    moment = draw(st.sampled_from(DST_CHANGES)) + timedelta(
        seconds=draw(st.integers(-3 * DAY_SECONDS, 3 * DAY_SECONDS))
    )
    timeline = []
    alone = False
    for thread, kind, gap, zone in draw(events):
        # A held reply never shares its second with another event: which of two events in
        # one instant came first is not stored, and a released reply is judged by its instant.
        if kind == "seller_blocked" or alone:
            gap = max(gap, 1)
        alone = kind == "seller_blocked"
        moment += timedelta(seconds=gap)
        timeline.append((thread, kind, moment.astimezone(zone)))
    read_after = draw(st.one_of(st.integers(0, 3 * DAY_SECONDS), st.integers(0, 100 * DAY_SECONDS)))
    read_at = (moment + timedelta(seconds=read_after)).astimezone(draw(st.sampled_from(ZONES)))
    return timeline, read_at


def as_if_sent_when_written(timeline):
    """The history as if every released reply had been delivered the moment it was sent.

    A held reply that staff release later stands at its own place as an ordinary reply; one
    never released, and the releases themselves, drop out.
    """
    started, held, released = set(), {}, set()
    for position, (thread, kind, _) in enumerate(timeline):
        if thread not in started:
            if kind != "buyer":
                continue
            started.add(thread)
        if kind == "seller_blocked":
            held.setdefault(thread, []).append(position)
        elif kind == "release" and held.get(thread):
            released.add(held[thread].pop(0))
    return [
        (thread, "seller" if position in released else kind, moment)
        for position, (thread, kind, moment) in enumerate(timeline)
        if kind not in ("seller_blocked", "release") or position in released
    ]


def oracle_obligations(timeline):
    obligations = []
    started = set()
    for thread, kind, moment in as_if_sent_when_written(timeline):
        if thread not in started:
            if kind != "buyer":
                continue
            started.add(thread)
        second = int(moment.timestamp())
        waiting = [o for o in obligations if o["thread"] == thread and o["outcome"] == "open"]
        if kind == "buyer":
            obligations.append(
                {
                    "thread": thread,
                    "received": second,
                    "due": second + DAY_SECONDS,
                    "outcome": "open",
                    "closed": None,
                    "marked": False,
                }
            )
        elif kind == "seller":
            for o in waiting:
                o["outcome"] = (
                    "answered_on_time" if second - o["received"] <= DAY_SECONDS else "answered_late"
                )
                o["closed"] = second
        elif kind == "no_response_needed":
            # In time it leaves the rate; too late, it changes nothing in the metric.
            for o in waiting:
                if o["marked"]:
                    continue
                o["marked"] = True
                if second <= o["due"]:
                    o["outcome"], o["closed"] = "excluded", second
    return obligations


def oracle_figures(obligations, read_second, oldest_day_back, newest_day_back):
    today = read_second // DAY_SECONDS
    chosen = [
        o
        for o in obligations
        if today - oldest_day_back <= o["due"] // DAY_SECONDS <= today - newest_day_back
    ]
    count = lambda outcome: sum(1 for o in chosen if o["outcome"] == outcome)  # noqa: E731
    answered = [o["closed"] - o["received"] for o in chosen if o["outcome"].startswith("answered")]
    on_time, excluded = count("answered_on_time"), count("excluded")
    rated = len(chosen) - excluded
    return {
        "due": len(chosen),
        "answered_on_time": on_time,
        "answered_late": count("answered_late"),
        "not_answered": count("open"),
        "excluded": excluded,
        "on_time_percent": None if rated == 0 else 100 * on_time / rated,
        "average_seconds": None if not answered else sum(answered) / len(answered),
    }


def implementation_figures(figures):
    average = figures.average_response_time
    return {
        "due": figures.due,
        "answered_on_time": figures.answered_on_time,
        "answered_late": figures.answered_late,
        "not_answered": figures.not_answered,
        "excluded": figures.excluded,
        "on_time_percent": figures.on_time_percent,
        "average_seconds": None if average is None else average.total_seconds(),
    }


def assert_same_figures(actual, expected):
    for name in ("on_time_percent", "average_seconds"):
        if expected[name] is None:
            assert actual[name] is None, name
        else:
            assert actual[name] == pytest.approx(expected[name], abs=1e-6), name
    counts = ("due", "answered_on_time", "answered_late", "not_answered", "excluded")
    assert {k: actual[k] for k in counts} == {k: expected[k] for k in counts}


def replay(timeline, seller):
    orders = [OrderFactory(seller=seller) for _ in range(THREADS - 1)]
    product = ProductFactory(seller=seller)
    product_buyer = BuyerFactory()
    threads = {}
    held = {}
    staff = StaffFactory()
    for index, kind, moment in timeline:
        thread = threads.get(index)
        if thread is None:
            if kind != "buyer":
                continue
            if index == PRE_ORDER_THREAD:
                message = thread_start(
                    sender=product_buyer,
                    product=product,
                    topic="product_question",
                    body="Is it in stock?",
                    now=moment,
                )
            else:
                order = orders[index]
                message = thread_start(
                    sender=order.buyer,
                    order=order,
                    topic="shipping",
                    body="Where is it?",
                    now=moment,
                )
            threads[index] = message.thread
        elif kind == "buyer":
            message_send(thread=thread, sender=thread.buyer, body="Any news?", now=moment)
        elif kind == "no_response_needed":
            thread_mark_no_response_needed(participant=seller_side(thread), now=moment)
        elif kind == "seller_blocked":
            message = message_send(thread=thread, sender=seller, body=BLOCKED_REPLY, now=moment)
            assert not message.is_delivered
            held.setdefault(index, []).append(message)
        elif kind == "release":
            if held.get(index):
                message_release(message=held[index].pop(0), reviewer=staff, now=moment)
        else:
            message_kind = MessageKind.MESSAGE if kind == "seller" else kind
            message_send(
                thread=thread, sender=seller, body="Thank you.", kind=message_kind, now=moment
            )
    return threads


@hypothesis_settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_metric_matches_a_brute_force_oracle(history, settings):
    settings.MESSAGE_SEND_RATE = "1000000/60"
    timeline, read_at = history
    expected = oracle_obligations(timeline)
    read_second = int(read_at.timestamp())
    with transaction.atomic():
        seller = SellerFactory()
        threads = replay(timeline, seller)

        metric = response_metric_for_seller(seller=seller, now=read_at)

        for days, window in zip((7, 30, 90), metric.windows, strict=True):
            assert window.days == days
            assert_same_figures(
                implementation_figures(window), oracle_figures(expected, read_second, days, 1)
            )
        assert len(metric.daily) == 90
        for back, day in zip(range(90, 0, -1), metric.daily, strict=True):
            assert_same_figures(
                implementation_figures(day), oracle_figures(expected, read_second, back, back)
            )
        # The chart's weeks, newest first: days 7 to 1 back, 14 to 8, ..., 90 to 85.
        newest_first = list(reversed(metric.weekly))
        assert len(newest_first) == 13
        for week, window in enumerate(newest_first):
            assert window.days == (7 if week < 12 else 6)
            assert_same_figures(
                implementation_figures(window),
                oracle_figures(expected, read_second, min(7 * week + 7, 90), 7 * week + 1),
            )
        # Every obligation, as the CSV lists it (by due time, then in order of arrival).
        rows = list(obligation_csv_rows(seller=seller, now=read_at))[1:]

        def iso(second):
            return "" if second is None else datetime.fromtimestamp(second, UTC).isoformat()

        assert [(row[4], row[5], row[7], row[11]) for row in rows] == [
            (
                iso(o["received"]),
                iso(o["due"]),
                iso(o["closed"]) if o["outcome"].startswith("answered") else "",
                "not_answered"
                if o["outcome"] == "open" and o["due"] < read_second
                else o["outcome"],
            )
            for o in sorted(expected, key=lambda o: o["due"])
        ]
        # The inbox's "needs response since" is the oldest buyer message still waiting (one
        # marked "no response needed" after its deadline waits for nothing any more).
        for index, thread in threads.items():
            waiting = [
                o["received"]
                for o in expected
                if o["thread"] == index and o["outcome"] == "open" and not o["marked"]
            ]
            since = seller_side(thread).needs_response_since
            assert (None if since is None else int(since.timestamp())) == (
                min(waiting) if waiting else None
            )
        transaction.set_rollback(True)
