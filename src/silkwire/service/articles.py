"""Use cases — the Python API that the CLI (and later the REST API and web UI) call.

Every function takes plain values and a ``Store``, and returns plain values or dataclasses; no
printing, no exiting. Usable on its own::

    from silkwire.service.articles import ingest, open_workspace, search
    with open_workspace("news.db", create=True) as ws:
        report = ingest(ws, ["listing.txt"])
        result = search(ws, "ouzbek*")

A workspace (``workspace.py``) is the SQLite store, the truth, and the text index derived
from it, kept in step there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from silkwire.errors import InputError, InputWarning, StoreError
from silkwire.ingest import Format, Limits, read_paths
from silkwire.ingest.limits import DEFAULT_LIMITS, checked
from silkwire.ingest.records import read_record
from silkwire.model import Article, SearchFilters, article_record, enrichment_fields
from silkwire.net import Fetcher
from silkwire.service import duplicates, repair
from silkwire.service.enrichment import (
    ENRICH_BATCH,
    Enricher,
    EnrichReport,
    after_enrich,
    default_enricher,
    enrich,
    estimate_publication,
    pending_enrichment,
    save_batch,
)
from silkwire.service.ingest_ahead import ahead, batches
from silkwire.service.inputs import read_inputs
from silkwire.service.search import Hit, SearchResult, hit_record, search
from silkwire.service.workspace import (
    INDEXED_THROUGH,
    Workspace,
    index_doc,
    index_path,
    open_workspace,
    remove_database,
    sync_index,
)

__all__ = ["ENRICH_BATCH", "EnrichReport", "Enricher", "Hit", "SearchFilters", "SearchResult", "Workspace",
           "after_enrich", "default_enricher", "enrich", "estimate_publication", "hit_record", "index_path",
           "open_workspace", "pending_enrichment", "remove_database", "save_batch", "search", "sync_index"]

BATCH_SIZE = 500
DEFAULT_DB = "silkwire.db"
AHEAD = os.environ.get("SILKWIRE_INGEST_AHEAD", "1") != "0"  # 0: each batch prepared in turn
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
    ws: Workspace,
    paths: Iterable[str],
    fmt: Format = "auto",
    source: str | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[IngestReport], None] | None = None,
    *,
    allow_private: bool = False,
    fetcher: Fetcher | None = None,
    limits: Limits | None = None,
) -> IngestReport:
    """Read the inputs and store their articles, one transaction per batch.

    The same article twice (same content and source) is stored once and counted as duplicate.
    Bad items are reported in ``rejected`` with their file and line; the good ones still go in.
    A new article that duplicates another (other source, other typography, another version of
    the dispatch) is stored and linked to its canonical, in the batch's transaction
    (``duplicates``); stories are updated at the end (``stories.after_ingest``).
    Paths may be http(s) URLs: fetched through ``fetcher`` (a new safe fetcher by default),
    refusing private addresses unless ``allow_private``. ``limits``: the largest line, article,
    unpacked .gz and document read (``ingest.limits``); an item over one is rejected.
    """
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        items = read_inputs(paths, fmt, source, fetcher, allow_private, limits or Limits())
        return ingest_items(ws, items, batch_size, on_batch)
    finally:
        if own:
            fetcher.close()


def ingest_items(
    ws: Workspace,
    items: Iterable[Article | InputError | InputWarning],
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Store articles from any reader (files, fetched feeds and pages, records): ``ingest``'s path."""
    keeps_index = ws.begin_index_write()
    follow = ws.follow_ingest()  # PostgreSQL: this node's index fed by the batches, not re-read after
    duplicates.catch_up(ws)
    report = IngestReport()
    left = repair.pending(ws)  # articles an earlier command was killed before giving stories
    # read, fingerprinted and analysed for the index one batch ahead, in a thread (ingest_ahead)
    prepared = batches(items, batch_size, duplicates.preparer(ws), keeps_index or follow is not None)
    for batch in ahead(prepared) if AHEAD else prepared:
        report.rejected += batch.rejected
        report.warnings += batch.warnings
        if not batch.articles:
            continue
        try:
            with ws.store.transaction():
                if follow:
                    follow.catch_up()  # what other writers stored since, under the write lock
                rowids = ws.store.add_articles(batch.articles)
                duplicates.link_duplicates(ws, [(r, a) for r, a in zip(rowids, batch.articles, strict=True) if r],
                                           batch.prepared)
                ws.store.mark_stories_pending([r for r in rowids if r], enriched=False)
        except BaseException:
            duplicates.forget_finder(ws)  # it saw articles that are not stored
            raise
        repair.step("ingest.batch")
        duplicates.flush_bands(ws, duplicates.FLUSH_BANDS)
        if keeps_index and batch.columns is not None:
            ws.index.add([index_doc(rowid, a, columns=c) for rowid, a, c in
                          zip(rowids, batch.articles, batch.columns, strict=True) if rowid])
        elif follow:
            follow.add(rowids, batch.articles, batch.columns)
        new = sum(1 for r in rowids if r)
        report.new += new
        report.duplicate += len(batch.articles) - new
        if on_batch:
            on_batch(report)
    duplicates.flush_bands(ws)  # derived: a process killed before this line loses none (dedup_index)
    # The store is committed batch by batch; the index once at the end (its commits are costly).
    # Should we die before this line, the next open re-indexes from the watermark.
    if keeps_index:
        ws.index.commit()
        repair.step("ingest.index")
        ws.store.set_meta(INDEXED_THROUGH, str(ws.store.max_rowid()))
        repair.step("ingest.watermark")
    if follow:
        follow.finish()
    ws.refresh()  # PostgreSQL: this node's index follows the store, as other readers' do
    repair.finish_ingest(ws, report.new, left, estimate_publication)
    return report


