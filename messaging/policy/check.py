"""The public entry point: check a message body and its attachment names against the policy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from .codes import english_reason, reason_params
from .data import FILE_EXTENSIONS
from .detectors import RawFinding, scan
from .reports import CONTACT_CODES, WORDING_CATEGORIES

CATEGORIES: tuple[str, ...] = (
    "email",
    "phone",
    "url",
    "social_handle",
    "messaging_app",
    "marketing",
    "review_manipulation",
    "opt_out",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One policy violation: what was found and where, in the body or in a file name.

    ``code`` says why (see codes.py), with what was found (``detail``: a host, an app) and
    how a contact detail was disguised (``disguises``, codes too); ``reason`` is the same in
    English.
    """

    category: str
    start: int
    end: int
    code: str
    detail: str = ""
    disguises: tuple[str, ...] = ()
    source: str = "body"

    @property
    def params(self) -> dict[str, Any]:
        """The reason's parameters, as stored and returned by the API."""
        return reason_params(self.detail, self.disguises)

    @property
    def reason(self) -> str:
        """The reason in English, made from the code and its parameters."""
        return english_reason(self.code, self.detail, self.disguises)

    def to_dict(self) -> dict[str, Any]:
        """The finding as stored with a message and returned by the API."""
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
            "code": self.code,
            "params": self.params,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a check: allow or block, with the findings that explain it."""

    verdict: Literal["allow", "block"]
    categories: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def is_blocked(self) -> bool:
        return self.verdict == "block"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "categories": list(self.categories),
            "findings": [finding.to_dict() for finding in self.findings],
        }


@lru_cache(maxsize=64)
def _clean_domains(own_domains: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = []
    for domain in own_domains:
        value = domain.strip().strip(".").casefold()
        value = value.removeprefix("www.")
        if value:
            cleaned.append(value)
    return tuple(cleaned)


# An app or a network's name in a file name, then a name: "catalogo_insta_tallerluz.pdf"
# labels the account as "insta: tallerluz" would.
_NAME_THEN_ID = re.compile(
    r"(?<![a-z0-9])(?:ig|insta|instagram|fb|facebook|tiktok|tg|telegram|wa|wsp|whatsapp|"
    r"snap|snapchat|sc|twitter|youtube|signal|viber|skype|discord)[ _\-]+(?=@?[a-z])",
    re.IGNORECASE,
)


def _filename_view(name: str) -> str:
    """Drop a known file extension and read "_" and "-" as spaces, keeping every offset.

    A separator after an app or a network's name reads as ":", a label's colon.
    """
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.casefold() in FILE_EXTENSIONS:
        name = stem
    if _NAME_THEN_ID.search(name):
        name = _NAME_THEN_ID.sub(lambda m: m.group()[:-1] + ":", name)
    return name.replace("_", " ").replace("-", " ")


# The names phones and messaging apps give photos, videos and screenshots ("WhatsApp Image
# 2024-11-02 at 18.22.41.jpeg", "Screenshot_20241108-101522_WhatsApp.jpg"): the app named in
# them is where the file came from, not a way to reach the sender.
_GENERATED_NAME = re.compile(
    r"(?:whatsapp (?:image|video|audio|document|ptt)|screenshot|screen shot|captura de pantalla|"
    r"captura|img|vid|pxl|dsc|photo|video|signal|telegram|mvimg|pano|wa)"
    r"[\s_\-]?.{0,12}?(?:19|20)\d\d[\-_.]?[01]\d[\-_.]?[0-3]\d"
    # Names made of a timestamp: "FB_IMG_1718483467123.jpg", "Snapchat-1234567890.jpg",
    # "received_1234567890123456.jpeg"; Telegram's "telegram-cloud-photo-size-2-...".
    r"|(?:fb_img|snapchat|received|inshot|mvimg)[_\-]\d{9,}|telegram-cloud-(?:photo|document)",
    re.IGNORECASE,
)


# A handle glued to the word before it ("catalogo@oakpine.pdf", "tiktok@oakpine_demo.mp4"),
# with no dot in it, so not an address.
_GLUED_HANDLE = re.compile(
    r"(?<=[a-z0-9])@[a-z_][a-z0-9_]{2,29}(?![a-z0-9_]|\.[a-z])", re.IGNORECASE
)
# A name, then the network it is on, ending the file name: "oakpine_ig.jpg",
# "sizes_by_oak.pine_on_insta.png".
_ID_THEN_NAME = re.compile(
    r"(?:^|[ _\-])(?P<id>[a-z][a-z0-9.]{2,29}?)[ _\-]+(?:on[ _\-]+)?"
    r"(?P<network>ig|insta|instagram|tiktok|fb|facebook|snap|snapchat)$",
    re.IGNORECASE,
)
# What a file of a post or a story is called, not an account's name.
_NOT_AN_ID = frozenset(
    (
        *("photo", "pic", "picture", "image", "img", "screenshot", "screen", "shot", "foto"),
        *("captura", "imagen", "video", "story", "post", "reel", "ad", "anuncio", "promo"),
        *("receipt", "recibo", "comment", "comentario", "message", "mensaje", "chat", "profile"),
        *("perfil", "page", "pagina", "the", "from", "de", "del", "en", "my", "mi"),
    )
)
_NETWORK_NAMES = {
    "ig": "Instagram",
    "insta": "Instagram",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "fb": "Facebook",
    "facebook": "Facebook",
    "snap": "Snapchat",
    "snapchat": "Snapchat",
}


_NETWORK_ENDINGS = tuple(_NETWORK_NAMES)


def _handles_in_name(name: str) -> list[RawFinding]:
    """Handles that only a file name's shape gives away: glued to a word before, or with
    the network's name after them."""
    stem, dot, extension = name.rpartition(".")
    if not (dot and stem and extension.casefold() in FILE_EXTENSIONS):
        stem = name
    found = []
    for match in _GLUED_HANDLE.finditer(stem) if "@" in stem else ():
        reason = english_reason("social_media_handle")
        found.append(
            RawFinding(
                match.start(), match.end(), "social_handle", reason, "social_media_handle", "", ()
            )
        )
    # The pattern is searched only where the name ends with a network's name.
    network = _ID_THEN_NAME.search(stem) if stem.lower().endswith(_NETWORK_ENDINGS) else None
    if network is not None and network.group("id").casefold() not in _NOT_AN_ID:
        detail = _NETWORK_NAMES[network.group("network").casefold()]
        reason = english_reason("social_media_account", detail)
        found.append(
            RawFinding(
                network.start("id"),
                network.end("network"),
                "social_handle",
                reason,
                "social_media_account",
                detail,
                (),
            )
        )
    return found


