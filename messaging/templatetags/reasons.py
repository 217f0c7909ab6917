"""Reasons the checks give in English, shown in the reader's language."""

from django import template

from messaging.attachments.reasons import rejection_display
from messaging.policy.reasons import reason_display

register = template.Library()


@register.filter
def policy_reason(reason: str) -> str:
    """A content-policy finding's reason in the active language."""
    return reason_display(reason)


@register.filter
def file_reason(reason: str) -> str:
    """Why a file was refused, in the active language."""
    return rejection_display(reason)
