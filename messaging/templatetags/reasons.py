"""Reasons the checks give as codes with parameters, shown in the reader's language."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import template

from messaging.attachments.reasons import rejection_display
from messaging.policy.reasons import blocked_reason as blocked_reason_line
from messaging.policy.reasons import reason_display

register = template.Library()


@register.filter
def policy_reason(finding: Mapping[str, Any]) -> str:
    """A content-policy finding's reason in the active language."""
    return reason_display(finding)


@register.filter
def file_reason(rejection: Mapping[str, Any]) -> str:
    """Why a file was refused, in the active language."""
    return rejection_display(rejection)


@register.filter
def blocked_reason(categories: Sequence[str]) -> str:
    """What got a blocked message stopped, in one line in the active language."""
    return blocked_reason_line(categories)
