"""What the store's band index holds, in memory: Bloom filters of the stored keys, and the bands
added since the last write.

Most articles are no duplicate of anything: each of their 24 band keys asked of ``dedup_bands``
finds nothing, yet costs a B-tree seek (a page read once the index outgrows SQLite's cache). A
Bloom filter of each period's stored keys says "certainly absent" for almost all of them, so
SQL is asked only for the few keys that may be there. The keys of a whole ingest batch are
checked at once (``BandCache.maybe``: numpy's cost per call is paid once per batch, not per
article). A filter never says "absent" for a key that is there, so the candidates found are
exactly those of the table.

Size: 16 bits a key (2 bytes; ~50 bytes an article), 4 probes: about one false "maybe" in 400
keys. A filter that fills past that is built again twice as large, so the cost of building stays
proportional to the keys. Filters are kept for the periods looked in last, within
``FILTER_BUDGET``; an evicted one is built again from its period's rows when needed.

The bands added since the last write (``pending``) are held as a dictionary from band hash to
(period, rowid) pairs, exact: a collision of two hashes only adds a candidate.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
FILTER_BUDGET = 256 << 20  # bytes of filters kept
_BITS_PER_KEY = 16
_MIN_BITS = 1 << 16
_PROBES = 4
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)
_ROWID = (1 << 40) - 1  # a pending entry: (period + 1) << 40 | rowid


def encode(period: int, rowid: int) -> int:
    """A (period, rowid) pair as one integer (rowids below 2^40)."""
    return (period + 1) << 40 | rowid


def keys_of(bands: npt.NDArray[np.int64], hashes: npt.NDArray[np.int64]) -> U64:
    """One 64-bit key per (band, hash): a band's key must not match the same value in another band."""
    with np.errstate(over="ignore"):
        return hashes.astype(np.uint64) ^ (bands.astype(np.uint64) * _BAND_MIX)


