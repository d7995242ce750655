"""What the pipeline found in each article (``EnrichmentTables``): the record fields as JSON,
the facet rows that filters and counts read, the entities met, and the publication estimates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.dates import first_day
from silkwire.model import Article
from silkwire.store.articles import ARTICLE_COLUMNS, article_of
from silkwire.store.base import StoreBase, marks, now
from silkwire.store.counts import before_enrichments, count_enrichments
from silkwire.store.events import EventRow, replace_events


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
    found: dict[str, Any] | None = None  # the pipeline's own fields, when corrections changed ``fields``

    @classmethod
    def of_fields(cls, rowid: int, version: str, fields: dict[str, Any],
                  found: dict[str, Any] | None = None) -> StoredEnrichment:
        """What the store keeps of an article's record fields: its facets, entities and events."""
        facets: list[tuple[str, str]] = []
        facets += [("country", c["code"]) for c in fields.get("countries") or ()]
        facets += [("entity", x["id"]) for x in fields.get("entities") or ()]
        facets += [("place", p["name"]) for p in fields.get("places") or ()]
        facets += [("event", v["type"]) for v in fields.get("events") or ()]
        facets += [("topic", t["code"]) for t in fields.get("topics") or ()]
        known = tuple((x["id"], x["type"], x["name"], x.get("country")) for x in fields.get("entities") or ())
        events = tuple(EventRow(n, v["type"], v.get("date"), first_day(v.get("date")), v.get("status"),
                                v.get("place"), tuple(v.get("source") or ()), tuple(v.get("target") or ()))
                       for n, v in enumerate(fields.get("events") or ()))
        return cls(rowid, version, fields, fields.get("event_date"), fields.get("status"), tuple(facets), known,
                   events, found)


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
_CHUNK = 500


