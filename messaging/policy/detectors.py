"""Run every detector over one text and report findings on the original text."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from .codes import english_reason
from .contacts import (
    Hit,
    LinkScan,
    SpanSet,
    apps_before_numbers,
    emails_at_mail_hosts,
    find_handles,
    find_links,
    find_named_ids,
    find_phones,
    find_site_searches,
    find_split_domains,
    find_user_and_domain,
    find_webmail_accounts,
    overlaps,
)
from .dictation import find_dictated_phones
from .frames import find_frames
from .language import (
    NAMED_ID_TRIGGERS,
    classify_handles,
    find_app_mentions,
    find_marketing,
    find_opt_out,
    find_requests,
    find_review_manipulation,
    find_social_mentions,
    model_finding_stands,
    model_topics,
    names_a_network,
    trigger_scan_with,
    triggers_in,
)
from .model import semantic_findings
from .normalize import (
    DOT_HINT_WORDS,
    NUMBER_WORD_SET,
    SPELT_HINT_WORDS,
    Normalized,
    digit_count,
    keyword_view,
    keyword_view_letters,
    keyword_view_symbols,
    normalize_with_keywords,
)
from .patterns import TriggerScan, literal_union
from .reports import CONTACT_CODES, WORDING_CATEGORIES, reporting_sentences

_CONTACT_CATEGORIES = frozenset({"email", "phone", "url", "social_handle", "messaging_app"})
_SPOKEN_SEPARATOR = re.compile(r"\b(?:at|arroba|dot|punto|pto)\b|[\[({<][^\])}>]{0,8}[\])}>]")
_NUMBER_WORD = re.compile(
    r"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|"
    r"seis|siete|ocho|nueve|hundred|thousand|mil|cien|ciento)\b"
)
# "seiscientos", "novecientas": searched apart, only where "cient" occurs.
_HUNDREDS_WORD = re.compile(r"\b\w+cient[oa]s\b")
_SPACED_OUT = re.compile(r"(?:\S ){3}\S")
_SPLIT_LETTERS = re.compile(r"(?<![\w.\-])\w([.\-])\w(?:\1\w)+(?![\w\-])")
_MAX_PER_CATEGORY = 50
_PROVIDER_HINTS = (
    *("mail", "yahoo", "outlook", "icloud", "proton", "gmx", "yandex", "zoho", "aol"),
    *("correo de google", "correo de microsoft", "de google", "de microsoft", "google's"),
)
_PROVIDER_HINT = re.compile(literal_union(_PROVIDER_HINTS))
_KEYWORDS: TriggerScan  # set below, once the hints of backwards text are defined
_SQUEEZE = re.compile(r"[\W_]+")
_ALNUM = re.compile(r"[^\W_]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# For ASCII text "[\W_]" is exactly the non-alphanumeric characters; bytes.translate drops
# them many times faster than the regular expression.
_ASCII_NOT_ALNUM = bytes(code for code in range(128) if not chr(code).isalnum())


class RawFinding(NamedTuple):
    """A finding with offsets into the scanned text.

    The fields come in the report's order (start, end, category, English reason), so the
    findings sort and deduplicate as plain tuples, in C.
    """

    start: int
    end: int
    category: str
    reason: str
    code: str
    detail: str
    disguises: tuple[str, ...]


def _is_look_alike(character: str) -> bool:
    if character.isascii() or not character.isalnum():
        return False
    name = unicodedata.name(character, "")
    return not name.startswith("LATIN") or "FULLWIDTH" in name


_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = b"0123456789"


def _has_digit(text: str) -> bool:
    """Tell whether "\\d" matches anywhere in ``text``."""
    if text.isascii():
        # In ASCII text "\d" is "0" to "9": bytes.translate deletes them at C speed.
        encoded = text.encode("ascii")
        return len(encoded.translate(None, _ASCII_DIGITS)) < len(encoded)
    return _DIGIT.search(text) is not None


def _squeeze(words: str) -> str:
    """Return ``words`` without its non-alphanumeric characters."""
    if words.isascii():
        return words.encode("ascii").translate(None, _ASCII_NOT_ALNUM).decode("ascii")
    if _ALNUM.search("".join(_NON_ASCII.findall(words))) is None:
        # Its non-ASCII characters are all marks or symbols ("¿", "€"): drop them all,
        # then the rest as ASCII.
        return words.encode("ascii", "ignore").translate(None, _ASCII_NOT_ALNUM).decode("ascii")
    return _SQUEEZE.sub("", words)


def _disguises(original: str, normalized: str) -> tuple[str, ...]:
    """Return the codes of the ways ``original`` was disguised, in a fixed order."""
    folded = original.casefold()
    if folded == normalized:
        return ()
    notes: list[str] = []
    # No ASCII character is invisible (category Cf) or a look-alike, so skip both scans.
    if not original.isascii():
        if any(unicodedata.category(character) == "Cf" for character in original):
            notes.append("invisible_characters")
        if any(_is_look_alike(character) for character in original):
            notes.append("look_alike_characters")
    if _SPOKEN_SEPARATOR.search(folded):
        notes.append("at_dot_written_out")
    if _NUMBER_WORD.search(folded) or ("cient" in folded and _HUNDREDS_WORD.search(folded)):
        notes.append("digits_as_words")
    if _SPACED_OUT.search(original):
        notes.append("spaced_out")
    if _SPLIT_LETTERS.search(folded):
        notes.append("split_letters")
    return tuple(notes)


def _to_original(normalized: Normalized, hit: Hit) -> RawFinding:
    start, end = normalized.span(hit.start, hit.end)
    disguises: tuple[str, ...] = ()
    if hit.category in _CONTACT_CATEGORIES:
        disguises = _disguises(normalized.original[start:end], normalized.text[hit.start : hit.end])
    reason = english_reason(hit.code, hit.detail, disguises)
    return RawFinding(start, end, hit.category, reason, hit.code, hit.detail, disguises)


def scan(text: str, own_domains: tuple[str, ...], statistical: bool = True) -> list[RawFinding]:
    """Return every finding in ``text``, with offsets into ``text``.

    ``statistical`` adds the second pass (model.py) for the semantic categories the rules
    did not find.
    """
    normalized, keywords, folded, folded_keywords = normalize_with_keywords(text, _KEYWORDS.present)
    view = normalized.text
    links = find_links(view, own_domains)
    not_phones = _not_phones(links)
    hits: list[Hit] = list(links.hits)
    if links.hits:
        hits.extend(emails_at_mail_hosts(view, links.hits))
    hits.extend(find_split_domains(view, own_domains))
    if "googl" in view or "internet" in view or "bing" in view or "the web" in view:
        hits.extend(find_site_searches(view))
    if _PROVIDER_HINT.search(view) is not None:
        hits.extend(find_webmail_accounts(view))
    if "domain" in view or "dominio" in view:
        hits.extend(find_user_and_domain(view))
    # Without a digit there is no phone number, and keyword_view changes nothing (it reads
    # digits inside words as letters): one cheap test stands in for both their searches.
    has_digit = _has_digit(view)
    if has_digit:
        phone_hits = find_phones(view, not_phones)
        if phone_hits:
            hits.extend(phone_hits)
            hits.extend(apps_before_numbers(view, phone_hits))
    phones = SpanSet()
    for hit in hits:
        if hit.category in ("phone", "email"):
            phones.add(hit.start, hit.end)
    # The keyword scan of the folded text knows its number words while no step changed it.
    number_words = None if keywords is None else not keywords.isdisjoint(NUMBER_WORD_SET)
    hits.extend(find_dictated_phones(view, phones, number_words))
    words = keyword_view(view) if has_digit else view
    words = keyword_view_letters(words)
    squeezed = _squeeze(words)
    # One pass finds every trigger word; each wording detector runs only if its own occur.
    # ``keywords`` holds them for the folded text, which is ``words`` if nothing changed it.
    present = keywords if keywords is not None and words == view else triggers_in(words)
    if not present.isdisjoint(NAMED_ID_TRIGGERS) or _names_more(words):
        named = find_named_ids(keyword_view_symbols(words))
        if words != view:
            # "my line is lenak77": the keyword view reads the id's digits as letters.
            named.extend(
                hit
                for hit in find_named_ids(keyword_view_symbols(view))
                if not overlaps(hit.start, hit.end, [(h.start, h.end) for h in named])
            )
        hits.extend(named)
    hits.extend(classify_handles(words, squeezed, find_handles(view, links.claimed), present))
    # One search for any app or network name serves both detectors.
    network = names_a_network(squeezed)
    hits.extend(find_app_mentions(words, squeezed, present, network))
    hits.extend(find_social_mentions(words, squeezed, present, network))
    hits.extend(find_requests(words, present))
    hits.extend(find_marketing(words, present, view))
    hits.extend(find_review_manipulation(words, present))
    hits.extend(find_opt_out(words, present))
    hits.extend(find_frames(words, frozenset(hit.category for hit in hits)))
    if statistical:
        hits.extend(_model_hits(view, hits))
    hits = _without_reported(hits, words)
    per_category: dict[str, int] = {}
    findings: set[RawFinding] = set()
    _add_findings(findings, per_category, normalized, hits, links.own_spans)
    if folded is not normalized and _may_hold_a_contact(folded.text):
        # Undoing disguises rewrote the text; what is plainly written in it still counts,
        # whatever the steps made of the words around it ("write me directly at a@b.com").
        plain = find_links(folded.text, own_domains)
        plain_hits = list(plain.hits)
        if _has_digit(folded.text):
            plain_hits.extend(find_phones(folded.text, _not_phones(plain)))
        taken = [(found.start, found.end, found.category) for found in findings]
        plain_hits = [hit for hit in plain_hits if not _taken(folded, hit, taken)]
        # A plain address wider than what the disguise-reading found in it ("o00.000+0@a0.com"
        # read as "000 000 0@a0.com") replaces that narrower finding.
        for hit in _wider_than_taken(folded, plain.hits, taken):
            start, end = folded.span(hit.start, hit.end)
            findings -= {
                found
                for found in findings
                if found.category == hit.category and start <= found.start and found.end <= end
            }
            plain_hits.append(hit)
        _add_findings(findings, per_category, folded, plain_hits, plain.own_spans)
    for window in _reversed_windows(folded.text, folded_keywords):
        for found in _reversed_findings(folded, own_domains, window):
            if not _taken_original(found, findings):
                findings.add(found)
    # Sorted by (start, end, category) as the report is; equal ones then by reason.
    return sorted(findings)


# A hint to read something backwards, or text that only makes sense read so: an address
# ending where it should start ("moc.liamg@..."), a number ending in its "+".
_REVERSED_HINTS = (
    "backward",
    "reverse",
    "flip it",
    "flipped",
    "mirror it",
    "mirrored",
    "right to left",
    "from the end",
    "end to the start",
    "al reves",
    "invertid",
    "derecha a izquierda",
    "final al principio",
)
# Endings read backwards ("moc." for ".com"), searched as plain substrings first.
_REVERSED_ENDINGS = tuple(
    f"{ending}."
    for ending in (
        *("moc", "ten", "gro", "ofni", "oc", "se", "xm", "ra", "lc", "ku", "ed", "rf"),
        *("ti", "zib", "pohs", "erots", "enilno"),
    )
)
_REVERSED_SHAPE = re.compile(
    r"(?<![\w.])(?:moc|ten|gro|ofni|oc|se|xm|ra|lc|ku|ed|rf|ti|zib|pohs|erots|enilno)\.\w"
    r"|(?<![\d ])\d[\d ]{6,}+\+(?!\d)"
)


# One scan of the folded text finds the wording detectors' trigger words, the number words
# and the odd spellings of "at" and "dot" the normaliser needs, and the hints of a text
# written backwards.
_KEYWORDS = trigger_scan_with(
    NUMBER_WORD_SET
    | DOT_HINT_WORDS
    | SPELT_HINT_WORDS
    | frozenset(_REVERSED_HINTS)
    | frozenset(_REVERSED_ENDINGS)
)
_REVERSED_HINT = re.compile("|".join(re.escape(hint) for hint in _REVERSED_HINTS))
# How much text around a hint, or an ending read backwards, is read the other way round.
_REVERSED_BEFORE = 200
_REVERSED_AFTER = 200
_REVERSED_WINDOWS = 3
_REVERSED_LONGEST = 600


def _reversed_windows(text: str, keywords: frozenset[str] | None) -> list[tuple[int, int]]:
    """The stretches of ``text`` around a hint to read backwards or a backwards ending.

    ``keywords``, the keyword scan of ``text`` if at hand, holds its hints and endings.
    """
    if keywords is None:
        hinted = any(hint in text for hint in _REVERSED_HINTS)
        ending = any(ending in text for ending in _REVERSED_ENDINGS)
    else:
        hinted = not keywords.isdisjoint(_REVERSED_HINTS)
        ending = not keywords.isdisjoint(_REVERSED_ENDINGS)
    marks: list[int] = []
    if hinted:
        marks.extend(match.start() for match in _REVERSED_HINT.finditer(text))
    if ending or "+" in text:
        marks.extend(match.start() for match in _REVERSED_SHAPE.finditer(text))
    windows: list[tuple[int, int]] = []
    for mark in sorted(marks):
        start, end = max(0, mark - _REVERSED_BEFORE), min(len(text), mark + _REVERSED_AFTER)
        if windows and start <= windows[-1][1]:
            # Overlapping stretches join, up to a bounded length.
            joined = (windows[-1][0], max(end, windows[-1][1]))
            if joined[1] - joined[0] <= _REVERSED_LONGEST:
                windows[-1] = joined
                continue
            start = windows[-1][1]
        if len(windows) == _REVERSED_WINDOWS:
            break
        windows.append((start, end))
    return windows


_WORD = re.compile(r"[\w.@+\-]+")
# Read forwards even when each word around them is written backwards.
_SEPARATOR_WORDS = frozenset({"at", "dot", "arroba", "punto", "pto"})


def _reversed_findings(
    folded: Normalized, own_domains: tuple[str, ...], window: tuple[int, int]
) -> list[RawFinding]:
    """Contact details written backwards in ``window``, read the other way round: the whole
    stretch, or each word on its own ("zemog.anul arroba liamg punto moc")."""
    first, last = window
    text = folded.text
    whole = list(range(last - 1, first - 1, -1))
    each_word = list(range(first, last))
    for match in _WORD.finditer(text, first, last):
        if match.group() not in _SEPARATOR_WORDS:
            each_word[match.start() - first : match.end() - first] = range(
                match.end() - 1, match.start() - 1, -1
            )
    found: list[RawFinding] = []
    for order in (whole, each_word):
        # A path read backwards comes before its host ("erac/moc.gifdnaorref"): a space
        # instead of "/" lets the host stand alone.
        backwards = "".join(text[index] for index in order).replace("/", " ")
        normalized, _, _, _ = normalize_with_keywords(backwards, None)
        view = normalized.text
        links = find_links(view, own_domains)
        hits: list[Hit] = list(links.hits)
        if _has_digit(view):
            hits.extend(find_phones(view, _not_phones(links)))
        if "@" in view:
            hits.extend(
                Hit("social_handle", start, end, "social_media_handle")
                for start, end in find_handles(view, links.claimed)
            )
        for hit in hits:
            if hit.end <= hit.start or (links.own_spans and _inside(hit, links.own_spans)):
                continue
            back_start, back_end = normalized.span(hit.start, hit.end)
            positions = order[back_start:back_end]
            start, end = folded.span(min(positions), max(positions) + 1)
            disguises = ("reversed",)
            reason = english_reason(hit.code, hit.detail, disguises)
            found.append(
                RawFinding(start, end, hit.category, reason, hit.code, hit.detail, disguises)
            )
    return found


def _taken_original(found: RawFinding, findings: set[RawFinding]) -> bool:
    return any(
        other.category == found.category and other.start < found.end and found.start < other.end
        for other in findings
    )


# The reason each semantic category gets when only the statistical pass found it.
_MODEL_CODES = {
    "marketing": "reads_as_marketing",
    "review_manipulation": "reads_as_review_manipulation",
    "opt_out": "reads_as_opt_out",
}


def _model_hits(view: str, hits: list[Hit]) -> list[Hit]:
    """The statistical pass's findings, for a message the rules found nothing in.

    It decides only what the rules would let through: a message they block is blocked for
    the reasons they give, with their spans.
    """
    if hits:
        return []
    # A finding stands only on a sentence about its category's subject: without one in the
    # whole text, the model has nothing to find.
    topics = model_topics(view)
    if not topics:
        return []
    return [
        Hit(category, start, end, _MODEL_CODES[category])
        for category, start, end in semantic_findings(view)
        if category in topics and model_finding_stands(category, view[start:end])
    ]


def _without_reported(hits: list[Hit], words: str) -> list[Hit]:
    """Drop the wording findings inside sentences that report what someone else sent."""
    wording = [
        hit
        for hit in hits
        if (hit.category in WORDING_CATEGORIES and hit.code not in CONTACT_CODES)
        # "I got an email from 'your store'", "someone asked me for my number".
        or hit.code.startswith("asks_for_")
    ]
    if not wording:
        return hits
    reported = reporting_sentences(words)
    if not reported:
        return hits
    dropped = {
        id(hit)
        for hit in wording
        if any(
            start <= hit.start and _end_before_marks(words, hit.start, hit.end) <= end
            for start, end in reported
        )
    }
    return [hit for hit in hits if id(hit) not in dropped]


def _end_before_marks(words: str, start: int, end: int) -> int:
    """Where a finding ends without the sentence marks closing it: a sentence's span leaves
    out its final "?" or "." (a finding on a whole sentence takes it in)."""
    while end > start and words[end - 1] in _CLOSING_MARKS:
        end -= 1
    return end


_CLOSING_MARKS = frozenset(".!?\u2026)]\"' \n")


def _wider_than_taken(
    normalized: Normalized, hits: list[Hit], taken: list[tuple[int, int, str]]
) -> list[Hit]:
    """The address hits that strictly contain a finding of their category."""
    wider = []
    for hit in hits:
        if hit.category != "email":
            continue
        start, end = normalized.span(hit.start, hit.end)
        if any(
            category == hit.category
            and start <= found_start
            and found_end <= end
            and (found_start, found_end) != (start, end)
            for found_start, found_end, category in taken
        ):
            wider.append(hit)
    return wider


def _taken(normalized: Normalized, hit: Hit, taken: list[tuple[int, int, str]]) -> bool:
    """Tell whether a finding of ``hit``'s category already covers part of its span."""
    start, end = normalized.span(hit.start, hit.end)
    return any(
        category == hit.category and found_start < end and start < found_end
        for found_start, found_end, category in taken
    )


