"""The store's side of duplicates and stories: the tables of migration 6, read and written.

Plain rows in and out (bytes, ids, JSON-able dicts): the algorithms live in ``stories/``, and
the use cases (``service/duplicates.py``, ``service/stories.py``) carry values between the two.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.store.base import Connection, StoreBase, marks


@dataclass(frozen=True, slots=True)
class DedupRow:
    rowid: int
    article_id: str
    published: str | None
    digest: bytes
    size: int
    signature: bytes
    head_signature: bytes
    duplicate_of: str | None  # the canonical's article id
    similarity: float | None


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: str
    label: str
    first: str | None
    last: str | None
    articles: int
    entities: list[dict[str, Any]]
    countries: list[str]
    follows: str | None


# A story (or a membership) written over the one of the same key.
UPSERT_STORY = ("INSERT INTO stories (id, label, first, last, articles, entities, countries, follows) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET label = excluded.label, "
                "first = excluded.first, last = excluded.last, articles = excluded.articles, "
                "entities = excluded.entities, countries = excluded.countries, follows = excluded.follows")
UPSERT_MEMBER = ("INSERT INTO story_articles (article_rowid, story_id, day) VALUES (?, ?, ?) "
                 "ON CONFLICT (article_rowid) DO UPDATE SET story_id = excluded.story_id, day = excluded.day")

ClusteringRow = tuple[int, str, str | None, str | None, str, dict[str, Any] | None]


def _attach_copies(db: Connection, touched: Iterable[str] | None = None) -> None:
    """Duplicates without a story join their canonical's; the article counts of the stories
    ``touched`` and of those that took copies are counted again (all stories when None: after a
    whole clustering; the number of stories then too). A few stories, not all of them, after an
    increment: its cost follows what changed, not the corpus."""
    copies = db.execute(
        "SELECT d.article_rowid, s.story_id FROM article_dedup d JOIN story_articles s ON s.article_rowid = "
        "d.duplicate_of LEFT JOIN story_articles x ON x.article_rowid = d.article_rowid "
        "WHERE d.duplicate_of IS NOT NULL AND x.article_rowid IS NULL").fetchall()
    db.executemany("INSERT INTO story_articles (article_rowid, story_id) VALUES (?, ?)", copies)
    if touched is None:
        db.execute("UPDATE stories SET articles = "
                   "(SELECT count(*) FROM story_articles a WHERE a.story_id = stories.id)")
        db.execute("INSERT INTO counts (name, value) SELECT 'stories', count(*) FROM stories WHERE true "
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        return
    db.executemany("UPDATE stories SET articles = (SELECT count(*) FROM story_articles a WHERE a.story_id = ?) "
                   "WHERE id = ?", [(sid, sid) for sid in sorted({*touched, *(sid for _, sid in copies)})])


def _story(r: Sequence[Any]) -> StoryRow:
    return StoryRow(r[0], r[1], r[2], r[3], int(r[4]), json.loads(r[5]), json.loads(r[6]), r[7])


_STORY_COLUMNS = "s.id, s.label, s.first, s.last, s.articles, s.entities, s.countries, s.follows"


class StoryTables(StoreBase):
    """Duplicate links and stories, read and written."""

    def dedup_rows(self, after: int = 0) -> Iterator[DedupRow]:
        """The stored dedup states of articles past rowid ``after``, canonical articles first (the
        finder's own reads and writes are in ``dedup_index``)."""
        rows = self.db.execute(
            "SELECT d.article_rowid, a.id, a.published, d.digest, d.size, d.signature, d.head_signature, c.id, "
            "d.similarity "
            "FROM article_dedup d JOIN articles a ON a.rowid = d.article_rowid "
            "LEFT JOIN articles c ON c.rowid = d.duplicate_of WHERE d.article_rowid > ? "
            "ORDER BY d.duplicate_of IS NOT NULL, d.article_rowid", (after,)
        )
        for r in rows:
            yield DedupRow(r[0], r[1], r[2], bytes(r[3]), int(r[4]), bytes(r[5]), bytes(r[6]), r[7], r[8])

    def undeduplicated(self, limit: int, below: int | None = None, above: int = 0) -> list[int]:
        """Rowids (above ``above``, below ``below``) of articles without a dedup state (stored
        before migration 4)."""
        rows = self.db.execute(
            "SELECT a.rowid FROM articles a LEFT JOIN article_dedup d ON d.article_rowid = a.rowid "
            "WHERE d.article_rowid IS NULL AND a.rowid > ? AND a.rowid < ? ORDER BY a.rowid LIMIT ?",
            (above, below if below is not None else 1 << 62, limit))
        return [r[0] for r in rows]

    def has_dedup_state(self, rowid: int) -> bool:
        """Whether the article went through the duplicate finder (not when stored before migration 4)."""
        return self.db.execute("SELECT 1 FROM article_dedup WHERE article_rowid = ?", (rowid,)).fetchone() is not None

    def duplicate_of(self, rowid: int) -> str | None:
        row = self.db.execute(
            "SELECT c.id FROM article_dedup d JOIN articles c ON c.rowid = d.duplicate_of WHERE d.article_rowid = ?",
            (rowid,)).fetchone()
        return None if row is None else str(row[0])

    def duplicates(self, rowid: int) -> list[dict[str, Any]]:
        """The duplicates linked to a canonical article, oldest first."""
        rows = self.db.execute(
            "SELECT a.id, a.source, a.published, a.title, d.similarity FROM article_dedup d "
            "JOIN articles a ON a.rowid = d.article_rowid WHERE d.duplicate_of = ? "
            "ORDER BY a.published NULLS FIRST, a.rowid",
            (rowid,))
        return [{"id": r[0], "source": r[1], "published": r[2], "title": r[3],
                 "similarity": None if r[4] is None else round(r[4], 3)} for r in rows]

    def canonical_rowids(self, rowids: Sequence[int]) -> dict[int, int]:
        """rowid -> its canonical's rowid, for the duplicates among ``rowids`` (others are absent)."""
        if not rowids:
            return {}
        rows = self.db.execute(
            f"SELECT article_rowid, duplicate_of FROM article_dedup WHERE duplicate_of IS NOT NULL "
            f"AND article_rowid IN ({marks(rowids)})", list(rowids))
        return {r[0]: r[1] for r in rows}

    def copies(self, article_ids: Sequence[str]) -> dict[str, int]:
        """How many duplicates each of these (original) articles has; those without are absent."""
        if not article_ids:
            return {}
        rows = self.db.execute(
            f"SELECT a.id, count(*) FROM articles a JOIN article_dedup d ON d.duplicate_of = a.rowid "
            f"WHERE a.id IN ({marks(article_ids)}) GROUP BY a.id", list(article_ids)).fetchall()
        return {i: int(n) for i, n in rows}

    def duplicate_rowids(self) -> set[int]:
        return {r[0] for r in self.db.execute("SELECT article_rowid FROM article_dedup WHERE duplicate_of IS NOT NULL")}

    def clustering_rows(self, text_chars: int = 1200) -> list[ClusteringRow]:
        """(rowid, id, published, title, text start, enrichment fields or None) of every canonical
        article; the text is cut at ``text_chars`` (clustering reads the title and lead)."""
        rows = self.db.execute(
            "SELECT a.rowid, a.id, a.published, a.title, substr(a.text, 1, ?), e.fields FROM articles a "
            "LEFT JOIN enrichments e ON e.article_rowid = a.rowid "
            "WHERE a.rowid NOT IN (SELECT article_rowid FROM article_dedup WHERE duplicate_of IS NOT NULL) "
            "ORDER BY a.rowid", (text_chars,))
        return [(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None) for r in rows]

    def clustering_scan(self, after: int, limit: int, text_chars: int = 800) -> list[ClusteringRow]:
        """``clustering_rows`` of the next ``limit`` canonical articles past rowid ``after``, the
        enrichment fields only for undated articles (what a first pass over the corpus needs:
        the words and the day; the fields are read once, later, in ``clustering_rows_of``)."""
        rows = self.db.execute(
            "SELECT a.rowid, a.id, a.published, a.title, substr(a.text, 1, ?), "
            "CASE WHEN a.published IS NULL THEN e.fields END FROM articles a "
            "LEFT JOIN article_dedup d ON d.article_rowid = a.rowid "
            "LEFT JOIN enrichments e ON e.article_rowid = a.rowid "
            "WHERE a.rowid > ? AND d.duplicate_of IS NULL ORDER BY a.rowid LIMIT ?", (text_chars, after, limit))
        return [(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None) for r in rows]

    def clear_stories(self) -> None:
        """Delete every story and membership (in the caller's transaction: a rebuild refills them)."""
        with self.transaction() as db:
            db.execute("DELETE FROM story_articles")
            db.execute("DELETE FROM stories")

    def add_story_members(self, members: Sequence[tuple[int, str, str]]) -> None:
        """(rowid, story id, day clustered on) rows."""
        with self.transaction() as db:
            db.executemany(UPSERT_MEMBER, members)

    def put_stories(self, stories: Sequence[StoryRow]) -> None:
        """Write stories, replacing those of the same id."""
        with self.transaction() as db:
            db.executemany(
                UPSERT_STORY,
                [(s.id, s.label, s.first, s.last, s.articles, json.dumps(s.entities, ensure_ascii=False),
                  json.dumps(s.countries), s.follows) for s in stories])

    def stories_of(self, rowids: Sequence[int]) -> dict[int, str]:
        """rowid -> story id, for those of these articles that have one."""
        out: dict[int, str] = {}
        for start in range(0, len(rowids), 500):
            chunk = list(rowids[start:start + 500])
            out.update(self.db.execute(
                f"SELECT article_rowid, story_id FROM story_articles WHERE article_rowid IN ({marks(chunk)})", chunk))
        return out

    def story_member_rowids(self, story_id: str) -> list[int]:
        """The canonical articles of a story in clustering order (day, undated last; rowid)."""
        return [r[0] for r in self.db.execute(
            "SELECT article_rowid FROM story_articles WHERE story_id = ? AND day IS NOT NULL "
            "ORDER BY day, article_rowid", (story_id,))]

    def replace_stories(self, stories: Sequence[StoryRow], members: Sequence[tuple[int, str, str]]) -> None:
        """Replace every story and membership (rowid, story id, day clustered on) in the caller's
        transaction or one of its own; duplicates join their canonical's story."""
        with self.transaction() as db:
            db.execute("DELETE FROM story_articles")
            db.execute("DELETE FROM stories")
            db.executemany(
                "INSERT INTO stories (id, label, first, last, articles, entities, countries, follows) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(s.id, s.label, s.first, s.last, s.articles, json.dumps(s.entities, ensure_ascii=False),
                  json.dumps(s.countries), s.follows) for s in stories],
            )
            db.executemany("INSERT INTO story_articles (article_rowid, story_id, day) VALUES (?, ?, ?)", members)
            _attach_copies(db)

    def attach_copies(self, every_story: bool = False) -> None:
        """Put duplicates without a story into their canonical's story (one transaction); count
        the articles of every story again with ``every_story`` (after a whole clustering)."""
        with self.transaction() as db:
            _attach_copies(db, None if every_story else ())

    def has_stories(self) -> bool:
        """Whether stories were built in this database."""
        return self.db.execute("SELECT 1 FROM stories LIMIT 1").fetchone() is not None

    def story_rows(self, since: str | None = None, until: str | None = None,
                   country: str | None = None, min_articles: int = 1) -> list[StoryRow]:
        """Stories overlapping [since, until], about ``country`` if given, newest last date first."""
        where: list[str] = ["s.articles >= ?"]
        args: list[Any] = [min_articles]
        if since:
            where.append("(s.last IS NULL OR s.last >= ?)")
            args.append(since)
        if until:
            where.append("(s.first IS NULL OR s.first <= ?)")
            args.append(until)
        if country:
            where.append(self.dialect.json_array_has("s.countries"))
            args.append(country)
        rows = self.db.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories s WHERE {' AND '.join(where)} "
            "ORDER BY s.last IS NULL, s.last DESC, s.articles DESC, s.id", args)
        return [_story(r) for r in rows]

    def story_row(self, story_id: str) -> StoryRow | None:
        r = self.db.execute(f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.id = ?", (story_id,)).fetchone()
        return None if r is None else _story(r)

    def story_summary(self, story_id: str) -> dict[str, Any] | None:
        """Label, dates and size of a story (its stored row without entities and thread)."""
        row = self.db.execute("SELECT id, label, first, last, articles FROM stories WHERE id = ?",
                              (story_id,)).fetchone()
        return None if row is None else {"id": row[0], "label": row[1], "first": row[2], "last": row[3],
                                         "articles": int(row[4])}

    def follow_ups(self, story_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM stories WHERE follows = ? ORDER BY first NULLS FIRST",
                                              (story_id,))]

    def story_of(self, rowid: int, min_articles: int = 1) -> str | None:
        """The story of an article; None when it has none or its story has fewer articles."""
        row = self.db.execute(
            "SELECT s.story_id FROM story_articles s JOIN stories t ON t.id = s.story_id "
            "WHERE s.article_rowid = ? AND t.articles >= ?", (rowid, min_articles)).fetchone()
        return None if row is None else str(row[0])

    def story_members(self, story_id: str) -> list[dict[str, Any]]:
        """The articles of a story in date order (undated last), duplicates marked."""
        rows = self.db.execute(
            "SELECT a.id, a.source, a.published, a.title, c.id FROM story_articles s "
            "JOIN articles a ON a.rowid = s.article_rowid LEFT JOIN article_dedup d ON d.article_rowid = a.rowid "
            "LEFT JOIN articles c ON c.rowid = d.duplicate_of WHERE s.story_id = ? "
            "ORDER BY a.published IS NULL, a.published, a.rowid", (story_id,))
        return [{"id": r[0], "source": r[1], "published": r[2], "title": r[3], "duplicate_of": r[4]} for r in rows]