def _scan_filename(name: str, domains: tuple[str, ...]) -> list[RawFinding]:
    # A file name is too short for the statistical pass to judge.
    found = scan(_filename_view(name), domains, statistical=False)
    if not _GENERATED_NAME.match(name):
        found.extend(
            handle
            for handle in _handles_in_name(name)
            if not any(f.category == "social_handle" for f in found)
        )
    if found and _GENERATED_NAME.match(name):
        # Its digits are the date and time it was taken: no phone number either.
        found = [
            f
            for f in found
            if f.category != "phone"
            and (f.category not in WORDING_CATEGORIES or f.code in CONTACT_CODES)
        ]
    return found


# A photo or a screenshot named in the body as the phone or the app saved it: "see WhatsApp
# Image 2024-01-01 at 10.00.00.jpeg". Its digits are a date and the app where it came from.
_GENERATED_IN_BODY = re.compile(
    r"(?<![\w.])(?:whatsapp (?:image|video|audio|document|ptt)|screenshot|screen shot|"
    r"captura de pantalla|img|vid|pxl|dsc|mvimg|pano|photo|video|signal|telegram|wa)"
    r"[ _\-]?[^\s]{0,4}?(?:19|20)\d\d[\-_.]?[01]\d[\-_.]?[0-3]\d[^\n]{0,40}?"
    r"\.(?:jpe?g|png|heic|gif|webp|mp4|mov|3gp|opus|m4a|pdf)\b",
    re.IGNORECASE,
)
_MEDIA_ENDINGS = (".jp", ".png", ".heic", ".gif", ".webp", ".mp4", ".mov", ".3gp", ".opus", ".m4a")


def _without_generated_names(text: str, found: list[RawFinding]) -> list[RawFinding]:
    """Drop the phone numbers and app names read inside a generated file name in the body."""
    folded = text.casefold()
    if not any(ending in folded for ending in _MEDIA_ENDINGS) and ".pdf" not in folded:
        return found
    names = [match.span() for match in _GENERATED_IN_BODY.finditer(text)]
    if not names:
        return found
    return [
        f
        for f in found
        if not (
            f.category in ("phone", "messaging_app")
            and any(start <= f.start and f.end <= end for start, end in names)
        )
    ]


def _finding(found: RawFinding, source: str = "body") -> Finding:
    return Finding(
        found.category, found.start, found.end, found.code, found.detail, found.disguises, source
    )


def check(
    text: str,
    *,
    filenames: Sequence[str] = (),
    own_domains: Sequence[str] = ("marketplace.com",),
    statistical: bool = True,
) -> Verdict:
    """Check a message body and its attachment file names against the content policy.

    ``statistical=False`` leaves out the second pass for the semantic categories (model.py):
    the rules alone, for measuring what the model adds.
    """
    domains = _clean_domains(tuple(own_domains))
    body = scan(text, domains, statistical)
    if body and "20" in text:
        body = _without_generated_names(text, body)
    findings = [_finding(found) for found in body]
    for index, name in enumerate(filenames):
        findings.extend(
            _finding(found, f"filename:{index}") for found in _scan_filename(name, domains)
        )
    if not findings:
        return _ALLOW
    categories = tuple(sorted({finding.category for finding in findings}))
    return Verdict("block", categories, tuple(findings))


# Every clean message gets this same immutable verdict.
_ALLOW = Verdict("allow", (), ())


_ATTACHMENT_LINE = re.compile(r"\[attachment:\s*(?P<name>[^\]\n]*?)\s*\]")


def split_attachment_lines(text: str) -> tuple[str, list[str]]:
    """Strip trailing ``[attachment: NAME]`` lines; return the body and the file names."""
    lines = text.split("\n")
    names: list[str] = []
    while lines:
        match = _ATTACHMENT_LINE.fullmatch(lines[-1].strip())
        if match is None:
            break
        names.append(match.group("name"))
        lines.pop()
    names.reverse()
    return "\n".join(lines).rstrip("\n"), names
