"""Detectors for contact details: links, email addresses, phone numbers and handles."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

import phonenumbers

from .data import (
    FILE_EXTENSIONS,
    MAIL_PROVIDERS,
    MESSAGING_HOSTS,
    PROSE_TLDS,
    PROSE_WORDS,
    SHORTENER_HOSTS,
    SOCIAL_HOSTS,
    WEBMAIL_PROVIDERS,
    top_level_domains,
)
from .patterns import TriggerScan


class Hit(NamedTuple):
    """A finding on the normalised text (offsets are into the normalised text).

    A named tuple rather than a frozen dataclass: as immutable, and several times cheaper
    to build, which counts with thousands of candidates in a long message.
    """

    category: str
    start: int
    end: int
    code: str  # a reason code of messaging/policy/codes.py
    detail: str = ""  # what was found, for the reasons that name it


Span = tuple[int, int]


def overlaps(start: int, end: int, spans: list[Span]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


class SpanSet:
    """Non-overlapping spans kept sorted, with an overlap test in logarithmic time."""

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        index = bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self._starts, end)
        return index > 0 and self._ends[index - 1] > start

    def spans(self) -> list[Span]:
        return list(zip(self._starts, self._ends, strict=True))


# --- links ----------------------------------------------------------------------------------

# "hxxps://" is the defanged spelling people use to slip a link past filters.
# "www" after an "@" is an address's domain ("ana@www.shop.com"), read as one.
_SCHEME_URL = re.compile(
    r"\b(?:https?|hxxps?|ftp)://[^\s<>\"'`]+|(?<![@.\w])www\d{0,3}\.[^\s<>\"'`]+"
)
_DOT_LABEL = re.compile(r"\.[0-9a-z\u00c0-\U0010ffff]")
# The look-behind sits after the first character (the same test) so the engine can skip
# positions by it. The labels are possessive, which gives the same matches: after a shorter
# label comes another label character, never the "." a further label needs, and the longest
# label, which is tried first, can always end the match.
_LABEL_START = r"[0-9a-z\u00c0-\U0010ffff]"
_LABEL_REST = r"[0-9a-z\u00c0-\U0010ffff\-]{0,62}+"
_BARE_HOST = re.compile(
    rf"{_LABEL_START}(?<![\w@.\-/]{_LABEL_START}){_LABEL_REST}(?:\.{_LABEL_START}{_LABEL_REST})+"
    r"(?::\d{2,5})?(?:/[^\s<>\"'`]*)?"
)
_TRAILING = ".,;:!?)]}'\"-"
_URL_CUE = re.compile(
    r"\b(?:site|website|web|visit|visita|page|pagina|link|enlace|url|online|en linea|"
    r"go to|ve a|entra en|find us|encuentranos|check out|mira|download from|descarga)\b"
)
_CLOUD_DRIVES = frozenset(
    [
        "drive.google.com",
        "docs.google.com",
        "dropbox.com",
        "dl.dropboxusercontent.com",
        "onedrive.live.com",
        "1drv.ms",
        "wetransfer.com",
        "we.tl",
        "mega.nz",
        "icloud.com",
        "box.com",
        "mediafire.com",
    ]
)


def _host_matches(host: str, domains: frozenset[str] | tuple[str, ...]) -> str | None:
    labels = host.split(".")[-4:]
    for index in range(len(labels) - 1):
        candidate = ".".join(labels[index:])
        if candidate in domains:
            return candidate
    return None


def is_own_host(host: str, own_domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in own_domains)


_NUMBER_LINK_HOSTS = frozenset(("wa.me", "api.whatsapp.com", "wa.link"))
_LINK_NUMBER = re.compile(r"/\+?(\d{10,15})(?!\d)")


def _link_hits(host: str, start: int, end: int, path: str = "") -> list[Hit]:
    if _host_matches(host, MESSAGING_HOSTS):
        hits = [
            Hit("url", start, end, "link_to_messaging_app", host),
            Hit("messaging_app", start, end, "messaging_app_link", host),
        ]
        number = _LINK_NUMBER.search(path) if host in _NUMBER_LINK_HOSTS else None
        if number is not None:
            # "wa.me/525548217730": the link holds the phone number.
            offset = start + number.start(1)
            hits.append(Hit("phone", offset, offset + len(number.group(1)), "phone_number"))
        return hits
    if _host_matches(host, SOCIAL_HOSTS):
        return [
            Hit("url", start, end, "link_to_social_media", host),
            Hit("social_handle", start, end, "social_media_profile_link", host),
        ]
    if _host_matches(host, SHORTENER_HOSTS):
        return [Hit("url", start, end, "shortened_link", host)]
    if _host_matches(host, _CLOUD_DRIVES):
        return [Hit("url", start, end, "cloud_storage_link", host)]
    return [Hit("url", start, end, "external_link", host)]


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return end


@dataclass(slots=True)
class LinkScan:
    hits: list[Hit]
    own_spans: list[Span]
    claimed: SpanSet


def find_links(text: str, own_domains: tuple[str, ...]) -> LinkScan:
    """Find links with a scheme or "www", then e-mail addresses, then bare host names."""
    scan = LinkScan([], [], SpanSet())
    if "." not in text and "@" not in text:
        return scan
    tlds = top_level_domains()
    schemes = _SCHEME_URL.finditer(text) if ("://" in text or "www" in text) else ()
    for match in schemes:
        start = match.start()
        end = _trim(text, start, match.end())
        value = text[start:end]
        try:
            host = urlsplit(value if "://" in value else "http://" + value).hostname or ""
        except ValueError:
            host = ""
        host = host.rstrip(".")
        if not host:
            continue
        scan.claimed.add(start, end)
        if is_own_host(host, own_domains):
            scan.own_spans.append((start, end))
            continue
        scan.hits.extend(_link_hits(host, start, end, value))
    if "@" in text:
        scan.hits.extend(find_emails(text, scan.claimed))
    # A bare host needs a dot followed by a label character; most text only has dots that
    # end a sentence, and this search is far cheaper than the host pattern.
    bare_hosts = _BARE_HOST.finditer(text) if _DOT_LABEL.search(text) else ()
    for match in bare_hosts:
        start = match.start()
        end = _trim(text, start, match.end())
        if scan.claimed.overlaps(start, end):
            continue
        value = text[start:end]
        host_end = min(
            (index for index in (value.find("/"), value.find(":")) if index >= 0),
            default=len(value),
        )
        host = value[:host_end].rstrip(".-")
        labels = host.split(".")
        if (
            len(labels) >= 2
            and labels[-1] not in tlds
            and not labels[-1].isalpha()
            and labels[-1].translate(_LEET) in tlds
        ):
            # "oakandpine.c0m": digits standing in for the letters of the ending.
            labels[-1] = labels[-1].translate(_LEET)
        if len(labels) < 2 or labels[-1] not in tlds or not all(labels):
            continue
        has_path = host_end < len(value) and value[host_end] == "/"
        if not any(character.isalpha() for character in labels[-2]):
            continue
        if not has_path:
            if len(labels[-2]) < 2:
                continue
            ambiguous = labels[-1] in PROSE_TLDS or labels[-1] in FILE_EXTENSIONS
            if ambiguous and len(labels) < 3:
                window = text[max(0, start - 40) : start]
                if not _URL_CUE.search(window):
                    continue
        scan.claimed.add(start, end)
        if is_own_host(host, own_domains):
            scan.own_spans.append((start, end))
            continue
        scan.hits.extend(_link_hits(host, start, end, value))
    return scan


# --- a mail provider's host after a user name: the address, its "@" disguised ---------------

# "lenak77 «arroba» gmail.com", "ana.r85 (a) hotmail.es", "ingrid.holm at the outlook.com
# server", "email: ana.ruiz, domain gmail.com": a user name, a few marks or a word for the "@",
# then a domain found as a link.
_USER_BEFORE_HOST = re.compile(
    r"(?<![\w@.])(?P<user>[a-z0-9][a-z0-9._%+\-]{1,63})[ \t]*(?:[^\w\s]{1,4}[ \t]*)?"
    r"(?:(?P<at>at|arroba|en|on|a|de|del|in|domain|dominio)\b[ \t]*(?:(?:the|el)[ \t]+)?"
    r"(?:[^\w\s]{1,4}[ \t]*)?)?$"
)
_EMAIL_CUE_BEFORE = re.compile(
    r"\b(?:e-?mail|mail|correo|inbox|address|direccion|escrib\w*|write|send|manda\w*|envia\w*)\b"
)
_USER_MARK = re.compile(r"[\d._]")


# "lo que va antes de la arroba es wei.chen y lo de después hotmail.es", "first part lena.k77,
# second part gmail.com": the two halves of an address described.
_HALVES_CUE = re.compile(
    r"\b(?:before the (?:@|at)|after the (?:@|at)|antes de la (?:@|arroba)|"
    r"despues de la (?:@|arroba)|first part|second part|primera parte|segunda parte|"
    r"user ?name part|domain part)"
)
_HALF_USER = re.compile(r"(?<![\w@.])(?=[a-z0-9._%+\-]*[\d._])[a-z][a-z0-9._%+\-]{2,63}(?![\w@])")


def emails_at_mail_hosts(text: str, hits: list[Hit]) -> list[Hit]:
    """Read a domain found as a link as an address's domain when a user name comes right
    before it: a webmail provider's after a user name, any domain after a word for the "@"
    where the text speaks of an address."""
    found: list[Hit] = []
    halves = ("part" in text or "parte" in text or "before" in text or "antes" in text) and (
        _HALVES_CUE.search(text) is not None
    )
    for hit in hits:
        if hit.code != "external_link":
            continue
        if halves:
            users = [
                user
                for user in _HALF_USER.finditer(text, max(0, hit.start - 90), hit.start)
                if user.group().rsplit(".", 1)[-1] not in FILE_EXTENSIONS
            ]
            if users:
                found.append(Hit("email", users[-1].start(), hit.end, "email_address"))
                continue
        match = _USER_BEFORE_HOST.search(text, max(0, hit.start - 80), hit.start)
        if match is None:
            continue
        user = match.group("user")
        if user.rsplit(".", 1)[-1] in FILE_EXTENSIONS or user in PROSE_WORDS or user.isdigit():
            continue
        webmail = hit.detail.split(".", 1)[0] in WEBMAIL_PROVIDERS
        marked = _USER_MARK.search(user) is not None
        spoken = match.group("at") is not None
        if not (
            (webmail and (marked or spoken))
            or (
                spoken
                and (
                    marked
                    or _EMAIL_CUE_BEFORE.search(text, max(0, match.start() - 60), match.start())
                )
            )
        ):
            continue
        found.append(Hit("email", match.start("user"), hit.end, "email_address"))
    return found


# --- e-mail addresses -----------------------------------------------------------------------

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
_NAMES_WITH_AN_A = {
    **dict.fromkeys(("whatsapp", "whatsap", "wasap", "wassap", "guasap"), "WhatsApp"),
    "telegram": "Telegram",
    "wechat": "WeChat",
    "signal": "Signal",
    "viber": "Viber",
    "kakao": "KakaoTalk",
    "instagram": "Instagram",
    "snapchat": "Snapchat",
    "facebook": "Facebook",
    # "em@il", "gm@il": the words themselves, neither an address nor an app.
    "email": "",
    "gmail": "",
}
_NETWORK_NAMES = frozenset(("Instagram", "Snapchat", "Facebook"))
_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]{1,64}@[\w\-]+(?:\.[\w\-]+)*")


def find_emails(text: str, claimed: SpanSet) -> list[Hit]:
    """Find e-mail addresses whose domain ends in a real TLD or names a mail provider."""
    hits: list[Hit] = []
    tlds = top_level_domains()
    for match in _EMAIL.finditer(text):
        start, end = match.span()
        if claimed.overlaps(start, end):
            continue
        local, _, domain = match.group().partition("@")
        # The local part is word characters and ".%+-": it holds a letter or digit unless
        # it is all "_.%+-" (cheaper to test by stripping them).
        if not local.strip("_.%+-"):
            continue
        name = _NAMES_WITH_AN_A.get(f"{local}a{domain.split('.', 1)[0]}".casefold())
        if name is not None:
            # "wh@tsapp", "telegr@m": an "@" standing for the "a" of an app's name, a name
            # only disguised to be given as a way to talk elsewhere.
            word_end = start + len(local) + 1 + len(domain.split(".", 1)[0])
            if name in _NETWORK_NAMES:
                hits.append(Hit("social_handle", start, word_end, "social_media_account", name))
            elif name:
                hits.append(Hit("messaging_app", start, word_end, "messaging_app_named", name))
            continue
        labels = [label for label in domain.strip(".-").split(".") if label]
        if len(labels) >= 2 and labels[-1] not in tlds and labels[-1].translate(_LEET) in tlds:
            # "gm4il.c0m": digits standing in for the letters of the ending.
            labels[-1] = labels[-1].translate(_LEET)
        while len(labels) >= 2 and labels[-1] not in tlds:
            labels.pop()
        if len(labels) >= 2:
            end = start + len(local) + 1 + len(".".join(labels))
        elif labels and (labels[0] in MAIL_PROVIDERS or _glued_ending(labels[0], tlds)):
            end = start + len(local) + 1 + len(labels[0])
        else:
            continue
        claimed.add(start, end)
        hits.append(Hit("email", start, end, "email_address"))
    return hits


def _glued_ending(label: str, tlds: frozenset[str]) -> bool:
    """Tell whether ``label`` is a webmail name glued to its ending: "gmailcom", "hotmailes"."""
    for provider in WEBMAIL_PROVIDERS:
        if label.startswith(provider) and len(label) > len(provider):
            rest = label[len(provider) :]
            return rest in tlds or (rest[:3] in ("com", "net", "org") and rest[3:] in tlds)
    return False


_WEBMAIL_ACCOUNT = re.compile(
    rf"\b(?:my|mi|our|nuestr[oa])\s+(?:{'|'.join(sorted(WEBMAIL_PROVIDERS))})"
    r"(?:\s+(?:address|account|id|user(?:name)?|direccion|cuenta|usuario))?\s*(?:is|es|:|=)\s*"
    r"(?P<user>(?=[a-z0-9._%+\-]*[\d._])[a-z0-9][a-z0-9._%+\-]{2,63})(?![\w@])"
)


# A provider may be named by a description or with its name split: "correo de google",
# "g mail", "hot mail".
_PROVIDER_DESCRIBED = frozenset(
    {
        *("g mail", "g-mail", "hot mail", "google mail", "correo de google", "mail de google"),
        *("correo de gmail", "correo de microsoft", "microsoft mail", "y mail", "yahoo mail"),
        *("el de google", "google's mail", "google's email", "el de microsoft"),
    }
)
_PROVIDER = "|".join(
    sorted(WEBMAIL_PROVIDERS | {"proton", "live", "onet", "wp"} | _PROVIDER_DESCRIBED, key=len)[
        ::-1
    ]
)
# A user name: letters with a dot, an underscore or digits in it ("nina.rojas", "benja84").
_USER = r"(?=[a-z0-9._%+\-]*[\d._])[a-z][a-z0-9._%+\-]{2,63}"
# "nina.rojas on gmail", "inaki.etxeberria en outlook"
_USER_ON_PROVIDER = re.compile(
    # "ana.ruiz85, gmail": a comma alone between them too.
    rf"(?<![\w@.])(?P<user>{_USER})(?![\w@])(?:\s*,?\s+(?:on|en|at|in|de|del|a|@|,)\s+|\s*,\s*|"
    r"\s*\(\s*(?:(?:on|en|at|in|de|es|es un|es una|it'?s an?|is an?)\s+)?|"
    # "ana.ruiz — gmail", "anaruiz85, it's a gmail", "anaruiz85 (es un gmail)".
    r"[ \t]*[\-\u2013\u2014]+[ \t]*|\s*,?\s+(?:es un|es una|it'?s an?|is an?)\s+)"
    rf"(?:(?:my|mi|the|el|su|your|tu)\s+)?(?P<provider>{_PROVIDER})\b(?!\.\w)"
)
# "mi email lenak77 gmail", "email: ana.r85 hotmail": after a word for an address, a user
# name and the provider with nothing between them.
_CUED_USER_PROVIDER = re.compile(
    r"\b(?:e-?mail|correo(?: electronico)?|mail)\b[ \t:=\-]{0,3}(?:(?:is|es)[ \t]+)?"
    rf"(?P<user>{_USER})(?![\w@])[ \t]+(?P<provider>{_PROVIDER})\b(?!\.\w)"
)
# "correo de yahoo: benja.soto84", "búscame en outlook como inaki.e", "hotmail - nina_r88"
_PROVIDER_THEN_USER = re.compile(
    rf"\b(?P<provider>{_PROVIDER})\b(?!\.\w)(?:\s+(?:address|account|id|user(?:name)?|mail|"
    r"direccion|cuenta|usuario|correo)\s*(?:is|es|:|=|-|como|as|soy|i'?m)?|"
    r"\s*(?:is|es|:|=|-|->|=>|\u2192|\u21d2|>|\)|como|as|soy|i'?m))\s*"
    rf"(?P<user>{_USER})(?![\w@])"
)


# "hannah.okafor, with the usual gmail ending", "rocio_vidal y lo de siempre arroba gmail",
# "mcastro77 con la terminación de siempre de gmail", "lucas.ferro, it's on gmail": a user
# name, then in the same clause a few words naming the provider it is on.
_PROVIDER_NAMED = re.compile(rf"\b(?P<provider>{_PROVIDER})\b(?!\.\w)")
# The user name and the words up to the provider, searched in the stretch before it.
_USER_BEFORE_PROVIDER = re.compile(
    rf"(?<![\w@.])(?P<user>{_USER})(?![\w@])[ \t,]+(?P<link>[^.!?\n@:;()]{{0,40}}?)$"
)
_BEFORE_PROVIDER = 110
_NEAR_PROVIDER_CUE = re.compile(
    r"\b(?:usual|same|siempre|ending|end|bit|part|terminacion|final|arroba|at|on|en|de|with|"
    r"con|plus|mas|its|it's|is|es)\b"
)


def _users_near_providers(text: str, hits: list[Hit]) -> None:
    """Add each user name followed, in the same clause, by a few words and a provider."""
    for provider in _PROVIDER_NAMED.finditer(text):
        if len(hits) >= _MAX_WEBMAIL_HITS:
            return
        low = max(0, provider.start() - _BEFORE_PROVIDER)
        match = _USER_BEFORE_PROVIDER.search(text[low : provider.start()])
        if match is None:
            continue
        user = match.group("user").rstrip(".")
        if user.count(".") >= 1 and user.rsplit(".", 1)[1] in FILE_EXTENSIONS:
            continue
        if (
            sum(character.isalpha() for character in user) < 4
            or _NEAR_PROVIDER_CUE.search(match.group("link")) is None
        ):
            continue
        start = low + match.start("user")
        end = provider.end()
        if not overlaps(start, end, [(hit.start, hit.end) for hit in hits]):
            hits.append(Hit("email", start, end, "webmail_user_name"))


# "the same as my username here, at gmail", "el mismo que mi nombre de tienda, en hotmail":
# the marketplace name the buyer already sees, on a mail provider.
_SAME_NAME_ON_PROVIDER = re.compile(
    r"\b(?:(?:the )?same as|igual que|(?:el|lo) mismo que|like) (?:my|mi|our|nuestro) "
    r"(?:user ?name|usuario|nombre(?: de usuario| de (?:la )?tienda)?|shop name|store name|"
    r"name)(?: here| aqui| de aqui| on here| on the site)?[ \t]*,?[ \t]*(?:at|on|en|@|arroba|"
    rf"de|in|with|con)[ \t]+(?P<provider>{_PROVIDER})\b"
)


# "usuario anaruiz85, dominio hotmail.es", "user: ana.r / domain: gmail.com": the two halves of
# an address named as such.
_USER_AND_DOMAIN = re.compile(
    r"\b(?:user ?name|user|usuario|nombre de usuario)[ \t]*[:=]?[ \t]*"
    r"(?P<user>[a-z0-9][a-z0-9._%+\-]{2,63})[ \t]*[,;/|\-]?[ \t]*(?:(?:and|y)[ \t]+)?"
    r"(?:(?:the|el)[ \t]+)?(?:domain|dominio)[ \t]*(?:is|es|:|=)?[ \t]*"
    r"(?P<domain>[a-z0-9\-]+(?:\.[a-z0-9\-]+)+)"
)


def find_user_and_domain(text: str) -> list[Hit]:
    """Find an address given as a user name and a domain, each named."""
    return [
        Hit("email", match.start("user"), match.end("domain"), "email_address")
        for match in _USER_AND_DOMAIN.finditer(text)
    ]


_MAX_WEBMAIL_HITS = 60


def find_webmail_accounts(text: str) -> list[Hit]:
    """Find a webmail user name given without its domain: "my gmail is ana.g1988"."""
    hits = [
        Hit("email", match.start(), match.end("user"), "webmail_user_name")
        for match in _WEBMAIL_ACCOUNT.finditer(text)
    ]
    hits.extend(
        Hit("email", match.start(), match.end(), "webmail_user_name")
        for match in _SAME_NAME_ON_PROVIDER.finditer(text)
    )

    for pattern in (_USER_ON_PROVIDER, _PROVIDER_THEN_USER, _CUED_USER_PROVIDER):
        for match in pattern.finditer(text):
            if len(hits) >= _MAX_WEBMAIL_HITS:
                # A message full of addresses is blocked by the first few (the report keeps
                # fifty a category); the overlap test below grows with every hit.
                return hits
            user = match.group("user").rstrip(".")
            if user.count(".") >= 1 and user.rsplit(".", 1)[1] in FILE_EXTENSIONS:
                continue
            start = min(match.start("user"), match.start("provider"))
            end = max(match.start("user") + len(user), match.end("provider"))
            if not overlaps(start, end, [(hit.start, hit.end) for hit in hits]):
                hits.append(Hit("email", start, end, "webmail_user_name"))
    _users_near_providers(text, hits)
    return hits


# --- a domain whose ending is given apart ----------------------------------------------------

# "hausundgarten — just add .de at the end", "kitebox followed by .io", "búscanos como
# artesaniasdonaji, termina en .mx": a name, then an instruction, then the ending.
_SPLIT_DOMAIN = re.compile(
    r"\b(?P<name>[a-z][a-z0-9\-]{3,40})[\s,;:\u2014\u2013\-]*"
    r"(?:(?:just|simply|then|y|and|solo|luego)\s+)?(?:(?:y es|and it'?s|and is)\s+)?"
    r"(?:add|append|followed by|ends? (?:in|with)|ending (?:in|with)|put|termina(?:do)? en|"
    r"acaba(?:do)? en|agrega(?:le)?|anade(?:le)?|ponle|seguido de|\+|y es|and it'?s|"
    r"pero con|but with|(?P<weak>(?:then|luego|despues|es un|es una|it'?s an?|is an?)\b))"
    r"[^.\n]{0,25}?(?<![\w.])\.(?P<tld>[a-z]{2,6})\b(?!\.\w)"
    # "lenaceramics and then .com" ends the clause; "a .net developer" goes on.
    r"(?(weak)(?=[ \t]*(?:$|[\n,;:!?)(]|\.(?!\w)|(?:y|and|pero|but|que|where|donde)\b)))"
)
# "type hartleyleather into your browser and finish it with .co.uk", "busca velasluna en
# Google y termínalo con .mx": a name to look up, then, in the same sentence, its ending.
_LOOKUP_DOMAIN = re.compile(
    r"\b(?:type|search(?: for)?|google|look up|enter|busca(?:r|nos|me)?|escribe|teclea|pon)\s+"
    r"(?P<name>[a-z][a-z0-9\-]{3,40})\b[^.\n]{0,50}?\b(?:finish|end|complete|add|append|"
    r"termina|acaba|completa|agrega|anade|ponle|cierra)\w*\b[^.\n]{0,20}?(?<![\w.])"
    r"\.(?P<tld>[a-z]{2,6}(?:\.[a-z]{2})?)\b(?!\.\w)"
)
_NOT_A_NAME = frozenset(
    (
        *("just", "then", "add", "with", "this", "that", "file", "archivo", "name", "nombre"),
        *("the", "your", "our", "nuestra", "como", "search", "busca", "buscanos", "look"),
    )
)


_LOCAL_BEFORE_AT = re.compile(r"[\w.%+\-]{1,64}$")


def find_split_domains(text: str, own_domains: tuple[str, ...]) -> list[Hit]:
    """Find a site name whose ending is given apart, with a word telling how to join them."""
    if " ." not in text:
        return []
    tlds = top_level_domains()
    hits: list[Hit] = []
    for match in (*_SPLIT_DOMAIN.finditer(text), *_LOOKUP_DOMAIN.finditer(text)):
        name, tld = match.group("name"), match.group("tld")
        last = tld.rsplit(".", 1)[-1]
        if last not in tlds or tld in FILE_EXTENSIONS or name in _NOT_A_NAME:
            continue
        if any(hit.start <= match.start("name") < hit.end for hit in hits):
            continue
        start = match.start("name")
        if start > 1 and text[start - 1] == "@":
            # "ventas@ceramicasol, con .es al final": an address whose ending comes apart.
            local = _LOCAL_BEFORE_AT.search(text, 0, start - 1)
            if local is not None:
                hits.append(Hit("email", local.start(), match.end("tld"), "email_address"))
                continue
        host = f"{name}.{tld}"
        if is_own_host(host, own_domains):
            continue
        hits.extend(_link_hits(host, match.start("name"), match.end("tld")))
    return hits


# --- a site to look up on a search engine ----------------------------------------------------

# "search for Lena Ceramics on google, it's cheaper there", "búscanos en google como
# Cerámicas Luna", "googlea «ceramicas luna» y compra en la web": the seller's own site,
# named for the buyer to find instead of linked.
_ENGINE = r"(?:google|bing|internet|the internet|the web|la web|duckduckgo)"
_SEARCHED = (
    r"[\"'\u00ab\u201c]?(?P<name>[a-z0-9][\w&\-]*(?:[ \t]+[a-z0-9][\w&\-]*){0,3}?)"
    r"[\"'\u00bb\u201d]?"
)
_SITE_SEARCH = (
    re.compile(
        r"\b(?P<verb>search(?:[ \t]+for)?(?:[ \t]+us)?|look[ \t]+(?:us[ \t]+)?up|find[ \t]+us|"
        r"google)"
        rf"[ \t]+(?:(?:as|for|under)[ \t]+)?{_SEARCHED}[ \t]+(?:on|in)[ \t]+{_ENGINE}\b"
    ),
    re.compile(
        r"\b(?P<verb>search(?:[ \t]+for)?[ \t]+us|look[ \t]+us[ \t]+up|find[ \t]+us)[ \t]+"
        rf"(?:on|in)[ \t]+{_ENGINE}[ \t]+(?:as|for|under)[ \t]+{_SEARCHED}"
        r"(?=[ \t]*(?:$|[,.;:!?)\n]))"
    ),
    re.compile(
        r"\b(?P<verb>busca(?:nos|me|r|lo)?|googlea(?:nos|me|r)?|encuentra(?:nos|me)|"
        r"search(?:[ \t]+for)?|google)"
        rf"[ \t]+(?:en[ \t]+{_ENGINE}[ \t]+(?:como[ \t]+)?|on[ \t]+{_ENGINE}[ \t]+(?:for[ \t]+)?)?"
        rf"{_SEARCHED}(?:[ \t]+en[ \t]+{_ENGINE})?(?=[ \t]*(?:$|[,.;:!?)\n]|y\b|and\b))"
    ),
)
# A purchase there, at a better price: a sale outside the marketplace too.
_SEARCH_SALE = re.compile(
    r"\b(?:cheaper|better price|lower price|buy|order|compra|pide|pidelo|directo|directly|"
    r"descuento|discount|mas barato|mas barata|mejor precio|sale|oferta)"
)
# Where the search leads: a cheaper price, a purchase, the seller's own pages.
_SEARCH_STEER = re.compile(
    r"\b(?:cheaper|better price|lower price|buy|order|shop|store|site|website|web|tienda|pagina|"
    r"compra|pide|pidelo|directo|directly|descuento|discount|first result|primer resultado|"
    r"mas barato|mas barata|mejor precio|catalog|catalogo|more models|mas modelos|sale|oferta)"
)
_NOT_SEARCHED = frozenset(
    (
        *("how", "what", "why", "where", "the", "it", "this", "that", "your", "my", "a", "an"),
        *("como", "que", "donde", "lo", "la", "el", "los", "las", "eso", "esto", "tu", "mi"),
        *("un", "una", "for", "on", "en", "us", "me", "nos", "error", "model", "modelo"),
        *("manual", "instructions", "instrucciones", "reviews", "opiniones", "google"),
    )
)


def find_site_searches(text: str) -> list[Hit]:
    """Find a shop's name given to look up on a search engine, to buy or write there."""
    hits: list[Hit] = []
    for pattern in _SITE_SEARCH:
        for match in pattern.finditer(text):
            name = match.group("name")
            first = name.split()[0]
            if first in _NOT_SEARCHED or name.split()[-1] in _NOT_SEARCHED or name.isdigit():
                continue
            engine = re.search(_ENGINE, match.group())
            verb = match.group("verb")
            if engine is None and not verb.startswith("googl"):
                continue
            sentence_end = min(
                (i for i in (text.find(stop, match.end()) for stop in ".!?\n") if i >= 0),
                default=len(text),
            )
            us = any(word in verb for word in ("us", "nos"))
            low = max(0, match.start() - 60)
            if (
                not us
                and _SEARCH_STEER.search(text, low, min(len(text), sentence_end + 80)) is None
            ):
                continue
            if any(hit.start < match.end() and match.start() < hit.end for hit in hits):
                continue
            hits.append(Hit("url", match.start(), match.end(), "external_link", name))
            if _SEARCH_SALE.search(text, low, min(len(text), sentence_end + 80)) is not None:
                hits.append(
                    Hit("marketing", match.start(), match.end(), "sale_outside_marketplace")
                )
    return hits


