"""Render a notification row into an email: plain text and HTML, in the recipient's language.

Everything comes from the row itself (its context was written with the event), so rendering
needs no other app and gives the same email however often it runs.
"""

from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification, NotificationKind


def message_id_domain() -> str:
    """The right-hand side of notification Message-IDs: configured, else the sender's domain."""
    configured = settings.NOTIFICATION_MESSAGE_ID_DOMAIN
    if configured:
        return str(configured)
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def notification_message_id(notification: Notification) -> str:
    """A Message-ID fixed by the row, so a re-sent email is recognisably the same email."""
    return f"<notification-{notification.pk}@{message_id_domain()}>"


def settings_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("notifications:settings")


def email_build(notification: Notification) -> EmailMultiAlternatives:
    """Build the email for one notification row; it names no one by email address.

    An email about a thread answers to the reader's own reply alias (``reply_to`` in the
    context, written by the sender of the event), never to the other party.
    """
    context = {
        **notification.context,
        "kind": notification.kind,
        "settings_url": settings_url(),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    if notification.kind == NotificationKind.SIGN_IN_PAUSED:
        # Stored as ISO 8601; rendered as a date in the reader's language.
        context["resume_at"] = datetime.fromisoformat(str(context["resume_at"]))
    if notification.kind == NotificationKind.TEAM_INVITATION:
        context["expires_at"] = datetime.fromisoformat(str(context["expires_at"]))
    template = f"notifications/email/{notification.kind}"
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        reply_to=[str(context["reply_to"])] if context.get("reply_to") else None,
        headers={
            "Message-ID": notification_message_id(notification),
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "List-Unsubscribe": f"<{context['settings_url']}>",
        },
    )
    email.attach_alternative(html, "text/html")
    return email
