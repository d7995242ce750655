"""Who did what to whom: event actors and ordered dyads on every gold with direction, in one run.

    python bench/actors.py [--show-errors] [--only demo|seed|orangesum] [--window-actors]

- demo gold (160 articles) and seed listing gold (21): dyads ordered and unordered
  (``silkwire.evaluation.actors.score_dyads``) beside the event scorer's figures;
- the OrangeSum event corpus (``eval/gold/orangesum_events.jsonl``, text from
  ../shared/data/orangesum): source/target country-set accuracy, named-actor (side, id) F1 and
  ordered/unordered dyads (``score_event_actors``), train+dev and the frozen test split apart,
  end to end and given the gold's main event type (an oracle for the event layer,
  bench/actors_oracle.py: the actor layer's quality apart from the event model's).

``--show-errors`` lists the train and dev items whose actors differ from the gold, never a test
item: the test split is scored in aggregate only (docs/annotation-events.md, Splits).
``--window-actors`` scores the events as they were before the parse (the window rules' actors,
same event types): the "before" of the comparison.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from actors_oracle import orangesum_articles, records_with_oracle
from actors_oracle import read_gold as read_orangesum_gold
from silkwire.evaluation.actors import event_pairs, gold_pairs, score_dyads, score_event_actors
from silkwire.evaluation.events import score_events
from silkwire.evaluation.facts import index_records, read_gold
from silkwire.ingest import read_paths
from silkwire.model import Article, article_record, enrichment_fields
from silkwire.nlp.pipeline import enrich
from silkwire.service.articles import demo_files, gold_files

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "data" / "seeds" / "002_0afaed159990aab2.txt"
SEED_GOLD = ROOT / "tests" / "gold" / "seed-002.jsonl"
ORANGESUM = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"


def records(articles: list[Article]) -> list[dict[str, Any]]:
    return [{**article_record(a), **enrichment_fields(e)} for a, e in zip(articles, enrich(articles), strict=True)]


def _prf(s: dict[str, float]) -> str:
    return f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} (tp {s['tp']} fp {s['fp']} fn {s['fn']})"


def listing_gold(name: str, inputs: list[str], golds: list[str], show_errors: bool) -> None:
    gold = read_gold(golds)
    index = index_records(records([a for a in read_paths(inputs) if isinstance(a, Article)]))
    d = score_dyads(index, gold)
    e = score_events(index, gold)
    print(f"{name}: {len(gold)} articles; event type {e['event_type']['accuracy']:.3f}; "
          f"exact dyads {e['dyads_exact']['accuracy']:.3f}")
    print(f"  dyads ordered   {_prf(d['dyads_ordered'])}")
    print(f"  dyads unordered {_prf(d['dyads_unordered'])}")
    if show_errors:
        for row in gold:
            rec = index.get(row["key"].get("id") or row["key"]["title"]) or {}
            main = (rec.get("events") or [None])[0]
            got = sorted(event_pairs(main["source"], main["target"])) if main else []
            want = sorted(tuple(p) for p in row["dyads"])
            if got != want:
                print(f"  - {rec.get('text', '')[:150]!r}\n    got {got} ({main and main['type']}) want {want}")


def orangesum(show_errors: bool) -> None:
    gold = read_orangesum_gold()
    index, oracle = records_with_oracle(orangesum_articles(gold), {r["id"]: r["event"] for r in gold})
    for name, splits in (("train+dev", {"train", "dev"}), ("dev", {"dev"}), ("test (frozen)", {"test"}),
                          ("test2 (held out)", {"test2"})):
        rows = [r for r in gold if r["split"] in splits]
        events = sum(r["event"] != "none" for r in rows)
        s = score_event_actors(oracle, rows)
        print(f"OrangeSum {name}: {len(rows)} items, {events} with an event")
        print(f"  given the gold's event type (oracle): source countries {s['source_countries']['accuracy']:.3f}  "
              f"target countries {s['target_countries']['accuracy']:.3f}  actors F1 {s['actors']['f1']:.3f}")
        print(f"    dyads ordered {_prf(s['dyads_ordered'])}")
        print(f"    named-office  {_prf(s['dyads_named_office'])}")
        s = score_event_actors(index, rows)
        print("  end to end:")
        print(f"  source countries {s['source_countries']['accuracy']:.3f}  target countries "
              f"{s['target_countries']['accuracy']:.3f}")
        print(f"  actors (side, id) {_prf(s['actors'])}")
        print(f"  dyads ordered   {_prf(s['dyads_ordered'])}")
        print(f"  dyads unordered {_prf(s['dyads_unordered'])}")
        print(f"  dyads ordered, items where both have an event {_prf(s['dyads_when_found'])}")
        print(f"  dyads ordered, a country held only by a person the gold names left out "
              f"{_prf(s['dyads_named_office'])}")
    if not show_errors:
        return
    for row in gold:
        if row["split"] in ("test", "test2"):
            continue  # held out: aggregate scores only
        rec = index[row["id"]]
        main = (rec.get("events") or [None])[0]
        one = score_event_actors(index, [row])
        want = gold_pairs(row["source"], row["target"]) if row["event"] != "none" else set()
        got = event_pairs(main["source"], main["target"]) if main else set()
        if (row["event"] != "none" and (one["actors"]["fp"] or one["actors"]["fn"])) or want != got:
            print(f"- {row['id']} {row['event']} {row['source']} -> {row['target']}\n  {rec['text'][:260]!r}")
            if main:
                print(f"  got {main['type']} {main['source']}{main['source_entities']} -> "
                      f"{main['target']}{main['target_entities']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--only", choices=["demo", "seed", "orangesum"])
    parser.add_argument("--window-actors", action="store_true", help="the actors before the parse")
    args = parser.parse_args()
    if args.window_actors:
        from silkwire.nlp import pipeline

        pipeline.actors = lambda ctx: ctx.facts["rule_events"]  # type: ignore[assignment]
        pipeline.ENRICHERS = tuple(e if e.name != "actors" else pipeline.Enricher("actors", e.needs, pipeline.actors)
                                   for e in pipeline.ENRICHERS)
    if args.only in (None, "demo"):
        listing_gold("demo gold", demo_files(), gold_files(), args.show_errors)
    if args.only in (None, "seed") and SEED.exists():
        listing_gold("seed gold", [str(SEED)], [str(SEED_GOLD)], args.show_errors)
    if args.only in (None, "orangesum") and ORANGESUM.exists():
        orangesum(args.show_errors)


if __name__ == "__main__":
    main()
