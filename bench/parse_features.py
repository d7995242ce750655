"""Do the title predicate's parse features (nlp/predicate_features.py) help the event and topic
models? Measured by 5-fold cross-validation over train + dev, the recipe's folds and seed
(service/train.py ``out_of_fold``), against the recipe without them, in the same run.

    python bench/parse_features.py [--root .] [--target events|topics|both] [--cache FILE] [--follow-modals]

Variants: ``recipe`` (EVENT_META / TOPIC_META as shipped), ``+parse`` (the ``parse`` feature
group), ``+parse+pvec`` (also the predicate's word vector as a dense block), ``+pvec`` (the
vector alone), ``+parse-args`` (the parse group without the predicate's lemma and its
conjunctions: voice, argument kinds, trigger types). Each row: per-fold accuracy and macro-F1
of the model's argmax, the pooled figures, and the per-fold deltas against the recipe (when the
recipe ran first); for events also the pooled figures after the recipe's threshold step
(service/train_thresholds.py: prior correction and the rules' override, under the demo floor;
``--no-tune`` skips it); after each variant, the per-type F1 table so far. The test split and
the seed listing are never read. ``--follow-modals``: the items read with the title's predicate
followed from a modal or support verb to its infinitive (nlp/predicate_features.py
``follow_support``; a separate cache).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from silkwire.evaluation.events import label_scores
from silkwire.nlp import classifier, decide
from silkwire.service import train as training
from silkwire.service import train_data
from silkwire.service.train_thresholds import corrected, prior_of, tune_events

ROOT = Path(__file__).resolve().parents[1]


def variants(base: dict[str, Any]) -> dict[str, dict[str, Any]]:
    parse = {**base, "groups": [*base["groups"], "parse"]}
    return {"recipe": base, "+parse": parse, "+parse+pvec": {**parse, "predicate_vector": 1.0},
            "+pvec": {**base, "predicate_vector": 1.0}, "+parse-args": parse}


def unlexicalised(xs: Sequence[train_data.Example]) -> list[train_data.Example]:
    """The ``+parse-args`` variant's items: the parse features without the predicate's lemma
    (its voice, its arguments' kinds, the trigger types only)."""
    from dataclasses import replace

    return [replace(x, signals=replace(x.signals, parse=tuple(n for n in x.signals.parse
                                                             if not n.startswith("p:l=") and "|" not in n)))
            for x in xs]


def examples(root: Path, data: Path | None, cache: Path | None,
             follow_modals: bool = False, parse: bool = True) -> list[train_data.Example]:
    """The train + dev and demo examples as the recipe prepares them (``parse``: with the title's
    parse features), the category model's guess filled in; pickled to ``cache`` once."""
    return cached(cache, lambda: (train_data.prepare(root, data, ("train", "dev"), parse=parse,
                                                     follow_modals=follow_modals)
                                  + train_data.prepare_demo(parse=parse, follow_modals=follow_modals)))


def cached(cache: Path | None, read: Callable[[], list[train_data.Example]]) -> list[train_data.Example]:
    """The examples ``read`` prepares with the category model's guess filled in, pickled to
    ``cache`` once (and read back from it when it exists)."""
    if cache is not None and cache.exists():
        with cache.open("rb") as f:
            loaded: list[train_data.Example] = pickle.load(f)
            return loaded
    xs = read()
    words = train_data.lexicon()
    categories = classifier.load("categories")
    assert categories is not None, "run silkwire train first: the category model is an input"
    for x in xs:
        x.cats = categories.proba(*decide.inputs(categories.meta, x.article.text, x.signals, x.parts, words, None))
    if cache is not None:
        with cache.open("wb") as f:
            pickle.dump(xs, f)
    return xs


def folds(labels: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    import warnings

    from sklearn.model_selection import StratifiedKFold

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return list(StratifiedKFold(training.FOLDS, shuffle=True, random_state=training.SEED)
                    .split(np.zeros(len(labels)), labels))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--data", default=None)
    parser.add_argument("--target", default="events", choices=("events", "topics", "both"))
    parser.add_argument("--variants", default="recipe,+parse,+parse+pvec,+pvec")
    parser.add_argument("--cache", default=None, help="pickle of the read examples (made when absent)")
    parser.add_argument("--no-tune", action="store_true", help="events: no threshold step (model argmax)")
    parser.add_argument("--follow-modals", action="store_true", help="the predicate followed past modal verbs")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        t0 = time.time()
        xs = examples(Path(args.root), Path(args.data) if args.data else None,
                      Path(args.cache) if args.cache else None, args.follow_modals)
        fit_set = [x for x in xs if x.split in ("train", "dev")]
        demo = [x for x in xs if x.split == "demo"]
        words = train_data.lexicon()
        print(f"# {len(fit_set)} train + dev items, {len(demo)} demo items, read in {time.time() - t0:.0f} s",
              flush=True)
        targets = ("events", "topics") if args.target == "both" else (args.target,)
        for target in targets:
            base = training.EVENT_META if target == "events" else training.TOPIC_META
            labels = [train_data.label(target, x) for x in fit_set]
            splits = folds(labels)
            per_fold: dict[str, list[tuple[float, float]]] = {}
            tables: dict[str, dict[str, Any]] = {}
            table = variants(dict(base))
            for name in args.variants.split(","):
                meta = table[name]
                items = unlexicalised(fit_set) if name == "+parse-args" else fit_set
                t1 = time.time()
                rows, dense = train_data.inputs(meta, items, words)
                found: list[tuple[str, str]] = []
                proba = None
                scores = []
                for fit_idx, held_idx in splits:
                    m = training.fit(target, meta, [rows[i] for i in fit_idx], [dense[i] for i in fit_idx],
                                     [labels[i] for i in fit_idx])
                    if proba is None:
                        classes = sorted(set(labels))
                        proba = np.zeros((len(fit_set), len(classes)))
                    cols = [classes.index(c) for c in m.classes]
                    pairs = []
                    for i in held_idx:
                        proba[i, cols] = m.proba(rows[i], dense[i])
                        pairs.append((labels[i], classes[int(np.argmax(proba[i]))]))
                    s = label_scores(pairs)
                    scores.append((s["accuracy"], s["macro_f1"]))
                    found += pairs
                per_fold[name] = scores
                pooled = label_scores(found)
                tables[name] = pooled["per_label"]
                line = (f"| {target} | {name} | " + " ".join(f"{a:.3f}/{f:.3f}" for a, f in scores)
                        + f" | {pooled['accuracy']:.3f} | {pooled['macro_f1']:.3f} |")
                if name != "recipe" and "recipe" in per_fold:
                    d = [(a - b[0], f - b[1]) for (a, f), b in zip(scores, per_fold["recipe"], strict=True)]
                    line += " " + " ".join(f"{a:+.3f}/{f:+.3f}" for a, f in d) + " |"
                if target == "events" and proba is not None and not args.no_tune:
                    full = training.fit(target, meta, rows, dense, labels)
                    full_classes = list(full.classes)
                    tuning = proba[:, [classes.index(c) for c in full_classes]]
                    demo_items = unlexicalised(demo) if name == "+parse-args" else demo
                    demo_proba = training.probabilities(full, *train_data.inputs(meta, demo_items, words))
                    prior = prior_of(labels, full_classes)
                    override = tune_events(full, fit_set, tuning, demo, demo_proba, prior)
                    power = float(override["prior_power"])
                    tuned = corrected(tuning, prior, power)
                    model_pairs = list(zip(labels, (full_classes[int(np.argmax(p))] for p in tuned), strict=True))
                    ms = label_scores(model_pairs)
                    line += (f" tuned: model {ms['accuracy']:.3f}/{ms['macro_f1']:.3f}, combined objective "
                             f"{override['objective']:.4f}, demo {override['demo_accuracy']:.3f}, power {power} |")
                print(line + f" ({time.time() - t1:.0f} s)", flush=True)
                names = list(tables)  # the per-label table so far, after each variant
                print(f"per-label F1 ({target}, pooled CV): | label | gold | " + " | ".join(names) + " |")
                for label in sorted(set().union(*[set(t) for t in tables.values()])):
                    gold = next(int(t[label]["gold"]) for t in tables.values() if label in t)
                    f1s = " | ".join(f"{tables[n].get(label, {}).get('f1', 0.0):.3f}" for n in names)
                    print(f"| {label} | {gold} | {f1s} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
