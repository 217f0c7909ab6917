"""End to end: the API asks, a real Celery worker on Redis builds, the requester downloads."""

import io
import os
import time

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from messaging.evidence import signing
from messaging.evidence.verify import archive_verify
from tests.messaging.evidence.helpers import conversation
from tests.notifications import live

pytestmark = pytest.mark.services


@pytest.fixture
def worker(transactional_db, tmp_path, private_storage):
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        reason = "needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    process = live.start_worker(
        smtp_port=live.free_port(),  # nothing is emailed here
        log_path=tmp_path / "worker.log",
        # The worker reads and writes the files where this test's storage keeps them.
        extra_env={"PRIVATE_MEDIA_ROOT": str(private_storage)},
    )
    yield process
    live.stop_worker(process)


def test_a_real_worker_builds_the_export_the_api_asked_for(worker, tmp_path):
    conv = conversation()
    client = APIClient()
    client.force_authenticate(conv.buyer)

    job = client.post(f"/api/v1/threads/{conv.thread.pk}/evidence")
    assert job.status_code == 202
    url = job.json()["url"]
    deadline = time.monotonic() + 60
    state = client.get(url).json()
    seen = {state["status"]}
    while state["status"] in {"pending", "running"} and time.monotonic() < deadline:
        time.sleep(0.2)
        state = client.get(url).json()
        seen.add(state["status"])
    download = client.get(state["download_url"])
    content = b"".join(download.streaming_content)

    assert state["status"] == "ready", (tmp_path / "worker.log").read_text()[-3000:]
    assert state["progress"] == 100
    assert download.status_code == 200
    report = archive_verify(io.BytesIO(content), signing.public_key())
    assert report.problems == []
    assert report.checked_files == 3
