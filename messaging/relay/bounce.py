"""The explanation a sender gets when an emailed reply is refused, in the sender's language.

It goes to the exact address that wrote (not to a seller's whole team, so not through the
notification outbox), with a Message-ID fixed by the inbound email's row: sent again, it is
recognisably the same email. It names the conversation only to its own participant.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import NotificationAddress, User
from messaging.models import InboundEmail
from messaging.policy.reasons import blocked_explanation
from messaging.relay import parsing as email_parsing
from messaging.threads.links import thread_link
from notifications.emails import message_id_domain

REASONS = {
    "unknown_alias": gettext_lazy(
        "We could not tell which conversation your email answers: the address you wrote to is "
        "not a valid reply address."
    ),
    "expired_alias": gettext_lazy(
        "The reply address you wrote to has expired. Reply to a newer notification email, or "
        "reply in Message Center."
    ),
    "unauthorized_sender": gettext_lazy(
        "Replies to this conversation are accepted only from the email address of the "
        "account it belongs to, or from a notification address registered on that account."
    ),
    "empty_reply": gettext_lazy(
        "Your email had no new text and no files, so there was nothing to send."
    ),
    "attachment_rejected": gettext_lazy("Your message was not delivered: a file cannot be sent."),
    "too_many_files": gettext_lazy("Your message was not delivered: it has more than five files."),
    "message_too_large": gettext_lazy("Your message was not delivered: it is larger than 10 MB."),
    "body_too_long": gettext_lazy("Your message was not delivered: it is too long."),
    "rate_limited": gettext_lazy(
        "You sent too many messages in a short time. Wait a few minutes and send your reply again."
    ),
    "processing_failed": gettext_lazy(
        "We could not process your email. Please send your reply again, or reply in Message Center."
    ),
    # These two go to the account owner's own address, never to the From of the email.
    "ambiguous_sender": gettext_lazy(
        "An email sent to your reply address for this conversation was not delivered: its "
        "sender line (From) did not name exactly one clear address, so we could not tell who "
        "wrote it. If you sent it, send it again from your usual email program, or reply in "
        "Message Center."
    ),
    "unauthenticated_sender": gettext_lazy(
        "An email sent to your reply address for this conversation claimed to come from you, "
        "but it failed the sender checks of your email domain (SPF, DKIM, DMARC), so it was "
        "not delivered. If you did not send it, someone else knows this reply address; nothing "
        "was posted in your name. If you did, reply in Message Center."
    ),
}

# Refusals of an email that may not come from who it names: explained to the alias's owner,
# without repeating anything the unknown sender wrote (its subject).
SENDER_REFUSALS = frozenset({"ambiguous_sender", "unauthenticated_sender"})


DEFAULT_REASON = gettext_lazy("Your reply could not be delivered in this conversation.")


def reason_text(code: str, *, categories: Sequence[str] = ()) -> str:
    """One sentence saying why an email was refused, in the active language."""
    if code == "policy_blocked":
        return blocked_explanation(categories, where="email")
    return str(REASONS.get(code, DEFAULT_REASON))


def bounce_message_id(row: InboundEmail) -> str:
    return f"<inbound-bounce-{row.pk}@{message_id_domain()}>"


def bounce_language(row: InboundEmail) -> str:
    """The reader's language: their account's, else what the email declares, else ours.

    The reader is whoever the explanation goes to (the alias's owner when the From could not
    be trusted), else the From address.
    """
    address = row.bounce_to or row.from_address
    user = row.sender or User.objects.filter(email__iexact=address).first()
    if user is None:
        extra = NotificationAddress.objects.filter(email__iexact=address).first()
        user = extra.user if extra is not None else None
    if user is not None:
        return user.language
    message = email_parsing.parse(bytes(row.raw))
    declared = email_parsing.header(message, "Content-Language").lower()
    codes = [code for code, _name in settings.LANGUAGES]
    return next((code for code in codes if declared.startswith(code)), settings.LANGUAGE_CODE)


def _thread_url(row: InboundEmail) -> str:
    if row.thread is None or row.sender_id is None:
        return ""
    return thread_link(row.thread.pk, for_seller=row.sender_id == row.thread.seller_id)


def inbound_bounce_build(row: InboundEmail) -> EmailMessage:
    """The email telling a sender why their email was refused."""
    with translation.override(bounce_language(row)):
        headline = reason_text(
            row.reason_code, categories=row.message.categories if row.message else []
        )
        details = [line for line in row.reason.split("\n")[1:] if line.strip()]
        parts = [headline]
        if details:
            parts.append("\n".join(f"- {line}" for line in details))
        url = _thread_url(row)
        if url:
            parts.append(_("Open the conversation: %(url)s") % {"url": url})
        parts.append(
            "-- \n"
            + _("Message Center. This email was sent automatically; replies to it are not read.")
        )
        if row.reason_code in SENDER_REFUSALS:
            subject = _("An email sent in your name was not delivered")
        else:
            subject = _("Your reply was not delivered")
            if row.subject:
                subject = f"{subject}: {row.subject}"
    # A Message-ID derived from the bytes (the email had none) names nothing to answer.
    original = "" if row.header_message_id.endswith("@inbound.invalid>") else row.header_message_id
    headers = {
        "Message-ID": row.bounce_message_id or bounce_message_id(row),
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if original:
        headers.update({"In-Reply-To": original, "References": original})
    return EmailMessage(
        subject=subject[:200],
        body="\n\n".join(parts) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.bounce_to],
        headers=headers,
    )
