"""Use cases — the Python API that the CLI (and later the REST API and web UI) call.

Every function takes plain values and a ``Store``, and returns plain values or dataclasses; no
printing, no exiting. Usable on its own::

    from silkwire.service import ingest, open_workspace, search
    with open_workspace("news.db", create=True) as ws:
        report = ingest(ws, ["listing.txt"])
        result = search(ws, "ouzbek*")

A workspace is the SQLite store (the truth) and the text index derived from it
(``<db>.index/``), kept in step here: the store records up to which rowid the index is
committed, and anything above that is (re-)indexed before the workspace is used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from silkwire.errors import InputError, InputWarning
from silkwire.ingest import Format, read_paths
from silkwire.model import Article, article_record
from silkwire.search import Snippet, highlight_spans, index_columns, make_snippet, parse_query
from silkwire.search.index import INDEX_VERSION, IndexDoc, TextIndex
from silkwire.search.index import IndexFilters as SearchFilters
from silkwire.store import Store

__all__ = ["SearchFilters"]  # re-exported for the interfaces

BATCH_SIZE = 500
DEFAULT_DB = "silkwire.db"
DEMO_DB = "silkwire-demo.db"


def default_db_path() -> str:
    return os.environ.get("SILKWIRE_DB") or DEFAULT_DB


# -- workspace ---------------------------------------------------------------------------------

_INDEXED_THROUGH = "text_index.indexed_through"
_INDEX_VERSION = "text_index.version"
_SYNC_BATCH = 2000


class Workspace:
    """The store and its text index. Use as a context manager."""

    def __init__(self, store: Store, index: TextIndex) -> None:
        self.store = store
        self.index = index

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.index.rollback()
        self.store.close()


def index_path(db_path: str) -> str | None:
    return None if db_path == ":memory:" else f"{db_path}.index"


def open_workspace(db_path: str, create: bool = False) -> Workspace:
    store = Store(db_path, create=create)
    ws = Workspace(store, TextIndex(index_path(db_path)))
    try:
        sync_index(ws)
    except ValueError as exc:
        # Another process (an ingest) holds the index writer; it will bring the index up to
        # date itself, so read what is committed now rather than wait.
        if "lock" not in str(exc).lower():
            raise
    return ws


def _index_doc(rowid: int, article: Article) -> IndexDoc:
    title_terms, body_terms, words = index_columns(article.title, article.body)
    return IndexDoc(rowid, title_terms, body_terms, words, article.source, article.published)


def sync_index(ws: Workspace) -> int:
    """Index what the store has and the index lacks (after a crash, or an analyser change)."""
    store, index = ws.store, ws.index
    mark = int(store.get_meta(_INDEXED_THROUGH) or 0)
    if store.get_meta(_INDEX_VERSION) != INDEX_VERSION or index.count() < store.count_through(mark):
        index.clear()  # a new analyser, or an index lost or damaged: rebuild it whole
        mark = 0
    elif mark >= store.max_rowid():
        return 0
    else:
        index.delete_above(mark)
    done = 0
    while rows := store.articles_after(mark, _SYNC_BATCH):
        index.add([_index_doc(rowid, article) for rowid, article in rows])
        mark = rows[-1][0]
        done += len(rows)
    index.commit()
    store.set_meta(_INDEXED_THROUGH, str(mark))
    store.set_meta(_INDEX_VERSION, INDEX_VERSION)
    return done


# -- ingest ------------------------------------------------------------------------------------


@dataclass
class IngestReport:
    new: int = 0
    duplicate: int = 0
    rejected: list[InputError] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.new + self.duplicate


def ingest(
    ws: Workspace,
    paths: Iterable[str],
    fmt: Format = "auto",
    source: str | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Read the inputs and store their articles, one transaction per batch.

    The same article twice (same content and source) is stored once and counted as duplicate.
    Bad items are reported in ``rejected`` with their file and line; the good ones still go in.
    """
    report = IngestReport()
    batch: list[Article] = []

    def flush() -> None:
        rowids = ws.store.add_articles(batch)
        ws.index.add([_index_doc(rowid, a) for rowid, a in zip(rowids, batch, strict=True) if rowid])
        new = sum(1 for r in rowids if r)
        report.new += new
        report.duplicate += len(batch) - new
        batch.clear()
        if on_batch:
            on_batch(report)

    for item in read_paths(paths, fmt, source):
        if isinstance(item, InputError):
            report.rejected.append(item)
        elif isinstance(item, InputWarning):
            report.warnings.append(item)
        else:
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
    if batch:
        flush()
    # The store is committed batch by batch; the index once at the end (its commits are costly).
    # Should we die before this line, the next open re-indexes from the watermark.
    ws.index.commit()
    ws.store.set_meta(_INDEXED_THROUGH, str(ws.store.max_rowid()))
    return report


