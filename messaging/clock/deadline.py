"""The response deadline and how its time is shown: due times, durations, the countdown."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

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


def reminder_hours() -> list[int]:
    """The hours before a deadline at which the seller is reminded, smallest first."""
    return sorted({int(hours) for hours in settings.RESPONSE_REMINDER_HOURS if int(hours) > 0})


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
