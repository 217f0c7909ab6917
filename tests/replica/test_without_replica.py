"""With DATABASE_REPLICA_URL unset (the default) there is no replica and nothing changes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from core.replica import replica_reads_allow, request_reads
from messaging.models import Message, Participant
from tests.messaging.factories import thread_with_message

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_without_a_replica_every_query_goes_to_default(buyer, seller, buyer_client, rf):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, body="Where is my parcel?")
    request = rf.get("/messages/")
    request.user = buyer

    assert settings.DATABASE_REPLICA_URL == ""
    assert list(connections) == ["default"]
    with request_reads() as reads:
        assert replica_reads_allow(request) is False
        assert reads.replica is False
        assert router.db_for_read(Message) == "default"
        assert router.db_for_read(Participant, instance=thread) == "default"
        assert router.db_for_write(Message) == "default"
    counts = []
    for path in ("/messages/", f"/messages/{thread.pk}/", "/api/v1/threads"):
        with CaptureQueriesContext(connections["default"]) as queries:
            assert buyer_client.get(path).status_code == 200
        counts.append(len(queries))
    # The pages' usual budgets (tests/messaging/threads/test_views.py): no query more.
    assert counts == [6, 11, 4]


def test_database_replica_url_adds_a_replica_read_like_the_primary():
    script = (
        "import json; from messagecenter import settings as s; "
        "print(json.dumps({'default': s.DATABASES['default'], 'replica': s.DATABASES['replica'], "
        "'routers': s.DATABASE_ROUTERS, 'seconds': s.REPLICA_READ_YOUR_WRITES_SECONDS}))"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://app:secret@primary.internal:5432/shop",
        "DATABASE_REPLICA_URL": "postgres://reader:other@replica.internal:6432/shop?sslmode=require",
        "REPLICA_READ_YOUR_WRITES_SECONDS": "3",
    }

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    configured = json.loads(result.stdout.strip().splitlines()[-1])
    default = configured["default"]
    # The primary's engine, connection reuse and session options; the replica's address.
    assert configured["replica"] == {
        **default,
        "NAME": "shop",
        "USER": "reader",
        "PASSWORD": "other",
        "HOST": "replica.internal",
        "PORT": 6432,
        "OPTIONS": {**default["OPTIONS"], "sslmode": "require"},
        "TEST": {"MIRROR": "default"},
    }
    assert default["HOST"] == "primary.internal"
    assert configured["routers"] == ["core.replica.ReplicaRouter"]
    assert configured["seconds"] == 3.0