def extract(
    paths: Iterable[str], fmt: Format = "auto", source: str | None = None
) -> Iterator[dict[str, Any] | InputError | InputWarning]:
    """Article records straight from the inputs, in input order; no database involved."""
    for item in read_paths(paths, fmt, source):
        yield article_record(item) if isinstance(item, Article) else item


# -- search ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    article: Article
    score: float
    title_highlights: list[tuple[int, int]]  # spans in the title
    snippet: Snippet  # from the body
    spans: list[tuple[int, int]]  # every highlight, as spans of article.text


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit]


def search(
    ws: Workspace,
    query: str,
    filters: SearchFilters | None = None,
    limit: int = 10,
    offset: int = 0,
) -> SearchResult:
    """French full-text search, best first (BM25), with highlights. Raises ``QueryError``."""
    parsed = parse_query(query)
    assert parsed.node is not None  # parse_query raises on an empty query
    ranked, total = ws.index.search(parsed.node, filters or SearchFilters(), limit, offset)
    articles = ws.store.by_rowids([rowid for rowid, _ in ranked])
    hits = []
    for article, (_, score) in zip(articles, ranked, strict=False):
        spans = highlight_spans(article.text, parsed)
        title_len = len(article.title) if article.title else 0
        body_start = len(article.text) - len(article.body)
        hits.append(
            Hit(
                article=article,
                score=score,
                title_highlights=[s for s in spans if s[1] <= title_len],
                snippet=make_snippet(article.body, spans, offset=body_start),
                spans=spans,
            )
        )
    return SearchResult(query=query, total=total, hits=hits)


def hit_record(hit: Hit) -> dict[str, Any]:
    a = hit.article
    return {
        "id": a.id,
        "source": a.source,
        "published": a.published,
        "title": a.title,
        "score": round(hit.score, 4),
        "snippet": hit.snippet.text,
        "snippet_highlights": [list(s) for s in hit.snippet.highlights],
        "highlights": [list(s) for s in hit.spans],
    }


# -- browse ------------------------------------------------------------------------------------


def show(ws: Workspace, article_id: str) -> dict[str, Any]:
    """The article record of one stored article (id or unique id prefix)."""
    return article_record(ws.store.get(article_id))


def stats(ws: Workspace) -> dict[str, Any]:
    data = ws.store.stats()
    data["indexed"] = ws.index.count()
    return data


# -- demo --------------------------------------------------------------------------------------


def demo_files() -> list[str]:
    """The bundled demo corpus: listing pages and JSONL files (not the gold annotations)."""
    folder = Path(str(resources.files("silkwire.demo")))
    files = [p for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".jsonl")]
    return [str(p) for p in files if not p.name.startswith("gold")]


def gold_files() -> list[str]:
    folder = Path(str(resources.files("silkwire.demo")))
    return [str(p) for p in sorted(folder.glob("gold*.jsonl"))]


def build_demo(db_path: str = DEMO_DB) -> IngestReport:
    """A fresh database at ``db_path`` from the demo corpus (an existing file is replaced)."""
    remove_database(db_path)
    with open_workspace(db_path, create=True) as ws:
        return ingest(ws, demo_files())


def remove_database(db_path: str) -> None:
    """Delete a database file with its WAL files and text index."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    index = index_path(db_path)
    if index and os.path.isdir(index):
        shutil.rmtree(index)
