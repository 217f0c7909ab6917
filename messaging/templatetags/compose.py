"""The compose forms' one-time send token (see messaging.threads.idempotency.form_send_once)."""

import secrets

from django import template

register = template.Library()


@register.simple_tag
def send_token() -> str:
    """A fresh token for one rendering of a compose form: resubmitting it sends nothing new."""
    return secrets.token_urlsafe(24)
