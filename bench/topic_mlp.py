"""The topic model as a one-hidden-layer network (nlp/classifier.py ``MLPModel``), alone or
blended with the linear recipe, against the linear recipe: 5-fold cross-validation over train +
dev with the trainer's own folds (service/train.py ``fold_splits``, the items in the trainer's
order: train then dev), every variant in the same folds and run, and what one article's inference
costs. The test splits and the seed listing are never read.

    python bench/topic_mlp.py cv [--cache F] [--store D] [--hidden 64] [--alpha 1e-4]
    python bench/topic_mlp.py speed OLD.npz NEW.npz [--cache F] [--items 2000] [--repeat 5]

Per fold: the recipe's logistic regression (``TOPIC_META``, float16 weights as shipped) and one
network (``fit_mlp``: MLPClassifier, ``hidden`` ReLU units, L2 ``alpha``, early stopping on a
seeded tenth, seed 13) fitted on the fold's training part; the network scored twice, its weights
in float64 (scikit-learn's own) and rounded to float16 as the file holds them; the blends ``w x
linear + (1 - w) x network`` (float16), which is what a blend file computes (``meta["blend"]``).
Printed: P@1 and topic macro-F1 per fold, pooled, and the per-fold deltas against the recipe.

``speed OLD NEW``: what one article's inference costs, as at run time: two topic model files
(e.g. main's linear ``topics.npz`` and the new one) read by nlp/classifier.py ``read``, the time of
``proba`` (sparse features + dense blocks -> probabilities) on the first ``--items`` train + dev
items' inputs, interleaved item by item (A/B, the same inputs), ``--repeat`` passes; for a blend
file, its network alone too. The features are computed once, outside the timing (the pipeline
computes them once for the event and topic models: nlp/decide.py ``view``). Timing models fitted
in memory instead would mislead: scikit-learn's linear weights come out column-major (``coef_.T``),
a file's are row-major.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from silkwire.nlp import classifier
from silkwire.nlp.classifier import LinearModel, MLPModel
from silkwire.service import train as training
from silkwire.service import train_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
import parse_features  # a sibling bench script: the recipe's examples, cached
from learners_cv import per_fold as scores  # per-fold and pooled (accuracy, macro-F1)

ROOT = Path(__file__).resolve().parents[1]
BLENDS = (0.3, 0.5, 0.7)


def timing(models: dict[str, classifier.Model], rows: Sequence[dict[str, float]],
           dense: Sequence[np.ndarray | None], repeat: int) -> dict[str, float]:
    """Microseconds per article of each model's ``proba``, interleaved item by item."""
    spent = dict.fromkeys(models, 0.0)
    for _ in range(repeat):
        for r, d in zip(rows, dense, strict=True):
            for name, m in models.items():
                t0 = time.perf_counter()
                m.proba(r, d)
                spent[name] += time.perf_counter() - t0
    return {k: 1e6 * v / (repeat * len(rows)) for k, v in spent.items()}


