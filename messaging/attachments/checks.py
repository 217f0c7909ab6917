"""Check message attachments: sniff each file's type from its bytes, check it, make it safe.

Pure functions with no Django imports, so a storing service can call them from anywhere.
A file is either accepted as a `CheckedFile` (holding the exact bytes to store: images are
decoded and re-encoded, text is stored as UTF-8) or rejected with a `FileRejection` carrying a
stable snake_case reason code with its parameters; `FILE_REASONS` gives each reason code the
refusal's stable code and its English sentence. `check_attachments` checks every file of a
message, so each rejected file gets its own reason, plus the message-wide limits.
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import hashlib
import io
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, NamedTuple, TypeAlias

import magic
import olefile
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from PIL import Image, ImageCms, ImageOps, ImageSequence
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

MAX_MESSAGE_BYTES = 10 * 1024 * 1024  # body UTF-8 bytes + every file, as uploaded


MAX_FILES = 5


MAX_IMAGE_PIXELS = 40_000_000  # width * height of a still image


MAX_IMAGE_FRAMES = 200  # frames of an animated GIF or PNG


MAX_ANIMATION_PIXELS = 40_000_000  # width * height summed over all frames


MAX_PDF_OBJECTS = 250_000  # objects walked by the PDF check; real documents stay far below


MAX_DOCX_MEMBERS = 1_000


MAX_DOCX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024


MAX_FILENAME_LENGTH = 120


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Allowed extension -> MIME type the bytes must sniff as.
ALLOWED: dict[str, str] = {
    "txt": "text/plain",
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "png": "image/png",
    "doc": "application/msword",
    "docx": DOCX_MIME,
}


FileData: TypeAlias = bytes | IO[bytes]


@dataclass(frozen=True)
class IncomingFile:
    """An uploaded file: the client's name and its content.

    `data` is either the bytes or a seekable binary file object (a Django `UploadedFile`
    works). A file object is measured with seek/tell and read at most once, never more than
    `MAX_MESSAGE_BYTES + 1` bytes, so an oversized upload is never loaded whole.
    """

    name: str
    data: FileData


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file, ready to store.

    `original_name` is the client's name unchanged (untrusted: it may hold NUL, path parts or
    bidirectional controls); show and store `display_name`. `content` is what to store:
    re-encoded pixels for images, UTF-8 without BOM for text, the upload as-is otherwise.
    `content_type` is the canonical MIME of the sniffed type; `size` and `sha256` describe
    `content`. `extracted_text` holds the text of .txt and .docx files for the content policy
    (including a .docx's hyperlink targets) and is "" for other types.
    """

    original_name: str
    display_name: str
    content: bytes
    content_type: str
    extension: str
    size: int
    sha256: str
    extracted_text: str


class FileReason(NamedTuple):
    """Why a file is refused: the refusal's stable code and the English sentence for it."""

    code: str
    text: str  # str.format fields name the parameters