@dataclass
class RecordsReport:
    new: int = 0
    duplicate: int = 0
    ids: list[str | None] = field(default_factory=list)  # per record; None when rejected
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"index": i, "error": message}
    warnings: list[dict[str, Any]] = field(default_factory=list)


def ingest_records(ws: Workspace, records: Sequence[dict[str, Any]], source: str) -> RecordsReport:
    """Store JSON records (the JSONL input format) from memory: each record is read as a line of
    a JSONL file would be (``ingest.records``), then stored through ``ingest_items``, the path of
    ``silkwire ingest`` (same batching, same index watermark). Rejections and warnings carry the
    index of their record."""
    items: list[Article | InputError | InputWarning] = []
    ids: list[str | None] = []
    for i, record in enumerate(records):
        found = [checked(x, DEFAULT_LIMITS, f"record:{i}") if isinstance(x, Article) else x
                 for x in read_record(record, source, f"record:{i}")]  # lone surrogates, size, fields
        items += found
        ids.append(next((x.id for x in found if isinstance(x, Article)), None))
    try:
        ws.begin_index_write()
    except StoreError:
        raise StoreError("another process is writing to this database: try again when it is done") from None
    try:
        report = ingest_items(ws, items)
    except BaseException:
        ws.index.rollback()  # a pooled workspace goes back to its pool: it must not keep the lock
        raise
    out = RecordsReport(new=report.new, duplicate=report.duplicate, ids=ids)
    out.rejected = [{"index": int(e.origin.removeprefix("record:")), "error": e.message} for e in report.rejected]
    out.warnings = [{"index": int(w.origin.removeprefix("record:")), "error": w.message} for w in report.warnings]
    return out


def extract(
    paths: Iterable[str],
    fmt: Format = "auto",
    source: str | None = None,
    enricher: Enricher | None = None,
    batch_size: int = ENRICH_BATCH,
) -> Iterator[dict[str, Any] | InputError | InputWarning]:
    """Article records straight from the inputs, in input order; no database involved.

    With an ``enricher``, each record carries the facts it found (in batches, for speed).
    """
    pending: list[Article | InputError | InputWarning] = []

    def flush() -> Iterator[dict[str, Any] | InputError | InputWarning]:
        articles = [a for a in pending if isinstance(a, Article)]
        found = iter(enricher(articles)) if enricher and articles else iter(())
        for item in pending:
            if isinstance(item, Article):
                record = article_record(item)
                if enricher:
                    record.update(enrichment_fields(next(found)))
                yield record
            else:
                yield item
        pending.clear()

    for item in read_paths(paths, fmt, source):
        pending.append(item)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


# -- browse ------------------------------------------------------------------------------------


def show(ws: Workspace, article_id: str) -> dict[str, Any]:
    """The article record of one stored article (id or unique id prefix), with its facts."""
    article = ws.store.get(article_id)
    return duplicates.with_links(ws, stored_record(article, ws.store.enrichment(ws.store.rowid_of(article.id))))


def stored_record(article: Article, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The record of a stored article from its row and its stored enrichment (if any)."""
    record = article_record(article)
    if stored is not None:
        stored.pop("version", None)
        record.update(stored)
        if article.published is None:
            record["published_estimated"] = bool(record.get("published_estimated"))
        else:
            record["published"], record["published_estimated"] = article.published, False
    return record


def entities(
    ws: Workspace, type_: str | None = None, country: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Entities with the number of articles naming them, most named first."""
    return [{"id": i, "type": t, "name": n, "country": c, "articles": k}
            for i, t, n, c, k in ws.store.entity_counts(type_, country, limit)]


def published_span(ws: Workspace) -> tuple[str | None, str | None]:
    """The first and last publication dates of the corpus (what an open estimate must beat)."""
    return ws.store.published_span()


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


def build_demo(db_path: str = DEMO_DB, enricher: Enricher | None = None) -> tuple[IngestReport, EnrichReport]:
    """A fresh, enriched database at ``db_path`` from the demo corpus (an existing one is replaced)."""
    remove_database(db_path)
    with open_workspace(db_path, create=True) as ws:
        report = ingest(ws, demo_files())
        return report, enrich(ws, enricher)