# --- an id given after an app or network's name ------------------------------------------------

_NAMED_APPS = {
    "messenger": "Messenger",
    "line": "Line",
    "signal": "Signal",
    "wechat": "WeChat",
    "viber": "Viber",
    "kik": "Kik",
    "discord": "Discord",
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "wsp": "WhatsApp",
    "wa": "WhatsApp",
    "tg": "Telegram",
    "skype": "Skype",
    "wasap": "WhatsApp",
    "guasap": "WhatsApp",
    "wpp": "WhatsApp",
}
_NAMED_NETWORKS = {
    "face": "Facebook",
    "facebook": "Facebook",
    "fb": "Facebook",
    "sc": "Snapchat",
    "snap": "Snapchat",
    "snapchat": "Snapchat",
    "ig": "Instagram",
    "insta": "Instagram",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "twitter": "Twitter",
}
# "messenger: farid.karimi.92", "Mi Line es kenji_tanaka88", "add me on sc, sione_t",
# "Face: /tapiceria.ortega", "en tiktok (arroba gamer.rincon)". The id needs a dot, an
# underscore or a digit, so "line: 3 pieces" and "snap, then" stay words.
_NAMED = "|".join(sorted(_NAMED_APPS.keys() | _NAMED_NETWORKS.keys(), key=len, reverse=True))
_NAMED_ID = re.compile(
    rf"\b(?P<name>{_NAMED})"
    r"\b(?:\s+(?:id|user(?:name)?|usuario|account|cuenta|handle))?"
    r"\s*(?:is|es|:|=|,|->|=>|\u2192|-|\(|soy)?\s*(?:(?:arroba|at)\s+)?[/@]?"
    r"(?P<id>(?=[a-z0-9_.]*[\d_.])[a-z][a-z0-9_.]{2,29})(?![\w@])"
)


