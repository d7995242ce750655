"""The events table: one row per event of an enriched article, with its actors, so that relations
and timelines are indexed queries. The event's evidence (spans, amounts) stays in the
enrichment's record fields; these rows point to it by (article rowid, position)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from silkwire.store.base import Connection, StoreBase, is_duplicate, marks


@dataclass(frozen=True, slots=True)
class EventRow:
    n: int  # position in the article's events (0 = main event)
    type: str
    date: str | None
    day: int | None  # YYYYMMDD of the date's first day
    status: str | None
    place: str | None
    source: tuple[str, ...]
    target: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventKey:
    rowid: int  # article rowid
    n: int


def replace_events(db: Connection, rowid: int, rows: Sequence[EventRow]) -> None:
    """The article's events become ``rows`` (inside the caller's transaction: the enrichment
    tables' ``save_enrichments``)."""
    db.execute("DELETE FROM event_actors WHERE article_rowid = ?", (rowid,))
    db.execute("DELETE FROM events WHERE article_rowid = ?", (rowid,))
    db.executemany(
        "INSERT INTO events (article_rowid, n, type, date, day, status, place) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(rowid, r.n, r.type, r.date, r.day, r.status, r.place) for r in rows],
    )
    db.executemany(
        "INSERT INTO event_actors (actor, side, article_rowid, n) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(actor, side, rowid, r.n) for r in rows
         for side, actors in (("source", r.source), ("target", r.target)) for actor in actors],
    )


class EventTables(StoreBase):
    """Events by actor, type and day, as keys into the stored records."""

    def event_keys(self, *, actor: str | None = None, partner: str | None = None, types: Sequence[str] = (),
                   since_day: int | None = None, until_day: int | None = None,
                   article_rowids: Sequence[int] | None = None, originals: bool = False) -> list[EventKey]:
        """Events with ``actor`` among their actors (and ``partner`` too, when given), of these
        types, whose date starts within the day bounds (undated events are kept when there are
        no bounds), limited to some articles when asked; with ``originals``, not those of
        duplicates (each group counts once). Ordered by day, then article."""
        where: list[str] = []
        args: list[object] = []
        for code in (actor, partner):
            if code is not None:
                where.append("EXISTS (SELECT 1 FROM event_actors x WHERE x.article_rowid = ev.article_rowid "
                             "AND x.n = ev.n AND x.actor = ?)")
                args.append(code)
        if types:
            where.append(f"ev.type IN ({marks(types)})")
            args.extend(types)
        if since_day is not None:
            where.append("ev.day >= ?")
            args.append(since_day)
        if until_day is not None:
            where.append("ev.day <= ?")
            args.append(until_day)
        if article_rowids is not None:
            where.append(f"ev.article_rowid IN ({marks(article_rowids)})")
            args.extend(article_rowids)
        if originals:
            where.append(f"NOT ({is_duplicate('ev.article_rowid')})")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.db.execute(f"SELECT ev.article_rowid, ev.n FROM events ev {clause} "
                               "ORDER BY ev.day IS NULL, ev.day, ev.article_rowid, ev.n", args).fetchall()
        return [EventKey(r[0], r[1]) for r in rows]

    def facet_rowids(self, kind: str, value: str) -> list[int]:
        """Articles with this facet (kind: country | entity | place | event | topic)."""
        return [r[0] for r in self.db.execute(
            "SELECT article_rowid FROM article_facets WHERE kind = ? AND value = ? ORDER BY article_rowid",
            (kind, value))]
