"""Evidence exports: a thread packed as a PDF transcript and a signed ZIP, built by a task."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.models.threads import Thread


class EvidenceScope(models.TextChoices):
    # The thread exactly as one participant sees it on the thread page.
    PARTICIPANT = "participant", _("As the participant sees it")
    # Everything, for staff: blocked messages, the policy's findings, moderation actions.
    STAFF = "staff", _("Full record (staff)")


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


def evidence_key(instance: "EvidenceExport | None", filename: str) -> str:
    """A server-generated storage key for an export's ZIP."""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip"


class EvidenceExport(models.Model):
    """One request for a thread's evidence, and the ZIP a task built for it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="evidence_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence_exports"
    )
    scope = models.CharField(max_length=12, choices=EvidenceScope.choices)
    language = models.CharField(max_length=5)  # the reader's, when they asked
    status = models.CharField(
        max_length=10, choices=EvidenceStatus.choices, default=EvidenceStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to=evidence_key, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)  # of the ZIP
    message_count = models.PositiveIntegerField(null=True, blank=True)
    attachment_count = models.PositiveIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # While a worker builds it; a row still locked past this lost its worker (see the sweep).
    locked_until = models.DateTimeField(null=True, blank=True)
    # When its task was last published: a pending row older than the sweep's wait lost it.
    enqueued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "evidence export"
        verbose_name_plural = "evidence exports"
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="evidence_progress_percent"
            ),
            models.CheckConstraint(
                condition=~Q(status=EvidenceStatus.READY) | ~Q(file=""),
                name="evidence_ready_has_file",
            ),
        ]
        indexes = [
            models.Index(
                fields=["requested_by", "thread", "-created_at"], name="evidence_requester_idx"
            ),
            # The sweep: rows still to build or being built, and files still kept.
            models.Index(
                fields=["status", "enqueued_at"],
                condition=Q(status__in=["pending", "running", "ready"]),
                name="evidence_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence export {self.pk} of thread {self.thread_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in {EvidenceStatus.READY, EvidenceStatus.FAILED, EvidenceStatus.EXPIRED}
