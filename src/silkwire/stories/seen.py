"""What the duplicate finder remembers of the articles it has seen, and where it keeps it.

``DuplicateFinder`` (``dedup.py``) asks a ``SeenArticles`` for everything it knows of earlier
articles: whether a key or an exact digest was seen, which articles share an LSH band with a
new one, each group's canonical. Two implementations:

- ``MemorySeen`` (here): dictionaries, for a finder without a database (the OrangeSum bench,
  tests). Grows with the articles seen.
- the store's tables (``store/dedup_index.py``, wired by ``service/duplicates.py``): one row per
  article plus one per LSH band, read back a batch of articles at a time, so memory does not
  grow with the corpus and a new process starts with nothing to rebuild.

Both give the same answers for the same additions; band hashes are 64-bit integers
(``dedup.band_hashes``), stored as they are, each filed under the period of its article
(``DedupParams.period``): a query names the periods it looks in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

# (band number, 64-bit hash of the band's signature values): the LSH key of one band
Band = tuple[int, int]
Rows = npt.NDArray[np.int64]  # bands as an array of (band, hash) rows


class Seen(NamedTuple):
    """An article the finder has seen: what it needs to compare a new one with it."""

    key: str
    seq: int  # arrival order (the store's rowid), for "first seen" ties and "latest first"
    published: str | None
    size: int  # number of distinct shingles
    canonical: str  # its group's canonical article (itself when it is canonical)
    source: str = ""  # its outlet


# The plain form of ``Seen`` (the store returns rows, it does not import this package)
SeenRow = tuple[str, int, str | None, int, str, str]
# The bands of a stored article from (size, signature, head signature, lead signature)
StoredBands = Callable[[int, bytes, bytes, bytes], Sequence[Band]]


@dataclass(frozen=True, slots=True)
class DedupState:
    """What is persisted of one article so that its later comparisons need no text."""

    digest: bytes
    size: int
    signature: bytes
    head_signature: bytes
    lead_signature: bytes = b""  # none when the lead is too short to decide anything


class SeenArticles(Protocol):
    """The finder's memory of earlier articles (see the module doc)."""

    def __len__(self) -> int: ...

    def arrival(self, key: str, seq: int | None = None) -> int:
        """The arrival number (``Seen.seq``) of a new article, greater than every earlier one's
        (``seq`` when the caller knows it: the store's rowid)."""
        ...

    def get(self, key: str) -> SeenRow | None: ...

    def twin(self, digest: bytes) -> SeenRow | None:
        """The earliest-arrived article with this exact content digest."""
        ...

    def candidates(self, bands: Sequence[Band], periods: Sequence[int], limit: int) -> Sequence[SeenRow]:
        """The ``limit`` latest-arrived articles sharing at least one of ``bands`` in one of
        ``periods`` (any order)."""
        ...

    def add(self, key: str, published: str | None, state: DedupState, bands: Sequence[Band], period: int | None,
            canonical: str | None, similarity: float | None, source: str = "") -> None:
        """Remember a new article (of ``source``), its LSH ``bands`` filed under ``period`` (none
        for a copy: its twin stands for it) and its group's canonical (None: it is canonical), in
        one write."""
        ...

    def relink(self, key: str, previous: str, similarity: float) -> tuple[str, ...]:
        """``key`` (added as canonical) becomes the canonical of ``previous``'s group; returns the
        group's other members."""
        ...

    def groups(self) -> list[list[str]]:
        """Every group of two or more articles, canonical first."""
        ...

    @property
    def pending(self) -> int:
        """How many band rows are held, not written yet (``flush`` writes them)."""
        ...

    def recent_periods(self, limit: int) -> list[int]:
        """The distinct periods of the latest dated articles banded, latest first."""
        ...

    def prefetch(self, queries: Sequence[tuple[Rows, Sequence[int]]], limit: int,
                 digests: Sequence[bytes] = ()) -> None:
        """The lookups a batch is about to make, all at once (a hint): (its bands as rows of
        (band, hash), the periods to look in) each, and its articles' digests. ``save`` ends
        the batch."""
        ...

    def save(self) -> None:
        """The batch is done: write what its ``add`` calls held back (before it commits)."""
        ...

    def sync(self, bands_of: StoredBands) -> None:
        """Take up what other writers stored since (between batches, nothing pending);
        ``bands_of``: the bands of an article they stored, from its stored state."""
        ...

    def flush(self) -> None: ...


