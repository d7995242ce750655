"""Article records (DESIGN.md) -> the rows of each export: flat CSV rows, event rows, entity
counts, GeoJSON features. Plain dicts in, plain dicts out; no I/O, no database.

A field the record does not have (not built, or not computed for this article) stays absent
from JSON rows and becomes an empty CSV cell: it is never turned into an empty list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

JOIN = "|"  # lists in one CSV cell: "KZ|UZ" (no code, id or place name here contains a "|")

# The CSV column set of `--what records`, in order. Scalars as they are; `<field>` joins the
# list's keys (codes, ids, names); `<field>_json` keeps the whole list with spans as JSON.
RECORD_COLUMNS: tuple[str, ...] = (
    "id", "source", "url", "published", "published_estimated", "ref", "title", "text",
    "countries", "entities", "entity_names", "places", "event_date", "status",
    "event_types", "topics", "duplicate_of", "story", "corrected",
    "countries_json", "entities_json", "places_json", "roles_json", "dates_json", "amounts_json",
    "events_json", "topics_json", "extra_json",
)
_JOINED = {  # CSV column -> (record field, key of each item)
    "countries": ("countries", "code"),
    "entities": ("entities", "id"),
    "entity_names": ("entities", "name"),
    "places": ("places", "name"),
    "event_types": ("events", "type"),
    "topics": ("topics", "code"),
}
# Record fields some column holds; any other field goes whole into `extra_json`, so nothing is lost
# (the corrections and rejected facts of a corrected record among them).
_CSV_FIELDS = frozenset(
    {c for c in RECORD_COLUMNS if c not in _JOINED and not c.endswith("_json") and c != "corrected"}
    | {c[:-5] for c in RECORD_COLUMNS if c.endswith("_json")}
)

EVENT_COLUMNS: tuple[str, ...] = (
    "article_id", "article_published", "article_title", "n", "main", "type", "mode",
    "source", "target", "source_names", "target_names", "source_entities", "target_entities",
    "date", "status", "place", "place_geonameid",
    "place_country", "lat", "lon",
    "trigger", "trigger_text", "evidence", "evidence_text", "confidence", "amounts",
)

ENTITY_COLUMNS: tuple[str, ...] = (
    "id", "type", "name", "country", "wikidata", "articles", "mentions", "first_published", "last_published",
)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _cell(value: Any) -> str:
    """A scalar CSV cell: None -> empty, booleans as true/false, structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _json(value)
    return str(value)


def csv_record_row(record: Mapping[str, Any]) -> list[str]:
    """One article record as the cells of ``RECORD_COLUMNS``."""
    row: list[str] = []
    for column in RECORD_COLUMNS:
        if column in _JOINED:
            name, key = _JOINED[column]
            items = record.get(name)
            row.append("" if items is None else JOIN.join(str(x.get(key) or "") for x in items))
        elif column == "corrected":  # an analyst corrected its facts (``corrections`` says how)
            row.append(_cell(bool(record.get("corrections"))))
        elif column == "extra_json":
            extra = {k: v for k, v in record.items() if k not in _CSV_FIELDS}
            row.append(_json(extra) if extra else "")
        elif column.endswith("_json"):
            items = record.get(column[:-5])
            row.append("" if items is None else _json(items))
        else:
            row.append(_cell(record.get(column)))
    return row


# -- events ------------------------------------------------------------------------------------


def _text_of(text: str, span: Sequence[int] | None) -> str | None:
    if not span or len(span) != 2:
        return None
    return text[span[0]:span[1]]


def _place_of(record: Mapping[str, Any], name: str | None) -> Mapping[str, Any] | None:
    """The article's place the event names (same name), for its GeoNames id and coordinates."""
    if not name:
        return None
    return next((p for p in record.get("places") or () if p.get("name") == name), None)


