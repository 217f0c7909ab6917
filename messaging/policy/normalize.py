"""Undo the disguises people use to hide contact details, keeping an offset map.

Every character of the normalised text remembers the span of the original text it came
from, so a finding on the normalised text can be reported on the text the sender wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, compress, groupby, pairwise, product

from .data import (
    CONFUSABLES,
    HUNDREDS_WORDS,
    INVISIBLE,
    MAIL_PROVIDERS,
    MESSAGING_HOSTS,
    MULTIPLIER_WORDS,
    NUMBER_WORDS,
    PROSE_WORDS,
    SHORTENER_HOSTS,
    SOCIAL_HOSTS,
    SYMBOL_WORDS,
    TEEN_WORDS,
    TENS_WORDS,
    WEBMAIL_PROVIDERS,
    WORD_TLDS,
    top_level_domains,
)
from .patterns import TriggerScan, literal_union

Edit = tuple[int, int, str]
# Above this many edits, deletions are applied with a mask (see ``Normalized._delete``).
_MANY_EDITS = 32


class Normalized:
    """Normalised text plus, for each of its characters, the original span it stands for.

    ``starts`` and ``ends`` never decrease: folding maps characters in order, and ``apply``
    keeps or deletes entries in order and gives a replacement its span's first start and last
    end. So the smallest start of a span is its first and the largest end its last.
    """

    __slots__ = ("ends", "original", "starts", "text")

    def __init__(
        self, original: str, text: str, starts: Sequence[int], ends: Sequence[int]
    ) -> None:
        self.original = original
        self.text = text
        self.starts = starts
        self.ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original span covered by the normalised span [start, end)."""
        if end <= start:
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return position, position
        # The first start and the last end are the smallest and largest (see above).
        return self.starts[start], self.ends[min(end, len(self.ends)) - 1]

    def apply(self, edits: Iterable[Edit]) -> Normalized:
        """Return a copy with each (start, end, replacement) edit applied.

        Edits must be sorted and must not overlap. A replacement of the same length keeps
        the per-character map; any other replacement maps all its characters to the whole
        original span it replaces.
        """
        if isinstance(edits, list) and len(edits) > _MANY_EDITS and not any(e[2] for e in edits):
            return self._delete(edits)
        text, starts, ends = self.text, self.starts, self.ends
        parts: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        # Bound methods: a long message with thousands of edits spends its time in this loop.
        add_part, add_starts, add_ends = parts.append, new_starts.extend, new_ends.extend
        position = 0
        for start, end, replacement in edits:
            if start < position:
                continue
            if start > position:
                add_part(text[position:start])
                add_starts(starts[position:start])
                add_ends(ends[position:start])
            if replacement:
                add_part(replacement)
                if len(replacement) == end - start:
                    add_starts(starts[start:end])
                    add_ends(ends[start:end])
                else:
                    # min() and max() of the span, as the maps never decrease (see above).
                    add_starts([starts[start]] * len(replacement))
                    add_ends([ends[end - 1]] * len(replacement))
            position = end
        parts.append(text[position:])
        new_starts.extend(starts[position:])
        new_ends.extend(ends[position:])
        return Normalized(self.original, "".join(parts), new_starts, new_ends)

    def _delete(self, edits: list[Edit]) -> Normalized:
        """``apply`` for edits that only delete: mark what stays, then keep it in one pass.

        Same rule as ``apply``: an edit starting before the end of the last one is skipped.
        Letters split by dots ("r.o.s.a ...") make thousands of one-character deletions,
        which this handles at C speed instead of three list operations per edit.
        """
        keep = bytearray(b"\x01") * len(self.text)
        position = 0
        for start, end, _ in edits:
            if start < position:
                continue
            keep[start:end] = bytes(end - start)
            position = end
        return self.keep(keep)

    def keep(self, mask: bytearray) -> Normalized:
        """Return a copy with only the characters whose ``mask`` byte is non-zero."""
        return Normalized(
            self.original,
            "".join(compress(self.text, mask)),
            list(compress(self.starts, mask)),
            list(compress(self.ends, mask)),
        )


# --- characters -------------------------------------------------------------------------

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_DIGIT = re.compile(r"\d")
_CHAR_CACHE: dict[str, str] = {}
_CHAR_CACHE_LIMIT = 20_000


def _fold_character(character: str) -> str:
    if character in SYMBOL_WORDS:
        return SYMBOL_WORDS[character]
    if character in INVISIBLE:
        return ""
    category = unicodedata.category(character)
    if category in ("Cf", "Mn", "Me", "Cs", "Co", "Cn"):
        return ""
    if category.startswith("Z"):
        return " "
    pieces: list[str] = []
    for decomposed in unicodedata.normalize("NFKD", character):
        if unicodedata.combining(decomposed) or decomposed in INVISIBLE:
            continue
        if unicodedata.category(decomposed) in ("Mn", "Me", "Cf"):
            continue
        for folded in decomposed.casefold():
            pieces.append(CONFUSABLES.get(folded, folded))
    return "".join(pieces)


def _folded(character: str) -> str:
    folded = _CHAR_CACHE.get(character)
    if folded is None:
        folded = _fold_character(character)
        if len(_CHAR_CACHE) < _CHAR_CACHE_LIMIT:
            _CHAR_CACHE[character] = folded
    return folded


_NON_ASCII_CHARACTER = re.compile(r"[^\x00-\x7f]")
# Characters that fold to one character which lower() leaves as it is.
_ONE_TO_ONE: dict[str, str] = {}


class _NotOneToOne(Exception):
    """A character folds to no or several characters, or to one that lower() changes."""


def _one_to_one(match: re.Match[str]) -> str:
    character = match.group()
    folded = _ONE_TO_ONE.get(character)
    if folded is None:
        folded = _folded(character)
        if len(folded) != 1 or folded.lower() != folded:
            raise _NotOneToOne
        if len(_ONE_TO_ONE) < _CHAR_CACHE_LIMIT:
            _ONE_TO_ONE[character] = folded
    return folded


def fold_characters(text: str) -> Normalized:
    """Apply NFKC-style compatibility folding, case folding, accent and invisible removal."""
    if text.isascii():
        # Plain ASCII maps one to one: ranges stand in for the offset lists.
        return Normalized(text, text.lower(), range(len(text)), range(1, len(text) + 1))
    # Most non-ASCII text only has accented letters, each folding to one character that
    # lower() leaves alone: then folding them and lowering the whole text lowers just the
    # ASCII between them, as folding does (no folded character is a capital sigma, the one
    # character lower() reads in context). The offsets map one to one, as ranges.
    try:
        folded = _NON_ASCII_CHARACTER.sub(_one_to_one, text).lower()
    except _NotOneToOne:
        return _fold_mixed(text)
    return Normalized(text, folded, range(len(text)), range(1, len(text) + 1))


def _fold_mixed(text: str) -> Normalized:
    """``fold_characters`` for text with a character that is not folded one to one."""
    # Each character may still fold to exactly one character: then the offsets map one to
    # one and ranges stand in for the lists.
    pieces: list[str] = []
    position = 0
    for match in _NON_ASCII.finditer(text):
        start, end = match.span()
        pieces.append(text[position:start].lower())
        for character in match.group():
            folded = _folded(character)
            if len(folded) != 1:
                return _fold_with_map(text)
            pieces.append(folded)
        position = end
    pieces.append(text[position:].lower())
    return Normalized(text, "".join(pieces), range(len(text)), range(1, len(text) + 1))


