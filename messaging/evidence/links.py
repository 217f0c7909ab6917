"""Where an export is read and downloaded: the same links for the page and the API."""

from urllib.parse import urlencode

from django.urls import reverse

from messaging.evidence import signing
from messaging.models import EvidenceExport, EvidenceStatus


def export_status_path(export: EvidenceExport) -> str:
    return reverse("api:evidence-detail", args=[export.pk])


def export_download_path(export: EvidenceExport) -> str | None:
    """A signed download link for the requester, valid a few minutes; None until ready."""
    if export.status != EvidenceStatus.READY:
        return None
    query = signing.download_query(export_id=export.pk, user_id=export.requested_by_id)
    return reverse("api:evidence-download", args=[export.pk]) + "?" + urlencode(query)


def export_filename(export: EvidenceExport) -> str:
    order = export.thread.order
    subject = f"order-{order.number}" if order is not None else f"conversation-{export.thread_id}"
    return f"evidence-{subject}-{export.pk}.zip"