def event_rows(record: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """One row per event of the article, its main event (n = 0) first, with the evidence text;
    ``names``: ISO code -> French country name, for the actors' names."""
    text = record.get("text") or ""
    known = names or {}
    for n, event in enumerate(record.get("events") or ()):
        place = _place_of(record, event.get("place"))
        row: dict[str, Any] = {
            "article_id": record["id"],
            "article_published": record.get("published"),
            "article_title": record.get("title"),
            "n": n,
            "main": n == 0,
            "type": event.get("type"),
            "mode": event.get("mode"),
            "source": list(event.get("source") or ()),
            "target": list(event.get("target") or ()),
            "source_names": [known.get(x, x) for x in event.get("source") or ()],
            "target_names": [known.get(x, x) for x in event.get("target") or ()],
            "source_entities": event.get("source_entities"),  # people/organisations acting (ids), if built
            "target_entities": event.get("target_entities"),
            "date": event.get("date"),
            "status": event.get("status"),
            "place": event.get("place"),
            "place_geonameid": place.get("geonameid") if place else None,
            "place_country": place.get("country") if place else None,
            "lat": place.get("lat") if place else None,
            "lon": place.get("lon") if place else None,
            "trigger": event.get("trigger"),
            "trigger_text": _text_of(text, event.get("trigger")),
            "evidence": event.get("evidence"),
            "evidence_text": _text_of(text, event.get("evidence")),
            "confidence": event.get("confidence"),
            "amounts": event.get("amounts"),
            "corrected": bool(event.get("corrected")),  # added or changed by an analyst
        }
        yield row


def csv_event_row(row: Mapping[str, Any]) -> list[str]:
    """Event row cells: actor lists joined with ``|``, spans and amounts as JSON."""
    cells = []
    for column in EVENT_COLUMNS:
        value = row.get(column)
        actors = column in ("source", "target", "source_names", "target_names", "source_entities", "target_entities")
        cells.append(JOIN.join(value) if actors and isinstance(value, list) else _cell(value))
    return cells


# -- entities ----------------------------------------------------------------------------------


@dataclass
class EntityCount:
    id: str
    type: str | None
    name: str | None
    country: str | None
    wikidata: str | None
    articles: int = 0
    mentions: int = 0
    first_published: str | None = None
    last_published: str | None = None

    def row(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in ENTITY_COLUMNS}


@dataclass
class EntityTally:
    """Entity counts over a stream of records. Memory grows with the number of distinct
    entities, not of articles (OrangeSum-size corpora: tens of thousands at most)."""

    counts: dict[str, EntityCount] = field(default_factory=dict)

    def add(self, record: Mapping[str, Any]) -> None:
        published = record.get("published")
        day = published if isinstance(published, str) and "/" not in published else None  # given dates only
        for x in record.get("entities") or ():
            c = self.counts.get(x["id"])
            if c is None:  # the first name seen stays the display name, as in the store
                c = self.counts[x["id"]] = EntityCount(x["id"], x.get("type"), x.get("name"), x.get("country"),
                                                       x.get("wikidata"))
            c.articles += 1
            c.mentions += len(x.get("spans") or ())
            if day:
                c.first_published = min(c.first_published or day, day)
                c.last_published = max(c.last_published or day, day)

    def rows(self) -> list[dict[str, Any]]:
        """Most named first; ties by name, then id, so the output is deterministic."""
        ordered = sorted(self.counts.values(), key=lambda c: (-c.articles, -c.mentions, c.name or "", c.id))
        return [c.row() for c in ordered]


def csv_plain_row(row: Mapping[str, Any], columns: Sequence[str]) -> list[str]:
    return [_cell(row.get(c)) for c in columns]


# -- GeoJSON -----------------------------------------------------------------------------------


def _point(lon: Any, lat: Any) -> dict[str, Any] | None:
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    return {"type": "Point", "coordinates": [lon, lat]}  # GeoJSON order: longitude first


def place_features(record: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """One Point per located place of the article, with its evidence (the text it was read from)."""
    text = record.get("text") or ""
    for p in record.get("places") or ():
        geometry = _point(p.get("lon"), p.get("lat"))
        if geometry is None:
            continue
        spans = [list(s) for s in p.get("spans") or ()]
        yield {"type": "Feature", "geometry": geometry, "properties": {
            "kind": "place", "name": p.get("name"), "geonameid": p.get("geonameid"), "country": p.get("country"),
            "article_id": record["id"], "published": record.get("published"), "title": record.get("title"),
            "spans": spans, "evidence": [text[s:e] for s, e in spans],
        }}


def event_features(record: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """One Point per event whose place is one of the article's located places."""
    for row in event_rows(record, names):
        geometry = _point(row["lon"], row["lat"])
        if geometry is None:
            continue
        properties = {"kind": "event", **{k: v for k, v in row.items() if k not in ("lat", "lon")}}
        yield {"type": "Feature", "geometry": geometry, "properties": properties}
