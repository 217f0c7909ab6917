"""Run work after the current transaction commits, without letting its failure undo the request.

`robust=True` matters here: the rows are already committed (an outbox row, a stored email), so a
broker that is down must not turn a saved message into an error page; the periodic sweep enqueues
the row again. Django logs a robust callback's failure by the callable's `__qualname__`, which a
`functools.partial` lacks, so the callback is a named function instead.
"""

from collections.abc import Callable

from django.db import transaction


def after_commit(func: Callable[..., object], *args: object, **kwargs: object) -> None:
    def run() -> None:
        func(*args, **kwargs)

    run.__qualname__ = f"after_commit[{getattr(func, '__qualname__', repr(func))}]"
    run.func, run.args, run.kwargs = func, args, kwargs  # type: ignore[attr-defined]  # for tests
    transaction.on_commit(run, robust=True)
