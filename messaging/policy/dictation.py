"""Phone numbers dictated in parts: "it starts with 718. Next comes 555. Finally 0163.",
"los tres primeros son seis siete cero, después cuatro cuatro uno y al final nueve ocho dos".

Each part is digits or number words; parts close to one another are read together, and the
whole is a phone number when it is one in the marketplace's regions (or, long enough, with a
country code). Only in a message that speaks of calling or of a number.
"""

from __future__ import annotations

import re

import phonenumbers

from .contacts import Hit, SpanSet, is_amount_or_measure, is_national_phone
from .data import HUNDREDS_WORDS, NUMBER_WORDS, TEEN_WORDS, TENS_WORDS
from .patterns import literal_union

_UNITS = literal_union(NUMBER_WORDS)
_TENS = literal_union(TENS_WORDS)
_ATOM = (
    rf"\d+|(?:{_TENS})(?:[ \-](?:y |and )?(?:{_UNITS}))?|{literal_union(TEEN_WORDS)}|"
    rf"{literal_union(HUNDREDS_WORDS)}|hundred(?: and)?|double|doble|triple|{_UNITS}"
)
_GROUP = re.compile(rf"(?<![\w+])(?:{_ATOM})(?:[ ,\-]{{1,3}}(?:{_ATOM}))*(?![\w])")
# "(?<![\w+])\d+(?:[ ,\-]{1,3}\d+)*(?!\w)" with the look-behind after the first digit, so
# the engine skips to digits at C speed.
_DIGIT_GROUP = re.compile(r"\d(?<![\w+]\d)\d*(?:[ ,\-]{1,3}\d+)*(?!\w)")
_ATOM_TOKEN = re.compile(rf"\b(?:{_ATOM})\b")
_CUE = re.compile(
    r"\b(?:call|calls|ring|phone|mobile|cell|number|text|whatsapp|area code|prefix|digits|"
    r"llama|llamame|llamar|llamarme|telefono|movil|cel|celular|numero|prefijo|digitos|"
    r"marca|marcame|apunta|anota|starts? with|ends? (?:in|with)|empieza|termina|primeros|"
    r"ultimos|primero|luego|despues|then|first|last|next)\b"
)
_REPEAT_WORDS = ("double", "doble", "triple", "hundred")
# Substrings every cue holds, tested before the cue's search.
_CUE_WORDS = (
    "call",
    "ring",
    "phone",
    "mobile",
    "cell",
    "number",
    "text",
    "whatsapp",
    "area code",
    "prefi",
    "digit",
    "llam",
    "telefono",
    "movil",
    "cel ",
    "cel:",
    "celular",
    "numero",
    "marca",
    "apunta",
    "anota",
    "starts with",
    "start with",
    "ends in",
    "ends with",
    "empieza",
    "termina",
    "primero",
    "ultimos",
    "luego",
    "despues",
    "then",
    "first",
    "last",
    "next",
)
_DIGIT_RUN = re.compile(r"\d+")
_NUMBER_WORD = re.compile(rf"\b(?:{_UNITS}|{_TENS})\b")
_LETTER = re.compile(r"[a-z]")
# Money and measures are not parts of a number: "a € 45,90", "59,90 €", "12 cm".
_CURRENCY_BEFORE = re.compile(r"[$€£¥]\s?$")
_PLUS_BEFORE = re.compile(r"(?:\+|\bplus|\bmas)\s*$")
_MAX_GAP = 50
_MAX_PARTS = 6
_MAX_GROUPS = 60
_MAX_TRIES = 60


def _group_digits(words: str) -> str:
    """The digits a part stands for: "triple five" 555, "seven hundred" 700, "0163"."""
    tokens = _ATOM_TOKEN.findall(words)
    digits: list[str] = []
    repeat = 1
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.isdigit():
            digits.append(token * repeat if len(token) == 1 else token)
        elif token in ("double", "doble"):
            repeat = 2
            continue
        elif token == "triple":  # noqa: S105 (a number word, not a password)
            repeat = 3
            continue
        elif token in HUNDREDS_WORDS or (
            token in NUMBER_WORDS and index < len(tokens) and tokens[index].startswith("hundred")
        ):
            value = HUNDREDS_WORDS.get(token) or int(NUMBER_WORDS[token]) * 100
            if token not in HUNDREDS_WORDS:
                index += 1
            # What follows the hundreds adds to them: "seiscientos setenta y ocho" 678.
            if index < len(tokens) and not tokens[index].isdigit():
                rest = _value(tokens[index])
                if rest is not None and rest < 100:
                    value += rest
                    index += 1
            digits.append(str(value))
        elif token.startswith("hundred"):
            digits.append("00")
        else:
            number = _value(token)
            if number is None:
                continue
            digits.append((NUMBER_WORDS.get(token) or str(number)) * repeat)
        repeat = 1
    return "".join(digits)