_ID_MARK = re.compile(r"[\d_]|\.\w")


_NAMED_SCAN = TriggerScan((), whole_words=_NAMED_APPS.keys() | _NAMED_NETWORKS.keys())


def find_named_ids(text: str) -> list[Hit]:
    """Find an id given right after the name of a messaging app or a social network."""
    hits: list[Hit] = []
    if not _NAMED_SCAN.present(text):
        return hits
    for match in _NAMED_ID.finditer(text):
        identifier = match.group("id").rstrip(".")
        if "." in identifier and identifier.rsplit(".", 1)[1] in FILE_EXTENSIONS:
            continue
        # "v2.1", "a1.5": a version or a size, not a user name; "story." a word.
        if sum(character.isalpha() for character in identifier) < 3:
            continue
        if _ID_MARK.search(identifier) is None or text[match.start("id") - 1] == "@":
            continue
        name = match.group("name")
        end = match.start("id") + len(identifier)
        if name in _NAMED_APPS:
            hits.append(Hit("messaging_app", match.start(), end, "messaging_app_username"))
        else:
            hits.append(
                Hit(
                    "social_handle",
                    match.start(),
                    end,
                    "social_media_account",
                    _NAMED_NETWORKS[name],
                )
            )
    return hits


# --- handles --------------------------------------------------------------------------------

