"""Pages write every moment one way: relative while recent, then a date in the reader's language."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.moments import moment_text

NOW = datetime(2026, 12, 30, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "english", "spanish"),
    [
        (NOW - timedelta(seconds=30), "just now", "ahora mismo"),
        (NOW + timedelta(seconds=20), "just now", "ahora mismo"),  # another clock, a bit ahead
        (NOW - timedelta(minutes=1), "1 minute ago", "hace 1 minuto"),
        (NOW - timedelta(minutes=5), "5 minutes ago", "hace 5 minutos"),
        (NOW - timedelta(minutes=59, seconds=59), "59 minutes ago", "hace 59 minutos"),
        (datetime(2026, 12, 30, 6, 44, tzinfo=UTC), "today at 06:44", "hoy a las 06:44"),
        (datetime(2026, 12, 29, 14, 5, tzinfo=UTC), "yesterday at 14:05", "ayer a las 14:05"),
        (datetime(2026, 12, 28, 23, 59, tzinfo=UTC), "Dec 28, 2026, 23:59", "28 dic 2026, 23:59"),
        (datetime(2025, 5, 3, 9, 0, tzinfo=UTC), "May 3, 2025, 09:00", "3 may 2025, 09:00"),
        # Still to come (a deadline, "restricted until …"): always the date and time.
        (datetime(2026, 12, 30, 18, 0, tzinfo=UTC), "Dec 30, 2026, 18:00", "30 dic 2026, 18:00"),
        (datetime(2027, 1, 13, 9, 0, tzinfo=UTC), "Jan 13, 2027, 09:00", "13 ene 2027, 09:00"),
    ],
)
def test_a_moment_reads_relative_while_recent_then_as_a_date(moment, english, spanish):
    with translation.override("en"):
        assert moment_text(moment, now=NOW) == english
    with translation.override("es"):
        assert moment_text(moment, now=NOW) == spanish


@pytest.mark.parametrize(
    ("value", "style", "english", "spanish"),
    [
        (datetime(2026, 12, 30, 1, 0, tzinfo=UTC), "day", "today", "hoy"),
        (datetime(2026, 12, 29, 1, 0, tzinfo=UTC), "day", "yesterday", "ayer"),
        (datetime(2026, 12, 2, 1, 0, tzinfo=UTC), "day", "Dec 2, 2026", "2 dic 2026"),
        (date(2026, 12, 30), "day", "today", "hoy"),
        (datetime(2026, 12, 30, 6, 44, tzinfo=UTC), "date", "Dec 30, 2026", "30 dic 2026"),
        (date(2026, 9, 7), "date", "Sep 7, 2026", "7 sep 2026"),
        (
            datetime(2026, 12, 30, 6, 44, tzinfo=UTC),
            "datetime",
            "Dec 30, 2026, 06:44",
            "30 dic 2026, 06:44",
        ),
        (date(2026, 12, 28), "short", "Dec 28", "28 dic"),
    ],
)
def test_each_style_reads_in_both_languages(value, style, english, spanish):
    with translation.override("en"):
        assert moment_text(value, style, now=NOW) == english
    with translation.override("es"):
        assert moment_text(value, style, now=NOW) == spanish


def test_days_are_the_current_time_zones():
    # 03:00 UTC on the 30th is 22:00 on the 29th in New York, where it is 10:00 on the 30th.
    with translation.override("en"), timezone.override("America/New_York"):
        assert moment_text(datetime(2026, 12, 30, 3, 0, tzinfo=UTC), now=NOW) == (
            "yesterday at 22:00"
        )


@pytest.mark.parametrize("month", range(1, 13))
def test_no_date_ends_in_a_period_so_a_sentence_can_end_after_one(month):
    moment = datetime(2020, month, 9, 6, 44, tzinfo=UTC)
    for language in ("en", "es"):
        with translation.override(language):
            for style in ("relative", "day", "date", "datetime", "short"):
                assert not moment_text(moment, style, now=NOW).endswith(".")


def test_the_filter_writes_the_same_and_nothing_for_no_moment():
    template = Template(
        "{% load moments %}[{{ when|moment }}] [{{ when|moment:'date' }}] [{{ missing|moment }}]"
    )
    when = timezone.now() - timedelta(minutes=5)

    with translation.override("en"):
        assert template.render(Context({"when": when, "missing": None})) == (
            f"[5 minutes ago] [{moment_text(when, 'date')}] []"
        )


def test_an_unknown_style_is_a_mistake():
    with pytest.raises(ValueError, match="unknown moment style 'long'"):
        moment_text(NOW, "long", now=NOW)