# Reason code -> the refusal's code (the API's `code`) and the English sentence. One refusal
# code may stand for several reasons, each with its own sentence. The parameters: `limit`,
# `width`, `height` (integers), `mime`, `kind` (a key of KIND_NAMES), `file_kind` (a key of
# REFUSED_KIND_NAMES: what a refused file is, in words a person knows) and `extensions`.
FILE_REASONS: dict[str, FileReason] = {
    "empty_file": FileReason("empty_file", "The file is empty."),
    "too_large": FileReason(
        "too_large", "The file is larger than a whole message may be ({limit:,} bytes)."
    ),
    "too_many_files": FileReason("too_many_files", "A message can carry at most {limit} files."),
    "type_not_allowed": FileReason(
        "type_not_allowed",
        "The file is {file_kind}. Only text, PDF, JPEG, GIF, PNG and Word files can be sent.",
    ),
    "zip_not_docx": FileReason(
        "type_not_allowed", "The file is a zip archive, not a Word document."
    ),
    "not_docx": FileReason("type_not_allowed", "The file is not a Word .docx document."),
    "extension_mismatch": FileReason(
        "extension_mismatch", "The file is {kind}, so its name must end in {extensions}."
    ),
    "image_too_many_pixels": FileReason(
        "image_too_many_pixels",
        "The image is {width}x{height} pixels; the limit is {limit:,} pixels.",
    ),
    "image_pixel_flood": FileReason(
        "image_too_many_pixels", "The image has too many pixels; the limit is {limit:,}."
    ),
    "animation_too_many_pixels": FileReason(
        "image_too_many_pixels",
        "The animation has more than {limit:,} pixels across its frames.",
    ),
    "image_too_many_frames": FileReason(
        "image_too_many_frames", "The animation has more than {limit} frames."
    ),
    "image_corrupt": FileReason("image_corrupt", "The image is damaged or truncated."),
    "txt_markup": FileReason("txt_html", "The text file contains HTML, SVG or XML markup."),
    "txt_html": FileReason("txt_html", "The text file contains HTML, SVG or script markup."),
    "txt_binary": FileReason("txt_not_text", "The .txt file holds binary data, not text."),
    "txt_unknown_encoding": FileReason(
        "txt_not_text", "The .txt file is not readable text in a known encoding."
    ),
    "txt_control_characters": FileReason(
        "txt_not_text", "The .txt file contains binary or control characters."
    ),
    "pdf_javascript": FileReason("pdf_javascript", "The PDF contains JavaScript."),
    "pdf_launch_action": FileReason(
        "pdf_launch_action", "The PDF contains an action that launches a program."
    ),
    "pdf_embedded_file": FileReason("pdf_embedded_file", "The PDF contains embedded files."),
    "pdf_encrypted": FileReason("pdf_encrypted", "Password-protected PDFs cannot be checked."),
    "pdf_too_complex": FileReason(
        "pdf_too_complex", "The PDF has more than {limit:,} objects and cannot be checked."
    ),
    "pdf_corrupt": FileReason("pdf_corrupt", "The PDF is damaged and cannot be read."),
    "doc_corrupt": FileReason("doc_corrupt", "The Word document is damaged and cannot be read."),
    "doc_not_word": FileReason("doc_corrupt", "The file is not a Word document."),
    "doc_macros": FileReason("doc_macros", "The Word document contains macros."),
    "doc_embedded_object": FileReason(
        "doc_embedded_object", "The Word document embeds another file."
    ),
    "docx_corrupt": FileReason("docx_corrupt", "The Word document is damaged and cannot be read."),
    "docx_too_many_members": FileReason(
        "docx_too_many_members", "The Word document has more than {limit} parts."
    ),
    "docx_too_large_uncompressed": FileReason(
        "docx_too_large_uncompressed", "The Word document unpacks to more than {limit:,} bytes."
    ),
    "docx_macros": FileReason(
        "docx_macros", "The Word document contains macros or ActiveX controls."
    ),
    "docx_macro_enabled": FileReason("docx_macros", "The Word document is macro-enabled."),
    "docx_embedded_object": FileReason(
        "docx_embedded_object", "The Word document embeds an object or a macro-enabled file."
    ),
    "docx_dde": FileReason(
        "docx_dde", "The Word document contains a DDE field that runs commands."
    ),
    "docx_linking_field": FileReason(
        "docx_external_reference",
        "The Word document contains a field that loads content from elsewhere.",
    ),
    "docx_external_reference": FileReason(
        "docx_external_reference",
        "The Word document loads a template or content from outside the file.",
    ),
}


# Code -> English sentence of a refusal of the whole message.
MESSAGE_REASONS: dict[str, str] = {
    "too_many_files": "the message has {count} files; at most {limit} are allowed.",
    "message_too_large": (
        "the text and files total {total:,} bytes; the limit is {limit:,} bytes (10 MB)."
    ),
}


def file_reason_text(reason_code: str, params: Mapping[str, Any]) -> str:
    """Return the English sentence for a refused file's reason code and parameters."""
    values = dict(params)
    if "kind" in values:
        values["kind"] = KIND_NAMES[values["kind"]]
    if "file_kind" in values or reason_code == "type_not_allowed":
        values["file_kind"] = REFUSED_KIND_NAMES[values.get("file_kind", "other")]
    if "extensions" in values:
        values["extensions"] = " or ".join(f".{name}" for name in values["extensions"])
    return FILE_REASONS[reason_code].text.format(**values)