_HANDLE = re.compile(r"(?<![\w@.])@[a-z_][\w.]{1,29}")


def find_handles(text: str, claimed: SpanSet) -> list[Span]:
    spans: list[Span] = []
    if "@" not in text:
        return spans
    for match in _HANDLE.finditer(text):
        start = match.start()
        end = match.end()
        while end > start and text[end - 1] == ".":
            end -= 1
        if end - start < 3 or claimed.overlaps(start, end):
            continue
        spans.append((start, end))
    return spans


# --- phone numbers --------------------------------------------------------------------------

# "\+?\(?\d(?:[ .\-/()]{0,3}\d)*", opening with a character class so the engine skips to a
# "+", "(" or digit at C speed; the look-behinds tell which of them it took.
_PHONE_RUN = re.compile(r"[+(\d](?:(?<=\+)\(?\d|(?<=\()\d|(?<=\d))(?:[ .\-/()]{0,3}\d)*")
_NON_DIGIT = re.compile(r"\D")
_DIGIT = re.compile(r"\d")
_DATE_SHAPE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")
_NOT_PHONE_SHAPE = re.compile(r"^(?:\d{3}-\d{7}-\d{7}|\d{5}-\d{4}|\d{4}-\d{4}-\d{4}.*)$")
_LOCAL_SHAPE = re.compile(r"^\d{3}[ .\-]\d{4}$")
_IDENTIFIER_WORDS = re.compile(
    r"\b(?:order|orders|pedido|pedidos|tracking|track|seguimiento|envio|shipment|parcel|"
    r"paquete|lot|lote|serial|serie|s/n|sn|part|pieza|ref|reference|referencia|rma|case|"
    r"caso|ticket|incidencia|invoice|factura|account|cuenta|iban|zip|postcode|postal|cp|"
    r"isbn|ean|upc|gtin|sku|asin|model|modelo|id|ups|usps|fedex|dhl|correos|mrw|seur|gls|"
    r"nacex|ctt|tnt|code|codigo|door|portal|puerta|pin|cvv|card|tarjeta|dni|nif|nie|cif|"
    r"receipt|recibo|transaction|transaccion|claim|reclamacion|warranty|garantia|no|n|num|"
    r"nr|batch|imei|vin|awb|label|etiqueta|return|devolucion|firmware|version|item|"
    r"articulo)\b|#|n\.?\s?o\b|"
    r"n\.?\s?º"
)
_PHONE_CUES = re.compile(
    r"\b(?:call|calls|calling|phone|tel|tlf|telf|telefono|movil|mobile|cell|celular|text|"
    r"texts|sms|whatsapp|wasap|signal|telegram|hotline|helpline|llama|llamar|llamame|"
    r"llamanos|llame|llamen|llamada|marca|contact|contacto|reach|fax|number is|numero es|"
    r"my number|mi numero|linea|line|my (?:no|num|nr|nro)|mi (?:num|nro|no)|cel|celu|"
    r"agendame|agendalo)\b"
)
_CURRENCY_AFTER = re.compile(r"^\s?(?:€|\$|£|eur|euros?|usd|dollars?|dolares|pesos|mxn|gbp)")
_UNIT_AFTER = re.compile(
    r"^\s?(?:cm|mm|km|m|kg|g|gr|lb|lbs|oz|mah|wh|kwh|v|w|hz|ghz|gb|tb|mb|ft|in|inch|"
    r"x|ml|l|units?|unidades|pcs|piezas|%|grams?|gramos|kilos?|kilograms?|metres?|meters?|"
    r"metros|litres?|liters?|litros|inches|pulgadas|pieces|feet|pounds|libras|ms|secs?|seconds|"
    r"segundos|mins|minutes|minutos|hours|horas)\b"
)
# The regions whose national numbers count as phone numbers (the marketplace's buyers and
# sellers write from these): a national number is one when it is valid in one of them, or,
# written the way phone numbers are (a trunk "0" or an area code in brackets, then groups),
# possible in one of them. Only lengths a national number has in them are tried: an 8-digit
# time range or lot number would be valid somewhere.
_REGIONS_BY_LENGTH = {
    9: ("ES", "CL", "PE"),
    10: ("US", "CA", "MX", "GB", "AR", "CO"),
    11: ("US", "GB", "MX", "AR"),
}
# North American 3-3-4 with separators, Spanish mobile 3-3-3 or 3-2-2-2 with spaces or dots
# (a part number is written "612-345-678").
_PHONE_GROUPS = re.compile(
    r"^(?:[2-9]\d{2}([ .\-])\d{3}\1\d{4}|[67]\d{2}([ .])(?:\d{3}\2\d{3}|\d{2}\2\d{2}\2\d{2})|"
    # A North American toll-free number: "1-800-742-5877", a carrier's too.
    r"1([ .\-])8(?:00|33|44|55|66|77|88)\3\d{3}\3\d{4})$"
)
# The words that make the number after them an identifier even in a phone number's groups:
# "Serial 612 345 678", "Lote 612 345 678", "Firmware 6.12.345.678". ("lot" is also the word
# in "a lot": after it, a number grouped as phones are stays one.)
_STRONG_IDENTIFIER = re.compile(
    r"\b(?:serial(?: number| no)?|serie|s/n|sn|lote|part(?: number| no)?|pieza|"
    r"model(?: number| no)?|modelo|sku|ref|referencia|imei|firmware|version|ver|v|isbn|ean|upc|"
    r"asin|gtin)\W*(?:no|nr|num|number|n)?\W*$"
)
_FORMATTED_NATIONAL = re.compile(r"^(?:\(\d{2,5}\)[ .\-]?|0\d{1,4}[ .\-/])\d")


