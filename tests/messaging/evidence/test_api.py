"""The evidence API: 202 with a job, its status, a signed download for the requester only."""

import io
import time
import zipfile

import pytest
from rest_framework.test import APIClient

from core.tasks import task_send
from messaging.models import EvidenceExport
from tests.accounts.factories import BuyerFactory
from tests.messaging.evidence.helpers import built, conversation, zip_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def enqueued(callbacks) -> list[tuple]:
    return [c.args for c in callbacks if getattr(c, "func", None) is task_send]


def test_post_answers_202_with_the_job_and_enqueues_its_build(django_capture_on_commit_callbacks):
    conv = conversation()
    client = api_for(conv.buyer)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"{API}/threads/{conv.thread.pk}/evidence")

    export = EvidenceExport.objects.get()
    body = response.json()
    assert response.status_code == 202
    assert body["id"] == export.pk
    assert (body["status"], body["progress"], body["scope"]) == ("pending", 0, "participant")
    assert body["url"] == f"http://testserver{API}/evidence/{export.pk}"
    assert response["Location"] == body["url"]
    assert body["download_url"] is None
    assert enqueued(callbacks) == [("messaging.build_evidence_export", export.pk)]
    assert (export.requested_by, export.thread, export.language) == (conv.buyer, conv.thread, "en")


