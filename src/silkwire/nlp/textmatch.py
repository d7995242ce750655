"""A dictionary matcher over word tokens: aliases in, leftmost-longest matches out.

Why tokens rather than a regular expression: French names must match on whole words only
("Chine" not in "machine", "Inde" not in "indépendance", "Niger" not in "Nigeria") and across
the separators writers vary ("Nour-Soultan" / "Nour Soultan", "mer d'Aral"). The text is
folded once (lower case, accents removed, same length, so offsets survive), cut into ``\\w+``
tokens by the C regex engine, and each token is looked up in a dict: only the few tokens that
start an alias go further. This runs at hundreds of thousands of tokens per second.

Case is checked on the unfolded text, per alias token: an alias token written in capitals
("UE", "ONU") must appear exactly so; an alias token with a capital initial ("Kazakhstan",
"Chine") needs a capital initial in the text ("chine" is a fabric, "poutine" a dish); a lower
case alias token ("kazakhe", "sino") takes any case. Aliases of three letters or fewer
("Xi", "Och") always match exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

P = TypeVar("P")

_TOKEN = re.compile(r"\w+")
# What may separate two tokens of one alias: spaces, hyphens, apostrophes, a dot ("S. Jaishankar",
# "Gazeta.uz"), "+" or "/" ("C5+1", "RFE/RL"); at most three, never a line break or a comma.
_GAP = re.compile(r"[ \-'.+/]{1,3}")


class _FoldTable(dict[int, str]):
    """str.translate table computed lazily: each character once, to one character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        low = base.lower()
        # Keep the length: a character whose lower case is longer (İ -> i̇) keeps its base.
        folded = low if len(low) == 1 else base
        self[code] = folded
        return folded


class _StripTable(dict[int, str]):
    """Like _FoldTable but keeps the case: accents only."""

    def __missing__(self, code: int) -> str:
        base = unicodedata.normalize("NFD", chr(code))[0]
        self[code] = base
        return base


_FOLD = _FoldTable()
_STRIP = _StripTable()


def fold_same_length(text: str) -> str:
    """Lower case without accents, one character per character, so offsets into the folded copy
    are offsets into the text (``textnorm.fold`` expands ligatures, œ -> oe, and cannot)."""
    return text.translate(_FOLD)


def strip_accents(text: str) -> str:
    return text.translate(_STRIP)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@dataclass(frozen=True, slots=True)
class Alias(Generic[P]):
    """One written form and what it stands for."""

    form: str  # as written in the knowledge base
    payload: P
    checks: tuple[tuple[str, int], ...]  # per token: (accent-stripped form, mode)


EXACT, CAPITAL, ANY = 0, 1, 2


def _checks(form: str) -> tuple[tuple[str, int], ...]:
    parts = tokens(strip_accents(form))
    short = sum(len(p) for p in parts) <= 3
    out = []
    for part in parts:
        if short or (len(part) > 1 and part.isupper()):
            out.append((part, EXACT))
        elif part[:1].isupper():
            out.append((part, CAPITAL))
        else:
            out.append((part, ANY))
    return tuple(out)


@dataclass(slots=True)
class _Node(Generic[P]):
    children: dict[str, _Node[P]] = field(default_factory=dict)
    aliases: list[Alias[P]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Match(Generic[P]):
    """A stretch of the (normalised) text and the aliases that it matches, all equally long."""

    start: int
    end: int
    first_token: int  # index of its first token in the text's token list
    last_token: int  # index of its last token
    aliases: tuple[Alias[P], ...]


@dataclass(slots=True)
class Scan:
    """A text cut into tokens, kept to look at the gaps between matches."""

    text: str
    spans: list[tuple[int, int]]

    def gap(self, left_token: int) -> str:
        """The characters between token ``left_token`` and the next one."""
        return self.text[self.spans[left_token][1] : self.spans[left_token + 1][0]]


class Matcher(Generic[P]):
    """Aliases -> payloads; ``find`` returns non-overlapping leftmost-longest matches."""

    def __init__(self) -> None:
        self._root: _Node[P] = _Node()
        self.size = 0

    def add(self, form: str, payload: P) -> None:
        keys = tokens(fold_same_length(form))
        if not keys:
            return
        node = self._root
        for key in keys:
            node = node.children.setdefault(key, _Node())
        node.aliases.append(Alias(form, payload, _checks(form)))
        self.size += 1

    def scan(self, text: str) -> tuple[Scan, Iterator[Match[P]]]:
        folded = fold_same_length(text)
        spans = [m.span() for m in _TOKEN.finditer(folded)]
        scan = Scan(text, spans)
        return scan, self._find(text, folded, spans)

    def _find(self, text: str, folded: str, spans: list[tuple[int, int]]) -> Iterator[Match[P]]:
        root = self._root.children
        n = len(spans)
        i = 0
        while i < n:
            s, e = spans[i]
            node = root.get(folded[s:e])
            if node is None:
                i += 1
                continue
            best: Match[P] | None = None
            j = i
            while True:
                if node.aliases:
                    ok = tuple(a for a in node.aliases if _case_ok(a, text, spans, i))
                    if ok:
                        best = Match(s, spans[j][1], i, j, ok)
                if j + 1 >= n or not _GAP.fullmatch(folded, spans[j][1], spans[j + 1][0]):
                    break
                ns, ne = spans[j + 1]
                nxt = node.children.get(folded[ns:ne])
                if nxt is None:
                    break
                node, j = nxt, j + 1
            if best is None:
                i += 1
                continue
            yield best
            i = best.last_token + 1


def _case_ok(alias: Alias[P], text: str, spans: list[tuple[int, int]], first: int) -> bool:
    for k, (want, mode) in enumerate(alias.checks):
        if mode == ANY:
            continue
        s, e = spans[first + k]
        if mode == EXACT:
            if strip_accents(text[s:e]) != want:
                return False
        elif not text[s].isupper():
            return False
    return True