def _is_valid_phone(run: str, digits: str, lenient: bool) -> bool:
    """Tell whether ``digits`` can be a phone number; ``lenient`` after "call me on"."""
    if run.startswith("+") or (digits.startswith("00") and len(digits) >= 10):
        international = "+" + (digits[2:] if digits.startswith("00") else digits)
        try:
            number = phonenumbers.parse(international, None)
        except phonenumbers.NumberParseException:
            return False
        # A known country code and ten or more digits: old or unusual plans still count.
        return phonenumbers.is_possible_number(number) or len(digits) >= 10 or lenient
    if len(digits) >= 11 and _is_international_without_plus(run, digits, lenient):
        return True
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    # North American 555 numbers are reserved for fiction but people type them as real.
    # They are accepted whatever the regions below say, so skip parsing them.
    if len(national) == 10 and national[0] in "23456789" and national[3:6] == "555":
        return True
    if _is_drama_number(digits):
        return True
    return _is_national_number(digits, lenient or _FORMATTED_NATIONAL.match(run) is not None)


def _is_drama_number(digits: str) -> bool:
    """The British mobile range kept for fiction ("07700 900461"): typed as real numbers too."""
    return len(digits) == 11 and digits.startswith("07700900")


# The country codes of the marketplace's regions (see _REGIONS_BY_LENGTH), by region.
_COUNTRY_CODES = {
    "ES": "34",
    "CL": "56",
    "PE": "51",
    "MX": "52",
    "GB": "44",
    "AR": "54",
    "CO": "57",
}
_FIRST_GROUP = re.compile(r"\d+")


