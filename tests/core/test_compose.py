"""docker-compose.yml, read (no Docker engine here): healthchecks, PgBouncer, metrics folders.

Also the settings the compose file relies on: behind PgBouncer in transaction pooling nothing
may outlive a transaction.
"""

import importlib

import yaml

import messagecenter.settings as settings_module
from tests.core.servers import ROOT

APP_SERVICES = ("web", "worker", "beat", "inbound-smtp")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_app_service_is_checked_by_the_probes():
    services = compose()["services"]

    assert {name: services[name]["healthcheck"]["test"] for name in APP_SERVICES} == {
        "web": [
            *("CMD", "python", "manage.py", "healthcheck", "web"),
            *("--url", "http://127.0.0.1:8000/readyz"),
        ],
        "worker": ["CMD", "python", "manage.py", "healthcheck", "worker"],
        "beat": ["CMD", "python", "manage.py", "healthcheck", "beat", "--max-age", "120"],
        "inbound-smtp": ["CMD", "python", "manage.py", "healthcheck", "inbound-smtp"],
    }
    # The worker keeps Celery's default node name, celery@<hostname>, which the ping asks for.
    assert "-n" not in services["worker"]["command"]
    # Beat's heartbeat is where its healthcheck reads it; the web answers on the port it checks.
    assert services["beat"]["environment"]["BEAT_HEARTBEAT_FILE"] == "/tmp/celerybeat-heartbeat"
    assert "0.0.0.0:8000" in services["web"]["command"]
    assert services["pgbouncer"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]


def test_the_app_reaches_postgresql_through_pgbouncer_in_transaction_pooling():
    services = compose()["services"]
    pooled = "postgres://messagecenter:messagecenter@pgbouncer:5432/messagecenter"
    direct = "postgres://messagecenter:messagecenter@postgres:5432/messagecenter"

    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert (environment["DATABASE_URL"], environment["DB_TRANSACTION_POOLING"]) == (
            pooled,
            "1",
        ), name
    assert (
        services["migrate"]["environment"]["DATABASE_URL"],
        services["migrate"]["environment"]["DB_TRANSACTION_POOLING"],
    ) == (direct, "0")
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    assert services["pgbouncer"]["environment"]["DATABASE_URL"] == direct
    # What the app may not send through PgBouncer, the server sets for everyone.
    assert "max_parallel_workers_per_gather=0" in services["postgres"]["command"]


def test_each_app_service_counts_in_a_fresh_folder_of_its_own():
    services = compose()["services"]

    for name in APP_SERVICES:
        folder = services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        assert folder in services[name]["tmpfs"], name
    for name in ("worker", "inbound-smtp"):
        environment = services[name]["environment"]
        everywhere = "0.0.0.0"  # noqa: S104 - inside the container, for the compose network
        assert (environment["METRICS_PORT"], environment["METRICS_HOST"]) == ("9808", everywhere)
        assert "ports" not in services[name] or "9808" not in str(services[name]["ports"])


def reloaded_settings(monkeypatch, **environment: str):
    with monkeypatch.context() as patched:
        for name, value in environment.items():
            patched.setenv(name, value)
        patched.delenv("DATABASE_REPLICA_URL", raising=False)
        reloaded = importlib.reload(settings_module).DATABASES["default"]
    importlib.reload(settings_module)
    return reloaded


def test_transaction_pooling_turns_off_what_cannot_outlive_a_transaction(monkeypatch):
    url = "postgres://app:secret@pgbouncer:5432/messagecenter"

    pooled = reloaded_settings(monkeypatch, DATABASE_URL=url, DB_TRANSACTION_POOLING="1")
    direct = reloaded_settings(monkeypatch, DATABASE_URL=url, DB_TRANSACTION_POOLING="0")

    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert pooled["OPTIONS"] == {"prepare_threshold": None}
    assert direct["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert direct["OPTIONS"] == {"options": "-c max_parallel_workers_per_gather=0"}


def test_the_cache_has_a_redis_of_its_own_that_evicts_and_the_brokers_never_does():
    services = compose()["services"]
    cache = services["cache"]["command"]

    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert "--maxmemory" in cache
    assert "--maxmemory" not in services["redis"]["command"]  # Redis's default: noeviction
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name
        assert environment["CACHE_REDIS_URL"] == "redis://cache:6379/0", name
        assert services[name]["depends_on"]["cache"] == {"condition": "service_healthy"}, name
