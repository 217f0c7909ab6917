"""Reads of a seller's team."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ShopInvitation, ShopMember, User


def team_member_list(*, shop: User) -> QuerySet[ShopMember]:
    return ShopMember.objects.filter(shop=shop).select_related("user").order_by("created_at", "id")


def team_invitation_open_list(
    *, shop: User, now: datetime | None = None
) -> QuerySet[ShopInvitation]:
    return ShopInvitation.objects.filter(
        shop=shop,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    ).order_by("-created_at", "-id")
