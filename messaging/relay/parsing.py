"""Read an emailed reply: its addresses, authentication results, new text and attached files.

Pure functions over the standard library's email parser, mail-parser-reply (quoted history and
signatures, English and Spanish) and BeautifulSoup (HTML-only mail). No Django imports.
"""

import hashlib
import mimetypes
import re
from collections.abc import Iterable
from email import errors, message_from_bytes, policy
from email.headerregistry import AddressHeader
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

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


def _raw_headers(message: EmailMessage, name: str) -> list[str]:
    """Every value of a header exactly as it arrived, unfolded: no RFC 2047 decoding.

    Decoding would let ``=?utf-8?q?…?=`` text pass for structure (a ";" or an address).
    """
    values = [value for key, value in message.raw_items() if key.lower() == name.lower()]
    return [" ".join(str(value).split()) for value in values]


# An address in a display name: "buyer@example.com" <attacker@evil.example> shows one
# address to a reader and means another.
_ADDRESS_LIKE = re.compile(r"[^\s@<>\"]@[^\s@<>\"]")

# Defects that mean the parser had to guess what the header says (not merely old syntax).
_AMBIGUOUS_DEFECTS = (errors.InvalidHeaderDefect, errors.HeaderMissingRequiredValue)


def from_address(message: EmailMessage) -> str:
    """The one sender address of From, lowercased; "" when From is missing or ambiguous.

    Ambiguous: more than one From header, more than one address or a group, a header the
    parser had to repair (``buyer@example.com)<attacker@evil.example>`` reads as the buyer to
    Python 3.11's ``getaddresses`` but as the attacker to other software), an address in the
    display name, or the header registry and ``getaddresses`` reading different addresses.
    An email whose sender cannot be told for certain is never taken as anyone's.
    """
    raw_values = _raw_headers(message, "From")
    if len(raw_values) != 1:
        return ""
    try:
        parsed = message["From"]
        if not isinstance(parsed, AddressHeader):
            return ""
        groups, mailboxes = parsed.groups, parsed.addresses
    except (ValueError, IndexError, errors.HeaderParseError):
        return ""
    defects = getattr(parsed, "defects", ())  # set by the header registry's BaseHeader
    if any(isinstance(defect, _AMBIGUOUS_DEFECTS) for defect in defects):
        return ""
    if len(groups) != 1 or groups[0].display_name is not None or len(mailboxes) != 1:
        return ""
    mailbox = mailboxes[0]
    address = mailbox.addr_spec.lower()
    if not mailbox.username or not mailbox.domain or address.count("@") != 1:
        return ""
    # The legacy parser, over the raw and over the decoded text, must read the same address.
    for text in (raw_values[0], str(parsed)):
        legacy = getaddresses([text])
        if len(legacy) != 1 or legacy[0][1].lower() != address:
            return ""
        if parseaddr(text)[1].lower() != address:
            return ""
        names = [mailbox.display_name, legacy[0][0]]
        # A display name that is the address itself ("ana@x.com" <ana@x.com>) is unambiguous.
        if any(_ADDRESS_LIKE.search(name) and name.strip().lower() != address for name in names):
            return ""
    return address


def authentication_results(message: EmailMessage, authserv_id: str = "") -> dict[str, str]:
    """SPF and DKIM results as the receiving server recorded them: {"spf": "pass", …}.

    With ``authserv_id`` (the trusted server's), only its Authentication-Results headers count
    and Received-SPF (which names no server) is ignored: anything else the sender may have
    written. Without it, the first Authentication-Results header (the nearest server's) wins.
    """
    results = {"spf": "", "dkim": ""}
    if authserv_id:
        found = trusted_authentication(message, authserv_id)
        for method in results:
            values = found.get(method, [])
            # One passing DKIM signature is enough; the one SPF check is shown as failed if any
            # trusted header says so (a second, passing one can only be a forgery).
            preferred = ("pass",) if method == "dkim" else ("fail", "softfail")
            results[method] = next(
                (v for v in values if v in preferred), values[0] if values else ""
            )
        return {method: value[:20] for method, value in results.items()}
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


def _without_comments(text: str) -> str:
    """The header text without RFC 5322 comments (nested parentheses), quoted strings kept."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in text:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
            continue
        if quoted:
            quoted = char != '"'
            out.append(char)
        elif char == '"' and depth == 0:
            quoted = True
            out.append(char)
        elif char == "(":
            depth += 1
            out.append(" ")
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _split_resinfo(text: str) -> list[str]:
    """Split on the semicolons outside quoted strings."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


_RESINFO = re.compile(r"^\s*([a-z0-9_-]+)(?:\s*/\s*\d+)?\s*=\s*([a-z]+)", re.IGNORECASE)


def trusted_authentication(message: EmailMessage, authserv_id: str) -> dict[str, list[str]]:
    """Every result the trusted server recorded, by method: {"spf": ["fail"], "dkim": […]}.

    Only Authentication-Results headers whose authserv-id (RFC 8601) is ``authserv_id`` count;
    the server in front must remove any that arrive from outside carrying its id.
    """
    found: dict[str, list[str]] = {}
    wanted = authserv_id.strip().lower()
    for value in _raw_headers(message, "Authentication-Results"):
        parts = _split_resinfo(_without_comments(value))
        words = parts[0].split()
        if not words or words[0].strip('"').lower() != wanted:
            continue
        for part in parts[1:]:
            match = _RESINFO.match(part)
            if match:
                found.setdefault(match.group(1).lower(), []).append(match.group(2).lower())
    return found


def authentication_failure(message: EmailMessage, authserv_id: str) -> str:
    """Why the trusted server says the From is forged ("dmarc=fail", …); "" when it does not.

    Refused: DMARC failing, or SPF failing (fail, softfail) while no DKIM signature passes
    (fail, or none: unsigned). A temporary error, or a method the server did not report,
    refuses nothing.
    """
    if not authserv_id:
        return ""
    found = trusted_authentication(message, authserv_id)
    dmarc, spf, dkim = found.get("dmarc", []), found.get("spf", []), found.get("dkim", [])
    if "fail" in dmarc:
        return "dmarc=fail"
    # The server checks SPF once; a second, passing result can only be a forgery.
    spf_failed = any(v in ("fail", "softfail") for v in spf)
    dkim_failed = bool(dkim) and "pass" not in dkim and any(v in ("fail", "none") for v in dkim)
    if spf_failed and dkim_failed:
        spf_result = next(v for v in spf if v in ("fail", "softfail"))
        dkim_result = next(v for v in dkim if v in ("fail", "none"))
        return f"spf={spf_result} dkim={dkim_result}"
    return ""


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