def _fold_with_map(text: str) -> Normalized:
    """Fold ``text`` where some characters vanish or expand, building the offset lists."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _NON_ASCII.finditer(text):
        start, end = match.span()
        if start > position:
            parts.append(text[position:start].lower())
            starts.extend(range(position, start))
            ends.extend(range(position + 1, start + 1))
        for index in range(start, end):
            folded = _folded(text[index])
            if folded:
                parts.append(folded)
                starts.extend([index] * len(folded))
                ends.extend([index + 1] * len(folded))
        position = end
    if position < len(text):
        parts.append(text[position:].lower())
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
    return Normalized(text, "".join(parts), starts, ends)


# --- bracket tricks: example[.]com, name(at)mail, {dot} -----------------------------------

_BRACKETED = re.compile(
    r"[ \t]{0,3}[\[({<\u00ab\u201c\u2018][ \t]{0,3}(\.|dot|punto|pto|@|at|arroba)[ \t]{0,3}"
    r"[\])}>\u00bb\u201d\u2019][ \t]{0,3}"
)
# "ana -at- gmail *dot* com": the word between two of the same symbols.
_WRAPPED = re.compile(
    r"[ \t]{0,3}([\-*_~=+|#:/\\'\"])\1?[ \t]{0,2}(dot|punto|pto|at|arroba)[ \t]{0,2}\1\1?[ \t]{0,3}"
    r"(?=[a-z0-9])"
)
_WRAPPED_HINT = re.compile(
    r"[\-*_~=+|#:/\\'\"][ \t]{0,2}(?:dot|punto|pto|at|arroba)[ \t]{0,2}[\-*_~=+|#:/\\'\"]"
)


def _without_overlaps(edits: list[Edit]) -> list[Edit]:
    """Sort ``edits`` and drop each one overlapping an earlier one: two readings of the same
    stretch, of which the first stands."""
    edits = sorted(edits)
    kept = edits[:1]
    for edit in edits[1:]:
        if edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


_GLUED_A = re.compile(r"(?<=[a-z0-9])\(a\)(?=[a-z0-9])")


def _undo_brackets(normalized: Normalized) -> Normalized:
    text = normalized.text
    edits: list[Edit] = []
    if _WRAPPED_HINT.search(text) is not None:
        wrapped = [
            match
            for match in _WRAPPED.finditer(text)
            if match.start() > 0 and text[match.start() - 1].isalnum()
        ]
        # A quoted word alone is a quotation ("he said "at" home"); quoted "at" and "dot"
        # together are an address read out.
        quoted = sum(match.group(1) in "'\"" for match in wrapped)
        for match in wrapped:
            if match.group(1) in "'\"" and quoted < 2:
                continue
            symbol = "." if match.group(2) in ("dot", "punto", "pto") else "@"
            edits.append((match.start(), match.end(), symbol))
    if not (
        "(" in text
        or "[" in text
        or "{" in text
        or "<" in text
        or "\u00ab" in text
        or "\u201c" in text
        or "\u2018" in text
    ):
        return normalized.apply(edits) if edits else normalized
    for match in _BRACKETED.finditer(text):
        symbol = "." if match.group(1) in (".", "dot", "punto", "pto") else "@"
        edits.append((match.start(), match.end(), symbol))
    # "(a)" is a literal part of the pattern, and a substring test is much cheaper.
    for match in _GLUED_A.finditer(text) if "(a)" in text else ():
        edits.append((match.start(), match.end(), "@"))
    if not edits:
        return normalized
    return normalized.apply(_without_overlaps(edits))


# --- the "@" sign named in words: "ana at sign gmail dot com" ------------------------------

# "(the at sign)", "(el signo de arroba)": the article goes with the sign's name.
# A mail provider's name in two words: "g mail", "gee mail", "hot mail".
_SPLIT_PROVIDER = re.compile(r"\b(?:g|gee)[ \t\-]mail\b|\bhot[ \t\-]mail\b")
_AT_SIGN_NAME = re.compile(
    r"\b(?:the[ \t]+)?at[ \-]?(?:sign|symbol)\b|"
    r"\bthe[ \t]+at[ \-]?(?:thing|thingy|character|mark)\b|"
    r"\b(?:el[ \t]+)?(?:signo|simbolo)(?: de)? arroba\b"
)


# "www casaverde com": a host name read out with spaces for dots.
_WWW_SPACED = re.compile(r"\bwww[ \t]+[a-z0-9\-]+(?:[ \t]+[a-z0-9\-]+){1,2}\b")
_BLANKS = re.compile(r"[ \t]+")


# The words for "@" and "." spelt oddly: "a t", "d o t", "arrob@", "@@", " .. ".
_SPELT_DOT = re.compile(
    r"(?<![\w.])(?<![\s][\w.][ \t])(?<!^[\w.][ \t])d(?:[ \t.]o[ \t.]|[ \t.]?0[ \t.]?)t"
    r"(?![\w.])(?=[ \t]+\w\w)"
)
# "w w w casaverde c o m": the three letters of "www" or "com" spaced out.
_SPELT_WWW = re.compile(r"(?<![\w.])w[ \t.]w[ \t.]w(?=[ \t.]+[a-z0-9]{2})")
_SPELT_COM = re.compile(r"(?<=[a-z0-9]{3}[ \t])c[ \t]o[ \t]m(?![\w.])")
_SPELT_AT = re.compile(
    r"(?<=[\w.]{2}[ \t])a[ \t]t(?=[ \t]+(?:"
    + literal_union(MAIL_PROVIDERS)
    + r"\b|[\w\-]{2,}[ \t]*(?:\.|dot\b|punto\b|d[ \t.]o[ \t.]t\b)))"
)
# "aaat", "arrobaa", "doot", "puntoo": the words with letters repeated.
_STRETCHED = re.compile(
    r"(?<![\w.])(?:a{1,6}t{1,6}|a{1,6}r{1,6}o{1,6}b{1,6}a{1,6}|d{1,6}o{1,6}t{1,6}|"
    r"p{1,6}u{1,6}n{1,6}t{1,6}o{1,6})(?![\w])"
)
_STRETCHED_WORDS = {"at": "at", "aroba": "arroba", "dot": "dot", "punto": "punto"}
_SYMBOL_ARROBA = re.compile(r"(?<![\w@])(?:arrob@|@rroba)(?![\w@])")
_DOUBLED = re.compile(r"@{2,}|(?<=[ \t])\.\.(?=[ \t]*[a-z]{2,6}\b)")


# What every spelling ``_spelt_operators`` reads holds: the keyword scan finds them in one pass.
SPELT_HINT_WORDS = frozenset(
    (
        *("d o ", "d.o.", "d0", "d 0", "w w ", "w.w.", "c o m", " a t ", "rrob@", "@rrob"),
        *("aat", "att ", "att,", "rrr", "obaa", "aarr", "arob", "doot", "dott", "ddo", "ntoo"),
        *("ntto", "uunt", "nnto", "ppun", "puu", "@@", " .. ", "at thing", "at char"),
        *("at mark",),
    )
)
_STRETCHED_HINTS = SPELT_HINT_WORDS & frozenset(
    ("aat", "att ", "att,", "rrr", "obaa", "aarr", "arob", "doot", "dott", "ddo", "ntoo")
) | frozenset(("ntto", "uunt", "nnto", "ppun", "puu"))


_SPELT_SCAN = TriggerScan(SPELT_HINT_WORDS)
_AT_THING = frozenset(("at thing", "at char", "at mark"))
# Any of them, found at C speed: most texts hold none.
_SPELT_ANY = re.compile(literal_union(SPELT_HINT_WORDS))


def _spelt_operators(text: str, hints: frozenset[str] | None = None) -> list[Edit]:
    """Edits reading "a t", "d o t", "arrob@", "aaat", "@@" as the words they spell.

    ``hints``, if given, holds every word of ``SPELT_HINT_WORDS`` the text holds (and maybe
    other words).
    """
    edits: list[Edit] = []
    if hints is None:
        if _SPELT_ANY.search(text) is None:
            return edits
        hints = _SPELT_SCAN.present(text)
    if hints.isdisjoint(SPELT_HINT_WORDS):
        return edits
    if not hints.isdisjoint(("d o ", "d.o.", "d0", "d 0")):
        edits.extend((m.start(), m.end(), "dot") for m in _SPELT_DOT.finditer(text))
    if "w w " in hints or "w.w." in hints:
        edits.extend((m.start(), m.end(), "www") for m in _SPELT_WWW.finditer(text))
    if "c o m" in hints:
        edits.extend((m.start(), m.end(), "com") for m in _SPELT_COM.finditer(text))
    if " a t " in hints:
        edits.extend((m.start(), m.end(), "at") for m in _SPELT_AT.finditer(text))
    if "rrob@" in hints or "@rrob" in hints:
        edits.extend((m.start(), m.end(), "arroba") for m in _SYMBOL_ARROBA.finditer(text))
    if not hints.isdisjoint(_STRETCHED_HINTS):
        for match in _STRETCHED.finditer(text):
            word = match.group()
            if word in ("at", "arroba", "dot", "punto"):
                continue
            squeezed = "".join(letter for letter, _ in groupby(word))
            if squeezed in _STRETCHED_WORDS:
                edits.append((match.start(), match.end(), _STRETCHED_WORDS[squeezed]))
    if "@@" in hints or " .. " in hints:
        edits.extend((m.start(), m.end(), m.group()[0]) for m in _DOUBLED.finditer(text))
    return edits


def _undo_symbol_names(
    normalized: Normalized, spelt_hints: frozenset[str] | None = None
) -> Normalized:
    """Read the "@" and "." named or spelt in words, and providers and hosts said apart.

    ``spelt_hints`` holds the words of ``SPELT_HINT_WORDS`` the text holds (and maybe others),
    if the caller knows.
    """
    text = normalized.text
    if spelt_hints is None:
        spelt_hints = _SPELT_SCAN.present(text) if _SPELT_ANY.search(text) else frozenset()
    spelt = not spelt_hints.isdisjoint(SPELT_HINT_WORDS)
    edits: list[Edit] = _spelt_operators(text, spelt_hints) if spelt else []
    if "mail" in text:
        for match in _SPLIT_PROVIDER.finditer(text):
            word = "hotmail" if match.group().startswith("hot") else "gmail"
            edits.append((match.start(), match.end(), word))
    if "sign" in text or "simbol" in text or (spelt and not spelt_hints.isdisjoint(_AT_THING)):
        edits.extend((match.start(), match.end(), "@") for match in _AT_SIGN_NAME.finditer(text))
    if "www" in text:
        for match in _WWW_SPACED.finditer(text):
            blanks = list(_BLANKS.finditer(text, match.start(), match.end()))
            labels = match.group().split()
            while len(labels) > 2 and not _is_top_level(labels[-1]):
                labels.pop()
            if len(labels) < 3 or not _is_top_level(labels[-1]):
                continue
            end = blanks[len(labels) - 2].end() + len(labels[-1])
            if labels[-1] in WORD_TLDS and text[end : end + 1] not in ("", *_SENTENCE_END):
                continue
            edits.extend((blank.start(), blank.end(), ".") for blank in blanks[: len(labels) - 1])
    if not edits:
        return normalized
    return normalized.apply(_without_overlaps(edits))


# --- pieces glued with "+", the dot called a full stop, short spaced runs -------------------

# "carmen + 'dot' + ruiz + 'at' + outlook + '.es'": pieces (quoted or not) joined by "+",
# among them an "at" or a "dot", word or symbol. The pieces are glued, the words read as
# the symbols they stand for.
_GLUE_PIECE = r"""['"`]?[\w.@\-]+['"`]?"""
_GLUED_PIECES = re.compile(rf"{_GLUE_PIECE}(?:[ \t]*\+[ \t]*{_GLUE_PIECE}){{2,}}")
# A piece between two "+": every run of glued pieces holds one, and the search opens with
# the rare "+".
_GLUE_HINT = re.compile(rf"\+[ \t]*{_GLUE_PIECE}[ \t]*\+")
_GLUE_SPLIT = re.compile(r"[ \t]*\+[ \t]*")
_GLUE_AT = frozenset({"at", "arroba", "@"})
_GLUE_DOT = frozenset({"dot", "punto", "pto", "."})
# "fjordhome full stop no", "vanderberg a period nl", "telefonica punto final es": the dot
# named as the punctuation mark, when a top-level domain follows it.
_FULL_STOP = re.compile(
    r"(?<=[a-z0-9])[ \t,]+(?:a[ \t]+)?(?:full[ \t\-]?stop|period|punto[ \t]+final)[ \t,]+"
    r"(?:and[ \t]+|y[ \t]+)?(?=(?P<tld>[a-z]{2,6})\b)"
)
# "at g m x dot n e t": two or three single letters right after an "at" or a "dot" word are
# one label (longer runs are collapsed by the next step).
_SHORT_SPACED = re.compile(
    r"(?:at(?<!\wat)|dot(?<!\wdot)|arroba(?<!\warroba)|punto(?<!\wpunto)) "
    r"(?P<run>[a-z](?: [a-z]){1,2})(?![^\s,;:!?)])(?! [a-z0-9](?![^\s,;:!?)]))"
)


# "casaverde.c o m": the ending's letters spaced out after a written dot.
_SPACED_ENDING = re.compile(
    r"(?<=[a-z0-9]{3}\.)(?P<run>[a-z] [a-z] [a-z]|[a-z] [a-z](?=[ \t]*(?:$|[\n,;:!?)/])))"
    r"(?![^\s,;:!?)/])(?! [a-z0-9](?![^\s,;:!?)]))"
)
_HOST_LINE_BREAK = re.compile(
    r"(?<=[a-z0-9]{3})[ \t]*\n[ \t]*(?=\.(?:com|net|org|es|mx|ar|co|cl|pe|uk|de|fr|it|io|shop|"
    r"store|online)\b)|(?<=\bwww\.)[ \t]*\n[ \t]*(?=[a-z0-9])"
)
_SPACED_ENDING_HINT = re.compile(r"\.[a-z] [a-z](?![a-z])")


# Two single letters in a row, which every run "_SHORT_SPACED" changes holds.
_SHORT_SPACED_HINT = re.compile(r" [a-z] [a-z](?![a-z])")


# "lumenlamps dotcom", "ceramicasol puntocom": the dot word glued to the ending.
_DOTCOM = re.compile(
    r"(?<![\w.@\-])(?P<name>[a-z0-9][a-z0-9\-]{2,62})(?P<gap>[ \t]+(?:dot|punto))"
    r"(?=(?:com|net|org)\b)"
)
# "ceramicasol,com", "lumenlamps, dot com": a comma for the dot, or around a spoken one.
_COMMA_DOT = re.compile(
    r"(?<![\w.@\-])(?P<name>[a-z][a-z0-9\-]{2,62})"
    r"(?P<gap>[ \t]*,[ \t]*(?:(?:dot|punto)[ \t]*,?[ \t]*)?)(?=(?:com|net|org)\b)"
)


def _undo_glue_and_full_stops(normalized: Normalized) -> Normalized:
    text = normalized.text
    edits: list[Edit] = []
    if "dotcom" in text or "dotnet" in text or "dotorg" in text or "puntocom" in text:
        edits.extend((m.start("gap"), m.end("gap"), ".") for m in _DOTCOM.finditer(text))
    if ",com" in text or ", com" in text or ", dot com" in text or ", punto com" in text:
        edits.extend((m.start("gap"), m.end("gap"), ".") for m in _COMMA_DOT.finditer(text))
    if "+" in text and _GLUE_HINT.search(text):
        for match in _GLUED_PIECES.finditer(text):
            pieces = [piece.strip("'\"`") for piece in _GLUE_SPLIT.split(match.group())]
            if _GLUE_AT.isdisjoint(pieces) and not any(
                piece in _GLUE_DOT or piece.startswith(".") for piece in pieces
            ):
                continue
            glued = "".join(
                "@" if piece in _GLUE_AT else "." if piece in _GLUE_DOT else piece
                for piece in pieces
            )
            edits.append((match.start(), match.end(), glued))
    if "stop" in text or "period" in text or "final" in text:
        for match in _FULL_STOP.finditer(text):
            if _is_top_level(match.group("tld")):
                edits.append((match.start(), match.end(), " dot "))
    if (
        " at " in text or "dot " in text or "arroba " in text or "punto " in text
    ) and _SHORT_SPACED_HINT.search(text):
        for match in _SHORT_SPACED.finditer(text):
            edits.extend(
                (position, position + 1, "")
                for position in range(match.start("run") + 1, match.end("run"), 2)
            )
    if "\n." in text or ".\n" in text:
        # "lenaceramics\n.com", "www.\nlenaceramics": a host broken over two lines.
        edits.extend((m.start(), m.end(), "") for m in _HOST_LINE_BREAK.finditer(text))
    if "." in text and _SPACED_ENDING_HINT.search(text):
        for match in _SPACED_ENDING.finditer(text):
            if _is_top_level(match.group("run").replace(" ", "")):
                edits.extend(
                    (position, position + 1, "")
                    for position in range(match.start("run") + 1, match.end("run"), 2)
                )
    if not edits:
        return normalized
    return normalized.apply(_without_overlaps(edits))


# --- spaced-out characters: "j o h n", "5 5 5 - 0 1 9 2" -----------------------------------

# Runs of four or more single characters: only a segment of four is collapsed (see below).
# Every character of a run continues it the same way, so the part of a run from any of its
# characters is a shorter run: requiring four characters drops short runs and nothing else.
_SPACED_RUN = re.compile(r"(?<!\S)\S(?= \S)(?: \S(?![^\s,;:!?)\]\"'.])){3,}")
_SPACED_HINT = re.compile(r" \S \S \S")


# Each single character of a run as "d" (digit), "l" (letter) or "m" (anything else).
_ASCII_KINDS = str.maketrans(
    {
        chr(code): "d" if chr(code).isdigit() else "l" if chr(code).isalpha() else "m"
        for code in range(128)
    }
)
# Where digits meet letters, marks in between staying with the characters before them.
_KIND_CHANGE = re.compile(r"(?<=d)m*(?=l)|(?<=l)m*(?=d)")


def _kinds(characters: str) -> str:
    if characters.isascii():
        return characters.translate(_ASCII_KINDS)
    return "".join(
        "d" if character.isdigit() else "l" if character.isalpha() else "m"
        for character in characters
    )


def _collapse_spaced(normalized: Normalized) -> Normalized:
    text = normalized.text
    # An edit needs a segment of four single characters "a b c d", which holds " b c d";
    # this test is much cheaper than the scan.
    if _SPACED_HINT.search(text) is None:
        return normalized
    keep: bytearray | None = None
    for match in _SPACED_RUN.finditer(text):
        # Split where digits meet letters: "6 5 0 6 9 6 0 8 6 y marca" keeps the "y".
        kinds = _kinds(match.group()[::2])
        bounds = [0, *(change.end() for change in _KIND_CHANGE.finditer(kinds)), len(kinds)]
        first = match.start()
        for low, high in pairwise(bounds):
            if high - low >= 4:
                # Delete the blank after each character of the segment but its last.
                if keep is None:
                    keep = bytearray(b"\x01") * len(text)
                keep[first + 2 * low + 1 : first + 2 * high - 2 : 2] = bytes(high - low - 1)
    return normalized if keep is None else normalized.keep(keep)


# --- letters split by dots or dashes: "r.o.s.a", "g-m-a-i-l", "c.o.m" ---------------------

# Single characters joined by one repeated "." or "-". Digit-only runs are left to the phone
# detector, which reads "6.1.2" and "6-1-2" itself.
# The look-behind for the character before the run sits after its first character, which
# lets the engine skip positions by that character (the same test as a look-behind in front).
_SPLIT_LETTERS = re.compile(
    r"[a-z0-9](?<![\w.\-][a-z0-9])(?P<sep>[.\-])[a-z0-9](?:(?P=sep)[a-z0-9])+(?![\w\-])"
)
_SPLIT_LETTERS_HINT = re.compile(r"[.\-][a-z0-9][.\-](?<=[a-z0-9][.\-][a-z0-9][.\-])")
# A two-letter run is a top-level domain only right after a spoken or written dot.
_SPLIT_TLD_BEFORE = re.compile(r"(?:\.|\bdot|\bpunto|\bpto)[ \t]*$")
_SPLIT_PAIR = re.compile(r"[a-z](?<![\w.\-][a-z])(?P<sep>[.\-])[a-z](?![\w\-])")


def _collapse_split_letters(normalized: Normalized) -> Normalized:
    text = normalized.text
    spoken_dot = "dot" in text or "punto" in text or " . " in text
    if _SPLIT_LETTERS_HINT.search(text) is None and not spoken_dot:
        return normalized
    # Every edit deletes one separator, so a mask of the characters to keep does them all.
    keep: bytearray | None = None
    for match in _SPLIT_LETTERS.finditer(text):
        start, end = match.span()
        letters = text[start:end:2]
        if letters.isdigit():
            continue
        # "U.S.A." and "a.b.c" stay as they are; "c.o.m" after a name is a domain.
        if len(letters) == 3 and not _is_top_level(letters):
            continue
        if keep is None:
            keep = bytearray(b"\x01") * len(text)
        keep[start + 1 : end : 2] = bytes(len(letters) - 1)
    if spoken_dot:
        for match in _SPLIT_PAIR.finditer(text):
            start = match.start()
            # "r.o" opening "r.o.s.a": a run above may have deleted this separator already.
            if keep is not None and not keep[start + 1]:
                continue
            window = text[max(0, start - 8) : start]
            if _is_top_level(match.group()[::2]) and _SPLIT_TLD_BEFORE.search(window):
                if keep is None:
                    keep = bytearray(b"\x01") * len(text)
                keep[start + 1] = 0
    return normalized if keep is None else normalized.keep(keep)


# --- spoken separators: "john at gmail dot com", "tienda punto es" ------------------------

_CHAIN_TOKEN = re.compile(r"[\w%+\-]+(?:[.@][\w%+\-]+)*|[@.]")
# A cheap test for any spoken separator, in parts: any part matching means the whole
# matches, and separate searches are cheaper than one alternation the engine cannot skip by
# first character. The word parts open with the word and check what comes before it with a
# look-behind ("\bat" is "at(?<!\wat)"), which lets the engine skip positions by its first
# letter; the "on" part runs only where a webmail name can follow.
_SPOKEN_AT = re.compile(
    r"(?:at(?<!\wat)|arroba(?<!\warroba))\s+(?:[\w\-]+(?:[.@]\w|\s+(?:dot|punto|pto)\b|"
    rf"\s*[,;:!?)]|\s*$)|(?:{literal_union(MAIL_PROVIDERS)})\b)"
)
# A lone "@" or ".", or a "." after a blank before a word.
# Opening with the symbol lets the engine skip to the rare "@" and "." at C speed; the
# look-behinds test the blank (and the word character) before it. Only searched.
_SPOKEN_SYMBOL = re.compile(r"[@.](?<=\s[@.])(?:\s|(?<=\w\s\.)\w)")
_SPOKEN_ON = re.compile(rf"(?:on(?<!\won)|en(?<!\wen))\s+(?:{literal_union(WEBMAIL_PROVIDERS)})\b")
# Every webmail name holds one of these, so without them "_SPOKEN_ON" cannot match (the
# test in ``_has_spoken_separator`` spells them out, which is cheaper than a loop).
_WEBMAIL_PARTS = ("mail", "outlook", "yahoo", "icloud", "aol", "gmx", "yandex", "zoho")
assert all(any(part in name for part in _WEBMAIL_PARTS) for name in WEBMAIL_PROVIDERS)
_SPOKEN_DOT = re.compile(r"(?:dot(?<!\wdot)|punto(?<!\wpunto)|pto(?<!\wpto))\s+\w")


def _has_spoken_separator(text: str) -> bool:
    if _SPOKEN_AT.search(text) or _SPOKEN_SYMBOL.search(text):
        return True
    if (
        "mail" in text
        or "outlook" in text
        or "yahoo" in text
        or "icloud" in text
        or "aol" in text
        or "gmx" in text
        or "yandex" in text
        or "zoho" in text
    ) and _SPOKEN_ON.search(text):
        return True
    return ("dot" in text or "punto" in text or "pto" in text) and bool(_SPOKEN_DOT.search(text))


# "ana.g on gmail", "anagarcia en hotmail": only a webmail name makes "on"/"en" an "@".
_ON_WORDS = frozenset({"on", "en"})
_LOCAL_MARK = re.compile(r"[._\d]")
_EMAIL_CUE = re.compile(
    r"(?:e-?mail|mail|correo|write|escrib|contact|reach|message|a line|send|envia|manda|"
    # "it's my shop name, velasluna, on gmail": the name said to be the user name.
    r"name|nombre|user|usuario)"
    r"[^.!?\n]{0,40}$"
)
_KNOWN_HOSTS = SHORTENER_HOSTS | SOCIAL_HOSTS | MESSAGING_HOSTS
_AT_WORDS = frozenset({"at", "arroba", "@"})
_DOT_WORDS = frozenset({"dot", "punto", "pto", "."})
_SENTENCE_END = frozenset(".,;:!?)]\"'\n")
_CONTRACTION = re.compile(r"['\u2019](?:s|ll|d|re|ve|m|t)\b")
_CONJUNCTION_AFTER = re.compile(r"[ \t]+(?:y|and|o|or|pero|but)[ \t]")


def _is_top_level(label: str) -> bool:
    return label in top_level_domains()


def _last_label(word: str) -> str:
    return word.rsplit(".", 1)[-1].rsplit("@", 1)[-1]


# Splitting on a token (as a group) lists the text's gaps and tokens in turn, all in C:
# [gap, token, gap, token, ..., gap].
_TOKEN_SPLIT = re.compile(f"({_CHAIN_TOKEN.pattern})")
# What may stand between two tokens of one run: at most three spaces or tabs, or nothing.
_CHAIN_GAPS = frozenset(
    "".join(blanks) for count in range(4) for blanks in product(" \t", repeat=count)
) | frozenset(
    # "ana dot ruiz, at gmail, dot com": a comma between the parts read out
    f"{''.join(before)},{''.join(after)}"
    for count_before in range(2)
    for count_after in range(3)
    for before in product(" \t", repeat=count_before)
    for after in product(" \t", repeat=count_after)
)
_OPERATORS = _AT_WORDS | _DOT_WORDS | _ON_WORDS


def _chains(text: str) -> list[list[tuple[int, int, str]]]:
    """Split the text into runs of tokens separated only by short stretches of spaces.

    Tokens stay in one run when at most three blanks (spaces or tabs) separate them, or
    nothing at all: then one of them is a lone "@" or ".", as a word token takes every word
    character after it. Runs of fewer than three tokens are left out, and so are runs
    without an operator ("at", "dot", "@", ...), where ``_spoken_edits`` has nothing to do.
    """
    parts = _TOKEN_SPLIT.split(text)
    tokens = parts[1::2]
    # tokens[i] is parts[2 * i + 1]: it starts where parts[2 * i] ends.
    ends = list(accumulate(map(len, parts)))
    # parts[2 * index] is the gap before tokens[index]: a run ends before each index whose
    # gap is too wide, and at the end of the text.
    breaks = [index for index, gap in enumerate(parts[2:-1:2], 1) if gap not in _CHAIN_GAPS]
    breaks.append(len(tokens))
    return [
        [(ends[2 * i], ends[2 * i + 1], tokens[i]) for i in range(first, last)]
        for first, last in pairwise([0, *breaks])
        if last - first >= 3 and not _OPERATORS.isdisjoint(tokens[first:last])
    ]


def _is_word(token: str) -> bool:
    return token not in _AT_WORDS and token not in _DOT_WORDS and token not in _ON_WORDS


def _domain_end(chain: list[tuple[int, int, str]], first: int, text: str, spoken_at: bool) -> int:
    """Return the index of the last word of a domain starting at chain[first], or -1."""
    best = -1
    index = first
    while index < len(chain) and _is_word(chain[index][2]):
        word = chain[index][2]
        label = _last_label(word)
        if (
            not label.isalpha()
            and label.isalnum()
            and not label.isdigit()
            and _is_top_level(label.translate(_LEET))
        ):
            # "dot c0m": digits standing in for the ending's letters.
            label = label.translate(_LEET)
        if (index > first or "." in word) and _is_top_level(label):
            after = text[chain[index][1] : chain[index][1] + 1]
            if (
                spoken_at
                or label not in WORD_TLDS
                or not after
                or after in _SENTENCE_END
                # "floristeria punto es y te llega": a conjunction opens the next clause.
                or _CONJUNCTION_AFTER.match(text, chain[index][1])
                or ".".join(token for _, _, token in chain[first : index + 1 : 2]) in _KNOWN_HOSTS
            ):
                best = index
        if (
            index + 2 < len(chain)
            and chain[index + 1][2] in _DOT_WORDS
            # "punto final" is the full stop ("pon punto final a la frase").
            and not (chain[index + 1][2] == "punto" and chain[index + 2][2] == "final")
        ):
            index += 2
        else:
            break
    return best


def _is_local_part(word: str) -> bool:
    return word not in PROSE_WORDS and any(character.isalnum() for character in word)


def _spoken_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for chain in _chains(text):
        # A word followed by an operator ("at", "dot", "@", ...) with a token after it is the
        # only place an edit starts, so the scan visits the operators, left to right; after
        # an edit it resumes past the domain, as a scan of every word would.
        resume = consumed = 0
        operators = [index for index, (_, _, token) in enumerate(chain) if token in _OPERATORS]
        for after in operators:
            index = after - 1
            if index < resume or after >= len(chain) - 1:
                continue
            word = chain[index][2]
            operator = chain[after][2]
            if not _is_word(word) or not _is_local_part(word):
                continue
            first = index
            if operator in _ON_WORDS:
                window = text[max(0, chain[index][0] - 60) : chain[index][0]]
                # "ana punto ruiz en gmail": a dot read out inside the name marks it too.
                dotted = (
                    index - 2 >= consumed
                    and chain[index - 1][2] in _DOT_WORDS
                    and _is_word(chain[index - 2][2])
                    and _is_local_part(chain[index - 2][2])
                )
                spoken_on = (
                    chain[index + 2][2] in WEBMAIL_PROVIDERS
                    and len(word) >= 2
                    and bool(dotted or _LOCAL_MARK.search(word) or _EMAIL_CUE.search(window))
                )
                if not spoken_on:
                    continue
                last = index + 2
                while (
                    first - 2 >= consumed
                    and chain[first - 1][2] in _DOT_WORDS
                    and _is_word(chain[first - 2][2])
                    and _is_local_part(chain[first - 2][2])
                ):
                    first -= 2
            elif operator in _AT_WORDS:
                domain_start = index + 2
                provider = chain[domain_start][2].split(".", 1)[0] in MAIL_PROVIDERS
                last = _domain_end(chain, domain_start, text, spoken_at=True)
                if last < 0 and provider:
                    last = domain_start
                # "claim it at shop.com" is a link; "rosa.lin at shop.com" an address.
                if (
                    last >= 0
                    and operator == "at"
                    and not provider
                    and not (
                        _LOCAL_MARK.search(word)
                        or _EMAIL_CUE.search(text[max(0, chain[index][0] - 60) : chain[index][0]])
                    )
                ):
                    last = -1
                while (
                    last >= 0
                    and first - 2 >= consumed
                    and chain[first - 1][2] in _DOT_WORDS
                    and _is_word(chain[first - 2][2])
                    and _is_local_part(chain[first - 2][2])
                ):
                    first -= 2
            else:
                last = _domain_end(chain, index, text, spoken_at=False)
                if last < 0 and "@" in word:
                    last = _domain_end(chain, index, text, spoken_at=True)
            if last < 0:
                continue
            for position in range(first + 1, last, 2):
                operator = chain[position][2]
                symbol = "@" if operator in _AT_WORDS or operator in _ON_WORDS else "."
                edits.append((chain[position - 1][1], chain[position + 1][0], symbol))
            resume = consumed = last + 1
    return edits


def _undo_spoken(normalized: Normalized) -> Normalized:
    if not _has_spoken_separator(normalized.text):
        return normalized
    edits = _spoken_edits(normalized.text)
    if not edits:
        return normalized
    return normalized.apply(edits)


# --- digits written as words, only in long runs -------------------------------------------

_UNITS = "|".join(sorted(NUMBER_WORDS.keys() - {"oh"}, key=len, reverse=True))
_LARGE = "|".join(sorted([*HUNDREDS_WORDS, *MULTIPLIER_WORDS], key=len, reverse=True))
_NUMBER_WORD = (
    rf"(?:{'|'.join(TENS_WORDS)})(?:(?: y |[ -])(?:{_UNITS})\b)?"
    rf"|{'|'.join(sorted(TEEN_WORDS, key=len, reverse=True))}|{_UNITS}|oh"
    # "six hundred and twelve": the "and" belongs to the number when a number follows.
    rf"|(?:hundred|thousand)(?: and(?= [a-z]))?|{_LARGE}"
)
_NUMBER_RUN = re.compile(
    rf"\b(?:{_NUMBER_WORD}|\d+)\b(?:[\s,.\-/]{{1,3}}(?:(?:{_NUMBER_WORD})\b|\d+\b))+"
)
_NUMBER_TOKEN = re.compile(rf"\b(?:{_NUMBER_WORD})\b|\d+")
_MIN_DIGITS_IN_RUN = 7
NUMBER_WORD_SET = frozenset(
    [*NUMBER_WORDS, *TEEN_WORDS, *TENS_WORDS, *HUNDREDS_WORDS, *MULTIPLIER_WORDS]
)
_NUMBER_WORD_ANYWHERE = re.compile(literal_union(NUMBER_WORD_SET))
# A run of numbers that holds a word token holds a number word next to another number: its
# last word (or "hundred and") before a separator and a digit or a number word, or a digit
# before a separator and a number word. Without either, every run is digits alone.
_WORD_BEFORE_NUMBER = re.compile(
    rf"{_NUMBER_WORD_ANYWHERE.pattern}(?: and)?(?![^\W_])[\s,.\-/]{{1,3}}"
    rf"(?:\d|{_NUMBER_WORD_ANYWHERE.pattern})"
)
_DIGIT_BEFORE_WORD = re.compile(rf"\d[\s,.\-/]{{1,3}}{_NUMBER_WORD_ANYWHERE.pattern}")
# "\d[a-z]|[a-z]\d", opening with the digit so the engine skips to digits at C speed.
_LETTER_NEXT_TO_DIGIT = re.compile(r"\d(?:(?<=[a-z]\d)|(?=[a-z]))")
# A digit word glued to digits: "555-12three-4567", "4one5".
_UNIT_WORD = re.compile(_UNITS)
_COMPOUND_SEPARATOR = re.compile(r" y |[ -]")


def _number_value(word: str) -> str:
    """Return the digits a number word stands for: "seven" 7, "treinta y cuatro" 34."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if word in TEEN_WORDS:
        return TEEN_WORDS[word]
    if word in TENS_WORDS:
        return TENS_WORDS[word] + "0"
    if word in HUNDREDS_WORDS:
        return str(HUNDREDS_WORDS[word])
    multiplier = word.removesuffix(" and")
    if multiplier in MULTIPLIER_WORDS:
        return str(MULTIPLIER_WORDS[multiplier])
    tens, unit = _COMPOUND_SEPARATOR.split(word, maxsplit=1)
    return TENS_WORDS[tens] + NUMBER_WORDS[unit.strip()]


def _has_number_word(text: str) -> bool:
    for match in _NUMBER_WORD_ANYWHERE.finditer(text):
        start, end = match.span()
        if (start == 0 or not text[start - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            return True
    return False


def _digits_from_glued_words(normalized: Normalized) -> Normalized:
    text = normalized.text
    edits: list[Edit] = []
    for match in _UNIT_WORD.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if (before.isdigit() and not after.isalpha()) or (after.isdigit() and not before.isalpha()):
            edits.append((start, end, NUMBER_WORDS[match.group()]))
    if not edits:
        return normalized
    return normalized.apply(edits)


_SIMPLE_VALUES = {
    **NUMBER_WORDS,
    **TEEN_WORDS,
    **{word: tens + "0" for word, tens in TENS_WORDS.items()},
}
# The tokens ``_NumberReader._multiplier`` gives a value: "hundred", "hundred and", "mil", ...
_MULTIPLIER_FORMS = frozenset([*MULTIPLIER_WORDS, *(word + " and" for word in MULTIPLIER_WORDS)])


class _NumberReader:
    """Group the number words of one run into the numbers they say.

    Each word is read alone ("six one two" is 6 1 2) except where it builds a larger number:
    "seiscientos doce" is 612, "six hundred and twelve" 612, "dos mil veinticuatro" 2024.
    """

    __slots__ = ("gaps", "words")

    def __init__(self, words: list[str], gaps: list[str]) -> None:
        self.words = words
        # gaps[i] is the text between words[i] and words[i + 1].
        self.gaps = gaps

    def _joined(self, index: int) -> bool:
        """Tell whether words[index] and words[index + 1] belong to the same number."""
        return index + 1 < len(self.words) and not self.gaps[index].strip(" \t\n-")

    def _small(self, index: int) -> int | None:
        word = self.words[index]
        if (
            word.isdigit()
            or word in HUNDREDS_WORDS
            or word.removesuffix(" and") in (MULTIPLIER_WORDS)
        ):
            return None
        return int(_number_value(word))

    def _multiplier(self, index: int) -> int:
        return MULTIPLIER_WORDS.get(self.words[index].removesuffix(" and"), 0)

    def _below_thousand(self, index: int) -> tuple[int, int, bool] | None:
        """Read a number under a thousand at ``index``: (value, next index, built)."""
        word = self.words[index]
        if word.isdigit():
            return None
        value: int
        if word in HUNDREDS_WORDS:
            value, index = HUNDREDS_WORDS[word], index + 1
        elif self._multiplier(index) == 100:
            value, index = 100, index + 1
        else:
            small = self._small(index)
            if small is None:
                return None
            if self._joined(index) and self._multiplier(index + 1) == 100 and 0 < small < 10:
                value, index = small * 100, index + 2
            else:
                return small, index + 1, False
        if self._joined(index - 1) and index < len(self.words):
            small = self._small(index)
            if small is not None and small < 100:
                value, index = value + small, index + 1
        return value, index, True

    def read(self, index: int) -> tuple[str, int]:
        """Return the digits of the number starting at words[index] and the next index."""
        word = self.words[index]
        if word.isdigit():
            return word, index + 1
        # A unit, teen or tens word not followed by a multiplier is read alone: the general
        # path below gives the same, word by word, for dictated digits ("six one two ...").
        if word in _SIMPLE_VALUES and (
            index + 1 == len(self.words) or self.words[index + 1] not in _MULTIPLIER_FORMS
        ):
            return _SIMPLE_VALUES[word], index + 1
        if self._multiplier(index) == 1000:
            value, following, built = 1, index, True
        else:
            below = self._below_thousand(index)
            if below is None:
                return _number_value(word), index + 1
            value, following, built = below
            if not (self._joined(following - 1) and self._multiplier(following) == 1000):
                return (str(value) if built else _number_value(word)), following
        value, following = value * 1000, following + 1
        if self._joined(following - 1):
            rest = self._below_thousand(following)
            if rest is not None:
                value, following = value + rest[0], rest[1]
        return str(value), following


def _stands_alone(text: str, words: Iterable[str]) -> bool:
    """``_has_number_word(text)``, given every number word ``text`` holds as a substring.

    Number words are letters only, so no match of ``_NUMBER_WORD_ANYWHERE`` spans a
    character that is not a letter or digit: where a word stands alone, the scan reaches its
    start and takes exactly it. So the test holds exactly when some occurrence of a word has
    no letter or digit on either side; searching the few words held is far cheaper.
    """
    for word in words:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            ):
                return True
            start = text.find(word, start + 1)
    return False


def _digits_from_words(
    normalized: Normalized, number_words: frozenset[str] | None = None
) -> Normalized:
    """Read long runs of numbers written as words as digits.

    ``number_words``, if given, holds every word of ``NUMBER_WORD_SET`` in the text.
    """
    # Whether a number word stands alone is the same before and after the next edits: they
    # only replace words with a digit beside them, and a word standing alone has none.
    alone = None if number_words is None else _stands_alone(normalized.text, number_words)
    if _LETTER_NEXT_TO_DIGIT.search(normalized.text) is not None:
        normalized = _digits_from_glued_words(normalized)
    text = normalized.text
    if alone is None:
        alone = _has_number_word(text)
    if not alone or (
        _WORD_BEFORE_NUMBER.search(text) is None and _DIGIT_BEFORE_WORD.search(text) is None
    ):
        return normalized
    edits: list[Edit] = []
    for run in _NUMBER_RUN.finditer(text):
        tokens = list(_NUMBER_TOKEN.finditer(text, run.start(), run.end()))
        words = [token.group() for token in tokens]
        if all(word.isdigit() for word in words):
            continue
        starts = [token.start() for token in tokens]
        ends = [token.end() for token in tokens]
        gaps = [text[ends[i] : starts[i + 1]] for i in range(len(tokens) - 1)]
        reader = _NumberReader(words, gaps)
        numbers: list[tuple[int, int, str]] = []
        index = 0
        while index < len(tokens):
            digits, following = reader.read(index)
            numbers.append((index, following - 1, digits))
            index = following
        if sum(len(digits) for _, _, digits in numbers) < _MIN_DIGITS_IN_RUN:
            continue
        for position, (first, last, digits) in enumerate(numbers):
            start, end = starts[first], ends[last]
            if text[start:end] != digits:
                edits.append((start, end, digits))
            if position + 1 < len(numbers):
                # Dictated digits: "nine one nine, five five five" reads as one number.
                next_start = starts[numbers[position + 1][0]]
                if "," in text[end:next_start]:
                    edits.append((end, next_start, " "))
    if not edits:
        return normalized
    return normalized.apply(edits)


# --- letters standing in for digits: "4O8-555-Ol83" --------------------------------------

# The look-behind sits after the first character (the same test) so the engine can skip to
# candidates by it.
_DIGITISH_SEPARATORS = r"[ .\-/()*_~#^|+=>]{0,2}"
_DIGITISH_RUN = re.compile(
    rf"[0-9olisbz](?<![a-z0-9][0-9olisbz])(?:{_DIGITISH_SEPARATORS}[0-9olisbz])*"
)
_DIGITISH_TOKEN = re.compile(r"[0-9olisbz]+")
# A whole token of digits and look-alike letters holding both, the only kind that changes:
# where it holds both, a digit meets a letter.
_MIXED_DIGITISH_TOKEN = re.compile(
    r"(?<![0-9olisbz])[0-9olisbz]*?(?:[0-9][olisbz]|[olisbz][0-9])[0-9olisbz]*"
)
_DIGIT_CHARACTERS = "0123456789"
# "\d[ .\-/()]{0,2}[olisbz]|[olisbz][ .\-/()]{0,2}\d", opening with a character class so the
# engine skips to candidates at C speed; the look-behinds tell which one it took. Only searched.
_LOOKALIKE_NEXT_TO_DIGIT = re.compile(
    rf"[\dolisbz](?:(?<=\d){_DIGITISH_SEPARATORS}[olisbz]|(?<=[olisbz]){_DIGITISH_SEPARATORS}\d)"
)
_LOOKALIKE_DIGITS = str.maketrans({"o": "0", "l": "1", "i": "1", "s": "5", "b": "8", "z": "2"})


_ASCII_DIGITS = b"0123456789"


def digit_count(text: str) -> int:
    """Return how many characters of ``text`` match "\\d"."""
    if text.isascii():
        # In ASCII text "\d" is "0" to "9"; deleting them with bytes.translate is far cheaper
        # than listing every match.
        return len(text) - len(text.encode("ascii").translate(None, _ASCII_DIGITS))
    return len(_DIGIT.findall(text))


def _digits_from_lookalikes(normalized: Normalized) -> Normalized:
    text = normalized.text
    # The digit count is the cheaper of the two tests, so it goes first.
    if digit_count(text) < 5 or _LOOKALIKE_NEXT_TO_DIGIT.search(text) is None:
        return normalized
    edits: list[Edit] = []
    for run in _DIGITISH_RUN.finditer(text):
        value = run.group()
        # Five digits need five characters, the cheapest test, so it goes first.
        if len(value) < 5:
            continue
        tokens = [token.span() for token in _DIGITISH_TOKEN.finditer(value)]
        if run.end() < len(text) and text[run.end()].isalpha():
            # The last token opens a word ("9o7 (spain)"): the run ends before it.
            if len(tokens) < 2 or value[tokens[-1][0] : tokens[-1][1]].isdigit():
                continue
            tokens.pop()
            value = value[: tokens[-1][1]]
        # A run is ASCII, so its digits are "0" to "9".
        if value.isdigit() or sum(map(value.count, _DIGIT_CHARACTERS)) < 5:
            continue
        words = [value[low:high] for low, high in tokens]
        has_digit = [any(character in _DIGIT_CHARACTERS for character in word) for word in words]
        for index, (low, _) in enumerate(tokens):
            word = words[index]
            if has_digit[index]:
                # Only a token holding both changes: there a digit meets a letter.
                if word.isdigit():
                    continue
            elif not (
                # "6.1.7-o.4.2", "+s2 ss 482l": letters alone, between two groups of digits.
                len(word) <= 3
                and 0 < index < len(tokens) - 1
                and has_digit[index - 1]
                and has_digit[index + 1]
            ):
                continue
            start = run.start() + low
            edits.append((start, start + len(word), word.translate(_LOOKALIKE_DIGITS)))
    if not edits:
        return normalized
    return normalized.apply(edits)


# Digit groups joined by symbols no phone number is written with ("415*555*0132",
# "612~345~678", "#612 #908 #441", "(312)->555->0147"), or single digits joined by anything
# ("6,1,8,2,0,4,5,5,3", "6_3_1_4"): the joins become spaces, or go, for the phone detector.
_JOIN = r"(?:\s?(?:->|=>|[*+^_~=|#\u2022\u00b7\u2219\u22c5>\u2192,;\\/.\-\u2013\u2014]{1,3})\s?|\s)"
_JOINED_GROUPS = re.compile(
    rf"(?<![\w.,])#?\(?\d{{1,5}}\)?(?:{_JOIN}#?\(?\d{{1,5}}\)?){{2,14}}(?![\w])"
)
_ODD_JOIN = re.compile(r"->|=>|[*+^_~=|#\u2022\u00b7\u2219\u22c5>\u2192;\\]")
_GROUP = re.compile(r"\d+")


# A cheap search that every run the step changes holds.
_ODD_JOIN_HINT = re.compile(
    r"\d\s?(?:->|=>|[*+^_~=|#\u2022\u00b7\u2219\u22c5>\u2192;\\])|#\d|(?<![\d,.])\d[,._\-]\d[,._\-]\d"
)


_PLUS_WORD = re.compile(r"\b(?:plus|mas)\s+(?=\d)")


def _undo_odd_separators(normalized: Normalized) -> Normalized:
    text = normalized.text
    if ("plus" in text or "mas" in text) and digit_count(text) >= 7:
        # "plus 34 612 ...": the country code's "+" said as a word.
        plus = [(m.start(), m.end(), "+") for m in _PLUS_WORD.finditer(text)]
        if plus:
            normalized = normalized.apply(plus)
            text = normalized.text
    if digit_count(text) < 7 or _ODD_JOIN_HINT.search(text) is None:
        return normalized
    edits: list[Edit] = []
    for run in _JOINED_GROUPS.finditer(text):
        value = run.group()
        groups = list(_GROUP.finditer(value))
        digits = sum(len(group.group()) for group in groups)
        if not 7 <= digits <= 15:
            continue
        single = all(len(group.group()) == 1 for group in groups)
        odd = _ODD_JOIN.search(value.lstrip("#(")) is not None
        # Spaced single digits are the phone detector's to read as they are.
        if not odd and not (single and not value.replace(" ", "").isdigit()):
            continue
        base = run.start()
        position = 0
        for group in groups:
            if group.start() > position:
                joint = " " if (position and not single) else ""
                edits.append((base + position, base + group.start(), joint))
            position = group.end()
        if position < len(value):
            edits.append((base + position, base + len(value), ""))
    if not edits:
        return normalized
    return normalized.apply(edits)


# Domains written without their dot. Underscores or dashes around "at"/"dot" words
# ("hugo_at_gmail_dot_com"); a round symbol for the dot ("shop⚫com"); "slash"/"barra" or a
# spaced "/" after a host; a space where the dot goes before "com", "net" or "org", or before
# any top-level domain when a path follows or the whole is a known host ("bit ly", "t me").
_BRACKETS_BY_SYMBOL = re.compile(r"[{}\[\]]+(?=[@.][{\[]?\w)|(?<=[\w}\]][@.])[{}\[\]]+")
_GLUED_WORD = re.compile(r"[_\-](?:at|arroba|dot|punto|pto)[_\-]")
_GLUED_AT = re.compile(r"(?<=[a-z0-9])[_\-](?:at|arroba)[_\-](?=[a-z0-9])")
_GLUED_DOT = re.compile(r"(?<=[a-z0-9])[_\-](?:dot|punto|pto)[_\-](?=[a-z0-9])")
_ROUND_DOT = re.compile(
    r"(?<=[a-z0-9])\s?[\u26ab\u25cf\u2022\u00b7\u2219\u22c5\u25e6\u2981\u30fb\uff65]\s?(?=[a-z])"
)
_ROUND_DOT_HINT = re.compile(r"[\u26ab\u25cf\u2022\u00b7\u2219\u22c5\u25e6\u2981\u30fb\uff65]")
_SLASH_WORD = re.compile(
    r"(?<=[a-z0-9])(?:\s+(?:slash|barra|diagonal)\s+|\s+/\s*|\s*/\s+)(?=[a-z0-9_\-])"
)
_HOST_PART = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_NO_DOT_NAMES = frozenset(
    (
        "a",
        "an",
        "and",
        "at",
        "com",
        "con",
        "de",
        "dot",
        "el",
        "en",
        "es",
        "http",
        "https",
        "in",
        "is",
        "la",
        "mi",
        "my",
        "net",
        "no",
        "not",
        "o",
        "of",
        "on",
        "or",
        "org",
        "our",
        "para",
        "por",
        "pto",
        "punto",
        "sin",
        "the",
        "to",
        "tu",
        "un",
        "una",
        "www",
        "y",
        "your",
    )
)
# A blank, or "dot" between blanks, where the dot goes; "oakandpine, the dot com" too.
_GAP = r"(?:,?[ \t]+(?:(?:the|el|y)[ \t]+)?(?:dot|punto|pto)[ \t]+|[ \t]+)"
# Only the name and the gap are consumed, so "drive google com" is tried at "google com" too.
_SPACED_COMMON_TLD = re.compile(
    rf"(?<![\w.\-])(?P<name>{_HOST_PART}){_GAP}(?=(?P<tld>com|net|org)\b)"
)
_SPACED_TLD_WITH_PATH = re.compile(
    rf"(?<![\w.\-])(?P<name>{_HOST_PART}){_GAP}(?=(?P<tld>[a-z]{{2,6}})/[a-z0-9_\-])"
)
# "com", "net" or "org" standing alone after a blank: what "_SPACED_COMMON_TLD" needs ("come",
# "network" and "organic" do not), found much faster than that pattern's own search.
_COMMON_TLD_HINT = re.compile(r"[ \t](?:com|net|org)\b")
_TLD_THEN_PATH = re.compile(r" [a-z]{2,6}/[a-z0-9_\-]")
_SPACED_TLD_AFTER_AT = re.compile(rf"@(?P<name>{_HOST_PART}){_GAP}(?=(?P<tld>[a-z]{{2,6}})\b)")
# Shorteners and app links written with a space: "bit ly", "t me", "youtu be".
_TWO_LABEL_HOSTS = [
    host.split(".")
    for host in SHORTENER_HOSTS | SOCIAL_HOSTS | MESSAGING_HOSTS
    if host.count(".") == 1
]
_KNOWN_NAME_SET = frozenset(name for name, _ in _TWO_LABEL_HOSTS)
_KNOWN_NAMES = literal_union(_KNOWN_NAME_SET)
_KNOWN_ENDINGS = literal_union({ending for _, ending in _TWO_LABEL_HOSTS})
_SPACED_KNOWN_HOST = re.compile(
    rf"(?<![\w.\-])(?P<name>{_KNOWN_NAMES}){_GAP}(?=(?P<tld>{_KNOWN_ENDINGS})\b)"
)
_KNOWN_SPACED = frozenset(
    host.replace(".", " ")
    for host in SHORTENER_HOSTS | SOCIAL_HOSTS | MESSAGING_HOSTS
    if host.count(".") == 1
)


# "casaverde_com", "mueblesnogal_com_ar": underscores where the dots go before a common
# ending (an underscore before a country code alone is a file's language: "manual_es").
_UNDERSCORE_TLD = re.compile(
    r"(?<=[a-z0-9]{3})_(?=(?:com|net|org)(?:_[a-z]{2})?(?![a-z0-9_]))|(?<=_com|_net|_org)_(?=[a-z]{2}(?![a-z0-9_]))"
)
# "oakandpine shop (add a dot before shop)": the reader is told where the dot goes.
_ADD_DOT_BEFORE = re.compile(
    r"\b(?:add|put|insert|with|pon(?:le)?|agrega(?:le)?|anade(?:le)?|mete(?:le)?|con)[ \t]+"
    r"(?:(?:a|the|un|el)[ \t]+)?(?:dot|period|punto)[ \t]+(?:before|in front of|antes de(?:l)?)"
    r"[ \t]+(?:(?:the|el)[ \t]+)?(?P<tld>[a-z]{2,12})\b"
)


# "ceramicasol. es (todo junto)", "oakpine shop, no spaces": told to write it as one word.
_JOIN_HINT = re.compile(
    r"\b(?:todo (?:junto|pegado)|sin (?:los )?espacios?|no spaces?|without (?:the )?spaces?|"
    r"with (?:a|the) dot|con (?:un |el )?punto|(?:dot|punto) (?:in (?:the )?middle|en medio)|"
    r"(?:all )?one word|en una sola palabra)\b"
)
# "lena ceramics (one word) dot com", "ceramicas luna (todo junto) punto es": the words of a
# name to join, then the hint, then the dot and the ending.
_WORDS_BEFORE_HINT = re.compile(
    r"(?P<name>[a-z0-9][a-z0-9\-]*(?:[ \t]+[a-z0-9][a-z0-9\-]*){1,3})[ \t]*[,(\[\-\u2014]?[ \t]*"
    r"(?:todo (?:junto|pegado)|sin (?:los )?espacios?|no spaces?|without (?:the )?spaces?|"
    r"(?:all )?one word|junto|en una sola palabra)[ \t]*[)\]]?[ \t]*,?[ \t]*"
    r"(?:dot|punto|\.)[ \t]*(?P<tld>[a-z]{2,6})\b"
)
# "type casaverde com in your browser", "escribe ceramicasol es en el navegador".
_NAME_IN_BROWSER = re.compile(
    rf"(?<![\w.\-])(?P<name>{_HOST_PART})(?P<gap>[ \t]+)(?P<tld>[a-z]{{2,6}})[ \t]+(?:in|into|en)"
    r"[ \t]+(?:(?:your|the|tu|el|la)[ \t]+)?(?:web[ \t]+)?(?:browser|navegador|address bar|"
    r"barra de direcciones|buscador)\b"
)
_NAME_JOIN_WORDS = frozenset(("junt", "pegad", "space", "espacio", "word"))
_BROWSER_WORDS = frozenset(("browser", "navegador", "address bar", "buscador"))
_NOT_NAME_WORDS = frozenset(
    ("visit", "visita", "web", "site", "website", "sitio", "pagina", "page", "url", "is", "es")
)
_JOINED_BY_HINT = re.compile(
    rf"(?<![\w.\-])(?P<name>{_HOST_PART})(?P<gap>\.?[ \t]+)(?=(?P<tld>[a-z]{{2,12}})\b)"
)
_JOINED_ENDINGS = frozenset(
    ("com", "net", "org", "shop", "store", "online", "site", "io", "es", "mx", "ar", "cl", "co")
)


# "oakandpine*com", "oakandpine ~ com", "oakandpine/com": another symbol where the dot goes.
_SYMBOL_FOR_DOT = re.compile(
    rf"(?<![\w.\-])(?P<name>{_HOST_PART})(?P<gap>[ \t]?[*~/\\|#^=+;\u2027][ \t]?)"
    r"(?=(?:com|net|org)\b(?![/\\\-]))"
)
_SYMBOL_THEN_COUNTRY = re.compile(
    r"(?P<gap>[ \t]?[*~/\\|#^=+;\u2027][ \t]?)(?P<cc>[a-z]{2})(?![a-z0-9])"
)
_SYMBOL_FOR_DOT_HINT = re.compile(r"[*~/\\|#^=+;\u2027][ \t]?(?:com|net|org)\b")
# "oakandpine dotcom", "oakandpine(dotcom)", "oakandpine dot-com", "oakandpine 'dot' com".
_DOT_WORD_GLUED = re.compile(
    r"(?<=[a-z0-9]{3})(?:[ \t]*[(\[]?[ \t]*(?:dot|punto)-?|[ \t]?['\"\u201c\u2018](?:dot|punto)"
    r"['\"\u201d\u2019][ \t]?)(?=(?:com|net|org)\b)"
)
# After a word naming a site, a name and its ending with a space for the dot: "our website
# is oakandpine shop", "web: ceramicasol es", "visit oakandpine io". Two endings need no cue:
# "oakandpine co uk", "ceramicasol com mx".
_SITE_CUE = re.compile(
    r"\b(?:website|site|web|webpage|page|pagina|sitio|url|domain|dominio|visit|visita|"
    r"entra (?:a|en)|go to|tienda online|online store|online shop)\b[ \t]*"
    r"(?:(?:is|es|:|=|at|en|a|on|-|\u2013|\u2014|our|my|mi|nuestra|nuestro|la|el|the)[ \t]*){0,3}$"
)
_SITE_NAME_ENDING = re.compile(
    rf"(?<![\w.\-])(?P<name>{_HOST_PART})(?P<gap>[ \t]+)(?=(?P<tld>com|net|org|shop|store|"
    r"online|site|io|co|es|mx|ar|cl|pe|uy|de|fr|it|uk|us|ca|au|br|info|biz|app|dev|me)\b)"
)
_TWO_ENDINGS = re.compile(
    rf"(?<![\w.\-])(?P<name>{_HOST_PART})(?P<gap>[ \t]+)(?P<second>co|com)(?P<gap2>[ \t]+)"
    r"(?=(?:uk|mx|ar|au|br|co|pe|cl|uy|nz|za|jp|in|ve|ec|bo|py)\b(?![ \t]?[a-z0-9]))"
)
# Shorteners written without their dot before a path: "bitly/3xQ9aZk", "tinyurl/yc4h7k2p".
_GLUED_SHORTENER = re.compile(
    r"\b(?:bitly|tinyurl|cuttly)"
    r"(?=[ \t]?/[ \t]?[a-z0-9]|[ \t]+(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{5,12}\b)"
)
_SHORTENER_HOSTS = {"bitly": "bit.ly", "tinyurl": "tinyurl.com", "cuttly": "cutt.ly"}


# The words that a site name told apart from its dots comes with: one pass finds which occur.
_SITE_WORDS = frozenset(
    ("site", "web", "page", "pagina", "url", "domain", "dominio", "visit", "entra", "go to")
) | {"online"}
_JOIN_WORDS = frozenset(("junt", "pegad", "space", "espacio", "word", "dot", "punto"))
DOT_HINT_WORDS = (
    _SITE_WORDS
    | _JOIN_WORDS
    | frozenset(_SHORTENER_HOSTS)
    | {"period", " co ", " com ", "_com", "_net", "_org"}
    | {"browser", "navegador", "address bar", "buscador"}
)
_DOT_HINTS = TriggerScan(DOT_HINT_WORDS)


_TWO_ENDINGS_HINT = re.compile(
    r" (?:co|com)[ \t]+(?:uk|mx|ar|au|br|co|pe|cl|uy|nz|za|jp|in|ve|ec|bo|py)\b"
)


def _dots_told_apart(text: str, hints: frozenset[str]) -> list[Edit]:
    """The dots of a site name written apart from it, or told in words: "ceramicasol. es
    (todo junto)", "oakandpine dotcom", "our website is oakandpine shop", "casaverde_com"."""
    edits: list[Edit] = []
    dot_word = not hints.isdisjoint(("dot", "punto"))
    if dot_word:
        edits.extend((m.start(), m.end(), ".") for m in _DOT_WORD_GLUED.finditer(text))
    site_cue = not hints.isdisjoint(_SITE_WORDS)
    for match in _SITE_NAME_ENDING.finditer(text) if site_cue else ():
        name = match.group("name")
        if (
            len(name) >= 4
            and name not in PROSE_WORDS
            and name not in _NO_DOT_NAMES
            and _SITE_CUE.search(text, max(0, match.start() - 40), match.start()) is not None
            # An ending that is also a word ("es", "it") ends the clause: "la web nueva es
            # genial" is a sentence.
            and (
                match.group("tld") not in WORD_TLDS
                or (
                    text[match.end() + len(match.group("tld")) :][:2].strip(" \t")[:1]
                    in ("", *_SENTENCE_END, "/")
                    # "the page says it's in stock": "it's" is a word, not an ending.
                    and not _CONTRACTION.match(text, match.end() + len(match.group("tld")))
                )
            )
        ):
            edits.append((match.start("gap"), match.end("gap"), "."))
    if (" co " in hints or " com " in hints) and _TWO_ENDINGS_HINT.search(text) is not None:
        for match in _TWO_ENDINGS.finditer(text):
            name = match.group("name")
            if len(name) >= 4 and name not in PROSE_WORDS and name not in _NO_DOT_NAMES:
                edits.append((match.start("gap"), match.end("gap"), "."))
                edits.append((match.start("gap2"), match.end("gap2"), "."))
    if not hints.isdisjoint(_SHORTENER_HOSTS):
        for m in _GLUED_SHORTENER.finditer(text):
            host = _SHORTENER_HOSTS[m.group()]
            # "bitly 3xq9azk": the code after a blank is the link's path.
            blank = (
                text[m.end() : m.end() + 1] in (" ", "\t")
                and "/" not in text[m.end() : m.end() + 3]
            )
            if blank:
                gap = m.end() + len(text[m.end() :]) - len(text[m.end() :].lstrip(" \t"))
                edits.append((m.start(), gap, host + "/"))
            else:
                edits.append((m.start(), m.end(), host))
    if not hints.isdisjoint(_JOIN_WORDS) and (hint := _JOIN_HINT.search(text)) is not None:
        tlds = top_level_domains()
        # Only the last name and ending before the hint, close to it.
        candidates = list(_JOINED_BY_HINT.finditer(text, max(0, hint.start() - 40), hint.start()))
        for match in candidates[-1:]:
            name, tld = match.group("name"), match.group("tld")
            if (
                tld in tlds
                and len(name) >= 5
                and name not in PROSE_WORDS
                and ("." in match.group("gap") or tld in _JOINED_ENDINGS)
            ):
                edits.append((match.start("gap"), match.end("gap"), "."))
    if not hints.isdisjoint(_NAME_JOIN_WORDS):
        for match in _WORDS_BEFORE_HINT.finditer(text):
            if match.group("tld") not in top_level_domains():
                continue
            words = list(re.finditer(r"[a-z0-9][a-z0-9\-]*", match.group("name")))
            while words and (
                words[0].group() in PROSE_WORDS
                or words[0].group() in _NO_DOT_NAMES
                or words[0].group() in _NOT_NAME_WORDS
            ):
                words.pop(0)
            if len(words) < 2 or sum(len(word.group()) for word in words) < 5:
                continue
            base = match.start("name")
            edits.extend(
                (base + left.end(), base + right.start(), "") for left, right in pairwise(words)
            )
            edits.append((base + words[-1].end(), match.start("tld"), "."))
    if not hints.isdisjoint(_BROWSER_WORDS):
        for match in _NAME_IN_BROWSER.finditer(text):
            name = match.group("name")
            if (
                match.group("tld") in top_level_domains()
                and len(name) >= 4
                and name not in PROSE_WORDS
                and name not in _NO_DOT_NAMES
            ):
                edits.append((match.start("gap"), match.end("gap"), "."))
    if not hints.isdisjoint(("_com", "_net", "_org")):
        edits.extend((m.start(), m.end(), ".") for m in _UNDERSCORE_TLD.finditer(text))
    if dot_word or "period" in hints:
        for hint in _ADD_DOT_BEFORE.finditer(text):
            tld = hint.group("tld")
            if tld not in top_level_domains():
                continue
            named = re.search(
                rf"(?<![\w.\-]){_HOST_PART}(?P<gap>[ \t]+){tld}\b", text[: hint.start()]
            )
            if named is not None and named.group().split()[0] not in _NO_DOT_NAMES:
                edits.append((named.start("gap"), named.end("gap"), "."))
    return edits


def _undo_missing_dots(
    normalized: Normalized, dot_hints: frozenset[str] | None = None
) -> Normalized:
    """Put back the dots of host names written without them.

    ``dot_hints`` are the words of ``DOT_HINT_WORDS`` the text holds, if the caller knows.
    """
    text = normalized.text
    edits: list[Edit] = []
    if _SYMBOL_FOR_DOT_HINT.search(text) is not None:
        for match in _SYMBOL_FOR_DOT.finditer(text):
            name = match.group("name")
            if len(name) >= 4 and name not in _NO_DOT_NAMES and not name.isdigit():
                edits.append((match.start("gap"), match.end("gap"), "."))
                # "velasluna*com*mx": the country code after the same kind of symbol.
                country = _SYMBOL_THEN_COUNTRY.match(text, match.end() + 3)
                if country is not None and country.group("cc") in top_level_domains():
                    edits.append((country.start("gap"), country.end("gap"), "."))
    hints = _DOT_HINTS.present(text) if dot_hints is None else dot_hints
    if hints:
        edits.extend(_dots_told_apart(text, hints))
    if ("_" in text or "-" in text) and _GLUED_WORD.search(text):
        edits.extend((m.start(), m.end(), "@") for m in _GLUED_AT.finditer(text))
        edits.extend((m.start(), m.end(), ".") for m in _GLUED_DOT.finditer(text))
    if not text.isascii() and _ROUND_DOT_HINT.search(text):
        edits.extend((m.start(), m.end(), ".") for m in _ROUND_DOT.finditer(text))
    if "}" in text or "]" in text:
        # "{pedidos}{@}{velasaroma}{.}{store}": brackets around the parts of an address.
        edits.extend((m.start(), m.end(), "") for m in _BRACKETS_BY_SYMBOL.finditer(text))
    if edits:
        normalized = normalized.apply(_without_overlaps(edits))
        text = normalized.text
    if " /" in text or "/ " in text or "slash" in text or "barra" in text or "diagonal" in text:
        edits = [(m.start(), m.end(), "/") for m in _SLASH_WORD.finditer(text)]
        if edits:
            normalized = normalized.apply(edits)
            text = normalized.text
    tlds = top_level_domains()
    found: dict[int, tuple[int, int]] = {}
    searches: list[re.Pattern[str]] = []
    if (" com" in text or " net" in text or " org" in text) and _COMMON_TLD_HINT.search(text):
        searches.append(_SPACED_COMMON_TLD)
    if not _KNOWN_NAME_SET.isdisjoint(text.split()):
        searches.append(_SPACED_KNOWN_HOST)
    if "/" in text and _TLD_THEN_PATH.search(text):
        searches.append(_SPACED_TLD_WITH_PATH)
    if "@" in text:
        searches.append(_SPACED_TLD_AFTER_AT)
    for pattern in searches:
        for match in pattern.finditer(text):
            name, tld = match.group("name"), match.group("tld")
            if tld not in tlds or name.isdigit():
                continue
            known = f"{name} {tld}" in _KNOWN_SPACED
            if pattern is _SPACED_KNOWN_HOST and not known:
                continue
            plain_name = name not in _NO_DOT_NAMES and len(name) >= 3
            if not (known or plain_name or pattern is _SPACED_TLD_AFTER_AT):
                continue
            found[match.end("name")] = (match.end("name"), match.end())
    if not found:
        return normalized
    return normalized.apply([(start, end, ".") for start, end in sorted(found.values())])


_STEPS: tuple[Callable[[Normalized], Normalized], ...] = (
    _undo_glue_and_full_stops,
    _undo_symbol_names,
    _undo_brackets,
    _collapse_spaced,
    _collapse_split_letters,
    _undo_spoken,
    _undo_missing_dots,
    _digits_from_words,
    _digits_from_lookalikes,
    _undo_odd_separators,
)


def normalize(text: str) -> Normalized:
    """Return the text with disguises undone and an offset map back to ``text``."""
    return normalize_with_keywords(text, None)[0]


def normalize_with_keywords(
    text: str, keywords_of: Callable[[str], frozenset[str]] | None
) -> tuple[Normalized, frozenset[str] | None, Normalized, frozenset[str] | None]:
    """``normalize``, also returning ``keywords_of`` the folded text if no step changed it.

    ``keywords_of`` must return every word of ``NUMBER_WORD_SET``, ``DOT_HINT_WORDS`` and
    ``SPELT_HINT_WORDS`` the text holds (as a substring, anywhere): without a number word,
    digits written as words cannot occur and that step is skipped. The keywords are None once
    a step changes the text. The third value is the text with its characters folded and no
    other step applied: where it holds a plain address, that address is blocked whatever a
    later step made of the words around it. The fourth is ``keywords_of`` that folded text,
    whatever the steps did.
    """
    normalized = folded = fold_characters(text)
    keywords = keywords_of(normalized.text) if keywords_of is not None else None
    folded_keywords = keywords
    for step in _STEPS:
        if step is _digits_from_words and keywords is not None:
            # Both number steps need a number word: a run of them, or one glued to digits.
            number_words = keywords & NUMBER_WORD_SET
            if not number_words:
                continue
            changed = _digits_from_words(normalized, number_words)
        elif step is _undo_symbol_names and keywords is not None:
            changed = _undo_symbol_names(normalized, keywords)
        elif step is _undo_missing_dots and keywords is not None:
            # The keyword scan found the words that tell where a host name's dots go.
            changed = _undo_missing_dots(normalized, keywords & DOT_HINT_WORDS)
        else:
            changed = step(normalized)
        if changed is not normalized:
            normalized, keywords = changed, None
    return normalized, keywords, folded, folded_keywords


# --- a same-length view for keyword matching: "wh4tsapp", "r3view" ------------------------

_MIXED_TOKEN = re.compile(r"\b[a-z]*\d[a-z0-9]*\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})


def keyword_view(text: str) -> str:
    """Return ``text`` with digits inside words read as letters, keeping every offset."""

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        if word.isdigit() or not any(character.isalpha() for character in word):
            return word
        return word.translate(_LEET)

    # Only a word holding both letters and digits changes, and in it a letter meets a digit.
    if _LETTER_NEXT_TO_DIGIT.search(text) is None:
        return text
    return _MIXED_TOKEN.sub(replace, text)


# "S!gnal", "Wh@tsApp", "$napchat": a symbol standing for a letter inside a word. Only a word
# that reads as an app or a network this way changes, so "bob@gmail.com" stays as it is.
_SYMBOL_WORD = re.compile(
    r"(?<![\w@.!$|])(?:[a-z0-9]*[a-z0-9][!@$|]|[!$|][a-z0-9])[a-z0-9!@$|]*(?![\w@.!$|])"
)
_SYMBOL_LETTERS = str.maketrans({"!": "i", "|": "l", "@": "a", "$": "s"})
_SYMBOL_WORDS = frozenset(
    (
        "signal",
        "whatsapp",
        "wasap",
        "telegram",
        "viber",
        "wechat",
        "messenger",
        "line",
        "instagram",
        "insta",
        "facebook",
        "snapchat",
        "tiktok",
        "discord",
        "skype",
        "email",
        "gmail",
        "hotmail",
    )
)


# "feedb@ck", "rev!ew", "c@ses", "amig@", "$aldo": a symbol standing for a letter inside a
# word, for the wording detectors. An address ("ana@gmail.com") and a handle ("@casa") stay.
_SYMBOL_INSIDE = re.compile(
    r"(?<![\w@.!$|])(?:[a-z]+(?:[@!$|][a-z]+)+@?|[a-z]{3,}@|\$[a-z]{3,})(?![\w@.!$|])"
)


# "tel-é-fo-no", "what-s-app": a contact word split into syllables by dashes. It is read
# whole, padded with blanks to keep every offset.
_SYLLABLES = re.compile(r"(?<![\w\-])[a-z]+(?:-[a-z]+){2,}(?![\w\-])")
# A syllable between two dashes, which every split word holds; it opens with the rare "-".
_SYLLABLE_HINT = re.compile(r"-[a-z]+-[a-z]")
_SPLIT_CONTACT_WORDS = frozenset(
    (
        *("telefono", "numero", "movil", "celular", "correo", "contacto", "direccion"),
        *("phone", "number", "mobile", "email", "whatsapp", "telegram", "instagram"),
        *("facebook", "tiktok", "snapchat", "signal", "wasap", "guasap"),
    )
)


def _syllables(match: re.Match[str]) -> str:
    word = match.group()
    joined = word.replace("-", "")
    return joined.ljust(len(word)) if joined in _SPLIT_CONTACT_WORDS else word


def keyword_view_letters(text: str) -> str:
    """Return ``text`` with symbols inside words read as letters, and a contact word split
    into syllables read whole, keeping every offset."""
    if "-" in text and _SYLLABLE_HINT.search(text):
        text = _SYLLABLES.sub(_syllables, text)
    if "@" not in text and "!" not in text and "$" not in text and "|" not in text:
        return text
    return _SYMBOL_INSIDE.sub(lambda match: match.group().translate(_SYMBOL_LETTERS), text)


def keyword_view_symbols(text: str) -> str:
    """Return ``text`` with symbols inside app names read as letters, keeping every offset."""
    if "!" not in text and "@" not in text and "$" not in text and "|" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        read = word.translate(_SYMBOL_LETTERS).translate(_LEET)
        return read if read in _SYMBOL_WORDS else word

    return _SYMBOL_WORD.sub(replace, text)
