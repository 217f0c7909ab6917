"""What a seller has had with the buyer of a conversation: their other orders and conversations.

Shown beside a conversation on the seller's page only. Scoped to the seller twice over: the
orders are the seller's own sales to this buyer, the conversations the seller's own side of
them (as their folders show them: nothing in Trash or deleted).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Window

from accounts.models import User
from messaging.models import Participant, Thread
from orders.models import Order

HISTORY_SHOWN = 5


@dataclass(frozen=True)
class BuyerHistory:
    """The most recent few of each, newest first, and how many more there are of each."""

    orders: Sequence[Order]
    more_orders: int
    conversations: Sequence[Participant]
    more_conversations: int

    @property
    def is_empty(self) -> bool:
        return not self.orders and not self.conversations


def _more(rows: Sequence[Any]) -> int:
    # Every row carries the count of the whole list (a window over it, before the limit).
    return rows[0].listed - len(rows) if rows else 0


def buyer_history_for_seller(
    *, seller: User, thread: Thread, limit: int = HISTORY_SHOWN
) -> BuyerHistory:
    """List the buyer's other orders from this seller and other conversations with them.

    Two queries, however long the history: each list comes with its full count.
    """
    other_orders = Order.objects.filter(seller=seller, buyer_id=thread.buyer_id)
    if thread.order_id is not None:
        other_orders = other_orders.exclude(pk=thread.order_id)
    orders = list(
        other_orders.only("id", "number", "status", "total", "currency", "placed_at")
        .annotate(listed=Window(Count("id")))
        .order_by("-placed_at", "-id")[:limit]
    )
    conversations = list(
        Participant.objects.for_user(seller)
        .filter(thread__buyer_id=thread.buyer_id)
        .exclude(thread_id=thread.pk)
        .select_related("thread__order", "thread__product")
        .only(
            "id",
            "last_message_at",
            "thread__id",
            "thread__kind",
            "thread__topic",
            "thread__order__number",
            "thread__product__title",
        )
        .annotate(listed=Window(Count("id")))
        .order_by("-last_message_at", "-id")[:limit]
    )
    return BuyerHistory(
        orders=orders,
        more_orders=_more(orders),
        conversations=conversations,
        more_conversations=_more(conversations),
    )
