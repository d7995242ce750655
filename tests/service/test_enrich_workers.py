"""Enrichment with long-lived workers (issue 16): batches enriched ahead while the single writer
stores the last one, results in order, one transaction per batch; the pool itself (slow: two
processes load the model)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest
from localdb import write_jsonl as write

from silkwire.model import Article, CountryRef, Enrichment
from silkwire.service import articles as service


class Ahead:
    """A batching enricher as the pool is: it reads batches ahead of what the writer stored."""

    def __init__(self) -> None:
        self.read_ahead = 0
        self.started = 0
        self.forked: list[bool] = []

    def start(self, fork: bool = True) -> None:
        self.started += 1
        self.forked.append(fork)

    def __call__(self, articles: Sequence[Article]) -> list[Enrichment]:
        return next(self.batches([articles]))

    def batches(self, batches: Iterable[Sequence[Article]]) -> Iterator[list[Enrichment]]:
        source = iter(batches)
        ahead = [next(source), next(source)]  # two batches taken before the first is returned
        self.read_ahead = len(ahead)
        for batch in [*ahead, *source]:
            yield [Enrichment(a.id, countries=(CountryRef("KZ", ("name",), ((0, 1),)),)) for a in batch]


def test_batches_enriched_ahead_are_stored_in_order_each_in_its_transaction(tmp_path: Path) -> None:
    records = [{"title": f"Titre {i}", "lead": f"Le Kazakhstan, article {i}.", "source": "s",
                "published": f"2025-03-{1 + i % 28:02d}"} for i in range(23)]
    with service.open_workspace(str(tmp_path / "w.db"), create=True) as ws:
        service.ingest(ws, [write(tmp_path / "in.jsonl", records)])
        enricher = Ahead()
        seen: list[int] = []
        report = service.enrich(ws, enricher, batch_size=5, on_batch=lambda r: seen.append(r.enriched))
        assert report.enriched == 23 and seen == [5, 10, 15, 20, 23] and enricher.read_ahead == 2
        assert enricher.started == 1 and enricher.forked == [True]  # once, before the index writer
        more = [{**r, "title": f"Autre titre {i}"} for i, r in enumerate(records[:7])]
        service.ingest(ws, [write(tmp_path / "in2.jsonl", more)])
        ws.begin_index_write()  # a writer open in this process: no fork, its lock stays ours
        service.enrich(ws, enricher, batch_size=5)
        assert enricher.forked == [True, False]
        assert ws.store.stats()["enriched"] == 30
        assert service.pending_enrichment(ws) == 0


@pytest.mark.slow
@pytest.mark.parametrize("fork", [True, False])
def test_two_workers_enrich_as_one_process_does(fork: bool) -> None:
    """Forked from this process's loaded model (one load for both), or spawned (a load each)."""
    from silkwire.ingest import read_paths
    from silkwire.nlp.pipeline import enrich
    from silkwire.nlp.workers import PooledEnricher

    articles = [a for a in read_paths(service.demo_files()) if isinstance(a, Article)][:40]
    expected = list(enrich(articles))
    pool = PooledEnricher(2)
    try:
        pool.start(fork=fork)
        assert pool.started_by == ("fork" if fork else "spawn")
        got = [e for batch in pool.batches([articles[i:i + 7] for i in range(0, len(articles), 7)]) for e in batch]
        assert got == expected
        assert pool(articles[:3]) == expected[:3]  # the same processes, the model not loaded again
    finally:
        pool.close()


def test_no_fork_while_another_python_thread_runs() -> None:
    import threading

    from silkwire.nlp import workers

    assert workers._forkable() == (threading.active_count() == 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not workers._forkable()
    finally:
        stop.set()
        other.join()


def test_in_order_keeps_at_most_ahead_in_flight_and_returns_results_in_order() -> None:
    """What the process pool and the Ray actors both run (nlp/workers.in_order): results in the
    batches' order whatever order the workers finish in, never more than ``ahead`` sent."""
    from silkwire.nlp.workers import in_order

    sent: list[int] = []
    flying: list[int] = []
    most = 0

    def submit(n: int) -> int:
        nonlocal most
        sent.append(n)
        flying.append(n)
        most = max(most, len(flying))
        return n

    def result(n: int) -> list[Enrichment]:
        flying.remove(n)
        return [Enrichment(f"a{n}")]

    got = [batch[0].article_id for batch in in_order(range(7), submit, result, ahead=3)]
    assert got == [f"a{n}" for n in range(7)] and sent == list(range(7)) and most == 3