def _positions(keys: U64, mask: np.uint64) -> U64:
    """Bit positions of each key (double hashing from the key's two halves), shape (keys, probes)."""
    h1 = keys & mask
    h2 = (keys >> np.uint64(32)) | np.uint64(1)
    steps = np.arange(_PROBES, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return (h1[:, None] + steps[None, :] * h2[:, None]) & mask


class BandFilter:
    """The keys of one period's stored bands, room for ``capacity`` keys."""

    def __init__(self, capacity: int = 0) -> None:
        bits = _MIN_BITS
        while bits < capacity * _BITS_PER_KEY:
            bits *= 2
        self._bits = np.zeros(bits // 8, dtype=np.uint8)
        self._mask = np.uint64(bits - 1)
        self.keys = 0

    @property
    def nbytes(self) -> int:
        return int(self._bits.nbytes)

    @property
    def full(self) -> bool:
        """Past the keys it was sized for: build it again, larger."""
        return self.keys * _BITS_PER_KEY > self._bits.size * 8

    def add(self, keys: U64) -> None:
        positions = _positions(keys, self._mask).ravel()
        np.bitwise_or.at(self._bits, (positions >> np.uint64(3)).astype(np.int64),
                         (np.uint8(1) << (positions & np.uint64(7)).astype(np.uint8)))
        self.keys += len(keys)

    def may_hold(self, keys: U64) -> npt.NDArray[np.bool_]:
        """False where a key is certainly absent."""
        positions = _positions(keys, self._mask)
        bits = self._bits[(positions >> np.uint64(3)).astype(np.int64)] >> (positions & np.uint64(7)).astype(np.uint8)
        return np.asarray((bits & 1).all(axis=1))


# (band, hash) rows of one period, chunk by chunk, from the store
PeriodRows = Callable[[int], Iterator[npt.NDArray[np.int64]]]


class BandCache:
    """Filters of the stored bands per period, and the pending bands (see the module doc)."""

    def __init__(self, period_rows: PeriodRows) -> None:
        self._period_rows = period_rows
        self._filters: dict[int, BandFilter] = {}  # latest used last
        self._rows = array("q")  # pending (period, band, hash, rowid), flat
        self._pending: dict[int, int | list[int]] = {}  # band hash -> encoded (period, rowid), latest last
        self.top = 0  # the largest rowid pending

    @property
    def pending(self) -> int:
        return len(self._rows) // 4

    def forget_filters(self) -> None:
        self._filters.clear()

    def learn(self, period: int, bands: npt.NDArray[np.int64]) -> None:
        """Stored (band, hash) rows of ``period`` written by another process: its filter, if
        one is kept, learns their keys (one not kept is built from the table when needed)."""
        kept = self._filters.get(period)
        if kept is not None and len(bands):
            kept.add(keys_of(bands[:, 0], bands[:, 1]))

    def _filter(self, period: int) -> BandFilter:
        found = self._filters.pop(period, None)
        if found is None or found.full:
            stored = list(self._period_rows(period))
            found = BandFilter(max(2 * found.keys if found else 0, sum(len(c) for c in stored)))
            for rows in stored:
                found.add(keys_of(rows[:, 0], rows[:, 1]))
            while self._filters and sum(f.nbytes for f in self._filters.values()) + found.nbytes > FILTER_BUDGET:
                del self._filters[next(iter(self._filters))]  # the one used longest ago
        self._filters[period] = found
        return found

    def maybe(self, period: int, bands: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """For (band, hash) rows: False where the table certainly holds no such band in ``period``."""
        return self._filter(period).may_hold(keys_of(bands[:, 0], bands[:, 1])) if len(bands) else \
            np.zeros(0, dtype=bool)

    def add(self, period: int, bands: Sequence[tuple[int, int]], rowid: int) -> None:
        entry = encode(period, rowid)
        pending = self._pending
        for band, value in bands:
            held = pending.get(value)
            if held is None:
                pending[value] = entry
            elif isinstance(held, list):
                held.append(entry)
            else:
                pending[value] = [held, entry]
            self._rows.extend((period, band, value, rowid))
        self.top = max(self.top, rowid)

    def held(self, bands: Sequence[tuple[int, int]], periods: Iterable[int], limit: int,
             fetched: dict[int, list[int]] | None = None) -> set[int]:
        """Rowids of the pending articles sharing one of ``bands`` in one of ``periods``, the
        latest ``limit`` of each band; and of the stored ones in ``fetched`` (``encode``d
        entries by band hash, as ``StoredDedup.prefetch`` read them)."""
        wanted = {p + 1 for p in periods}
        out: set[int] = set()
        pending = self._pending
        for _, value in bands:
            found = pending.get(value)
            if found is not None:
                _collect(found, limit, wanted, out)
            if fetched:
                found = fetched.get(value)
                if found is not None:
                    _collect(found, limit, wanted, out)
        return out

    def take(self) -> tuple[npt.NDArray[np.int64], int]:
        """The pending rows (period, band, hash, rowid), sorted, as an array of 4 columns, and the
        largest rowid; forgets them (the caller writes them).
        The filters of their periods learn their keys."""
        rows = np.frombuffer(self._rows, dtype=np.int64).reshape(-1, 4)
        rows = rows[np.lexsort((rows[:, 3], rows[:, 2], rows[:, 1], rows[:, 0]))]
        for period in np.unique(rows[:, 0]).tolist():
            kept = self._filters.get(period)
            if kept is not None:
                mine = rows[rows[:, 0] == period]
                kept.add(keys_of(mine[:, 1], mine[:, 2]))
        top = self.top
        self._rows = array("q")
        self._pending.clear()
        return rows, top


def _collect(found: int | list[int], limit: int, wanted: set[int], out: set[int]) -> None:
    """The rowids of ``found``'s entries (the latest ``limit``) whose period is ``wanted``."""
    if not isinstance(found, list):
        if found >> 40 in wanted:
            out.add(found & _ROWID)
        return
    for entry in found[-limit:]:
        if entry >> 40 in wanted:
            out.add(entry & _ROWID)


def band_tuples(rows: np.ndarray[Any, Any]) -> Iterator[tuple[int, ...]]:
    """``take``'s rows as tuples of Python ints, a chunk at a time."""
    for start in range(0, len(rows), 10_000):
        yield from map(tuple, rows[start:start + 10_000].tolist())