def _is_international_without_plus(run: str, digits: str, lenient: bool) -> bool:
    """Tell whether ``run`` opens with a country code of the marketplace's regions written
    without its "+" ("34 612 345 678", "3 4 6 1 2 3 4 5 6 7 8"), as a group of its own,
    before a valid number there (a possible one, ``lenient``, after "call me on")."""
    first = _FIRST_GROUP.match(run)
    spaced = first is not None and len(first.group()) == 1 and len(run) >= 2 * len(digits) - 1
    for region, code in _COUNTRY_CODES.items():
        if not digits.startswith(code) or not (
            spaced or (first is not None and first.group() == code)
        ):
            continue
        try:
            number = phonenumbers.parse("+" + digits, None)
        except phonenumbers.NumberParseException:
            return False
        if lenient and phonenumbers.is_possible_number(number):
            return number.country_code == int(code)
        return phonenumbers.region_code_for_number(number) == region and (
            phonenumbers.is_valid_number(number)
        )
    return False


def is_amount_or_measure(after: str) -> bool:
    """Tell whether the text after a number makes it an amount or a measure ("€", "cm")."""
    return _CURRENCY_AFTER.match(after) is not None or _UNIT_AFTER.match(after) is not None


def is_national_phone(digits: str) -> bool:
    """Tell whether ``digits`` is a valid national number in the marketplace's regions."""
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(national) == 10 and national[0] in "23456789" and national[3:6] == "555":
        return True
    if _is_drama_number(digits):
        return True
    return _is_national_number(digits, possible_is_enough=False)


