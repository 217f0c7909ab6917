"""In a real browser: a buyer asks for the evidence of a conversation, watches it being
prepared without reloading, and downloads a ZIP that verifies."""

import pytest

from messaging.evidence import services, signing
from messaging.evidence.verify import archive_verify
from messaging.models import EvidenceExport
from tests.messaging.evidence.helpers import conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_downloads_the_evidence_of_a_conversation(signed_in, tmp_path):
    conv = conversation()
    tab = signed_in(conv.buyer, "buyer-evidence")
    tab.open(f"/messages/{conv.thread.pk}/")
    tab.shot("thread")

    tab.page.click("#evidence form button[type=submit]")
    tab.page.wait_for_url(f"**/messages/{conv.thread.pk}/#evidence")
    tab.page.wait_for_selector("#evidence-status progress")
    waiting = tab.page.text_content("#evidence-status")
    tab.shot("preparing")
    # The build the worker would run; the open page learns of it by itself.
    export = EvidenceExport.objects.get()
    assert services.evidence_export_build(export_id=export.pk) == "ready"
    tab.page.wait_for_selector("#evidence-status a.evidence-download", timeout=15_000)
    tab.shot("ready")
    with tab.page.expect_download() as download_info:
        tab.page.click("#evidence-status a.evidence-download")
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert "Preparing your export…" in waiting or "Waiting to start…" in waiting
    assert download.suggested_filename == (
        f"evidence-order-{conv.thread.order.number}-{export.pk}.zip"
    )
    report = archive_verify(saved, signing.public_key())
    assert report.problems == []
    assert report.checked_files == 3
