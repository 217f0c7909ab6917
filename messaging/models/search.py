"""Full-text search: one document per participant, kept by a database trigger."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from messaging.models.threads import Participant


class SearchDocument(models.Model):
    """The words one participant finds a thread by, for full-text search on PostgreSQL.

    The order number, the product, the other party's name, the text of every message this
    participant may see (a blocked message only in its sender's document) and, in the shop's
    document only, its team's internal notes. Kept apart from the participant row so that
    reading or archiving a thread does not rewrite it; written by messaging/search/services.py
    when a message is delivered or blocked and when a note is written. Elsewhere (SQLite) it
    stays empty and search matches substrings instead.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    # A copy of participant.user, so one GIN index finds a user's matching threads.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    document = SearchVectorField()
    # Copies of the participant's sort key and folder flags, kept equal to them by a trigger
    # on the participant table (migration 0013). With them a search of the big folders reads
    # this one table, newest first, and PostgreSQL can judge how many of the user's threads
    # hold the words; joined to the participants, it counts the user filter twice and guesses
    # some forty times too few, then reads and sorts every match instead of a page.
    last_message_at = models.DateTimeField(db_default=Now())
    last_message_is_mine = models.BooleanField(db_default=False)
    is_archived = models.BooleanField(db_default=False)
    is_deleted = models.BooleanField(db_default=False)

    class Meta:
        indexes = [
            GinIndex(fields=["user", "document"], name="search_document_gin"),
            models.Index(
                fields=["user", "-last_message_at", "-participant"],
                name="search_document_recent_idx",
                condition=Q(is_deleted=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Search document of participant {self.participant_id}"


class SearchRefresh(models.Model):
    """A party whose public name changed: the search documents of their threads are rebuilt.

    Every document holds the other party's public name (a shop's name, else the user's display
    name). Triggers on those columns (migration 0014) write this row in the renaming
    transaction, wherever the rename comes from (the admin, a profile page, the API, a bulk
    update); ``messaging.search.services.search_refreshes_run`` rebuilds and deletes it. An
    outbox, like the notifications': a lost task or a worker that dies loses no rename.
    """

    # A plain id, not a foreign key: the row is written by a trigger, also while the user is
    # being deleted (their shop profile goes first), and a refresh of a user who is gone is a
    # no-op that the run deletes.
    user_id = models.BigIntegerField(primary_key=True)
    requested_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Search refresh of user {self.user_id}"
