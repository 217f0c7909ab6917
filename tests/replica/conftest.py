"""A real streaming replica for the router's tests: Django's databases pointed at it per test.

The rest of the suite uses the test database on the shared server. These tests use, for their
own duration only, a private primary as ``default`` and its replica as ``replica``
(``tests/replica/clusters.py``), both made once per test session (per xdist worker). They do
not run in a test transaction: the replica only ever sees committed rows, so every row they
make is committed on the private primary, which is thrown away at the end of the session.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections

from tests.replica.clusters import Cluster, ClusterError, StreamingReplica, streaming_replica


@contextmanager
def django_databases(databases: dict[str, dict[str, Any]]) -> Iterator[None]:
    """Point these database aliases at other servers for a while, then put everything back.

    The connections already open (the test database's) are set aside untouched and restored.
    """
    handler = connections
    previous = {alias: handler.settings.get(alias) for alias in databases}
    set_aside = {alias: getattr(handler._connections, alias, None) for alias in databases}
    for alias, connection in set_aside.items():
        if connection is not None:
            delattr(handler._connections, alias)
    handler.settings.update(handler.configure_settings({k: dict(v) for k, v in databases.items()}))
    # Content type ids are cached per alias name, and differ between the databases.
    ContentType.objects.clear_cache()
    try:
        yield
    finally:
        for alias in databases:
            connection = getattr(handler._connections, alias, None)
            if connection is not None:
                connection.close()
                delattr(handler._connections, alias)
        for alias, settings_dict in previous.items():
            if settings_dict is None:
                del handler.settings[alias]
            else:
                handler.settings[alias] = settings_dict
        for alias, connection in set_aside.items():
            if connection is not None:
                setattr(handler._connections, alias, connection)
        ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def streaming_pair(django_db_blocker) -> Iterator[StreamingReplica]:
    """A private primary with the app's tables, and its streaming replica, for the session."""

    def migrate(primary: Cluster) -> None:
        with django_db_blocker.unblock(), django_databases({"default": primary.django_settings()}):
            call_command("migrate", verbosity=0, interactive=False)

    try:
        with streaming_replica(prepare_primary=migrate) as pair:
            yield pair
    except ClusterError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def replica_databases(streaming_pair, django_db_blocker) -> Iterator[StreamingReplica]:
    """Django's ``default`` on the private primary and ``replica`` on its replica, in sync."""
    databases = {
        "default": streaming_pair.primary.django_settings(),
        "replica": streaming_pair.replica.django_settings(),
    }
    with django_db_blocker.unblock(), django_databases(databases):
        streaming_pair.resume()
        streaming_pair.catch_up()
        try:
            yield streaming_pair
        finally:
            streaming_pair.resume()
