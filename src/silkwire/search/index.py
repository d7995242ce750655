"""The full-text index: tantivy, over terms made by our French analyser.

Chosen by measurement over SQLite FTS5 (BENCHMARKS.md): at 360k articles FTS5's BM25 ranking
costs ~2 µs per matching row, so common terms take 45-55 ms; tantivy's top-k stays under a few ms.
The index is *derived data*: SQLite holds the articles, the index holds their analysed terms
keyed by the article's SQLite rowid, and the service keeps it in step (a watermark in SQLite
says up to which rowid the index is committed; anything above it is re-indexed on open).

Fields hold terms already produced by ``search.analyzer`` (stems, folded words), split on white
space, so the index analyses nothing itself: the same analyser serves indexing, querying and
highlighting.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import tantivy

from silkwire.dates import first_day, start_day
from silkwire.errors import StoreError
from silkwire.model import SearchFilters
from silkwire.search.query import And, Node, Or, Phrase, Prefix

INDEX_VERSION = "3"  # bump when the analyser or the schema changes: the index is rebuilt
TITLE_BOOST = 3.0
_WRITER_HEAP = 32_000_000  # bounds ingest memory whatever the input size


@dataclass(frozen=True, slots=True)
class IndexDoc:
    rowid: int
    title_terms: str
    body_terms: str
    words: str
    source: str
    published: str | None  # YYYY-MM-DD
    countries: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    event_date: str | None = None  # the start of the article's main event (ISO, any grain)
    events: tuple[str, ...] = ()  # PLOVER types
    topics: tuple[str, ...] = ()  # IPTC codes


_FACETS = ("country", "entity", "place", "event", "topic")  # each must be in the article (AND)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("rowid", stored=True, indexed=True, fast=True)
    for name in ("title", "body", "words"):
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace")
    for name in ("source", *_FACETS):
        builder.add_text_field(name, stored=False, tokenizer_name="raw")
    builder.add_integer_field("day", stored=False, indexed=True, fast=True)
    builder.add_integer_field("event_day", stored=False, indexed=True, fast=True)
    return builder.build()


class TextIndex:
    """A tantivy index in ``path`` (a directory), or in memory when ``path`` is None."""

    def __init__(self, path: str | None) -> None:
        self.schema = _schema()
        if path is not None:
            os.makedirs(path, exist_ok=True)
        try:
            self.index = tantivy.Index(self.schema, path=path, reuse=True)
        except ValueError as exc:
            if path is None or "schema does not match" not in str(exc):
                raise
            # An index made by an earlier silkwire (other fields): it is derived data, so start
            # it afresh; the workspace sees it empty and re-indexes the store.
            shutil.rmtree(path)
            os.makedirs(path)
            self.index = tantivy.Index(self.schema, path=path, reuse=True)
        self._writer: Any = None

    # -- writing ------------------------------------------------------------------------------

    def _w(self) -> Any:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        return self._writer

    @property
    def writing(self) -> bool:
        """Whether this process holds the index's writer (and its lock file) now."""
        return self._writer is not None

    def begin_write(self) -> None:
        """Take the index's single-writer lock now, before the store is written.

        Storing first and finding the lock taken afterwards would leave stored rows that no
        one indexes until the next open; failing up front writes nothing.
        """
        try:
            self._w()
        except ValueError as exc:
            if "lock" not in str(exc).lower():
                raise
            raise StoreError("another silkwire process is writing to this database; "
                             "try again when it has finished") from exc

    def add(self, docs: Sequence[IndexDoc]) -> None:
        writer = self._w()
        for d in docs:
            doc = tantivy.Document()
            doc.add_unsigned("rowid", d.rowid)
            doc.add_text("title", d.title_terms)
            doc.add_text("body", d.body_terms)
            doc.add_text("words", d.words)
            doc.add_text("source", d.source)
            for name, values in zip(_FACETS, (d.countries, d.entities, d.places, d.events, d.topics), strict=True):
                for value in values:
                    doc.add_text(name, value)
            if d.published:
                doc.add_integer("day", start_day(d.published))
            if (event_day := first_day(d.event_date)) is not None:
                doc.add_integer("event_day", event_day)
            writer.add_document(doc)

    def replace(self, docs: Sequence[IndexDoc]) -> None:
        """Re-index documents that are already there (their facts changed)."""
        writer = self._w()
        for d in docs:
            # delete_documents_by_term takes a Python int as i64 and misses this u64 field.
            writer.delete_documents_by_query(tantivy.Query.term_query(self.schema, "rowid", d.rowid))
        self.add(docs)

    def delete_above(self, rowid: int) -> None:
        """Remove documents past a watermark (left by a run that stopped before recording it)."""
        query = tantivy.Query.range_query(self.schema, "rowid", tantivy.FieldType.Unsigned, rowid + 1, None)
        self._w().delete_documents_by_query(query)

    def clear(self) -> None:
        self._w().delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self.index.reload()

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None

    # -- reading ------------------------------------------------------------------------------

    def count(self) -> int:
        self.index.reload()
        return int(self.index.searcher().num_docs)

    def search(self, node: Node, filters: SearchFilters, limit: int, offset: int, newest_first: bool = False
               ) -> tuple[list[tuple[int, float]], int]:
        """(rowid, score) best first (BM25), and the number of matching documents.

        With ``newest_first``, ranked by publication day instead, undated articles last, ties in
        index order (insertion order, so the listing's tie rule up to segment merges); the
        scores are then 0.
        """
        query = self._compile(node)
        clauses = [(tantivy.Occur.Must, query)]
        for extra in self._filters(filters):
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(extra, 0.0)))
        if len(clauses) > 1:
            query = tantivy.Query.boolean_query(clauses)
        self.index.reload()
        searcher = self.index.searcher()
        if newest_first:
            result = searcher.search(query, limit=limit, offset=offset, count=True, order_by_field="day")
        else:
            result = searcher.search(query, limit=limit, offset=offset, count=True)
        hits = []
        for score, address in result.hits:
            hits.append((int(searcher.doc(address)["rowid"][0]), 0.0 if newest_first else float(score)))
        # ``count`` is there at run time when count=True; the type stubs do not declare it.
        return hits, int(getattr(result, "count", 0) or 0)

    def _filters(self, filters: SearchFilters) -> list[Any]:
        out: list[Any] = []
        Q = tantivy.Query
        if filters.since or filters.until:
            out.append(Q.range_query(
                self.schema, "event_day" if filters.by == "event" else "day", tantivy.FieldType.Integer,
                start_day(filters.since) if filters.since else None,
                start_day(filters.until) if filters.until else None,
            ))
        if filters.sources:
            out.append(Q.term_set_query(self.schema, "source", list(filters.sources)))
        for name, values in zip(_FACETS, (filters.countries, filters.entities, filters.places, filters.events,
                                          filters.topics), strict=True):
            out.extend(Q.term_query(self.schema, name, value) for value in values)
        return out

    def _compile(self, node: Node) -> Any:
        Q, Occur = tantivy.Query, tantivy.Occur
        if isinstance(node, Phrase):
            return self._both_fields(node.terms)
        if isinstance(node, Prefix):
            words: list[str | tuple[int, str]] = [*node.words, node.prefix]
            if len(words) == 1:
                return Q.regex_query(self.schema, "words", _regex_prefix(node.prefix))
            return Q.phrase_prefix_query(self.schema, "words", words)
        if isinstance(node, And):
            clauses = [(Occur.Must, self._compile(c)) for c in node.must]
            clauses += [(Occur.MustNot, self._compile(c)) for c in node.must_not]
            return Q.boolean_query(clauses)
        if isinstance(node, Or):
            return Q.boolean_query([(Occur.Should, self._compile(c)) for c in node.any])
        raise TypeError(f"unknown query node {node!r}")

    def _both_fields(self, terms: tuple[str, ...]) -> Any:
        Q, Occur = tantivy.Query, tantivy.Occur
        if len(terms) == 1:
            title, body = (Q.term_query(self.schema, f, terms[0], index_option="freq") for f in ("title", "body"))
        else:
            title, body = (Q.phrase_query(self.schema, f, list(terms)) for f in ("title", "body"))
        return Q.boolean_query([(Occur.Should, Q.boost_query(title, TITLE_BOOST)), (Occur.Should, body)])


def _regex_prefix(prefix: str) -> str:
    # Terms are letters and digits only (the analyser's tokens), but escape anyway.
    return "".join(ch if ch.isalnum() else "\\" + ch for ch in prefix) + ".*"
