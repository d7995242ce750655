"""The SQLite store. Every write batch is one transaction: a crash leaves the file as it was."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from silkwire.errors import NotFoundError, StoreError
from silkwire.model import Article
from silkwire.store.events import EventRow, replace_events
from silkwire.store.schema import LATEST, MIGRATIONS

_ARTICLE_COLUMNS = "a.id, a.source, a.title, a.text, a.published, a.url, a.ref, a.author"


@dataclass(frozen=True, slots=True)
class StoredEnrichment:
    """What the store keeps of one article's enrichment."""

    rowid: int
    version: str
    fields: dict[str, Any]  # the record fields (DESIGN.md), with their spans
    event_date: str | None = None
    status: str | None = None
    facets: tuple[tuple[str, str], ...] = ()  # (kind, value): ("country", "KZ"), ("entity", "per:…")
    entities: tuple[tuple[str, str, str, str | None], ...] = ()  # (id, type, name, country)
    events: tuple[EventRow, ...] = ()


@dataclass(frozen=True, slots=True)
class Facets:
    """The filterable facts of one article, as the text index needs them."""

    countries: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    event_date: str | None = None
    events: tuple[str, ...] = ()  # PLOVER types of the article's events
    topics: tuple[str, ...] = ()  # IPTC codes


_FACET_KINDS = ("country", "entity", "place", "event", "topic")


def _article(row: Sequence[Any]) -> Article:
    return Article(id=row[0], source=row[1], title=row[2], text=row[3], published=row[4], url=row[5], ref=row[6],
                   author=row[7])


