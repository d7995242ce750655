"""Exports (use case): the stored articles matching an optional query and the search filters,
streamed as article records, event rows, entity counts or GeoJSON features.

Articles come in input order (rowid), a batch at a time; with a query, the index gives the
matching rowids (integers only) and the rows are read in batches too. So the memory of an
export is one batch of records, whatever the corpus size (bench/export.py measures it), except
for ``entities``, which holds one counter per distinct entity.

    from silkwire import exporting, service
    with service.open_workspace("news.db") as ws:
        report = exporting.export(ws, "parquet", "events", out="events.parquet",
                                  filters=service.SearchFilters(countries=("KZ",)))
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.browse import filter_conditions, register_functions
from silkwire.errors import QueryError
from silkwire.export.rows import EntityTally, event_features, event_rows, place_features
from silkwire.export.writers import BINARY_FORMATS, FORMATS, SUPPORTED, WHATS, atomic_output, make_writer
from silkwire.model import Article
from silkwire.search import parse_query
from silkwire.service import SearchFilters, Workspace, stored_record
from silkwire.storylines import with_links  # duplicate_of, story: the record of show()

BATCH = 500

__all__ = ["FORMATS", "WHATS", "ExportReport", "check_request", "export", "matching_records"]


@dataclass(frozen=True, slots=True)
class ExportReport:
    articles: int  # articles that matched
    rows: int  # rows (records, events, entities or features) written
    path: str | None  # None: standard output


def check_request(fmt: str, what: str, out: str | None) -> None:
    """Refuse a bad combination before anything is read or written (``QueryError``: exit 2)."""
    if fmt not in FORMATS:
        raise QueryError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if what not in WHATS:
        raise QueryError(f"--what {what!r}: expected one of {', '.join(WHATS)}")
    if what not in SUPPORTED[fmt]:
        raise QueryError(f"--format {fmt} holds {' or '.join(SUPPORTED[fmt])}, not {what} "
                         "(GeoJSON needs coordinates: places and events)")
    if fmt in BINARY_FORMATS and out is None:
        raise QueryError(f"--format {fmt} is binary: give --out FILE")


def _filter_sql(filters: SearchFilters) -> tuple[str, list[Any]]:
    """`` AND …`` conditions with the semantics of search's filters (browse.filter_conditions)."""
    where, args = filter_conditions(filters)
    return "".join(f" AND {w}" for w in where), args


_SELECT = ("SELECT a.rowid, a.id, a.source, a.title, a.text, a.published, a.url, a.ref, e.fields "
           "FROM articles a LEFT JOIN enrichments e ON e.article_rowid = a.rowid")


def _record(row: Sequence[Any]) -> dict[str, Any]:
    article = Article(id=row[1], source=row[2], title=row[3], text=row[4], published=row[5], url=row[6], ref=row[7])
    return stored_record(article, json.loads(row[8]) if row[8] is not None else None)


def _query_rowids(ws: Workspace, query: str, filters: SearchFilters) -> list[int]:
    """Every rowid matching the query, ascending (ints only: 36k of them is ~1 MB)."""
    node = parse_query(query).node
    assert node is not None  # parse_query raises on an empty query
    _, total = ws.index.search(node, filters, 1, 0)
    if total == 0:
        return []
    hits, _ = ws.index.search(node, filters, total, 0)
    return sorted(rowid for rowid, _ in hits)


def matching_records(ws: Workspace, query: str | None = None, filters: SearchFilters | None = None,
                     batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """The records (``silkwire show --json``) of the matching articles, in input order, streamed.

    A malformed query raises ``QueryError`` on the first ``next``, before any row is read."""
    filters = filters or SearchFilters()
    register_functions(ws)
    db = ws.store.db
    if query is not None and query.strip():
        rowids = _query_rowids(ws, query, filters)
        for i in range(0, len(rowids), batch):
            chunk = rowids[i:i + batch]
            rows = db.execute(f"{_SELECT} WHERE a.rowid IN ({', '.join('?' * len(chunk))}) ORDER BY a.rowid",
                              chunk).fetchall()
            yield from (with_links(ws, _record(r)) for r in rows)
        return
    conditions, args = _filter_sql(filters)
    after = 0
    while rows := db.execute(f"{_SELECT} WHERE a.rowid > ?{conditions} ORDER BY a.rowid LIMIT ?",
                             [after, *args, batch]).fetchall():
        yield from (with_links(ws, _record(r)) for r in rows)
        after = rows[-1][0]


def export(ws: Workspace, fmt: str, what: str = "records", query: str | None = None,
           filters: SearchFilters | None = None, out: str | None = None) -> ExportReport:
    """Write the export; ``out`` None writes to standard output (text formats only).

    Everything that can be refused (format, what, query) is refused before the output is
    opened; a file target is replaced atomically, only once the export completed."""
    check_request(fmt, what, out)
    if query is not None and query.strip():
        parse_query(query)
    records = matching_records(ws, query, filters)
    types = frozenset(filters.events) if filters else frozenset()
    names = country_names() if what == "events" or fmt == "geojson" else {}
    articles = rows = 0
    with atomic_output(out, fmt in BINARY_FORMATS) as stream:
        writer = make_writer(fmt, what, stream)
        try:
            tally = EntityTally() if what == "entities" else None
            for record in records:
                articles += 1
                if tally is not None:
                    tally.add(record)
                    continue
                for row in _rows(fmt, what, record, types, names):
                    writer.write(row)
                    rows += 1
            for row in tally.rows() if tally is not None else ():
                writer.write(row)
                rows += 1
        except BaseException:
            getattr(writer, "abort", lambda: None)()
            raise
        writer.close()
    return ExportReport(articles, rows, out)


def country_names() -> dict[str, str]:
    """ISO code -> French name, from the knowledge base (for actors' names in exports and digests)."""
    from silkwire.nlp.kb import load_kb  # the knowledge base's French names (no NLP model load)

    return {code: c.name for code, c in load_kb().countries.items()}


def _rows(fmt: str, what: str, record: dict[str, Any], types: frozenset[str] = frozenset(),
          names: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """The rows of one record. ``types`` (from --event) selects the articles, and for event rows
    also the events: `--event AGREE --what events` gives AGREE events, not their neighbours."""
    if fmt == "geojson":
        if what == "records":
            yield from place_features(record)
        yield from (f for f in event_features(record, names) if not types or f["properties"]["type"] in types)
    elif what == "events":
        yield from (r for r in event_rows(record, names) if not types or r["type"] in types)
    else:
        yield record