@dataclass(frozen=True)
class FileRejection:
    """A refused file: its position in the upload, display name, reason code and parameters.

    `code` (the refusal's stable code) and `reason` (in English) follow from the reason code.
    """

    index: int
    name: str
    reason_code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def code(self) -> str:
        """The refusal's stable code."""
        return FILE_REASONS[self.reason_code].code

    @property
    def reason(self) -> str:
        """Why the file is refused, in English."""
        return file_reason_text(self.reason_code, self.params)


@dataclass(frozen=True)
class MessageRejection:
    """A refusal of the whole message: `too_many_files` or `message_too_large`."""

    code: str
    params: Mapping[str, Any]

    @property
    def reason(self) -> str:
        """Why the message is refused, in English (a clause: it starts in lower case)."""
        return MESSAGE_REASONS[self.code].format(**self.params)


@dataclass(frozen=True)
class AttachmentCheck:
    """The outcome for a whole message."""

    accepted: tuple[CheckedFile, ...]
    rejections: tuple[FileRejection, ...]
    message_error: MessageRejection | None

    @property
    def ok(self) -> bool:
        return self.message_error is None and not self.rejections


class _Rejected(Exception):
    def __init__(self, reason_code: str, **params: Any) -> None:
        super().__init__(reason_code)
        self.reason_code = reason_code
        self.params = params


@dataclass(frozen=True)
class _Checked:
    content: bytes
    extracted_text: str = ""


# --- file names ----------------------------------------------------------------------------
_BIDI_AND_INVISIBLE = dict.fromkeys(
    [
        *range(0x202A, 0x202F),  # LRE, RLE, PDF, LRO, RLO
        *range(0x2066, 0x206A),  # LRI, RLI, FSI, PDI
        0x200E,  # LRM
        0x200F,  # RLM
        0x061C,  # ALM
        0x200B,  # zero width space
        0xFEFF,  # byte order mark
    ]
)


_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


_WHITESPACE = re.compile(r"\s+")


_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")


def _filename_character(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):
        return " " if char.isspace() else ""  # tabs and line breaks separate words
    return "" if category == "Cs" else char


def sanitize_filename(name: str) -> str:
    """Return a safe display name: base name only, no controls, NFC, bounded, never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = base.translate(_BIDI_AND_INVISIBLE)
    base = "".join(_filename_character(char) for char in base)
    base = unicodedata.normalize("NFC", base)
    base = _WINDOWS_RESERVED.sub("_", base)
    base = _WHITESPACE.sub(" ", base).strip()

    stem, dot, extension = base.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(extension):
        stem, extension = base, ""
    # Leading dots hide files on Unix; trailing dots and spaces are dropped by Windows.
    stem = stem.strip(" .")
    suffix = f".{extension}" if extension else ""
    stem = stem[: MAX_FILENAME_LENGTH - len(suffix)].rstrip(" .")
    return f"{stem or 'attachment'}{suffix}"


def _extension_of(display_name: str) -> str:
    stem, dot, extension = display_name.rpartition(".")
    return extension.lower() if dot and stem else ""


# --- reading uploads -----------------------------------------------------------------------
def _upload_size(source: FileData) -> int:
    if isinstance(source, bytes | bytearray | memoryview):
        return len(source)
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    return size


def _read_upload(source: FileData) -> bytes | None:
    """Return the content, or None when it is larger than a whole message may be."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, bytearray | memoryview):
        data = bytes(source)
    else:
        source.seek(0)
        data = source.read(MAX_MESSAGE_BYTES + 1)
    return None if len(data) > MAX_MESSAGE_BYTES else data


# --- sniffing ------------------------------------------------------------------------------
_MARKUP_MIMES = frozenset(
    {"text/html", "image/svg+xml", "text/xml", "application/xml", "application/xhtml+xml"}
)


_KIND_BY_MIME = {
    "text/plain": "txt",
    "application/pdf": "pdf",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/png": "png",
    "application/msword": "doc",
    DOCX_MIME: "docx",
}


_EXTENSIONS_BY_KIND = {
    "txt": ("txt",),
    "pdf": ("pdf",),
    "jpeg": ("jpg", "jpeg"),
    "gif": ("gif",),
    "png": ("png",),
    "doc": ("doc",),
    "docx": ("docx",),
}


