"""Undo the disguises people use to hide contact details, keeping an offset map.

Every character of the normalised text remembers the span of the original text it came
from, so a finding on the normalised text can be reported on the text the sender wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

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
from .patterns import literal_union

Edit = tuple[int, int, str]


class Normalized:
    """Normalised text plus, for each of its characters, the original span it stands for."""

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
        return min(self.starts[start:end]), max(self.ends[start:end])

    def apply(self, edits: Iterable[Edit]) -> Normalized:
        """Return a copy with each (start, end, replacement) edit applied.

        Edits must be sorted and must not overlap. A replacement of the same length keeps
        the per-character map; any other replacement maps all its characters to the whole
        original span it replaces.
        """
        text, starts, ends = self.text, self.starts, self.ends
        parts: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        position = 0
        for start, end, replacement in edits:
            if start < position:
                continue
            parts.append(text[position:start])
            new_starts.extend(starts[position:start])
            new_ends.extend(ends[position:start])
            if replacement:
                parts.append(replacement)
                if len(replacement) == end - start:
                    new_starts.extend(starts[start:end])
                    new_ends.extend(ends[start:end])
                else:
                    original_start = min(starts[start:end])
                    original_end = max(ends[start:end])
                    new_starts.extend([original_start] * len(replacement))
                    new_ends.extend([original_end] * len(replacement))
            position = end
        parts.append(text[position:])
        new_starts.extend(starts[position:])
        new_ends.extend(ends[position:])
        return Normalized(self.original, "".join(parts), new_starts, new_ends)


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


def fold_characters(text: str) -> Normalized:
    """Apply NFKC-style compatibility folding, case folding, accent and invisible removal."""
    if text.isascii():
        # Plain ASCII maps one to one: ranges stand in for the offset lists.
        return Normalized(text, text.lower(), range(len(text)), range(1, len(text) + 1))
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
    r"[ \t]{0,3}[\[({<][ \t]{0,3}(\.|dot|punto|pto|@|at|arroba)[ \t]{0,3}[\])}>][ \t]{0,3}"
)
_GLUED_A = re.compile(r"(?<=[a-z0-9])\(a\)(?=[a-z0-9])")


def _undo_brackets(normalized: Normalized) -> Normalized:
    text = normalized.text
    if not any(bracket in text for bracket in "[({<"):
        return normalized
    edits: list[Edit] = []
    for match in _BRACKETED.finditer(text):
        symbol = "." if match.group(1) in (".", "dot", "punto", "pto") else "@"
        edits.append((match.start(), match.end(), symbol))
    for match in _GLUED_A.finditer(text):
        edits.append((match.start(), match.end(), "@"))
    if not edits:
        return normalized
    edits.sort()
    return normalized.apply(edits)


# --- the "@" sign named in words: "ana at sign gmail dot com" ------------------------------

_AT_SIGN_NAME = re.compile(r"\bat[ \-]?(?:sign|symbol)\b|\b(?:signo|simbolo)(?: de)? arroba\b")


# "www casaverde com": a host name read out with spaces for dots.
_WWW_SPACED = re.compile(r"\bwww[ \t]+[a-z0-9\-]+(?:[ \t]+[a-z0-9\-]+){1,2}\b")
_BLANKS = re.compile(r"[ \t]+")


def _undo_symbol_names(normalized: Normalized) -> Normalized:
    text = normalized.text
    edits: list[Edit] = []
    if "sign" in text or "simbol" in text:
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
    edits.sort()
    return normalized.apply(edits)


# --- spaced-out characters: "j o h n", "5 5 5 - 0 1 9 2" -----------------------------------

_SPACED_RUN = re.compile(r"(?<!\S)\S(?= \S)(?: \S(?![^\s,;:!?)\]\"'.]))+")


def _token_kind(character: str) -> str:
    if character.isdigit():
        return "digit"
    return "letter" if character.isalpha() else "mark"


def _collapse_spaced(normalized: Normalized) -> Normalized:
    text = normalized.text
    edits: list[Edit] = []
    for match in _SPACED_RUN.finditer(text):
        # Split where digits meet letters: "6 5 0 6 9 6 0 8 6 y marca" keeps the "y".
        segments: list[list[int]] = [[]]
        previous = "mark"
        for index in range(match.start(), match.end(), 2):
            kind = _token_kind(text[index])
            if {kind, previous} == {"digit", "letter"}:
                segments.append([])
            segments[-1].append(index)
            if kind != "mark":
                previous = kind
        for segment in segments:
            if len(segment) >= 4:
                edits.extend((index + 1, index + 2, "") for index in segment[:-1])
    if not edits:
        return normalized
    return normalized.apply(edits)


# --- letters split by dots or dashes: "r.o.s.a", "g-m-a-i-l", "c.o.m" ---------------------

# Single characters joined by one repeated "." or "-". Digit-only runs are left to the phone
# detector, which reads "6.1.2" and "6-1-2" itself.
_SPLIT_LETTERS = re.compile(
    r"(?<![\w.\-])[a-z0-9](?P<sep>[.\-])[a-z0-9](?:(?P=sep)[a-z0-9])+(?![\w\-])"
)
_SPLIT_LETTERS_HINT = re.compile(r"[.\-][a-z0-9][.\-](?<=[a-z0-9][.\-][a-z0-9][.\-])")
# A two-letter run is a top-level domain only right after a spoken or written dot.
_SPLIT_TLD_BEFORE = re.compile(r"(?:\.|\bdot|\bpunto|\bpto)[ \t]*$")
_SPLIT_PAIR = re.compile(r"(?<![\w.\-])[a-z](?P<sep>[.\-])[a-z](?![\w\-])")


def _collapse_split_letters(normalized: Normalized) -> Normalized:
    text = normalized.text
    spoken_dot = "dot" in text or "punto" in text or " . " in text
    if _SPLIT_LETTERS_HINT.search(text) is None and not spoken_dot:
        return normalized
    edits: list[Edit] = []
    for match in _SPLIT_LETTERS.finditer(text):
        value = match.group()
        letters = value[::2]
        if letters.isdigit():
            continue
        # "U.S.A." and "a.b.c" stay as they are; "c.o.m" after a name is a domain.
        if len(letters) == 3 and not _is_top_level(letters):
            continue
        edits.extend(
            (match.start() + index, match.start() + index + 1, "")
            for index in range(1, len(value), 2)
        )
    if spoken_dot:
        for match in _SPLIT_PAIR.finditer(text):
            letters = match.group()[::2]
            window = text[max(0, match.start() - 8) : match.start()]
            if _is_top_level(letters) and _SPLIT_TLD_BEFORE.search(window):
                edits.append((match.start() + 1, match.start() + 2, ""))
    if not edits:
        return normalized
    edits.sort()
    return normalized.apply(edits)


# --- spoken separators: "john at gmail dot com", "tienda punto es" ------------------------

_CHAIN_TOKEN = re.compile(r"[\w%+\-]+(?:[.@][\w%+\-]+)*|[@.]")
# A cheap test for any spoken separator. Each word is followed by a look-behind instead of
# preceded by "\b" so the engine can skip positions by their first character.
_SPOKEN = re.compile(
    r"(?:at(?<!\wat)|arroba(?<!\warroba))\s+(?:[\w\-]+(?:[.@]\w|\s+(?:dot|punto|pto)\b|"
    rf"\s*[,;:!?)]|\s*$)|(?:{literal_union(MAIL_PROVIDERS)})\b)"
    r"|(?:dot(?<!\wdot)|punto(?<!\wpunto)|pto(?<!\wpto))\s+\w|\s[@.]\s|\s\.(?<=\w\s\.)\w"
    rf"|(?:on(?<!\won)|en(?<!\wen))\s+(?:{literal_union(WEBMAIL_PROVIDERS)})\b"
)
# "ana.g on gmail", "anagarcia en hotmail": only a webmail name makes "on"/"en" an "@".
_ON_WORDS = frozenset({"on", "en"})
_LOCAL_MARK = re.compile(r"[._\d]")
_EMAIL_CUE = re.compile(
    r"(?:e-?mail|mail|correo|write|escrib|contact|reach|message|a line|send|envia|manda)"
    r"[^.!?\n]{0,40}$"
)
_KNOWN_HOSTS = SHORTENER_HOSTS | SOCIAL_HOSTS | MESSAGING_HOSTS
_AT_WORDS = frozenset({"at", "arroba", "@"})
_DOT_WORDS = frozenset({"dot", "punto", "pto", "."})
_SENTENCE_END = frozenset(".,;:!?)]\"'\n")


def _is_top_level(label: str) -> bool:
    return label in top_level_domains()


def _last_label(word: str) -> str:
    return word.rsplit(".", 1)[-1].rsplit("@", 1)[-1]


def _breaks_chain(gap: str | None, left: str, right: str) -> bool:
    if gap is None or len(gap) > 3 or gap.strip(" \t"):
        return True
    return not gap and left not in ("@", ".") and right not in ("@", ".")


def _chains(text: str) -> list[list[tuple[int, int, str]]]:
    """Split the text into runs of tokens separated only by short stretches of spaces."""
    chains: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    previous_end = -1
    for match in _CHAIN_TOKEN.finditer(text):
        start, end = match.span()
        gap = text[previous_end:start] if previous_end >= 0 else None
        if current and _breaks_chain(gap, current[-1][2], match.group()):
            chains.append(current)
            current = []
        current.append((start, end, match.group()))
        previous_end = end
    if current:
        chains.append(current)
    return [chain for chain in chains if len(chain) >= 3]


def _is_word(token: str) -> bool:
    return token not in _AT_WORDS and token not in _DOT_WORDS and token not in _ON_WORDS


def _domain_end(chain: list[tuple[int, int, str]], first: int, text: str, spoken_at: bool) -> int:
    """Return the index of the last word of a domain starting at chain[first], or -1."""
    best = -1
    index = first
    while index < len(chain) and _is_word(chain[index][2]):
        word = chain[index][2]
        label = _last_label(word)
        if (index > first or "." in word) and _is_top_level(label):
            after = text[chain[index][1] : chain[index][1] + 1]
            if (
                spoken_at
                or label not in WORD_TLDS
                or not after
                or after in _SENTENCE_END
                or ".".join(token for _, _, token in chain[first : index + 1 : 2]) in _KNOWN_HOSTS
            ):
                best = index
        if index + 2 < len(chain) and chain[index + 1][2] in _DOT_WORDS:
            index += 2
        else:
            break
    return best


def _is_local_part(word: str) -> bool:
    return word not in PROSE_WORDS and any(character.isalnum() for character in word)


def _spoken_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for chain in _chains(text):
        index = 0
        consumed = 0
        while index < len(chain) - 2:
            word = chain[index][2]
            operator = chain[index + 1][2]
            if not _is_word(word) or _is_word(operator) or not _is_local_part(word):
                index += 1
                continue
            first = index
            if operator in _ON_WORDS:
                window = text[max(0, chain[index][0] - 60) : chain[index][0]]
                spoken_on = (
                    chain[index + 2][2] in WEBMAIL_PROVIDERS
                    and len(word) >= 3
                    and bool(_LOCAL_MARK.search(word) or _EMAIL_CUE.search(window))
                )
                if not spoken_on:
                    index += 1
                    continue
                last = index + 2
            elif operator in _AT_WORDS:
                domain_start = index + 2
                provider = chain[domain_start][2].split(".", 1)[0] in MAIL_PROVIDERS
                last = _domain_end(chain, domain_start, text, spoken_at=True)
                if last < 0 and provider:
                    last = domain_start
                # "claim it at shop.com" is a link; "rosa.lin at shop.com" an address.
                window = text[max(0, chain[index][0] - 60) : chain[index][0]]
                if (
                    last >= 0
                    and operator == "at"
                    and not provider
                    and not (_LOCAL_MARK.search(word) or _EMAIL_CUE.search(window))
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
                index += 1
                continue
            for position in range(first + 1, last, 2):
                operator = chain[position][2]
                symbol = "@" if operator in _AT_WORDS or operator in _ON_WORDS else "."
                edits.append((chain[position - 1][1], chain[position + 1][0], symbol))
            index = consumed = last + 1
    return edits


def _undo_spoken(normalized: Normalized) -> Normalized:
    if not _SPOKEN.search(normalized.text):
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
_NUMBER_WORD_ANYWHERE = re.compile(
    literal_union([*NUMBER_WORDS, *TEEN_WORDS, *TENS_WORDS, *HUNDREDS_WORDS, *MULTIPLIER_WORDS])
)
_LETTER_NEXT_TO_DIGIT = re.compile(r"\d[a-z]|[a-z]\d")
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


def _digits_from_words(normalized: Normalized) -> Normalized:
    if _LETTER_NEXT_TO_DIGIT.search(normalized.text) is not None:
        normalized = _digits_from_glued_words(normalized)
    text = normalized.text
    if not _has_number_word(text):
        return normalized
    edits: list[Edit] = []
    for run in _NUMBER_RUN.finditer(text):
        tokens = list(_NUMBER_TOKEN.finditer(text, run.start(), run.end()))
        if all(token.group().isdigit() for token in tokens):
            continue
        words = [token.group() for token in tokens]
        gaps = [text[tokens[i].end() : tokens[i + 1].start()] for i in range(len(tokens) - 1)]
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
            start, end = tokens[first].start(), tokens[last].end()
            if text[start:end] != digits:
                edits.append((start, end, digits))
            if position + 1 < len(numbers):
                # Dictated digits: "nine one nine, five five five" reads as one number.
                next_start = tokens[numbers[position + 1][0]].start()
                if "," in text[end:next_start]:
                    edits.append((end, next_start, " "))
    if not edits:
        return normalized
    return normalized.apply(edits)


# --- letters standing in for digits: "4O8-555-Ol83" --------------------------------------

_DIGITISH_RUN = re.compile(r"(?<![a-z0-9])[0-9oli](?:[ .\-/()]{0,2}[0-9oli])*")
_DIGITISH_TOKEN = re.compile(r"[0-9oli]+")
_LOOKALIKE_NEXT_TO_DIGIT = re.compile(r"\d[ .\-/()]{0,2}[oli]|[oli][ .\-/()]{0,2}\d")
_LOOKALIKE_DIGITS = str.maketrans({"o": "0", "l": "1", "i": "1"})


def _digits_from_lookalikes(normalized: Normalized) -> Normalized:
    text = normalized.text
    if _LOOKALIKE_NEXT_TO_DIGIT.search(text) is None or len(_DIGIT.findall(text)) < 5:
        return normalized
    edits: list[Edit] = []
    for run in _DIGITISH_RUN.finditer(text):
        if run.end() < len(text) and text[run.end()].isalpha():
            continue
        value = run.group()
        if value.isdigit() or sum(character.isdigit() for character in value) < 5:
            continue
        for token in _DIGITISH_TOKEN.finditer(value):
            word = token.group()
            if word.isdigit() or not any(character.isdigit() for character in word):
                continue
            start = run.start() + token.start()
            edits.append((start, start + len(word), word.translate(_LOOKALIKE_DIGITS)))
    if not edits:
        return normalized
    return normalized.apply(edits)


_STEPS: tuple[Callable[[Normalized], Normalized], ...] = (
    _undo_symbol_names,
    _undo_brackets,
    _collapse_spaced,
    _collapse_split_letters,
    _undo_spoken,
    _digits_from_words,
    _digits_from_lookalikes,
)


def normalize(text: str) -> Normalized:
    """Return the text with disguises undone and an offset map back to ``text``."""
    normalized = fold_characters(text)
    for step in _STEPS:
        normalized = step(normalized)
    return normalized


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

    if _DIGIT.search(text) is None:
        return text
    return _MIXED_TOKEN.sub(replace, text)
