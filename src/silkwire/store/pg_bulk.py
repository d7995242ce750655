"""PostgreSQL's writes of many rows at once: by COPY, not one statement per row (issue 17).

``executemany`` sends a row at a time (psycopg pipelines them: one round trip, but a Bind and an
Execute per row, each prepared by the client in Python: ~25 µs a row, ~0.3 ms an article over an
ingest's stories bookkeeping). Here the rows of an upsert go by ``COPY`` into a session's staging
table, then one ``INSERT … SELECT … ON CONFLICT`` moves them: the same rows as the statements
of ``story_state.py`` and ``stories.py``, whose conflict clauses are reused as they are written
there. A key met twice in one call keeps its last row, as the row-by-row upserts did (one
``INSERT … SELECT`` may not update a row twice). Small calls keep the row-by-row path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from silkwire.store.stories import UPSERT_MEMBER, UPSERT_STORY, StoryRow, StoryTables
from silkwire.store.story_state import PENDING_CONFLICT, StoryStateTables

if TYPE_CHECKING:
    from silkwire.store.pg_connection import PgConnection

_FEW = 64  # rows under which a call keeps executemany (one round trip, where staging takes three)


def _conflict(upsert: str) -> str:
    return upsert[upsert.index("ON CONFLICT"):]


def int_array(values: Iterable[int]) -> str:
    """Integers as an array literal (``?::bigint[]``): a join, where psycopg's dumper loops."""
    return "{" + ",".join(map(str, values)) + "}"


class PgBulkWrites(StoryTables, StoryStateTables):
    """``StoryStateTables``' and ``StoryTables``' writes of many rows, for ``PostgresStore``."""

    pg: PgConnection

    def _staged_upsert(self, table: str, columns: str, rows: Sequence[Sequence[Any]], conflict: str) -> None:
        """``rows`` into ``table`` (``columns``) through a staging table, with ``conflict``."""
        stage = f"{table}_in"
        self.pg.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS SELECT {columns} "
                        f"FROM {table} WITH NO DATA; TRUNCATE {stage}")
        with self.pg.conn.cursor() as cur, cur.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.pg.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} {conflict}")

    def mark_stories_pending(self, rowids: Iterable[int], enriched: bool) -> None:
        rows = [(r, int(enriched)) for r in dict.fromkeys(rowids)]
        if len(rows) < _FEW:
            super().mark_stories_pending([r for r, _ in rows], enriched)
            return
        with self.transaction():
            self._staged_upsert("stories_pending", "article_rowid, enriched", rows, PENDING_CONFLICT)

    def clear_stories_pending(self, rowids: Sequence[int]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM stories_pending WHERE article_rowid = ANY(?::bigint[])", (int_array(rowids),))

    def add_story_members(self, members: Sequence[tuple[int, str, str]]) -> None:
        last = list({m[0]: m for m in members}.values())
        if len(last) < _FEW:
            super().add_story_members(members)
            return
        with self.transaction():
            self._staged_upsert("story_articles", "article_rowid, story_id, day", last, _conflict(UPSERT_MEMBER))

    def put_stories(self, stories: Sequence[StoryRow]) -> None:
        last = list({s.id: s for s in stories}.values())
        if len(last) < _FEW:
            super().put_stories(stories)
            return
        rows = [(s.id, s.label, s.first, s.last, s.articles, json.dumps(s.entities, ensure_ascii=False),
                 json.dumps(s.countries), s.follows) for s in last]
        with self.transaction():
            self._staged_upsert("stories", "id, label, first, last, articles, entities, countries, follows", rows,
                                _conflict(UPSERT_STORY))

    def save_story_vocabulary(self, df: dict[str, int]) -> None:
        """Replace the stored vocabulary (inside the caller's transaction): its rows by COPY."""
        self.pg.execute("DELETE FROM story_vocabulary")
        with self.pg.conn.cursor() as cur, cur.copy("COPY story_vocabulary (term, df) FROM STDIN") as copy:
            for row in df.items():
                copy.write_row(row)
