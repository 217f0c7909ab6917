"""The build's claim, lost tasks and dead workers, and files deleted when they expire."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from core.tasks import task_send
from messaging.evidence import services
from messaging.models import EvidenceExport
from tests.messaging.evidence.helpers import built, conversation

pytestmark = pytest.mark.django_db


def requested(conv) -> EvidenceExport:
    export, _created = services.evidence_export_request(participant=conv.participant(conv.buyer))
    return export


def enqueued(callbacks) -> list[tuple]:
    return [c.args for c in callbacks if getattr(c, "func", None) is task_send]


def test_a_built_export_is_not_built_again():
    export = built(requested(conversation()))

    again = services.evidence_export_build(export_id=export.pk)

    assert again == "skipped"
    assert EvidenceExport.objects.get(pk=export.pk).attempts == 1


def test_the_sweep_enqueues_a_pending_export_whose_task_was_lost(
    django_capture_on_commit_callbacks,
):
    export = requested(conversation())
    EvidenceExport.objects.filter(pk=export.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = services.evidence_export_sweep()
    with django_capture_on_commit_callbacks() as again:
        services.evidence_export_sweep()

    assert outcome == {"enqueued": 1, "failed": 0, "expired": 0}
    assert enqueued(callbacks) == [("messaging.build_evidence_export", export.pk)]
    assert enqueued(again) == []  # left to the task just enqueued for a while


def test_the_sweep_gives_back_an_export_whose_worker_died(django_capture_on_commit_callbacks):
    export = requested(conversation())
    now = timezone.now()
    EvidenceExport.objects.filter(pk=export.pk).update(
        status="running", attempts=1, locked_until=now - timedelta(seconds=1)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        services.evidence_export_sweep(now=now)
    outcome = services.evidence_export_build(export_id=export.pk)

    assert enqueued(callbacks) == [("messaging.build_evidence_export", export.pk)]
    assert outcome == "ready"
    assert EvidenceExport.objects.get(pk=export.pk).attempts == 2


def test_a_build_that_keeps_dying_fails_after_its_attempts(settings):
    export = requested(conversation())
    now = timezone.now()
    EvidenceExport.objects.filter(pk=export.pk).update(
        status="running", attempts=settings.EVIDENCE_MAX_ATTEMPTS, locked_until=now
    )

    outcome = services.evidence_export_sweep(now=now)

    export.refresh_from_db()
    assert outcome["failed"] == 1
    assert (export.status, export.error_code) == ("failed", "worker_lost")


def test_a_running_build_is_not_taken_by_another_worker():
    export = requested(conversation())
    EvidenceExport.objects.filter(pk=export.pk).update(
        status="running", attempts=1, locked_until=timezone.now() + timedelta(minutes=30)
    )

    assert services.evidence_export_build(export_id=export.pk) == "skipped"


def test_expired_files_are_deleted_and_the_row_kept():
    export = built(requested(conversation()))
    name = export.file.name
    assert default_storage.exists(name)

    outcome = services.evidence_export_sweep(now=export.expires_at + timedelta(seconds=1))

    export.refresh_from_db()
    assert outcome["expired"] == 1
    assert (export.status, export.file.name) == ("expired", "")
    assert not default_storage.exists(name)


def test_a_storage_error_puts_the_export_back_for_the_sweep(monkeypatch):
    export = requested(conversation())

    def broken(*args, **kwargs):
        raise OSError("storage unreachable")

    monkeypatch.setattr(type(default_storage._wrapped), "_save", broken)
    outcome = services.evidence_export_build(export_id=export.pk)

    export.refresh_from_db()
    assert outcome == "retry"
    assert (export.status, export.attempts, export.locked_until) == ("pending", 1, None)


def test_a_file_missing_from_storage_is_said_not_fatal():
    conv = conversation()
    photo = conv.buyer_first.attachments.get()
    default_storage.delete(photo.file.name)

    export = built(requested(conv))

    from tests.messaging.evidence.helpers import manifest_of, pdf_text

    manifest = manifest_of(export)
    entry = manifest["messages"][0]["attachments"][0]
    assert entry["missing"] is True and entry["path"] is None
    assert all(f["path"] != f"attachments/{photo.pk}-broken mug.png" for f in manifest["files"])
    assert "The stored file could not be read; it is not in the archive." in pdf_text(export)