@lru_cache(maxsize=4096)
def _is_national_number(digits: str, possible_is_enough: bool) -> bool:
    for region in _REGIONS_BY_LENGTH.get(len(digits), ()):
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
        if possible_is_enough and phonenumbers.is_possible_number(number):
            return True
    return False


_ABBREVIATION_BEFORE = re.compile(
    r"(?:^|\W)(?:no|nr|nro|num|n|ref|tel|tlf|telf|mob|ph|cel|inv|art|approx|aprox)$"
)


def _words_before(text: str, start: int, count: int = 4) -> str:
    window = text[max(0, start - 40) : start]
    for stop in ".!?\n":
        cut = window.rfind(stop + " ")
        # "Ref. 1234567890" and "Tel. 612 345 678": the stop ends a word, not a sentence.
        if cut >= 0 and not (stop == "." and _ABBREVIATION_BEFORE.search(window[:cut])):
            window = window[cut + 2 :]
    return " ".join(window.split()[-count:])


def find_phones(text: str, skip: SpanSet) -> list[Hit]:
    """Find phone numbers, skipping identifiers, prices, dates and measurements."""
    hits: list[Hit] = []
    # Every phone run and every vanity number holds a digit.
    if _DIGIT.search(text) is None:
        return hits
    for match in _PHONE_RUN.finditer(text):
        start, end = match.span()
        if end - start < 7:
            continue
        run = match.group().rstrip("(")
        end = start + len(run)
        if run.startswith("(") and ")" not in run:
            start += 1
            run = run[1:]
        if text[end : end + 1] == ":" and text[end + 1 : end + 2].isdigit():
            # "2025-06-02 08:14": the last group is an hour, not part of the number.
            cut = max(run.rfind(separator) for separator in " .-/")
            if cut <= 0:
                continue
            run = run[:cut].rstrip(" .-/(")
            end = start + len(run)
        digits = _NON_DIGIT.sub("", run)
        if not 7 <= len(digits) <= 15:
            continue
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        # "tel+34612483907": a "+" and ten digits open a number even glued to a word.
        glued_international = run.startswith("+") and len(digits) >= 10
        if (before.isalnum() and not glued_international) or after.isalpha():
            continue
        if after == "-" and text[end + 1 : end + 2].isalpha():
            # "415-555-0198-BLK": a code with a colour or a size at its end.
            continue
        if _DATE_SHAPE.match(run) or _NOT_PHONE_SHAPE.match(run):
            continue
        if before in "$€£¥" or (start > 1 and text[start - 2] in "$€£¥" and before == " "):
            continue
        tail = text[end : end + 8]
        if _CURRENCY_AFTER.match(tail) or _UNIT_AFTER.match(tail):
            continue
        if skip.overlaps(start, end):
            continue
        context = _words_before(text, start)
        cue = _PHONE_CUES.search(context) is not None
        # The last three of those four words: what ``_words_before(text, start, 3)`` gives.
        identifier = _IDENTIFIER_WORDS.search(" ".join(context.split()[-3:])) is not None
        # An international number, an area code in brackets, or digits grouped the way only
        # phone numbers are, is a phone number whatever words come before it.
        if (
            identifier
            and not cue
            and run[0] not in "+("
            and (not _PHONE_GROUPS.match(run) or _STRONG_IDENTIFIER.search(context))
        ):
            continue
        if len(digits) == 7:
            if not (cue and _LOCAL_SHAPE.match(run)):
                continue
        elif not _is_valid_phone(run, digits, lenient=cue and not identifier):
            continue
        hits.append(Hit("phone", start, end, "phone_number"))
    if "8" in text:
        hits.extend(_find_vanity_numbers(text, skip, hits))
    return hits


