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
memory (``band_filter.py``): SQL is asked only for the keys that may be there. When other
processes banded articles since (several writers on PostgreSQL), the filters learn their keys,
computed from their stored signatures (``sync``), rather than reading their periods again.

An ingest batch asks its questions at once (``prefetch``: its digests' twins, its bands'
candidates and their rows), and its articles' rows are written together before it commits
(``save``): a few statements per batch, not a few per article (``dedup_batch.py``).

``Seen`` rows are (article id, rowid as the arrival number, published, size, canonical's id).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from silkwire.errors import StoreError
from silkwire.store.band_filter import BandCache, band_tuples, encode
from silkwire.store.base import Connection, StoreBase, marks
from silkwire.store.counts import became_duplicate, became_duplicates
from silkwire.store.dedup_batch import BatchMemory, DedupRow

BAND_LAYOUT = "dedup.band_layout"  # meta key: what the stored band hashes were computed with
BANDED_THROUGH = "dedup.banded_through"  # meta key: every article_dedup row up to it has its bands stored

SEEN_COLUMNS = "a.id, a.rowid, a.published, d.size, coalesce(c.id, a.id), a.source"
_SEEN = (f"SELECT {SEEN_COLUMNS} FROM article_dedup d "
         "JOIN articles a ON a.rowid = d.article_rowid LEFT JOIN articles c ON c.rowid = d.duplicate_of ")
# One bucket of one period, latest first, at most ``limit`` rows: a primary-key range read
# backwards that stops early, so a bucket that every templated item shares costs ``limit`` rows,
# not all of them (issue 18: 10k templated items took 96.6 s reading whole buckets). The latest
# ``limit`` of a union of buckets are among the latest ``limit`` of each.
_BUCKET = ("SELECT * FROM (SELECT period, band, hash, article_rowid FROM dedup_bands "
           "WHERE period = ? AND band = ? AND hash = ? ORDER BY article_rowid DESC LIMIT ?) AS b")

SeenRow = tuple[str, int, str | None, int, str, str]

BandRow = tuple[int, ...]  # (period, band, hash, article rowid)
BandKey = tuple[int, int, int]  # (period, band, hash)
# what a batch's lookups found: band key -> latest rowids, digest -> earliest row, the found rows
Prefetched = tuple[dict[BandKey, list[int]], dict[bytes, SeenRow | None], list[SeenRow]]
_LEARN_AT_MOST = 50_000  # articles banded by others that ``sync`` learns from their signatures
# the bands of a stored article from (size, signature, head signature, lead signature)
StoredBands = Callable[[int, bytes, bytes, bytes], Sequence[tuple[int, int]]]
DEDUP_COLUMNS = ("article_dedup (article_rowid, digest, size, signature, head_signature, duplicate_of, similarity, "
                 "band_period, lead_signature)")


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


def row_of(r: Sequence[Any]) -> SeenRow:
    return (str(r[0]), int(r[1]), r[2], int(r[3]), str(r[4]), str(r[5]))


class StoredDedup:
    """The store's side of ``SeenArticles`` (see the module doc)."""

    def __init__(self, store: DedupTables) -> None:
        self.store = store
        self._arrived: tuple[str, int] = ("", 0)  # the last key looked up by ``arrival``, its rowid
        self._cache = BandCache(store.period_bands)
        self._synced = store.banded_through()  # the watermark the filters agree with
        self._layout = store.band_layout()  # what the filters' keys were computed with
        # what ``prefetch`` found in the table for a batch: band hash -> encoded (period, rowid)
        self._fetched: dict[int, list[int]] = {}
        self._fetched_periods: set[int] = set()
        self._batch = BatchMemory()  # the batch's rows, read or held (dedup_batch.py)

    def __len__(self) -> int:
        self._write_held()
        return self.store.dedup_count()

    @property
    def pending(self) -> int:
        """Band rows held in memory, not written yet."""
        return self._cache.pending

    def sync(self, bands_of: StoredBands) -> None:
        """Take up the bands other processes wrote since (call with nothing pending): the
        filters learn the keys of the articles past the watermark they agree with, computed by
        ``bands_of`` from the stored signatures (a batch's worth, not a period's); rebuilt
        from the table only when the bands were all written again (a new layout)."""
        through, layout = self.store.banded_through(), self.store.band_layout()
        if through == self._synced and layout == self._layout:
            return
        # another layout: every band was written again (no layout yet: none stored but this finder's);
        # many articles since: the filters of the periods used next are cheaper to build again
        if through < self._synced or (self._layout is not None and layout != self._layout) or \
                through - self._synced > _LEARN_AT_MOST:
            self._cache.forget_filters()
        else:
            learnt: dict[int, list[tuple[int, int]]] = {}
            for rowid, period, size, signature, head, lead in self.store.banded_after(self._synced):
                if rowid > through:
                    break
                learnt.setdefault(period, []).extend(bands_of(size, signature, head, lead))
            for period, bands in learnt.items():
                self._cache.learn(period, np.array(bands, dtype=np.int64).reshape(-1, 2))
        self._synced, self._layout = through, layout

    def recent_periods(self, limit: int) -> list[int]:
        return self.store.recent_band_periods(limit)

    def arrival(self, key: str, seq: int | None = None) -> int:
        self._arrived = (key, seq if seq is not None else self._rowid(key))
        return self._arrived[1]

    def _sql(self) -> Connection:
        """The connection, for a read: the rows held back are written first (it must see them)."""
        self._write_held()
        return self.store.db

    def _rowid(self, key: str) -> int:
        found = self._batch.rowid_of(key)
        if found is not None:
            return found
        row = self._sql().execute("SELECT rowid FROM articles WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise StoreError(f"article {key}: not stored, so it cannot be linked to its duplicates")
        return int(row[0])

    def get(self, key: str) -> SeenRow | None:
        found = self._batch.row_of(key)
        if found is None:
            row = self._sql().execute(_SEEN + "WHERE a.id = ?", (key,)).fetchone()
            if row is not None:
                self._batch.know(found := row_of(row))
        return found

    def twin(self, digest: bytes) -> SeenRow | None:
        known, found = self._batch.twin(digest)
        if known:
            return found
        row = self._sql().execute(_SEEN + "WHERE d.digest = ? ORDER BY d.article_rowid LIMIT 1", (digest,)).fetchone()
        return None if row is None else row_of(row)

    def prefetch(self, queries: Sequence[tuple[npt.NDArray[np.int64], Sequence[int]]], limit: int,
                 digests: Sequence[bytes] = ()) -> None:
        """Read at once what the table holds for a batch's lookups ((bands, periods) each, and
        the digests): the filters of each period weed the keys out together, SQL reads the few
        left, then the rows of the candidates found and the digests' earliest articles. Until
        ``save``, ``candidates`` and ``twin`` answer from memory and ``add`` holds its rows
        (``dedup_batch.py``)."""
        self._write_held()
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
        buckets, twins, found_rows = self.store.prefetch_rows(sorted(asked), limit, digests)
        for (period, _, value), rowids in buckets.items():
            self._fetched.setdefault(value, []).extend(encode(period, r) for r in sorted(rowids))
        self._fetched_periods = set(by_period)
        self._batch.start(twins)
        for row in found_rows:
            self._batch.know(row)

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
        out, missing = [], []
        for rowid in heapq.nlargest(limit, rowids):
            row = self._batch.row(rowid)
            if row is None:
                missing.append(rowid)
            else:
                out.append(row)
        if missing:
            self._write_held()
            for row in self.store.seen_rows(missing):
                self._batch.know(row)
                out.append(row)
        return out

    def add(self, key: str, published: str | None, state: _State, bands: Sequence[tuple[int, int]],
            period: int | None, canonical: str | None, similarity: float | None, source: str = "") -> None:
        rowid = self._arrived[1] if self._arrived[0] == key else self._rowid(key)
        row: DedupRow = (rowid, state.digest, state.size, state.signature, state.head_signature,
                         None if canonical is None else self._rowid(canonical), similarity,
                         period if bands else None, state.lead_signature or None)
        if self._batch.active:  # written by ``save``, with the batch's other rows
            self._batch.hold((key, rowid, published, state.size, canonical or key, source), row)
        else:
            self.store.save_dedup_rows([row], [rowid] if canonical is not None else [])
        if bands and period is not None:
            self._cache.add(period, bands, rowid)

    def _write_held(self) -> None:
        if self._batch.held:
            self.store.save_dedup_rows(*self._batch.take())

    def save(self) -> None:
        """The batch is done: write the rows held back (in the caller's transaction) and forget
        what was read for it."""
        self._write_held()
        self._batch.stop()

    def flush(self) -> None:
        """Write the pending bands (sorted, one transaction) and move the watermark past them."""
        self._write_held()
        if self._cache.pending:
            rows, top = self._cache.take()
            self.store.save_band_array(rows, top)
            self._synced = self.store.banded_through()

    def relink(self, key: str, previous: str, similarity: float) -> tuple[str, ...]:
        """``key`` becomes the canonical of ``previous``'s group: the previous canonical and every
        article linked to it now point to ``key``."""
        self._write_held()
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
            members = tuple(r[0] for r in rows)
        self._batch.relinked(key, members)  # as the table's rows
        return members

    def groups(self) -> list[list[str]]:
        rows = self._sql().execute(
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

    def save_band_array(self, rows: npt.NDArray[np.int64], through: int) -> None:
        """``save_bands`` of an array of (period, band, hash, rowid) rows (``BandCache.take``)."""
        self.save_bands(band_tuples(rows), through)

    def save_dedup_rows(self, rows: Sequence[DedupRow], duplicates: Sequence[int]) -> None:
        """Articles' dedup rows, and the counts of those added as ``duplicates`` (rowids), in one
        transaction (or the caller's)."""
        with self.transaction() as db:
            db.executemany(f"INSERT INTO {DEDUP_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            became_duplicates(db, duplicates)

    def prefetch_rows(self, keys: Sequence[BandKey], limit: int, digests: Sequence[bytes]) -> Prefetched:
        """What a batch's lookups need (``StoredDedup.prefetch``): the latest ``limit`` rowids of
        each band bucket ``keys`` (non-empty ones), each digest's earliest row (None: none), and
        the rows of the articles in those buckets (any order)."""
        buckets = self.band_buckets(keys, limit)
        found = sorted({rowid for rowids in buckets.values() for rowid in rowids})
        return buckets, self.earliest_of_digests(digests), self.seen_rows(found)

    def earliest_of_digests(self, digests: Sequence[bytes]) -> dict[bytes, SeenRow | None]:
        """Each digest -> the row of the earliest article with it (None: no article has it)."""
        out: dict[bytes, SeenRow | None] = dict.fromkeys(digests)
        unique = list(out)
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            for r in self.db.execute(
                    "SELECT d.digest, " + _SEEN.removeprefix("SELECT ") + "WHERE d.article_rowid IN "
                    f"(SELECT min(article_rowid) FROM article_dedup WHERE digest IN ({marks(chunk)}) GROUP BY digest)",
                    chunk):
                out[bytes(r[0])] = row_of(r[1:])
        return out

    def seen_rows(self, rowids: Sequence[int]) -> list[SeenRow]:
        """The rows of these articles (those with a dedup row), any order."""
        out: list[SeenRow] = []
        for start in range(0, len(rowids), 500):
            chunk = list(rowids[start:start + 500])
            out += [row_of(r) for r in self.db.execute(_SEEN + f"WHERE d.article_rowid IN ({marks(chunk)})", chunk)]
        return out

    def band_buckets(self, keys: Sequence[BandKey], limit: int) -> dict[BandKey, list[int]]:
        """(period, band, hash) -> the latest ``limit`` article rowids of that bucket (non-empty only)."""
        out: dict[BandKey, list[int]] = {}
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

    def period_bands(self, period: int, chunk: int = 100_000) -> Iterator[npt.NDArray[np.int64]]:
        """(band, hash) of every stored band of ``period``, ``chunk`` rows at a time (arrays of
        two columns)."""
        cursor = self.db.execute("SELECT band, hash FROM dedup_bands WHERE period = ?", (period,))
        while rows := cursor.fetchmany(chunk):
            yield np.array(rows, dtype=np.int64).reshape(-1, 2)

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
