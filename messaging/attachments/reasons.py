"""Why a file was refused, in the reader's language.

messaging/attachments/checks.py checks files without Django and gives each refused file a
reason code with parameters (the API returns its English sentence next to a stable code).
Pages show the reason code through this table, with numbers written the reader's way.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Every reason code of checks.FILE_REASONS.
REJECTION_LABELS: dict[str, Promise] = {
    "empty_file": _("The file is empty."),
    "too_large": _("The file is larger than a whole message may be (%(limit)s bytes)."),
    "too_many_files": _("A message can carry at most %(limit)s files."),
    "type_not_allowed": _(
        "The file is %(file_kind)s. Only text, PDF, JPEG, GIF, PNG and Word files can be sent."
    ),
    "zip_not_docx": _("The file is a zip archive, not a Word document."),
    "not_docx": _("The file is not a Word .docx document."),
    "extension_mismatch": _("The file is %(kind)s, so its name must end in %(extensions)s."),
    "image_too_many_pixels": _(
        "The image is %(width)s×%(height)s pixels; the limit is %(limit)s pixels."
    ),
    "image_pixel_flood": _("The image has too many pixels; the limit is %(limit)s."),
    "animation_too_many_pixels": _(
        "The animation has more than %(limit)s pixels across its frames."
    ),
    "image_too_many_frames": _("The animation has more than %(limit)s frames."),
    "image_corrupt": _("The image is damaged or truncated."),
    "txt_markup": _("The text file contains HTML, SVG or XML markup."),
    "txt_html": _("The text file contains HTML, SVG or script markup."),
    "txt_binary": _("The .txt file holds binary data, not text."),
    "txt_unknown_encoding": _("The .txt file is not readable text in a known encoding."),
    "txt_control_characters": _("The .txt file contains binary or control characters."),
    "pdf_javascript": _("The PDF contains JavaScript."),
    "pdf_launch_action": _("The PDF contains an action that launches a program."),
    "pdf_embedded_file": _("The PDF contains embedded files."),
    "pdf_encrypted": _("Password-protected PDFs cannot be checked."),
    "pdf_too_complex": _("The PDF has more than %(limit)s objects and cannot be checked."),
    "pdf_corrupt": _("The PDF is damaged and cannot be read."),
    "doc_corrupt": _("The Word document is damaged and cannot be read."),
    "doc_not_word": _("The file is not a Word document."),
    "doc_macros": _("The Word document contains macros."),
    "doc_embedded_object": _("The Word document embeds another file."),
    "docx_corrupt": _("The Word document is damaged and cannot be read."),
    "docx_too_many_members": _("The Word document has more than %(limit)s parts."),
    "docx_too_large_uncompressed": _("The Word document unpacks to more than %(limit)s bytes."),
    "docx_macros": _("The Word document contains macros or ActiveX controls."),
    "docx_macro_enabled": _("The Word document is macro-enabled."),
    "docx_embedded_object": _("The Word document embeds an object or a macro-enabled file."),
    "docx_dde": _("The Word document contains a DDE field that runs commands."),
    "docx_linking_field": _(
        "The Word document contains a field that loads content from elsewhere."
    ),
    "docx_external_reference": _(
        "The Word document loads a template or content from outside the file."
    ),
}


# Every kind of file of checks.KIND_NAMES, as the "extension_mismatch" reason names it.
KIND_LABELS: dict[str, Promise] = {
    "txt": _("plain text"),
    "pdf": _("a PDF"),
    "jpeg": _("a JPEG image"),
    "gif": _("a GIF image"),
    "png": _("a PNG image"),
    "doc": _("a Word .doc document"),
    "docx": _("a Word .docx document"),
}


# Every kind of refused file of checks.REFUSED_KIND_NAMES, as "type_not_allowed" names it.
REFUSED_KIND_LABELS: dict[str, Promise] = {
    "windows_program": _("a Windows program"),
    "program": _("a program"),
    "script": _("a script"),
    "installer": _("an installer package"),
    "zip": _("a ZIP archive"),
    "archive": _("a compressed archive"),
    "disk_image": _("a disk image"),
    "web_page": _("a web page"),
    "svg": _("an SVG image"),
    "xml": _("an XML file"),
    "rtf": _("an RTF document"),
    "spreadsheet": _("a spreadsheet"),
    "presentation": _("a presentation"),
    "ebook": _("an e-book"),
    "image": _("an image of a type we don't accept"),
    "video": _("a video"),
    "audio": _("a sound recording"),
    "other": _("a type of file we don't accept"),
}


# An image's size reads as it is measured ("9000×6000"); every other number is a count or a
# limit, grouped the reader's way ("40,000,000" in English).
_UNGROUPED = frozenset({"width", "height"})


def _values(params: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in params.items():
        if name == "kind":
            value = KIND_LABELS[value]
        elif name == "file_kind":
            value = REFUSED_KIND_LABELS.get(value, REFUSED_KIND_LABELS["other"])
        elif name == "extensions":
            value = get_text_list([f".{extension}" for extension in value], gettext("or"))
        elif isinstance(value, int) and name not in _UNGROUPED:
            value = number_format(value, force_grouping=True)
        values[name] = value
    return values


def rejection_display(rejection: Mapping[str, Any]) -> str:
    """Return a refused file's reason in the active language."""
    label = REJECTION_LABELS.get(rejection.get("reason_code", ""))
    if label is None:
        return str(rejection["reason"])  # a reason this table does not know, in English
    params = rejection.get("params") or {}
    if rejection.get("reason_code") == "type_not_allowed" and "file_kind" not in params:
        params = {**params, "file_kind": "other"}  # refused before files were named this way
    return str(label) % _values(params)
