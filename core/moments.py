"""How pages write a moment: relative while recent, then a date in the reader's language.

One scheme for every page (the template filter ``moment`` in messaging/templatetags):

- a moment under a minute ago: "just now"; under an hour: "5 minutes ago";
- earlier the same day or the day before: "today at 14:05", "yesterday at 14:05";
- anything older, and every moment still to come (a deadline, "restricted until …"): the date
  and time, "Dec 30, 2026, 14:05" ("30 dic 2026, 14:05" in Spanish), so a sentence around it
  reads the same in both languages ("hasta el 30 dic 2026, 14:05").

Days are the current time zone's (the project's ``TIME_ZONE`` today). Other styles, for the
places where a relative phrase would not read: ``day`` (no time: "today", "yesterday", then
"Dec 30, 2026"), ``date`` and ``datetime`` (never relative: ranges, emails read later,
tooltips) and ``short`` (a chart's "Dec 30"). No format ends in a period, so a sentence can
end right after one.
The admin and CSV exports write ISO 8601 with the zone instead (messagecenter/formats/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, ngettext

STYLES = ("relative", "day", "date", "datetime", "short")


@dataclass(frozen=True)
class _Formats:
    date: str
    short: str
    time: str


# Django's format characters: "M" is "Dec" (no period, unlike "N"), "b" is "dic".
_FORMATS = {
    "en": _Formats(date="M j, Y", short="M j", time="H:i"),
    "es": _Formats(date="j b Y", short="j b", time="H:i"),
}


def _formats() -> _Formats:
    language = (translation.get_language() or "en").split("-")[0]
    return _FORMATS.get(language, _FORMATS["en"])


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _date_text(day: date) -> str:
    return dateformat.format(day, _formats().date)


def _datetime_text(moment: datetime) -> str:
    formats = _formats()
    return gettext("%(date)s, %(time)s") % {
        "date": dateformat.format(moment, formats.date),
        "time": dateformat.format(moment, formats.time),
    }


def _relative_day(day: date, today: date) -> str | None:
    if day == today:
        return gettext("today")
    if day == today - timedelta(days=1):
        return gettext("yesterday")
    return None


# A moment this little ahead of the clock (another server's clock) is "just now".
_SKEW = timedelta(minutes=1)


def _relative(moment: datetime, now: datetime) -> str:
    ago = now - moment
    if ago < -_SKEW:
        return _datetime_text(moment)  # still to come
    if ago < timedelta(minutes=1):
        return gettext("just now")
    if ago < timedelta(hours=1):
        minutes = int(ago.total_seconds() // 60)
        return ngettext("%(count)d minute ago", "%(count)d minutes ago", minutes) % {
            "count": minutes
        }
    time = dateformat.format(moment, _formats().time)
    day = moment.date()
    today = now.date()
    if day == today:
        return gettext("today at %(time)s") % {"time": time}
    if day == today - timedelta(days=1):
        return gettext("yesterday at %(time)s") % {"time": time}
    return _datetime_text(moment)


def moment_text(
    value: datetime | date | None, style: str = "relative", *, now: datetime | None = None
) -> str:
    """Write a moment (or a day) the way pages show it, in the active language and time zone."""
    if value is None or value == "":
        return ""
    if style not in STYLES:
        raise ValueError(f"unknown moment style {style!r}; one of {', '.join(STYLES)}")
    now = _local(now or timezone.now())
    if not isinstance(value, datetime):  # a day: no time to show, no zone to convert
        if style == "short":
            return dateformat.format(value, _formats().short)
        if style == "day":
            return _relative_day(value, now.date()) or _date_text(value)
        return _date_text(value)
    moment = _local(value)
    if style == "relative":
        return _relative(moment, now)
    if style == "day":
        return _relative_day(moment.date(), now.date()) or _date_text(moment.date())
    if style == "date":
        return _date_text(moment.date())
    if style == "short":
        return dateformat.format(moment, _formats().short)
    return _datetime_text(moment)
