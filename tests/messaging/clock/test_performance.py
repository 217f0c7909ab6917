"""The seller's Performance page, its CSV, the metric API, reminders and the nightly snapshot."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from messaging.clock import selectors, tasks
from messaging.clock import services as response_clock
from messaging.models import (
    MessageKind,
    Obligation,
    Participant,
    ParticipantRole,
    ResponseSnapshot,
)
from messaging.moderation.services import message_release
from messaging.relay.alias import reply_alias_address
from messaging.threads import services
from notifications.models import Notification
from tests.accounts.factories import BuyerFactory, SellerFactory, StaffFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
PERFORMANCE_QUERIES = 6  # session, user, day counters, late/unanswered list, badge, has a team
CSV_QUERIES = 3  # session, user, the obligations (streamed)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def seller_side(thread) -> Participant:
    return Participant.objects.get(thread=thread, role=ParticipantRole.SELLER)


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def history(buyer, seller):
    """One obligation of each outcome due on 31 March, and one still waiting."""
    answered, _ = thread_with_message(
        order=OrderFactory(number="112-0000001-0000001", buyer=buyer, seller=seller), now=at(0)
    )
    late, _ = thread_with_message(
        order=OrderFactory(number="112-0000002-0000002", seller=seller), now=at(0)
    )
    excluded, _ = thread_with_message(
        order=OrderFactory(number="112-0000003-0000003", seller=seller), now=at(1)
    )
    question = services.thread_start(
        sender=BuyerFactory(),
        product=ProductFactory(seller=seller, title="Travel laptop sleeve"),
        topic="product_question",
        body="Does it fit a 13-inch laptop?",
        now=at(2),
    ).thread
    services.message_send(thread=answered, sender=seller, body="Shipped.", now=at(2))
    services.message_send(thread=late, sender=seller, body="Sorry, shipped.", now=at(30))
    services.thread_mark_no_response_needed(participant=seller_side(excluded), now=at(2))
    services.message_send(
        thread=answered, sender=buyer, body="And the invoice?", now=NOW - timedelta(hours=3)
    )
    return answered, late, excluded, question


# The Performance page


def test_seller_sees_the_three_windows_and_the_daily_chart(
    seller_client, buyer, seller, frozen_clock
):
    history(buyer, seller)

    response = seller_client.get("/seller/performance/")

    assert response.status_code == 200
    assert response.templates[0].name == "seller/performance.html"
    figures = [
        (w.days, w.due, w.answered_on_time, w.answered_late, w.not_answered, w.excluded)
        for w in response.context["windows"]
    ]
    assert figures == [(7, 4, 1, 1, 1, 1), (30, 4, 1, 1, 1, 1), (90, 4, 1, 1, 1, 1)]
    html = response.content.decode()
    assert html.count('<p class="metric-rate below">33.3%</p>') == 3
    assert html.count("<dd>16h 00m</dd>") == 3  # (2 h + 30 h) / 2
    assert "Figures cover complete days up to Apr 1, 2026 (UTC)." in html
    assert 'href="/seller/performance.csv"' in html


def test_a_seller_with_no_messages_sees_empty_windows(seller_client, frozen_clock):
    response = seller_client.get("/seller/performance/")

    assert response.status_code == 200
    assert response.content.decode().count('<p class="metric-rate">—</p>') == 3


@pytest.mark.parametrize("url", ["/seller/performance/", "/seller/performance.csv"])
def test_buyer_gets_404_on_the_seller_performance_pages(buyer_client, url):
    assert buyer_client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/seller/performance/", "/seller/performance.csv"])
def test_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_seller_inbox_links_to_the_performance_page(seller_client):
    html = seller_client.get("/seller/").content.decode()

    assert html.count('href="/seller/performance/"') == 2  # header nav and inbox heading


def test_performance_page_query_count_does_not_grow_with_obligations(
    seller_client, buyer, seller, frozen_clock, django_assert_num_queries
):
    with django_assert_num_queries(PERFORMANCE_QUERIES):
        assert seller_client.get("/seller/performance/").status_code == 200

    history(buyer, seller)
    for day in range(20):
        thread_with_message(seller=seller, now=T0 - timedelta(days=day))

    with django_assert_num_queries(PERFORMANCE_QUERIES):
        response = seller_client.get("/seller/performance/")
    assert response.context["windows"][2].due == 4 + 20


# The CSV export


def test_csv_lists_every_obligation_with_its_outcome_and_why(
    seller_client, buyer, seller, frozen_clock
):
    answered, late, excluded, question = history(buyer, seller)
    ids = {
        (o.thread_id, o.received_at): o
        for o in Obligation.objects.select_related("answer").order_by("id")
    }
    first = ids[(answered.pk, at(0))]
    waiting = ids[(answered.pk, NOW - timedelta(hours=3))]
    late_one = ids[(late.pk, at(0))]
    excluded_one = ids[(excluded.pk, at(1))]
    unanswered = ids[(question.pk, at(2))]

    response = seller_client.get("/seller/performance.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="response-obligations-2026-04-02.csv"'
    )
    lines = b"".join(response.streaming_content).decode().split("\r\n")
    assert lines == [
        "obligation,thread,order,buyer_message,received_at,due_at,counted_on,answered_at,"
        "answer_message,excluded_at,response_seconds,outcome,why,no_response_needed_at",
        f"{first.pk},{answered.pk},112-0000001-0000001,{first.message_id},"
        "2026-03-30T09:00:00+00:00,2026-03-31T09:00:00+00:00,2026-03-31,"
        f"2026-03-30T11:00:00+00:00,{first.answer_id},,7200,answered_on_time,"
        "Seller replied 2h 00m after the buyer's message,",
        f"{late_one.pk},{late.pk},112-0000002-0000002,{late_one.message_id},"
        "2026-03-30T09:00:00+00:00,2026-03-31T09:00:00+00:00,2026-03-31,"
        f"2026-03-31T15:00:00+00:00,{late_one.answer_id},,108000,answered_late,"
        '"Seller replied 1d 6h after the buyer\'s message, 6h 00m past the deadline",',
        f"{excluded_one.pk},{excluded.pk},112-0000003-0000003,{excluded_one.message_id},"
        "2026-03-30T10:00:00+00:00,2026-03-31T10:00:00+00:00,2026-03-31,"
        ",,2026-03-30T11:00:00+00:00,,excluded,"
        "Seller marked 'No response needed' 1h 00m after it,2026-03-30T11:00:00+00:00",
        f"{unanswered.pk},{question.pk},pre-order,{unanswered.message_id},"
        "2026-03-30T11:00:00+00:00,2026-03-31T11:00:00+00:00,2026-03-31,"
        ",,,,not_answered,"
        '"No reply yet, 2d 1h past the deadline",',
        f"{waiting.pk},{answered.pk},112-0000001-0000001,{waiting.message_id},"
        "2026-04-02T09:00:00+00:00,2026-04-03T09:00:00+00:00,2026-04-03,"
        ",,,,open,"
        '"Waiting for a reply, due in 21h 00m",',
        "",
    ]


def test_csv_holds_only_the_sellers_own_obligations(seller_client, seller, frozen_clock):
    thread_with_message(now=at(0))  # another seller's buyer

    lines = b"".join(seller_client.get("/seller/performance.csv").streaming_content)

    assert lines.decode().count("\r\n") == 1


def test_csv_reads_the_obligations_in_one_streamed_query(
    seller_client, seller, frozen_clock, django_assert_num_queries
):
    for day in range(12):
        thread_with_message(seller=seller, now=T0 - timedelta(days=day))

    with django_assert_num_queries(CSV_QUERIES):
        body = b"".join(seller_client.get("/seller/performance.csv").streaming_content)

    assert body.decode().count("\r\n") == 1 + 12


# The API


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_metric_api_gives_the_same_figures_as_the_page(buyer, seller, frozen_clock):
    history(buyer, seller)

    response = as_user(seller).get("/api/v1/metrics/response-time")

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-04-02T12:00:00Z"
    assert body["target_percent"] == 90
    assert body["windows"][0] == {
        "first_day": "2026-03-26",
        "last_day": "2026-04-01",
        "days": 7,
        "due": 4,
        "answered_on_time": 1,
        "answered_late": 1,
        "not_answered": 1,
        "excluded": 1,
        "on_time_percent": 33.33,
        "average_response_seconds": 16 * 3600,
    }
    assert [w["days"] for w in body["windows"]] == [7, 30, 90]
    assert len(body["daily"]) == 90
    assert body["daily"][-1]["first_day"] == "2026-04-01"
    assert body["daily"][-2]["first_day"] == "2026-03-31"
    assert (body["daily"][-2]["due"], body["daily"][-2]["on_time_percent"]) == (4, 33.33)
    assert body["daily"][-1]["on_time_percent"] is None


def test_metric_api_is_not_found_for_a_buyer(buyer):
    response = as_user(buyer).get("/api/v1/metrics/response-time")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_metric_api_needs_authentication():
    assert APIClient().get("/api/v1/metrics/response-time").status_code == 401


def test_metric_api_query_count(seller, buyer, frozen_clock, django_assert_num_queries):
    history(buyer, seller)
    client = as_user(seller)

    with django_assert_num_queries(1):
        assert client.get("/api/v1/metrics/response-time").status_code == 200


# The countdown on the dashboard


def test_inbox_shows_a_countdown_on_each_waiting_thread(seller_client, seller, frozen_clock):
    thread_with_message(seller=seller, now=NOW - timedelta(hours=2))
    thread_with_message(seller=seller, now=NOW - timedelta(hours=20))
    thread_with_message(seller=seller, now=NOW - timedelta(hours=27, minutes=30))

    html = seller_client.get("/seller/").content.decode()

    assert '<span class="countdown countdown-ok" data-due="2026-04-03T10:00:00+00:00"' in html
    assert ">22h 00m left</span>" in html
    assert '<span class="countdown countdown-soon" data-due="2026-04-02T16:00:00+00:00"' in html
    assert ">4h 00m left</span>" in html
    assert '<span class="countdown countdown-overdue" data-due="2026-04-02T08:30:00+00:00"' in html
    assert ">overdue by 3h 30m</span>" in html
    assert "js/countdown.js" in html


def test_seller_thread_page_shows_the_countdown_until_answered(
    seller_client, buyer, seller, frozen_clock
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=NOW - timedelta(hours=19))

    html = seller_client.get(f"/seller/messages/{thread.pk}/").content.decode()
    assert 'class="countdown countdown-soon"' in html
    assert ">5h 00m left</span>" in html

    services.message_send(thread=thread, sender=seller, body="Shipped.", now=NOW)

    html = seller_client.get(f"/seller/messages/{thread.pk}/").content.decode()
    assert 'class="countdown' not in html
    # The page still keeps a place for it, should the buyer write again while it is open.
    assert '<div id="response-due" data-due="0"></div>' in html


# Reminders


def reminders() -> list[tuple[str, str, dict]]:
    return list(
        Notification.objects.filter(kind="reminder")
        .order_by("id")
        .values_list("address", "dedupe_key", "context")
    )


def test_a_waiting_thread_gets_one_reminder_at_each_threshold(buyer, seller):
    thread, _ = thread_with_message(
        order=OrderFactory(number="112-0000009-0000009", buyer=buyer, seller=seller), now=at(0)
    )
    obligation = Obligation.objects.get()
    runs = [11, 11.99, 12, 12.1, 17, 21.9, 22, 22.5, 23.99, 24, 25]

    sent = [response_clock.response_reminders_send(now=at(hours)) for hours in runs]

    assert sent == [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
    url = f"http://127.0.0.1:8000/seller/messages/{thread.pk}/"

    def alias(when):
        return reply_alias_address(thread_id=thread.pk, user_id=seller.pk, now=when)

    common = {
        "thread_id": thread.pk,
        "subject": "Shipping · Order 112-0000009-0000009",
        "sender_name": "Alex Buyer",
        "received_at": "2026-03-30T09:00:00+00:00",
        "due_at": "2026-03-31T09:00:00+00:00",
        "thread_url": url,
    }
    assert reminders() == [
        (
            seller.email,
            f"reminder:{obligation.pk}:12h:{seller.email}",
            {**common, "hours_left": 12, "reply_to": alias(at(12))},
        ),
        (
            seller.email,
            f"reminder:{obligation.pk}:2h:{seller.email}",
            {**common, "hours_left": 2, "reply_to": alias(at(22))},
        ),
    ]


def test_a_late_first_run_sends_only_the_tightest_reminder(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, now=at(0))
    obligation = Obligation.objects.get()

    assert response_clock.response_reminders_send(now=at(23)) == 1

    assert [(key, context["hours_left"]) for _, key, context in reminders()] == [
        (f"reminder:{obligation.pk}:2h:{seller.email}", 1)
    ]


def test_no_reminder_for_an_answered_or_excluded_thread(buyer, seller):
    answered, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    excluded, _ = thread_with_message(seller=seller, now=at(0))
    services.message_send(thread=answered, sender=seller, body="Shipped.", now=at(1))
    services.thread_mark_no_response_needed(participant=seller_side(excluded), now=at(1))

    assert response_clock.response_reminders_send(now=at(12)) == 0
    assert reminders() == []


def test_an_auto_reply_does_not_stop_the_reminders(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.message_send(
        thread=thread, sender=seller, body="We reply within a day.", kind=MessageKind.AUTO_REPLY
    )

    assert response_clock.response_reminders_send(now=at(12)) == 1


def test_reminders_follow_the_thread_deadline_not_each_message(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    services.message_send(thread=thread, sender=buyer, body="Hello?", now=at(3))
    oldest = Obligation.objects.order_by("received_at").first()

    # 12 h before the thread's deadline, and once more after it: the newer message's own
    # 12 h and 2 h points fall after the deadline, when the thread is already overdue.
    counts = [response_clock.response_reminders_send(now=at(h)) for h in (12, 15, 22, 25, 26)]

    assert counts == [1, 0, 1, 0, 0]
    assert {key.split(":")[1] for _, key, _ in reminders()} == {str(oldest.pk)}


def test_reminder_thresholds_come_from_the_settings(buyer, seller, settings):
    settings.RESPONSE_REMINDER_HOURS = [6]
    thread_with_message(buyer=buyer, seller=seller, now=at(0))

    counts = [response_clock.response_reminders_send(now=at(h)) for h in (12, 18, 22)]

    assert counts == [0, 1, 0]


def test_reminders_go_to_every_seller_with_a_waiting_thread(seller):
    thread_with_message(seller=seller, now=at(0))
    other_seller = SellerFactory()
    thread_with_message(seller=other_seller, now=at(1))

    assert response_clock.response_reminders_send(now=at(13)) == 2
    assert {address for address, _, _ in reminders()} == {seller.email, other_seller.email}


def test_reminder_task_has_a_stable_name_and_a_beat_entry(buyer, seller):
    thread_with_message(buyer=buyer, seller=seller, now=timezone.now() - timedelta(hours=13))

    assert tasks.response_reminders_send() == 1
    assert tasks.response_reminders_send() == 0

    assert tasks.response_reminders_send.name == "messaging.send_response_reminders"
    schedule = django_settings.CELERY_BEAT_SCHEDULE["messaging-response-reminders"]
    assert (schedule["task"], schedule["schedule"]) == ("messaging.send_response_reminders", 300.0)
    assert django_settings.RESPONSE_REMINDER_HOURS == [12, 2]


# The nightly snapshot


def snapshots() -> list[tuple]:
    return list(
        ResponseSnapshot.objects.order_by("window_days").values_list(
            "last_day",
            "window_days",
            "due",
            "answered_on_time",
            "answered_late",
            "not_answered",
            "excluded",
            "response_microseconds_total",
        )
    )


def test_nightly_snapshot_keeps_the_three_windows_and_can_run_again(buyer, seller):
    *_, question = history(buyer, seller)
    hours = 3_600_000_000

    assert response_clock.response_metrics_snapshot(now=NOW) == 3
    expected = [(date(2026, 4, 1), days, 4, 1, 1, 1, 1, 32 * hours) for days in (7, 30, 90)]
    assert snapshots() == expected

    # A late reply the next morning changes the live figures; the night's run updates its row.
    services.message_send(thread=question, sender=seller, body="Yes it does.", now=NOW)
    assert response_clock.response_metrics_snapshot(now=NOW + timedelta(hours=1)) == 3
    assert [row[4:6] for row in snapshots()] == [(2, 0)] * 3
    assert ResponseSnapshot.objects.count() == 3

    # The next night adds rows for the new last day.
    assert response_clock.response_metrics_snapshot(now=NOW + timedelta(days=1)) == 3
    assert ResponseSnapshot.objects.count() == 6


def test_snapshot_task_has_a_stable_name_and_a_beat_entry(seller):
    thread_with_message(seller=seller, now=timezone.now() - timedelta(days=3))

    assert tasks.response_metrics_snapshot() == 3

    assert tasks.response_metrics_snapshot.name == "messaging.snapshot_response_metrics"
    schedule = django_settings.CELERY_BEAT_SCHEDULE["messaging-response-snapshot"]
    assert schedule["task"] == "messaging.snapshot_response_metrics"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({0}, {10})


# Admin


def test_staff_read_obligations_and_day_counters_in_the_admin(client, staff, seller):
    thread_with_message(seller=seller, now=at(0))
    client.force_login(staff)

    obligations = client.get("/admin/messaging/obligation/")
    days = client.get("/admin/messaging/responseday/")

    assert (obligations.status_code, days.status_code) == (200, 200)
    assert obligations.context["cl"].result_count == 1
    assert days.context["cl"].result_count == 1
    assert client.get("/admin/messaging/obligation/add/").status_code == 403


def test_a_buyer_reply_is_stored_in_a_fixed_number_of_statements(
    buyer, seller, django_assert_num_queries
):
    thread, _ = thread_with_message(order=OrderFactory(buyer=buyer, seller=seller), now=at(0))
    services.message_send(thread=thread, sender=buyer, body="One more thing.", now=at(1))
    thread = type(thread).objects.select_related("order", "buyer", "seller").get(pk=thread.pk)

    # Begin; lock both sides; the reply check (the thread was loaded without its latest
    # message); insert; the thread and both sides in one statement (two elsewhere); the
    # obligation and its day's count in one (two elsewhere); the search documents (PostgreSQL
    # only); notification
    # addresses; the outbox row, skipped if its dedupe key is stored; webhook endpoints;
    # commit. No savepoint: a failed notification fails the send with it. (SQLite: the thread
    # and both sides in two statements, the obligation and its count in two, and no search
    # documents.)
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 12):
        services.message_send(thread=thread, sender=buyer, body="And a last one.", now=at(2))


# What the page lists and draws


def test_page_lists_the_late_and_unanswered_messages_of_the_90_days(
    seller_client, buyer, seller, frozen_clock
):
    _, late, _, question = history(buyer, seller)

    response = seller_client.get("/seller/performance/")

    misses = [
        (m.obligation.thread_id, m.is_answered, m.late_by) for m in response.context["misses"]
    ]
    assert misses == [
        (question.pk, False, timedelta(days=2, hours=1)),  # due 31 March 11:00, never answered
        (late.pk, True, timedelta(hours=6)),  # due 31 March 09:00, answered 15:00
    ]
    assert response.context["misses_total"] == 2
    html = " ".join(response.content.decode().split())
    assert (
        f'<th scope="row"><a href="/seller/messages/{question.pk}/">'
        "Product question · Travel laptop sleeve</a></th> "
        '<td><time datetime="2026-03-30T11:00:00+00:00">Mar 30, 2026, 11:00</time></td> '
        '<td><time datetime="2026-03-31T11:00:00+00:00">Mar 31, 2026, 11:00</time></td> '
        '<td><span class="tag status-failed">Not answered</span></td> '
        "<td>2d 1h so far</td>"
    ) in html
    assert (
        f'<th scope="row"><a href="/seller/messages/{late.pk}/">'
        "Shipping · Order 112-0000002-0000002</a></th> "
        '<td><time datetime="2026-03-30T09:00:00+00:00">Mar 30, 2026, 09:00</time></td> '
        '<td><time datetime="2026-03-31T09:00:00+00:00">Mar 31, 2026, 09:00</time></td> '
        '<td><time datetime="2026-03-31T15:00:00+00:00">Mar 31, 2026, 15:00</time></td> '
        "<td>6h 00m</td>"
    ) in html
    assert "Showing the" not in html


def test_a_seller_with_no_misses_is_told_so(seller_client, seller, frozen_clock):
    thread, _ = thread_with_message(seller=seller, now=at(0))
    services.message_send(thread=thread, sender=seller, body="Shipped.", now=at(1))

    html = seller_client.get("/seller/performance/").content.decode()

    assert "None: every buyer message due in the last 90 days was answered within 24 hours" in html
    assert 'class="table misses"' not in html


def test_a_long_list_is_capped_with_a_link_to_the_csv(
    seller_client, seller, frozen_clock, monkeypatch
):
    monkeypatch.setattr(selectors, "MISSES_SHOWN", 2)
    threads = [thread_with_message(seller=seller, now=at(hours))[0] for hours in (0, 1, 2)]

    response = seller_client.get("/seller/performance/")

    assert [m.obligation.thread_id for m in response.context["misses"]] == [
        threads[2].pk,
        threads[1].pk,
    ]
    html = response.content.decode()
    assert "Showing the 2 latest of 3." in html
    assert html.count('href="/seller/performance.csv" download') == 2


def test_a_late_no_response_needed_is_listed_as_not_answered(seller_client, seller, frozen_clock):
    thread, _ = thread_with_message(seller=seller, now=at(0))
    services.thread_mark_no_response_needed(participant=seller_side(thread), now=at(30))

    response = seller_client.get("/seller/performance/")

    assert [(m.obligation.thread_id, m.is_answered) for m in response.context["misses"]] == [
        (thread.pk, False)
    ]
    assert "marked “No response needed” after the deadline" in response.content.decode()
    seven = response.context["windows"][0]
    assert (seven.due, seven.not_answered, seven.excluded) == (1, 1, 0)


def test_chart_draws_one_bar_per_week_stacked_by_outcome(
    seller_client, buyer, seller, frozen_clock
):
    history(buyer, seller)
    # Two more, answered on time, due in the week of 12 to 18 March.
    for _ in range(2):
        thread, _ = thread_with_message(seller=seller, now=at(-16 * 24))
        services.message_send(thread=thread, sender=seller, body="Yes.", now=at(-16 * 24 + 1))

    response = seller_client.get("/seller/performance/")

    weekly = response.context["weekly"]
    assert (weekly[0].first_day, weekly[0].last_day) == (date(2026, 1, 2), date(2026, 1, 7))
    assert [(w.first_day, w.last_day) for w in weekly][-2:] == [
        (date(2026, 3, 19), date(2026, 3, 25)),
        (date(2026, 3, 26), date(2026, 4, 1)),
    ]
    assert [w.due for w in weekly] == [0] * 10 + [2, 0, 4]
    html = " ".join(response.content.decode().split())
    assert html.count('<g class="week">') == 13
    assert html.count('<rect class="segment ') == 5
    # The newest week: 4 due, each outcome once, 35 units each (140 units for the 4).
    assert (
        "<title>Mar 26 – Apr 1: 4 messages due, 33.3% on time (on time 1, late 1, "
        "not answered 1, no response needed 1)</title>"
    ) in html
    assert (
        '<rect class="segment answered_on_time" x="584" y="123" width="32" height="35" '
        'data-count="1"></rect>'
        '<rect class="segment answered_late" x="584" y="88" width="32" height="35" '
        'data-count="1"></rect>'
        '<rect class="segment not_answered" x="584" y="53" width="32" height="35" '
        'data-count="1"></rect>'
        '<rect class="segment excluded" x="584" y="18" width="32" height="35" '
        'data-count="1"></rect>'
    ) in html
    assert '<text class="rate below" x="600" y="14" text-anchor="middle">33%</text>' in html
    # The week of 12 March: 2 due, both on time, half the height.
    assert (
        "<title>Mar 12 – Mar 18: 2 messages due, 100.0% on time (on time 2, late 0, "
        "not answered 0, no response needed 0)</title>"
    ) in html
    assert (
        '<rect class="segment answered_on_time" x="488" y="88" width="32" height="70" '
        'data-count="2"></rect>'
    ) in html
    assert '<text class="rate meets" x="504" y="84" text-anchor="middle">100%</text>' in html
    assert html.count("<title>Jan 2 – Jan 7: nothing due</title>") == 1
    # The same figures in the table behind the chart.
    assert (
        '<tr><th scope="row">Mar 26 – Apr 1</th><td>4</td><td>1</td><td>1</td><td>1</td>'
        "<td>1</td><td>33.3%</td></tr>"
    ) in html
    assert (
        '<tr><th scope="row">Mar 12 – Mar 18</th><td>2</td><td>2</td><td>0</td><td>0</td>'
        "<td>0</td><td>100.0%</td></tr>"
    ) in html


def test_the_page_speaks_spanish(seller_client, seller, buyer, frozen_clock):
    history(buyer, seller)
    seller.language = "es"
    seller.save(update_fields=["language"])

    html = " ".join(seller_client.get("/seller/performance/").content.decode().split())

    assert "Mensajes con respuesta tardía o sin respuesta, últimos 90 días" in html
    assert "4 mensajes vencidos, 33,3 % a tiempo" in html


def test_csv_and_api_keep_a_late_no_response_needed_as_not_answered(
    seller_client, seller, frozen_clock
):
    thread, _ = thread_with_message(seller=seller, now=at(0))
    services.thread_mark_no_response_needed(participant=seller_side(thread), now=at(30))

    body = b"".join(seller_client.get("/seller/performance.csv").streaming_content).decode()
    api = as_user(seller).get("/api/v1/metrics/response-time").json()

    row = body.split("\r\n")[1]
    assert row.endswith(
        ",not_answered,\"No reply; 'No response needed' marked 6h 00m past the deadline, so it "
        'still counts as not answered",2026-03-31T15:00:00+00:00'
    )
    assert {k: api["windows"][0][k] for k in ("due", "not_answered", "excluded")} == {
        "due": 1,
        "not_answered": 1,
        "excluded": 0,
    }
    assert api["windows"][0]["on_time_percent"] == 0.0


def test_csv_and_api_count_a_released_reply_at_its_send_time(seller_client, seller, frozen_clock):
    thread, _ = thread_with_message(seller=seller, now=at(0))
    held = services.message_send(
        thread=thread, sender=seller, body="Call me on 415 555 0132 and we sort it out", now=at(3)
    )
    message_release(message=held, reviewer=StaffFactory(), now=at(30))

    body = b"".join(seller_client.get("/seller/performance.csv").streaming_content).decode()
    api = as_user(seller).get("/api/v1/metrics/response-time").json()

    fields = body.split("\r\n")[1].split(",")
    assert fields[7:12] == [
        "2026-03-30T12:00:00+00:00",
        str(held.pk),
        "",
        "10800",
        "answered_on_time",
    ]
    assert {
        k: api["windows"][0][k] for k in ("due", "answered_on_time", "average_response_seconds")
    } == {"due": 1, "answered_on_time": 1, "average_response_seconds": 3 * 3600}
