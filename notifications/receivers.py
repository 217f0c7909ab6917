"""Notifications about events of other apps that announce them with a signal."""

from datetime import datetime

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import sign_in_paused
from notifications.models import NotificationKind
from notifications.services import notify


@receiver(sign_in_paused, dispatch_uid="notifications.sign_in_paused")
def sign_in_paused_notify(
    sender: object, *, user: User, resume_at: datetime, window_end: int, **kwargs: object
) -> None:
    """Tell the owner once per pause that sign-ins to their account are paused, and until when."""
    notify(
        recipient=user,
        kind=NotificationKind.SIGN_IN_PAUSED,
        dedupe_key=f"sign_in_paused:{user.pk}:{window_end}",
        context={"resume_at": resume_at.isoformat()},
    )
