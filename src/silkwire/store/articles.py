"""The articles table: what was ingested, as it was (``ArticleTables``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from silkwire.errors import NotFoundError
from silkwire.model import Article
from silkwire.store.base import StoreBase, marks, now
from silkwire.store.counts import count_added

ARTICLE_COLUMNS = "a.id, a.source, a.title, a.text, a.published, a.url, a.ref, a.author"


def article_of(row: Sequence[Any]) -> Article:
    """The ``Article`` of a row of ``ARTICLE_COLUMNS``."""
    return Article(id=row[0], source=row[1], title=row[2], text=row[3], published=row[4], url=row[5], ref=row[6],
                   author=row[7])


class ArticleTables(StoreBase):
    """Articles in and out, by id, rowid (their arrival order) or source."""

    def add_articles(self, batch: Sequence[Article]) -> list[int | None]:
        """Store a batch in one transaction; per article, its new rowid, or None if already there."""
        added: list[int | None] = []
        stamp = now()
        with self.transaction() as db:
            for article in batch:
                row = db.execute(
                    "INSERT INTO articles (id, source, ref, url, published, title, text, ingested_at, author) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING rowid",
                    (article.id, article.source, article.ref, article.url, article.published,
                     article.title, article.text, stamp, article.author),
                ).fetchall()
                added.append(int(row[0][0]) if row else None)
            count_added(db, [a for a, rowid in zip(batch, added, strict=True) if rowid])
        return added

    def get(self, article_id: str) -> Article:
        """An article by id, or by a unique prefix of at least 6 characters of its id."""
        row = self.db.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)).fetchone()
        if row is None and len(article_id) >= 6:
            rows = self.db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id LIKE ? || '%' LIMIT 2",
                (article_id,),
            ).fetchall()
            if len(rows) > 1:
                raise NotFoundError(f"{article_id}: ambiguous id prefix; give more characters")
            row = rows[0] if rows else None
        if row is None:
            raise NotFoundError(f"{article_id}: no article with this id")
        return article_of(row)

    def by_rowids(self, rowids: Sequence[int]) -> list[Article]:
        """Articles for these rowids, in the same order (missing ones are skipped)."""
        if not rowids:
            return []
        rows = self.db.execute(
            f"SELECT a.rowid, {ARTICLE_COLUMNS} FROM articles a WHERE a.rowid IN ({marks(rowids)})", list(rowids)
        ).fetchall()
        found = {r[0]: article_of(r[1:]) for r in rows}
        return [found[r] for r in rowids if r in found]

    def articles_after(self, rowid: int, limit: int) -> list[tuple[int, Article]]:
        """(rowid, article) for rowids above ``rowid``, in order: for catching up derived data."""
        rows = self.db.execute(
            f"SELECT a.rowid, {ARTICLE_COLUMNS} FROM articles a WHERE a.rowid > ? ORDER BY a.rowid LIMIT ?",
            (rowid, limit),
        ).fetchall()
        return [(r[0], article_of(r[1:])) for r in rows]

    def count_through(self, rowid: int) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles WHERE rowid <= ?", (rowid,)).fetchone()[0])

    def max_rowid(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0])

    def ids_by_title(self, title: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE title = ? ORDER BY rowid", (title,))]

    def rowid_of(self, article_id: str) -> int:
        row = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"{article_id}: no article with this id")
        return int(row[0])

    def rowids_of_sources(self, sources: Sequence[str]) -> list[int]:
        """The rowids of these sources' articles."""
        return [r[0] for r in self.db.execute(f"SELECT rowid FROM articles WHERE source IN ({marks(sources)})",
                                              list(sources))]

    def sources_with_undated(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT source FROM articles WHERE published IS NULL")]

    def published_span(self) -> tuple[str | None, str | None]:
        """(first, last) publication date of the stored articles (the index on published)."""
        row = self.db.execute("SELECT min(published), max(published) FROM articles").fetchone()
        return row[0], row[1]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def stats(self) -> dict[str, Any]:
        """What the database holds, from the counts kept as rows are written (store/counts.py)
        and the ends of the publication index: no scan."""
        db = self.db
        first = db.execute("SELECT min(published) FROM articles").fetchone()[0]
        last = db.execute("SELECT max(published) FROM articles").fetchone()[0]
        kept = {str(k): int(v) for k, v in db.execute("SELECT name, value FROM counts")}
        sources = db.execute(
            "SELECT source, articles FROM source_counts WHERE articles > 0 ORDER BY articles DESC, source").fetchall()
        return {
            "database": self.path,
            "schema_version": self.schema_version(),
            "articles": kept.get("articles", 0),
            "duplicates": kept.get("duplicates", 0),
            "stories": kept.get("stories", 0),
            "enriched": kept.get("enriched", 0),
            "with_title": kept.get("with_title", 0),
            "dated": kept.get("dated", 0),
            "published_first": first,
            "published_last": last,
            "sources": {s: n for s, n in sources},
            "size_bytes": _size(self.path),
        }


def _size(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))
