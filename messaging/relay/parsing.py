"""Read an emailed reply: its addresses, authentication results, new text and attached files.

Pure functions over the standard library's email parser, mail-parser-reply (quoted history and
signatures, English and Spanish) and BeautifulSoup (HTML-only mail). No Django imports.
"""

import hashlib
import mimetypes
import re
from collections.abc import Iterable
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses

from bs4 import BeautifulSoup
from mailparser_reply.parser import EmailMessage as ReplyMessage

from messaging.attachments.checks import IncomingFile

REPLY_LANGUAGES = ["en", "es"]


MAX_HEADER_LENGTH = 255


# mail-parser-reply's Spanish attribution pattern ("El lun, 6 ene 2025, Ana <…> escribió:")
# never matches as released, so the line is found here; clients wrap it over two lines.
_SPANISH_ATTRIBUTION = re.compile(
    r"^[> ]*El\s[^\n]*(?:\n[^\n]*)?\sescribi[oó]:[ \t]*$", re.MULTILINE | re.IGNORECASE
)


_AUTH_RESULT = {
    "spf": re.compile(r"\bspf\s*=\s*([a-z]+)", re.IGNORECASE),
    "dkim": re.compile(r"\bdkim\s*=\s*([a-z]+)", re.IGNORECASE),
}


# Where mail clients put the quoted history in HTML.
_HTML_QUOTE_SELECTORS = (
    "blockquote, .gmail_quote, .gmail_attr, .moz-cite-prefix, #appendonsend, "
    "#divRplyFwdMsg, .yahoo_quoted, script, style, head"
)


_HTML_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol")


def parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def header(message: EmailMessage, name: str) -> str:
    """One header as text, folded onto one line; "" when absent or unreadable."""
    try:
        value = message.get(name)
    except (ValueError, IndexError):  # a malformed header the parser cannot decode
        return ""
    return " ".join(str(value or "").split())


def message_id(message: EmailMessage, raw: bytes) -> str:
    """The email's Message-ID, or one derived from its bytes when it has none (or a huge one)."""
    value = header(message, "Message-ID")
    if value and len(value) <= MAX_HEADER_LENGTH:
        return value
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"


def addresses(message: EmailMessage, *names: str) -> list[str]:
    """Every address in the named headers, lowercased, in order."""
    values = [header(message, name) for name in names]
    return [address.lower() for _name, address in getaddresses(values) if "@" in address]


def from_address(message: EmailMessage) -> str:
    found = addresses(message, "From")
    return found[0] if found else ""


def authentication_results(message: EmailMessage) -> dict[str, str]:
    """SPF and DKIM results as the receiving server recorded them: {"spf": "pass", …}.

    The first Authentication-Results header is the one the nearest (our) server added.
    """
    results = {"spf": "", "dkim": ""}
    for value in message.get_all("Authentication-Results") or []:
        text = " ".join(str(value).split())
        for method, pattern in _AUTH_RESULT.items():
            match = pattern.search(text)
            if match and not results[method]:
                results[method] = match.group(1).lower()
    received_spf = header(message, "Received-SPF")
    if received_spf and not results["spf"]:
        results["spf"] = received_spf.split()[0].lower()
    return {method: value[:20] for method, value in results.items()}


def is_automatic(message: EmailMessage) -> bool:
    """Whether the email was sent by a machine (an auto-reply, a bounce, a list)."""
    auto = header(message, "Auto-Submitted").lower()
    precedence = header(message, "Precedence").lower()
    return (auto not in ("", "no")) or precedence in ("bulk", "junk", "list")


def html_to_text(html: str) -> str:
    """The readable text of an HTML email, without the quoted history clients add."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select(_HTML_QUOTE_SELECTORS):
        element.decompose()
    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")
    for block in soup.find_all(_HTML_BLOCKS):
        block.insert_after("\n")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def strip_reply(text: str) -> str:
    """Keep only what the sender wrote: drop the quoted history and the signature."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    attribution = _SPANISH_ATTRIBUTION.search(text)
    if attribution:
        text = text[: attribution.start()]
    parsed = ReplyMessage(text=text, languages=list(REPLY_LANGUAGES), keep_hyphen_lists=True)
    replies = parsed.read().replies
    body = replies[0].body if replies else ""
    lines = body.split("\n")
    # A quoted block left at the end (no attribution line before it) is history too.
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    return "\n".join(lines).strip()


def reply_text(message: EmailMessage) -> str:
    """The new text of a reply: its plain-text body, else its HTML as text; history stripped."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if body.get_content_type() == "text/html":
        content = html_to_text(content)
    return strip_reply(content)


def _attachment_parts(message: EmailMessage) -> Iterable[EmailMessage]:
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        if part.is_multipart():
            # A forwarded email or a nested container: its own files count.
            yield from _attachment_parts(part)
            continue
        filename = part.get_filename()
        # Images the HTML shows inline (a logo in a signature) are not attachments.
        if not filename and part["Content-ID"] and part.get_content_disposition() != "attachment":
            continue
        yield part


def attachments(message: EmailMessage) -> list[IncomingFile]:
    """The email's attached files, for the attachment validator, in order."""
    files = []
    for index, part in enumerate(_attachment_parts(message), start=1):
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name = part.get_filename() or ""
        if not name:
            extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
            name = f"attachment-{index}{extension}"
        files.append(IncomingFile(name=name, data=data))
    return files
