"""The Performance page's chart: one stacked bar per week, drawn as SVG by the template.

Pure geometry: the template writes the numbers into SVG attributes (never a ``style``
attribute, which the Content-Security-Policy refuses) and the colours come from app.css.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from messaging.clock.selectors import ResponseFigures

BAR_STEP = 48  # horizontal room for one week, in SVG units
BAR_WIDTH = 32
PLOT_TOP = 18  # room above the tallest bar for its rate
PLOT_HEIGHT = 140
AXIS_HEIGHT = 22  # below the bars: the week's first day
# Bottom to top: what a person looks for first sits on the baseline.
SEGMENTS = ("answered_on_time", "answered_late", "not_answered", "excluded")


@dataclass(frozen=True)
class Segment:
    name: str
    count: int
    y: int
    height: int


@dataclass(frozen=True)
class Bar:
    figures: ResponseFigures
    x: int
    middle: int
    rate_y: int  # the baseline of the rate written just above the bar
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: int
    bar_width: int
    axis_y: int
    most_due: int


def chart_build(weeks: Iterable[ResponseFigures]) -> Chart:
    """Lay out one bar per week: its height is the messages due, stacked by outcome.

    Whole SVG units only, so no number is ever written with a decimal comma.
    """
    weeks = list(weeks)
    most_due = max((week.due for week in weeks), default=0)
    baseline = PLOT_TOP + PLOT_HEIGHT
    bars = []
    for index, week in enumerate(weeks):
        x = index * BAR_STEP + (BAR_STEP - BAR_WIDTH) // 2
        stacked, top = 0, baseline
        segments = []
        for name in SEGMENTS:
            count = getattr(week, name)
            if not count:
                continue
            stacked += count
            # Rounded on the running total, so the stack's top is exact whatever the parts.
            y = baseline - round(stacked * PLOT_HEIGHT / most_due)
            segments.append(Segment(name=name, count=count, y=y, height=top - y))
            top = y
        bars.append(
            Bar(
                figures=week,
                x=x,
                middle=x + BAR_WIDTH // 2,
                rate_y=top - 4,
                segments=tuple(segments),
            )
        )
    return Chart(
        bars=tuple(bars),
        width=BAR_STEP * len(weeks),
        height=baseline + AXIS_HEIGHT,
        baseline=baseline,
        bar_width=BAR_WIDTH,
        axis_y=baseline + AXIS_HEIGHT - 6,
        most_due=most_due,
    )
