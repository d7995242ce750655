"""Which learner and which features for the event and topic models: measured on the OrangeSum dev
split and by 5-fold cross-validation on the train split (never on test).

    python bench/train_events.py [--root .] [--quick] [--target events|topics|both]
    python bench/train_events.py --train     # then rebuild the shipped models (= silkwire train)

Each row: a feature set (nlp/features.py groups; ``vec``: the mean word vectors of the title and
of the lead's first sentence; ``cat``: the category model's probabilities) and a learner
(scikit-learn: logistic regression, linear SVM, complement naive Bayes), with dev accuracy and
macro-F1 ("none" counted as a class) and the same on 5-fold CV of train (``--quick``: dev only).
The shipped choice (service/train.py EVENT_META/TOPIC_META) is the best dev + CV macro-F1 and
accuracy among the rows (the table it was chosen from: docs/benchmarks/events-topics.md);
``silkwire train`` then fits that choice on train + dev together.
"""

from __future__ import annotations

import argparse
import platform
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

ROOT = Path(__file__).resolve().parents[1]

FEATURES: dict[str, dict[str, Any]] = {
    "words": {"groups": ["words"]},
    "words+rules": {"groups": ["words", "rules"]},
    "words+lemmas+rules": {"groups": ["words", "lemmas", "rules"]},
    "words+chars+rules": {"groups": ["words", "chars", "rules"]},
    "words+rules+countries": {"groups": ["words", "rules", "countries"]},
    "words+rules+vec": {"groups": ["words", "rules"], "vectors": ["t:mean", "l:mean"], "vector_width": 300},
    "words+rules+vec+cat": {"groups": ["words", "rules"], "vectors": ["t:mean", "l:mean"], "vector_width": 300,
                            "categories": 1.0},
}


def learners() -> dict[str, tuple[Callable[[], Any], bool]]:
    """name -> (factory, takes dense inputs)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    seed = training.SEED
    return {
        "logreg C=10": (lambda: LogisticRegression(C=10, max_iter=5000, random_state=seed), True),
        "logreg C=10 balanced": (lambda: LogisticRegression(C=10, max_iter=5000, class_weight="balanced",
                                                            random_state=seed), True),
        "linear SVM C=0.3": (lambda: LinearSVC(C=0.3, random_state=seed), True),
        "complement NB a=0.3": (lambda: ComplementNB(alpha=0.3), False),
    }


def pairs(meta: dict[str, Any], make: Callable[[], Any], fit_on: Sequence[train_data.Example],
          test_on: Sequence[train_data.Example], target: str, words: Any) -> list[tuple[str, str]]:
    """(gold, predicted) of ``test_on`` by a model fitted on ``fit_on``."""
    rows, dense = train_data.inputs(meta, fit_on, words)
    index = train_data.vocabulary(rows, 2)
    est = make().fit(train_data.matrix(rows, dense, index), [train_data.label(target, x) for x in fit_on])
    test_rows, test_dense = train_data.inputs(meta, test_on, words)
    predicted = est.predict(train_data.matrix(test_rows, test_dense, index))
    return list(zip([train_data.label(target, x) for x in test_on], (str(p) for p in predicted), strict=True))


def cross_validate(meta: dict[str, Any], make: Callable[[], Any], train: Sequence[train_data.Example],
                   target: str, words: Any) -> dict[str, Any]:
    from sklearn.model_selection import StratifiedKFold

    labels = [train_data.label(target, x) for x in train]
    folds = StratifiedKFold(5, shuffle=True, random_state=training.SEED)
    found: list[tuple[str, str]] = []
    for fit_idx, test_idx in folds.split(np.zeros(len(train)), labels):
        found += pairs(meta, make, [train[i] for i in fit_idx], [train[i] for i in test_idx], target, words)
    return label_scores(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--data", default=None)
    parser.add_argument("--quick", action="store_true", help="dev split only, no cross-validation")
    parser.add_argument("--target", default="both", choices=("events", "topics", "both"))
    parser.add_argument("--train", action="store_true", help="rebuild the shipped models instead")
    args = parser.parse_args(argv)
    root, data = Path(args.root), Path(args.data) if args.data else None
    if args.train:
        report = training.train(root, data, log=lambda m: print(f"- {m}", flush=True))
        print(report)
        return 0
    from threadpoolctl import threadpool_limits

    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    with threadpool_limits(1):
        examples = train_data.prepare(root, data, ("train", "dev"))
        words = train_data.lexicon()
        categories = classifier.load("categories")
        if categories is None:
            print("no categories model shipped: run silkwire train first (the +cat rows need it)", file=sys.stderr)
        else:
            for x in examples:
                x.cats = categories.proba(*decide.inputs(categories.meta, x.article.text, x.signals, x.parts,
                                                          words, None))
        train = [x for x in examples if x.split == "train"]
        dev = [x for x in examples if x.split == "dev"]
        targets = ("events", "topics") if args.target == "both" else (args.target,)
        print(f"train {len(train)}, dev {len(dev)}")
        print("| target | features | learner | dev acc | dev macro-F1 | CV acc | CV macro-F1 |")
        print("|---|---|---|---:|---:|---:|---:|")
        for target in targets:
            for fname, meta in FEATURES.items():
                if "categories" in meta and categories is None:
                    continue
                for lname, (make, dense_ok) in learners().items():
                    if not dense_ok and ("vectors" in meta or "categories" in meta):
                        continue
                    d = label_scores(pairs(meta, make, train, dev, target, words))
                    cv = cross_validate(meta, make, train, target, words) if not args.quick else None
                    cv_text = f"{cv['accuracy']:.3f} | {cv['macro_f1']:.3f}" if cv else "- | -"
                    print(f"| {target} | {fname} | {lname} | {d['accuracy']:.3f} | {d['macro_f1']:.3f} | {cv_text} |",
                          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
