from functools import cache

from django.http import HttpRequest

from messaging.threads.selectors import FOLDER_COUNT_CAP, thread_unread_count


def unread_badge(request: HttpRequest) -> dict[str, object]:
    """Expose the unread-thread count to every page; computed only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or (user.is_staff and not user.is_seller):
        return {}
    # Cached callables, not lazy proxies: templates call them and get a real int, which
    # plural rules (``n % 1000000`` in Spanish) can compute with; the query runs at most once.
    # Like the folder tabs, the badge stops at 999 ("999+"), so it costs the same however
    # many threads are unread.
    counted = cache(lambda: thread_unread_count(user=user))
    return {
        "unread_total": lambda: min(counted(), FOLDER_COUNT_CAP),
        "unread_more": lambda: counted() > FOLDER_COUNT_CAP,
    }