def test_the_flow_202_then_status_then_download():
    conv = conversation()
    client = api_for(conv.seller)
    job = client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()

    pending = client.get(job["url"]).json()
    built(EvidenceExport.objects.get(pk=job["id"]))
    ready = client.get(job["url"]).json()
    download = client.get(ready["download_url"])

    assert pending["status"] == "pending"
    assert (ready["status"], ready["progress"]) == ("ready", 100)
    assert ready["message_count"] == 4  # the buyer's blocked message is not the seller's
    assert ready["attachment_count"] == 2
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith(
        f'attachment; filename="evidence-order-{conv.thread.order.number}-{job["id"]}.zip"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    content = b"".join(download.streaming_content)
    export = EvidenceExport.objects.get(pk=job["id"])
    assert content == zip_bytes(export)
    assert ready["size"] == len(content)
    assert "transcript.pdf" in zipfile.ZipFile(io.BytesIO(content)).namelist()


def test_asking_again_while_it_is_built_returns_the_same_job():
    conv = conversation()
    client = api_for(conv.buyer)

    first = client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()
    second = client.post(f"{API}/threads/{conv.thread.pk}/evidence")

    assert second.status_code == 202
    assert second.json()["id"] == first["id"]
    assert EvidenceExport.objects.count() == 1


def test_another_users_thread_is_a_404_and_exports_nothing():
    conv = conversation()
    stranger = api_for(BuyerFactory())

    response = stranger.post(f"{API}/threads/{conv.thread.pk}/evidence")
    missing = stranger.post(f"{API}/threads/999999999/evidence")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such conversation."}
    assert missing.json() == response.json()
    assert EvidenceExport.objects.count() == 0


def test_another_users_job_and_its_download_are_404_even_with_the_link():
    conv = conversation()
    owner = api_for(conv.buyer)
    job = owner.post(f"{API}/threads/{conv.thread.pk}/evidence").json()
    built(EvidenceExport.objects.get(pk=job["id"]))
    link = owner.get(job["url"]).json()["download_url"]
    # The other participant of the same thread is still not the requester.
    other = api_for(conv.seller)

    status = other.get(job["url"])
    download = other.get(link)
    nothing = other.get(f"{API}/evidence/999999999")

    assert (status.status_code, download.status_code) == (404, 404)
    assert status.json() == nothing.json() == {"code": "not_found", "detail": "No such export."}


def test_a_download_link_expires_and_a_forged_one_is_a_404(settings):
    conv = conversation()
    client = api_for(conv.buyer)
    job = client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()
    built(EvidenceExport.objects.get(pk=job["id"]))
    settings.EVIDENCE_DOWNLOAD_URL_SECONDS = -1
    stale = client.get(job["url"]).json()["download_url"]
    settings.EVIDENCE_DOWNLOAD_URL_SECONDS = 600
    fresh = client.get(job["url"]).json()["download_url"]
    later = fresh.replace("expires=", f"expires={int(time.time()) + 10**6}&old=")

    expired = client.get(stale)
    forged = client.get(fresh[:-3] + "abc")
    extended = client.get(later)

    assert expired.status_code == 410
    assert expired.json()["code"] == "link_expired"
    assert forged.status_code == 404
    assert extended.status_code == 404
    assert client.get(fresh).status_code == 200


def test_a_job_not_ready_cannot_be_downloaded():
    conv = conversation()
    client = api_for(conv.buyer)
    job = client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()
    export = EvidenceExport.objects.get(pk=job["id"])
    from messaging.evidence import links

    export.status = "ready"  # a link made as if it were ready, then used while it is not
    path = links.export_download_path(export)

    response = client.get(path)

    assert response.status_code == 409
    assert response.json()["code"] == "export_not_ready"
    assert response.json()["status"] == "pending"


def test_exports_per_day_are_limited(settings):
    settings.EVIDENCE_EXPORTS_PER_DAY = 1
    conv = conversation()
    client = api_for(conv.buyer)
    built(
        EvidenceExport.objects.get(
            pk=client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()["id"]
        )
    )

    response = client.post(f"{API}/threads/{conv.thread.pk}/evidence")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert EvidenceExport.objects.count() == 1


def test_without_a_signing_key_exports_are_unavailable(settings):
    settings.EVIDENCE_SIGNING_KEY = None
    conv = conversation()

    response = api_for(conv.buyer).post(f"{API}/threads/{conv.thread.pk}/evidence")

    assert response.status_code == 503
    assert response.json()["code"] == "evidence_unavailable"
    assert EvidenceExport.objects.count() == 0


def test_status_query_budget(django_assert_num_queries):
    conv = conversation()
    client = api_for(conv.buyer)
    job = client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()
    built(EvidenceExport.objects.get(pk=job["id"]))

    # The throttle's own reads and writes, then the export (no thread, no order).
    with django_assert_num_queries(1):
        assert client.get(job["url"]).status_code == 200


def test_request_query_budget(django_assert_num_queries):
    conv = conversation()
    client = api_for(conv.buyer)

    with django_assert_num_queries(8):
        assert client.post(f"{API}/threads/{conv.thread.pk}/evidence").status_code == 202


def test_the_schema_documents_the_evidence_operations(client):
    schema = client.get("/api/schema/?format=json").json()

    post = schema["paths"]["/api/v1/threads/{thread_id}/evidence"]["post"]
    detail = schema["paths"]["/api/v1/evidence/{export_id}"]["get"]
    download = schema["paths"]["/api/v1/evidence/{export_id}/download"]["get"]
    assert sorted(post["responses"]) == ["202", "401", "404", "429", "503"]
    assert sorted(detail["responses"]) == ["200", "401", "404", "429"]
    assert "application/zip" in download["responses"]["200"]["content"]
    assert sorted(download["responses"]) == ["200", "302", "401", "404", "409", "410", "429"]


def test_sweep_and_build_are_registered_celery_tasks():
    from messagecenter.celery import app

    app.loader.import_default_modules()
    assert {"messaging.build_evidence_export", "messaging.sweep_evidence_exports"} <= set(app.tasks)


def test_a_signature_that_is_not_ascii_is_a_404_not_an_error():
    conv = conversation()
    client = api_for(conv.buyer)
    job = client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()

    response = client.get(f"{API}/evidence/{job['id']}/download?expires=1&signature=é")

    assert response.status_code == 404


def test_on_object_storage_the_download_redirects_to_a_short_signed_url(settings):
    from unittest import mock

    from messaging.attachments.downloads import content_disposition

    conv = conversation()
    client = api_for(conv.buyer)
    job = client.post(f"{API}/threads/{conv.thread.pk}/evidence").json()
    export = built(EvidenceExport.objects.get(pk=job["id"]))
    link = client.get(job["url"]).json()["download_url"]
    settings.ATTACHMENT_URL_EXPIRY_SECONDS = 45
    storage = mock.Mock(querystring_auth=True)
    storage.url.return_value = "https://bucket.example/e?X-Amz-Signature=abc"

    with mock.patch.object(EvidenceExport._meta.get_field("file"), "storage", storage):
        response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == "https://bucket.example/e?X-Amz-Signature=abc"
    storage.url.assert_called_once_with(
        export.file.name,
        parameters={
            "ResponseContentDisposition": content_disposition(
                f"evidence-order-{conv.thread.order.number}-{export.pk}.zip", inline=False
            ),
            "ResponseContentType": "application/zip",
            "ResponseCacheControl": "private, no-store",
        },
        expire=45,
    )
