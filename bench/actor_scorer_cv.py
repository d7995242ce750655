"""The actor role scorer (nlp/actor_scorer.py) against today's rules: 5-fold cross-validation on
OrangeSum train + dev, per-fold ordered-dyad deltas, and the demo / seed gold as constraints.

    python bench/actor_scorer_cv.py [--cache FILE] [--C 1.0,0.3] [--refresh]

1. Every train and dev item, the demo and the seed listing are enriched once (pipeline as
   shipped, end to end) with a probe that writes the main event's country candidates and their
   features (``actor_scorer.candidates``); the rows are cached in ``--cache`` (JSON lines).
2. Folds: the event model's (service/train.py): 5 seeded stratified folds over the items, by
   their gold event label. Each fold's scorer is fitted on the other folds' candidates, labelled
   from the gold (source, target, neither), and decides the held-out items' sides in each mode
   of ``actor_scorer.MODES``; ordered dyads are scored as ``silkwire eval`` scores them
   (``evaluation.actors``: gold_pairs vs event_pairs of the main event).
3. The demo and seed: the scorer fitted on all of train + dev.

Never a test or test2 item: they are not read here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from silkwire.evaluation.actors import event_pairs, gold_pairs
from silkwire.model import Event
from silkwire.nlp import actor_scorer
from silkwire.service import train_actors

ROOT = Path(__file__).resolve().parents[1]
SEED = 13
FOLDS = 5


def collect(path: Path) -> None:
    from actors_oracle import orangesum_articles, read_gold
    from silkwire.evaluation.facts import read_gold as read_listing_gold
    from silkwire.ingest import read_paths
    from silkwire.model import Article
    from silkwire.nlp.pipeline import enrich
    from silkwire.service.articles import demo_files, gold_files
    from silkwire.service.train_actors import candidate_probe

    rows: list[dict[str, Any]] = []
    gold = [r for r in read_gold() if r["split"] in ("train", "dev")]  # never test / test2
    articles = orangesum_articles(gold)
    for row, e in zip(gold, enrich(articles, probes=(candidate_probe(),)), strict=True):
        rows.append({"set": row["split"], "id": row["id"], "event": row["event"], "gsource": row["source"],
                     "gtarget": row["target"], "main": e.extra["actor_candidates"]})
    seed = ROOT.parent / "shared" / "data" / "seeds" / "002_0afaed159990aab2.txt"
    for name, inputs, golds in (("demo", demo_files(), gold_files()),
                                ("seed", [str(seed)], [str(ROOT / "tests" / "gold" / "seed-002.jsonl")])):
        listing = [a for a in read_paths(inputs) if isinstance(a, Article)]
        by_key: dict[str, Any] = {}
        for a, e in zip(listing, enrich(listing, probes=(candidate_probe(),)), strict=True):
            by_key[a.id] = by_key[a.title or ""] = e.extra["actor_candidates"]
        for g in read_listing_gold(golds):
            key = g["key"].get("id") or g["key"]["title"]
            rows.append({"set": name, "id": key, "dyads": [list(p) for p in g.get("dyads") or []],
                         "main": by_key.get(key)})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def label(row: dict[str, Any], code: str) -> str:
    if "dyads" in row:  # demo / seed: the ordered pairs (a pair both ways is alphabetical: one reading)
        return ("source" if any(a == code for a, _ in row["dyads"]) else
                "target" if any(b == code for _, b in row["dyads"]) else "neither")
    return train_actors.label(row.get("event", "none"), row["gsource"], row["gtarget"], code)


def _want(row: dict[str, Any]) -> set[tuple[str, str]]:
    if "dyads" in row:
        return {(a, b) for a, b in row["dyads"]}
    return gold_pairs(row["gsource"], row["gtarget"]) if row["event"] != "none" else set()


def fit(rows: Sequence[dict[str, Any]], c: float) -> Any:
    examples = [(feats, label(r, code)) for r in rows if r["main"] for code, feats in r["main"]["cands"]]
    return train_actors.fit_scorer(examples, c)


def score(rows: Sequence[dict[str, Any]], model: Any, mode: str, floor: float = 0.5) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for r in rows:
        want = _want(r)
        got: set[tuple[str, str]] = set()
        main = r["main"]
        if main:
            event = Event(main["type"], tuple(main["source"]), tuple(main["target"]), tuple(main["trigger"]),
                          (0, 0), 0.0)
            codes = [c for c, _ in main["cands"]]
            found = [actor_scorer.Candidate(c, {f: 1.0 for f in feats}) for c, feats in main["cands"]]
            proba = actor_scorer.probabilities(model, found)
            src, tgt = actor_scorer.decide(mode, event, codes, proba, floor)
            got = event_pairs(src, tgt)
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
    return tp, fp, fn


def run(rows: Sequence[dict[str, Any]], model: Any, spec: str) -> tuple[int, int, int]:
    mode, _, floor = spec.partition("@")
    return score(rows, model, mode, float(floor or 0.5))


def f1(t: tuple[int, int, int]) -> float:
    tp, fp, fn = t
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default="/tmp/actor_candidates.jsonl")
    parser.add_argument("--C", default="0.1,0.3,1.0")
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--demo-weight", type=int, default=0,
                        help="experiment: also train on the demo gold, each row N times (the demo then by 5-fold CV)")
    parser.add_argument("--floor", default="0.5,0.9", help="probability floors of fill and prune, comma-separated")
    args = parser.parse_args()
    cache = Path(args.cache)
    if args.refresh or not cache.exists():
        collect(cache)
    rows = [json.loads(x) for x in cache.read_text(encoding="utf-8").splitlines()]
    fitset = [r for r in rows if r["set"] in ("train", "dev")]
    from sklearn.model_selection import StratifiedKFold

    cands = [(r, c) for r in fitset if r["main"] for c, _ in r["main"]["cands"]]
    reach = sum(1 for r, c in cands if label(r, c) != "neither")
    gold_codes = sum(len({a for a in r["gsource"] + r["gtarget"] if len(a) == 2 and a.isupper()})
                     for r in fitset if r["event"] != "none" and r["main"])
    print(f"{len(fitset)} train + dev items, {sum(1 for r in fitset if r['main'])} with a main event, "
          f"{len(cands)} candidates, {reach} of {gold_codes} gold side countries among them")
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    splits = list(folds.split(np.zeros(len(fitset)), [r["event"] for r in fitset]))
    for c in (float(x) for x in args.C.split(",")):
        modes = ["rules", "scorer", "party"] + [f"{m}@{x}" for m in ("fill", "prune") for x in args.floor.split(",")]
        totals = {m: [0, 0, 0] for m in modes}
        print(f"\nC = {c}: ordered dyads F1 per fold (tp/fp/fn), delta against the rules")
        deltas: dict[str, list[float]] = {m: [] for m in modes}
        for n, (fit_idx, held_idx) in enumerate(splits):
            extra = [r for r in rows if r["set"] == "demo"] * args.demo_weight
            model = fit([fitset[i] for i in fit_idx] + extra, c)
            held = [fitset[i] for i in held_idx]
            per = {m: run(held, model, m) for m in modes}
            for m, t in per.items():
                totals[m] = [a + b for a, b in zip(totals[m], t, strict=True)]
            base = f1(per["rules"])
            for m, t in per.items():
                deltas[m].append(f1(t) - base)
            print(f"  fold {n}: " + "  ".join(f"{m} {f1(t):.3f} ({t[0]}/{t[1]}/{t[2]}) {f1(t) - base:+.3f}"
                                               for m, t in per.items()))
        print("  all:    " + "  ".join(f"{m} {f1(tuple(t)):.3f} ({t[0]}/{t[1]}/{t[2]})"  # type: ignore[arg-type]
                                       for m, t in totals.items()))
        print("  delta mean / sd over the folds, folds above the rules: " + "  ".join(
            f"{m} {np.mean(d):+.3f} / {np.std(d, ddof=1):.3f}, {sum(x > 0 for x in d)}" for m, d in deltas.items()
            if m != "rules"))
        model = fit(fitset, c)
        demo = [r for r in rows if r["set"] == "demo"]
        if args.demo_weight:
            demo_totals = {m: [0, 0, 0] for m in modes}
            for k in range(FOLDS):
                held = demo[k::FOLDS]
                rest = [r for n, r in enumerate(demo) if n % FOLDS != k] * args.demo_weight
                m_k = fit(fitset + rest, c)
                for m in modes:
                    demo_totals[m] = [a + b for a, b in zip(demo_totals[m], run(held, m_k, m), strict=True)]
            print("  demo (5-fold over the demo, trained with the rest): " + "  ".join(
                f"{m} {f1(tuple(t)):.3f} {t}" for m, t in demo_totals.items()))  # type: ignore[arg-type]
            model = fit(fitset + demo * args.demo_weight, c)
        for name in ("demo", "seed"):
            part = [r for r in rows if r["set"] == name]
            print(f"  {name}: " + "  ".join(f"{m} {f1(run(part, model, m)):.3f} {run(part, model, m)}"
                                            for m in modes))


if __name__ == "__main__":
    main()
