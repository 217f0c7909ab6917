"""Build fast regular expressions for long lists of literal words.

Python's regex engine tries every branch of an alternation at every position; folding the
words into a prefix tree ("c(?:ode|upon)") lets it drop a position after a character or two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import ahocorasick


def literal_union(words: Iterable[str]) -> str:
    """Return a pattern matching any of ``words``, longest first at each position."""
    return _branch(_trie(words)) or "(?!)"


def standalone_union(words: Iterable[str]) -> str:
    """Return a pattern matching any of ``words`` with no letter or digit on either side.

    The same as "(?<![a-z0-9])" + ``literal_union(words)`` + "(?![a-z0-9])", with the
    look-behind moved behind each first character so the engine can skip positions by it.
    """
    alternatives = [
        f"{re.escape(character)}(?<![a-z0-9]{re.escape(character)}){_branch(child)}"
        for character, child in sorted(_trie(words).items())
        if character
    ]
    if not alternatives:
        return "(?!)"
    return f"(?:{'|'.join(alternatives)})(?![a-z0-9])"


def _trie(words: Iterable[str]) -> dict[str, dict]:
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}
    return trie


def _branch(node: dict[str, dict]) -> str:
    alternatives = [
        re.escape(character) + _branch(child)
        for character, child in sorted(node.items())
        if character
    ]
    if not alternatives:
        return ""
    optional = "" in node
    if len(alternatives) == 1 and not optional:
        return alternatives[0]
    group = "(?:" + "|".join(alternatives) + ")"
    return group + "?" if optional else group


def word_start_after_letter(alternatives: Iterable[str]) -> str:
    """Join ``alternatives`` with "|", moving each leading "\\b" behind the first letter.

    "\\bsync" becomes "s(?<!\\ws)ync": the same test (no word character before the "s"),
    made once the "s" has matched. With every alternative opening with a literal, the
    engine skips positions by their first character instead of trying every alternative
    at every position. The alternatives keep their order, so the matches are the same.
    """
    joined = []
    for alternative in alternatives:
        letter = alternative[2:3]
        if alternative.startswith(r"\b") and letter.isalpha() and alternative[3:4] not in "?*+{":
            alternative = f"{letter}(?<!\\w{letter}){alternative[3:]}"
        joined.append(alternative)
    return "|".join(joined)


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """Compile a pattern that finds any of ``words`` as a substring."""
    return re.compile(literal_union(words))


class TriggerScan:
    """Find, in one pass, which of many trigger words occur in a text.

    Most triggers count anywhere ("refund" in "refunded"); ``whole_words`` count only
    standing alone ("ig" but not "big"): with no "a"-"z" or "0"-"9" on either side, the
    test ``standalone_union`` makes.

    An Aho-Corasick automaton reports every occurrence of every word, overlapping ones
    included ("no mas" and "mas"), in one pass over the text at C speed; a regular
    expression can only report the longest word at each position and must be searched
    again after every hit.
    """

    __slots__ = ("_automaton",)

    def __init__(self, words: Iterable[str], whole_words: Iterable[str] = ()) -> None:
        vocabulary = frozenset(words)
        automaton = ahocorasick.Automaton()
        # A whole word's value carries its length, to find where it starts; a word that
        # counts anywhere is its own value (and wins if a word is given both ways).
        for word in frozenset(whole_words) - vocabulary:
            automaton.add_word(word, (word, len(word)))
        for word in vocabulary:
            automaton.add_word(word, word)
        if len(automaton):
            automaton.make_automaton()
            self._automaton: ahocorasick.Automaton | None = automaton
        else:
            self._automaton = None

    def present(self, text: str) -> frozenset[str]:
        if self._automaton is None:
            return frozenset()
        found: set[str] = set()
        add = found.add
        last = len(text) - 1
        for end, value in self._automaton.iter(text):
            if value.__class__ is str:
                add(value)
                continue
            word, length = value
            start = end - length + 1
            if (start == 0 or text[start - 1] not in _WORD_CHARACTERS) and (
                end == last or text[end + 1] not in _WORD_CHARACTERS
            ):
                add(word)
        return frozenset(found)


# The characters a whole-word trigger may not touch (as in ``standalone_union``).
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class Alternation:
    """Find the matches of ``"|".join(patterns)`` by searching each part on its own.

    Python's engine tries every alternative at every position, and alternatives that open
    with a look-behind or a word boundary cannot be skipped by their first character, so a
    long alternation is much slower than its parts searched one by one. The result is the
    same: the combined pattern reports the leftmost match, and at equal starts the earliest
    alternative, then resumes at the match's end; each part's leftmost match from a position
    is remembered until the scan passes its start (look-behinds see the whole text either
    way). No part may match the empty string.
    """

    __slots__ = ("_parts",)

    def __init__(self, patterns: Iterable[str]) -> None:
        self._parts = tuple(re.compile(pattern) for pattern in patterns)

    def only(self, keep: Iterable[bool]) -> Alternation:
        """Return the alternation of the parts whose ``keep`` flag is set.

        For a text where the other parts cannot match, it finds the same matches.
        """
        alternation = Alternation(())
        alternation._parts = tuple(
            part for part, kept in zip(self._parts, keep, strict=True) if kept
        )
        return alternation

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        parts = self._parts
        pending = [part.search(text) for part in parts]
        while True:
            best: re.Match[str] | None = None
            for match in pending:
                if match is not None and (best is None or match.start() < best.start()):
                    best = match
            if best is None:
                return
            yield best
            position = best.end()
            pending = [
                match if match is None or match.start() >= position else part.search(text, position)
                for part, match in zip(parts, pending, strict=True)
            ]

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)
