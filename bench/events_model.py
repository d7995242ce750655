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
than a bare parse).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.nlp.pipeline import enrich
from silkwire.service.articles import demo_files


def timed(items: list[Article], mode: str) -> float:
    t0 = time.perf_counter()
    for _ in enrich(items, mode=mode):
        pass
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="copies of the demo corpus")
    args = parser.parse_args()
    import spacy

    articles = [a for a in read_paths(demo_files()) if isinstance(a, Article)] * args.repeat
    texts = [a.text for a in articles]
    list(enrich(articles[:20]))  # warm-up: model load, lexicons compiled, model files read
    combined = timed(articles, "combined")
    rules = timed(articles, "rules")
    nlp = spacy.load("fr_core_news_md")
    list(nlp.pipe(texts[:20]))
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    peer = time.perf_counter() - t0
    n = len(articles)
    print(f"{n} items; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, spaCy {spacy.__version__}")
    print(f"(a) enrichment, combined (models): {n / combined:.0f} articles/s ({1000 * combined / n:.2f} ms each)")
    print(f"(b) enrichment, rules only:        {n / rules:.0f} articles/s ({1000 * rules / n:.2f} ms each); "
          f"the models cost {1000 * (combined - rules) / n:+.2f} ms per article")
    print(f"(c) bare nlp.pipe ({', '.join(nlp.pipe_names)}): {n / peer:.0f} articles/s")
    print(f"ratio (c) time / (a) time: {peer / combined:.2f} (target >= 1.0)")


if __name__ == "__main__":
    main()
