"""The open format's views (issue 19), SQLite: the facts and events of the stored enrichments
without JSON, for a datasette or pandas user. Created by migration 12 (``schema.py``); a later
migration that changes a column they read drops and recreates them.
"""

from __future__ import annotations

# silkwire_facts: one SELECT per list of the record fields: (kind, list, value, first span start,
# end, confidence), each a path into a list item, for both stores (pg_schema.py renders its own).
FACT_LISTS: list[tuple[str, str, tuple[str | int, ...], tuple[str | int, ...] | None,
                       tuple[str | int, ...] | None, tuple[str | int, ...] | None]] = [
    ("country", "countries", ("code",), ("spans", 0, 0), ("spans", 0, 1), None),
    ("entity", "entities", ("id",), ("spans", 0, 0), ("spans", 0, 1), None),
    ("place", "places", ("name",), ("spans", 0, 0), ("spans", 0, 1), None),
    ("date", "dates", ("value",), ("span", 0), ("span", 1), None),
    ("amount", "amounts", ("value",), ("span", 0), ("span", 1), None),
    ("event", "events", ("type",), ("trigger", 0), ("trigger", 1), ("confidence",)),
    ("topic", "topics", ("code",), None, None, ("score",)),
]


def _json(path: tuple[str | int, ...] | None) -> str:
    """SQLite's JSON path of a list item's field: ``("spans", 0, 1)`` -> ``$.spans[0][1]``."""
    if path is None:
        return "NULL"
    text = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"json_extract(j.value, '{text}')"


FACTS_VIEW = "CREATE VIEW silkwire_facts AS\n" + "\nUNION ALL\n".join(
    f"SELECT a.id AS article_id, '{kind}' AS kind, {_json(value)} AS value, {_json(start)} AS span_start, "
    f"{_json(end)} AS span_end, {_json(confidence)} AS confidence, "
    "coalesce(json_extract(j.value, '$.corrected'), 0) AS corrected "
    f"FROM enrichments e JOIN articles a ON a.rowid = e.article_rowid, json_each(e.fields, '$.{field}') j"
    for kind, field, value, start, end, confidence in FACT_LISTS)

# One row per event: its article, position (0 = main), type, date, status, place, actors (ISO
# codes, space-separated), confidence, trigger span, corrected, and whether the article is a
# duplicate (relations count each group once).
EVENTS_VIEW = """CREATE VIEW silkwire_events AS
SELECT a.id AS article_id, a.title, a.published, ev.n, ev.n = 0 AS main, ev.type, ev.date, ev.status, ev.place,
       (SELECT group_concat(x.actor, ' ') FROM event_actors x WHERE x.article_rowid = ev.article_rowid
           AND x.n = ev.n AND x.side = 'source') AS source,
       (SELECT group_concat(x.actor, ' ') FROM event_actors x WHERE x.article_rowid = ev.article_rowid
           AND x.n = ev.n AND x.side = 'target') AS target,
       json_extract(e.fields, '$.events[' || ev.n || '].confidence') AS confidence,
       json_extract(e.fields, '$.events[' || ev.n || '].trigger[0]') AS span_start,
       json_extract(e.fields, '$.events[' || ev.n || '].trigger[1]') AS span_end,
       coalesce(json_extract(e.fields, '$.events[' || ev.n || '].corrected'), 0) AS corrected,
       d.duplicate_of IS NOT NULL AS duplicate
  FROM events ev
  JOIN articles a ON a.rowid = ev.article_rowid
  JOIN enrichments e ON e.article_rowid = ev.article_rowid
  LEFT JOIN article_dedup d ON d.article_rowid = ev.article_rowid"""
