"""Every write of evidence exports: ask for one, build it (a task), sweep lost and expired ones.

An export is a row before it is a task, like a notification: ``evidence_export_request``
writes the row and enqueues the build on commit; if the broker loses the task,
``evidence_export_sweep`` enqueues the row again. A build claims its row with a conditional
update, so two workers never build one export; a claim outlives the task's hard time limit,
so it only expires when its worker died, and the sweep then gives the row back.
"""

import hashlib
import logging
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from accounts.models import User
from core.errors import ApplicationError, RateLimited
from core.tasks import task_enqueue
from messaging.evidence import archive, pdf, selectors, signing
from messaging.evidence.content import evidence_collect
from messaging.models import EvidenceExport, EvidenceScope, EvidenceStatus, Participant, Thread

logger = logging.getLogger(__name__)

# Progress is written at most this often (a 1,000-message thread would otherwise write 1,000
# times): the page polls every couple of seconds.
_PROGRESS_EVERY_SECONDS = 1.0


def _language(user: User) -> str:
    return user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _allowance_check(*, user: User, now: datetime) -> None:
    used = selectors.export_count_since(user=user, since=now - timedelta(days=1))
    if used >= settings.EVIDENCE_EXPORTS_PER_DAY:
        raise RateLimited(retry_after=3600)


def _create(*, thread: Thread, user: User, scope: str, now: datetime) -> EvidenceExport:
    export = EvidenceExport.objects.create(
        thread=thread,
        requested_by=user,
        scope=scope,
        language=_language(user),
        created_at=now,
        enqueued_at=now,
        expires_at=now + settings.EVIDENCE_EXPORT_TTL,
    )
    task_enqueue("messaging.build_evidence_export", export.pk)
    return export


@transaction.atomic
def evidence_export_request(
    *, participant: Participant, now: datetime | None = None
) -> tuple[EvidenceExport, bool]:
    """Ask for a participant's export of a thread; return it and whether it is new.

    An export of the same thread still being built for them is returned instead of a second.
    """
    if not signing.signing_available():
        raise signing.EvidenceUnavailable()
    now = now or timezone.now()
    user = participant.user
    # One request at a time per user: two clicks must not make two exports.
    User.objects.select_for_update().filter(pk=user.pk).first()
    open_export = EvidenceExport.objects.filter(
        requested_by=user,
        thread_id=participant.thread_id,
        scope=EvidenceScope.PARTICIPANT,
        status__in=[EvidenceStatus.PENDING, EvidenceStatus.RUNNING],
    ).first()
    if open_export is not None:
        return open_export, False
    _allowance_check(user=user, now=now)
    return (
        _create(thread=participant.thread, user=user, scope=EvidenceScope.PARTICIPANT, now=now),
        True,
    )


@transaction.atomic
def evidence_export_request_staff(
    *, thread: Thread, staff: User, now: datetime | None = None
) -> EvidenceExport:
    """Ask for staff's full export of a thread (from the admin)."""
    if not staff.is_staff:
        raise ApplicationError("not_staff", "Only staff can export the full record.")
    if not signing.signing_available():
        raise signing.EvidenceUnavailable()
    return _create(thread=thread, user=staff, scope=EvidenceScope.STAFF, now=now or timezone.now())


# --- Building -----------------------------------------------------------------------------------
def _claim(export_id: int, now: datetime) -> bool:
    claimable = Q(status=EvidenceStatus.PENDING) | Q(
        status=EvidenceStatus.RUNNING, locked_until__lte=now
    )
    return (
        EvidenceExport.objects.filter(
            claimable, pk=export_id, attempts__lt=settings.EVIDENCE_MAX_ATTEMPTS
        ).update(
            status=EvidenceStatus.RUNNING,
            locked_until=now + settings.EVIDENCE_CLAIM_TIMEOUT,
            attempts=F("attempts") + 1,
            started_at=now,
            progress=0,
        )
        == 1
    )


class _Progress:
    """Writes the share done to the row, at most once a second; phases map onto 0–99 %."""

    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.written = 0
        self.last_write = 0.0

    def __call__(self, percent: float) -> None:
        value = max(0, min(99, int(percent)))
        moment = time.monotonic()
        if value <= self.written or moment - self.last_write < _PROGRESS_EVERY_SECONDS:
            return
        self.written, self.last_write = value, moment
        EvidenceExport.objects.filter(pk=self.export_id, status=EvidenceStatus.RUNNING).update(
            progress=value
        )