# An app's short name or nickname right before a phone number: "wa 612345678", "wats: 612...",
# "cel/wa 612...", "(también whats): 612...". The number is the app's account too.
_APP_BEFORE_NUMBER = re.compile(
    r"(?<![a-z0-9@])(?P<app>wa|w\.a\.?|w/a|wats|whats|wh@ts|whtspp|whtsp|wtsp|wasp|ws|wsap|wssp|"
    r"wapp|zap|zapzap|zap zap|guasa|wasa|wassa|wpp|wsp|tg|tlg|imo)(?![a-z0-9])"
    r"[^a-z0-9\n]{0,6}$"
)
_APP_BEFORE_NAMES = {"tg": "Telegram", "tlg": "Telegram", "imo": "imo"}
# An app's name earlier in the clause: "Signal works best for me: +1 646 555 0110", "my wa is
# +44 7700 900461", "escríbeme a la app del globito verde: 314 806 2275".
_APP_IN_CLAUSE = re.compile(
    r"(?<![a-z0-9@])(?P<app>whatsapp|whatsap|watsapp|wasap|wassap|guasap|whatsup|telegram|signal|"
    r"viber|wechat|wa|wsp|wpp|tg|(?:app|aplicacion) del globito verde|app verde|green app)"
    r"(?![a-z0-9])(?P<between>[^.!?\n]{0,40})$"
)
_NOT_THERE = re.compile(r"\b(?:no|not|don'?t|never|nunca|sin|without|ni)\b")
_APP_CLAUSE_NAMES = {
    "telegram": "Telegram",
    "tg": "Telegram",
    "signal": "Signal",
    "viber": "Viber",
    "wechat": "WeChat",
}


def apps_before_numbers(text: str, phones: list[Hit]) -> list[Hit]:
    """The messaging apps named by a short name or nickname right before a phone number."""
    found: list[Hit] = []
    for phone in phones:
        if phone.category != "phone":
            continue
        low = max(0, phone.start - 24)
        match = _APP_BEFORE_NUMBER.search(text, low, phone.start)
        if match is not None:
            name = _APP_BEFORE_NAMES.get(match.group("app"), "WhatsApp")
        else:
            match = _APP_IN_CLAUSE.search(text, max(0, phone.start - 70), phone.start)
            if match is None or _NOT_THERE.search(text, max(0, match.start() - 20), phone.start):
                continue
            name = _APP_CLAUSE_NAMES.get(match.group("app"), "WhatsApp")
        found.append(
            Hit("messaging_app", match.start("app"), phone.end, "messaging_app_named", name)
        )
    return found


# "1-800-FLOWERS": a toll-free prefix followed by letters dialled on the keypad.
_VANITY = re.compile(
    r"(?<![\w.])(?:(?P<trunk>\+?1[ .\-]?)|\()?\(?8(?:00|33|44|55|66|77|88)\)?[ .\-]"
    r"(?=[a-z0-9\-]*[a-z])[a-z0-9](?:-?[a-z0-9]){6,9}(?![\w])"
)


def _find_vanity_numbers(text: str, skip: SpanSet, found: list[Hit]) -> list[Hit]:
    hits: list[Hit] = []
    for match in _VANITY.finditer(text):
        start, end = match.span()
        if skip.overlaps(start, end) or overlaps(start, end, [(h.start, h.end) for h in found]):
            continue
        if match.group("trunk") is None and not _PHONE_CUES.search(_words_before(text, start)):
            continue
        hits.append(Hit("phone", start, end, "phone_number_in_letters"))
    return hits
