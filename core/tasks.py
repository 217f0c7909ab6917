"""Enqueue Celery tasks by their stable names once the current transaction commits.

A service that writes an outbox row names the task that delivers the row instead of importing
the tasks module, which imports the service: the two share only the task's name, as the web
process and the worker do anyway. A name that no task bears is caught by the tests, which check
every name enqueued against the registered tasks.

Publishing is best effort: the row is committed before, so a broker that is down or frozen
costs nothing but time, and the outbox's sweep enqueues the row again once the broker is back.
"""

from celery import current_app
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from core.on_commit import after_commit
from core.outage import Outage

BROKER_OUTAGE = Outage("task broker")


def task_send(name: str, *args: object, countdown: float | None = None) -> None:
    """Publish the task of this name with these arguments now; skip it while the broker is away.

    ``countdown``: the worker runs it that many seconds from now at the earliest.
    """
    if BROKER_OUTAGE.is_resting():
        return
    try:
        current_app.send_task(name, args=args, countdown=countdown)
    except (KombuError, RedisError, OSError) as error:
        BROKER_OUTAGE.failed(error)


def task_enqueue(name: str, *args: object, countdown: float | None = None) -> None:
    """Publish the task of this name with these arguments once the transaction commits."""
    if countdown is None:
        after_commit(task_send, name, *args)
    else:
        after_commit(task_send, name, *args, countdown=countdown)
