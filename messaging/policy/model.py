"""A statistical second pass for the semantic categories: marketing, review manipulation, opt-out.

The rules in language.py catch the usual wordings; this model scores the paraphrases they miss.
It is pure Python: one logistic model per category over binary features of a normalised view
of the text, with weights shipped in ``model.json`` next to this module (written by
``bench/train_policy_model.py``, which imports :func:`features` from here, so there is one
implementation of the features).

The normalised view (normalize_view) is casefolded, without accents, invisible characters or
look-alike letters, with emoji that stand for words read as those words (⭐ "star", 🎁
"gift", 🛑 "stop"), letters spelled out one by one joined ("c-o-u-p-o-n", "N E W"), digits
and symbols inside words read as letters ("st0re", "amig@", "rev!ew") and numbers of three or
more digits read as "000".

Features, as a set: the words (``<word>``), word bigrams (``word word``) and the character
4-grams of each word padded with boundary marks (``<wor``, ``word``, ``ord>``) of the first
MAX_WORDS words, and REPORT_FEATURE when the words report or refuse what someone else sent
("the seller told me", "I refused", "me ofrecieron"). A category's score is
``bias + sum(weights of present features) / sqrt(number of distinct features)`` (the
logistic regression the trainer fits on L2-normalised binary rows), except that the weight of
REPORT_FEATURE is added unscaled; its probability is the logistic of that score. A category
is found when its probability reaches its threshold in model.json.

Long texts are scored in windows of at most ``WINDOW_CHARS`` characters cut at sentence ends,
at most ``MAX_WINDOWS`` of them (the first ones and the text's end), which bounds the cost:
a category's probability is its best window's.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

# Bump whenever features() changes what it returns: model.json records the version it was
# trained with, and a test checks that the two agree (retrain with bench/train_policy_model.py).
FEATURES_VERSION = "semantic-features/1"
SEMANTIC_CATEGORIES: tuple[str, ...] = ("marketing", "review_manipulation", "opt_out")
WINDOW_CHARS = 600
MAX_WINDOWS = 4  # 3 from the start and the last: at most 2,400 characters are scored
MAX_WORD_CHARS = 40
MAX_WORDS = 200  # per window: 600 characters of emoji read as words make 1,200
MODEL_FILE = "model.json"

# --- the normalised view ------------------------------------------------------------------

_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067"
    "\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\ufe0e\ufe0f\ufeff\u20e3"
)
# Emoji and symbols that stand for a word. Keycaps ("3️⃣" is "3" + U+FE0F + U+20E3) lose
# their two marks above and read as their digit.
_SYMBOL_WORDS = {
    "star": "★☆⭐🌟✩✪✫✬✭✮✯✰⋆",
    "gift": "🎁",
    "stop": "🛑⛔🚫",
    "mute": "🔕",
    "message": "📩📨📧✉",
    "money": "💸💰💵💶💷💴",
    "new": "🆕",
    "free": "🆓",
}
# Cyrillic and Greek letters that look like Latin ones ("Рlеаѕе", "rеbајаѕ").
_LOOK_ALIKES = {
    "a": "аАαΑ",
    "b": "ВвΒβ",
    "c": "сСϲ",
    "d": "ԁ",
    "e": "еЕεΕ",
    "h": "НһΗ",
    "i": "іІιΙӏ",
    "j": "јЈ",
    "k": "кКκΚ",
    "m": "МмΜ",
    "n": "Ν",
    "o": "оОοΟ",
    "p": "рРρΡ",
    "s": "ѕЅ",
    "t": "ТтτΤ",
    "u": "υ",
    "v": "ν",
    "x": "хХχΧ",
    "y": "уУΥ",
    "z": "Ζ",
}
_TRANSLATE: dict[int, str | None] = dict.fromkeys(map(ord, _INVISIBLE))
for _word, _symbols in _SYMBOL_WORDS.items():
    _TRANSLATE.update(dict.fromkeys(map(ord, _symbols), f" {_word} "))
for _letter, _shapes in _LOOK_ALIKES.items():
    _TRANSLATE.update(dict.fromkeys(map(ord, _shapes), _letter))

_TRANSLATED = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Three or more single letters or digits separated by the same one space, dot, dash,
# underscore, star or middle dot: "c-o-u-p-o-n", "N E W", "d.a.r.s.e".
_SPACED_LETTERS = re.compile(r"(?<![^\W_])[^\W_]([ .\-_*·•])[^\W_](?:\1[^\W_])+(?![^\W_])")
_SPACERS = re.compile(r"[ .\-_*·•]")
# Digits and symbols read as letters, inside a word that has at least two letters.
_LEET_NEAR_LETTER = re.compile(r"[a-z][013457@$]|[013457@$!][a-z]")
# A word (run of letters, digits, "@", "$", "!") with one of the characters read as letters:
# only those can change. Anchored at the word's start, so a long word is scanned once.
_LEET_CANDIDATE = re.compile(r"(?<![a-z0-9@$!])[a-z0-9@$!]*?[013457@$!][a-z0-9@$!]*")
_LEET_CHAR = re.compile(r"[013457@$!]")
_LEET = str.maketrans("013457@$!", "oieastasi")
_TWO_LETTERS = re.compile(r"[a-z][^a-z]*[a-z]")
_LEADING_NUMBER = re.compile(r"[0-9]{2,}")
_SPACED_HINT = re.compile(r"[ .\-_*·•][^\W_][ .\-_*·•][^\W_]")
_DIGIT = re.compile(r"[0-9]")
_LONG_NUMBER = re.compile(r"(?<![a-z0-9])[0-9]{3,}(?![a-z0-9])")
_TOKEN = re.compile(r"[a-z0-9]+|[%$€£]")

# Words of a buyer reporting or refusing what someone else sent or offered ("the seller told
# me", "someone claiming to be you", "I refused", "stop sending me", "me ofrecieron", "solo
# aviso"), as words of the normalised view: any of them adds the one feature REPORT_FEATURE,
# so the few such lines in the corpus teach one weight, not many rare ones.
_REPORT_PHRASES: tuple[str, ...] = (
    *(
        f"{verb} me"
        for verb in [
            "told",
            "asked",
            "offered",
            "offering",
            "sent",
            "messaged",
            "contacted",
            "called",
            "rang",
            "texted",
            "emailed",
            "dmd",
            "added",
            "wants",
            "wanted",
            "telling",
            "asking",
        ]
    ),
    "dm d me",
    *(f"said {who}" for who in ("i", "that", "they", "he", "she")),
    "saying",
    "claiming",
    "pretending",
    "third party",
    *(
        f"{who} {verb}"
        for who in ("someone", "somebody", "person")
        for verb in [
            "claiming",
            "pretending",
            "saying",
            "using",
            "on",
            "from",
            "called",
            "calling",
            "sent",
            "messaged",
            "contacted",
            "told",
            "asked",
            "offered",
            "emailed",
            "texted",
            "replied",
            "wrote",
            "writing",
            "who",
        ]
    ),
    *(f"{which} seller" for which in ("another", "different", "other", "previous")),
    *(
        f"seller {verb}"
        for verb in [
            "said",
            "says",
            "told",
            "asked",
            "asks",
            "wants",
            "wanted",
            "offered",
            "offers",
            "promised",
        ]
    ),
    *(
        f"i {what}"
        for what in (
            "refused",
            "declined",
            "deleted",
            "ignored",
            "reported",
            "won t",
            "will not",
            "didn t",
            "did not",
            "haven t",
            "have not",
            "m not doing",
            "am not doing",
            "d prefer not",
            "got a",
            "got an",
            "received a",
            "received an",
        )
    ),
    "said no",
    "hung up",
    "ignored it",
    "just letting you know",
    "just flagging",
    "fyi",
    "thought you should know",
    *(f"{verb} sending me" for verb in ("stop", "quit", "keep")),
    *(
        f"{verb} de {what}"
        for verb in ("dejen", "deja", "dejad", "dejes")
        for what in ("mandarme", "enviarme", "escribirme", "pedirme")
    ),
    *(
        f"no me {verb} mas"
        for verb in ("manden", "envien", "mande", "envie", "mandes", "envies", "escriban")
    ),
    *(
        f"is {this} {what}"
        for this in ("that", "this", "it")
        for what in (
            "allowed",
            "legit",
            "legitimate",
            "normal",
            "ok",
            "okay",
            "a scam",
            "from you",
            "actually you",
        )
    ),
    *(f"{was} {this} you" for was in ("was", "were") for this in ("that", "this", "it")),
    "was that actually you",
    "where do i report",
    "report that",
    "report this",
    "reporting it",
    "reporting this",
    "reporting that",
    "scam",
    "phishing",
    *(
        f"me {verb}"
        for verb in [
            "dijo",
            "dijeron",
            "pidio",
            "pidieron",
            "pedia",
            "pedian",
            "ofrecio",
            "ofrecieron",
            "ofrecia",
            "escribio",
            "escribieron",
            "llamo",
            "llamaron",
            "marcaron",
            "contactaron",
            "mando",
            "mandaron",
            "envio",
            "enviaron",
            "agrego",
            "agregaron",
            "pregunto",
            "preguntaron",
            "llego",
        ]
    ),
    "me ha llegado",
    "recibi un",
    "recibi una",
    "diciendo",
    "pidiendome",
    *(f"alguien {what}" for what in ("me", "que dice", "diciendo", "que se hace", "usando", "con")),
    "un tal",
    "es legitimo",
    "otro vendedor",
    "el anterior vendedor",
    "un vendedor",
    "vendedor anterior",
    *(
        f"no {what}"
        for what in (
            "le di",
            "se lo di",
            "lo hice",
            "hice nada",
            "le conteste",
            "lo voy a hacer",
            "lo he hecho",
            "la acepte",
            "quiero lios",
        )
    ),
    *(f"solo {what}" for what in ("aviso", "queria avisar", "se lo comento", "les aviso")),
    "les aviso",
    "lo reporto",
    "denunciar",
    *(f"{were} ustedes" for were in ("fueron", "eran", "son")),
    "es de ustedes",
    "es de la tienda",
    "estafa",
    "fraude",
    *(f"suplant{end}" for end in ("a", "an", "ar", "ando", "acion", "ado", "ada", "aron")),
)
_CUE_WORDS = frozenset(p for p in _REPORT_PHRASES if " " not in p)
_CUE_BIGRAMS = frozenset(p for p in _REPORT_PHRASES if p.count(" ") == 1)
_CUE_LONG = tuple(sorted({p for p in _REPORT_PHRASES if p.count(" ") > 1}))
_CUE_LONG_HEADS = frozenset(" ".join(p.split()[:2]) for p in _CUE_LONG)
REPORT_FEATURE = "§report"
# Features whose weight is added as is, not divided by sqrt(number of features) like the
# others: the report cue weighs the same in a short message and in a long one.
UNSCALED_FEATURES = frozenset({REPORT_FEATURE})


def _join_letters(match: re.Match[str]) -> str:
    return _SPACERS.sub("", match.group())


@lru_cache(maxsize=1 << 14)
def _unleet_word(token: str) -> str:
    if _TWO_LETTERS.search(token) is None:
        return token
    head = lead = trail = ""
    if "0" <= token[0] <= "9":
        number = _LEADING_NUMBER.match(token)
        if number:  # "10cm", "30min": a quantity, not a disguised letter
            head, token = number.group(), token[number.end() :]
    # "@" and "$" read as letters only after the word's first character ("@shop", "$10"), and
    # "!" only between two letters or digits ("rev!ew", not "wow!").
    if token[0] in "@$!":
        lead, token = token[0], token[1:]
    if token[-1] == "!":
        stripped = token.rstrip("!")
        trail, token = token[len(stripped) :], stripped
    return head + lead + token.translate(_LEET) + trail


def _unleet(match: re.Match[str]) -> str:
    return _unleet_word(match.group())


def _has_leet(view: str) -> bool:
    """Whether a digit or symbol read as a letter touches a letter: the few such characters
    of an ordinary message ("!" at a sentence end, a price) are looked at one by one."""
    for count, match in enumerate(_LEET_CHAR.finditer(view)):
        if count == 16:
            return _LEET_NEAR_LETTER.search(view) is not None
        i = match.start()
        if (i and "a" <= view[i - 1] <= "z" and match.group() != "!") or (
            "a" <= view[i + 1 : i + 2] <= "z"
        ):
            return True
    return False


def normalize_view(text: str) -> str:
    """The text as the model reads it: casefolded, accents, invisible characters and most
    disguises removed, numbers of three or more digits read as "000". Offsets are not kept
    (findings report spans of the original text)."""
    view = text
    if not view.isascii():
        if _TRANSLATED.search(view):
            view = view.translate(_TRANSLATE)
        view = _COMBINING.sub("", unicodedata.normalize("NFKD", view))
    view = view.casefold()
    if _SPACED_HINT.search(view):
        view = _SPACED_LETTERS.sub(_join_letters, view)
    if _has_leet(view):
        view = _LEET_CANDIDATE.sub(_unleet, view)
    if _DIGIT.search(view):
        view = _LONG_NUMBER.sub("000", view)
    return view


@lru_cache(maxsize=1 << 15)
def _word_features(word: str) -> frozenset[str]:
    if not word.isalnum() or word.isdigit():  # "%", "$", "€", "£", numbers
        return frozenset((f"<{word}>",))
    padded = f"<{word[:MAX_WORD_CHARS]}>"
    grams = {padded[i : i + 4] for i in range(len(padded) - 3)}
    grams.add(padded)
    return frozenset(grams)


def tokens(view: str) -> list[str]:
    """The first MAX_WORDS words of a normalised view."""
    return _TOKEN.findall(view)[:MAX_WORDS]


def _reports(words: list[str], bigrams: set[str]) -> bool:
    if not (_CUE_WORDS.isdisjoint(words) and _CUE_BIGRAMS.isdisjoint(bigrams)):
        return True
    if _CUE_LONG_HEADS.isdisjoint(bigrams):
        return False
    line = f" {' '.join(words)} "
    return any(f" {phrase} " in line for phrase in _CUE_LONG)


def _feature_set(text: str) -> set[str]:
    words = tokens(normalize_view(text))
    if not words:
        return set()
    found: set[str] = set().union(*map(_word_features, words))
    bigrams = set(map(" ".join, pairwise(words)))
    found |= bigrams
    if _reports(words, bigrams):
        found.add(REPORT_FEATURE)
    return found


def features(text: str) -> frozenset[str]:
    """The distinct features of a text (normalised here): the one implementation, shared by
    the run time and the trainer."""
    return frozenset(_feature_set(text))


# --- the model ------------------------------------------------------------------------------


def _sigmoid(score: float) -> float:
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    z = math.exp(score)
    return z / (1.0 + z)


_SENTENCE_END = re.compile(r"[.!?…;]+(?=\s)|\n")
_WORD_OF_THREE = re.compile(r"[^\W\d_]{3}")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence (or clause, after ";") spans of text[start:end] (offsets into text), trimmed
    of white space; a piece without a word of three letters ("r . o . s . a", "OK.") is
    merged with the next one, or the one before at the end."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    piece_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.end()
        if _WORD_OF_THREE.search(text, piece_start, cut):
            spans.append((piece_start, cut))
            piece_start = cut
    if text[piece_start:end].strip():
        if spans and not _WORD_OF_THREE.search(text, piece_start, end):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((piece_start, end))
    trimmed = []
    for a, b in spans:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trimmed.append((a + lead, a + len(piece.rstrip())))
    return trimmed


def windows(text: str) -> list[tuple[int, int]]:
    """At most MAX_WINDOWS spans of at most WINDOW_CHARS characters: from the start of the
    text, each cut after a sentence end where there is one in its second half; when the text
    is longer than all but one of them cover, the last one is its end (from a sentence start
    where there is one), so a closing line is read too."""
    if len(text) <= WINDOW_CHARS:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text) and len(spans) < MAX_WINDOWS - 1:
        end = min(start + WINDOW_CHARS, len(text))
        if end < len(text):
            cut = 0
            for match in _SENTENCE_END.finditer(text, start + WINDOW_CHARS // 2, end):
                cut = match.end()
            if not cut:
                space = text.rfind(" ", start + WINDOW_CHARS // 2, end)
                cut = space + 1 if space > 0 else 0
            end = cut or end
        spans.append((start, end))
        start = _skip_space(text, end)
    if start < len(text):
        tail = max(start, len(text) - WINDOW_CHARS)
        if tail > start:
            half = tail + WINDOW_CHARS // 2
            sentence_end = _SENTENCE_END.search(text, tail, half)
            space = text.find(" ", tail, half)
            tail = sentence_end.end() if sentence_end else space + 1 if space >= 0 else tail
        spans.append((_skip_space(text, tail), len(text)))
    return spans


def _skip_space(text: str, start: int) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


class SemanticModel:
    """One logistic model per semantic category, from a model.json document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.features_version: str = document["features_version"]
        categories: Mapping[str, Any] = document["categories"]
        self.categories: tuple[str, ...] = tuple(c for c in SEMANTIC_CATEGORIES if c in categories)
        self.bias = tuple(float(categories[c]["bias"]) for c in self.categories)
        self.thresholds = tuple(float(categories[c]["threshold"]) for c in self.categories)
        self.weights: tuple[dict[str, float], ...] = tuple(
            {str(k): float(v) for k, v in categories[c]["weights"].items()} for c in self.categories
        )
        # feature -> its weight in each category (0.0 where pruned)
        table: dict[str, list[float]] = {}
        for i, weights in enumerate(self.weights):
            for feature, weight in weights.items():
                table.setdefault(feature, [0.0] * len(self.categories))[i] = weight
        self.table: dict[str, tuple[float, ...]] = {f: tuple(w) for f, w in table.items()}
        self.vocabulary = frozenset(self.table)

    def logits(self, text: str) -> tuple[float, ...]:
        """Each category's score for one window of text (no windowing here)."""
        found = _feature_set(text)
        present = found & self.vocabulary
        if not present:
            return self.bias
        scale = 1.0 / math.sqrt(len(found))
        totals = map(sum, zip(*map(self.table.__getitem__, present), strict=True))
        scores = [b + scale * t for b, t in zip(self.bias, totals, strict=True)]
        for feature in present & UNSCALED_FEATURES:  # undo the scaling of these few
            for i, weight in enumerate(self.table[feature]):
                scores[i] += (1.0 - scale) * weight
        return tuple(scores)

    def window_logits(self, text: str) -> list[tuple[tuple[int, int], tuple[float, ...]]]:
        if len(text) <= WINDOW_CHARS:
            return [((0, len(text)), self.logits(text))]
        return [((a, b), self.logits(text[a:b])) for a, b in windows(text)]

    def scores(self, text: str) -> dict[str, float]:
        """Each category's probability: its best window's."""
        if len(text) <= WINDOW_CHARS:
            best = self.logits(text)
        else:
            scored = [logits for _, logits in self.window_logits(text)]
            best = tuple(map(max, zip(*scored, strict=True)))
        return dict(zip(self.categories, map(_sigmoid, best), strict=True))

    def findings(self, text: str) -> list[tuple[str, int, int]]:
        """The categories whose probability reaches their threshold, each with the span of
        the sentence that scores highest for it (offsets into text)."""
        scored = self.window_logits(text)
        found: list[tuple[str, int, int]] = []
        # each window's sentences and their scores, computed once for all the categories
        pieces: dict[tuple[int, int], list[tuple[tuple[int, int], tuple[float, ...]]]] = {}
        for i, category in enumerate(self.categories):
            window, best = max(scored, key=lambda item: item[1][i])
            if _sigmoid(best[i]) < self.thresholds[i]:
                continue
            if window not in pieces:
                spans = sentences(text, *window)
                if len(spans) == 1:
                    pieces[window] = [(spans[0], best)]
                else:
                    pieces[window] = [((a, b), self.logits(text[a:b])) for a, b in spans]
            if pieces[window]:
                (a, b), _ = max(pieces[window], key=lambda item: item[1][i])
                found.append((category, a, b))
        return found


@cache
def load_model() -> SemanticModel:
    """The shipped model, read once on first use."""
    source = resources.files(__package__ or "messaging.policy").joinpath(MODEL_FILE)
    return SemanticModel(json.loads(source.read_text(encoding="utf-8")))


def semantic_scores(text: str) -> dict[str, float]:
    """The probability of each semantic category (marketing, review_manipulation, opt_out)."""
    return load_model().scores(text)


def semantic_findings(text: str) -> list[tuple[str, int, int]]:
    """(category, start, end) for each semantic category over its threshold; the span is the
    sentence of text contributing most to that category."""
    return load_model().findings(text)


def model_features_version() -> str:
    """The feature version the shipped model.json was trained with."""
    return load_model().features_version