class Store:
    """A silkwire database. Use as a context manager, or call ``close``."""

    def __init__(self, path: str, create: bool = True) -> None:
        self.path = path
        if not create and path != ":memory:" and not os.path.exists(path):
            raise StoreError(f"{path}: no such database (run 'silkwire ingest' first)")
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a silkwire database ({exc})") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: all of the batch or nothing.

        Nested use joins the outer transaction, so that several writes (an ingest batch and its
        duplicate links) commit or roll back together.
        """
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        row = self.db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
        if row is None:
            return 0
        return int(self.db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > LATEST:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this silkwire ({LATEST}); upgrade silkwire"
            )
        for target, statements in MIGRATIONS:
            if target <= version:
                continue
            with self.transaction() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
                )
                for statement in statements:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version VALUES (?, ?)", (target, _now()))

    # -- writes ---------------------------------------------------------------------------

    def add_articles(self, batch: Sequence[Article]) -> list[int | None]:
        """Store a batch in one transaction; per article, its new rowid, or None if already there."""
        added: list[int | None] = []
        now = _now()
        with self.transaction() as db:
            for article in batch:
                cur = db.execute(
                    "INSERT OR IGNORE INTO articles (id, source, ref, url, published, title, text, "
                    "ingested_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article.id, article.source, article.ref, article.url, article.published,
                     article.title, article.text, now, article.author),
                )
                added.append(cur.lastrowid if cur.rowcount == 1 else None)
        return added

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- reads ----------------------------------------------------------------------------

    def get(self, article_id: str) -> Article:
        """An article by id, or by a unique prefix of at least 6 characters of its id."""
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)).fetchone()
        if row is None and len(article_id) >= 6:
            rows = self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id LIKE ? || '%' LIMIT 2",
                (article_id,),
            ).fetchall()
            if len(rows) > 1:
                raise NotFoundError(f"{article_id}: ambiguous id prefix; give more characters")
            row = rows[0] if rows else None
        if row is None:
            raise NotFoundError(f"{article_id}: no article with this id")
        return _article(row)

    def by_rowids(self, rowids: Sequence[int]) -> list[Article]:
        """Articles for these rowids, in the same order (missing ones are skipped)."""
        if not rowids:
            return []
        marks = ", ".join("?" * len(rowids))
        rows = self.db.execute(
            f"SELECT a.rowid, {_ARTICLE_COLUMNS} FROM articles a WHERE a.rowid IN ({marks})", list(rowids)
        ).fetchall()
        found = {r[0]: _article(r[1:]) for r in rows}
        return [found[r] for r in rowids if r in found]

    def articles_after(self, rowid: int, limit: int) -> list[tuple[int, Article]]:
        """(rowid, article) for rowids above ``rowid``, in order: for catching up derived data."""
        rows = self.db.execute(
            f"SELECT a.rowid, {_ARTICLE_COLUMNS} FROM articles a WHERE a.rowid > ? ORDER BY a.rowid LIMIT ?",
            (rowid, limit),
        ).fetchall()
        return [(r[0], _article(r[1:])) for r in rows]

    def count_through(self, rowid: int) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles WHERE rowid <= ?", (rowid,)).fetchone()[0])

    def max_rowid(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0])

    # -- enrichments ------------------------------------------------------------------------

    def save_enrichments(self, items: Sequence[StoredEnrichment]) -> None:
        """Store (or replace) enrichments in one transaction, facets included."""
        now = _now()
        with self.transaction() as db:
            for e in items:
                db.execute(
                    "INSERT OR REPLACE INTO enrichments (article_rowid, version, fields, event_date, status, "
                    "indexed, enriched_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
                    (e.rowid, e.version, json.dumps(e.fields, ensure_ascii=False), e.event_date, e.status, now),
                )
                db.execute("DELETE FROM article_facets WHERE article_rowid = ?", (e.rowid,))
                db.executemany(
                    "INSERT OR IGNORE INTO article_facets (kind, value, article_rowid) VALUES (?, ?, ?)",
                    [(kind, value, e.rowid) for kind, value in e.facets],
                )
                # The first name seen for an id stays its display name (later articles may spell it otherwise).
                db.executemany("INSERT OR IGNORE INTO entities (id, type, name, country) VALUES (?, ?, ?, ?)",
                               e.entities)
                replace_events(db, e.rowid, e.events)

    def unenriched(self, version: str, after: int, limit: int) -> list[tuple[int, Article]]:
        """Articles past rowid ``after`` with no enrichment of this pipeline version."""
        rows = self.db.execute(
            f"SELECT a.rowid, {_ARTICLE_COLUMNS} FROM articles a "
            "LEFT JOIN enrichments e ON e.article_rowid = a.rowid "
            "WHERE a.rowid > ? AND (e.article_rowid IS NULL OR e.version != ?) ORDER BY a.rowid LIMIT ?",
            (after, version, limit),
        ).fetchall()
        return [(r[0], _article(r[1:])) for r in rows]

    def enrichment(self, rowid: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT version, fields FROM enrichments WHERE article_rowid = ?", (rowid,)
        ).fetchone()
        if row is None:
            return None
        return {"version": row[0], **json.loads(row[1])}

    def facets(self, rowids: Sequence[int]) -> dict[int, Facets]:
        """Facets of these articles (articles without enrichment are absent from the result)."""
        if not rowids:
            return {}
        marks = ", ".join("?" * len(rowids))
        found: dict[int, dict[str, list[str]]] = {}
        dates: dict[int, str | None] = {}
        for rowid, event_date in self.db.execute(
            f"SELECT article_rowid, event_date FROM enrichments WHERE article_rowid IN ({marks})", list(rowids)
        ):
            found[rowid] = {kind: [] for kind in _FACET_KINDS}
            dates[rowid] = event_date
        for kind, value, rowid in self.db.execute(
            f"SELECT kind, value, article_rowid FROM article_facets WHERE article_rowid IN ({marks})", list(rowids)
        ):
            found.setdefault(rowid, {k: [] for k in _FACET_KINDS}).setdefault(kind, []).append(value)
        return {
            r: Facets(tuple(f["country"]), tuple(f["entity"]), tuple(f["place"]), dates.get(r),
                      tuple(f["event"]), tuple(f["topic"]))
            for r, f in found.items()
        }

    def pending_index(self, limit: int) -> list[int]:
        rows = self.db.execute(
            "SELECT article_rowid FROM enrichments WHERE indexed = 0 ORDER BY article_rowid LIMIT ?", (limit,)
        ).fetchall()
        return [r[0] for r in rows]

    def mark_indexed(self, rowids: Sequence[int]) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE enrichments SET indexed = 1 WHERE article_rowid = ?", [(r,) for r in rowids])

    def entity_counts(
        self, type_: str | None = None, country: str | None = None, limit: int = 50
    ) -> list[tuple[str, str, str, str | None, int]]:
        """(id, type, name, country, number of articles), most mentioned first."""
        where, args = ["f.kind = 'entity'"], []
        if type_:
            where.append("e.type = ?")
            args.append(type_)
        if country:
            where.append("e.country = ?")
            args.append(country)
        rows = self.db.execute(
            "SELECT e.id, e.type, e.name, e.country, count(*) FROM article_facets f "
            f"JOIN entities e ON e.id = f.value WHERE {' AND '.join(where)} "
            # duplicates count once: through their canonical article
            "AND f.article_rowid NOT IN (SELECT article_rowid FROM article_dedup WHERE duplicate_of IS NOT NULL) "
            "GROUP BY e.id ORDER BY count(*) DESC, e.name LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]

    def sources_with_undated(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT source FROM articles WHERE published IS NULL")]

    def enriched_in_order(self, source: str) -> list[tuple[int, str | None, str, dict[str, Any]]]:
        """(rowid, published, text, enrichment fields) of a source's enriched articles, in input order."""
        rows = self.db.execute(
            "SELECT a.rowid, a.published, a.text, e.fields FROM articles a "
            "JOIN enrichments e ON e.article_rowid = a.rowid WHERE a.source = ? ORDER BY a.rowid",
            (source,),
        ).fetchall()
        return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def set_published_estimates(self, updates: Sequence[tuple[int, str | None, bool]]) -> None:
        """Record (rowid, publication value, estimated?) in the enrichments, in one transaction."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE enrichments SET fields = json_set(fields, '$.published', ?, "
                "'$.published_estimated', json(?)) WHERE article_rowid = ?",
                [(value, "true" if estimated else "false", rowid) for rowid, value, estimated in updates],
            )

    def published_estimates(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id -> estimated publication value, for those of these articles that have no
        publication date of their own and an estimate in their enrichment."""
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.db.execute(
                "SELECT a.id, json_extract(e.fields, '$.published') FROM articles a "
                "JOIN enrichments e ON e.article_rowid = a.rowid "
                f"WHERE a.id IN ({', '.join('?' * len(chunk))}) AND a.published IS NULL "
                "AND json_extract(e.fields, '$.published_estimated') = 1 "
                "AND json_extract(e.fields, '$.published') IS NOT NULL", chunk).fetchall())
        return out

    def ids_by_title(self, title: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE title = ? ORDER BY rowid", (title,))]

    def rowid_of(self, article_id: str) -> int:
        row = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"{article_id}: no article with this id")
        return int(row[0])

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def stats(self) -> dict[str, Any]:
        db = self.db
        first, last, dated = db.execute(
            "SELECT min(published), max(published), count(published) FROM articles"
        ).fetchone()
        sources = db.execute(
            "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC, source"
        ).fetchall()
        return {
            "database": self.path,
            "schema_version": self.schema_version(),
            "articles": self.count(),
            "duplicates": db.execute("SELECT count(*) FROM article_dedup WHERE duplicate_of IS NOT NULL").fetchone()[0],
            "stories": db.execute("SELECT count(*) FROM stories").fetchone()[0],
            "enriched": db.execute("SELECT count(*) FROM enrichments").fetchone()[0],
            "with_title": db.execute("SELECT count(*) FROM articles WHERE title IS NOT NULL").fetchone()[0],
            "dated": dated,
            "published_first": first,
            "published_last": last,
            "sources": {s: n for s, n in sources},
            "size_bytes": _size(self.path),
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _size(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))
