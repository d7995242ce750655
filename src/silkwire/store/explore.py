"""Counts and lists over the facet tables (``article_facets``, ``entities``) and the stored
records, for exploring the knowledge base (``ExploreQueries``): the facet counts of a set of
articles, co-mentions, coverage per month, entity lists, the places of the map."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from silkwire.model import SearchFilters
from silkwire.store.base import Dialect, StoreBase, is_duplicate, marks
from silkwire.store.queries import filter_clause

EntityRow = tuple[str, str, str, str | None]  # id, type, name, country
FacetRecord = tuple[str, str, str | None, str | None, dict[str, Any], str]  # id, source, title, published, fields, text
PlaceRow = tuple[str, Any, str | None, float, float, int]  # name, geonameid, country, lat, lon, articles


FACET_KINDS = ("country", "entity", "place", "event", "topic")


def _facet_rowids(kind: str) -> str:
    if kind not in FACET_KINDS:  # written into the statement: only the known kinds
        raise ValueError(f"{kind!r}: not a facet kind ({', '.join(FACET_KINDS)})")
    return f"SELECT article_rowid FROM article_facets WHERE kind = '{kind}' AND value = ?"


def _scope(dialect: Dialect, filters: SearchFilters | None, rowids: Sequence[int] | None
           ) -> tuple[str, list[Any]] | None:
    """A SELECT of the rowids counted over: the originals matching ``filters``, or ``rowids``
    (e.g. a search's best hits); None for every article."""
    if rowids is not None:
        return dialect.json_integers(), [json.dumps(list(rowids))]
    if filters is not None:
        clause, args = filter_clause(filters, duplicates=False)
        return f"SELECT a.rowid FROM articles a {clause}", args
    return None


class ExploreQueries(StoreBase):
    """Read-only counts for the explore pages (``service/explore.py``)."""

    def facet_counts(self, kind: str, limit: int, filters: SearchFilters | None = None,
                     rowids: Sequence[int] | None = None) -> list[tuple[str, int]]:
        """The most frequent values of a facet kind among the articles (all, those matching
        ``filters``, or ``rowids``), with their counts; each duplicate group counts once."""
        originals = f"NOT {is_duplicate('article_rowid')}"
        scope = _scope(self.dialect, filters, rowids)
        if scope is None:  # the counts kept as facts are written (store/counts.py): an index read
            rows = self.db.execute("SELECT value, articles FROM facet_counts WHERE kind = ? AND articles > 0 "
                                   "ORDER BY articles DESC, value LIMIT ?", (kind, limit)).fetchall()
        else:
            select, args = scope
            rows = self.db.execute(f"SELECT value, count(*) FROM article_facets WHERE kind = ? AND article_rowid IN "
                                   f"({select}) AND {originals} GROUP BY value ORDER BY count(*) DESC, value LIMIT ?",
                                   [kind, *args, limit]).fetchall()
        return [(v, int(n)) for v, n in rows]

    def source_counts(self, limit: int, filters: SearchFilters | None = None,
                      rowids: Sequence[int] | None = None) -> list[tuple[str, int]]:
        """``facet_counts`` for the articles' sources."""
        scope = _scope(self.dialect, filters, rowids)
        if scope is None:  # the counts kept as articles are written (store/counts.py)
            return [(v, int(n)) for v, n in self.db.execute(
                "SELECT source, originals FROM source_counts WHERE originals > 0 ORDER BY originals DESC, source "
                "LIMIT ?", (limit,))]
        select, args = scope
        where = f"WHERE NOT {is_duplicate('rowid')} AND rowid IN ({select})"
        rows = self.db.execute(f"SELECT source, count(*) FROM articles {where} GROUP BY source "
                               "ORDER BY count(*) DESC, source LIMIT ?", [*args, limit]).fetchall()
        return [(v, int(n)) for v, n in rows]

    def entity_names(self, ids: Iterable[str]) -> dict[str, tuple[str, str, str | None]]:
        """id -> (display name, type, country) for the known ones."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = self.db.execute(f"SELECT id, name, type, country FROM entities WHERE id IN ({marks(wanted)})",
                               wanted).fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def first_seen(self, entity_ids: Sequence[str]) -> dict[str, str]:
        """Entity id -> the earliest publication date of an article naming it (undated articles
        left out; entities named in none are absent)."""
        ids = sorted(set(entity_ids))
        seen: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            seen.update(self.db.execute(
                "SELECT f.value, min(a.published) FROM article_facets f JOIN articles a ON a.rowid = f.article_rowid "
                f"WHERE f.kind = 'entity' AND a.published IS NOT NULL AND f.value IN ({marks(chunk)}) "
                "GROUP BY f.value", chunk))
        return seen

    def entity_row(self, entity_id: str) -> EntityRow | None:
        row = self.db.execute("SELECT id, type, name, country FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3])

    def country_counts(self) -> list[tuple[str, int]]:
        """Every country some article refers to, with its article count, most covered first."""
        rows = self.db.execute("SELECT value, count(*) FROM article_facets WHERE kind = 'country' GROUP BY value "
                               "ORDER BY count(*) DESC, value").fetchall()
        return [(c, int(n)) for c, n in rows]

    def facet_count(self, kind: str, value: str) -> int:
        """How many articles have this facet."""
        return int(self.db.execute(f"SELECT count(*) FROM ({_facet_rowids(kind)}) AS f", (value,)).fetchone()[0])

    def co_mentions(self, kind: str, value: str, other: str, limit: int,
                    type_: str | None = None) -> list[tuple[str, int]]:
        """The ``other`` facets (entities of ``type_``, if given) most often found in the articles
        having facet (kind, value)."""
        # CROSS JOIN keeps the facet scan outside: with "value IN (entities of a type)" instead, SQLite
        # 3.40 probes every (entity, article) pair (13 s for France on OrangeSum; this: 19 ms).
        join = f"{self.dialect.fixed_join} entities e ON e.id = f.value AND e.type = ?" if type_ else ""
        sql = (f"SELECT f.value, count(*) FROM article_facets f {join} WHERE f.kind = ? AND f.article_rowid IN "
               f"({_facet_rowids(kind)}) AND NOT (f.kind = ? AND f.value = ?)")
        args: list[Any] = [*([type_] if type_ else []), other, value, kind, value]
        rows = self.db.execute(sql + " GROUP BY f.value ORDER BY count(*) DESC, f.value LIMIT ?", [*args, limit])
        return [(v, int(n)) for v, n in rows]

    def monthly_articles(self, kind: str, value: str) -> list[tuple[str, int]]:
        """(YYYY-MM, articles published that month) for the articles having this facet; undated ones left out."""
        rows = self.db.execute(
            "SELECT substr(a.published, 1, 7) AS month, count(*) FROM articles a "
            f"WHERE a.rowid IN ({_facet_rowids(kind)}) "
            "AND a.published IS NOT NULL GROUP BY month ORDER BY month", (value,)).fetchall()
        return [(m, int(n)) for m, n in rows]

    def facet_records(self, kind: str, value: str, limit: int | None = None, with_text: bool = False
                      ) -> list[FacetRecord]:
        """(id, source, title, published, enrichment fields, text or "") of the enriched articles
        having this facet, newest published first."""
        text = "a.text" if with_text else "''"
        sql = (f"SELECT a.id, a.source, a.title, a.published, e.fields, {text} FROM articles a JOIN enrichments e "
               f"ON e.article_rowid = a.rowid WHERE a.rowid IN ({_facet_rowids(kind)}) "
               "ORDER BY a.published DESC NULLS LAST, a.rowid ASC")
        args: list[Any] = [value]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [(i, s, t, p, json.loads(f), x) for i, s, t, p, f, x in self.db.execute(sql, args)]

    def entity_list(self, q: str | None = None, type_: str | None = None, country: str | None = None,
                    limit: int = 50, offset: int = 0) -> tuple[int, list[tuple[str, str, str, str | None, int]]]:
        """(how many entities match, a page of (id, type, name, country, articles)), most named
        first; ``q`` matches names (substring)."""
        where, args = ["f.kind = 'entity'"], []
        if q:
            where.append(f"e.name {self.dialect.like} '%' || ? || '%' ESCAPE '\\'")
            args.append(q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
        if type_:
            where.append("e.type = ?")
            args.append(type_)
        if country:
            where.append("e.country = ?")
            args.append(country)
        base = f"FROM article_facets f JOIN entities e ON e.id = f.value WHERE {' AND '.join(where)}"
        total = int(self.db.execute(f"SELECT count(DISTINCT e.id) {base}", args).fetchone()[0])
        rows = self.db.execute(f"SELECT e.id, e.type, e.name, e.country, count(*) {base} GROUP BY e.id "
                               "ORDER BY count(*) DESC, e.name, e.id LIMIT ? OFFSET ?",
                               [*args, limit, offset]).fetchall()
        return total, [(i, t, n, c, int(k)) for i, t, n, c, k in rows]

    def places(self, country: str | None = None, limit: int = 300) -> list[PlaceRow]:
        """Places with GeoNames coordinates (of ``country``, if given) and their article counts,
        most named first."""
        sql = ("SELECT json_extract(p.value, '$.name'), json_extract(p.value, '$.geonameid'), "
               "json_extract(p.value, '$.country'), json_extract(p.value, '$.lat'), json_extract(p.value, '$.lon'), "
               "count(*) FROM enrichments e, json_each(e.fields, '$.places') p "
               "WHERE json_extract(p.value, '$.lat') IS NOT NULL")
        args: list[Any] = []
        if country:
            sql += " AND json_extract(p.value, '$.country') = ?"
            args.append(country)
        # ties: the GeoNames id, highest first (what SQLite's sorter gave before it was written)
        sql += (" GROUP BY json_extract(p.value, '$.geonameid') "
                "ORDER BY count(*) DESC, json_extract(p.value, '$.geonameid') DESC LIMIT ?")
        return [(n, g, c, la, lo, int(k)) for n, g, c, la, lo, k in self.db.execute(sql, [*args, limit])]
