"""Exploring the knowledge base (service layer): facets, countries, entities, places.

The read use cases behind the web pages and the JSON endpoints other than the article feed:
counts of the facets of a set of articles, a country's overview, an entity's page, the places
of the map. They read the store's facet tables (``article_facets``, ``entities``) and the stored
record fields; nothing here writes.

Records carry only the fields the pipeline built (DESIGN.md): a part whose field is absent
(events, topics) is absent here too, never an empty stand-in presented as a result.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from silkwire.dates import first_day
from silkwire.errors import NotFoundError, QueryError
from silkwire.model import SearchFilters
from silkwire.nlp.kb.files import country_names, load_tables  # plain TSV reading: no spaCy behind it
from silkwire.search import parse_query
from silkwire.service import browse
from silkwire.service import relations as analysis
from silkwire.service.articles import Workspace
from silkwire.store.stories import is_duplicate_sql

FACET_KINDS = ("country", "entity", "place", "event", "topic")
SEARCH_FACET_HITS = 1000  # with a query, facets count over the best hits up to this many
CENTRAL_ASIA = ("KZ", "UZ", "TJ", "KG", "TM")
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
                "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


def country_name(code: str) -> str:
    return country_names().get(code, code)


@lru_cache(maxsize=1)
def topic_names() -> dict[str, str]:
    """IPTC Media Topic code -> French label (the topic engine's own data file)."""
    path = Path(__file__).parent.parent / "nlp" / "data" / "iptc_topics_fr.tsv"
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return {r[0]: r[1] for r in rows if len(r) >= 2}


def event_types() -> tuple[str, ...]:
    return PLOVER_TYPES


def _db(ws: Workspace) -> sqlite3.Connection:
    db: sqlite3.Connection = ws.store.db
    return db


# -- facets ----------------------------------------------------------------------------------


def matching_rowids_sql(ws: Workspace, query: str | None, filters: SearchFilters) -> tuple[str, list[Any], bool]:
    """SQL selecting the rowids of the articles matching ``query`` and ``filters``.

    Without a query, every match; with one, the best ``SEARCH_FACET_HITS`` hits (the third value
    says whether that cap was reached, so a page can say its counts are partial).
    """
    if query is None:
        clause, args = browse.filter_clause(filters, duplicates=False)
        return f"SELECT a.rowid FROM articles a {clause}", args, False
    parsed = parse_query(query)
    assert parsed.node is not None
    ranked, total = ws.index.search(parsed.node, filters, SEARCH_FACET_HITS, 0)
    rowids = [r for r, _ in ranked]
    return "SELECT value FROM json_each(?)", [json.dumps(rowids)], total > len(rowids)


def facet_counts(ws: Workspace, query: str | None, filters: SearchFilters, per_kind: int = 8
                 ) -> dict[str, Any]:
    """The most frequent countries, entities and places among the matching articles, with counts.

    ``{"partial": bool, "country": [{"value", "label", "count"}], "entity", "place", "event", "topic",
    "source": [...]}`` (event values are PLOVER types; the page labels them).
    """
    db = _db(ws)
    unfiltered = query is None and filters == SearchFilters()
    select, args, partial = ("", [], False) if unfiltered else matching_rowids_sql(ws, query, filters)
    originals = f"NOT {is_duplicate_sql('article_rowid')}"  # a group of copies counts once
    out: dict[str, Any] = {"partial": partial}
    for kind in FACET_KINDS:
        if unfiltered:  # the (kind, value, rowid) primary key answers this without a table read
            rows = db.execute(f"SELECT value, count(*) FROM article_facets WHERE kind = ? AND {originals} "
                              "GROUP BY value ORDER BY count(*) DESC, value LIMIT ?", (kind, per_kind)).fetchall()
        else:
            rows = db.execute(f"SELECT value, count(*) FROM article_facets WHERE kind = ? AND article_rowid IN "
                              f"({select}) AND {originals} GROUP BY value ORDER BY count(*) DESC, value LIMIT ?",
                              [kind, *args, per_kind]).fetchall()
        labels = _labels(ws, kind, [r[0] for r in rows])
        out[kind] = [{"value": v, "label": labels.get(v, v), "count": int(n)} for v, n in rows]
    where = f"WHERE NOT {is_duplicate_sql('rowid')}" + ("" if unfiltered else f" AND rowid IN ({select})")
    rows = db.execute(f"SELECT source, count(*) FROM articles {where} GROUP BY source ORDER BY count(*) DESC, source "
                      "LIMIT ?", [*args, per_kind]).fetchall()
    out["source"] = [{"value": v, "label": v, "count": int(n)} for v, n in rows]
    return out


def _labels(ws: Workspace, kind: str, values: Sequence[str]) -> dict[str, str]:
    if kind == "country":
        return {v: country_name(v) for v in values}
    if kind == "entity":
        return {i: n for i, (n, _, _) in entity_names(ws, values).items()}
    if kind == "topic":
        return {v: topic_names().get(v, v) for v in values}
    return {}


def copies(ws: Workspace, article_ids: Sequence[str]) -> dict[str, int]:
    """How many duplicates each of these (original) articles has; those without are absent."""
    if not article_ids:
        return {}
    marks = ", ".join("?" * len(article_ids))
    rows = _db(ws).execute(
        f"SELECT a.id, count(*) FROM articles a JOIN article_dedup d ON d.duplicate_of = a.rowid "
        f"WHERE a.id IN ({marks}) GROUP BY a.id", list(article_ids)).fetchall()
    return {i: int(n) for i, n in rows}


def story_summary(ws: Workspace, story_id: str) -> dict[str, Any] | None:
    """Label, dates and size of a story, for a link to it (``storylines.story`` also builds its
    article list and thread, which an article page does not show)."""
    row = _db(ws).execute("SELECT id, label, first, last, articles FROM stories WHERE id = ?", (story_id,)).fetchone()
    return None if row is None else {"id": row[0], "label": row[1], "first": row[2], "last": row[3],
                                     "articles": int(row[4])}


def entity_names(ws: Workspace, ids: Iterable[str]) -> dict[str, tuple[str, str, str | None]]:
    """id -> (display name, type, country) for the known ones."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = _db(ws).execute(f"SELECT id, name, type, country FROM entities WHERE id IN ({', '.join('?' * len(wanted))})",
                           wanted).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


# -- countries -------------------------------------------------------------------------------


def countries(ws: Workspace) -> list[dict[str, Any]]:
    """Every country some article refers to, with its article count, most covered first."""
    rows = _db(ws).execute("SELECT value, count(*) FROM article_facets WHERE kind = 'country' GROUP BY value "
                           "ORDER BY count(*) DESC, value").fetchall()
    return [{"code": c, "name": country_name(c), "articles": int(n), "central_asia": c in CENTRAL_ASIA}
            for c, n in rows]


def check_country(code: str) -> str:
    code = code.strip().upper()
    if code not in country_names():
        raise NotFoundError(f"{code}: not an ISO 3166-1 alpha-2 country code silkwire knows")
    return code


def _facet_rowids(kind: str) -> str:
    return f"SELECT article_rowid FROM article_facets WHERE kind = '{kind}' AND value = ?"


def co_mentions(ws: Workspace, kind: str, value: str, other: str, limit: int,
                type_: str | None = None) -> list[tuple[str, int]]:
    """The ``other`` facets most often found in the articles having facet (kind, value)."""
    # CROSS JOIN keeps the facet scan outside: with "value IN (entities of a type)" instead, SQLite
    # 3.40 probes every (entity, article) pair (13 s for France on OrangeSum; this: 19 ms).
    join = "CROSS JOIN entities e ON e.id = f.value AND e.type = ?" if type_ else ""
    sql = (f"SELECT f.value, count(*) FROM article_facets f {join} WHERE f.kind = ? AND f.article_rowid IN "
           f"({_facet_rowids(kind)}) AND NOT (f.kind = ? AND f.value = ?)")
    args: list[Any] = [*([type_] if type_ else []), other, value, kind, value]
    rows = _db(ws).execute(sql + " GROUP BY f.value ORDER BY count(*) DESC, f.value LIMIT ?", [*args, limit])
    return [(v, int(n)) for v, n in rows]


def monthly_articles(ws: Workspace, kind: str, value: str) -> list[tuple[str, int]]:
    """(YYYY-MM, articles published that month) for the articles having this facet; undated ones left out."""
    rows = _db(ws).execute(
        f"SELECT substr(a.published, 1, 7) AS month, count(*) FROM articles a WHERE a.rowid IN ({_facet_rowids(kind)}) "
        "AND a.published IS NOT NULL GROUP BY month ORDER BY month", (value,)).fetchall()
    return [(m, int(n)) for m, n in rows]


def records_with_facet(ws: Workspace, kind: str, value: str, limit: int | None = None
                       ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(article summary, enrichment fields) of the articles having this facet, newest first."""
    return [(summary, fields) for summary, fields, _ in _records(ws, kind, value, limit, with_text=False)]


def _records(ws: Workspace, kind: str, value: str, limit: int | None, with_text: bool
             ) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    text = "a.text" if with_text else "''"
    sql = (f"SELECT a.id, a.source, a.title, a.published, e.fields, {text} FROM articles a JOIN enrichments e "
           f"ON e.article_rowid = a.rowid WHERE a.rowid IN ({_facet_rowids(kind)}) "
           "ORDER BY a.published DESC, a.rowid ASC")
    args: list[Any] = [value]
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    out = []
    for i, s, t, p, f, x in _db(ws).execute(sql, args):
        fields = json.loads(f)
        # As in the article record: the estimate stands in for a missing date, flagged.
        estimated = p is None and bool(fields.get("published_estimated")) and bool(fields.get("published"))
        out.append(({"id": i, "source": s, "title": t, "published": fields["published"] if estimated else p,
                     "published_estimated": estimated}, fields, x))
    return out


def country_overview(ws: Workspace, code: str, top: int = 10, latest: int = 15) -> dict[str, Any]:
    """What the country page shows: coverage per month, partners (co-mentioned), people,
    organisations, places, latest articles; and when the pipeline stores them, topics, events
    (latest, and per month by type) and relations (cooperative vs conflictual, silkwire.service.relations)."""
    code = check_country(code)
    total = int(_db(ws).execute(f"SELECT count(*) FROM ({_facet_rowids('country')})", (code,)).fetchone()[0])
    out: dict[str, Any] = {"code": code, "name": country_name(code), "articles": total,
                           "months": [{"month": m, "articles": n} for m, n in monthly_articles(ws, "country", code)]}
    out["partners"] = [{"code": c, "name": country_name(c), "articles": n}
                       for c, n in co_mentions(ws, "country", code, "country", top)]
    for key, type_ in (("people", "PER"), ("organisations", "ORG")):
        found = co_mentions(ws, "country", code, "entity", top, type_)
        names = entity_names(ws, [i for i, _ in found])
        out[key] = [{"id": i, "name": names.get(i, (i,))[0], "articles": n} for i, n in found]
    out["places"] = [{"name": p, "articles": n} for p, n in co_mentions(ws, "country", code, "place", top)]
    if stores_field(ws, "topics"):
        found = co_mentions(ws, "country", code, "topic", top)
        out["topics"] = [{"code": c, "label": topic_names().get(c, c), "articles": n} for c, n in found]
    if stores_field(ws, "events"):
        events = analysis.timeline(ws, country=code, limit=TIMELINE_ALL)
        dated = sorted((e for e in events if e["date"] or e["published"]), key=_event_day)
        out["events"] = [_event_out(e) for e in reversed(dated[-latest:])]
        out["event_months"] = _events_per_month(dated)
        out["relations"] = [{"code": r["partner"], "name": country_name(r["partner"]), "events": r["events"],
                             "cooperative": r["cooperative"], "conflictual": r["conflictual"], "planned": r["planned"]}
                            for r in analysis.relations(ws, code, evidence=False)[:top]]
    out["latest"] = [{**summary, "event_date": fields.get("event_date"), "status": fields.get("status")}
                     for summary, fields in records_with_facet(ws, "country", code, latest)]
    return out


TIMELINE_ALL = 1_000_000  # analysis.timeline's limit when the whole history is wanted


def stores_field(ws: Workspace, name: str) -> bool:
    """Does any stored record have this field (is the pipeline that builds it in use)?"""
    row = _db(ws).execute("SELECT 1 FROM enrichments WHERE json_type(fields, ?) IS NOT NULL LIMIT 1",
                          (f"$.{name}",)).fetchone()
    return row is not None


def _event_day(e: dict[str, Any]) -> int:
    """The first day of the event's date (any ISO grain: 2024-W24, 2025-Q3, a/b), else of its article."""
    for value in (e["date"], e["published"]):
        if (day := first_day(value)) is not None:
            return day
    return 0


def _event_out(e: dict[str, Any]) -> dict[str, Any]:
    return {"type": e["type"], "source": e["source"], "target": e["target"], "date": e["date"], "status": e["status"],
            "place": e["place"], "evidence_text": e["evidence_text"],
            "article": {"id": e["article"], "title": e["title"], "published": e["published"],
                        "published_estimated": e.get("published_estimated", False)}}


def _events_per_month(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str]] = Counter()
    for ev in events:
        day = ev["date"] or ev["published"]
        if day and len(day) >= 7 and day[4] == "-" and day[5:7].isdigit():
            counts[(day[:7], ev["type"])] += 1
    return [{"month": m, "type": t, "events": n} for (m, t), n in sorted(counts.items())]


