"""Enrichment on a Ray cluster (``silkwire enrich --engine ray``): the pipeline runs in Ray
actors, one per CPU of the cluster, each loading spaCy and the knowledge base once; this
process (the driver) reads the batches from the store and writes the results back through it.

- The work is the local path's, run by the local path: ``articles.enrich`` reads the batches
  (articles without an enrichment of this pipeline version, in rowid order), writes them in
  that order (``articles.save_batch``: the analyst's corrections applied over them) and does the
  follow-up (``articles.after_enrich``: index, publication estimates, stories). ``RayEnricher``
  is an enricher as ``nlp.workers.PooledEnricher`` is, over actors instead of processes: each
  actor is a ``nlp.workers.BatchEnricher`` (the worker state and batch function of the local
  workers), and batches are sent ahead and taken back in order by the same ``in_order``. Only
  where the pipeline runs changes.
- Idempotent and resumable: a batch is written in one transaction when its actor answers; a
  run stopped anywhere leaves whole batches, and the next run enriches what has no record of
  this version yet. A worker that dies (its machine, its process) loses its batch in flight:
  the batch goes to a new actor, up to ``RETRIES`` times.
- Several batches per actor are in flight, so that an actor never waits for the driver.

A cluster: ``ray start --head`` on one machine, ``ray start --address HEAD:6379`` on the others
(each with silkwire installed, same version), then ``silkwire enrich --engine ray --address auto``
from a machine of the cluster, or ``--address ray://HEAD:10001`` from outside (docs/scale.md).
The database must be one every worker's results can reach through the driver: any store works,
as the driver alone writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.model import PIPELINE_VERSION, Article, Enrichment
from silkwire.nlp.workers import BatchEnricher, in_order
from silkwire.service import repair
from silkwire.service.articles import ENRICH_BATCH, EnrichReport, after_enrich, enrich
from silkwire.service.workspace import Workspace

RETRIES = 3  # times a batch goes to a new actor after its actor died
IN_FLIGHT = 2  # batches per actor sent ahead


def connect(address: str | None, num_cpus: int | None = None) -> Any:
    """The ray module, connected: to ``address`` (auto, ray://HOST:PORT), or a local cluster."""
    try:
        import ray
    except ImportError:
        from silkwire.errors import StoreError

        raise StoreError("--engine ray needs Ray: pip install 'silkwire[ray]'") from None
    if not ray.is_initialized():
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=num_cpus, **options)
    return ray


@dataclass
class _Sent:
    """A batch in flight: its object ref, the actor on it, and how often it was sent again."""

    ref: Any
    actor: Any
    batch: list[Article]
    tries: int = 0


class RayEnricher:
    """An enricher (``service.articles.Enricher``) over Ray actors, started at the first batch:
    ``workers`` of them (by default one per CPU of the cluster), ``IN_FLIGHT`` batches ahead each."""

    def __init__(self, address: str | None = None, workers: int | None = None, kb_paths: Sequence[str] = ()) -> None:
        self.address, self.workers, self.kb_paths = address, workers, tuple(kb_paths)
        self.actors: list[Any] = []
        self._ray: Any = None
        self._remote: Any = None
        self._replaced: dict[Any, Any] = {}  # dead actor -> the one that took its place
        self._next = 0

    def _start(self) -> None:
        if self._ray is not None:
            return
        self._ray = ray = connect(self.address, self.workers)
        self._remote = ray.remote(num_cpus=1)(BatchEnricher)
        count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.actors = [self._remote.remote(self.kb_paths) for _ in range(count)]
        ray.get([a.ready.remote() for a in self.actors])

    def __call__(self, articles: Sequence[Article]) -> list[Enrichment]:
        return next(self.batches([articles]))

    def batches(self, batches: Iterable[Sequence[Article]]) -> Iterator[list[Enrichment]]:
        """The enrichments of each batch, in order, while the actors enrich the next ones."""
        self._start()
        return in_order(batches, self._submit, self._result, len(self.actors) * IN_FLIGHT)

    def _submit(self, batch: Sequence[Article]) -> _Sent:
        actor = self.actors[self._next % len(self.actors)]
        self._next += 1
        return _Sent(actor.enrich.remote(list(batch)), actor, list(batch))

    def _result(self, sent: _Sent) -> list[Enrichment]:
        ray = self._ray
        while True:
            try:
                return list(ray.get(sent.ref))
            except ray.exceptions.RayActorError:
                if sent.tries >= RETRIES:
                    raise
                # the worker died: one new actor takes its place, and its batches (one actor per
                # CPU: a second new one would wait for a CPU that never frees)
                dead = sent.actor
                if dead not in self._replaced:
                    self._replaced[dead] = self._remote.remote(self.kb_paths)
                    self.actors[self.actors.index(dead)] = self._replaced[dead]
                sent.actor = self._replaced[dead]
                sent.ref, sent.tries = sent.actor.enrich.remote(sent.batch), sent.tries + 1

    def close(self) -> None:
        if self._ray is not None:
            for actor in [*self.actors, *self._replaced]:
                self._ray.kill(actor)
            self.actors = []


def enrich_on_ray(ws: Workspace, address: str | None = None, workers: int | None = None,
                  batch_size: int = ENRICH_BATCH, kb_paths: Sequence[str] = (),
                  on_batch: Callable[[EnrichReport, Any], None] | None = None) -> EnrichReport:
    """``articles.enrich`` with the pipeline in Ray actors (module doc). ``workers``: actors (by
    default, one per CPU of the cluster). ``on_batch(report, actors)`` after each batch written."""
    if not ws.store.unenriched(PIPELINE_VERSION, 0, 1):  # nothing to do: no cluster, no model loaded
        return after_enrich(ws, EnrichReport(), [], repair.pending(ws))
    enricher = RayEnricher(address, workers, kb_paths)
    try:
        return enrich(ws, enricher, batch_size,
                      on_batch=None if on_batch is None else lambda report: on_batch(report, enricher.actors))
    finally:
        enricher.close()
