"""Analysis use cases: country relations and timelines, from the stored events.

``relations(ws, "KZ", with_="CN")`` -> one dict per partner (see
:meth:`silkwire.analytics.relations.Relation.as_dict`): event counts by PLOVER type and by
month, cooperative vs conflictual, planned ones, money amounts per currency, the last event
and the evidence list (each event with its article, its date and status, and the sentence
that proves it, as text and as a span of the article text).

``timeline(ws, country="UZ")`` -> events in date order (an undated event at its article's
publication date), each with the same evidence fields. With ``entity``, the events of the
articles naming that entity whose evidence contains one of its mentions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from silkwire.analytics.relations import EventFact, aggregate, cooperative, fact_dict
from silkwire.dates import parse_day, start_day
from silkwire.errors import QueryError
from silkwire.service.workspace import Workspace
from silkwire.store import EventKey

DEFAULT_TIMELINE_LIMIT = 200


def _code(value: str, name: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise QueryError(f"{name} {value!r}: expected an ISO 3166-1 alpha-2 country code such as KZ")
    return code


def _day(value: str | None, name: str) -> int | None:
    day = parse_day(value, name)
    return start_day(day) if day else None


def _facts(ws: Workspace, keys: Sequence[EventKey], entity: str | None = None) -> list[EventFact]:
    """The events of these keys with their evidence; with ``entity``, only those whose
    evidence contains a mention of it."""
    rowids = list(dict.fromkeys(k.rowid for k in keys))
    articles = dict(zip(rowids, ws.store.by_rowids(rowids), strict=True))
    fields = ws.store.enrichment_fields(rowids)
    out: list[EventFact] = []
    for key in keys:
        article, record = articles[key.rowid], fields.get(key.rowid, {})
        events: list[dict[str, Any]] = record.get("events") or []
        if key.n >= len(events):
            continue  # the events table and the record disagree only mid-migration: skip
        e = events[key.n]
        start, end = e["evidence"]
        if entity is not None and not _names(record, entity, start, end):
            continue
        published = article.published or record.get("published")
        estimated = article.published is None and bool(published) and bool(record.get("published_estimated"))
        out.append(EventFact(
            article.id, key.n, e["type"], tuple(e["source"]), tuple(e["target"]), e.get("date"), e.get("status"),
            e.get("place"), article.title, str(published) if published else None, (start, end),
            article.text[start:end],
            tuple((float(a["value"]), a.get("unit")) for a in e.get("amounts") or ()), estimated))
    return out


def event_tone(event_type: str, source: Sequence[str] = (), target: Sequence[str] = ()) -> str | None:
    """"cooperative" or "conflictual" as ``relations`` counts the event (its PLOVER quad class,
    ``analytics/plover_quad.tsv``; a MOBILIZE both ways is cooperation); None for an unknown type."""
    found = cooperative(event_type, bool(source) and set(source) == set(target))
    return None if found is None else "cooperative" if found else "conflictual"


def relations(ws: Workspace, country: str, with_: str | None = None, since: str | None = None,
              until: str | None = None, evidence: bool = True) -> list[dict[str, Any]]:
    """The partners of ``country`` in dated events within [since, until] (all events, dated
    or not, without bounds), busiest first. Raises QueryError on a bad code or date."""
    code = _code(country, "country")
    partner = _code(with_, "--with") if with_ else None
    keys = ws.store.event_keys(actor=code, partner=partner, since_day=_day(since, "--since"),
                               until_day=_day(until, "--until"), originals=True)
    return [r.as_dict(evidence) for r in aggregate(_facts(ws, keys), code, partner)]


def timeline(ws: Workspace, country: str | None = None, entity: str | None = None, since: str | None = None,
             until: str | None = None, types: Sequence[str] = (),
             limit: int = DEFAULT_TIMELINE_LIMIT, sources: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Events in date order (module doc); ``types`` keeps only those PLOVER types, ``sources``
    only the events of those sources' articles."""
    code = _code(country, "country") if country else None
    rowids: list[int] | None = None
    if entity is not None:
        rowids = ws.store.facet_rowids("entity", entity)
        if not rowids:
            return []
    if sources:
        of_sources = ws.store.rowids_of_sources(sources)
        rowids = of_sources if rowids is None else sorted(set(rowids) & set(of_sources))
        if not rowids:
            return []
    keys = ws.store.event_keys(actor=code, types=[t.upper() for t in types], since_day=_day(since, "--since"),
                               until_day=_day(until, "--until"), article_rowids=rowids, originals=True)
    facts = _facts(ws, keys, entity)
    facts.sort(key=lambda f: (f.when is None, (f.when or "").split("/")[0], f.article, f.n))
    return [fact_dict(f) for f in facts[:limit]]


def _names(record: dict[str, Any], entity: str, start: int, end: int) -> bool:
    """Does [start, end) of the article hold a mention of the entity (its stored record)?"""
    for e in record.get("entities") or []:
        if e["id"] == entity and any(start <= s and t <= end for s, t in e["spans"]):
            return True
    return False
