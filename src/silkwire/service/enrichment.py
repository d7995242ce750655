"""Enrichment use cases: the NLP pipeline over the stored articles without an enrichment of the
current version, a batch per transaction, and what follows it (facets in the index, publication
estimates, stories). Split from ``articles.py`` (ingest and browse), which re-exports these names.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from silkwire.model import PIPELINE_VERSION, Article, Enrichment, TimeRef
from silkwire.service import corrections, repair
from silkwire.service.workspace import Workspace, reindex_pending

ENRICH_BATCH = 256


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
    start = getattr(run, "start", None)  # long-lived workers: forked only while no index writer is open
    if start is not None:
        start(fork=not ws.index_writing())
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
    it announces (``nlp/temporal/estimate.py``). The main event dates that an estimate pins
    follow (``estimated_dates.py``). Returns how many articles got an estimate.
    """
    from silkwire.nlp.temporal.estimate import done_dates, estimate_published
    from silkwire.service.estimated_dates import pin_event_dates

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
        if pin_event_dates(ws, rows, results):
            reindex_pending(ws)  # the pinned dates are facts of the index too
            ws.refresh()
    return estimated


def _time_ref(d: dict[str, Any]) -> TimeRef:
    return TimeRef(text=d["text"], span=(d["span"][0], d["span"][1]), value=d["value"], grain=d["grain"],
                   kind=d["kind"], anchor=d["anchor"])
