"""The SQL of search's filters (``SearchFilters``), and the queries that select articles by them
(``FilterQueries``): the feed without a query, the export's batches, the newest date of a digest.

Filters mean here what they mean in the text index: dates of any grain compared by their first
day (``silkwire_start_day``, registered on every connection by ``base.connect``), every facet
required, the sources any of. So a listing and a search with the same filters select the same
articles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from silkwire.dates import start_day
from silkwire.model import Article, SearchFilters
from silkwire.store.base import StoreBase, is_duplicate, marks

_FACETS = ("country", "entity", "place", "event", "topic")

# what an export reads of an article (its author is not part of the exported record)
_RECORD = ("SELECT a.rowid, a.id, a.source, a.title, a.text, a.published, a.url, a.ref, e.fields "
           "FROM articles a LEFT JOIN enrichments e ON e.article_rowid = a.rowid")

RecordRow = tuple[int, Article, dict[str, Any] | None]  # rowid, article, enrichment fields


def _facet_values(filters: SearchFilters) -> list[tuple[str, str]]:
    return [(kind, value) for kind, values in zip(_FACETS, (filters.countries, filters.entities, filters.places,
                                                            filters.events, filters.topics), strict=True)
            for value in values]


def filter_conditions(filters: SearchFilters) -> tuple[list[str], list[Any]]:
    """SQL conditions (over ``articles a``, and ``enrichments e`` for ``by="event"``) with the
    semantics of search's filters: dates of any grain compared by their first day, every facet
    required."""
    where: list[str] = []
    args: list[Any] = []
    if filters.since or filters.until:
        if filters.by == "event":
            column = "silkwire_start_day(e.event_date)"
            bounds: list[int | str | None] = [start_day(d) if d else None for d in (filters.since, filters.until)]
        else:
            column, bounds = "a.published", [filters.since, filters.until]
        for op, bound in zip((">=", "<="), bounds, strict=True):
            if bound is None:
                continue
            if op == ">=" and column == "a.published":
                # A publication known to the month or year ("2020-10") may fall on or after the
                # bound's day in that month: it stays ('2020-10' < '2020-10-15' as text).
                where.append("(a.published >= ? OR (length(a.published) < 10 "
                             "AND a.published = substr(?, 1, length(a.published))))")
                args += [bound, bound]
            else:
                where.append(f"{column} {op} ?")
                args.append(bound)
    if filters.sources:
        where.append(f"a.source IN ({marks(filters.sources)})")
        args += filters.sources
    for kind, value in _facet_values(filters):
        where.append("a.rowid IN (SELECT article_rowid FROM article_facets WHERE kind = ? AND value = ?)")
        args += [kind, value]
    return where, args


def filter_clause(filters: SearchFilters, duplicates: bool = True) -> tuple[str, list[Any]]:
    """The JOIN/WHERE (over ``articles a``) selecting the articles that match the filters;
    without ``duplicates``, only originals (each duplicate group once, through its earliest)."""
    conditions, args = filter_conditions(filters)
    where = conditions if duplicates else [f"NOT {is_duplicate('a.rowid')}", *conditions]
    join = "JOIN enrichments e ON e.article_rowid = a.rowid" if (filters.since or filters.until) and \
        filters.by == "event" else ""
    clause = f"{join} WHERE {' AND '.join(where)}" if where else join
    return clause, args


def _record_row(row: Sequence[Any]) -> RecordRow:
    article = Article(id=row[1], source=row[2], title=row[3], text=row[4], published=row[5], url=row[6], ref=row[7])
    return row[0], article, json.loads(row[8]) if row[8] is not None else None


class FilterQueries(StoreBase):
    """Articles selected by search filters, without the text index."""

    def newest_first(self, filters: SearchFilters, limit: int, offset: int, duplicates: bool = True
                     ) -> tuple[int, list[int]]:
        """(how many articles match, the rowids of a page of them): newest published first,
        undated ones last, ties (same day) by rowid ascending. Without ``duplicates``, each
        duplicate group counts once (its earliest article)."""
        clause, args = filter_clause(filters, duplicates)
        db = self.db
        facets = _facet_values(filters)
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
                sql += f" AND NOT {is_duplicate('article_rowid')}"
            total = int(db.execute(sql, facets[0]).fetchone()[0])
        else:
            total = int(db.execute(f"SELECT count(*) FROM articles a {clause}", args).fetchone()[0])
        # Rowids first, rows after: the skipped rows of a deep page then cost an index step each,
        # not a row read (offset 10,000 on 30k articles: 20 ms -> 4 ms).
        rowids = [r[0] for r in db.execute(
            f"SELECT a.rowid FROM articles a {clause} ORDER BY a.published DESC NULLS LAST, a.rowid ASC "
            "LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )]
        return total, rowids

    def record_rows(self, rowids: Sequence[int]) -> list[RecordRow]:
        """(rowid, article, enrichment fields or None) of these articles, in rowid order."""
        rows = self.db.execute(f"{_RECORD} WHERE a.rowid IN ({marks(rowids)}) ORDER BY a.rowid",
                               list(rowids)).fetchall()
        return [_record_row(r) for r in rows]

    def record_rows_after(self, after: int, filters: SearchFilters, limit: int) -> list[RecordRow]:
        """``record_rows`` of the next ``limit`` articles past rowid ``after`` that match the
        filters, duplicates included: an export's batch."""
        where, args = filter_conditions(filters)
        conditions = "".join(f" AND {w}" for w in where)
        rows = self.db.execute(f"{_RECORD} WHERE a.rowid > ?{conditions} ORDER BY a.rowid LIMIT ?",
                               [after, *args, limit]).fetchall()
        return [_record_row(r) for r in rows]

    def newest_date(self, by: str, sources: Sequence[str] = (), countries: Sequence[str] = ()) -> str | None:
        """The newest publication date (``by="published"``) or the first day of the newest main
        event (``by="event"``), YYYY-MM-DD, of the articles of these sources (any, if none) that
        name all these countries; None when none is dated."""
        column = "silkwire_start_day(e.event_date)" if by == "event" else "a.published"
        where, args = filter_conditions(SearchFilters(sources=tuple(sources), countries=tuple(countries)))
        where.append(f"{column} IS NOT NULL")
        newest = self.db.execute(
            f"SELECT max({column}) FROM articles a LEFT JOIN enrichments e "
            f"ON e.article_rowid = a.rowid WHERE {' AND '.join(where)}", args).fetchone()[0]
        if newest is None:
            return None
        if by == "event":  # YYYYMMDD -> YYYY-MM-DD
            newest = f"{newest // 10000:04d}-{newest // 100 % 100:02d}-{newest % 100:02d}"
        return str(newest)
