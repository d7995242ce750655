"""Long-lived enrichment workers: processes (here) or Ray actors (``service/distributed.py``) that
load the model and the knowledge base once, then enrich the batches sent to them; results come
back in the order the batches went, for the single writer to store.

``enrich(..., workers=N)`` used spaCy's own multiprocessing (``nlp.pipe(n_process=N)``), which
starts N processes for every call, and ran everything after the NER (knowledge base, dates,
events, topics: most of the time) in one process: two workers were slower than one (issue 16).
Here each worker runs the whole pipeline (``pipeline.enrich``, one process) on a whole batch;
the caller keeps a few batches ahead per worker, so that the single writer (``service/articles.enrich``)
stores batch k while the workers enrich the next ones.

What both kinds of worker share: ``BatchEnricher`` (a worker's state and its one batch
function) and ``in_order`` (batches sent ahead, results taken in order). What differs is only
how a batch reaches a worker: a process pool's queue here, a Ray actor's method call there.

How the processes start: where "fork" exists, this process runs no other Python thread and the
caller vouches for it (``start(fork=True)``: before the index's writer is taken), the model and the
knowledge base are loaded once, here, and the workers are forked from that state (copy on
write): N workers cost one model load, as one worker in process does (the second worker's own
load was ~4-6 s of CPU: docs/benchmarks/scale.md). Otherwise they are started with "spawn" (no
copy of the parent's threads), each loading its own. ``close`` stops them (as the
interpreter's exit does); a worker forked or spawned never touches the parent's database.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from silkwire.model import Article, Enrichment

AHEAD = 2  # batches queued per worker beyond the one it is on: none idles while the writer writes

T = TypeVar("T")  # a batch
H = TypeVar("H")  # what a worker gives back at once for it (a future, a Ray object ref)


class BatchEnricher:
    """A worker's state: the knowledge base and the model, loaded once, then batch after batch
    (a process of ``PooledEnricher``'s pool holds one; a Ray actor is one)."""

    def __init__(self, kb_paths: Sequence[str] = (), model: str | None = None) -> None:
        from silkwire.nlp.kb import load_kb
        from silkwire.nlp.pipeline import settle
        from silkwire.nlp.spacy_model import DEFAULT_MODEL, lexicon

        self.kb = load_kb([Path(p) for p in kb_paths]) if kb_paths else load_kb()
        self.model = model or DEFAULT_MODEL
        lexicon(self.model)  # loads the model now (cached for the process)
        settle()  # before the workers fork from this state (nlp/pipeline.py)

    def enrich(self, articles: Sequence[Article]) -> list[Enrichment]:
        from silkwire.nlp.pipeline import enrich

        return list(enrich(articles, model=self.model, kb=self.kb))

    def ready(self) -> bool:
        """True once loaded (what a caller waits on before timing or sending work)."""
        return True


def in_order(batches: Iterable[T], submit: Callable[[T], H], result: Callable[[H], list[Enrichment]],
             ahead: int) -> Iterator[list[Enrichment]]:
    """Each batch ``submit``ted, up to ``ahead`` of them before the oldest's ``result`` is taken:
    the results in the batches' order, while the workers enrich the next ones."""
    queued: deque[H] = deque()
    for batch in batches:
        queued.append(submit(batch))
        if len(queued) >= ahead:
            yield result(queued.popleft())
    while queued:
        yield result(queued.popleft())


_worker: list[BatchEnricher] = []  # in a pool's process: its one BatchEnricher


def _forkable() -> bool:
    """No other Python thread. Native ones: numpy's OpenBLAS keeps a pool of threads, which
    re-creates itself after a fork (its own fork handler), as in spaCy's ``n_process``; the
    index writer's threads (tantivy) would not, which is why the pool starts before it."""
    return threading.active_count() == 1


def _start(kb_paths: Sequence[str], model: str | None) -> None:
    _worker.append(BatchEnricher(kb_paths, model))


def _enrich(articles: list[Article]) -> list[Enrichment]:
    return _worker[0].enrich(articles)


def _ready() -> bool:
    return True


def _result(future: Future[list[Enrichment]]) -> list[Enrichment]:
    return future.result()


class PooledEnricher:
    """An enricher (``service.articles.Enricher``) over ``workers`` long-lived processes."""

    def __init__(self, workers: int, kb_paths: Sequence[str] = (), model: str | None = None) -> None:
        self.workers = workers
        self._init = (tuple(kb_paths), model)
        self._pool: ProcessPoolExecutor | None = None
        self.started_by = ""  # "fork" or "spawn", once started

    def start(self, fork: bool = True) -> None:
        """Start the workers now: forked when ``fork`` (the caller holds nothing a child must not
        inherit: ``service.enrichment.enrich`` calls it before it takes the index's writer, whose
        lock file and threads a child would keep) and this process allows it; else spawned.
        Without ``start``, they are spawned on the first batch."""
        self._executor(fork)

    def _executor(self, fork: bool = False) -> ProcessPoolExecutor:
        if self._pool is None:
            if fork and "fork" in multiprocessing.get_all_start_methods() and _forkable():
                _worker[:] = [BatchEnricher(*self._init)]  # loaded once; the workers inherit it
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
                self._pool.submit(_ready).result()  # every worker forked now, not at the first batch
                self.started_by = "fork"
            else:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start, initargs=self._init)
                self.started_by = "spawn"
        return self._pool

    def __call__(self, articles: Sequence[Article]) -> list[Enrichment]:
        return next(self.batches([articles]))

    def batches(self, batches: Iterable[Sequence[Article]]) -> Iterator[list[Enrichment]]:
        """The enrichments of each batch, in order, while the next batches are being enriched."""
        pool = self._executor()
        return in_order(batches, lambda batch: pool.submit(_enrich, list(batch)), _result,
                        self.workers * (1 + AHEAD))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
