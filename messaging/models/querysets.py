from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from accounts.models import User
    from messaging.models import Participant  # noqa: F401


class Folder(models.TextChoices):
    NEEDS_RESPONSE = "needs_response", pgettext_lazy("folder", "Needs response")
    INBOX = "inbox", pgettext_lazy("folder", "Inbox")
    UNREAD = "unread", pgettext_lazy("folder", "Unread")
    SENT = "sent", pgettext_lazy("folder", "Sent")
    ARCHIVED = "archived", pgettext_lazy("folder", "Archived")
    ALL = "all", pgettext_lazy("folder", "All")


BUYER_FOLDERS = (Folder.INBOX, Folder.UNREAD, Folder.ARCHIVED)


SELLER_FOLDERS = (Folder.NEEDS_RESPONSE, Folder.UNREAD, Folder.SENT, Folder.ARCHIVED, Folder.ALL)


def folder_condition(folder: str) -> models.Q:
    """The filter that puts a participant row in a folder (deleted rows are in none)."""
    conditions = {
        Folder.NEEDS_RESPONSE: models.Q(needs_response_since__isnull=False),
        Folder.INBOX: models.Q(is_archived=False),
        Folder.UNREAD: models.Q(unread_count__gt=0),
        Folder.SENT: models.Q(last_message_is_mine=True, is_archived=False),
        Folder.ARCHIVED: models.Q(is_archived=True),
        Folder.ALL: models.Q(),
    }
    return conditions[Folder(folder)]


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def for_user(self, user: "User") -> "ParticipantQuerySet":
        return self.filter(user=user, is_deleted=False)

    def in_folder(self, folder: str) -> "ParticipantQuerySet":
        return self.filter(folder_condition(folder))

    def needs_response(self) -> "ParticipantQuerySet":
        return self.in_folder(Folder.NEEDS_RESPONSE)

    def unread(self) -> "ParticipantQuerySet":
        return self.filter(unread_count__gt=0)
