"""Build the emails people send back to a notification, as their mail clients would."""

from email.message import EmailMessage
from email.utils import make_msgid

from tests.messaging import badfiles

QUOTED_EN = (
    "\n\nOn Mon, Jan 6, 2025 at 10:00 AM Sam's Shop <{alias}> wrote:\n"
    "> It ships today.\n"
    "> \n"
    "> Reply to this email to answer in Message Center.\n"
)
QUOTED_ES = (
    "\n\nEl lun, 6 ene 2025 a las 10:00, Sam's Shop (<{alias}>)\nescribió:\n> Se envía hoy.\n"
)


def reply_email(
    *,
    alias: str,
    sender: str,
    text: str | None = None,
    html: str | None = None,
    files: tuple[tuple[str, str, bytes], ...] = (),
    message_id: str | None = None,
    subject: str = "Re: New message from Sam's Shop",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A reply to a notification; ``files`` are (name, MIME type, bytes)."""
    email = EmailMessage()
    email["From"] = f"Someone <{sender}>"
    email["To"] = alias
    email["Subject"] = subject
    email["Message-ID"] = message_id or make_msgid(domain="client.example")
    if text is not None:
        email.set_content(text)
        if html is not None:
            email.add_alternative(html, subtype="html")
    elif html is not None:
        email.set_content(html, subtype="html")
    for name, mime, data in files:
        maintype, subtype = mime.split("/")
        email.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    # After the content: setting it replaces every Content-* header.
    for name, value in (headers or {}).items():
        email[name] = value
    return email


def photo() -> bytes:
    return badfiles.jpeg()
