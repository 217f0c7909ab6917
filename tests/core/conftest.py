import os

import pytest
from django.conf import settings
from django.db import connection

from tests.core.servers import RedisServer, find_tool


def ready_checks() -> dict[str, str]:
    """What /readyz reports when everything this test run uses answers."""
    return {
        connection.vendor: "ok",
        "redis": "ok" if settings.REDIS_URL else "not configured",
        "broker": "ok",
        "storage": "ok",
    }


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own, which it may stop or freeze."""
    if find_tool("redis-server") is None:
        reason = "needs redis-server"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    server = RedisServer(tmp_path)
    yield server
    server.stop()
