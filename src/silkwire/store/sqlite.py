"""The SQLite store. Every write batch is one transaction: a crash leaves the file as it was."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from silkwire.errors import NotFoundError, StoreError
from silkwire.model import Article
from silkwire.store.schema import LATEST, MIGRATIONS

FtsColumns = tuple[str, str, str]  # title terms, body terms, folded words
_ARTICLE_COLUMNS = "a.id, a.source, a.title, a.text, a.published, a.url, a.ref"
# Title terms weigh more than body terms; the words column only serves prefixes.
_BM25 = "bm25(articles_fts, 3.0, 1.0, 0.5)"


@dataclass(frozen=True, slots=True)
class SearchFilters:
    since: str | None = None  # inclusive, ISO date
    until: str | None = None  # inclusive, ISO date
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: Article
    score: float  # bm25: lower is better (SQLite's convention)


def _article(row: Sequence[Any]) -> Article:
    return Article(id=row[0], source=row[1], title=row[2], text=row[3], published=row[4], url=row[5], ref=row[6])


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
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: all of the batch or nothing."""
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

    def add_articles(self, batch: Sequence[tuple[Article, FtsColumns]]) -> list[bool]:
        """Store a batch in one transaction; returns, per article, whether it was new."""
        added: list[bool] = []
        now = _now()
        with self.transaction() as db:
            for article, (title_terms, body_terms, words) in batch:
                cur = db.execute(
                    "INSERT OR IGNORE INTO articles (id, source, ref, url, published, title, text, "
                    "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id,
                        article.source,
                        article.ref,
                        article.url,
                        article.published,
                        article.title,
                        article.text,
                        now,
                    ),
                )
                if cur.rowcount == 1:
                    db.execute(
                        "INSERT INTO articles_fts (rowid, title, body, words) VALUES (?, ?, ?, ?)",
                        (cur.lastrowid, title_terms, body_terms, words),
                    )
                added.append(cur.rowcount == 1)
        return added

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

    def search(self, fts: str, filters: SearchFilters, limit: int = 10, offset: int = 0) -> tuple[list[SearchHit], int]:
        """Hits for an FTS5 expression, best first, and the total number of matches."""
        where, params = _filter_sql(filters)
        base = f"FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?{where}"
        try:
            rows = self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS}, {_BM25} AS score {base} ORDER BY score LIMIT ? OFFSET ?",
                (fts, *params, limit, offset),
            ).fetchall()
            total = self.db.execute(f"SELECT count(*) {base}", (fts, *params)).fetchone()[0]
        except sqlite3.OperationalError as exc:
            # The query layer quotes every term, so this is a bug, not the user's fault.
            raise StoreError(f"full-text search failed on {fts!r}: {exc}") from exc
        return [SearchHit(_article(r), float(r[-1])) for r in rows], int(total)

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
            "with_title": db.execute("SELECT count(*) FROM articles WHERE title IS NOT NULL").fetchone()[0],
            "dated": dated,
            "published_first": first,
            "published_last": last,
            "sources": {s: n for s, n in sources},
            "size_bytes": _size(self.path),
        }


def _filter_sql(filters: SearchFilters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.since:
        clauses.append("a.published >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append("a.published <= ?")
        params.append(filters.until)
    if filters.sources:
        clauses.append(f"a.source IN ({', '.join('?' * len(filters.sources))})")
        params.extend(filters.sources)
    return "".join(f" AND {c}" for c in clauses), params


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _size(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))
