"""Saved replies: a seller's reusable answers."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Language


class SavedReply(models.Model):
    """A seller's reusable reply; its placeholders are filled in for each conversation."""

    NAME_MAX_LENGTH = 80

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_replies"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    # At most MESSAGE_MAX_LENGTH characters, checked by the services like a message's body.
    body = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seller_id", "name", "id"]
        verbose_name = "saved reply"
        verbose_name_plural = "saved replies"
        constraints = [
            # "Late delivery" and "late delivery" are one name.
            models.UniqueConstraint("seller", Lower("name"), name="saved_reply_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