def _build(export: EvidenceExport, work: Path, progress: _Progress) -> tuple[Path, int, int]:
    """Write the export's ZIP under ``work``; return its path and what it holds."""
    generated_at = timezone.now()
    key_id = signing.key_id(signing.public_key())
    evidence = evidence_collect(export=export)
    files = evidence.files
    total_bytes = sum(file.size for file in files) or 1
    copied = 0

    # Copying the files is most of the work when there are files; the PDF the rest.
    share = 60.0 if files else 0.0

    def on_bytes(count: int) -> None:
        nonlocal copied
        copied += count
        progress(share * copied / total_bytes)

    zip_path = work / "evidence.zip"
    transcript = work / archive.TRANSCRIPT
    with zipfile.ZipFile(zip_path, "w", allowZip64=True) as bundle:
        listing = archive.attachments_write(bundle, files, moment=generated_at, on_bytes=on_bytes)
        pdf.transcript_write(
            evidence,
            transcript,
            generated_at=generated_at,
            key_id=key_id,
            progress=lambda done: progress(share + (97 - share) * done),
        )
        listing.insert(
            0, archive.file_write(bundle, archive.TRANSCRIPT, transcript, moment=generated_at)
        )
        manifest = archive.manifest_build(
            evidence, listing, generated_at=generated_at, key_id=key_id
        )
        archive.manifest_write(bundle, manifest, moment=generated_at)
    return zip_path, len(evidence.messages), len(listing) - 1


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(archive.CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _finish(export_id: int, **fields: object) -> None:
    EvidenceExport.objects.filter(pk=export_id, status=EvidenceStatus.RUNNING).update(
        locked_until=None, finished_at=timezone.now(), **fields
    )


def evidence_export_build(*, export_id: int, now: datetime | None = None) -> str:
    """Build one export's ZIP and store it, unless it is built, failed or being built.

    Returns the outcome: ``ready``, ``retry`` (a transient storage error; the sweep tries
    again), ``failed`` or ``skipped``.
    """
    now = now or timezone.now()
    if not _claim(export_id, now):
        return "skipped"
    export = selectors.export_get_for_build(export_id=export_id)
    progress = _Progress(export_id)
    try:
        with (
            translation.override(export.language),
            tempfile.TemporaryDirectory(prefix="evidence-") as work,
        ):
            zip_path, message_count, attachment_count = _build(export, Path(work), progress)
            size = zip_path.stat().st_size
            sha256 = _file_digest(zip_path)
            with zip_path.open("rb") as handle:
                # Storage copies the file in chunks (object storage: a multipart upload).
                export.file.save(f"{export.pk}.zip", File(handle), save=False)
    except (OSError, SoftTimeLimitExceeded) as error:
        if export.attempts < settings.EVIDENCE_MAX_ATTEMPTS:
            # Back to pending with its lock released: the sweep enqueues it again shortly.
            EvidenceExport.objects.filter(pk=export_id, status=EvidenceStatus.RUNNING).update(
                status=EvidenceStatus.PENDING, locked_until=None, enqueued_at=timezone.now()
            )
            logger.warning("evidence export %s: %s; tried again", export_id, type(error).__name__)
            return "retry"
        _finish(export_id, status=EvidenceStatus.FAILED, error_code="storage_error")
        logger.error("evidence export %s failed: %s", export_id, type(error).__name__)
        return "failed"
    except Exception:
        # A bug, not a passing failure: the row says failed at once instead of waiting for its
        # claim to expire, and the error goes to the logs and the task's failure metric.
        _finish(export_id, status=EvidenceStatus.FAILED, error_code="build_error")
        raise
    _finish(
        export_id,
        status=EvidenceStatus.READY,
        progress=100,
        file=export.file.name,
        size=size,
        sha256=sha256,
        message_count=message_count,
        attachment_count=attachment_count,
        expires_at=timezone.now() + settings.EVIDENCE_EXPORT_TTL,
    )
    logger.info("evidence export ready", extra={"export_id": export_id, "bytes": size})
    return "ready"


# --- The sweep ----------------------------------------------------------------------------------
def evidence_export_sweep(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Enqueue again exports whose task or worker was lost; delete the files of expired ones."""
    now = now or timezone.now()
    max_attempts = settings.EVIDENCE_MAX_ATTEMPTS
    # A claim that expired: its worker died mid-build (a build is tried max_attempts times).
    lost = EvidenceExport.objects.filter(status=EvidenceStatus.RUNNING, locked_until__lte=now)
    failed = lost.filter(attempts__gte=max_attempts).update(
        status=EvidenceStatus.FAILED, locked_until=None, finished_at=now, error_code="worker_lost"
    )
    lost.update(
        status=EvidenceStatus.PENDING, locked_until=None, enqueued_at=now - timedelta(days=1)
    )
    with transaction.atomic():
        due = EvidenceExport.objects.filter(
            status=EvidenceStatus.PENDING,
            attempts__lt=max_attempts,
            enqueued_at__lte=now - settings.EVIDENCE_SWEEP_AFTER,
        ).order_by("enqueued_at", "id")
        ids = list(due.values_list("pk", flat=True)[:limit])
        # Marked, so the next sweep leaves them to this round's tasks for a while.
        EvidenceExport.objects.filter(pk__in=ids).update(enqueued_at=now)
        for export_id in ids:
            task_enqueue("messaging.build_evidence_export", export_id)
    expired = 0
    for export in EvidenceExport.objects.filter(
        status=EvidenceStatus.READY, expires_at__lte=now
    ).order_by("id")[:limit]:
        evidence_export_expire(export=export, now=now)
        expired += 1
    return {"enqueued": len(ids), "failed": failed, "expired": expired}


def evidence_export_expire(*, export: EvidenceExport, now: datetime | None = None) -> None:
    """Delete an export's file from storage; the row stays, as a record of the export."""
    name = export.file.name
    updated = EvidenceExport.objects.filter(pk=export.pk, status=EvidenceStatus.READY).update(
        status=EvidenceStatus.EXPIRED, file="", expires_at=now or timezone.now()
    )
    if updated and name:
        # After the row no longer points at it: a crash between the two leaves an orphan
        # file at worst, never a row pointing at nothing.
        export.file.storage.delete(name)
