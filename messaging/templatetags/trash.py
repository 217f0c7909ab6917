"""Trash on the pages: the Undo of a delete, carried by its flash message."""

from django import template
from django.contrib.messages.storage.base import Message

register = template.Library()

UNDO_TAG = "trash-undo"


@register.filter
def trash_undo_ids(message: Message) -> list[int]:
    """The thread ids a flash message's Undo restores (``trash-undo <id> …``), or none."""
    tags = (message.extra_tags or "").split()
    if not tags or tags[0] != UNDO_TAG:
        return []
    return [int(tag) for tag in tags[1:] if tag.isascii() and tag.isdigit()]