# -- entities --------------------------------------------------------------------------------


def list_entities(ws: Workspace, q: str | None = None, type_: str | None = None, country: str | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """Entities with their article counts, most named first; ``q`` matches names (substring)."""
    if type_ is not None and type_ not in ENTITY_TYPES:
        raise QueryError(f"type: expected one of {', '.join(ENTITY_TYPES)}, got {type_!r}")
    where, args = ["f.kind = 'entity'"], []
    if q:
        where.append("e.name LIKE '%' || ? || '%' ESCAPE '\\'")
        args.append(q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    if type_:
        where.append("e.type = ?")
        args.append(type_)
    if country:
        where.append("e.country = ?")
        args.append(country.upper())
    base = f"FROM article_facets f JOIN entities e ON e.id = f.value WHERE {' AND '.join(where)}"
    db = _db(ws)
    total = int(db.execute(f"SELECT count(DISTINCT e.id) {base}", args).fetchone()[0])
    rows = db.execute(f"SELECT e.id, e.type, e.name, e.country, count(*) {base} GROUP BY e.id "
                      "ORDER BY count(*) DESC, e.name LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
    return total, [{"id": i, "type": t, "name": n, "country": c, "articles": int(k)} for i, t, n, c, k in rows]


def entity_detail(ws: Workspace, entity_id: str, latest: int = 30) -> dict[str, Any]:
    """Canonical name, aliases and spellings met, roles (the knowledge base's offices, and the
    role mentions the articles attribute to it), mentions per month, co-mentioned countries."""
    row = _db(ws).execute("SELECT id, type, name, country FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"{entity_id}: no entity with this id")
    records = _records(ws, "entity", entity_id, None, with_text=True)
    aliases: set[str] = set()
    spellings: Counter[str] = Counter()
    roles: Counter[tuple[str, str | None]] = Counter()
    for _summary, fields, text in records:
        for ent in fields.get("entities", ()):
            if ent["id"] == entity_id:
                aliases.update(ent.get("aliases") or ())
                spellings.update(text[s:e] for s, e in ent["spans"])
        for role in fields.get("roles", ()):
            if role.get("person") == entity_id:
                roles[(role["role"], role.get("of"))] += 1
    return {
        "id": row[0], "type": row[1], "name": row[2], "country": row[3],
        "country_name": country_name(row[3]) if row[3] else None,
        "aliases": sorted(aliases - {row[2]}),
        "spellings": [{"text": t, "count": n} for t, n in spellings.most_common(12)],
        "roles": [{"role": r, "of": o, "of_name": country_name(o) if o else None, "mentions": n}
                  for (r, o), n in roles.most_common()],
        "known_roles": known_roles(row[0]),
        "articles": len(records),
        "months": [{"month": m, "articles": n} for m, n in monthly_articles(ws, "entity", entity_id)],
        "countries": [{"code": c, "name": country_name(c), "articles": n}
                      for c, n in co_mentions(ws, "entity", entity_id, "country", 10)],
        "latest": [summary for summary, _, _ in records[:latest]],
    }


def known_roles(entity_id: str) -> list[dict[str, Any]]:
    """The offices the knowledge base gives this person (knowledge/roles.tsv), latest first."""
    rows = [r for r in load_tables()["roles"].rows.values() if r["person"] == entity_id]
    return [{"role": r["role"], "of": r["of"] or None, "of_name": country_name(r["of"]) if r["of"] else None,
             "title": r["title"] or None, "start": r["start"] or None, "end": r["end"] or None}
            for r in sorted(rows, key=lambda r: r["start"], reverse=True)]


# -- places (the map) ------------------------------------------------------------------------


def places(ws: Workspace, country: str | None = None, limit: int = 300) -> list[dict[str, Any]]:
    """Places with GeoNames coordinates and their article counts, most named first."""
    sql = ("SELECT json_extract(p.value, '$.name'), json_extract(p.value, '$.geonameid'), "
           "json_extract(p.value, '$.country'), json_extract(p.value, '$.lat'), json_extract(p.value, '$.lon'), "
           "count(*) FROM enrichments e, json_each(e.fields, '$.places') p "
           "WHERE json_extract(p.value, '$.lat') IS NOT NULL")
    args: list[Any] = []
    if country:
        sql += " AND json_extract(p.value, '$.country') = ?"
        args.append(country.upper())
    sql += " GROUP BY json_extract(p.value, '$.geonameid') ORDER BY count(*) DESC LIMIT ?"
    rows = _db(ws).execute(sql, [*args, limit]).fetchall()
    return [{"name": n, "geonameid": g, "country": c, "lat": la, "lon": lo, "articles": int(k)}
            for n, g, c, la, lo, k in rows]


# -- relations (the matrix) --------------------------------------------------------------------


def relation_matrix(ws: Workspace, since: str | None = None, until: str | None = None, partners: int = 12
                    ) -> dict[str, Any]:
    """The five republics (rows) against their busiest partners (columns, the five first):
    per cell the events between the two, cooperative and conflictual (``silkwire.service.relations``)."""
    rows = {c: {r["partner"]: r for r in analysis.relations(ws, c, since=since, until=until, evidence=False)}
            for c in CENTRAL_ASIA}
    busy: Counter[str] = Counter()
    for found in rows.values():
        for partner, r in found.items():
            if partner not in CENTRAL_ASIA:
                busy[partner] += r["events"]
    columns = [*CENTRAL_ASIA, *[p for p, _ in sorted(busy.items(), key=lambda x: (-x[1], x[0]))[:partners]]]
    cells = {c: {p: {k: rows[c][p][k] for k in ("events", "cooperative", "conflictual", "planned")}
                 for p in columns if p in rows[c]} for c in CENTRAL_ASIA}
    return {"rows": list(CENTRAL_ASIA), "columns": columns, "names": {c: country_name(c) for c in columns},
            "cells": cells, "since": since, "until": until}
