"""Why a file was refused, in the reader's language.

messaging/attachments.py checks files without Django and explains each refusal in English
(the API returns that text next to a stable code). Pages show the reason translated through
this table; a reason not listed is shown as it is.
"""

import re

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_REASONS: dict[str, Promise] = {
    "Password-protected PDFs cannot be checked.": _("Password-protected PDFs cannot be checked."),
    "The .txt file contains binary or control characters.": _(
        "The .txt file contains binary or control characters."
    ),
    "The .txt file holds binary data, not text.": _("The .txt file holds binary data, not text."),
    "The .txt file is not readable text in a known encoding.": _(
        "The .txt file is not readable text in a known encoding."
    ),
    "The PDF contains JavaScript.": _("The PDF contains JavaScript."),
    "The PDF contains an action that launches a program.": _(
        "The PDF contains an action that launches a program."
    ),
    "The PDF contains embedded files.": _("The PDF contains embedded files."),
    "The PDF is damaged and cannot be read.": _("The PDF is damaged and cannot be read."),
    "The Word document contains a DDE field that runs commands.": _(
        "The Word document contains a DDE field that runs commands."
    ),
    "The Word document contains a field that loads content from elsewhere.": _(
        "The Word document contains a field that loads content from elsewhere."
    ),
    "The Word document contains macros or ActiveX controls.": _(
        "The Word document contains macros or ActiveX controls."
    ),
    "The Word document contains macros.": _("The Word document contains macros."),
    "The Word document embeds an object or a macro-enabled file.": _(
        "The Word document embeds an object or a macro-enabled file."
    ),
    "The Word document embeds another file.": _("The Word document embeds another file."),
    "The Word document is damaged and cannot be read.": _(
        "The Word document is damaged and cannot be read."
    ),
    "The Word document is macro-enabled.": _("The Word document is macro-enabled."),
    "The Word document loads a template or content from outside the file.": _(
        "The Word document loads a template or content from outside the file."
    ),
    "The file is a zip archive, not a Word document.": _(
        "The file is a zip archive, not a Word document."
    ),
    "The file is empty.": _("The file is empty."),
    "The file is not a Word .docx document.": _("The file is not a Word .docx document."),
    "The file is not a Word document.": _("The file is not a Word document."),
    "The image is damaged or truncated.": _("The image is damaged or truncated."),
    "The text file contains HTML, SVG or XML markup.": _(
        "The text file contains HTML, SVG or XML markup."
    ),
    "The text file contains HTML, SVG or script markup.": _(
        "The text file contains HTML, SVG or script markup."
    ),
}


_KINDS: dict[str, Promise] = {
    "plain text": _("plain text"),
    "a PDF": _("a PDF"),
    "a JPEG image": _("a JPEG image"),
    "a GIF image": _("a GIF image"),
    "a PNG image": _("a PNG image"),
    "a Word .doc document": _("a Word .doc document"),
    "a Word .docx document": _("a Word .docx document"),
}


_NUMBER = r"(?P<n>[\d,]+)"


# English sentences with values in them; numbers are re-written the reader's way.
_PATTERNS: list[tuple[re.Pattern[str], Promise]] = [
    (
        re.compile(
            r"The image is (?P<w>\d+)x(?P<h>\d+) pixels; the limit is " + _NUMBER + r" pixels\."
        ),
        _("The image is %(w)s×%(h)s pixels; the limit is %(n)s pixels."),
    ),
    (
        re.compile(r"The image has too many pixels; the limit is " + _NUMBER + r"\."),
        _("The image has too many pixels; the limit is %(n)s."),
    ),
    (
        re.compile(r"The animation has more than " + _NUMBER + r" frames\."),
        _("The animation has more than %(n)s frames."),
    ),
    (
        re.compile(r"The animation has more than " + _NUMBER + r" pixels across its frames\."),
        _("The animation has more than %(n)s pixels across its frames."),
    ),
    (
        re.compile(r"The PDF has more than " + _NUMBER + r" objects and cannot be checked\."),
        _("The PDF has more than %(n)s objects and cannot be checked."),
    ),
    (
        re.compile(r"The Word document has more than " + _NUMBER + r" parts\."),
        _("The Word document has more than %(n)s parts."),
    ),
    (
        re.compile(r"The Word document unpacks to more than " + _NUMBER + r" bytes\."),
        _("The Word document unpacks to more than %(n)s bytes."),
    ),
    (
        re.compile(r"The file is larger than a whole message may be \(" + _NUMBER + r" bytes\)\."),
        _("The file is larger than a whole message may be (%(n)s bytes)."),
    ),
    (
        re.compile(r"A message can carry at most " + _NUMBER + r" files\."),
        _("A message can carry at most %(n)s files."),
    ),
    (
        re.compile(
            r"Files of type (?P<mime>\S+) are not allowed; "
            r"send text, PDF, JPEG, GIF, PNG or Word files\."
        ),
        _("Files of type %(mime)s are not allowed; send text, PDF, JPEG, GIF, PNG or Word files."),
    ),
]


_EXTENSION = re.compile(r"The file is (?P<kind>.+), so its name must end in (?P<expected>.+)\.")


def _values(match: re.Match[str]) -> dict[str, str]:
    values = dict(match.groupdict())
    if values.get("n"):
        values["n"] = number_format(int(values["n"].replace(",", "")), force_grouping=True)
    return values


def rejection_display(reason: str) -> str:
    """Return a refused file's reason in the active language."""
    if reason in _REASONS:
        return str(_REASONS[reason])
    for pattern, template in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            return str(template) % _values(match)
    match = _EXTENSION.fullmatch(reason)
    if match and match["kind"] in _KINDS:
        either = str(_("or"))
        expected = match["expected"].replace(" or ", f" {either} ")
        return str(_("The file is %(kind)s, so its name must end in %(expected)s.")) % {
            "kind": _KINDS[match["kind"]],
            "expected": expected,
        }
    return reason
