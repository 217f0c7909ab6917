"""The inbox folders: their names, and the condition that puts a participant's row in each."""

from django.db import models
from django.utils.translation import pgettext_lazy


class Folder(models.TextChoices):
    NEEDS_RESPONSE = "needs_response", pgettext_lazy("folder", "Needs response")
    MINE = "mine", pgettext_lazy("folder", "Mine")
    UNASSIGNED = "unassigned", pgettext_lazy("folder", "Unassigned")
    INBOX = "inbox", pgettext_lazy("folder", "Inbox")
    UNREAD = "unread", pgettext_lazy("folder", "Unread")
    SENT = "sent", pgettext_lazy("folder", "Sent")
    ARCHIVED = "archived", pgettext_lazy("folder", "Archived")
    ALL = "all", pgettext_lazy("folder", "All")
    TRASH = "trash", pgettext_lazy("folder", "Trash")


BUYER_FOLDERS = (Folder.INBOX, Folder.UNREAD, Folder.ARCHIVED, Folder.TRASH)


SELLER_FOLDERS = (
    Folder.NEEDS_RESPONSE,
    Folder.MINE,
    Folder.UNASSIGNED,
    Folder.UNREAD,
    Folder.SENT,
    Folder.ARCHIVED,
    Folder.ALL,
    Folder.TRASH,
)


# A seller team's folders: the conversations of its inbox assigned to the person looking (the
# shop's own account or a member), and those assigned to no one. Their tabs show once the shop
# has a team; a shop working alone has nothing to share out.
TEAM_FOLDERS = frozenset({Folder.MINE, Folder.UNASSIGNED})


def folder_condition(folder: str, *, person_id: int | None = None) -> models.Q:
    """The filter that puts a participant row in a folder (deleted rows are in none).

    Rows in Trash are deleted rows too: Trash is not a condition on the folder flags (see
    ``ParticipantQuerySet.for_user_in_folder``). *Mine* is the rows assigned to ``person_id``.
    """
    conditions = {
        Folder.MINE: models.Q(assignee_id=person_id, is_archived=False),
        Folder.UNASSIGNED: models.Q(assignee__isnull=True, is_archived=False),
        Folder.NEEDS_RESPONSE: models.Q(needs_response_since__isnull=False),
        Folder.INBOX: models.Q(is_archived=False),
        Folder.UNREAD: models.Q(unread_count__gt=0),
        Folder.SENT: models.Q(last_message_is_mine=True, is_archived=False),
        Folder.ARCHIVED: models.Q(is_archived=True),
        Folder.ALL: models.Q(),
        Folder.TRASH: models.Q(trashed_at__isnull=False),
    }
    return conditions[Folder(folder)]
