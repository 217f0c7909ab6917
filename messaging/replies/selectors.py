"""Reads of a seller's saved replies, and their text filled in for one conversation."""

from django.db.models import QuerySet
from django.db.models.functions import Lower

from accounts.models import User
from core.errors import NotFound
from messaging.models import (
    SavedReply,
    Thread,
)
from messaging.replies import placeholders as saved_replies


# --- Saved replies ----------------------------------------------------------------------------
def saved_reply_list_for_seller(*, seller: User) -> QuerySet[SavedReply]:
    """List a seller's saved replies by name (anyone else has none)."""
    return SavedReply.objects.filter(seller=seller).order_by(Lower("name"), "id")


def saved_reply_get(*, seller: User, saved_reply_id: int | str) -> SavedReply:
    """Fetch one of the seller's saved replies, or raise NotFound whether or not it exists."""
    try:
        pk = int(saved_reply_id)
    except (TypeError, ValueError):
        raise NotFound("No such saved reply.") from None
    saved_reply = SavedReply.objects.filter(seller=seller, pk=pk).first()
    if saved_reply is None:
        raise NotFound("No such saved reply.")
    return saved_reply


def saved_reply_expand(*, saved_reply: SavedReply, thread: Thread) -> str:
    """Return a saved reply's text with its placeholders filled in for one conversation."""
    return saved_replies.expand(saved_reply.body, saved_replies.thread_placeholder_values(thread))


def saved_reply_list_expanded(*, seller: User, thread: Thread) -> list[tuple[SavedReply, str]]:
    """List the seller's saved replies, each with its text filled in for one conversation."""
    rows = list(saved_reply_list_for_seller(seller=seller))
    if not rows:
        return []
    values = saved_replies.thread_placeholder_values(thread)
    return [(row, saved_replies.expand(row.body, values)) for row in rows]
