"""The story stream's inner loops (``stream.py``): the cosines of term vectors, an article's probe
keys (its strongest terms) and its rowid added to their posting lists. Compiled to C with mypyc
(setup.py, group ``silkwire_stories``); the same source runs interpreted on a pure-Python install.

Each gives the values of the Python it replaces, to the last bit: a cosine adds its products in
the order ``sum`` did (the shorter vector's terms, in that vector's order; the first vector's if
both are as long), the centrality of a story's sample sums each member's cosines in member
order, the probe keys are sorted stably as ``sorted`` did. ``tests/engines/test_compiled.py``
compares the compiled and interpreted results; ``tests/service/test_story_stream.py`` the
loops they replaced. Compiled, ``post`` takes ~0.6x and ``strongest`` ~0.8x the CPU of this
source interpreted and of the loops they replaced (``bench/ingest_loops.py``): 1-2 µs an
article each.
"""

from __future__ import annotations

from typing import Any


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two normalised vectors: the shorter one's terms found in the other."""
    if len(a) > len(b):
        a, b = b, a
    total = 0.0
    for t in a:
        if t in b:
            total += a[t] * b[t]
    return total


def cosines(a: dict[str, float], others: list[dict[str, float]]) -> list[float]:
    """``[cosine(a, b) for b in others]``: an article against its candidates, in one call."""
    return [cosine(a, b) for b in others]


def centrality(vectors: list[dict[str, float]]) -> list[float]:
    """For each vector, the sum of its cosines with every vector of the list (itself included),
    in list order. A pair of vectors of different lengths is computed once (both orders sum the
    same terms in the same order); of the same length, twice (each order is its own sum)."""
    k = len(vectors)
    sizes = [len(v) for v in vectors]
    seen: list[list[float]] = [[0.0] * k for _ in range(k)]
    sums: list[float] = []
    for m in range(k):
        total = 0.0
        for o in range(k):
            if o < m and sizes[o] != sizes[m]:
                c = seen[o][m]
            else:
                c = cosine(vectors[m], vectors[o])
                seen[m][o] = c
            total += c
        sums.append(total)
    return sums


def strongest(vector: dict[str, float], k: int) -> list[str]:
    """The ``k`` terms of largest weight, largest first (a tie: the vector's order)."""
    return [t for t, _ in sorted(vector.items(), key=_weight_of)[:k]]


def _weight_of(item: tuple[str, float]) -> float:
    return -item[1]


def post(postings: dict[str, list[Any]], touched: dict[str, Any], long: dict[str, list[Any]], keys: list[str],
         rowid: Any, today: Any, keep: int) -> None:
    """An article's ``rowid`` added to the posting list of each of its ``keys`` (and to the whole
    lists of the keys undated articles probe, ``long``); a list longer than twice ``keep`` is cut
    to its last ``keep`` (only those are read); ``touched``: each key's latest day (``today``, an
    ordinal, or None). ``rowid`` and ``today`` are typed ``Any`` so that compiled code stores the
    caller's int objects: typed ``int``, each list entry was a new int object (unboxed, then boxed
    again), and the story pass measured 2-8% slower (docs/benchmarks/scale.md, branch ``fast7``)."""
    for key in keys:
        found = postings.get(key)
        if found is None:
            found = postings[key] = []
        found.append(rowid)
        if today is not None:
            touched[key] = today
        if len(found) > 2 * keep:
            del found[:-keep]
        whole = long.get(key)
        if whole is not None:
            whole.append(rowid)
            if len(whole) > 2 * keep:
                del whole[:-keep]
