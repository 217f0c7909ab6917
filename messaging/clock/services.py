"""The 24-hour response clock's writes: obligations opened and closed, the daily figures, reminders.

The rules
---------
Every delivered buyer message opens an obligation due 24 calendar hours later. The seller's
next real reply in that thread closes every open obligation (on time or late), at the moment
the seller sent it (a reply held by the content policy and released by staff counts from when
it was sent); "no response needed" excludes the ones still within their 24 hours, and leaves
the overdue ones open (the miss stays); automatic messages never close them.
"""

import functools
import math
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from messaging import events as webhook_events
from messaging.clock.deadline import SERIES_DAYS, due_time, format_duration, reminder_hours, utc_day
from messaging.clock.selectors import _day_rows, _iso, _metric_from_rows
from messaging.models import Message, Obligation, ObligationOutcome, ResponseDay, ResponseSnapshot
from messaging.relay.alias import reply_alias_address
from messaging.threads.links import thread_link
from notifications.services import notify

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


def obligation_open(*, message: Message, seller_id: int, now: datetime) -> None:
    """Open the seller's obligation to answer a buyer message delivered at ``now``.

    It counts as due on the day its 24 hours end. On PostgreSQL the obligation and its count
    are one statement (the insert in a WITH), on the send path of every buyer message.
    """
    due_at = due_time(now)
    day = utc_day(due_at)
    if connection.vendor != "postgresql":
        Obligation.objects.create(
            thread_id=message.thread_id,
            seller_id=seller_id,
            message=message,
            received_at=now,
            due_at=due_at,
        )
        _bump(seller_id=seller_id, day=day, due=1)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _open_statement(),
            [
                message.thread_id,
                seller_id,
                message.pk,
                now,
                due_at,
                ObligationOutcome.OPEN,
                seller_id,
                day,
            ],
        )


@functools.cache
def _open_statement() -> str:
    obligations = connection.ops.quote_name(Obligation._meta.db_table)
    days = connection.ops.quote_name(ResponseDay._meta.db_table)
    counters = ", ".join(_COUNTERS)
    zeros = ", ".join("0" for _ in _COUNTERS[1:])
    return (
        f"WITH opened AS (INSERT INTO {obligations} "  # noqa: S608
        "(thread_id, seller_id, message_id, received_at, due_at, outcome, why) "
        "VALUES (%s, %s, %s, %s, %s, %s, '') RETURNING id) "
        f"INSERT INTO {days} (seller_id, day, {counters}) "
        f"SELECT %s, %s, 1, {zeros} FROM opened "
        f"ON CONFLICT (seller_id, day) DO UPDATE SET due = {days}.due + EXCLUDED.due"
    )


def _unbump(*, seller_id: int, day: date, **decrements: int) -> None:
    """Take back counts of one seller's day when an obligation is closed again differently."""
    unknown = set(decrements) - set(_COUNTERS)
    if unknown:
        raise ValueError(f"Unknown counters: {sorted(unknown)}")
    ResponseDay.objects.filter(seller_id=seller_id, day=day).update(
        **{name: F(name) - amount for name, amount in decrements.items() if amount}
    )


def _waited(obligation: Obligation, answered_at: datetime) -> timedelta:
    return max(answered_at - obligation.received_at, timedelta(0))


def _answer_why(obligation: Obligation, *, answered_at: datetime, delivered_at: datetime) -> str:
    waited = format_duration(_waited(obligation, answered_at))
    if answered_at <= obligation.due_at:
        why = f"Seller replied {waited} after the buyer's message"
    else:
        late = format_duration(answered_at - obligation.due_at)
        why = f"Seller replied {waited} after the buyer's message, {late} past the deadline"
    if delivered_at > answered_at:
        held = format_duration(delivered_at - answered_at)
        why += f" (held for review, delivered {held} later)"
    return why


