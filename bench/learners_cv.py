"""Would a non-linear learner, or self-training on OrangeSum's unannotated items, beat the recipe's
linear models? Measured by 5-fold cross-validation over train + dev, the recipe's folds and seed
(service/train.py ``out_of_fold``), every variant against the recipe in the same run, per-fold
deltas. The test splits and the seed listing are never read.

    python bench/learners_cv.py learners --target events|topics [--variants ...] [--cache F] [--store D]
    python bench/learners_cv.py selftrain --target events|topics [--variants ...] [--unlabelled N]
    python bench/learners_cv.py score --target events|topics --variants linear,mlp_128_1e-4,linear+mlp_128_1e-4@0.5
    python bench/learners_cv.py confusion [--store D]

Learners (``learners``), each over the recipe's inputs (EVENT_META / TOPIC_META: word and rule
features, the two mean word vectors, the category model's probabilities):

- ``linear``: the recipe (logistic regression, float16 weights as shipped);
- ``mlp_H_A``: scikit-learn's MLPClassifier, one hidden layer of H ReLU units, L2 ``alpha`` A,
  early stopping on a seeded 10% of the training fold, over the same sparse + dense matrix;
- ``dmlp_H_A``: the same over the dense blocks alone (word vectors + categories): a model over
  the word vectors, to ensemble with the linear one.

``score`` reads the stored out-of-fold probabilities: a name, or a blend ``a+b@w`` (w times a's
probabilities plus 1 - w times b's); for events also the argmax after the class-prior correction
(service/train_thresholds.py ``corrected``), its power chosen nested (on the other four folds'
items, accuracy + macro-F1), as the trainer's threshold step starts.

``selftrain`` (distant supervision): a seeded sample of the OrangeSum items outside the annotated
sample (evaluation/orangesum.py ``read_unlabelled``; never an id whose hash is the test split's),
read by the rules as the recipe reads its items. In each fold the recipe's model fitted on the
training part labels them; the confident ones join the training part with that label and the
model is refitted, then scored on the held-out fold. Variants: ``confT`` (every item whose top
probability is >= T), ``eventconfT`` (events: only the items given an event type, not "none"),
``rubricT`` (topics: the model's top topic must be the one OrangeSum's rubric maps to, ``RUBRIC``,
and its probability >= T).

``confusion``: where the recipe's topic model errs on CV, by pair of topics, and how often its
primary is one of the gold's other topics; beside it, the same pairs between two annotators on
the train/dev items annotated twice (the gold's own ambiguity).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from silkwire.evaluation.events import label_scores
from silkwire.service import train as training
from silkwire.service import train_data
from silkwire.service import train_thresholds as th

sys.path.insert(0, str(Path(__file__).resolve().parent))
import parse_features  # a sibling bench script: the recipe's examples and folds
from parse_features import folds

ROOT = Path(__file__).resolve().parents[1]
Example = train_data.Example
# OrangeSum's rubric -> the IPTC topic it stands for (``france`` and ``monde`` stand for none).
RUBRIC = {"auto": "04", "societe/sante": "07", "societe/environnement": "06", "societe/high-tech": "13",
          "societe/media": "01", "societe/people": "08", "societe/fait-divers": "02", "societe/culture": "01",
          "societe/insolite": "08", "politique": "11"}


def load_items(cache: Path | None) -> list[Example]:
    xs = parse_features.examples(ROOT, None, cache, parse=False)
    return [x for x in xs if x.split in ("train", "dev")]


def unlabelled(n: int, cache: Path | None) -> list[Example]:
    """A seeded sample of ``n`` items outside the annotated sample and the test hash (module doc),
    read by the rules; their ``split`` is ``unl:<rubric>``."""
    def read() -> list[Example]:
        from silkwire.evaluation import orangesum

        sys.path.insert(0, str(ROOT / "tools"))
        from orangesum_sample import split_of

        items = [(c, a) for c, a in orangesum.read_unlabelled(ROOT) if split_of(a.id) != "test"]
        rng = np.random.default_rng(training.SEED)
        pick = sorted(rng.choice(len(items), size=min(n, len(items)), replace=False))
        return train_data.read([(items[i][1], "unl:" + items[i][0], ("none",), "", ()) for i in pick])

    return parse_features.cached(cache, read)


def learner(name: str) -> Any:
    from sklearn.neural_network import MLPClassifier

    _, hidden, alpha = name.split("_")
    return MLPClassifier(hidden_layer_sizes=(int(hidden),), alpha=float(alpha), early_stopping=True,
                         random_state=training.SEED, max_iter=200, n_iter_no_change=5, validation_fraction=0.1)


def per_fold(labels: Sequence[str], classes: Sequence[str], proba: np.ndarray,
             splits: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    out = []
    for _, held in splits:
        s = label_scores([(labels[i], classes[int(np.argmax(proba[i]))]) for i in held])
        out.append((s["accuracy"], s["macro_f1"]))
    s = label_scores([(labels[i], classes[int(np.argmax(p))]) for i, p in enumerate(proba)])
    return out, (s["accuracy"], s["macro_f1"])


def run_learners(target: str, names: Sequence[str], xs: Sequence[Example], store: Path) -> None:
    words = train_data.lexicon()
    meta = training.EVENT_META if target == "events" else training.TOPIC_META
    labels = [train_data.label(target, x) for x in xs]
    splits, classes, y = folds(labels), sorted(set(labels)), np.asarray(labels)
    rows, dense = train_data.inputs(meta, xs, words)
    for name in names:
        path, t0 = store / f"oof_{target}_{name}.npy", time.time()
        if path.exists():
            continue
        proba = np.zeros((len(xs), len(classes)))
        for fit_idx, held_idx in splits:
            if name == "linear":
                m = training.fit(target, meta, [rows[i] for i in fit_idx], [dense[i] for i in fit_idx],
                                 [labels[i] for i in fit_idx])
                cols = [classes.index(c) for c in m.classes]
                proba[np.ix_(held_idx, cols)] = training.probabilities(m, [rows[i] for i in held_idx],
                                                                       [dense[i] for i in held_idx])
                continue
            if name.startswith("dmlp"):
                x = np.vstack([d for d in dense if d is not None])
            else:
                x = train_data.matrix(rows, dense, train_data.vocabulary([rows[i] for i in fit_idx],
                                                                         int(meta.get("min_df", 2))))
            est = learner(name).fit(x[fit_idx], y[fit_idx])
            cols = [classes.index(c) for c in est.classes_]
            proba[np.ix_(held_idx, cols)] = est.predict_proba(x[held_idx])
        np.save(path, proba)
        scores, pooled = per_fold(labels, classes, proba, splits)
        print(f"| {target} | {name} | " + " ".join(f"{a:.3f}/{f:.3f}" for a, f in scores)
              + f" | {pooled[0]:.4f}/{pooled[1]:.4f} | ({time.time() - t0:.0f} s)", flush=True)


def pseudo(name: str, classes: Sequence[str], proba: np.ndarray, rubric: Sequence[str]) -> np.ndarray:
    """The unlabelled items ``name`` keeps (module doc, ``selftrain``)."""
    top, conf = proba.argmax(axis=1), proba.max(axis=1)
    if name.startswith("eventconf"):
        return np.where((conf >= float(name[9:])) & (np.asarray(classes)[top] != "none"))[0]
    if name.startswith("conf"):
        return np.where(conf >= float(name[4:]))[0]
    t = float(name[6:])
    return np.asarray([i for i, (r, k, c) in enumerate(zip(rubric, top, conf, strict=True))
                       if r in RUBRIC and classes[k] == f"medtop:{RUBRIC[r]}000000" and c >= t], dtype=int)


def run_selftrain(target: str, names: Sequence[str], xs: Sequence[Example], unl: Sequence[Example],
                  store: Path) -> None:
    words = train_data.lexicon()
    meta = training.EVENT_META if target == "events" else training.TOPIC_META
    labels = [train_data.label(target, x) for x in xs]
    splits, classes = folds(labels), sorted(set(labels))
    rows, dense = train_data.inputs(meta, xs, words)
    urows, udense = train_data.inputs(meta, unl, words)
    rubric = [x.split[4:] for x in unl]
    for name in names:
        t0, added = time.time(), []
        proba = np.zeros((len(xs), len(classes)))
        for fit_idx, held_idx in splits:
            m = training.fit(target, meta, [rows[i] for i in fit_idx], [dense[i] for i in fit_idx],
                             [labels[i] for i in fit_idx])
            up = training.probabilities(m, urows, udense)
            keep = pseudo(name, m.classes, up, rubric)
            added.append(len(keep))
            m2 = training.fit(target, meta, [rows[i] for i in fit_idx] + [urows[i] for i in keep],
                              [dense[i] for i in fit_idx] + [udense[i] for i in keep],
                              [labels[i] for i in fit_idx] + [m.classes[int(up[i].argmax())] for i in keep])
            cols = [classes.index(c) for c in m2.classes]
            proba[np.ix_(held_idx, cols)] = training.probabilities(m2, [rows[i] for i in held_idx],
                                                                   [dense[i] for i in held_idx])
        np.save(store / f"oof_{target}_{name}.npy", proba)
        scores, pooled = per_fold(labels, classes, proba, splits)
        print(f"| {target} | {name} (pseudo-labelled per fold {added}) | "
              + " ".join(f"{a:.3f}/{f:.3f}" for a, f in scores)
              + f" | {pooled[0]:.4f}/{pooled[1]:.4f} | ({time.time() - t0:.0f} s)", flush=True)


def stored(store: Path, target: str, name: str) -> np.ndarray:
    if "+" in name:
        pair, weight = name.split("@")
        a, b = pair.split("+")
        w = float(weight)
        return w * stored(store, target, a) + (1 - w) * stored(store, target, b)
    return np.load(store / f"oof_{target}_{name}.npy")


def nested_power(labels: Sequence[str], classes: Sequence[str], proba: np.ndarray,
                 splits: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[list[tuple[float, float]],
                                                                          tuple[float, float], list[float]]:
    """The argmax after the prior correction, its power chosen on the other four folds."""
    prior = th.prior_of(labels, classes)
    fold_of = np.zeros(len(labels), dtype=int)
    for f, (_, held) in enumerate(splits):
        fold_of[held] = f
    per, pooled, powers = [], [], []
    for f, (_, held) in enumerate(splits):
        inner = np.where(fold_of != f)[0]

        def objective(power: float, inner: np.ndarray = inner) -> float:
            q = th.corrected(proba[inner], prior, power)
            s = label_scores([(labels[i], classes[int(np.argmax(r))]) for i, r in zip(inner, q, strict=True)])
            return float(s["accuracy"] + s["macro_f1"])

        power = max(th.PRIOR_POWERS, key=objective)
        powers.append(power)
        q = th.corrected(proba[held], prior, power)
        pairs = [(labels[i], classes[int(np.argmax(r))]) for i, r in zip(held, q, strict=True)]
        s = label_scores(pairs)
        per.append((s["accuracy"], s["macro_f1"]))
        pooled += pairs
    s = label_scores(pooled)
    return per, (s["accuracy"], s["macro_f1"]), powers


def score(target: str, names: Sequence[str], xs: Sequence[Example], store: Path) -> None:
    labels = [train_data.label(target, x) for x in xs]
    splits, classes = folds(labels), sorted(set(labels))
    base: list[list[tuple[float, float]]] = []
    for name in names:
        proba = stored(store, target, name)
        runs = [per_fold(labels, classes, proba, splits)]
        extra = ""
        if target == "events":
            per, pooled, powers = nested_power(labels, classes, proba, splits)
            runs.append((per, pooled))
            extra = f" powers {powers} |"
        base = base or [r[0] for r in runs]
        cells = []
        for (per, pooled), b in zip(runs, base, strict=True):
            delta = " ".join(f"{a - x:+.3f}/{f - y:+.3f}" for (a, f), (x, y) in zip(per, b, strict=True))
            cells.append(" ".join(f"{a:.3f}/{f:.3f}" for a, f in per) + f" | {pooled[0]:.4f}/{pooled[1]:.4f} | {delta}")
        print(f"| {name} | " + " | ".join(cells) + " |" + extra, flush=True)


def confusion(xs: Sequence[Example], store: Path) -> None:
    labels = [x.topic for x in xs]
    classes = sorted(set(labels))
    pred = [classes[int(i)] for i in stored(store, "topics", "linear").argmax(axis=1)]
    wrong = [(g, q, x) for g, q, x in zip(labels, pred, xs, strict=True) if g != q]
    among = sum(1 for _, q, x in wrong if q in x.other_topics)
    print(f"{len(xs)} items, {len(wrong)} primaries wrong (P@1 {1 - len(wrong) / len(xs):.4f}); the model's "
          f"primary is one of the gold's other topics in {among} "
          f"(P@1 among the gold's topics {1 - (len(wrong) - among) / len(xs):.4f})")
    pairs: collections.Counter[tuple[str, str]] = collections.Counter()
    among_pairs: collections.Counter[tuple[str, str]] = collections.Counter()
    for g, q, x in wrong:
        pairs[(g[7:9], q[7:9])] += 1
        among_pairs[(g[7:9], q[7:9])] += q in x.other_topics
    annotators = annotator_pairs({x.article.id for x in xs})
    print("| pair (a / b) | model errors a->b / b->a | of them, the model's primary among the gold's topics | "
          "annotators split a/b (doubled train + dev items) |")
    print("|---|---|---|---:|")
    undirected = collections.Counter({tuple(sorted(k)): 0 for k in pairs})
    for k, c in pairs.items():
        undirected[tuple(sorted(k))] += c
    for (a, b), c in undirected.most_common(14):
        print(f"| {a} / {b} | {c}: {pairs[(a, b)]} / {pairs[(b, a)]} | {among_pairs[(a, b)] + among_pairs[(b, a)]} | "
              f"{annotators.get((a, b), 0)} |")
    total = sum(annotators.values())
    print(f"annotators: {annotators.get(('n', 'n'), 0)} doubled items, {total - annotators.get(('n', 'n'), 0)} "
          f"primaries split")


def annotator_pairs(ids: set[str]) -> dict[tuple[str, str], int]:
    """The primary topics two annotators gave apart, by pair, on the doubled items of ``ids``."""
    by: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for path in sorted((ROOT / "eval/gold/orangesum").glob("annotations-a*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if r["id"] in ids:
                    by[r["id"]].append(r)
    out: collections.Counter[tuple[str, str]] = collections.Counter()
    for rs in by.values():
        if len(rs) >= 2:
            out[("n", "n")] += 1
            a, b = rs[0]["topic"][7:9], rs[1]["topic"][7:9]
            if a != b:
                out[(min(a, b), max(a, b))] += 1
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("learners", "selftrain", "score", "confusion"))
    parser.add_argument("--target", default="events", choices=("events", "topics"))
    parser.add_argument("--variants", default="linear,dmlp_256_1e-3,mlp_128_1e-4")
    parser.add_argument("--cache", default=None, help="pickle of the read examples (made when absent)")
    parser.add_argument("--store", default=".", help="directory of the out-of-fold probabilities")
    parser.add_argument("--unlabelled", type=int, default=4000, help="selftrain: how many items to sample")
    parser.add_argument("--unlabelled-cache", default=None)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    store = Path(args.store)
    store.mkdir(parents=True, exist_ok=True)
    names = args.variants.split(",")
    with threadpool_limits(1):
        xs = load_items(Path(args.cache) if args.cache else None)
        if args.what == "learners":
            run_learners(args.target, names, xs, store)
        elif args.what == "selftrain":
            unl = unlabelled(args.unlabelled, Path(args.unlabelled_cache) if args.unlabelled_cache else None)
            run_selftrain(args.target, names, xs, unl, store)
        elif args.what == "score":
            score(args.target, names, xs, store)
        else:
            confusion(xs, store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
