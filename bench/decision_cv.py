"""How should the rules and the models be combined, and would more annotated items help? Measured
by 5-fold cross-validation over train + dev (the recipe's folds and seed: service/train.py
``out_of_fold``), the demo gold as the constraint (event and topic accuracy >= 0.90), never the
test splits nor the seed listing.

    python bench/decision_cv.py decide [--cache FILE]   # the decision variants, nested
    python bench/decision_cv.py curve [--cache FILE]    # the learning curve

``decide``: each item's probabilities come from a model fitted on the other folds (the recipe's
``EVENT_META`` / ``TOPIC_META``); the demo's from the model fitted on all of train + dev, as the
trainer does. Every variant's thresholds are chosen **nested**: for each fold, on the other four
folds' items under the demo floor, then scored on that fold, so the per-fold figures are held out
twice and the variants compare by their per-fold deltas against the model alone. Topic variants:

- ``model``: the topic model's argmax;
- ``override (ships)``: the cue lexicon's primary topic wins from a cue share ``min_share`` when
  the model gives it ``min_proba`` (nlp/decide.py ``combine_topic``; TOPIC_GRID);
- ``top-k``: the same, and the cue topic must also be among the model's ``k`` first;
- ``ratio``: the same, the cue topic's probability at least ``r`` times the model's first;
- ``foreign``: the shipped override, only on items naming a state other than France;
- ``central asia (ships 0.4.13)``: the thresholds chosen as ``override`` (ungated: the demo
  needs them), applied only on items naming a Central Asian state (train_thresholds.py
  ``TOPIC_GATE``; 3 of the 8,391 OrangeSum items name one, so CV cannot choose its thresholds).

Event variants: ``model`` (argmax after the prior correction the threshold step chose),
``override (ships)`` (service/train_thresholds.py ``tune_events``: prior power, thresholds, the
rule types narrowed), ``foreign`` (the same, the rules' event standing only on items naming a
state other than France, on the demo too).

``curve``: the recipe's models fitted on 25 / 50 / 75 / 100% of each training fold (per class, a
seeded prefix of one permutation, so the smaller parts are inside the larger), scored on the same
held-out folds: event accuracy and macro-F1 of the argmax (raw, and with the shipped prior power),
topic P@1, and per event type F1 against the type's count.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from silkwire.evaluation.events import gold_label, label_scores
from silkwire.nlp import classifier, decide
from silkwire.service import train as training
from silkwire.service import train_data
from silkwire.service import train_thresholds as th

sys.path.insert(0, str(Path(__file__).resolve().parent))
import parse_features  # a sibling bench script: the recipe's examples and folds
from parse_features import folds

ROOT = Path(__file__).resolve().parents[1]
FRACTIONS = (0.25, 0.5, 0.75, 1.0)  # computed in this order (``decide`` may have kept the 100% ones)
Example = train_data.Example


def examples(root: Path, cache: Path | None) -> list[Example]:
    """The recipe's examples without the parse features (they ship off)."""
    return parse_features.examples(root, None, cache, parse=False)


def foreign(x: Example) -> bool:
    return any(c != "FR" for c in x.signals.countries)


def subsample(labels: Sequence[str], idx: np.ndarray, fraction: float) -> np.ndarray:
    """A seeded per-class prefix of ``idx`` (nested across fractions: one permutation per class)."""
    rng = np.random.default_rng(training.SEED)
    keep: list[int] = []
    for c in sorted({labels[i] for i in idx}):
        members = np.asarray([i for i in idx if labels[i] == c])
        members = members[rng.permutation(len(members))]
        keep.extend(int(i) for i in members[:max(1, round(fraction * len(members)))])
    return np.asarray(sorted(keep))


STORE: Path | None = None  # --store: the out-of-fold probabilities kept, one file per target and share


