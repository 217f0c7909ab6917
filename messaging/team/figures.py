"""Per-person figures of a seller's team, beside the shop's response metric.

For each person of the team (the shop's own account and each member, and anyone who has left
but answered in the period), over the last 7, 30 and 90 complete UTC days, the same windows as
the shop's metric:

- **replies**: the shop's messages they wrote (delivered, or held and released) in the window;
- **answered**: the buyer messages due in the window (a message counts on the day its 24 hours
  end, as in the shop's metric) that their reply answered — on time or late;
- **on-time rate**: answered on time ÷ answered, by them;
- **median response time**: the median of (answered − received) over those messages.

A message nobody answered, or marked "no response needed", is the shop's and nobody's: it is in
the shop's figures only. Three queries whatever the team's size (a fourth names former members).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db.models import Count, Q

from accounts.models import ShopMember, User
from messaging.clock.deadline import WINDOWS, utc_day
from messaging.models import (
    Message,
    MessageKind,
    MessageStatus,
    Obligation,
    ObligationOutcome,
    ParticipantRole,
)

ANSWERED = (ObligationOutcome.ANSWERED_ON_TIME, ObligationOutcome.ANSWERED_LATE)


@dataclass(frozen=True)
class PersonWindow:
    days: int
    replies: int = 0
    answered: int = 0
    answered_on_time: int = 0
    median_response: timedelta | None = None

    @property
    def on_time_percent(self) -> float | None:
        return 100 * self.answered_on_time / self.answered if self.answered else None


@dataclass(frozen=True)
class PersonFigures:
    user_id: int
    display_name: str
    role: str  # "owner" (the shop's account), a member's role, or "" for a former member
    windows: tuple[PersonWindow, ...] = field(default_factory=tuple)


def _median(durations: list[timedelta]) -> timedelta | None:
    if not durations:
        return None
    ordered = sorted(durations)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _window_start(now: datetime, days: int) -> datetime:
    return datetime.combine(utc_day(now) - timedelta(days=days), time.min, tzinfo=UTC)


def team_figures(*, shop: User, now: datetime) -> list[PersonFigures]:
    """The figures of each person of the shop's team, the shop's own account first."""
    today = datetime.combine(utc_day(now), time.min, tzinfo=UTC)
    starts = {days: _window_start(now, days) for days in WINDOWS}
    longest = starts[max(WINDOWS)]
    # Replies written for the shop in the window, counted per author (None: the shop's own).
    reply_rows = (
        Message.objects.filter(
            thread__seller=shop,
            sender=shop,
            sender_role=ParticipantRole.SELLER,
            kind=MessageKind.MESSAGE,
            status=MessageStatus.DELIVERED,
            created_at__gte=longest,
            created_at__lt=today,
        )
        .values("author_id")
        .annotate(
            **{
                f"w{days}": Count("id", filter=Q(created_at__gte=start))
                for days, start in starts.items()
            }
        )
    )
    replies = {row["author_id"]: row for row in reply_rows}
    # The obligations due in the window that a reply answered, with who wrote that reply.
    answered: defaultdict[int | None, list[tuple[datetime, timedelta, str]]] = defaultdict(list)
    for author_id, due_at, received_at, answered_at, outcome in Obligation.objects.filter(
        seller=shop,
        outcome__in=ANSWERED,
        due_at__gte=longest,
        due_at__lt=today,
        answer__isnull=False,
    ).values_list("answer__author_id", "due_at", "received_at", "answered_at", "outcome"):
        if answered_at is not None:  # always set for an answered obligation
            answered[author_id].append((due_at, answered_at - received_at, outcome))

    people: list[tuple[int | None, int, str, str]] = [(None, shop.pk, shop.display_name, "owner")]
    members = ShopMember.objects.filter(shop=shop).select_related("user").order_by("created_at")
    known = {shop.pk}
    for member in members:
        people.append((member.user_id, member.user_id, member.user.display_name, member.role))
        known.add(member.user_id)
    former = {key for key in [*replies, *answered] if key is not None and key not in known}
    for user in User.objects.filter(pk__in=former).order_by("display_name") if former else []:
        people.append((user.pk, user.pk, user.display_name, ""))

    result = []
    for key, user_id, name, role in people:
        windows = []
        for days in WINDOWS:
            start = starts[days]
            rows = [row for row in answered.get(key, []) if row[0] >= start]
            durations = [duration for _due, duration, _outcome in rows]
            windows.append(
                PersonWindow(
                    days=days,
                    replies=replies.get(key, {}).get(f"w{days}", 0),
                    answered=len(rows),
                    answered_on_time=sum(
                        1 for row in rows if row[2] == ObligationOutcome.ANSWERED_ON_TIME
                    ),
                    median_response=_median(durations),
                )
            )
        result.append(
            PersonFigures(user_id=user_id, display_name=name, role=role, windows=tuple(windows))
        )
    return result