# How the English reasons name each kind of file.
KIND_NAMES = {
    "txt": "plain text",
    "pdf": "a PDF",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "png": "a PNG image",
    "doc": "a Word .doc document",
    "docx": "a Word .docx document",
}


# What a refused file is, by its sniffed MIME type, in words a person knows: the stable key
# (the `file_kind` parameter) and how the English reasons name it. Any other type: "other".
REFUSED_KIND_NAMES = {
    "windows_program": "a Windows program",
    "program": "a program",
    "script": "a script",
    "installer": "an installer package",
    "zip": "a ZIP archive",
    "archive": "a compressed archive",
    "disk_image": "a disk image",
    "web_page": "a web page",
    "svg": "an SVG image",
    "xml": "an XML file",
    "rtf": "an RTF document",
    "spreadsheet": "a spreadsheet",
    "presentation": "a presentation",
    "ebook": "an e-book",
    "image": "an image of a type we don't accept",
    "video": "a video",
    "audio": "a sound recording",
    "other": "a type of file we don't accept",
}


_REFUSED_KIND_BY_MIME = {
    "application/vnd.microsoft.portable-executable": "windows_program",
    "application/x-dosexec": "windows_program",
    "application/x-msdownload": "windows_program",
    "application/x-ms-ne-executable": "windows_program",
    "application/x-executable": "program",
    "application/x-pie-executable": "program",
    "application/x-sharedlib": "program",
    "application/x-mach-binary": "program",
    "application/x-object": "program",
    "application/java-archive": "program",
    "application/x-java-applet": "program",
    "application/vnd.android.package-archive": "program",
    "application/x-sh": "script",
    "application/x-shellscript": "script",
    "application/javascript": "script",
    "application/x-bat": "script",
    "application/x-msi": "installer",
    "application/vnd.debian.binary-package": "installer",
    "application/x-rpm": "installer",
    "application/zip": "zip",
    "application/x-7z-compressed": "archive",
    "application/x-rar": "archive",
    "application/vnd.rar": "archive",
    "application/x-rar-compressed": "archive",
    "application/gzip": "archive",
    "application/x-gzip": "archive",
    "application/x-bzip2": "archive",
    "application/x-xz": "archive",
    "application/x-tar": "archive",
    "application/zstd": "archive",
    "application/x-iso9660-image": "disk_image",
    "application/x-apple-diskimage": "disk_image",
    "text/html": "web_page",
    "application/xhtml+xml": "web_page",
    "image/svg+xml": "svg",
    "text/xml": "xml",
    "application/xml": "xml",
    "text/rtf": "rtf",
    "application/rtf": "rtf",
    "application/vnd.ms-excel": "spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet": "spreadsheet",
    "application/vnd.ms-powerpoint": "presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "presentation",
    "application/vnd.oasis.opendocument.presentation": "presentation",
    "application/epub+zip": "ebook",
}


def refused_kind(mime: str) -> str:
    """Say what a refused file is (a key of REFUSED_KIND_NAMES) from its sniffed MIME type."""
    kind = _REFUSED_KIND_BY_MIME.get(mime)
    if kind is not None:
        return kind
    for prefix, family in (("image/", "image"), ("video/", "video"), ("audio/", "audio")):
        if mime.startswith(prefix):
            return family
    return "other"


@functools.cache
def _sniffer() -> magic.Magic:
    sniffer = magic.Magic(mime=True)
    # libmagic stops at 1 MiB by default; look at the whole file instead.
    sniffer.setparam(magic.MAGIC_PARAM_BYTES_MAX, MAX_MESSAGE_BYTES + 1)
    return sniffer


def _sniff(data: bytes) -> str:
    return str(_sniffer().from_buffer(data)).split(";", 1)[0].strip().lower()


