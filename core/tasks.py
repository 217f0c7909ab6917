"""Enqueue Celery tasks by their stable names once the current transaction commits.

A service that writes an outbox row names the task that delivers the row instead of importing
the tasks module, which imports the service: the two share only the task's name, as the web
process and the worker do anyway. A name that no task bears is caught by the tests, which check
every name enqueued against the registered tasks.
"""

from celery import current_app

from core.on_commit import after_commit


def task_send(name: str, *args: object) -> None:
    """Publish the task of this name with these arguments, now."""
    current_app.send_task(name, args=args)


def task_enqueue(name: str, *args: object) -> None:
    """Publish the task of this name with these arguments once the transaction commits.

    Robust, as ``after_commit``: a broker that is down leaves the committed row pending for
    its sweep instead of failing the request.
    """
    after_commit(task_send, name, *args)
