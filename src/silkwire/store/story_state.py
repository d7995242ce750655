"""The store's side of adding articles to stored stories (migration 8): which canonical articles
are clustered on which day, the vocabulary of the last whole clustering, and the rows an
increment rewrites. Plain rows in and out; the algorithm is ``stories/incremental.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.store.base import StoreBase, marks
from silkwire.store.counts import bump
from silkwire.store.stories import UPSERT_MEMBER, UPSERT_STORY, ClusteringRow, StoryRow, _attach_copies, _story

UNDATED = "9999-12-31"  # the day stored for an undated article: clustering takes those last
STATE = "stories.state"  # meta: JSON {"n", "params", "added"} of the last whole clustering
_CHUNK = 500
PENDING_CONFLICT = ("ON CONFLICT (article_rowid) DO UPDATE SET enriched = CASE WHEN excluded.enriched > "
                    "stories_pending.enriched THEN excluded.enriched ELSE stories_pending.enriched END")


@dataclass(frozen=True, slots=True)
class StoredState:
    n: int  # canonical articles of the last whole clustering (its IDF's document count)
    params: str  # the clustering parameters it ran with
    added: int  # canonical articles clustered since, by increments


def _values(s: StoryRow) -> tuple[Any, ...]:
    return (s.id, s.label, s.first, s.last, s.articles, json.dumps(s.entities, ensure_ascii=False),
            json.dumps(s.countries), s.follows)


class StoryStateTables(StoreBase):
    """What an increment of the stories reads and writes."""

    def story_state(self) -> StoredState | None:
        raw = self.get_meta(STATE)
        if raw is None:
            return None
        data = json.loads(raw)
        return StoredState(int(data["n"]), str(data["params"]), int(data["added"]))

    def save_story_state(self, value: StoredState) -> None:
        self.set_meta(STATE, json.dumps({"n": value.n, "params": value.params, "added": value.added}))

    def save_story_vocabulary(self, df: dict[str, int]) -> None:
        """Replace the stored vocabulary (inside the caller's transaction)."""
        self.db.execute("DELETE FROM story_vocabulary")
        self.db.executemany("INSERT INTO story_vocabulary (term, df) VALUES (?, ?)", df.items())

    def story_vocabulary(self, terms: Iterable[str]) -> dict[str, int]:
        """The stored document frequencies of ``terms`` (terms never seen are absent)."""
        wanted = sorted(set(terms))
        out: dict[str, int] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            out.update(self.db.execute(f"SELECT term, df FROM story_vocabulary WHERE term IN ({marks(chunk)})",
                                       chunk))
        return out

    def mark_stories_pending(self, rowids: Iterable[int], enriched: bool) -> None:
        """Articles the stories must take up (in the caller's transaction, with the batch)."""
        with self.transaction() as db:
            db.executemany(f"INSERT INTO stories_pending (article_rowid, enriched) VALUES (?, ?) {PENDING_CONFLICT}",
                           [(r, int(enriched)) for r in rowids])

    def stories_pending(self) -> list[tuple[int, bool]]:
        """(rowid, whether it was enriched) of the articles whose stories are not up to date."""
        rows = self.db.execute("SELECT article_rowid, enriched FROM stories_pending ORDER BY article_rowid")
        return [(int(r[0]), bool(r[1])) for r in rows]

    def clear_stories_pending(self, rowids: Sequence[int]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM stories_pending WHERE article_rowid = ?", [(r,) for r in rowids])

    def unclustered(self) -> list[int]:
        """Rowids of canonical articles in no story (added since the stories were made)."""
        return [r[0] for r in self.db.execute(
            "SELECT a.rowid FROM articles a LEFT JOIN story_articles s ON s.article_rowid = a.rowid "
            "WHERE s.article_rowid IS NULL "
            "AND a.rowid NOT IN (SELECT article_rowid FROM article_dedup WHERE duplicate_of IS NOT NULL)")]

    def relinked(self) -> bool:
        """Whether an article clustered as canonical has become a copy since (an earlier copy came)."""
        return self.db.execute(
            "SELECT 1 FROM story_articles s JOIN article_dedup d ON d.article_rowid = s.article_rowid "
            "WHERE s.day IS NOT NULL AND d.duplicate_of IS NOT NULL LIMIT 1").fetchone() is not None

    def clustering_rows_of(self, rowids: Sequence[int], text_chars: int = 1200) -> list[ClusteringRow]:
        """``stories.clustering_rows`` for these articles only, in rowid order."""
        out: list[ClusteringRow] = []
        ordered = sorted(set(rowids))
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start:start + _CHUNK]
            rows = self.db.execute(
                "SELECT a.rowid, a.id, a.published, a.title, substr(a.text, 1, ?), e.fields FROM articles a "
                f"LEFT JOIN enrichments e ON e.article_rowid = a.rowid WHERE a.rowid IN ({marks(chunk)})",
                [text_chars, *chunk])
            out += [(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None) for r in rows]
        return sorted(out, key=lambda r: r[0])

    def clustered_from(self, day: str, rowid: int) -> list[tuple[int, str]]:
        """(rowid, story id) of the dated canonical articles clustered at or after position (day, rowid)."""
        return list(self.db.execute(
            "SELECT article_rowid, story_id FROM story_articles WHERE day IS NOT NULL AND day != ? "
            "AND (day > ? OR (day = ? AND article_rowid >= ?)) ORDER BY article_rowid", (UNDATED, day, day, rowid)))

    def clustered_between(self, since: str, day: str, rowid: int) -> list[tuple[int, str]]:
        """(rowid, story id) of the canonical articles clustered from ``since`` up to, not
        including, position (day, rowid)."""
        return list(self.db.execute(
            "SELECT article_rowid, story_id FROM story_articles WHERE day IS NOT NULL AND day >= ? "
            "AND (day < ? OR (day = ? AND article_rowid < ?)) ORDER BY article_rowid", (since, day, day, rowid)))

    def canonical_members(self, story_ids: Iterable[str]) -> list[tuple[int, str]]:
        """(rowid, story id) of the canonical articles of these stories."""
        wanted = sorted(set(story_ids))
        out: list[tuple[int, str]] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            out += self.db.execute(
                "SELECT article_rowid, story_id FROM story_articles WHERE day IS NOT NULL "
                f"AND story_id IN ({marks(chunk)})",
                chunk).fetchall()
        return out

    def thread_candidates(self, since: str, until: str, entity_ids: Iterable[str]) -> list[StoryRow]:
        """Stories ending in [since, until] that name one of ``entity_ids``, oldest first."""
        ids = sorted(set(entity_ids))
        if not ids:
            return []
        rows = self.db.execute(
            "SELECT s.id, s.label, s.first, s.last, s.articles, s.entities, s.countries, s.follows FROM stories s "
            f"WHERE s.last >= ? AND s.last <= ? AND {self.dialect.json_array_key_in('s.entities', 'id', len(ids))} "
            "ORDER BY s.first NULLS FIRST, s.id", [since, until, *ids])
        return [_story(r) for r in rows]

    def apply_increment(self, removed: Sequence[int], members: Sequence[tuple[int, str, str]],
                        stories: Sequence[StoryRow], emptied: Sequence[str]) -> None:
        """Write an increment inside the caller's transaction: ``removed`` articles leave their
        stories, ``members`` (rowid, story id, day) join theirs, ``stories`` are rewritten, the
        ``emptied`` ones deleted (and threads pointing to them cut); copies follow their canonical."""
        db = self.db
        for start in range(0, len(removed), _CHUNK):
            chunk = list(removed[start:start + _CHUNK])
            # the article and its copies: they re-join with the article's new story
            db.execute(f"DELETE FROM story_articles WHERE article_rowid IN ({marks(chunk)}) OR article_rowid IN "
                       f"(SELECT article_rowid FROM article_dedup WHERE duplicate_of IN ({marks(chunk)}))",
                       chunk + chunk)
        db.executemany(UPSERT_MEMBER, members)
        written = [s.id for s in stories]
        known = {r[0] for start in range(0, len(written), _CHUNK) for r in db.execute(
            f"SELECT id FROM stories WHERE id IN ({marks(written[start:start + _CHUNK])})",
            written[start:start + _CHUNK])}
        gone = {r[0] for start in range(0, len(emptied), _CHUNK) for r in db.execute(
            f"SELECT id FROM stories WHERE id IN ({marks(emptied[start:start + _CHUNK])})",
            list(emptied[start:start + _CHUNK]))}
        db.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in emptied])
        db.executemany("UPDATE stories SET follows = NULL WHERE follows = ?", [(s,) for s in emptied])
        db.executemany(
            UPSERT_STORY, [_values(s) for s in stories])
        bump(db, {"stories": len(set(written) - known) - len(gone - set(written))})
        _attach_copies(db, written)
