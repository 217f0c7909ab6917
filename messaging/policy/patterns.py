"""Build fast regular expressions for long lists of literal words.

Python's regex engine tries every branch of an alternation at every position; folding the
words into a prefix tree ("c(?:ode|upon)") lets it drop a position after a character or two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def literal_union(words: Iterable[str]) -> str:
    """Return a pattern matching any of ``words``, longest first at each position."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}
    return _branch(trie) or "(?!)"


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


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """Compile a pattern that finds any of ``words`` as a substring."""
    return re.compile(literal_union(words))


class TriggerScan:
    """Find, in one pass, which of many trigger words occur in a text.

    Most triggers count anywhere ("refund" in "refunded"); ``whole_words`` count only
    standing alone ("ig" but not "big").
    """

    __slots__ = ("_anywhere", "_prefixes", "_whole")

    def __init__(self, words: Iterable[str], whole_words: Iterable[str] = ()) -> None:
        vocabulary = frozenset(words)
        # A zero-width match at every position reports the longest trigger starting there;
        # the shorter triggers that are its prefixes are added back from this table.
        self._anywhere = re.compile(f"(?=({literal_union(vocabulary)}))")
        self._prefixes = {
            word: frozenset(other for other in vocabulary if word.startswith(other))
            for word in vocabulary
        }
        whole = frozenset(whole_words)
        self._whole = re.compile(f"(?<![a-z0-9])(?:{literal_union(whole)})(?![a-z0-9])")

    def present(self, text: str) -> frozenset[str]:
        prefixes = self._prefixes
        found = frozenset().union(*[prefixes[word] for word in set(self._anywhere.findall(text))])
        whole = self._whole.findall(text)
        return found.union(whole) if whole else found
