from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from messaging.selectors import unread_thread_count


def unread_badge(request: HttpRequest) -> dict[str, object]:
    """Expose the unread-thread count to every page; computed only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or (user.is_staff and not user.is_seller):
        return {}
    return {"unread_total": SimpleLazyObject(lambda: unread_thread_count(user=user))}
