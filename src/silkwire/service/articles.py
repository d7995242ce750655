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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from silkwire.errors import InputError, InputWarning, StoreError
from silkwire.ingest import Format, Limits, read_paths
from silkwire.ingest.limits import DEFAULT_LIMITS, checked
from silkwire.ingest.records import read_record
from silkwire.model import (
    PIPELINE_VERSION,
    Article,
    Enrichment,
    SearchFilters,
    TimeRef,
    article_record,
    enrichment_fields,
)
from silkwire.net import Fetcher
from silkwire.service import corrections, duplicates, repair
from silkwire.service.inputs import read_inputs
from silkwire.service.search import Hit, SearchResult, hit_record, search
from silkwire.service.workspace import (
    INDEXED_THROUGH,
    Workspace,
    index_doc,
    index_path,
    open_workspace,
    reindex_pending,
    remove_database,
    sync_index,
)

__all__ = ["Hit", "SearchFilters", "SearchResult", "Workspace", "hit_record", "index_path", "open_workspace",
           "remove_database", "search", "sync_index"]

BATCH_SIZE = 500
ENRICH_BATCH = 256
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
    duplicates.catch_up(ws)
    report = IngestReport()
    batch: list[Article] = []
    left = repair.pending(ws)  # articles an earlier command was killed before giving stories

    def flush() -> None:
        prepared = duplicates.prepare(ws, batch)  # the costly part, before taking the write lock
        try:
            with ws.store.transaction():
                rowids = ws.store.add_articles(batch)
                duplicates.link_duplicates(ws, [(r, a) for r, a in zip(rowids, batch, strict=True) if r], prepared)
                ws.store.mark_stories_pending([r for r in rowids if r], enriched=False)
        except BaseException:
            duplicates.forget_finder(ws)  # it saw articles that are not stored
            raise
        repair.step("ingest.batch")
        duplicates.flush_bands(ws, duplicates.FLUSH_BANDS)
        if keeps_index:
            ws.index.add([index_doc(rowid, a) for rowid, a in zip(rowids, batch, strict=True) if rowid])
        new = sum(1 for r in rowids if r)
        report.new += new
        report.duplicate += len(batch) - new
        batch.clear()
        if on_batch:
            on_batch(report)

    for item in items:
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
    duplicates.flush_bands(ws)  # derived: a process killed before this line loses none (dedup_index)
    # The store is committed batch by batch; the index once at the end (its commits are costly).
    # Should we die before this line, the next open re-indexes from the watermark.
    if keeps_index:
        ws.index.commit()
        repair.step("ingest.index")
        ws.store.set_meta(INDEXED_THROUGH, str(ws.store.max_rowid()))
        repair.step("ingest.watermark")
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


# -- enrich ------------------------------------------------------------------------------------

Enricher = Callable[[Sequence[Article]], Iterable[Enrichment]]


@dataclass
class EnrichReport:
    enriched: int = 0
    version: str = PIPELINE_VERSION


def default_enricher(workers: int = 1, kb_paths: Sequence[str] = ()) -> Enricher:
    """The NLP pipeline; imported here, lazily, so commands without NLP never load spaCy.

    ``workers`` > 1: that many long-lived processes, each with the model loaded once, enrich
    whole batches while this one stores them (``nlp/workers.py``); 1: in this process.
    ``kb_paths``: the user's knowledge-base files or folders, merged over the shipped ones.
    """
    if workers > 1:
        from silkwire.nlp.workers import PooledEnricher

        return PooledEnricher(workers, kb_paths)
    from silkwire.nlp.kb import load_kb
    from silkwire.nlp.pipeline import enrich as run_pipeline

    kb = load_kb([Path(p) for p in kb_paths]) if kb_paths else None
    return lambda articles: run_pipeline(articles, kb=kb)


def pending_enrichment(ws: Workspace) -> int:
    """How many articles ``enrich`` would enrich now (for a progress bar)."""
    return ws.store.count_unenriched(PIPELINE_VERSION)


def enrich(
    ws: Workspace,
    enricher: Enricher | None = None,
    batch_size: int = ENRICH_BATCH,
    on_batch: Callable[[EnrichReport], None] | None = None,
) -> EnrichReport:
    """Run the pipeline on every article without an enrichment of the current version.

    Each batch is stored in one transaction; the index then picks up the new facets (countries,
    entities, places, event date) so that search can filter on them.
    """
    run = enricher or default_enricher()
    ws.begin_index_write()
    report = EnrichReport()
    enriched: list[int] = []
    left = repair.pending(ws)  # articles an earlier command was killed before giving stories
    read: deque[list[tuple[int, Article]]] = deque()  # batches read, in the order they are enriched

    def batches() -> Iterator[list[Article]]:
        after = 0
        while rows := ws.store.unenriched(PIPELINE_VERSION, after, batch_size):
            read.append(rows)
            after = rows[-1][0]
            yield [article for _, article in rows]

    # an enricher with ``batches`` (long-lived workers) enriches the next batches while this
    # process stores the last one; any other, a batch at a time
    many = getattr(run, "batches", None)
    results = many(batches()) if many is not None else (list(run(b)) for b in batches())
    for enrichments in results:
        rows = read.popleft()
        enriched += [rowid for rowid, _ in rows]
        save_batch(ws, rows, enrichments)
        report.enriched += len(rows)
        if on_batch:
            on_batch(report)
    return after_enrich(ws, report, enriched, left)


def save_batch(ws: Workspace, rows: Sequence[tuple[int, Article]], enrichments: Sequence[Enrichment]) -> None:
    """A batch's facts (corrections applied) and the stories' mark, in one transaction."""
    with ws.store.transaction():
        corrections.save_enrichments(ws, [(rowid, article, e) for (rowid, article), e in
                                          zip(rows, enrichments, strict=True)])
        ws.store.mark_stories_pending([rowid for rowid, _ in rows], enriched=True)
    repair.step("enrich.batch")


def after_enrich(ws: Workspace, report: EnrichReport, enriched: list[int], left: list[tuple[int, bool]]
                 ) -> EnrichReport:
    """After the batches of an enrichment (here or on Ray): new facets, estimates and stories."""
    reindex_pending(ws)
    ws.refresh()
    repair.step("enrich.index")
    repair.finish_enrich(ws, enriched, left, estimate_publication)
    return report


def estimate_publication(ws: Workspace) -> int:
    """Publication windows for undated articles (listing pages), stored with their enrichment.

    In input order (a listing is newest first), an undated article was published between its
    nearest dated neighbours, after the done events its own text reports and before the main event
    it announces (``nlp/temporal/estimate.py``). Returns how many articles got an estimate.
    """
    from silkwire.nlp.temporal.estimate import done_dates, estimate_published

    estimated = 0
    for source in ws.store.sources_with_undated():
        rows = ws.store.enriched_in_order(source)
        items = [(published, done_dates(text, [_time_ref(d) for d in fields.get("dates", ())]))
                 for _, published, text, fields in rows]
        planned = [fields.get("event_date") if fields.get("status") == "planned" else None
                   for _, _, _, fields in rows]
        results = estimate_published(items, planned)
        ws.store.set_published_estimates(
            [(rowid, value, flag) for (rowid, *_), (value, flag) in zip(rows, results, strict=True)])
        estimated += sum(1 for _, flag in results if flag)
    return estimated


def _time_ref(d: dict[str, Any]) -> TimeRef:
    return TimeRef(text=d["text"], span=(d["span"][0], d["span"][1]), value=d["value"], grain=d["grain"],
                   kind=d["kind"], anchor=d["anchor"])


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
