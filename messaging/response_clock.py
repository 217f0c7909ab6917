"""The 24-hour response clock: obligations, the response-time metric and seller reminders.

The rules
---------
* Every delivered buyer message of kind "message" (order threads and pre-order questions
  alike) opens an *obligation*. It is received at the moment it was delivered and due exactly
  ``settings.RESPONSE_DEADLINE`` (24 hours) of elapsed time later: calendar hours, so nights,
  weekends and holidays count, and a DST change neither stops nor stretches the clock (a
  message received at 12:00 on the day clocks go forward is due at 13:00 local time the next
  day; the arithmetic is done in UTC).
* The seller's next delivered message of kind "message" in the thread answers every open
  obligation of that thread. It is *on time* when ``answered_at <= due_at`` (a reply exactly
  24 hours later is on time) and *late* otherwise. Automatic replies and system notices
  never answer an obligation.
* "No response needed" closes every open obligation of the thread as *excluded* (even one
  already overdue); a buyer message after it opens a new obligation.
* The seller's ``Participant.needs_response_since`` is the received time of the thread's
  oldest open obligation (``None`` when there is none); the inbox sorts on it and the
  countdown shows ``needs_response_since + 24 h``.

The metric
----------
Obligations are counted on the UTC day their *due time* falls on. "The last N days" at a
moment ``now`` are the N complete UTC days before the UTC day of ``now`` (yesterday and the
N - 1 days before it). Every obligation in a window is therefore already due; obligations
due today are counted from tomorrow. For a window:

* due: obligations due in the window;
* answered on time / answered late / excluded: those of them closed that way so far;
* not answered: the rest, which are past their deadline and still open
  (``due - on time - late - excluded``); a late reply or an exclusion later moves one out;
* on-time rate: ``on time / (due - excluded)``, none when that is zero; the bar is 90 %;
* average response time: the mean of ``answered_at - received_at`` over the answered
  (on time or late) obligations, none when there are none.

The figures are kept incrementally in ``ResponseDay`` (one row per seller and due day,
updated with ``F()`` in the transaction that delivers the message), so reading the metric
reads at most 90 small rows, whatever the number of messages. A nightly task copies the
three windows into ``ResponseSnapshot``.
"""

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from messaging import webhook_events
from messaging.models import Message, Obligation, ObligationOutcome, ResponseDay, ResponseSnapshot
from messaging.reply_alias import reply_alias_address
from notifications.services import notify

WINDOWS = (7, 30, 90)
SERIES_DAYS = 90
ON_TIME_TARGET_PERCENT = 90
AMBER_BELOW = timedelta(hours=6)
NOT_ANSWERED = "not_answered"  # an open obligation past its deadline (CSV and API only)


