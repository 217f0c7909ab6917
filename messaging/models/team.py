"""A seller's team at work on a thread: internal notes the buyer never sees."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ThreadNote(models.Model):
    """A note the seller's team writes in a thread: never shown, sent or searchable to the buyer.

    Notes are not messages: they stop no response clock, reach no buyer page, email, webhook or
    search, and go through no content policy (they never leave the team).
    """

    MAX_LENGTH = 5000

    thread = models.ForeignKey("messaging.Thread", on_delete=models.CASCADE, related_name="notes")
    # The person who wrote it: a member of the team, or the shop's own account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    # Team members it @mentions (each was notified once).
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="thread_note_thread_idx"),
        ]

    def __str__(self) -> str:
        return f"Note {self.pk} in thread {self.thread_id}"
