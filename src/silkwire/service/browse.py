"""Browsing use cases (service layer) that the API needs beyond ``service``.

Each is a bridge, written for the API first, and meant to move into store/index + service:
- ``list_articles``: browsing without a query (newest first, same filters as search) -> a
  ``Store.list_articles`` + ``service.list_articles``;
- ``search_newest_first``: search sorted by date -> ``TextIndex.search(order_by=...)`` and
  ``service.search(sort=...)``;
- ``ingest_records``: ingest JSON records from memory -> ``service.ingest_records``.
They only read (or go through ``service.ingest``), so moving them changes no behaviour.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import tantivy

from silkwire.dates import first_day, start_day  # the index's own date rules; see register_functions
from silkwire.errors import InputWarning, StoreError
from silkwire.model import Article, SearchFilters
from silkwire.search import make_snippet, parse_query
from silkwire.search.index import TextIndex
from silkwire.service import articles as service
from silkwire.service.articles import Workspace
from silkwire.store.stories import is_duplicate_sql

# -- browsing without a query ---------------------------------------------------------------


def register_functions(ws: Workspace) -> None:
    """SQL helpers for ``list_articles``, on this workspace's connection.

    ``start_day`` turns an event date of any grain (2025-07, 2025-Q3, 2025-07-01/2025-07-05)
    into the YYYYMMDD of its first day, exactly as the text index does, so ``by=event`` filters
    select the same articles with or without ``q``; comparing the ISO strings would not
    ('2025-07' < '2025-07-01').
    """
    ws.store.db.create_function("silkwire_start_day", 1, first_day, deterministic=True)


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    articles: list[Article]
    estimates: dict[str, str] = field(default_factory=dict)  # id -> estimated publication, for undated ones


def filter_conditions(filters: SearchFilters) -> tuple[list[str], list[Any]]:
    """SQL conditions (over ``articles a``, and ``enrichments e`` for ``by="event"``) with the
    semantics of search's filters: dates of any grain compared by their first day, every facet
    required. Shared by listings and exports."""
    where: list[str] = []
    args: list[Any] = []
    if filters.since or filters.until:
        if filters.by == "event":
            column = "silkwire_start_day(e.event_date)"
            bounds: list[int | str | None] = [start_day(d) if d else None for d in (filters.since, filters.until)]
        else:
            column, bounds = "a.published", [filters.since, filters.until]
        for op, bound in zip((">=", "<="), bounds, strict=True):
            if bound is not None:
                where.append(f"{column} {op} ?")
                args.append(bound)
    if filters.sources:
        where.append(f"a.source IN ({', '.join('?' * len(filters.sources))})")
        args += filters.sources
    for kind, values in (("country", filters.countries), ("entity", filters.entities), ("place", filters.places),
                         ("event", filters.events), ("topic", filters.topics)):
        for value in values:
            where.append("a.rowid IN (SELECT article_rowid FROM article_facets WHERE kind = ? AND value = ?)")
            args += [kind, value]
    return where, args


def filter_clause(filters: SearchFilters, duplicates: bool = True) -> tuple[str, list[Any]]:
    """The JOIN/WHERE (over ``articles a``) selecting the articles that match the filters;
    without ``duplicates``, only originals (each duplicate group once, through its earliest)."""
    conditions, args = filter_conditions(filters)
    where = conditions if duplicates else [f"NOT {is_duplicate_sql('a.rowid')}", *conditions]
    join = "JOIN enrichments e ON e.article_rowid = a.rowid" if (filters.since or filters.until) and \
        filters.by == "event" else ""
    clause = f"{join} WHERE {' AND '.join(where)}" if where else join
    return clause, args


def list_articles(ws: Workspace, filters: SearchFilters, limit: int, offset: int, duplicates: bool = True) -> Page:
    """Articles matching the filters, newest published first, undated ones last.

    Ties (same day) go by rowid ascending: listing pages are read newest first, so within a day
    the earlier stored article is the newer one. Facet filters (country, entity, place) must
    all match, as in search. Without ``duplicates``, each duplicate group shows once (its
    earliest article), as search does by default.
    """
    clause, args = filter_clause(filters, duplicates)
    db: sqlite3.Connection = ws.store.db
    facets = [(k, v) for k, values in (("country", filters.countries), ("entity", filters.entities),
                                       ("place", filters.places), ("event", filters.events), ("topic", filters.topics))
              for v in values]
    if filters == SearchFilters():
        # The whole feed: all articles less the duplicates, two index counts (0.03 ms) instead of
        # testing each of 34k rows against the duplicate list (3.4 ms).
        total = int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
        if not duplicates:
            total -= int(db.execute("SELECT count(*) FROM article_dedup WHERE duplicate_of IS NOT NULL"
                                    ).fetchone()[0])
    elif len(facets) == 1 and not (filters.since or filters.until or filters.sources):
        # One facet alone: its rows in the facet table's primary key are the count (one row per
        # article), 0.7 ms for 9k articles where counting through the articles takes 10 ms.
        sql = "SELECT count(*) FROM article_facets WHERE kind = ? AND value = ?"
        if not duplicates:
            sql += f" AND NOT {is_duplicate_sql('article_rowid')}"
        total = int(db.execute(sql, facets[0]).fetchone()[0])
    else:
        total = int(db.execute(f"SELECT count(*) FROM articles a {clause}", args).fetchone()[0])
    # Rowids first, rows after: the skipped rows of a deep page then cost an index step each,
    # not a row read (offset 10,000 on 30k articles: 20 ms -> 4 ms).
    rowids = [r[0] for r in db.execute(
        f"SELECT a.rowid FROM articles a {clause} ORDER BY a.published DESC, a.rowid ASC LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )]
    articles = ws.store.by_rowids(rowids)
    return Page(total, articles, ws.store.published_estimates([a.id for a in articles if a.published is None]))


def summary(article: Article, estimate: str | None = None) -> dict[str, Any]:
    """What a list shows of an article: its fields and the start of its body. As in the
    article record, an ``estimate`` of its publication stands in for a missing date, flagged."""
    return {
        "id": article.id,
        "source": article.source,
        "url": article.url,
        "published": article.published or estimate,
        "published_estimated": article.published is None and estimate is not None,
        "title": article.title,
        "snippet": make_snippet(article.body, []).text,
    }


# -- search, newest first ----------------------------------------------------------------------


class _NewestFirstIndex(TextIndex):
    """The same index and query compilation, ranked by publication day instead of BM25.

    Shares the wrapped index's reader (no second open). Undated articles come last; ties in
    index order (insertion order, so the same tie rule as ``list_articles`` up to segment
    merges).
    """

    def __init__(self, inner: TextIndex) -> None:  # deliberately no super().__init__: no new open
        self.schema = inner.schema
        self.index = inner.index
        self._writer = None

    def search(self, node: Any, filters: SearchFilters, limit: int, offset: int) -> tuple[list[tuple[int, float]], int]:
        query = self._compile(node)
        extra = [(tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in self._filters(filters)]
        if extra:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *extra])
        self.index.reload()
        searcher = self.index.searcher()
        result = searcher.search(query, limit=limit, offset=offset, count=True, order_by_field="day")
        hits = [(int(searcher.doc(address)["rowid"][0]), 0.0) for _, address in result.hits]
        return hits, int(getattr(result, "count", 0) or 0)


def search_newest_first(ws: Workspace, query: str, filters: SearchFilters, limit: int, offset: int,
                        duplicates: bool = False) -> service.SearchResult:
    """``service.search`` with hits ordered by publication date, newest first."""
    parse_query(query)  # a malformed query fails here, before any index work
    return service.search(Workspace(ws.store, _NewestFirstIndex(ws.index)), query, filters, limit, offset,
                          duplicates)


# -- ingest from memory --------------------------------------------------------------------------


@dataclass
class RecordsReport:
    new: int = 0
    duplicate: int = 0
    ids: list[str | None] = field(default_factory=list)  # per record; None when rejected
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"index": i, "error": message}
    warnings: list[dict[str, Any]] = field(default_factory=list)


def ingest_records(ws: Workspace, records: Sequence[dict[str, Any]], source: str) -> RecordsReport:
    """Store JSON records (the JSONL input format) through ``service.ingest``.

    The records go through a temporary JSONL file so that they take exactly the path of
    ``silkwire ingest`` (same reader, same batching, same index watermark). Line n of that
    file is record n-1, which is how messages get their record index back.
    """
    fd, path = tempfile.mkstemp(suffix=".jsonl", prefix="silkwire-api-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for record in records:
                # ASCII escapes: a lone surrogate (valid JSON, no character) reaches the reader,
                # which replaces it and says so, instead of failing this write
                fh.write(json.dumps(record) + "\n")
        # One line per record, and the JSONL reader gives one item (record or error) per line.
        items = [x for x in service.extract([path], "jsonl", source) if not isinstance(x, InputWarning)]
        ids = [x["id"] if isinstance(x, dict) else None for x in items]
        _take_index_writer(ws)
        try:
            report = service.ingest(ws, [path], "jsonl", source)
        except BaseException:
            ws.index.rollback()  # this workspace goes back to the pool: it must not keep the lock
            raise
    finally:
        os.remove(path)
    out = RecordsReport(new=report.new, duplicate=report.duplicate, ids=ids)
    out.rejected = [{"index": _index_of(e.origin), "error": e.message} for e in report.rejected]
    out.warnings = [{"index": _index_of(w.origin), "error": w.message} for w in report.warnings]
    return out


def _take_index_writer(ws: Workspace) -> None:
    """Take the index's writer lock before the first row goes into the store.

    ``service.ingest`` writes the store first and the index after; if another process (a
    ``silkwire ingest``) held the index lock, the rows would be stored but not indexed, and that
    process's watermark (max rowid) would then skip them. Failing here writes nothing.
    """
    try:
        ws.index._w()
    except ValueError as exc:
        if "lock" not in str(exc).lower():
            raise
        raise StoreError("another process is writing to this database: try again when it is done") from None


def _index_of(origin: str) -> int:
    line = origin.rsplit(":", 1)[-1]
    return int(line) - 1 if line.isdigit() else -1
