"""Enrichment on a Ray cluster (``silkwire enrich --engine ray``): the pipeline runs in Ray
actors, one per CPU of the cluster, each loading spaCy and the knowledge base once; this
process (the driver) reads the batches from the store and writes the results back through it.

- The work is the local path's: the same batches (articles without an enrichment of this
  pipeline version, in rowid order), the same pipeline on each, the same records written
  (``articles.save_batch``: the analyst's corrections applied over them), then the same
  follow-up (``articles.after_enrich``: index, publication estimates, stories). Only where the
  pipeline runs changes.
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

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from silkwire.model import PIPELINE_VERSION, Article, Enrichment
from silkwire.service import repair
from silkwire.service.articles import ENRICH_BATCH, EnrichReport, after_enrich, save_batch
from silkwire.service.workspace import Workspace

RETRIES = 3  # times a batch goes to a new actor after its actor died
IN_FLIGHT = 2  # batches per actor sent ahead


class EnrichActor:
    """A Ray actor's state: the knowledge base and spaCy, loaded once, then batch after batch."""

    def __init__(self, kb_paths: Sequence[str] = ()) -> None:
        from silkwire.nlp.kb import load_kb
        from silkwire.nlp.pipeline import enrich

        self.kb = load_kb([Path(p) for p in kb_paths]) if kb_paths else None
        self._enrich = enrich
        list(enrich([Article(id="warm-up", source="-", title=None, text="Astana.")], kb=self.kb))  # spaCy loads now

    def enrich(self, articles: list[Article]) -> list[Enrichment]:
        return list(self._enrich(articles, kb=self.kb))

    def ready(self) -> bool:
        return True


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


def enrich_on_ray(ws: Workspace, address: str | None = None, workers: int | None = None,
                  batch_size: int = ENRICH_BATCH, kb_paths: Sequence[str] = (),
                  on_batch: Callable[[EnrichReport, Any], None] | None = None) -> EnrichReport:
    """``articles.enrich`` with the pipeline in Ray actors (module doc). ``workers``: actors (by
    default, one per CPU of the cluster). ``on_batch(report, actors)`` after each batch written."""
    left = repair.pending(ws)  # articles an earlier command was killed before giving stories
    if not ws.store.unenriched(PIPELINE_VERSION, 0, 1):
        return after_enrich(ws, EnrichReport(), [], left)  # nothing to do: no cluster, no model loaded
    ray = connect(address, workers)
    remote = ray.remote(num_cpus=1)(EnrichActor)
    count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    actors = [remote.remote(tuple(kb_paths)) for _ in range(count)]
    ray.get([a.ready.remote() for a in actors])
    report, enriched, after = EnrichReport(), list[int](), 0
    flying: dict[Any, tuple[Any, list[tuple[int, Article]], int]] = {}  # ref -> (actor, rows, tries)
    idle = [a for a in actors for _ in range(IN_FLIGHT)]
    replaced: dict[Any, Any] = {}  # dead actor -> the one that took its place
    exhausted = False
    ws.begin_index_write()
    try:
        while flying or not exhausted:
            while idle and not exhausted:
                rows = ws.store.unenriched(PIPELINE_VERSION, after, batch_size)
                if not rows:
                    exhausted = True
                    break
                after = rows[-1][0]
                actor = idle.pop()
                flying[actor.enrich.remote([a for _, a in rows])] = (actor, rows, 0)
            if not flying:
                break
            [ref], _ = ray.wait(list(flying), num_returns=1)
            actor, rows, tries = flying.pop(ref)
            try:
                found = ray.get(ref)
            except ray.exceptions.RayActorError:
                if tries >= RETRIES:
                    raise
                # the worker died: one new actor takes its place, and its batches (one actor per
                # CPU: a second new one would wait for a CPU that never frees)
                if actor not in replaced:
                    replaced[actor] = remote.remote(tuple(kb_paths))
                    actors.append(replaced[actor])
                actor = replaced[actor]
                flying[actor.enrich.remote([a for _, a in rows])] = (actor, rows, tries + 1)
                continue
            save_batch(ws, rows, found)
            enriched += [r for r, _ in rows]
            report.enriched += len(rows)
            idle.append(actor)
            if on_batch:
                on_batch(report, actors)
    finally:
        for actor in actors:
            ray.kill(actor)
    return after_enrich(ws, report, sorted(enriched), left)