class MemorySeen:
    """``SeenArticles`` in dictionaries."""

    def __init__(self) -> None:
        # key -> (seq, published, size, group, source)
        self._docs: dict[str, tuple[int, str | None, int, int, str]] = {}
        self._exact: dict[bytes, str] = {}
        self._buckets: dict[tuple[int, int, int], list[str]] = {}  # (period, band, hash) -> keys
        self._members: dict[int, list[str]] = {}
        self._canonical: dict[int, str] = {}
        self._seq = 0
        self._arrived: tuple[str, int] = ("", 0)  # the key given its number last, and the number
        self._next_group = 0

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def pending(self) -> int:
        return 0

    def recent_periods(self, limit: int) -> list[int]:
        return []  # a new finder's memory holds nothing

    def prefetch(self, queries: Sequence[tuple[Rows, Sequence[int]]], limit: int,
                 digests: Sequence[bytes] = ()) -> None:
        pass  # dictionaries answer at once

    def save(self) -> None:
        pass  # nothing is held back

    def sync(self, bands_of: StoredBands) -> None:
        pass  # no other writer

    def flush(self) -> None:
        pass  # nothing is held back: every band is in the dictionaries at once

    def arrival(self, key: str, seq: int | None = None) -> int:
        self._seq = max(self._seq + 1, seq or 0)
        self._arrived = (key, self._seq)
        return self._seq

    def get(self, key: str) -> Seen | None:
        doc = self._docs.get(key)
        return None if doc is None else Seen(key, doc[0], doc[1], doc[2], self._canonical[doc[3]], doc[4])

    def twin(self, digest: bytes) -> Seen | None:
        key = self._exact.get(digest)
        return None if key is None else self.get(key)

    def candidates(self, bands: Sequence[Band], periods: Sequence[int], limit: int) -> list[Seen]:
        keys = {key for period in periods for band, value in bands
                for key in self._buckets.get((period, band, value), ())}
        latest = sorted(keys, key=lambda k: -self._docs[k][0])[:limit]
        return [seen for seen in map(self.get, latest) if seen is not None]

    def add(self, key: str, published: str | None, state: DedupState, bands: Sequence[Band], period: int | None,
            canonical: str | None, similarity: float | None, source: str = "") -> None:
        seq = self._arrived[1] if self._arrived[0] == key else self.arrival(key)
        if canonical is None:
            group = self._next_group
            self._next_group += 1
            self._members[group] = [key]
            self._canonical[group] = key
        else:
            group = self._docs[canonical][3]
            self._members[group].append(key)
        self._docs[key] = (seq, published, state.size, group, source)
        self._exact.setdefault(state.digest, key)
        for band, value in bands:
            self._buckets.setdefault((period or 0, band, value), []).append(key)

    def relink(self, key: str, previous: str, similarity: float) -> tuple[str, ...]:
        seq, published, size, alone, source = self._docs[key]
        group = self._docs[previous][3]
        del self._members[alone], self._canonical[alone]  # its group of one
        self._members[group].append(key)
        self._canonical[group] = key
        self._docs[key] = (seq, published, size, group, source)
        return tuple(m for m in self._members[group] if m != key)

    def groups(self) -> list[list[str]]:
        out = []
        for group, members in self._members.items():
            if len(members) > 1:
                canonical = self._canonical[group]
                out.append([canonical, *(m for m in members if m != canonical)])
        return out
