"""Where a conversation's page is: each side has its own, in Seller Central or "Your messages"."""

from django.conf import settings
from django.urls import reverse


def thread_path(thread_id: int, *, for_seller: bool) -> str:
    """The path of a thread's page for one side, as the site's own links use it."""
    view = "messaging:seller-thread" if for_seller else "messaging:thread"
    return reverse(view, args=[thread_id])


def thread_link(thread_id: int, *, for_seller: bool) -> str:
    """The absolute link to a thread's page that emails and webhook events carry."""
    return settings.SITE_URL.rstrip("/") + thread_path(thread_id, for_seller=for_seller)
