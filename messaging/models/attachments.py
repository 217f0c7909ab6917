"""Files attached to messages, stored privately under server-generated keys."""

import uuid

from django.db import models
from django.utils import timezone

from messaging.models.threads import Message


def attachment_key(instance: "Attachment | None", filename: str) -> str:
    """A server-generated storage key; the sender's file name is kept only for display."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A checked file of a message, stored privately under a key the server chose."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=attachment_key, max_length=200)
    thumbnail = models.FileField(upload_to=attachment_key, max_length=200, blank=True)
    name = models.CharField(max_length=255)  # sanitized original name, for display only
    content_type = models.CharField(max_length=100)  # sniffed from the bytes
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["message_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "position"], name="attachment_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_inline_safe(self) -> bool:
        """Images and PDF may be shown in the browser; everything else is downloaded."""
        return self.is_image or self.content_type == "application/pdf"