def _kind_for(mime: str, extension: str) -> str:
    """Return the allowed kind the sniffed MIME stands for, or raise why it is refused."""
    if mime.startswith("text/") and mime not in _MARKUP_MIMES and mime != "text/rtf":
        # libmagic names source code, CSV and the like by subtype; as an attachment it is text.
        kind = "txt"
    elif mime == "application/json":
        kind = "txt"
    elif mime == "application/zip" and extension == "docx":
        # Some writers order the zip so libmagic cannot tell; the package check decides.
        kind = "docx"
    else:
        kind = _KIND_BY_MIME.get(mime, "")

    if not kind:
        if extension == "txt" and mime in _MARKUP_MIMES:
            raise _Rejected("txt_markup")
        if extension == "txt" and mime == "application/octet-stream":
            raise _Rejected("txt_binary")
        raise _Rejected("type_not_allowed", mime=mime, file_kind=refused_kind(mime))
    if extension not in _EXTENSIONS_BY_KIND[kind]:
        raise _Rejected("extension_mismatch", kind=kind, extensions=list(_EXTENSIONS_BY_KIND[kind]))
    return kind


# --- images --------------------------------------------------------------------------------
_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF"}


_KEPT_IMAGE_INFO = ("transparency",)


_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _too_many_pixels(width: int, height: int) -> _Rejected:
    return _Rejected("image_too_many_pixels", width=width, height=height, limit=MAX_IMAGE_PIXELS)


def _check_image(data: bytes, kind: str) -> _Checked:
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own cap; a bomb must be an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[kind]]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(width, height)
                if kind != "jpeg" and getattr(image, "is_animated", False):
                    content = _reencode_animation(image, kind)
                else:
                    content = _reencode_still(image, kind)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _Rejected("image_pixel_flood", limit=MAX_IMAGE_PIXELS) from error
    except _IMAGE_ERRORS as error:
        raise _Rejected("image_corrupt") from error
    return _Checked(content=content)


def _clean(image: Image.Image) -> Image.Image:
    """Return the image in sRGB with every piece of metadata dropped but transparency."""
    icc_profile = image.info.get("icc_profile")
    if icc_profile and image.mode in ("RGB", "RGBA"):
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            ImageCms.profileToProfile(image, source_profile, _srgb_profile(), inPlace=True)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unusable profile is dropped and the pixels are kept as they are
    image.info = {key: image.info[key] for key in _KEPT_IMAGE_INFO if key in image.info}
    return image


def _reencode_still(image: Image.Image, kind: str) -> bytes:
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    oriented = _clean(image)
    output = io.BytesIO()
    if kind == "jpeg":
        if oriented.mode not in ("L", "RGB", "CMYK"):
            oriented = oriented.convert("RGB")
        oriented.save(output, "JPEG", quality=90)
    elif kind == "png":
        if oriented.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
            oriented = oriented.convert("RGBA")
        oriented.save(output, "PNG")
    else:
        oriented.save(output, "GIF")
    return output.getvalue()


def _reencode_animation(image: Image.Image, kind: str) -> bytes:
    frames: list[Image.Image] = []
    durations: list[int] = []
    total_pixels = 0
    for frame in ImageSequence.Iterator(image):
        if len(frames) == MAX_IMAGE_FRAMES:
            raise _Rejected("image_too_many_frames", limit=MAX_IMAGE_FRAMES)
        total_pixels += frame.width * frame.height
        if total_pixels > MAX_ANIMATION_PIXELS:
            raise _Rejected("animation_too_many_pixels", limit=MAX_ANIMATION_PIXELS)
        durations.append(int(frame.info.get("duration", 0) or 0))
        frames.append(_clean(frame.copy()))
    loop = image.info.get("loop")
    output = io.BytesIO()
    options: dict[str, object] = {"save_all": True, "append_images": frames[1:]}
    options["duration"] = durations
    if loop is not None:
        options["loop"] = int(loop)
    frames[0].save(output, _PIL_FORMAT[kind], **options)
    return output.getvalue()


# --- plain text ----------------------------------------------------------------------------
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


_MARKUP = re.compile(
    r"<\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|frameset|frame|object|embed"
    r"|applet|meta|link|style|base|form|img|a\s+href)\b",
    re.IGNORECASE,
)


def _decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # Latin-1 text decodes as cp1252 too; bytes cp1252 leaves undefined are controls.
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _Rejected("txt_unknown_encoding")


def _check_text(data: bytes) -> _Checked:
    text, encoding = _decode_text(data)
    if _CONTROL_CHARACTERS.search(text):
        raise _Rejected("txt_control_characters")
    if _MARKUP.search(text):
        raise _Rejected("txt_html")
    content = data if encoding == "utf-8" else text.encode("utf-8")
    return _Checked(content=content, extracted_text=text)


