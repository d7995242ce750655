"""Exploring the knowledge base (service layer): facets, countries, entities, places.

The read use cases behind the web pages and the JSON endpoints other than the article feed:
counts of the facets of a set of articles, a country's overview, an entity's page, the places
of the map. They read the store's facet tables (``article_facets``, ``entities``) and the stored
record fields; nothing here writes.

Records carry only the fields the pipeline built (DESIGN.md): a part whose field is absent
(events, topics) is absent here too, never an empty stand-in presented as a result.
"""

from __future__ import annotations

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
from silkwire.service import relations as analysis
from silkwire.service.workspace import Workspace

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


# -- facets ----------------------------------------------------------------------------------


def facet_counts(ws: Workspace, query: str | None, filters: SearchFilters, per_kind: int = 8
                 ) -> dict[str, Any]:
    """The most frequent countries, entities and places among the matching articles, with counts.

    Without a query, over every match; with one, over the best ``SEARCH_FACET_HITS`` hits
    (``partial`` says whether that cap was reached, so a page can say its counts are partial).
    ``{"partial": bool, "country": [{"value", "label", "count"}], "entity", "place", "event", "topic",
    "source": [...]}`` (event values are PLOVER types; the page labels them).
    """
    scope: dict[str, Any] = {}
    partial = False
    if query is not None:
        parsed = parse_query(query)
        assert parsed.node is not None
        ranked, total = ws.index.search(parsed.node, filters, SEARCH_FACET_HITS, 0)
        scope["rowids"] = [r for r, _ in ranked]
        partial = total > len(ranked)
    elif filters != SearchFilters():
        scope["filters"] = filters
    out: dict[str, Any] = {"partial": partial}
    for kind in FACET_KINDS:
        rows = ws.store.facet_counts(kind, per_kind, **scope)
        labels = _labels(ws, kind, [v for v, _ in rows])
        out[kind] = [{"value": v, "label": labels.get(v, v), "count": n} for v, n in rows]
    out["source"] = [{"value": v, "label": v, "count": n} for v, n in ws.store.source_counts(per_kind, **scope)]
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
    return ws.store.copies(article_ids)


def story_summary(ws: Workspace, story_id: str) -> dict[str, Any] | None:
    """Label, dates and size of a story, for a link to it (``stories.story`` also builds its
    article list and thread, which an article page does not show)."""
    return ws.store.story_summary(story_id)


def entity_names(ws: Workspace, ids: Iterable[str]) -> dict[str, tuple[str, str, str | None]]:
    """id -> (display name, type, country) for the known ones."""
    return ws.store.entity_names(ids)


# -- countries -------------------------------------------------------------------------------


def countries(ws: Workspace) -> list[dict[str, Any]]:
    """Every country some article refers to, with its article count, most covered first."""
    return [{"code": c, "name": country_name(c), "articles": n, "central_asia": c in CENTRAL_ASIA}
            for c, n in ws.store.country_counts()]


def check_country(code: str) -> str:
    code = code.strip().upper()
    if code not in country_names():
        raise NotFoundError(f"{code}: not an ISO 3166-1 alpha-2 country code silkwire knows")
    return code


def co_mentions(ws: Workspace, kind: str, value: str, other: str, limit: int,
                type_: str | None = None) -> list[tuple[str, int]]:
    """The ``other`` facets most often found in the articles having facet (kind, value)."""
    return ws.store.co_mentions(kind, value, other, limit, type_)


def monthly_articles(ws: Workspace, kind: str, value: str) -> list[tuple[str, int]]:
    """(YYYY-MM, articles published that month) for the articles having this facet; undated ones left out."""
    return ws.store.monthly_articles(kind, value)


def records_with_facet(ws: Workspace, kind: str, value: str, limit: int | None = None
                       ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(article summary, enrichment fields) of the articles having this facet, newest first."""
    return [(summary, fields) for summary, fields, _ in _records(ws, kind, value, limit, with_text=False)]


def _records(ws: Workspace, kind: str, value: str, limit: int | None, with_text: bool
             ) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    out = []
    for i, s, t, p, fields, x in ws.store.facet_records(kind, value, limit, with_text):
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
    total = ws.store.facet_count("country", code)
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
    return ws.store.stores_field(name)


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
    total, rows = ws.store.entity_list(q, type_, country.upper() if country else None, limit, offset)
    return total, [{"id": i, "type": t, "name": n, "country": c, "articles": k} for i, t, n, c, k in rows]


def entity_detail(ws: Workspace, entity_id: str, latest: int = 30) -> dict[str, Any]:
    """Canonical name, aliases and spellings met, roles (the knowledge base's offices, and the
    role mentions the articles attribute to it), mentions per month, co-mentioned countries."""
    row = ws.store.entity_row(entity_id)
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
    rows = ws.store.places(country.upper() if country else None, limit)
    return [{"name": n, "geonameid": g, "country": c, "lat": la, "lon": lo, "articles": k}
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
