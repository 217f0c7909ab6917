"""The compose forms: the one-time send token, and the length limit that applies there."""

import secrets

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def send_token() -> str:
    """A fresh token for one rendering of a compose form: resubmitting it sends nothing new."""
    return secrets.token_urlsafe(24)


@register.simple_tag
def message_limit(max_length: int | None = None) -> int:
    """The most characters this compose box takes: its own limit, else any message's."""
    return int(max_length or settings.MESSAGE_MAX_LENGTH)


@register.simple_tag
def compose_hint(max_length: int) -> str:
    """The hint under a compose box, with the limit that applies there ("1,000" in English)."""
    return gettext(
        "Do not share email addresses, phone numbers or links. Up to %(count)s characters."
    ) % {"count": number_format(max_length, force_grouping=True)}
