"""Long-lived enrichment workers: processes that load the model and the knowledge base once, then
enrich the batches they take from a queue; results come back in the order the batches went.

``enrich(..., workers=N)`` used spaCy's own multiprocessing (``nlp.pipe(n_process=N)``), which
starts N processes for every call, and ran everything after the NER (knowledge base, dates,
events, topics: most of the time) in one process: two workers were slower than one (issue 16).
Here each worker runs the whole pipeline (``pipeline.enrich``, one process) on a whole batch;
the caller keeps a few batches ahead per worker, so that the single writer (``service/articles.enrich``)
stores batch k while the workers enrich the next ones.

Processes are started with "spawn" (no copy of the parent's open database or threads), on the
first batch; ``close`` stops them (as the interpreter's exit does).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from silkwire.model import Article, Enrichment

AHEAD = 2  # batches queued per worker beyond the one it is on: none idles while the writer writes

_state: dict[str, Any] = {}  # in a worker: what it loaded once


def _start(kb_paths: Sequence[str], model: str) -> None:
    """A worker's start: the knowledge base and the model, loaded once for every batch."""
    from silkwire.nlp.kb import load_kb
    from silkwire.nlp.spacy_model import lexicon

    _state["kb"] = load_kb([Path(p) for p in kb_paths]) if kb_paths else load_kb()
    _state["model"] = model
    lexicon(model)  # loads the model (cached for the process)


def _enrich(articles: list[Article]) -> list[Enrichment]:
    from silkwire.nlp.pipeline import enrich

    return list(enrich(articles, model=_state["model"], kb=_state["kb"]))


class PooledEnricher:
    """An enricher (``service.articles.Enricher``) over ``workers`` long-lived processes."""

    def __init__(self, workers: int, kb_paths: Sequence[str] = (), model: str | None = None) -> None:
        from silkwire.nlp.spacy_model import DEFAULT_MODEL

        self.workers = workers
        self._init = (tuple(kb_paths), model or DEFAULT_MODEL)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=self._init)
        return self._pool

    def __call__(self, articles: Sequence[Article]) -> list[Enrichment]:
        return next(self.batches([articles]))

    def batches(self, batches: Iterable[Sequence[Article]]) -> Iterator[list[Enrichment]]:
        """The enrichments of each batch, in order, while the next batches are being enriched."""
        pool = self._executor()
        queued: deque[Future[list[Enrichment]]] = deque()
        source = iter(batches)
        more = True
        while more or queued:
            while more and len(queued) < self.workers * (1 + AHEAD):
                batch = next(source, None)
                if batch is None:
                    more = False
                else:
                    queued.append(pool.submit(_enrich, list(batch)))
            if queued:
                yield queued.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
