"""The duplicate finder's memory in the store: tables ``article_dedup`` and ``dedup_bands``.

``StoredDedup`` is what ``stories.seen.SeenArticles`` describes, over SQL: an article's dedup
row (digest, sizes, signatures, link to its canonical) and its LSH band rows are written in one
statement group of the caller's transaction, and every question (was this key seen, this
digest, which articles share a band) is a query on an index. Nothing is held in memory, and a
new process has nothing to rebuild. Plain rows in and out: the algorithms live in ``stories/``.

``Seen`` rows are (article id, rowid as the arrival number, published, size, canonical's id).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from silkwire.errors import StoreError
from silkwire.store.base import StoreBase, marks

BAND_LAYOUT = "dedup.band_layout"  # meta key: what the stored band hashes were computed with

_SEEN = ("SELECT a.id, a.rowid, a.published, d.size, coalesce(c.id, a.id) FROM article_dedup d "
         "JOIN articles a ON a.rowid = d.article_rowid LEFT JOIN articles c ON c.rowid = d.duplicate_of ")

SeenRow = tuple[str, int, str | None, int, str]


class _State(Protocol):  # stories.seen.DedupState, by shape
    @property
    def digest(self) -> bytes: ...
    @property
    def size(self) -> int: ...
    @property
    def signature(self) -> bytes: ...
    @property
    def head_signature(self) -> bytes: ...


def _row(r: Sequence[Any]) -> SeenRow:
    return (str(r[0]), int(r[1]), r[2], int(r[3]), str(r[4]))


class StoredDedup:
    """The store's side of ``SeenArticles`` (see the module doc)."""

    def __init__(self, store: DedupTables) -> None:
        self.store = store
        self._arrived: tuple[str, int] = ("", 0)  # the last key looked up by ``arrival``, its rowid

    def __len__(self) -> int:
        return int(self.store.db.execute("SELECT count(*) FROM article_dedup").fetchone()[0])

    def arrival(self, key: str) -> int:
        self._arrived = (key, self._rowid(key))
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

    def candidates(self, bands: Sequence[tuple[int, int]], limit: int) -> list[SeenRow]:
        if not bands:
            return []
        # One statement; per band, a primary-key range read backwards that stops after ``limit``
        # rows: the latest ``limit`` of the union are among the latest ``limit`` of each band, so
        # the answer is the same as reading whole buckets, but a bucket that every templated item
        # shares (same title pattern) costs ``limit`` rows, not all of them: ingest stays linear
        # (BENCHMARKS.md, issue 18: 10k templated items 96.6 s before).
        one = "SELECT * FROM (SELECT article_rowid FROM dedup_bands WHERE band = ? AND hash = ? " \
              "ORDER BY article_rowid DESC LIMIT ?) AS b"
        rowids = {r[0] for r in self.store.db.execute(" UNION ALL ".join([one] * len(bands)),
                                                       [v for band, value in bands for v in (band, value, limit)])}
        if not rowids:
            return []
        latest = heapq.nlargest(limit, rowids)
        return [_row(r) for r in self.store.db.execute(_SEEN + f"WHERE d.article_rowid IN ({marks(latest)})", latest)]

    def add(self, key: str, published: str | None, state: _State, bands: Sequence[tuple[int, int]],
            canonical: str | None, similarity: float | None) -> None:
        with self.store.transaction() as db:
            rowid = self._arrived[1] if self._arrived[0] == key else self._rowid(key)
            db.execute(
                "INSERT INTO article_dedup (article_rowid, digest, size, signature, head_signature, duplicate_of, "
                "similarity) VALUES (?, ?, ?, ?, ?, (SELECT rowid FROM articles WHERE id = ?), ?)",
                (rowid, state.digest, state.size, state.signature, state.head_signature, canonical, similarity))
            self.store.save_bands([(band, value, rowid) for band, value in bands])

    def relink(self, key: str, previous: str, similarity: float) -> tuple[str, ...]:
        """``key`` becomes the canonical of ``previous``'s group: the previous canonical and every
        article linked to it now point to ``key``."""
        with self.store.transaction() as db:
            new, old = self._rowid(key), self._rowid(previous)
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

    def band_layout(self) -> str | None:
        """What the stored band hashes were computed with (None: no bands stored yet)."""
        return self.get_meta(BAND_LAYOUT)

    def set_band_layout(self, layout: str) -> None:
        self.set_meta(BAND_LAYOUT, layout)

    def save_bands(self, rows: Iterable[tuple[int, int, int]]) -> None:
        """(band number, band hash, article rowid) rows, in the caller's transaction (or one)."""
        with self.transaction() as db:
            db.executemany("INSERT INTO dedup_bands (band, hash, article_rowid) VALUES (?, ?, ?) "
                           "ON CONFLICT DO NOTHING", rows)

    def clear_bands(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM dedup_bands")