def response_deadline() -> timedelta:
    return settings.RESPONSE_DEADLINE


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of an aware moment (the metric's day buckets are UTC days)."""
    return moment.astimezone(UTC).date()


def due_time(received_at: datetime) -> datetime:
    """When an obligation received at this moment is due: 24 elapsed hours later."""
    return received_at.astimezone(UTC) + response_deadline()


def format_duration(delta: timedelta) -> str:
    """Show a span as "2d 3h", "5h 07m" or "12m" (rounded down to the minute)."""
    minutes = max(0, int(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


# Writes (called from messaging.services inside the delivering transaction).


_COUNTERS = ("due", "answered_on_time", "answered_late", "excluded", "response_microseconds_total")


def _bump(*, seller_id: int, day: date, **increments: int) -> None:
    """Add to one seller's counters of one day, creating the day's row the first time.

    One upsert (PostgreSQL and SQLite): no read first, no savepoint, and two transactions
    creating the same day at once both count.
    """
    unknown = set(increments) - set(_COUNTERS)
    if unknown:
        raise ValueError(f"Unknown counters: {sorted(unknown)}")
    table = connection.ops.quote_name(ResponseDay._meta.db_table)
    columns = ", ".join(_COUNTERS)
    placeholders = ", ".join(["%s"] * (2 + len(_COUNTERS)))
    additions = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in increments)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (seller_id, day, {columns}) VALUES ({placeholders}) "  # noqa: S608
            f"ON CONFLICT (seller_id, day) DO UPDATE SET {additions}",
            [seller_id, day, *(increments.get(name, 0) for name in _COUNTERS)],
        )


def open_obligation(*, message: Message, seller_id: int, now: datetime) -> Obligation:
    """Open the seller's obligation to answer a buyer message delivered at ``now``."""
    due_at = due_time(now)
    obligation = Obligation.objects.create(
        thread_id=message.thread_id,
        seller_id=seller_id,
        message=message,
        received_at=now,
        due_at=due_at,
    )
    _bump(seller_id=seller_id, day=utc_day(due_at), due=1)
    return obligation


def _open_obligations(thread_id: int) -> list[Obligation]:
    return list(
        Obligation.objects.filter(thread_id=thread_id, outcome=ObligationOutcome.OPEN)
        .only("id", "seller_id", "received_at", "due_at")
        .order_by("received_at", "id")
    )


def answer_obligations(*, thread_id: int, answer: Message, now: datetime) -> int:
    """Close every open obligation of a thread with the seller's reply delivered at ``now``."""
    counters: dict[tuple[int, date], dict[str, int]] = defaultdict(
        lambda: {"answered_on_time": 0, "answered_late": 0, "response_microseconds_total": 0}
    )
    obligations = _open_obligations(thread_id)
    for obligation in obligations:
        waited = max(now - obligation.received_at, timedelta(0))
        on_time = now <= obligation.due_at
        if on_time:
            outcome = ObligationOutcome.ANSWERED_ON_TIME
            why = f"Seller replied {format_duration(waited)} after the buyer's message"
        else:
            outcome = ObligationOutcome.ANSWERED_LATE
            why = (
                f"Seller replied {format_duration(waited)} after the buyer's message, "
                f"{format_duration(now - obligation.due_at)} past the deadline"
            )
        Obligation.objects.filter(pk=obligation.pk).update(
            outcome=outcome, answered_at=now, answer=answer, why=why
        )
        bucket = counters[(obligation.seller_id, utc_day(obligation.due_at))]
        bucket["answered_on_time" if on_time else "answered_late"] += 1
        bucket["response_microseconds_total"] += waited // timedelta(microseconds=1)
    for (seller_id, day), increments in counters.items():
        _bump(seller_id=seller_id, day=day, **increments)
    return len(obligations)


def exclude_obligations(*, thread_id: int, now: datetime) -> int:
    """Close every open obligation of a thread as needing no response."""
    counters: dict[tuple[int, date], int] = defaultdict(int)
    obligations = _open_obligations(thread_id)
    for obligation in obligations:
        waited = max(now - obligation.received_at, timedelta(0))
        Obligation.objects.filter(pk=obligation.pk).update(
            outcome=ObligationOutcome.EXCLUDED,
            excluded_at=now,
            why=f"Seller marked 'No response needed' {format_duration(waited)} after it",
        )
        counters[(obligation.seller_id, utc_day(obligation.due_at))] += 1
    for (seller_id, day), excluded in counters.items():
        _bump(seller_id=seller_id, day=day, excluded=excluded)
    return len(obligations)


# Reads.


@dataclass(frozen=True)
class ResponseFigures:
    """The counts of obligations due from ``first_day`` to ``last_day`` (UTC days, inclusive)."""

    first_day: date
    last_day: date
    due: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    excluded: int = 0
    response_microseconds_total: int = 0

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def not_answered(self) -> int:
        return self.due - self.answered - self.excluded

    @property
    def counted(self) -> int:
        """The obligations the rate is over: every due one except the excluded."""
        return self.due - self.excluded

    @property
    def on_time_percent(self) -> float | None:
        if not self.counted:
            return None
        return 100 * self.answered_on_time / self.counted

    @property
    def average_response_time(self) -> timedelta | None:
        if not self.answered:
            return None
        return timedelta(microseconds=self.response_microseconds_total) / self.answered

    @property
    def meets_target(self) -> bool | None:
        percent = self.on_time_percent
        return None if percent is None else percent >= ON_TIME_TARGET_PERCENT


@dataclass(frozen=True)
class ResponseMetric:
    """A seller's response-time metric at ``as_of``: the three windows and the daily series."""

    as_of: datetime
    windows: tuple[ResponseFigures, ...]  # 7, 30 and 90 days
    daily: tuple[ResponseFigures, ...]  # the last 90 complete days, oldest first

    @property
    def target_percent(self) -> int:
        return ON_TIME_TARGET_PERCENT


def _sum(first_day: date, last_day: date, days: Iterable[ResponseFigures]) -> ResponseFigures:
    totals = {
        "due": 0,
        "answered_on_time": 0,
        "answered_late": 0,
        "excluded": 0,
        "response_microseconds_total": 0,
    }
    for day in days:
        for name in totals:
            totals[name] += getattr(day, name)
    return ResponseFigures(first_day=first_day, last_day=last_day, **totals)


def _metric_from_rows(rows: Iterable[ResponseDay], now: datetime) -> ResponseMetric:
    by_day = {row.day: row for row in rows}
    today = utc_day(now)
    daily = []
    for offset in range(SERIES_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        row = by_day.get(day)
        daily.append(
            ResponseFigures(
                first_day=day,
                last_day=day,
                due=row.due,
                answered_on_time=row.answered_on_time,
                answered_late=row.answered_late,
                excluded=row.excluded,
                response_microseconds_total=row.response_microseconds_total,
            )
            if row is not None
            else ResponseFigures(first_day=day, last_day=day)
        )
    windows = tuple(
        _sum(today - timedelta(days=days), today - timedelta(days=1), daily[-days:])
        for days in WINDOWS
    )
    return ResponseMetric(as_of=now, windows=windows, daily=tuple(daily))


def _day_rows(seller_ids: Iterable[int], now: datetime) -> list[ResponseDay]:
    today = utc_day(now)
    return list(
        ResponseDay.objects.filter(
            seller_id__in=list(seller_ids),
            day__gte=today - timedelta(days=SERIES_DAYS),
            day__lt=today,
        )
    )


def metric_for_seller(*, seller: User, now: datetime) -> ResponseMetric:
    """Read a seller's response-time metric at ``now`` from the day counters (one query)."""
    return _metric_from_rows(_day_rows([seller.pk], now), now)


def usual_reply_hours(*, seller_id: int, now: datetime) -> int | None:
    """Tell buyers how soon a seller usually replies: whole hours, rounded up (one query).

    The average response time over the answered messages due in the last 90 days up to now
    (including those answered ahead of a deadline that is still to come); ``None`` when the
    seller answered none.
    """
    totals = ResponseDay.objects.filter(
        seller_id=seller_id, day__gte=utc_day(now) - timedelta(days=SERIES_DAYS)
    ).aggregate(
        answered=Sum(F("answered_on_time") + F("answered_late")),
        microseconds=Sum("response_microseconds_total"),
    )
    if not totals["answered"]:
        return None
    average = timedelta(microseconds=totals["microseconds"] / totals["answered"])
    return max(1, math.ceil(average / timedelta(hours=1)))


def obligation_outcome_at(obligation: Obligation, now: datetime) -> str:
    """The outcome as the CSV and the API show it: an overdue open one is "not_answered"."""
    if obligation.outcome == ObligationOutcome.OPEN and obligation.due_at < now:
        return NOT_ANSWERED
    return obligation.outcome


def _why_at(obligation: Obligation, now: datetime) -> str:
    if obligation.outcome != ObligationOutcome.OPEN:
        return obligation.why
    if obligation.due_at < now:
        return f"No reply yet, {format_duration(now - obligation.due_at)} past the deadline"
    return f"Waiting for a reply, due in {format_duration(obligation.due_at - now)}"


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat() if moment is not None else ""


CSV_HEADER = [
    "obligation",
    "thread",
    "order",
    "buyer_message",
    "received_at",
    "due_at",
    "counted_on",
    "answered_at",
    "answer_message",
    "excluded_at",
    "response_seconds",
    "outcome",
    "why",
]


def obligation_csv_rows(*, seller: User, now: datetime) -> Iterator[list[str]]:
    """Yield the header and one row per obligation of the seller, by due time (streamed)."""
    yield CSV_HEADER
    obligations = (
        Obligation.objects.filter(seller=seller)
        .select_related("thread__order")
        .order_by("due_at", "id")
    )
    for obligation in obligations.iterator(chunk_size=1000):
        order = obligation.thread.order
        answered = obligation.answered_at
        seconds = (
            str(int((answered - obligation.received_at).total_seconds()))
            if answered is not None
            else ""
        )
        yield [
            str(obligation.pk),
            str(obligation.thread_id),
            order.number if order is not None else "pre-order",
            str(obligation.message_id),
            _iso(obligation.received_at),
            _iso(obligation.due_at),
            utc_day(obligation.due_at).isoformat(),
            _iso(answered),
            str(obligation.answer_id or ""),
            _iso(obligation.excluded_at),
            seconds,
            obligation_outcome_at(obligation, now),
            _why_at(obligation, now),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def obligation_csv_lines(*, seller: User, now: datetime) -> Iterator[str]:
    """Yield the obligations CSV line by line, for a streaming response."""
    writer = csv.writer(_Echo())
    for row in obligation_csv_rows(seller=seller, now=now):
        yield writer.writerow(row)


# Nightly snapshot and reminders (called from messaging.tasks).


SNAPSHOT_CHUNK = 500


def snapshot_response_metrics(*, now: datetime) -> int:
    """Store every active seller's three windows as they stand after yesterday; idempotent."""
    today = utc_day(now)
    seller_ids = list(
        ResponseDay.objects.filter(day__gte=today - timedelta(days=SERIES_DAYS), day__lt=today)
        .order_by("seller_id")
        .values_list("seller_id", flat=True)
        .distinct()
    )
    written = 0
    for start in range(0, len(seller_ids), SNAPSHOT_CHUNK):
        chunk = seller_ids[start : start + SNAPSHOT_CHUNK]
        rows_by_seller: dict[int, list[ResponseDay]] = defaultdict(list)
        for row in _day_rows(chunk, now):
            rows_by_seller[row.seller_id].append(row)
        snapshots = [
            ResponseSnapshot(
                seller_id=seller_id,
                last_day=window.last_day,
                window_days=window.days,
                due=window.due,
                answered_on_time=window.answered_on_time,
                answered_late=window.answered_late,
                not_answered=window.not_answered,
                excluded=window.excluded,
                response_microseconds_total=window.response_microseconds_total,
                taken_at=now,
            )
            for seller_id in chunk
            for window in _metric_from_rows(rows_by_seller[seller_id], now).windows
        ]
        ResponseSnapshot.objects.bulk_create(
            snapshots,
            update_conflicts=True,
            unique_fields=["seller", "last_day", "window_days"],
            update_fields=[
                "due",
                "answered_on_time",
                "answered_late",
                "not_answered",
                "excluded",
                "response_microseconds_total",
                "taken_at",
            ],
        )
        written += len(snapshots)
    return written


def reminder_hours() -> list[int]:
    """The hours before a deadline at which the seller is reminded, smallest first."""
    return sorted({int(hours) for hours in settings.RESPONSE_REMINDER_HOURS if int(hours) > 0})


def send_response_reminders(*, now: datetime) -> int:
    """Remind sellers of threads whose deadline is near; each threshold once per deadline.

    A thread's deadline is the due time of its oldest open obligation. Only the tightest
    threshold already reached is sent (a thread found with 1 h left gets the 2 h reminder,
    never a stale 12 h one); the notification's dedupe key makes every reminder once-only.
    """
    thresholds = reminder_hours()
    if not thresholds:
        return 0
    older_open = Obligation.objects.filter(
        thread_id=OuterRef("thread_id"), outcome=ObligationOutcome.OPEN
    ).filter(
        Q(received_at__lt=OuterRef("received_at"))
        | Q(received_at=OuterRef("received_at"), id__lt=OuterRef("id"))
    )
    candidates = (
        Obligation.objects.filter(
            outcome=ObligationOutcome.OPEN,
            due_at__gt=now,
            due_at__lte=now + timedelta(hours=thresholds[-1]),
        )
        .filter(~Exists(older_open))
        .select_related("seller", "thread__order", "thread__product", "thread__buyer")
        .order_by("due_at", "id")
    )
    sent = 0
    for obligation in candidates:
        left = obligation.due_at - now
        hours = next(h for h in thresholds if left <= timedelta(hours=h))
        thread = obligation.thread
        created = notify(
            recipient=obligation.seller,
            kind="reminder",
            dedupe_key=f"reminder:{obligation.pk}:{hours}h",
            context={
                "thread_id": thread.pk,
                "subject": str(thread.subject),
                "sender_name": thread.buyer.display_name,
                "received_at": _iso(obligation.received_at),
                "due_at": _iso(obligation.due_at),
                # Whole hours actually left (the threshold itself when the task is on time).
                "hours_left": max(1, math.ceil(left / timedelta(hours=1))),
                "thread_url": settings.SITE_URL.rstrip("/")
                + reverse("messaging:seller-thread", args=[thread.pk]),
                "reply_to": reply_alias_address(
                    thread_id=thread.pk, user_id=obligation.seller_id, now=now
                ),
            },
        )
        sent += len(created)
        # Emitted again by the next run if this one stops here: the event id is stable.
        webhook_events.response_reminder(
            obligation=obligation,
            hours=hours,
            hours_left=max(1, math.ceil(left / timedelta(hours=1))),
            now=now,
        )
    return sent


def countdown(needs_response_since: datetime, now: datetime) -> dict[str, object]:
    """What the dashboard shows for a thread waiting since this moment: text and state."""
    due_at = due_time(needs_response_since)
    left = due_at - now
    if left < timedelta(0):
        state = "overdue"
        text = _("overdue by %(time)s") % {"time": format_duration(-left)}
    else:
        state = "soon" if left < AMBER_BELOW else "ok"
        text = _("%(time)s left") % {"time": format_duration(left)}
    return {"due_at": due_at, "state": state, "text": text}
