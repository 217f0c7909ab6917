"""Reads of attachments; scoping to the user is the permission check."""

from django.db.models import F, Q

from accounts.models import User
from core.errors import NotFound
from messaging.models import (
    Attachment,
    MessageStatus,
)


def attachment_get_for_user(*, user: User, attachment_id: int | str) -> Attachment:
    """Fetch an attachment the user may open, or raise NotFound.

    The thread's participants may open files of delivered messages; a blocked message's files
    only its sender; none from before the participant deleted the thread for good. Staff may
    open any file (the moderation queue shows them).
    """
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound("No such file.") from None
    files = Attachment.objects.select_related("message").filter(pk=pk)
    if not user.is_staff:
        files = files.filter(
            Q(message__status=MessageStatus.DELIVERED) | Q(message__sender_id=user.pk),
            # Not from before the user's Trash was emptied of the thread (gone for them).
            Q(message__thread__participants__purged_at__isnull=True)
            | Q(message__created_at__gt=F("message__thread__participants__purged_at")),
            message__thread__participants__user=user,
        )
    attachment = files.first()
    if attachment is None:
        raise NotFound("No such file.")
    return attachment
