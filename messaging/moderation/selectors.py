"""Reads of moderation: the restriction in force on a seller."""

from datetime import datetime

from messaging.models import (
    SellerRestriction,
)


def restriction_get_active(*, seller_id: int, now: datetime) -> SellerRestriction | None:
    """The restriction in force for a seller at ``now`` (the one ending last), if any."""
    return (
        SellerRestriction.objects.filter(seller_id=seller_id, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at", "-id")
        .first()
    )
