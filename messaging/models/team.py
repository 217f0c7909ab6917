"""A seller's team at work on a thread: internal notes and a record of its actions, which
the buyer never sees."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class TeamActivityKind(models.TextChoices):
    ASSIGNED = "assigned", _("assigned the conversation")
    UNASSIGNED = "unassigned", _("unassigned the conversation")
    ARCHIVED = "archived", _("archived the conversation")
    UNARCHIVED = "unarchived", _("moved the conversation to the inbox")
    MARKED_UNREAD = "marked_unread", _("marked the conversation unread")
    NO_RESPONSE_NEEDED = "no_response_needed", _("marked the conversation as needing no response")
    TRASHED = "trashed", _("deleted the conversation")
    RESTORED = "restored", _("restored the conversation")


class TeamActivity(models.Model):
    """Who of a seller's team did what to one of the shop's threads: shown to the team only.

    Messages name their author themselves (``Message.author``); this records the actions. A
    member's actions are recorded, and every assignment (by whoever made it); the shop's own
    account working alone leaves no trail.
    """

    thread = models.ForeignKey("messaging.Thread", on_delete=models.CASCADE, related_name="+")
    # The person: a member of the team, or the shop's own account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=TeamActivityKind.choices)
    # For an assignment: to whom.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["thread", "-created_at", "-id"], name="team_activity_thread_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TeamActivityKind.values),
                name="team_activity_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in thread {self.thread_id}"
