"""How the model and the lexicons should be combined: decision variants compared on the OrangeSum
train split read by 5-fold cross-validation plus the dev split (never on test), with the demo
gold's accuracy beside them (the constraint of service/train.py: >= 0.90).

    python bench/decide_events.py [--root .]

Rows, for the main event type (accuracy / macro-F1) and the primary topic (P@1):

- ``model alone``: the model's argmax;
- ``one override``: service/train.py's decision (nlp/decide.py ``combined``), thresholds chosen on
  the same items under the demo constraint (what ships);
- ``per domain``: two sets of thresholds, one for items naming a state other than France (the
  lexicons were written on foreign-affairs news), one for the others, each chosen on its items;
- ``prior power a``: the model's probabilities divided by the train prior to the power a
  (a softer class balance, a calibration), then the override chosen as above.

The thresholds are chosen on the items they are scored on, so every row is optimistic by the same
amount; what matters is the difference between rows.
"""

from __future__ import annotations

import argparse
import collections
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from silkwire.evaluation.events import gold_label, label_scores
from silkwire.nlp import classifier, decide
from silkwire.service import train as training
from silkwire.service import train_data
from silkwire.service import train_thresholds as thresholds

ROOT = Path(__file__).resolve().parents[1]
Override = Mapping[str, float]


def foreign(x: train_data.Example) -> bool:
    return any(c != "FR" for c in x.signals.countries)


def event_score(xs: Sequence[train_data.Example], proba: Sequence[np.ndarray], classes: Sequence[str],
                pick: Callable[[train_data.Example], Override]) -> tuple[float, float]:
    pairs = []
    for x, p in zip(xs, proba, strict=True):
        kind = decide.combine_event(classes, p, x.signals.rule_event, x.rule_confidence, pick(x))
        pairs.append((gold_label(kind, x.events), kind))
    s = label_scores(pairs)
    return s["accuracy"], s["macro_f1"]


def topic_score(xs: Sequence[train_data.Example], proba: Sequence[np.ndarray], classes: Sequence[str],
                pick: Callable[[train_data.Example], Override]) -> tuple[float, float]:
    right = sum(classes[decide.combine_topic(classes, p, x.rule_topic, pick(x))] == x.topic
                for x, p in zip(xs, proba, strict=True))
    return right / len(xs), 0.0


def best(grid: Sequence[dict[str, float]], score: Callable[[Override], tuple[float, float]],
         demo: Callable[[Override], float]) -> Override:
    ok = [o for o in grid if demo(o) >= thresholds.DEMO_FLOOR] or list(grid)
    return max(ok, key=lambda o: sum(score(o)))


def compare(name: str, tune: Sequence[train_data.Example], tune_p: Sequence[np.ndarray],
            demo: Sequence[train_data.Example], demo_p: Sequence[np.ndarray], classes: Sequence[str],
            prior: np.ndarray) -> list[tuple[str, tuple[float, float], float]]:
    scorer = event_score if name == "events" else topic_score
    grid = thresholds.grid(thresholds.EVENT_GRID if name == "events" else thresholds.TOPIC_GRID)
    rows: list[tuple[str, tuple[float, float], float]] = []

    def run(label: str, tp: Sequence[np.ndarray], dp: Sequence[np.ndarray], per_domain: bool = False) -> None:
        if per_domain:
            home = [i for i, x in enumerate(tune) if not foreign(x)]
            inner = best(grid, lambda o: scorer([tune[i] for i in home], [tp[i] for i in home], classes,
                                                lambda _x: o), lambda _o: 1.0)
            outer = best(grid, lambda o: scorer(tune, tp, classes, lambda x: o if foreign(x) else inner),
                         lambda o: scorer(demo, dp, classes, lambda x: o if foreign(x) else inner)[0])

            def pick(x: train_data.Example) -> Override:
                return outer if foreign(x) else inner
        else:
            chosen = best(grid, lambda o: scorer(tune, tp, classes, lambda _x: o),
                          lambda o: scorer(demo, dp, classes, lambda _x: o)[0])

            def pick(x: train_data.Example) -> Override:
                return chosen
        rows.append((label, scorer(tune, tp, classes, pick), scorer(demo, dp, classes, pick)[0]))

    none: dict[str, float] = {}
    rows.append(("model alone", scorer(tune, tune_p, classes, lambda _x: none),
                 scorer(demo, demo_p, classes, lambda _x: none)[0]))
    run("one override (ships)", tune_p, demo_p)
    run("per domain (foreign / France)", tune_p, demo_p, per_domain=True)
    for power in (0.3, 0.5):
        def scaled(ps: Sequence[np.ndarray], a: float = power) -> list[np.ndarray]:
            return [q / q.sum() for q in (p / prior ** a for p in ps)]
        run(f"prior power {power}", scaled(tune_p), scaled(demo_p))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(ROOT))
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    root = Path(args.root)
    with threadpool_limits(1):
        examples = train_data.prepare(root, None, ("train", "dev")) + train_data.prepare_demo()
        words = train_data.lexicon()
        categories = classifier.load("categories")
        for x in examples:
            x.cats = categories.proba(*decide.inputs(categories.meta, x.article.text, x.signals, x.parts, words,
                                                     None)) if categories is not None else None
        train, dev, demo = ([x for x in examples if x.split == s] for s in ("train", "dev", "demo"))
        print(f"train {len(train)} (5-fold), dev {len(dev)}, demo {len(demo)}")
        print("| target | decision | accuracy (train CV + dev) | macro-F1 | demo accuracy |")
        print("|---|---|---:|---:|---:|")
        for name, meta in (("events", training.EVENT_META), ("topics", training.TOPIC_META)):
            rows, dense = train_data.inputs(meta, train, words)
            labels = [train_data.label(name, x) for x in train]
            model = training.fit(name, meta, rows, dense, labels)
            tune_p = [*training.out_of_fold(name, meta, rows, dense, labels, model.classes),
                      *training.probabilities(model, *train_data.inputs(meta, dev, words))]
            demo_p = list(training.probabilities(model, *train_data.inputs(meta, demo, words)))
            counts: Any = collections.Counter(labels)
            prior = np.asarray([counts.get(c, 0) + 1 for c in model.classes], dtype=np.float64)
            for label, (acc, f1), demo_acc in compare(name, [*train, *dev], tune_p, demo, demo_p, model.classes,
                                                      prior / prior.sum()):
                f1_text = f"{f1:.3f}" if name == "events" else "-"
                print(f"| {name} | {label} | {acc:.3f} | {f1_text} | {demo_acc:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
