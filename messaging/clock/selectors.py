"""The response-time metric over 7, 30 and 90 days, and the obligations that explain it."""

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import F, Sum

from accounts.models import User
from messaging.clock.deadline import (
    NOT_ANSWERED,
    ON_TIME_TARGET_PERCENT,
    SERIES_DAYS,
    WINDOWS,
    format_duration,
    utc_day,
)
from messaging.models import Obligation, ObligationOutcome, ResponseDay


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

    @property
    def weekly(self) -> tuple[ResponseFigures, ...]:
        """The daily series summed by week, oldest first; the newest week ends yesterday.

        90 days make 12 weeks of 7 days and, first, one of 6.
        """
        daily = self.daily
        ends = range(len(daily), 0, -7)
        weeks = [
            _sum(
                daily[max(0, end - 7)].first_day,
                daily[end - 1].last_day,
                daily[max(0, end - 7) : end],
            )
            for end in ends
        ]
        return tuple(reversed(weeks))


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


def response_metric_for_seller(*, seller: User, now: datetime) -> ResponseMetric:
    """Read a seller's response-time metric at ``now`` from the day counters (one query)."""
    return _metric_from_rows(_day_rows([seller.pk], now), now)


def seller_usual_reply_hours(*, seller_id: int, now: datetime) -> int | None:
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


def thread_waiting_since(*, thread_id: int) -> datetime | None:
    """When the oldest buyer message of a thread still waiting for a reply arrived (one query).

    An overdue one the seller marked "no response needed" waits for nothing any more.
    """
    return (
        Obligation.objects.filter(
            thread_id=thread_id,
            outcome=ObligationOutcome.OPEN,
            no_response_needed_at__isnull=True,
        )
        .order_by("received_at", "id")
        .values_list("received_at", flat=True)
        .first()
    )


MISSES_SHOWN = 50


@dataclass(frozen=True)
class ResponseMiss:
    """A buyer message of the period answered late or not at all, as the page lists it."""

    obligation: Obligation
    late_by: timedelta

    @property
    def is_answered(self) -> bool:
        return self.obligation.outcome == ObligationOutcome.ANSWERED_LATE


def response_misses_for_seller(
    *, seller: User, figures: ResponseFigures, now: datetime, limit: int | None = None
) -> list[ResponseMiss]:
    """Read the messages due in a window that were answered late or not answered (one query).

    Newest deadline first, at most ``limit`` (``MISSES_SHOWN``); the window's
    ``answered_late + not_answered`` says how many there are in all.
    """
    limit = MISSES_SHOWN if limit is None else limit
    start = datetime.combine(figures.first_day, time.min, tzinfo=UTC)
    end = datetime.combine(figures.last_day + timedelta(days=1), time.min, tzinfo=UTC)
    obligations = (
        Obligation.objects.filter(
            seller=seller,
            due_at__gte=start,
            due_at__lt=end,
            outcome__in=[ObligationOutcome.OPEN, ObligationOutcome.ANSWERED_LATE],
        )
        .select_related("thread__order", "thread__product")
        .order_by("-due_at", "-id")
    )[:limit]
    return [
        ResponseMiss(
            obligation=obligation,
            late_by=(obligation.answered_at or now) - obligation.due_at,
        )
        for obligation in obligations
    ]


def obligation_outcome_at(obligation: Obligation, now: datetime) -> str:
    """The outcome as the CSV and the API show it: an overdue open one is "not_answered"."""
    if obligation.outcome == ObligationOutcome.OPEN and obligation.due_at < now:
        return NOT_ANSWERED
    return obligation.outcome


def _why_at(obligation: Obligation, now: datetime) -> str:
    if obligation.outcome != ObligationOutcome.OPEN:
        return obligation.why
    marked = obligation.no_response_needed_at
    if marked is not None:
        return (
            f"No reply; 'No response needed' marked {format_duration(marked - obligation.due_at)}"
            " past the deadline, so it still counts as not answered"
        )
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
    "no_response_needed_at",
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
            _iso(obligation.no_response_needed_at),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def obligation_csv_lines(*, seller: User, now: datetime) -> Iterator[str]:
    """Yield the obligations CSV line by line, for a streaming response."""
    writer = csv.writer(_Echo())
    for row in obligation_csv_rows(seller=seller, now=now):
        yield writer.writerow(row)