def oof(target: str, meta: Mapping[str, Any], xs: Sequence[Example], demo: Sequence[Example], words: Any,
        splits: Sequence[tuple[np.ndarray, np.ndarray]], fraction: float = 1.0,
        with_demo: bool = True) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """(classes, out-of-fold probabilities, demo probabilities from the full model), read from
    ``STORE`` when a run kept them (``decide`` and ``curve`` share the 100% ones)."""
    kept = STORE / f"{target}_{fraction}.npz" if STORE is not None else None
    if kept is not None and kept.exists():
        z = np.load(kept)
        return [str(c) for c in z["classes"]], z["proba"], z["demo"] if with_demo and z["demo"].size else None
    rows, dense = train_data.inputs(meta, xs, words)
    labels = [train_data.label(target, x) for x in xs]
    classes = sorted(set(labels))
    out = np.zeros((len(xs), len(classes)))
    for fit_idx, held_idx in splits:
        part = subsample(labels, fit_idx, fraction) if fraction < 1.0 else fit_idx
        m = training.fit(target, meta, [rows[i] for i in part], [dense[i] for i in part], [labels[i] for i in part])
        cols = [classes.index(c) for c in m.classes]
        for i in held_idx:
            out[i, cols] = m.proba(rows[i], dense[i])
    demo_p = None
    if with_demo:
        full = training.fit(target, meta, rows, dense, labels)
        cols = [classes.index(c) for c in full.classes]
        demo_p = np.zeros((len(demo), len(classes)))
        demo_p[:, cols] = training.probabilities(full, *train_data.inputs(meta, demo, words))
    if kept is not None:
        np.savez(kept, classes=np.asarray(classes), proba=out, demo=demo_p if demo_p is not None else np.zeros(0))
    return classes, out, demo_p


# -- topics ---------------------------------------------------------------------------------------


class TopicItems:
    """The vectors a topic decision reads, for a list of items and their probabilities."""

    def __init__(self, classes: Sequence[str], xs: Sequence[Example], proba: np.ndarray) -> None:
        self.proba = proba
        self.top = proba.argmax(axis=1)
        self.gold = np.asarray([classes.index(x.topic) if x.topic in classes else -1 for x in xs])
        self.rule = np.asarray([classes.index(x.rule_topic.code) if x.rule_topic is not None
                                and x.rule_topic.code in classes else -1 for x in xs])
        self.share = np.asarray([x.rule_topic.score if x.rule_topic is not None else 0.0 for x in xs])
        self.foreign = np.asarray([foreign(x) for x in xs])
        self.gated = np.asarray([bool(set(x.signals.countries) & set(th.TOPIC_GATE)) for x in xs])
        n = np.arange(len(xs))
        safe = np.where(self.rule >= 0, self.rule, 0)
        self.p_rule = np.where(self.rule >= 0, proba[n, safe], 0.0)
        self.rank = np.where(self.rule >= 0, (proba > self.p_rule[:, None]).sum(axis=1) + 1, 99)
        self.p_top = proba[n, self.top]

    def decide(self, v: Mapping[str, float]) -> np.ndarray:
        ok = (self.rule >= 0) & (self.share >= v.get("min_share", 2.0)) & (self.p_rule >= v.get("min_proba", 2.0))
        ok &= self.rank <= v.get("k", 99)
        ok &= self.p_rule >= v.get("ratio", 0.0) * self.p_top
        if v.get("foreign"):
            ok &= self.foreign
        if v.get("gate"):
            ok &= self.gated
        return np.where(ok, self.rule, self.top)

    def accuracy(self, v: Mapping[str, float], mask: np.ndarray | None = None) -> float:
        right = self.decide(v) == self.gold
        return float(right[mask].mean() if mask is not None else right.mean())


def topic_grids() -> dict[str, list[dict[str, float]]]:
    base = th.grid(th.TOPIC_GRID)
    return {"model": [{}],
            "override (ships)": base,
            "top-k": [{**o, "k": k} for o in base for k in (2, 3)],
            "ratio": [{**o, "ratio": r} for o in base for r in (0.25, 0.5, 0.75)],
            "foreign": [{**o, "foreign": 1.0} for o in base],
            "central asia (ships 0.4.13)": [{**o, "gate": 1.0} for o in base]}


def choose(grid: Sequence[dict[str, float]], score: Callable[[dict[str, float]], float],
           demo: Callable[[dict[str, float]], float]) -> dict[str, float]:
    ok = [o for o in grid if demo(o) >= th.DEMO_FLOOR]
    return max(ok, key=score) if ok else max(grid, key=lambda o: (demo(o), score(o)))