# --- PDF -----------------------------------------------------------------------------------
_PDF_NAME_CODES = {
    b"JS": "pdf_javascript",
    b"JavaScript": "pdf_javascript",
    b"Launch": "pdf_launch_action",
    b"EmbeddedFile": "pdf_embedded_file",
    b"EmbeddedFiles": "pdf_embedded_file",
    b"FileAttachment": "pdf_embedded_file",
    b"RichMedia": "pdf_embedded_file",
}


_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")


_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


_PDF_STREAM_START = re.compile(rb"\bstream(?:\r\n|\n|\r)")


# pypdf raises a spread of exception types on hostile input; any of them means "unreadable".
_PDF_ERRORS = (
    PyPdfError,
    OSError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    zlib.error,
)


def _decode_pdf_name(raw: bytes) -> bytes:
    return _PDF_HEX_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)


def _outside_streams(data: bytes) -> Iterator[tuple[int, int]]:
    """Yield the spans of the file that are not stream bodies (whose binary data would
    produce false name matches)."""
    position = 0
    while (start := _PDF_STREAM_START.search(data, position)) is not None:
        end = data.find(b"endstream", start.end())
        if end < 0:
            break
        yield position, start.end()
        position = end + len(b"endstream")
    yield position, len(data)


def _scan_pdf_names(data: bytes) -> None:
    """Look for dangerous names in the raw file, undoing #xx escapes (/J#61vaScript)."""
    for start, end in _outside_streams(data):
        for match in _PDF_NAME.finditer(data, start, end):
            code = _PDF_NAME_CODES.get(_decode_pdf_name(match.group(1)))
            if code:
                raise _Rejected(code)


def _walk_pdf_object(root: PdfObject | None) -> None:
    """Check every name in one object, not following references (each is walked itself)."""
    pending: list[object] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, NameObject):
            code = _PDF_NAME_CODES.get(str(item)[1:].encode("utf-8", "surrogateescape"))
            if code:
                raise _Rejected(code)
        elif isinstance(item, DictionaryObject):
            for key, value in dict.items(item):
                pending.append(NameObject(key) if not isinstance(key, NameObject) else key)
                pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))


def _check_pdf(data: bytes) -> _Checked:
    _scan_pdf_names(data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Rejected("pdf_encrypted")
        # Walking every object also reaches those packed in compressed object streams.
        references = [
            IndirectObject(number, generation, reader)
            for generation, objects in reader.xref.items()
            for number in objects
        ]
        references += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
        if len(references) > MAX_PDF_OBJECTS:
            raise _Rejected("pdf_too_complex", limit=MAX_PDF_OBJECTS)
        _walk_pdf_object(reader.trailer)
        for reference in references:
            _walk_pdf_object(reader.get_object(reference))
    except DependencyError as error:
        raise _Rejected("pdf_encrypted") from error
    except _PDF_ERRORS as error:
        raise _Rejected("pdf_corrupt") from error
    return _Checked(content=data)


# --- Word .doc (OLE2) ------------------------------------------------------------------------
_OLE_MACRO_STORAGES = frozenset({"macros", "vba", "_vba_project_cur"})


_OLE_ERRORS = (OSError, ValueError, IndexError, KeyError, struct.error, RecursionError)


def _check_doc(data: bytes) -> _Checked:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            paths = ole.listdir(streams=True, storages=True)
    except _OLE_ERRORS as error:
        raise _Rejected("doc_corrupt") from error
    lowered = [[part.lower() for part in path] for path in paths]
    if ["worddocument"] not in lowered:
        raise _Rejected("doc_not_word")
    for path in lowered:
        if _OLE_MACRO_STORAGES.intersection(path) or path[-1] == "_vba_project":
            raise _Rejected("doc_macros")
        if path[-1] == "\x01ole10native":
            raise _Rejected("doc_embedded_object")
    return _Checked(content=data)


# --- Word .docx (OOXML) ----------------------------------------------------------------------
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


_RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


_WORD_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


_TEXT_PART = re.compile(r"word/(?:header\d*|footer\d*|footnotes|endnotes|comments)\.xml")


_EMBEDDED_CODE = re.compile(r"\.(?:bin|docm|dotm|xlsm|xltm|xlsb|pptm|potm|ppsm)$")


_DDE_FIELD = re.compile(r"^\s*DDE(?:AUTO)?\b", re.IGNORECASE)


_LINKING_FIELD = re.compile(r"^\s*(?:INCLUDETEXT|INCLUDEPICTURE|LINK|IMPORT)\b", re.IGNORECASE)


_XML_ERRORS = (SafeElementTree.ParseError, DefusedXmlException)


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, zlib.error)


