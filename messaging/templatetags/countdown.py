"""The 24-hour countdown shown on every thread that needs a response."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from messaging.clock.deadline import countdown, format_duration

register = template.Library()


@register.inclusion_tag("includes/countdown.html", takes_context=True)
def response_countdown(context: template.Context, needs_response_since: datetime) -> dict:
    """Render "5h 12m left" / "overdue by 2h 03m" for a thread waiting since this moment."""
    now = context.get("now") or timezone.now()
    return countdown(needs_response_since, now)


@register.filter
def response_duration(value: timedelta | None) -> str:
    """Show a response time as "2d 3h", "5h 07m" or "12m"."""
    return "" if value is None else format_duration(value)
