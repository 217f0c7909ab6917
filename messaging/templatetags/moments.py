"""``{{ value|moment }}``: every date a page shows, written one way (see core/moments.py).

Keep the machine-readable moment beside it: ``<time datetime="{{ value|date:'c' }}">``.
"""

from datetime import date, datetime

from django import template

from core.moments import moment_text

register = template.Library()


@register.filter
def moment(value: datetime | date | None, style: str = "relative") -> str:
    """Write a moment as pages do: relative while recent ("5 minutes ago"), then a date.

    ``style``: ``relative`` (the default), ``day`` (no time), ``date`` and ``datetime`` (never
    relative) or ``short`` (month and day).
    """
    return moment_text(value, style)
