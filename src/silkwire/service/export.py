"""Exports (use case): the stored articles matching an optional query and the search filters,
streamed as article records, event rows, entity counts or GeoJSON features.

Articles come in input order (rowid), a batch at a time; with a query, the index gives the
matching rowids (integers only) and the rows are read in batches too. So the memory of an
export is one batch of records, whatever the corpus size (bench/export.py measures it), except
for ``entities``, which holds one counter per distinct entity.

    from silkwire.service import export as exporting
    from silkwire.service import articles as service
    with service.open_workspace("news.db") as ws:
        report = exporting.export(ws, "parquet", "events", out="events.parquet",
                                  filters=SearchFilters(countries=("KZ",)))
"""

from __future__ import annotations

import io
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from silkwire.errors import QueryError
from silkwire.export.rows import EntityTally, event_features, event_rows, place_features
from silkwire.export.writers import BINARY_FORMATS, FORMATS, SUPPORTED, WHATS, atomic_output, make_writer
from silkwire.model import Article, SearchFilters
from silkwire.nlp.kb.files import country_names
from silkwire.search import parse_query
from silkwire.service.articles import stored_record
from silkwire.service.duplicates import with_links  # duplicate_of, story: the record of show()
from silkwire.service.workspace import Workspace

BATCH = 500

CHUNK = 64 * 1024  # bytes a streamed export gathers before handing them on
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8",
               "geojson": "application/geo+json", "parquet": "application/vnd.apache.parquet"}
EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "geojson": "geojson", "parquet": "parquet"}

__all__ = ["FORMATS", "WHATS", "ExportReport", "check_filters", "check_format", "check_request", "export",
           "export_chunks", "matching_records"]


@dataclass(frozen=True, slots=True)
class ExportReport:
    articles: int  # articles that matched
    rows: int  # rows (records, events, entities or features) written
    path: str | None  # None: standard output


