"""Trash: "Delete" moves a conversation there; restore it, or it is deleted for good later.

One participant's side only, as every folder: the other side keeps the conversation.

- In Trash: ``trashed_at`` is set and the row is hidden from every other folder
  (``is_deleted``); archived or not, read or not, it is kept as it was, so a restore (or the
  Undo after a delete) puts it back exactly where it was.
- A new message in a trashed conversation brings it back to the inbox, as it brings back an
  archived one (``messaging.threads.delivery.message_deliver``).
- ``TRASH_PURGE_DAYS`` after it was trashed, the purge deletes it for good for that
  participant: it leaves Trash and every page, the API and search answer as if it did not
  exist for them. Its messages stay in the database, for the other side, moderation and
  evidence. Should someone write in it again, it comes back with only the messages sent after
  the purge (``purged_at``): what was deleted for good stays deleted.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from messaging.models import Participant, ParticipantRole, SearchDocument, TeamActivityKind
from messaging.models.threads import ParticipantQuerySet
from messaging.team.activity import team_activity_record
from messaging.threads.live import inbox_version_bump


class NotInTrash(ApplicationError):
    status = 409

    def __init__(self) -> None:
        super().__init__("not_in_trash", _("This conversation is not in Trash."))


def _set(participant: Participant, **fields: object) -> None:
    for name, value in fields.items():
        setattr(participant, name, value)


def thread_trash(*, participant: Participant, now: datetime | None = None) -> None:
    """Move a thread to the participant's Trash (a thread already there keeps its date)."""
    fields = {"is_deleted": True, "trashed_at": now or timezone.now()}
    # Only a thread in a folder: one already in Trash keeps counting down from its first
    # delete, and a thread with nothing delivered yet (or deleted for good) is in no folder.
    if Participant.objects.filter(pk=participant.pk, is_deleted=False).update(**fields):
        _set(participant, **fields)
        inbox_version_bump(user_ids=[participant.user_id])  # the user's other open tabs
        if participant.role == ParticipantRole.SELLER:
            team_activity_record(thread_ids=[participant.thread_id], kind=TeamActivityKind.TRASHED)


def thread_restore(*, participant: Participant) -> None:
    """Bring a thread back from the participant's Trash to the folder it was in."""
    fields = {"is_deleted": False, "trashed_at": None}
    if not Participant.objects.filter(pk=participant.pk).in_trash().update(**fields):
        raise NotInTrash()
    _set(participant, **fields)
    inbox_version_bump(user_ids=[participant.user_id])
    if participant.role == ParticipantRole.SELLER:
        team_activity_record(thread_ids=[participant.thread_id], kind=TeamActivityKind.RESTORED)


def threads_trash(*, rows: ParticipantQuerySet, now: datetime) -> list[int]:
    """Move the rows in a folder to Trash; return the ids of the threads moved, for an Undo."""
    moved = list(
        rows.filter(is_deleted=False).order_by("thread_id").values_list("thread_id", flat=True)
    )
    if moved:
        rows.filter(thread_id__in=moved, is_deleted=False).update(is_deleted=True, trashed_at=now)
    return moved


def threads_restore(*, rows: ParticipantQuerySet) -> int:
    """Bring the rows that are in Trash back to their folders; return how many."""
    return rows.in_trash().update(is_deleted=False, trashed_at=None)


TRASH_PURGE_BATCH = 500


def trash_purge(
    *, now: datetime | None = None, batch: int = TRASH_PURGE_BATCH, max_batches: int = 200
) -> int:
    """Delete for good, for their participant, the threads trashed more than 30 days ago.

    Oldest first, in short transactions of ``batch`` rows on the small Trash index; rows a
    restore holds are left for the next run. Running it again changes nothing: a purged row
    is no longer in Trash. Returns how many threads were purged.
    """
    now = now or timezone.now()
    before = now - timedelta(days=settings.TRASH_PURGE_DAYS)
    purged = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            rows = list(
                Participant.objects.in_trash()
                .filter(trashed_at__lt=before)
                .order_by("trashed_at", "id")
                .select_for_update(skip_locked=True)
                .values_list("id", "user_id")[:batch]
            )
            if not rows:
                break
            ids = [pk for pk, _user_id in rows]
            Participant.objects.filter(pk__in=ids).update(
                trashed_at=None, purged_at=now, unread_count=0
            )
            # Their open inboxes: the Trash count changed.
            inbox_version_bump(user_ids=[user_id for _pk, user_id in rows])
            # Their words go with them: a thread purged is not found by search either (a new
            # message starts its document again).
            SearchDocument.objects.filter(participant_id__in=ids).delete()
        purged += len(ids)
        if len(ids) < batch:
            break
    return purged