def decide_topics(xs: Sequence[Example], demo: Sequence[Example], words: Any,
                  splits: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
    classes, proba, demo_p = oof("topics", training.TOPIC_META, xs, demo, words, splits)
    assert demo_p is not None
    items, d = TopicItems(classes, xs, proba), TopicItems(classes, demo, demo_p)
    fold_of = np.zeros(len(xs), dtype=int)
    for f, (_, held) in enumerate(splits):
        fold_of[held] = f
    print("\n| topics | per fold P@1 (nested) | pooled | per-fold delta vs model | demo | chosen on all |")
    print("|---|---|---:|---|---:|---|")
    base: list[float] = []
    for name, grid in topic_grids().items():
        per_fold, right = [], np.zeros(len(xs), dtype=bool)
        demo_scores = []
        for f in range(len(splits)):
            inner = fold_of != f
            v = choose(grid, lambda o, m=inner: items.accuracy(o, m), d.accuracy)  # type: ignore[misc]
            if name.startswith("central asia"):  # chosen ungated, applied gated
                v = {**choose(topic_grids()["override (ships)"], lambda o, m=inner: items.accuracy(o, m),  # type: ignore[misc]
                              d.accuracy), "gate": 1.0}
            held = fold_of == f
            per_fold.append(items.accuracy(v, held))
            right[held] = (items.decide(v) == items.gold)[held]
            demo_scores.append(d.accuracy(v))
        whole = choose(grid, items.accuracy, d.accuracy)
        if name.startswith("central asia"):
            whole = {**choose(topic_grids()["override (ships)"], items.accuracy, d.accuracy), "gate": 1.0}
        base = base or per_fold
        delta = " ".join(f"{a - b:+.3f}" for a, b in zip(per_fold, base, strict=True))
        print(f"| {name} | " + " ".join(f"{a:.3f}" for a in per_fold) + f" | {right.mean():.4f} | {delta} "
              f"| {min(demo_scores):.3f}-{max(demo_scores):.3f} | {whole} (CV {items.accuracy(whole):.4f}, "
              f"demo {d.accuracy(whole):.3f}) |", flush=True)


# -- events ---------------------------------------------------------------------------------------


def gated(xs: Sequence[Example]) -> list[Example]:
    """The items with the rules' event withdrawn where no state other than France is named."""
    return [x if foreign(x) else replace(x, signals=replace(x.signals, rule_event=decide.NONE)) for x in xs]


def event_fold(classes: Sequence[str], xs: Sequence[Example], proba: np.ndarray, prior: np.ndarray,
               chosen: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(model pairs, combined pairs) of gold and predicted label under the ``chosen`` override."""
    p = th.corrected(proba, prior, float(chosen["prior_power"]))
    model, combined = [], []
    for x, q in zip(xs, p, strict=True):
        kind = classes[int(np.argmax(q))]
        model.append((gold_label(kind, x.events), kind))
        both = decide.combine_event(classes, q, x.signals.rule_event, x.rule_confidence, chosen)
        combined.append((gold_label(both, x.events), both))
    return model, combined


def decide_events(xs: Sequence[Example], demo: Sequence[Example], words: Any,
                  splits: Sequence[tuple[np.ndarray, np.ndarray]],
                  variants: Sequence[str] = ("override (ships)", "foreign")) -> None:
    from silkwire.nlp.classifier import LinearModel

    classes, proba, demo_p = oof("events", training.EVENT_META, xs, demo, words, splits)
    assert demo_p is not None
    labels = [train_data.label("events", x) for x in xs]
    prior = th.prior_of(labels, classes)
    shell = LinearModel("events", tuple(classes), {}, np.zeros((0, len(classes)), dtype=np.float32),
                        np.zeros(len(classes), dtype=np.float32), {})
    print("\n| events | per fold acc/macro-F1 (nested) | pooled | per-fold delta vs model | demo acc |")
    print("|---|---|---:|---|---:|")
    results: dict[str, list[tuple[float, float]]] = {}
    table = {"override (ships)": (list(xs), list(demo)), "foreign": (gated(xs), gated(demo))}
    for name, (tune_xs, demo_xs) in ((n, table[n]) for n in variants):
        model_fold, comb_fold, pooled_m, pooled_c, demo_acc = [], [], [], [], []
        for held_idx in (h for _, h in splits):
            held = set(int(i) for i in held_idx)
            inner = [i for i in range(len(xs)) if i not in held]
            chosen = th.tune_events(shell, [tune_xs[i] for i in inner], proba[inner], demo_xs, demo_p, prior)
            outer = sorted(held)
            m, c = event_fold(classes, [tune_xs[i] for i in outer], proba[outer], prior, chosen)
            sm, sc = label_scores(m), label_scores(c)
            model_fold.append((sm["accuracy"], sm["macro_f1"]))
            comb_fold.append((sc["accuracy"], sc["macro_f1"]))
            pooled_m += m
            pooled_c += c
            demo_acc.append(float(chosen["demo_accuracy"]))
            print(f"  fold: {name} chose {chosen}", flush=True)
        results.setdefault("model", model_fold)
        for label, per, pooled in (("model (its power)", model_fold, pooled_m), (name, comb_fold, pooled_c)):
            s = label_scores(pooled)
            delta = " ".join(f"{a - b[0]:+.3f}/{f - b[1]:+.3f}" for (a, f), b in zip(per, results["model"],
                                                                                  strict=True))
            print(f"| {label} | " + " ".join(f"{a:.3f}/{f:.3f}" for a, f in per)
                  + f" | {s['accuracy']:.4f}/{s['macro_f1']:.4f} | {delta} | "
                  f"{min(demo_acc):.3f}-{max(demo_acc):.3f} |", flush=True)


# -- the learning curve ---------------------------------------------------------------------------


def curve(xs: Sequence[Example], words: Any, ev_splits: Sequence[tuple[np.ndarray, np.ndarray]],
          tp_splits: Sequence[tuple[np.ndarray, np.ndarray]], power: float,
          fractions: Sequence[float] = FRACTIONS) -> None:
    labels = [train_data.label("events", x) for x in xs]
    tables: dict[float, dict[str, Any]] = {}
    print("\n| share of each training fold | train items | event acc / macro-F1 (raw argmax), per fold | pooled "
          f"| at prior power {power} | topic P@1 per fold | pooled |")
    print("|---|---:|---|---:|---:|---|---:|")
    for fraction in fractions:
        t0 = time.time()
        classes, proba, _ = oof("events", training.EVENT_META, xs, [], words, ev_splits, fraction, False)
        prior = th.prior_of(labels, classes)
        corr = th.corrected(proba, prior, power)
        per, pooled, pooled_c = [], [], []
        for _, held in ev_splits:
            pairs = [(labels[i], classes[int(np.argmax(proba[i]))]) for i in held]
            s = label_scores(pairs)
            per.append(f"{s['accuracy']:.3f}/{s['macro_f1']:.3f}")
            pooled += pairs
            pooled_c += [(labels[i], classes[int(np.argmax(corr[i]))]) for i in held]
        s, sc = label_scores(pooled), label_scores(pooled_c)
        tables[fraction] = s["per_label"]
        tclasses, tproba, _ = oof("topics", training.TOPIC_META, xs, [], words, tp_splits, fraction, False)
        tgold = np.asarray([tclasses.index(x.topic) for x in xs])
        tper = [float((tproba[h].argmax(axis=1) == tgold[h]).mean()) for _, h in tp_splits]
        size = int(np.mean([len(subsample(labels, f, fraction)) if fraction < 1 else len(f) for f, _ in ev_splits]))
        print(f"| {fraction:.0%} | {size} | " + " ".join(per) + f" | {s['accuracy']:.4f}/{s['macro_f1']:.4f} | "
              f"{sc['accuracy']:.4f}/{sc['macro_f1']:.4f} | " + " ".join(f"{a:.3f}" for a in tper)
              + f" | {float((tproba.argmax(axis=1) == tgold).mean()):.4f} | ({time.time() - t0:.0f} s)", flush=True)
    print("\n| event type | train + dev items | F1 at " + " / ".join(f"{f:.0%}" for f in sorted(tables)) + " |")
    print("|---|---:|---|")
    for label in sorted(tables[1.0], key=lambda k: -int(tables[1.0][k]["gold"])):
        f1s = " / ".join(f"{tables[f].get(label, {}).get('f1', 0.0):.3f}" for f in sorted(tables))
        print(f"| {label} | {int(tables[1.0][label]['gold'])} | {f1s} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("decide", "curve"))
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--cache", default=None, help="pickle of the read examples (made when absent)")
    parser.add_argument("--target", default="both", choices=("events", "topics", "both"))
    parser.add_argument("--store", default=None, help="directory keeping the out-of-fold probabilities")
    parser.add_argument("--event-variants", default="override (ships),foreign")
    parser.add_argument("--fractions", default=",".join(str(f) for f in FRACTIONS), help="curve: the shares")
    args = parser.parse_args(argv)
    global STORE
    STORE = Path(args.store) if args.store else None
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        t0 = time.time()
        xs = examples(Path(args.root), Path(args.cache) if args.cache else None)
        fit_set = [x for x in xs if x.split in ("train", "dev")]
        demo = [x for x in xs if x.split == "demo"]
        words = train_data.lexicon()
        print(f"# {len(fit_set)} train + dev items, {len(demo)} demo items, read in {time.time() - t0:.0f} s",
              flush=True)
        ev_splits = folds([train_data.label("events", x) for x in fit_set])
        tp_splits = folds([train_data.label("topics", x) for x in fit_set])
        if args.what == "decide":
            if args.target in ("topics", "both"):
                decide_topics(fit_set, demo, words, tp_splits)
            if args.target in ("events", "both"):
                decide_events(fit_set, demo, words, ev_splits, args.event_variants.split(","))
        else:
            shipped = classifier.load("events")
            power = float(shipped.meta.get("prior_power", 0.0)) if shipped is not None else 0.0
            curve(fit_set, words, ev_splits, tp_splits, power, [float(f) for f in args.fractions.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
