"""French numbers, written in digits or in words, shared by the temporal tagger and the amounts.

- ``parse_digits("3 000")`` -> 3000, ``parse_digits("1,5")`` -> 1.5, ``parse_digits("600.000")``
  -> 600000: French groups thousands with a space (or a dot) and writes decimals with a comma.
- ``parse_words("quatre-vingt-dix")`` -> 90, ``parse_words("deux cent mille")`` -> 200000,
  ``parse_words("vingt et un")`` -> 21.
- ``NUMBER_WORDS_RE``: a regex source matching a run of number words, to embed in bigger patterns.

The words live in ``data/number_words_fr.tsv``.

``trie_alternation``: word lists as regex tries, for every lexicon pattern here, in the temporal
tagger and in the amounts (see its comment for why).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "number_words_fr.tsv"


@dataclass(frozen=True, slots=True)
class NumberWord:
    value: int
    role: str  # atom | hundred | group | ordinal


def read_tsv(path: Path) -> list[list[str]]:
    """Rows of a tab-separated lexicon, skipping blank lines and ``#`` comments."""
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


# Word lists as regex tries: ``ja(?:nv(?:ier|)|...)`` instead of ``janvier|janv|...``.
# Python's ``re`` tries the branches of an alternation one by one; a list of sixty number words
# costs sixty first-character checks at every word start. Factored by common prefixes, a failing
# position is rejected after one or two checks, and the pattern compiles to a first-character set
# the engine scans for. Matching is unchanged: at each node longer continuations come before the
# word that ends there, so the words matching at a position are still tried longest first (they
# are prefixes of one another), exactly like the sorted alternation this replaces.

_END = ""  # the key marking "a word ends here" in a node; its value holds the word's tail


def trie_alternation(words: Iterable[str], tail: Callable[[str], str] | None = None) -> str:
    """A regex source (no enclosing group) matching exactly one of ``words``, longest first.

    ``tail(word)``, when given, is a regex source appended where that word ends (a lookahead such
    as ``(?![\\w])`` for the words that end in a letter, nothing for symbols).
    """
    root: dict[str, dict[str, object]] = {}
    for word in set(words):
        node = root
        for char in word:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        node[_END] = {tail(word) if tail else "": {}}
    return _source(root)


def _source(node: dict[str, dict[str, object]]) -> str:
    branches = []
    for char in sorted(c for c in node if c != _END):
        child: dict[str, dict[str, object]] = node[char]  # type: ignore[assignment]
        branches.append(re.escape(char) + _group(child))
    if _END in node:
        branches.append(next(iter(node[_END])))  # the word that ends here, after every longer one
    return "|".join(branches)


def _group(node: dict[str, dict[str, object]]) -> str:
    if list(node) == [_END]:
        return next(iter(node[_END]))
    inner = _source(node)
    # A single chain needs no group: "ai(?:r)" reads "air"; an optional end needs one: "(?:s|)".
    if "|" not in inner and _END not in node:
        return inner
    return f"(?:{inner})"


@cache
def number_words() -> dict[str, NumberWord]:
    return {row[0]: NumberWord(int(row[1]), row[2]) for row in read_tsv(_DATA)}


def _alternation(words: list[str]) -> str:
    # Longest first, so "millions" wins over "million"; as a trie, so a failing position costs
    # one or two character checks instead of one per word.
    return trie_alternation(words)


_CARDINALS = [w for w, nw in number_words().items() if nw.role != "ordinal"]
CARDINAL_WORD_RE = _alternation(_CARDINALS)
# A run of cardinal words joined by spaces, hyphens or "et" ("vingt et un", "quatre-vingt-dix").
NUMBER_WORDS_RE = rf"(?:{CARDINAL_WORD_RE})(?:(?:[\s-]+|\s+et\s+)(?:{CARDINAL_WORD_RE}))*(?![\w-])"
ORDINAL_WORD_RE = _alternation([w for w, nw in number_words().items() if nw.role == "ordinal"])

_TOKEN_SPLIT = re.compile(r"[\s-]+")
# Thousands grouped by a space or a dot, decimals with a comma (French) or a lone dot (English
# wire copy): "3 000", "600.000", "1,5", "2.5".
DIGITS_RE = r"\d{1,3}(?:(?: |\.)\d{3})+(?:,\d+)?(?![\d.,]\d)|\d+(?:[,.]\d+)?"
_GROUPED = re.compile(r"^\d{1,3}(?:(?: |\.)\d{3})+(?:,\d+)?$")
_DIGIT_ORDINAL = re.compile(r"(\d+)\s*(?:er|re|ère|e|è|ème|eme|nd|nde)?")


def parse_digits(text: str) -> float:
    """The value of a number written in digits, French style ("3 000", "1,5", "600.000")."""
    if _GROUPED.match(text):
        text = text.replace(" ", "").replace(".", "")
    return float(text.replace(",", "."))


def parse_words(text: str) -> int | None:
    """The value of a run of French cardinal words, or None when it is not one."""
    words = number_words()
    total = 0
    current = 0
    seen = False
    for token in _TOKEN_SPLIT.split(text.lower().strip()):
        if token == "et":
            continue
        word = words.get(token)
        if word is None or word.role == "ordinal":
            return None
        seen = True
        if word.role == "atom":
            # "quatre-vingt(s)": a vingt right after a four multiplies it (80), it does not add.
            if word.value == 20 and current % 100 == 4:
                current += 76
            else:
                current += word.value
        elif word.role == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * word.value
            current = 0
    return total + current if seen else None


def parse_ordinal(text: str) -> int | None:
    """The rank of an ordinal: "1er", "premier", "3e", "troisième", "21e"; None otherwise."""
    lowered = text.lower().strip()
    match = _DIGIT_ORDINAL.fullmatch(lowered)
    if match:
        return int(match.group(1))
    word = number_words().get(lowered)
    if word is not None and word.role == "ordinal":
        return word.value
    return None
