"""/healthz answers without I/O; /readyz names what does not answer, within its timeout."""

import json
import subprocess
import sys
import time

import pytest
from django.db import connection

from core import probes
from tests.core.conftest import ready_checks
from tests.core.servers import (
    ROOT,
    PostgresServer,
    app_env,
    free_port,
    gunicorn,
    http_get,
)


def all_ok() -> dict:
    return {"status": "ok", "checks": ready_checks(), "failed": []}


def wait_for_hanging_checks(timeout: float = 10) -> None:
    """Let checks still waiting on a server that was frozen finish, so none is left running."""
    deadline = time.monotonic() + timeout
    while probes._RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert probes._RUNNING == {}


@pytest.mark.django_db
def test_healthz_answers_without_touching_anything(client, django_assert_num_queries, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing there: it is not asked

    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_200_when_everything_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == all_ok()


@pytest.mark.django_db
def test_readyz_names_redis_and_the_broker_when_redis_is_away(client, settings, redis_away):
    url = f"redis://127.0.0.1:{redis_away}/0"
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    settings.READYZ_TIMEOUT_SECONDS = 1.0

    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {**ready_checks(), "redis": "error", "broker": "error"},
        "failed": ["redis", "broker"],
    }
    assert elapsed < 1.0


@pytest.mark.django_db
def test_readyz_checks_the_caches_own_redis_when_it_has_one(client, settings, redis_away):
    # The broker's Redis answers; the cache's own (CACHE_REDIS_URL) does not.
    settings.CACHE_REDIS_URL = f"redis://127.0.0.1:{redis_away}/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {**ready_checks(), "redis": "error"},
        "failed": ["redis"],
    }


@pytest.mark.django_db
def test_readyz_names_the_storage_when_files_cannot_be_written(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": "/dev/null/private"},
        },
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"
    assert response.json()["failed"] == ["storage"]


@pytest.mark.django_db
def test_readyz_reports_a_frozen_redis_as_a_timeout_within_its_time(client, settings, redis_server):
    server = redis_server
    settings.REDIS_URL = settings.CELERY_BROKER_URL = server.url
    settings.READYZ_TIMEOUT_SECONDS = 0.5
    assert client.get("/readyz").status_code == 200

    server.freeze()
    started = time.monotonic()
    frozen = client.get("/readyz")
    elapsed = time.monotonic() - started
    server.thaw()
    wait_for_hanging_checks()
    thawed = client.get("/readyz")

    assert frozen.status_code == 503
    assert frozen.json()["checks"] == {**ready_checks(), "redis": "timeout", "broker": "timeout"}
    assert elapsed < 0.9
    assert thawed.json() == all_ok()


@pytest.mark.django_db
def test_a_check_still_hanging_is_not_started_again(settings, redis_server):
    server = redis_server
    settings.REDIS_URL = server.url
    server.freeze()

    first = probes.readiness_check(names=["redis"], timeout=0.3)
    [hanging] = probes._RUNNING.values()
    second = probes.readiness_check(names=["redis"], timeout=0.3)
    still = list(probes._RUNNING.values())
    server.thaw()
    wait_for_hanging_checks()

    assert still == [hanging]

    assert (first.checks, second.checks) == ({"redis": "timeout"}, {"redis": "timeout"})


@pytest.mark.django_db
def test_the_probes_are_never_redirected_nor_refused_for_their_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    page = client.get("/accounts/login/")
    probes_answered = [
        client.get(path, HTTP_HOST="web:8000").status_code
        for path in ("/healthz", "/readyz", "/metrics")
    ]

    assert page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"
    assert probes_answered == [200, 200, 200]
    assert client.post("/readyz", HTTP_HOST="web:8000").status_code == 405


@pytest.mark.services
def test_readyz_of_a_real_server_names_postgresql_or_redis_stopped_or_frozen(
    tmp_path, redis_server
):
    """gunicorn on a PostgreSQL and a Redis of the test's own, which it stops and freezes."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's initdb")
    database, cache = PostgresServer(), redis_server
    port = free_port()
    env = app_env(
        DATABASE_URL=database.url,
        REDIS_URL=cache.url,
        READYZ_TIMEOUT_SECONDS="1",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    web = None
    try:
        web = gunicorn(port=port, env=env, log=tmp_path / "web.log", workers=1)

        def readyz() -> tuple[int, dict[str, str], float]:
            started = time.monotonic()
            status, _, body = http_get(f"http://127.0.0.1:{port}/readyz")
            return status, json.loads(body)["checks"], time.monotonic() - started

        def healthcheck_web() -> int:
            command = [sys.executable, "manage.py", "healthcheck", "web", "--url"]
            result = subprocess.run(
                [*command, f"http://127.0.0.1:{port}/readyz"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                timeout=60,
                check=False,
            )
            return result.returncode

        def until_ready() -> None:
            deadline = time.monotonic() + 15
            while readyz()[0] != 200:
                assert time.monotonic() < deadline, "never ready again"
                time.sleep(0.2)

        ok = {"postgresql": "ok", "redis": "ok", "broker": "ok", "storage": "ok"}
        assert readyz()[:2] == (200, ok)
        assert healthcheck_web() == 0

        cache.stop()
        status, checks, elapsed = readyz()
        assert (status, checks) == (503, {**ok, "redis": "error", "broker": "error"})
        assert elapsed < 1.5
        assert healthcheck_web() == 1
        cache.start()
        until_ready()

        cache.freeze()
        status, checks, elapsed = readyz()
        assert (status, checks) == (503, {**ok, "redis": "timeout", "broker": "timeout"})
        assert elapsed < 1.5
        cache.thaw()
        until_ready()

        database.stop()
        status, checks, elapsed = readyz()
        assert (status, checks) == (503, {**ok, "postgresql": "error"})
        assert elapsed < 1.5
        database.start()
        until_ready()

        database.freeze()
        status, checks, elapsed = readyz()
        assert (status, checks) == (503, {**ok, "postgresql": "timeout"})
        assert elapsed < 1.5
        # The process itself still answers: /healthz touches nothing.
        assert http_get(f"http://127.0.0.1:{port}/healthz", timeout=1)[0] == 200
        database.thaw()
        until_ready()
    finally:
        if web is not None:
            web.stop()
        database.remove()