def run(cache: Path | None, store: Path, hidden: int, alpha: float) -> None:
    xs = parse_features.examples(ROOT, None, cache, parse=False)
    fit_set = [x for x in xs if x.split == "train"] + [x for x in xs if x.split == "dev"]  # the trainer's order
    meta = training.TOPIC_META
    base = {k: v for k, v in meta.items() if k not in ("learner", "hidden", "alpha", "blend")}
    net_meta = {**base, "learner": "mlp", "hidden": hidden, "alpha": alpha}
    rows, dense = train_data.inputs(base, fit_set, train_data.lexicon())
    labels = [train_data.label("topics", x) for x in fit_set]
    classes, splits = sorted(set(labels)), training.fold_splits(labels)
    oof = {k: np.zeros((len(fit_set), len(classes))) for k in ("linear", "mlp64", "mlp16")}
    print(f"{len(fit_set)} train + dev items, {len(classes)} topics; network {hidden} units, alpha {alpha}", flush=True)
    for f, (fit_idx, held_idx) in enumerate(splits):
        t0 = time.time()
        part = ([rows[i] for i in fit_idx], [dense[i] for i in fit_idx], [labels[i] for i in fit_idx])
        linear = training.fit("topics", base, *part)
        t1 = time.time()
        net64 = training.fit("topics", net_meta, *part, float16=False)
        assert isinstance(net64, MLPModel)
        t2 = time.time()
        net16 = classifier.rounded(net64)
        models: dict[str, classifier.Model] = {"linear": linear, "mlp64": net64, "mlp16": net16}
        held = ([rows[i] for i in held_idx], [dense[i] for i in held_idx])
        for k, m in models.items():
            cols = [classes.index(c) for c in m.classes]
            oof[k][np.ix_(held_idx, cols)] = training.probabilities(m, *held)
        print(f"fold {f + 1}: linear fit {t1 - t0:.0f} s, network fit {t2 - t1:.0f} s", flush=True)
        assert isinstance(linear, LinearModel)  # a blend file computes what the blends below compute
        blend = replace(net16, weights=linear.weights, bias=linear.bias, meta={**net_meta, "blend": 0.5})
        assert np.allclose(training.probabilities(blend, *held),
                           0.5 * oof["linear"][held_idx] + 0.5 * oof["mlp16"][held_idx], atol=1e-9)
    for k, v in oof.items():
        np.save(store / f"oof_topics_{k}.npy", v)
    variants = {"linear (recipe)": oof["linear"], "network, float64": oof["mlp64"], "network, float16": oof["mlp16"],
                **{f"{w} x linear + {1 - w:.1f} x network (float16)": w * oof["linear"] + (1 - w) * oof["mlp16"]
                   for w in BLENDS}}
    ref = scores(labels, classes, oof["linear"], splits)[0]
    print("| variant | P@1/macro-F1 folds 1-5 | pooled | P@1 delta per fold vs the recipe |\n|---|---|---:|---|")
    for name, proba in variants.items():
        per, pooled = scores(labels, classes, proba, splits)
        delta = " ".join(f"{a - b[0]:+.3f}" for (a, _), b in zip(per, ref, strict=True))
        print(f"| {name} | " + " ".join(f"{a:.3f}/{m:.3f}" for a, m in per)
              + f" | {pooled[0]:.4f}/{pooled[1]:.4f} | {delta} |", flush=True)
    moved = int(np.sum(oof["mlp16"].argmax(axis=1) != oof["mlp64"].argmax(axis=1)))
    print(f"float16 vs float64: {moved} of {len(fit_set)} argmaxes differ; max |p16 - p64| "
          f"{float(np.abs(oof['mlp16'] - oof['mlp64']).max()):.2e}")


def speed(cache: Path | None, old: Path, new: Path, items: int, repeat: int) -> None:
    xs = parse_features.examples(ROOT, None, cache, parse=False)
    fit_set = ([x for x in xs if x.split == "train"] + [x for x in xs if x.split == "dev"])[:items]
    models = {"old": classifier.read(old), "new": classifier.read(new)}
    metas = {k: m.meta for k, m in models.items()}
    assert all(repr((m.get("groups"), m.get("vectors"), m.get("categories"))) ==
               repr((metas["old"].get("groups"), metas["old"].get("vectors"), metas["old"].get("categories")))
               for m in metas.values()), "the two files read different inputs"
    if isinstance(models["new"], MLPModel) and models["new"].weights is not None:
        models["new, network alone"] = replace(models["new"], weights=None, bias=None)
    rows, dense = train_data.inputs(metas["new"], fit_set, train_data.lexicon())
    cost = timing(models, rows, dense, repeat)
    print(f"proba per article ({len(fit_set)} train + dev items, interleaved, x{repeat}): "
          + ", ".join(f"{k} {v:.1f} us ({v / cost['old']:.2f}x)" for k, v in cost.items()), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("cv", "speed"))
    parser.add_argument("files", nargs="*", help="speed: the old and the new topic model files")
    parser.add_argument("--cache", default=None, help="pickle of the read examples (made when absent)")
    parser.add_argument("--store", default=".", help="directory of the out-of-fold probabilities")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--items", type=int, default=2000, help="speed: how many items")
    parser.add_argument("--repeat", type=int, default=5, help="speed: passes over the items")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    store = Path(args.store)
    store.mkdir(parents=True, exist_ok=True)
    cache = Path(args.cache) if args.cache else None
    with threadpool_limits(1):  # as the trainer: one thread
        if args.what == "cv":
            run(cache, store, args.hidden, args.alpha)
        else:
            speed(cache, Path(args.files[0]), Path(args.files[1]), args.items, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
