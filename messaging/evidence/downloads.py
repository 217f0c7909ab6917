"""Serving an export's ZIP to its requester: from the filesystem, or a signed storage URL."""

from django.http.response import HttpResponseBase

from core.downloads import content_disposition, stored_file_response
from core.errors import ApplicationError, NotFound
from messaging.evidence import signing
from messaging.evidence.links import export_filename
from messaging.models import EvidenceExport, EvidenceStatus


class LinkExpired(ApplicationError):
    status = 410

    def __init__(self) -> None:
        super().__init__(
            "link_expired",
            "This download link has expired; ask for the export again for a new one.",
        )


class ExportExpired(ApplicationError):
    status = 410

    def __init__(self) -> None:
        super().__init__(
            "export_expired", "This export's file was deleted when it expired; export again."
        )


class ExportNotReady(ApplicationError):
    status = 409

    def __init__(self, status: str) -> None:
        super().__init__(
            "export_not_ready",
            "This export is not ready to download.",
            extra={"status": status},
        )


def export_file_response(
    export: EvidenceExport, *, expires: str, signature: str
) -> HttpResponseBase:
    """Answer with the ZIP of a ready export, after checking its link; the caller is its owner."""
    state = signing.download_link_state(
        export_id=export.pk, user_id=export.requested_by_id, expires=expires, signature=signature
    )
    if state == "invalid":
        raise NotFound("No such export.")
    if state == "expired":
        raise LinkExpired()
    if export.status == EvidenceStatus.EXPIRED:
        raise ExportExpired()
    if export.status != EvidenceStatus.READY or not export.file:
        raise ExportNotReady(export.status)
    try:
        return stored_file_response(
            export.file,
            content_type="application/zip",
            disposition=content_disposition(export_filename(export), inline=False),
            cache_control="private, no-store",
            storage_cache_control="private, no-store",
        )
    except NotFound:
        raise NotFound("No such export.") from None
