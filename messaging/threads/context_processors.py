from functools import cache

from django.http import HttpRequest

from messaging.threads.selectors import thread_unread_count


def unread_badge(request: HttpRequest) -> dict[str, object]:
    """Expose the unread-thread count to every page; computed only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or (user.is_staff and not user.is_seller):
        return {}
    # A cached callable, not a lazy proxy: templates call it and get a real int, which
    # plural rules (``n % 1000000`` in Spanish) can compute with; the query runs at most once.
    return {"unread_total": cache(lambda: thread_unread_count(user=user))}
