"""Reads of a buyer's controls: the sellers they blocked, their opt-out."""

from django.db.models import QuerySet

from accounts.models import User
from messaging.models import (
    SellerBlock,
    UnsolicitedOptOut,
)


def seller_block_exists(*, buyer: User, seller_id: int) -> bool:
    """Whether the buyer blocked this seller."""
    return SellerBlock.objects.filter(buyer=buyer, seller_id=seller_id).exists()


def unsolicited_opt_out_exists(*, buyer: User) -> bool:
    """Whether the buyer opted out of unsolicited seller messages."""
    return UnsolicitedOptOut.objects.filter(buyer=buyer).exists()


def seller_block_list_for_buyer(*, buyer: User) -> QuerySet[SellerBlock]:
    """List the sellers a buyer blocked, newest first, with their shop names."""
    return (
        SellerBlock.objects.filter(buyer=buyer)
        .select_related("seller__seller_profile")
        .order_by("-created_at", "-id")
    )