_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"


def _docx_corrupt() -> _Rejected:
    return _Rejected("docx_corrupt")


def _declared_member_count(data: bytes) -> int:
    """Read the entry count from the zip's end record, before any directory is parsed."""
    position = data.rfind(_END_OF_CENTRAL_DIRECTORY, max(0, len(data) - 65_557))
    if position < 0 or position + 22 > len(data):
        return 0
    return int(struct.unpack_from("<H", data, position + 10)[0])


def _read_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> SafeElementTree.Element:
    with archive.open(member) as stream:
        return SafeElementTree.parse(stream).getroot()


def _docx_text(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> list[str]:
    """Return the paragraphs of one part; refuse DDE and linking fields on the way."""
    paragraphs: list[str] = []
    open_paragraphs: list[list[str]] = []
    fields: list[list[str]] = []
    with archive.open(member) as stream:
        for event, element in SafeElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_W}p":
                    open_paragraphs.append([])
                elif tag == f"{_W}fldChar" and element.get(f"{_W}fldCharType") == "begin":
                    fields.append([])
                continue
            if tag == f"{_W}t" and open_paragraphs:
                open_paragraphs[-1].append(element.text or "")
            elif tag == f"{_W}tab" and open_paragraphs:
                open_paragraphs[-1].append("\t")
            elif tag in (f"{_W}br", f"{_W}cr") and open_paragraphs:
                open_paragraphs[-1].append("\n")
            elif tag == f"{_W}instrText" and fields:
                fields[-1].append(element.text or "")
            elif tag == f"{_W}fldSimple":
                _check_field(element.get(f"{_W}instr", ""))
            elif tag == f"{_W}fldChar" and element.get(f"{_W}fldCharType") in ("separate", "end"):
                if fields:
                    _check_field("".join(fields[-1]))
                    if element.get(f"{_W}fldCharType") == "end":
                        fields.pop()
            elif tag == f"{_W}p":
                paragraphs.append("".join(open_paragraphs.pop()) if open_paragraphs else "")
                element.clear()
    for field in fields:
        _check_field("".join(field))
    return paragraphs


def _check_field(instruction: str) -> None:
    if _DDE_FIELD.match(instruction):
        raise _Rejected("docx_dde")
    if _LINKING_FIELD.match(instruction):
        raise _Rejected("docx_linking_field")


def _check_docx(data: bytes) -> _Checked:
    if _declared_member_count(data) > MAX_DOCX_MEMBERS:
        raise _too_many_members()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _Checked(content=data, extracted_text=_check_docx_package(archive))
    except _XML_ERRORS as error:
        raise _docx_corrupt() from error
    except _ZIP_ERRORS as error:
        raise _docx_corrupt() from error


def _too_many_members() -> _Rejected:
    return _Rejected("docx_too_many_members", limit=MAX_DOCX_MEMBERS)