_DOT_LABEL = re.compile(r"\.[0-9a-z\u00c0-\U0010ffff]")


def _may_hold_a_contact(text: str) -> bool:
    """A cheap test every text with an address, a host or a phone number passes."""
    return "@" in text or _DOT_LABEL.search(text) is not None or digit_count(text) >= 7


def _names_more(words: str) -> bool:
    """The app and network names the trigger scan does not look for, and symbols in one."""
    return (
        " sc" in words
        or "kik" in words
        or "twitter" in words
        or "youtube" in words
        or "!" in words
        or "$" in words
        or "|" in words
        or "@" in words
    )


def _not_phones(links: LinkScan) -> SpanSet:
    """The spans where no phone number is looked for: addresses and the marketplace's links."""
    spans = SpanSet()
    for hit in links.hits:
        if hit.category == "email":
            spans.add(hit.start, hit.end)
    for start, end in links.own_spans:
        spans.add(start, end)
    return spans


def _add_findings(
    findings: set[RawFinding],
    per_category: dict[str, int],
    normalized: Normalized,
    hits: list[Hit],
    own: list[tuple[int, int]],
) -> None:
    for hit in hits:
        # A message full of addresses is blocked by the first few; cap the report's size (and
        # map no more hits back to the original text once a category is full).
        count = per_category.get(hit.category, 0)
        if count >= _MAX_PER_CATEGORY:
            continue
        if hit.end <= hit.start or (own and _inside(hit, own)):
            continue
        finding = _to_original(normalized, hit)
        if finding in findings:
            continue
        per_category[hit.category] = count + 1
        findings.add(finding)


def _inside(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(start <= hit.start and hit.end <= end for start, end in spans[:_MAX_PER_CATEGORY])
