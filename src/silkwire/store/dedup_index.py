"""The duplicate finder's memory in the store: tables ``article_dedup`` and ``dedup_bands``.

``StoredDedup`` is what ``stories.seen.SeenArticles`` describes, over SQL: an article's dedup
row (digest, sizes, signatures, link to its canonical, the period its bands are filed under) is
written in the caller's transaction, with the batch; every question (was this key seen, this
digest, which articles share a band) is a query on an index. Plain rows in and out: the
algorithms live in ``stories/``.

The LSH bands (``dedup_bands``, migration 9) are *derived* from the signatures of
``article_dedup``, as the text index is derived from the articles: a process keeps the bands of
the articles it added in memory (``pending``, asked first by ``candidates``) and writes them
sorted, many batches at a time (``flush``), then moves the watermark ``dedup.banded_through``.
One band row per batch would rewrite a page of the index per row in every commit (what made the
cost per article grow with the corpus: BENCHMARKS.md); a flush of thousands of articles, sorted
and filed by period of publication, rewrites each page of the recent periods once. A process
killed before its flush loses no link (those committed with their batch): the next finder
computes the missing bands from the stored signatures, past the watermark, before its first
query (``service/duplicates.finder``). Each period looked in has a Bloom filter of its keys in
memory (``band_filter.py``): SQL is asked only for the keys that may be there.

``Seen`` rows are (article id, rowid as the arrival number, published, size, canonical's id).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from silkwire.errors import StoreError
from silkwire.store.band_filter import BandCache, encode
from silkwire.store.base import StoreBase, marks
from silkwire.store.counts import became_duplicate

BAND_LAYOUT = "dedup.band_layout"  # meta key: what the stored band hashes were computed with
BANDED_THROUGH = "dedup.banded_through"  # meta key: every article_dedup row up to it has its bands stored

_SEEN = ("SELECT a.id, a.rowid, a.published, d.size, coalesce(c.id, a.id), a.source FROM article_dedup d "
         "JOIN articles a ON a.rowid = d.article_rowid LEFT JOIN articles c ON c.rowid = d.duplicate_of ")
# One bucket of one period, latest first, at most ``limit`` rows: a primary-key range read
# backwards that stops early, so a bucket that every templated item shares costs ``limit`` rows,
# not all of them (issue 18: 10k templated items took 96.6 s reading whole buckets). The latest
# ``limit`` of a union of buckets are among the latest ``limit`` of each.
_BUCKET = ("SELECT * FROM (SELECT period, band, hash, article_rowid FROM dedup_bands "
           "WHERE period = ? AND band = ? AND hash = ? ORDER BY article_rowid DESC LIMIT ?) AS b")

SeenRow = tuple[str, int, str | None, int, str, str]

BandRow = tuple[int, ...]  # (period, band, hash, article rowid)


class _State(Protocol):  # stories.seen.DedupState, by shape
    @property
    def digest(self) -> bytes: ...
    @property
    def size(self) -> int: ...
    @property
    def signature(self) -> bytes: ...
    @property
    def head_signature(self) -> bytes: ...
    @property
    def lead_signature(self) -> bytes: ...


def _row(r: Sequence[Any]) -> SeenRow:
    return (str(r[0]), int(r[1]), r[2], int(r[3]), str(r[4]), str(r[5]))


class StoredDedup:
    """The store's side of ``SeenArticles`` (see the module doc)."""

    def __init__(self, store: DedupTables) -> None:
        self.store = store
        self._arrived: tuple[str, int] = ("", 0)  # the last key looked up by ``arrival``, its rowid
        self._cache = BandCache(store.period_bands)
        self._synced = store.banded_through()  # the watermark the filters agree with
        # what ``prefetch`` found in the table for a batch: band hash -> encoded (period, rowid)
        self._fetched: dict[int, list[int]] = {}
        self._fetched_periods: set[int] = set()

    def __len__(self) -> int:
        return self.store.dedup_count()

    @property
    def pending(self) -> int:
        """Band rows held in memory, not written yet."""
        return self._cache.pending

    def sync(self) -> None:
        """Forget the filters when another process wrote bands since (call with nothing pending)."""
        through = self.store.banded_through()
        if through != self._synced:
            self._cache.forget_filters()
            self._synced = through

    def recent_periods(self, limit: int) -> list[int]:
        return self.store.recent_band_periods(limit)

    def arrival(self, key: str, seq: int | None = None) -> int:
        self._arrived = (key, seq if seq is not None else self._rowid(key))
        return self._arrived[1]

    def _rowid(self, key: str) -> int:
        row = self.store.db.execute("SELECT rowid FROM articles WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise StoreError(f"article {key}: not stored, so it cannot be linked to its duplicates")
        return int(row[0])

    def get(self, key: str) -> SeenRow | None:
        row = self.store.db.execute(_SEEN + "WHERE a.id = ?", (key,)).fetchone()
        return None if row is None else _row(row)

    def twin(self, digest: bytes) -> SeenRow | None:
        row = self.store.db.execute(_SEEN + "WHERE d.digest = ? ORDER BY d.article_rowid LIMIT 1", (digest,)).fetchone()
        return None if row is None else _row(row)

    def prefetch(self, queries: Sequence[tuple[npt.NDArray[np.int64], Sequence[int]]], limit: int) -> None:
        """Read at once what the table holds for a batch's lookups ((bands, periods) each): the
        filters of each period weed the keys out together, SQL reads the few left. ``candidates``
        then answers these periods from memory (the table does not change until the next flush)."""
        by_period: dict[int, list[npt.NDArray[np.int64]]] = {}
        for bands, periods in queries:
            for period in periods:
                by_period.setdefault(period, []).append(bands)
        asked: set[tuple[int, int, int]] = set()
        for period, lists in by_period.items():
            rows = np.concatenate(lists)
            maybe = self._cache.maybe(period, rows)
            if maybe.any():
                asked.update((period, band, value) for band, value in rows[maybe].tolist())
        self._fetched = {}
        for (period, _, value), rowids in self.store.band_buckets(sorted(asked), limit).items():
            self._fetched.setdefault(value, []).extend(encode(period, r) for r in sorted(rowids))
        self._fetched_periods = set(by_period)

    def candidates(self, bands: Sequence[tuple[int, int]], periods: Sequence[int], limit: int) -> list[SeenRow]:
        if not bands:
            return []
        rowids = self._cache.held(bands, periods, limit, self._fetched)
        for period in periods:
            if period not in self._fetched_periods:  # an undated article looking in a new recent period
                rows = np.array(bands, dtype=np.int64)
                maybe = self._cache.maybe(period, rows).tolist()
                found = self.store.band_buckets([(period, b, v) for (b, v), m in zip(bands, maybe, strict=True) if m],
                                                limit)
                rowids.update(r for bucket in found.values() for r in bucket)
        if not rowids:
            return []
        latest = heapq.nlargest(limit, rowids)
        return [_row(r) for r in self.store.db.execute(_SEEN + f"WHERE d.article_rowid IN ({marks(latest)})", latest)]

    def add(self, key: str, published: str | None, state: _State, bands: Sequence[tuple[int, int]],
            period: int | None, canonical: str | None, similarity: float | None, source: str = "") -> None:
        with self.store.transaction() as db:
            rowid = self._arrived[1] if self._arrived[0] == key else self._rowid(key)
            db.execute(
                "INSERT INTO article_dedup (article_rowid, digest, size, signature, head_signature, duplicate_of, "
                "similarity, band_period, lead_signature) "
                "VALUES (?, ?, ?, ?, ?, (SELECT rowid FROM articles WHERE id = ?), ?, ?, ?)",
                (rowid, state.digest, state.size, state.signature, state.head_signature, canonical, similarity,
                 period if bands else None, state.lead_signature or None))
            if canonical is not None:
                became_duplicate(db, rowid)
        if bands and period is not None:
            self._cache.add(period, bands, rowid)

    def flush(self) -> None:
        """Write the pending bands (sorted, one transaction) and move the watermark past them."""
        if self._cache.pending:
            rows, top = self._cache.take()
            self.store.save_bands(rows, top)
            self._synced = self.store.banded_through()

    def relink(self, key: str, previous: str, similarity: float) -> tuple[str, ...]:
        """``key`` becomes the canonical of ``previous``'s group: the previous canonical and every
        article linked to it now point to ``key``."""
        with self.store.transaction() as db:
            new, old = self._rowid(key), self._rowid(previous)
            became_duplicate(db, old)
            db.execute("UPDATE article_dedup SET duplicate_of = NULL, similarity = NULL WHERE article_rowid = ?",
                       (new,))
            db.execute("UPDATE article_dedup SET duplicate_of = ? WHERE duplicate_of = ?", (new, old))
            db.execute("UPDATE article_dedup SET duplicate_of = ?, similarity = ? WHERE article_rowid = ?",
                       (new, similarity, old))
            rows = db.execute("SELECT a.id FROM article_dedup d JOIN articles a ON a.rowid = d.article_rowid "
                              "WHERE d.duplicate_of = ? ORDER BY d.article_rowid", (new,))
            return tuple(r[0] for r in rows)

    def groups(self) -> list[list[str]]:
        rows = self.store.db.execute(
            "SELECT c.id, a.id FROM article_dedup d JOIN articles a ON a.rowid = d.article_rowid "
            "JOIN articles c ON c.rowid = d.duplicate_of ORDER BY d.duplicate_of, d.article_rowid")
        out: dict[str, list[str]] = {}
        for canonical, member in rows:
            out.setdefault(canonical, [canonical]).append(member)
        return list(out.values())


class DedupTables(StoreBase):
    """The duplicate finder's tables (see the module doc)."""

    def seen_articles(self) -> StoredDedup:
        """What the finder knows of the stored articles, queried per article."""
        return StoredDedup(self)

    def dedup_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM article_dedup").fetchone()[0])

    def band_layout(self) -> str | None:
        """What the stored band hashes were computed with (None: no bands stored yet)."""
        return self.get_meta(BAND_LAYOUT)

    def set_band_layout(self, layout: str) -> None:
        self.set_meta(BAND_LAYOUT, layout)

    def banded_through(self) -> int:
        """The watermark: every article_dedup row up to this rowid has its bands stored."""
        return int(self.get_meta(BANDED_THROUGH) or 0)

    def save_bands(self, rows: Iterable[BandRow], through: int) -> None:
        """(period, band, hash, article rowid) rows, and the watermark moved to ``through`` if it
        was lower, in one transaction (or the caller's)."""
        with self.transaction() as db:
            db.executemany("INSERT INTO dedup_bands (period, band, hash, article_rowid) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT DO NOTHING", rows)
            if through > self.banded_through():
                self.set_meta(BANDED_THROUGH, str(through))

    def band_buckets(self, keys: Sequence[tuple[int, int, int]], limit: int) -> dict[tuple[int, int, int], list[int]]:
        """(period, band, hash) -> the latest ``limit`` article rowids of that bucket (non-empty only)."""
        out: dict[tuple[int, int, int], list[int]] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), 100):  # SQLite's limit on compound SELECTs is 500
            chunk = unique[start:start + 100]
            statement = " UNION ALL ".join([_BUCKET] * len(chunk))
            for period, band, value, rowid in self.db.execute(statement, [v for key in chunk for v in (*key, limit)]):
                out.setdefault((period, band, value), []).append(rowid)
        return out

    def recent_band_periods(self, limit: int) -> list[int]:
        """The distinct periods of the latest dated articles banded, latest first."""
        out: list[int] = []
        for (period,) in self.db.execute("SELECT band_period FROM article_dedup WHERE band_period >= 0 "
                                         "ORDER BY article_rowid DESC LIMIT 1000"):
            if period not in out:
                out.append(int(period))
                if len(out) == limit:
                    break
        return out

    def period_bands(self, period: int, chunk: int = 100_000) -> Iterator[list[tuple[int, int]]]:
        """(band, hash) of every stored band of ``period``, ``chunk`` rows at a time."""
        cursor = self.db.execute("SELECT band, hash FROM dedup_bands WHERE period = ?", (period,))
        while rows := cursor.fetchmany(chunk):
            yield rows

    def clear_bands(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM dedup_bands")
            db.execute("DELETE FROM meta WHERE key = ?", (BANDED_THROUGH,))

    def banded_after(self, rowid: int) -> Iterator[tuple[int, int, int, bytes, bytes, bytes]]:
        """(rowid, period, size, signature, head signature, lead signature) of the articles past
        ``rowid`` whose bands are filed (``band_period`` set), in rowid order: what a flush that
        never came left."""
        rows = self.db.execute(
            "SELECT article_rowid, band_period, size, signature, head_signature, lead_signature FROM article_dedup "
            "WHERE article_rowid > ? AND band_period IS NOT NULL ORDER BY article_rowid", (rowid,))
        for r in rows:
            yield int(r[0]), int(r[1]), int(r[2]), bytes(r[3]), bytes(r[4]), bytes(r[5] or b"")

    def set_band_periods(self, rows: Iterable[tuple[int | None, int]]) -> None:
        """(period or None, article rowid): the period each article's bands are filed under."""
        with self.transaction() as db:
            db.executemany("UPDATE article_dedup SET band_period = ? WHERE article_rowid = ?", rows)