def _check_docx_package(archive: zipfile.ZipFile) -> str:
    """Check the package's parts and return its text."""
    members = archive.infolist()
    if len(members) > MAX_DOCX_MEMBERS:
        raise _too_many_members()
    if sum(member.file_size for member in members) > MAX_DOCX_UNCOMPRESSED_BYTES:
        raise _Rejected("docx_too_large_uncompressed", limit=MAX_DOCX_UNCOMPRESSED_BYTES)
    by_name: dict[str, zipfile.ZipInfo] = {}
    for member in members:
        name = member.filename.lower()
        if name in by_name or member.flag_bits & 0x1:
            raise _docx_corrupt()  # duplicate or encrypted parts: readers would disagree
        by_name[name] = member

    for name in by_name:
        if name.endswith(("vbaproject.bin", "vbadata.xml")) or name.startswith("word/activex/"):
            raise _Rejected("docx_macros")
        if name.startswith("word/embeddings/") and _EMBEDDED_CODE.search(name):
            raise _Rejected("docx_embedded_object")

    content_types = by_name.get("[content_types].xml")
    package_rels = by_name.get("_rels/.rels")
    if content_types is None or package_rels is None:
        raise _Rejected("zip_not_docx")
    overrides: dict[str, str] = {}
    for element in _read_xml(archive, content_types):
        content_type = element.get("ContentType", "")
        if "macroenabled" in content_type.lower() or "vbaproject" in content_type.lower():
            raise _Rejected("docx_macro_enabled")
        if element.tag == f"{_CONTENT_TYPES_NS}Override":
            overrides[element.get("PartName", "").lstrip("/").lower()] = content_type

    main_part = ""
    for relationship in _read_xml(archive, package_rels):
        if relationship.get("Type", "").endswith("/officeDocument"):
            main_part = relationship.get("Target", "").lstrip("/").lower()
    if overrides.get(main_part) != _WORD_MAIN_TYPE or main_part not in by_name:
        raise _Rejected("not_docx")

    links: list[str] = []
    for name, member in by_name.items():
        if name.endswith(".rels"):
            links += _external_links(archive, member)

    paragraphs = _docx_text(archive, by_name[main_part])
    for name in sorted(by_name):
        if _TEXT_PART.fullmatch(name):
            paragraphs += _docx_text(archive, by_name[name])
    return "\n".join(paragraphs + links)


def _external_links(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> list[str]:
    """Return external hyperlink targets; refuse every other external relationship."""
    links = []
    for relationship in _read_xml(archive, member):
        if relationship.tag != f"{_RELATIONSHIPS_NS}Relationship":
            continue
        if relationship.get("TargetMode", "").lower() != "external":
            continue
        if not relationship.get("Type", "").endswith("/hyperlink"):
            raise _Rejected("docx_external_reference")
        links.append(relationship.get("Target", ""))
    return links


# --- putting it together -------------------------------------------------------------------
def _check_content(data: bytes, kind: str) -> _Checked:
    if kind in _PIL_FORMAT:
        return _check_image(data, kind)
    if kind == "txt":
        return _check_text(data)
    if kind == "pdf":
        return _check_pdf(data)
    if kind == "doc":
        return _check_doc(data)
    return _check_docx(data)


def check_file(index: int, file: IncomingFile) -> CheckedFile | FileRejection:
    """Check one file; return what to store or why it is refused."""
    display_name = sanitize_filename(file.name)
    extension = _extension_of(display_name)
    try:
        data = _read_upload(file.data)
        if data is None:
            raise _Rejected("too_large", limit=MAX_MESSAGE_BYTES)
        if not data:
            raise _Rejected("empty_file")
        kind = _kind_for(_sniff(data), extension)
        checked = _check_content(data, kind)
    except _Rejected as rejected:
        return FileRejection(index, display_name, rejected.reason_code, rejected.params)
    return CheckedFile(
        original_name=file.name,
        display_name=display_name,
        content=checked.content,
        content_type=ALLOWED[extension],
        extension=extension,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        extracted_text=checked.extracted_text,
    )


def check_attachments(files: Sequence[IncomingFile], *, body: str = "") -> AttachmentCheck:
    """Check every file of a message and the message-wide limits."""
    accepted: list[CheckedFile] = []
    rejections: list[FileRejection] = []
    total = len(body.encode("utf-8", "surrogatepass"))
    for index, file in enumerate(files):
        total += _upload_size(file.data)
        if index >= MAX_FILES:
            rejections.append(
                FileRejection(
                    index, sanitize_filename(file.name), "too_many_files", {"limit": MAX_FILES}
                )
            )
            continue
        result = check_file(index, file)
        if isinstance(result, CheckedFile):
            accepted.append(result)
        else:
            rejections.append(result)

    message_error = None
    if len(files) > MAX_FILES:
        message_error = MessageRejection(
            "too_many_files", {"count": len(files), "limit": MAX_FILES}
        )
    elif total > MAX_MESSAGE_BYTES:
        message_error = MessageRejection(
            "message_too_large", {"total": total, "limit": MAX_MESSAGE_BYTES}
        )
    return AttachmentCheck(tuple(accepted), tuple(rejections), message_error)
