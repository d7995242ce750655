"""Which rows of a lexicon of patterns may match a text, without asking every row.

The event triggers (nlp/event_triggers.py) and the topic cues (nlp/topics.py) are lexicons of a
few hundred regular expressions run on the folded text (lower case, no accents). Each row comes
with its *literals*: strings that every match of its pattern contains. A row whose literals are
not all in the text cannot match there, and is not searched. Asking each row ``all(lit in text)``
costs more than the searches themselves (a text reaches 2 trigger rows of 241 and 5 cues of 409
on average, OrangeSum title + lead), so :class:`LiteralIndex` reads the text once instead: the
set of its character ``K``-grams, intersected with one ``K``-gram of each row's literals (any of
them is in every text the row matches; the one the fewest rows of the lexicon share, so that a
common prefix such as "con" or "pro" does not bring dozens of rows). The rows so reached, and the
rows whose literals are all shorter than ``K``, are then checked for all their literals as
before: the same rows, in lexicon order, so the same matches (tests/engines/test_prefilter.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

R = TypeVar("R")
K = 3  # gram length: long enough to be selective, short enough for most literals


class LiteralIndex:
    """The rows of a lexicon, each with its literals, indexed by one ``K``-gram of them (module
    doc)."""

    def __init__(self, literals: Sequence[Sequence[str]]) -> None:
        self._literals = tuple(tuple(row) for row in literals)
        self._short: list[int] = []  # rows with no literal of K characters: always checked
        self._by_gram: dict[str, list[int]] = {}
        grams = [list(dict.fromkeys(lit[i:i + K] for lit in lits for i in range(len(lit) - K + 1)))
                 for lits in self._literals]
        shared = Counter(g for row in grams for g in row)  # how many rows hold each gram
        for row, options in enumerate(grams):
            if not options:
                self._short.append(row)
            else:  # the row's gram fewest rows share (the text is likelier to lack it): "con" of
                # "conclu" is shared by dozens of rows, "clu" by few
                self._by_gram.setdefault(min(options, key=shared.__getitem__), []).append(row)

    def __len__(self) -> int:
        return len(self._literals)

    def rows(self, folded: str) -> list[int]:
        """The rows (in lexicon order) whose literals are all in ``folded``."""
        grams = {folded[i:i + K] for i in range(len(folded) - K + 1)}
        reached = list(self._short)
        for gram in grams.intersection(self._by_gram):
            reached.extend(self._by_gram[gram])
        reached.sort()
        lits = self._literals
        return [row for row in reached if all(part in folded for part in lits[row])]


_CACHE: dict[int, tuple[object, LiteralIndex]] = {}
_CACHE_SIZE = 16


def index_of(lexicon: Sequence[R], literals: Callable[[R], Sequence[str]]) -> LiteralIndex:
    """The index of ``lexicon``'s rows (``literals``: a row's literals). A tuple (the compiled
    lexicons are cached tuples) is indexed once per process; a list is indexed anew each call
    (it may change between calls)."""
    if not isinstance(lexicon, tuple):
        return LiteralIndex([literals(row) for row in lexicon])
    cached = _CACHE.get(id(lexicon))
    if cached is None or cached[0] is not lexicon:
        cached = (lexicon, LiteralIndex([literals(row) for row in lexicon]))
        _CACHE[id(lexicon)] = cached
        if len(_CACHE) > _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
    return cached[1]
