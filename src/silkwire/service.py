"""Use cases — the Python API that the CLI (and later the REST API and web UI) call.

Every function takes plain values and a ``Store``, and returns plain values or dataclasses; no
printing, no exiting. Usable on its own::

    from silkwire.service import ingest, search
    from silkwire.store import Store
    with Store("news.db") as store:
        report = ingest(store, ["listing.txt"])
        result = search(store, "ouzbek*")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from silkwire.errors import InputError, InputWarning
from silkwire.ingest import Format, read_paths
from silkwire.model import Article, article_record
from silkwire.search import Snippet, highlight_spans, index_columns, make_snippet, parse_query
from silkwire.store import SearchFilters, Store

BATCH_SIZE = 500
DEFAULT_DB = "silkwire.db"
DEMO_DB = "silkwire-demo.db"


def default_db_path() -> str:
    return os.environ.get("SILKWIRE_DB") or DEFAULT_DB


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
    store: Store,
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
        rows = [(a, index_columns(a.title, a.body)) for a in batch]
        for is_new in store.add_articles(rows):
            if is_new:
                report.new += 1
            else:
                report.duplicate += 1
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
    store: Store,
    query: str,
    filters: SearchFilters | None = None,
    limit: int = 10,
    offset: int = 0,
) -> SearchResult:
    """French full-text search, best first (BM25), with highlights. Raises ``QueryError``."""
    parsed = parse_query(query)
    rows, total = store.search(parsed.fts, filters or SearchFilters(), limit, offset)
    hits = []
    for row in rows:
        article = row.article
        spans = highlight_spans(article.text, parsed)
        title_len = len(article.title) if article.title else 0
        body_start = len(article.text) - len(article.body)
        hits.append(
            Hit(
                article=article,
                score=row.score,
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
        "score": round(-hit.score, 4),
        "snippet": hit.snippet.text,
        "snippet_highlights": [list(s) for s in hit.snippet.highlights],
        "highlights": [list(s) for s in hit.spans],
    }


# -- browse ------------------------------------------------------------------------------------


def show(store: Store, article_id: str) -> dict[str, Any]:
    """The article record of one stored article (id or unique id prefix)."""
    return article_record(store.get(article_id))


def stats(store: Store) -> dict[str, Any]:
    return store.stats()


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
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    with Store(db_path) as store:
        return ingest(store, demo_files())