class EnrichmentTables(StoreBase):
    """Enrichments in and out, and the facts indexed from them."""

    def save_enrichments(self, items: Sequence[StoredEnrichment]) -> None:
        """Store (or replace) enrichments in one transaction, facets included."""
        stamp = now()
        with self.transaction() as db:
            before = before_enrichments(db, [e.rowid for e in items])
            for e in items:
                db.execute(
                    "INSERT INTO enrichments (article_rowid, version, fields, event_date, status, indexed, "
                    "enriched_at, found) VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (article_rowid) DO UPDATE SET "
                    "version = excluded.version, fields = excluded.fields, event_date = excluded.event_date, "
                    "status = excluded.status, indexed = 0, enriched_at = excluded.enriched_at, found = excluded.found",
                    (e.rowid, e.version, json.dumps(e.fields, ensure_ascii=False), e.event_date, e.status, stamp,
                     None if e.found is None else json.dumps(e.found, ensure_ascii=False)),
                )
                db.execute("DELETE FROM article_facets WHERE article_rowid = ?", (e.rowid,))
                db.executemany(
                    "INSERT INTO article_facets (kind, value, article_rowid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [(kind, value, e.rowid) for kind, value in e.facets],
                )
                # The first name seen for an id stays its display name (later articles may spell it otherwise).
                db.executemany("INSERT INTO entities (id, type, name, country) VALUES (?, ?, ?, ?) "
                               "ON CONFLICT DO NOTHING", e.entities)
                replace_events(db, e.rowid, e.events)
            count_enrichments(db, before, {e.rowid: e.facets for e in items})

    def unenriched(self, version: str, after: int, limit: int) -> list[tuple[int, Article]]:
        """Articles past rowid ``after`` with no enrichment of this pipeline version."""
        rows = self.db.execute(
            f"SELECT a.rowid, {ARTICLE_COLUMNS} FROM articles a "
            "LEFT JOIN enrichments e ON e.article_rowid = a.rowid "
            "WHERE a.rowid > ? AND (e.article_rowid IS NULL OR e.version != ?) ORDER BY a.rowid LIMIT ?",
            (after, version, limit),
        ).fetchall()
        return [(r[0], article_of(r[1:])) for r in rows]

    def count_unenriched(self, version: str) -> int:
        """How many articles have no enrichment of this pipeline version (what enrich will do)."""
        return int(self.db.execute(
            "SELECT count(*) FROM articles a LEFT JOIN enrichments e ON e.article_rowid = a.rowid "
            "WHERE e.article_rowid IS NULL OR e.version != ?", (version,)).fetchone()[0])

    def enrichment(self, rowid: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT version, fields FROM enrichments WHERE article_rowid = ?", (rowid,)
        ).fetchone()
        if row is None:
            return None
        return {"version": row[0], **json.loads(row[1])}

    def enrichment_fields(self, rowids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The enrichment record fields of these articles (those enriched), by rowid."""
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(rowids), _CHUNK):
            chunk = list(rowids[start:start + _CHUNK])
            for rowid, fields in self.db.execute(
                    f"SELECT article_rowid, fields FROM enrichments WHERE article_rowid IN ({marks(chunk)})", chunk):
                out[rowid] = json.loads(fields)
        return out

    def stores_field(self, name: str) -> bool:
        """Does any stored record have this field (is the pipeline that builds it in use)?"""
        row = self.db.execute("SELECT 1 FROM enrichments WHERE json_type(fields, ?) IS NOT NULL LIMIT 1",
                              (f"$.{name}",)).fetchone()
        return row is not None

    def facets(self, rowids: Sequence[int]) -> dict[int, Facets]:
        """Facets of these articles (articles without enrichment are absent from the result)."""
        if not rowids:
            return {}
        found: dict[int, dict[str, list[str]]] = {}
        dates: dict[int, str | None] = {}
        for rowid, event_date in self.db.execute(
            f"SELECT article_rowid, event_date FROM enrichments WHERE article_rowid IN ({marks(rowids)})",
            list(rowids)
        ):
            found[rowid] = {kind: [] for kind in _FACET_KINDS}
            dates[rowid] = event_date
        for kind, value, rowid in self.db.execute(
            f"SELECT kind, value, article_rowid FROM article_facets WHERE article_rowid IN ({marks(rowids)})",
            list(rowids)
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
        where, args = ["c.kind = 'entity'", "c.articles > 0"], []
        if type_:
            where.append("e.type = ?")
            args.append(type_)
        if country:
            where.append("e.country = ?")
            args.append(country)
        # the counts kept as facts are written (store/counts.py): duplicates count once, through
        # their canonical article; no scan of the facets
        rows = self.db.execute(
            "SELECT e.id, e.type, e.name, e.country, c.articles FROM facet_counts c "
            f"JOIN entities e ON e.id = c.value WHERE {' AND '.join(where)} "
            "ORDER BY c.articles DESC, e.name, e.id LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]

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

    def set_estimated_event_dates(self, updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Record (rowid, enrichment fields) whose main event date the publication estimate pinned
        or no longer pins (service/estimated_dates.py): the fields, their event date and status
        columns, and the facts to index again."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE enrichments SET fields = ?, event_date = ?, status = ?, indexed = 0 WHERE article_rowid = ?",
                [(json.dumps(f, ensure_ascii=False), f.get("event_date"), f.get("status"), rowid)
                 for rowid, f in updates],
            )

    def published_estimates(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id -> estimated publication value, for those of these articles that have no
        publication date of their own and an estimate in their enrichment."""
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            out.update(self.db.execute(
                "SELECT a.id, json_extract(e.fields, '$.published') FROM articles a "
                "JOIN enrichments e ON e.article_rowid = a.rowid "
                f"WHERE a.id IN ({marks(chunk)}) AND a.published IS NULL "
                "AND json_extract(e.fields, '$.published_estimated') = 1 "
                "AND json_extract(e.fields, '$.published') IS NOT NULL", chunk).fetchall())
        return out