def obligations_answer(
    *, thread_id: int, answer: Message, now: datetime, sent_at: datetime | None = None
) -> int:
    """Close a thread's obligations with the seller's reply delivered at ``now``.

    ``sent_at`` is when the seller sent it: ``now``, unless it was delivered later (a reply
    the content policy held and staff released). The reply counts from the moment it was sent:
    it answers the buyer messages received before then, including one that a later reply or
    "no response needed" closed after that moment; buyer messages received after it stay open.
    """
    answered_at = sent_at if sent_at is not None else now
    obligations = list(
        Obligation.objects.filter(thread_id=thread_id)
        .filter(
            Q(received_at__lt=answered_at) | Q(received_at=answered_at, message_id__lt=answer.pk)
        )
        .filter(
            Q(outcome=ObligationOutcome.OPEN)
            | Q(answered_at__gt=answered_at)
            | Q(excluded_at__gt=answered_at)
        )
        .only("id", "seller_id", "received_at", "due_at", "outcome", "answered_at", "excluded_at")
        .order_by("received_at", "id")
    )
    counters: dict[tuple[int, date], dict[str, int]] = defaultdict(
        lambda: {"answered_on_time": 0, "answered_late": 0, "response_microseconds_total": 0}
    )
    for obligation in obligations:
        bucket_key = (obligation.seller_id, utc_day(obligation.due_at))
        if obligation.outcome != ObligationOutcome.OPEN:
            # Closed after this reply was sent: take its first closing back out of the day.
            _unbump(seller_id=obligation.seller_id, day=bucket_key[1], **_closing(obligation))
        on_time = answered_at <= obligation.due_at
        Obligation.objects.filter(pk=obligation.pk).update(
            outcome=(
                ObligationOutcome.ANSWERED_ON_TIME if on_time else ObligationOutcome.ANSWERED_LATE
            ),
            answered_at=answered_at,
            answer=answer,
            excluded_at=None,
            why=_answer_why(obligation, answered_at=answered_at, delivered_at=now),
        )
        bucket = counters[bucket_key]
        bucket["answered_on_time" if on_time else "answered_late"] += 1
        bucket["response_microseconds_total"] += _waited(obligation, answered_at) // timedelta(
            microseconds=1
        )
    for (seller_id, day), increments in counters.items():
        _bump(seller_id=seller_id, day=day, **increments)
    return len(obligations)


def _closing(obligation: Obligation) -> dict[str, int]:
    """The day counters a closed obligation added when it closed."""
    if obligation.outcome == ObligationOutcome.EXCLUDED:
        return {"excluded": 1}
    assert obligation.answered_at is not None
    return {
        obligation.outcome: 1,
        "response_microseconds_total": _waited(obligation, obligation.answered_at)
        // timedelta(microseconds=1),
    }


def obligations_exclude(*, thread_id: int, now: datetime) -> int:
    """Record that the thread's waiting buyer messages need no response.

    Those still within their 24 hours are excluded from the metric. Those past them keep the
    miss: they stay open, so they count as not answered until a reply makes them answered
    late. Returns how many waiting messages were marked.
    """
    counters: dict[tuple[int, date], int] = defaultdict(int)
    obligations = list(
        Obligation.objects.filter(
            thread_id=thread_id,
            outcome=ObligationOutcome.OPEN,
            no_response_needed_at__isnull=True,
        )
        .only("id", "seller_id", "received_at", "due_at")
        .order_by("received_at", "id")
    )
    late_ids = [obligation.pk for obligation in obligations if now > obligation.due_at]
    for obligation in obligations:
        if now > obligation.due_at:
            continue
        waited = max(now - obligation.received_at, timedelta(0))
        Obligation.objects.filter(pk=obligation.pk).update(
            outcome=ObligationOutcome.EXCLUDED,
            excluded_at=now,
            no_response_needed_at=now,
            why=f"Seller marked 'No response needed' {format_duration(waited)} after it",
        )
        counters[(obligation.seller_id, utc_day(obligation.due_at))] += 1
    if late_ids:
        Obligation.objects.filter(pk__in=late_ids).update(no_response_needed_at=now)
    for (seller_id, day), excluded in counters.items():
        _bump(seller_id=seller_id, day=day, excluded=excluded)
    return len(obligations)


# Nightly snapshot and reminders (called from messaging.tasks).
SNAPSHOT_CHUNK = 500


def response_metrics_snapshot(*, now: datetime) -> int:
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


def response_reminders_send(*, now: datetime) -> int:
    """Remind sellers of threads whose deadline is near; each threshold once per deadline.

    A thread's deadline is the due time of its oldest open obligation. Only the tightest
    threshold already reached is sent (a thread found with 1 h left gets the 2 h reminder,
    never a stale 12 h one); the notification's dedupe key makes every reminder once-only.
    """
    thresholds = reminder_hours()
    if not thresholds:
        return 0
    # An overdue message the seller marked "no response needed" waits for nothing any more.
    older_open = Obligation.objects.filter(
        thread_id=OuterRef("thread_id"),
        outcome=ObligationOutcome.OPEN,
        no_response_needed_at__isnull=True,
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
                "thread_url": thread_link(thread.pk, for_seller=True),
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