def _value(token: str) -> int | None:
    if token in NUMBER_WORDS:
        return int(NUMBER_WORDS[token])
    if token in TEEN_WORDS:
        return int(TEEN_WORDS[token])
    parts = re.split(r"[ \-](?:y |and )?", token, maxsplit=1)
    if parts[0] in TENS_WORDS:
        tens = int(TENS_WORDS[parts[0]]) * 10
        if len(parts) == 2 and parts[1] in NUMBER_WORDS:
            return tens + int(NUMBER_WORDS[parts[1]])
        return tens
    return None


def _is_phone(digits: str, international: bool) -> bool:
    if international or len(digits) >= 11:
        try:
            number = phonenumbers.parse("+" + digits, None)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            return True
        if international:
            return False
    return is_national_phone(digits)


def find_dictated_phones(text: str, skip: SpanSet, number_words: bool | None = None) -> list[Hit]:
    """Find a phone number given in parts, with words or other text between the parts.

    ``number_words`` tells whether the text holds a number word, if the caller knows.
    """
    digit_runs = len(_DIGIT_RUN.findall(text))
    if digit_runs < 2 and number_words is False:
        return []
    # Two parts at least: two runs of digits, or a number word.
    if digit_runs < 2 and number_words is None and _NUMBER_WORD.search(text) is None:
        return []
    cue = any(word in text for word in _CUE_WORDS) and _CUE.search(text) is not None
    # Without a cue, only a number said in one breath with "double" or "hundred" in it, which
    # the other steps leave as words ("double five, four eight two one, ...").
    if not cue and not any(word in text for word in _REPEAT_WORDS):
        return []
    # Without a number word the parts are digits alone: a far cheaper search finds them.
    pattern = _DIGIT_GROUP if number_words is False else _GROUP
    groups = [
        (match.start(), match.end(), _group_digits(match.group()))
        for match in pattern.finditer(text)
    ]
    groups = [
        group
        for group in groups
        if group[2]
        and (len(group[2]) <= 10 or (len(group[2]) <= 15 and _LETTER.search(text, *group[:2])))
        and _CURRENCY_BEFORE.search(text, max(0, group[0] - 2), group[0]) is None
        and not is_amount_or_measure(text[group[1] : group[1] + 8])
    ]
    # A part in words may hold the whole number ("six-oh-four, triple five, oh-one-seven-eight").
    in_words = {start for start, end, _ in groups if _LETTER.search(text, start, end)}
    hits: list[Hit] = []
    used_until = -1
    # A long message of numbers is read only so far: a bounded number of parts and tries.
    groups = groups[:_MAX_GROUPS]
    tries = 0
    for first, (start, _, _) in enumerate(groups):
        if start < used_until:
            continue
        if tries >= _MAX_TRIES:
            break
        international = _PLUS_BEFORE.search(text, max(0, start - 6), start) is not None
        digits = ""
        best: tuple[int, int] | None = None
        previous_end = start
        for index in range(first, min(first + _MAX_PARTS, len(groups))):
            part_start, part_end, part = groups[index]
            if part_start - previous_end > _MAX_GAP:
                break
            digits += part
            previous_end = part_end
            if len(digits) > 15:
                break
            parts = (index > first and cue) or (index == first and start in in_words)
            if parts and len(digits) >= 7:
                tries += 1
                if _is_phone(digits, international):
                    best = (start, part_end)
        if best is not None and not skip.overlaps(*best):
            hits.append(Hit("phone", best[0], best[1], "phone_number"))
            used_until = best[1]
    return hits