def check_format(fmt: str, what: str, flag: str = "--") -> None:
    """Refuse an unknown format or ``what``, or a format that cannot hold it (``QueryError``).
    ``flag`` prefixes the option names in the message ("--" on the command line, "" in the API)."""
    if fmt not in FORMATS:
        raise QueryError(f"{flag}format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if what not in WHATS:
        raise QueryError(f"{flag}what {what!r}: expected one of {', '.join(WHATS)}")
    if what not in SUPPORTED[fmt]:
        raise QueryError(f"{flag}format {fmt} holds {' or '.join(SUPPORTED[fmt])}, not {what} "
                         "(GeoJSON needs coordinates: places and events)")


def check_request(fmt: str, what: str, out: str | None) -> None:
    """Refuse a bad combination before anything is read or written (``QueryError``: exit 2)."""
    check_format(fmt, what)
    if fmt in BINARY_FORMATS and out is None:
        raise QueryError(f"--format {fmt} is binary: give --out FILE")


def check_filters(filters: SearchFilters, flag: str = "--") -> None:
    """Refuse filters that can match nothing by mistake: ``since`` after ``until``, a country
    that is no ISO code, an unknown PLOVER type or IPTC code (``QueryError``)."""
    from silkwire.export.briefing import type_labels

    if filters.since and filters.until and filters.since > filters.until:
        raise QueryError(f"{flag}since {filters.since} is after {flag}until {filters.until}")
    for code in filters.countries:
        if len(code) != 2 or not code.isalpha():
            raise QueryError(f"{flag}country {code!r}: expected an ISO 3166-1 alpha-2 code such as KZ")
    for event in filters.events:
        if event.upper() not in type_labels():
            raise QueryError(f"{flag}event {event!r}: expected a PLOVER type: {', '.join(type_labels())}")
    for topic in filters.topics:
        if not re.fullmatch(r"medtop:\d{8}", topic):
            raise QueryError(f"{flag}topic {topic!r}: expected an IPTC Media Topic code such as medtop:04000000")


def _record(row: tuple[int, Article, dict[str, Any] | None]) -> dict[str, Any]:
    _, article, fields = row
    return stored_record(article, fields)


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
    if query is not None and query.strip():
        rowids = _query_rowids(ws, query, filters)
        for i in range(0, len(rowids), batch):
            yield from (with_links(ws, _record(r)) for r in ws.store.record_rows(rowids[i:i + batch]))
        return
    after = 0
    while rows := ws.store.record_rows_after(after, filters, batch):
        yield from (with_links(ws, _record(r)) for r in rows)
        after = rows[-1][0]


@dataclass
class _Counts:
    articles: int = 0
    rows: int = 0


def _export_rows(ws: Workspace, fmt: str, what: str, query: str | None, filters: SearchFilters | None,
                 counts: _Counts) -> Iterator[dict[str, Any]]:
    """The rows of an export (records, event rows, entity rows or features), counted as they go."""
    records = matching_records(ws, query, filters)
    types = frozenset(filters.events) if filters else frozenset()
    names = country_names() if what == "events" or fmt == "geojson" else {}
    tally = EntityTally() if what == "entities" else None
    for record in records:
        counts.articles += 1
        if tally is not None:
            tally.add(record)
            continue
        for row in _rows(fmt, what, record, types, names):
            counts.rows += 1
            yield row
    for row in tally.rows() if tally is not None else ():
        counts.rows += 1
        yield row


def export(ws: Workspace, fmt: str, what: str = "records", query: str | None = None,
           filters: SearchFilters | None = None, out: str | None = None) -> ExportReport:
    """Write the export; ``out`` None writes to standard output (text formats only).

    Everything that can be refused (format, what, query) is refused before the output is
    opened; a file target is replaced atomically, only once the export completed."""
    check_request(fmt, what, out)
    if query is not None and query.strip():
        parse_query(query)
    counts = _Counts()
    rows = _export_rows(ws, fmt, what, query, filters, counts)
    with atomic_output(out, fmt in BINARY_FORMATS) as stream:
        writer = make_writer(fmt, what, stream)
        try:
            for row in rows:
                writer.write(row)
        except BaseException:
            getattr(writer, "abort", lambda: None)()
            raise
        writer.close()
    return ExportReport(counts.articles, counts.rows, out)


class _ByteChunks(io.RawIOBase):
    """A write-only binary sink whose bytes are taken out as they come (the Parquet writer's)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []
        self.size = 0
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        piece = bytes(data)
        self.parts.append(piece)
        self.size += len(piece)
        self.position += len(piece)
        return len(piece)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        out, self.parts, self.size = b"".join(self.parts), [], 0
        return out


class _TextChunks(io.StringIO):
    """A text sink whose content is taken out as UTF-8 as it comes (the text writers')."""

    def __init__(self) -> None:
        super().__init__(newline="")  # the CSV writer's own line ends, as written

    @property
    def size(self) -> int:
        return self.tell()

    def take(self) -> bytes:
        out = self.getvalue().encode("utf-8")
        self.seek(0)
        self.truncate(0)
        return out


def export_chunks(ws: Workspace, fmt: str, what: str = "records", query: str | None = None,
                  filters: SearchFilters | None = None) -> Generator[bytes, None, None]:
    """The export as a stream of bytes (UTF-8 for the text formats; Parquet too), handed on
    about ``CHUNK`` bytes at a time: the API streams it, holding one batch, never the export.

    The checks of ``export`` happen on the first ``next``, before any byte is produced."""
    check_format(fmt, what)
    if query is not None and query.strip():
        parse_query(query)
    sink: _ByteChunks | _TextChunks = _ByteChunks() if fmt in BINARY_FORMATS else _TextChunks()
    writer = make_writer(fmt, what, cast(IO[Any], sink))  # a file-like sink: what the writers use
    try:
        for row in _export_rows(ws, fmt, what, query, filters, _Counts()):
            writer.write(row)
            if sink.size >= CHUNK:
                yield sink.take()
    except BaseException:
        getattr(writer, "abort", lambda: None)()
        raise
    writer.close()
    yield sink.take()


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
