"""The decision thresholds of the event and topic models (step 4 of service/train.py): chosen on
train + dev read by cross-validation, under the demo gold's floor, and written into the models'
meta (nlp/decide.py reads them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from silkwire.evaluation.events import label_scores
from silkwire.nlp import decide
from silkwire.nlp.classifier import LinearModel, Model
from silkwire.service.explore import CENTRAL_ASIA
from silkwire.service.train_data import Example

DEMO_FLOOR = 0.90  # the floor for the demo gold, kept by ``combined``
EVENT_GRID = {"min_confidence": (0.0, 0.65, 0.75), "when_none": (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 2.0),
              "when_other": (0.0, 0.05, 0.1, 0.2, 0.3, 2.0)}
OTHER_TOPICS_MIN_F1 = 0.3  # the other topics are listed only if the dev split measures them this well
TOPIC_GRID = {"min_share": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 2.0), "min_proba": (0.0, 0.02, 0.05, 0.1, 0.2)}
# The cue lexicon's topic override applies to articles naming one of these states only: the
# lexicon's own domain (Central Asia). Measured by nested 5-fold CV over train + dev
# (bench/decision_cv.py, 0.4.13): ungated the override costs 2.4 points of P@1 against the model
# alone (every fold loses), gated to items naming any state but France still 0.8; gated here it
# equals the model alone (3 of 8,391 OrangeSum items name one) and the demo keeps its 0.906.
TOPIC_GATE = CENTRAL_ASIA


def _event_scores(model: Model, xs: Sequence[Example], proba: np.ndarray,
                  override: Mapping[str, Any]) -> dict[str, Any]:
    from silkwire.evaluation.events import gold_label

    pairs = []
    for x, p in zip(xs, proba, strict=True):
        kind = decide.combine_event(model.classes, p, x.signals.rule_event, x.rule_confidence, override)
        pairs.append((gold_label(kind, x.events), kind))
    return label_scores(pairs)


def grid(axes: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    import itertools

    return [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]


def _choose(candidates: Sequence[tuple[dict[str, Any], float, float]]) -> dict[str, Any]:
    """The candidate with the best objective among those that keep the demo at its floor (else
    the best on the demo): (override, objective on the tuning items, demo accuracy)."""
    ok = [c for c in candidates if c[2] >= DEMO_FLOOR]
    best = max(ok, key=lambda c: c[1]) if ok else max(candidates, key=lambda c: (c[2], c[1]))
    return {**best[0], "objective": round(best[1], 4), "demo_accuracy": round(best[2], 4)}


PRIOR_POWERS = (0.0, 0.1, 0.2, 0.3, 0.4)


def prior_of(labels: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """Each class's share of ``labels`` (add-one smoothed)."""
    counts = np.asarray([sum(1 for y in labels if y == c) + 1 for c in classes], dtype=np.float64)
    return np.asarray(counts / counts.sum())


def corrected(proba: np.ndarray, prior: np.ndarray, power: float) -> np.ndarray:
    """Probabilities divided by the class prior to ``power`` and renormalised: a softer class
    balance, the same as subtracting ``power * log(prior)`` from the model's intercepts
    (``with_prior``)."""
    q = proba / prior ** power
    return np.asarray(q / q.sum(axis=1, keepdims=True))


def with_prior(model: LinearModel, prior: np.ndarray, power: float) -> LinearModel:
    from dataclasses import replace

    bias = (model.bias.astype(np.float64) - power * np.log(prior)).astype(np.float32)
    return replace(model, bias=bias, meta={**model.meta, "prior_power": power})


def _demo_score(model: Model, demo: Sequence[Example], proba: np.ndarray, override: Mapping[str, Any]) -> float:
    """The demo's event accuracy, kept at ``DEMO_FLOOR`` (its macro-F1 too would leave no setting:
    measured, the best then overrides everywhere, -8.8 points of accuracy + macro-F1 on train + dev)."""
    return float(_event_scores(model, demo, proba, override)["accuracy"])


def _narrow(model: Model, override: dict[str, Any], tune: Sequence[Example], proba: np.ndarray,
            demo: Sequence[Example], demo_proba: np.ndarray) -> tuple[dict[str, Any], float, float]:
    """The rule types allowed to override the model, narrowed greedily: drop the type whose
    removal raises the objective most while the demo keeps its floor, until none does."""
    def objective(o: Mapping[str, Any]) -> float:
        s = _event_scores(model, tune, proba, o)
        return float(s["accuracy"] + s["macro_f1"])

    def demo_accuracy(o: Mapping[str, Any]) -> float:
        return _demo_score(model, demo, demo_proba, o)

    types = sorted({x.signals.rule_event for x in tune} - {decide.NONE})
    best = {**override, "types": types}
    score = objective(best)
    while True:
        trials = [({**best, "types": [t for t in best["types"] if t != drop]}) for drop in best["types"]]
        scored = [(objective(o), o) for o in trials]
        better = [(v, o) for v, o in scored if v > score + 1e-9 and demo_accuracy(o) >= DEMO_FLOOR]
        if not better:
            return best, score, demo_accuracy(best)
        score, best = max(better, key=lambda c: c[0])


def tune_events(model: Model, tune: Sequence[Example], tune_proba: np.ndarray,
                demo: Sequence[Example], demo_proba: np.ndarray, prior: np.ndarray) -> dict[str, Any]:
    """The prior correction and the override of ``combined`` (nlp/decide.py ``combine_event``):
    the best accuracy + macro-F1 on ``tune`` (the items thresholds are chosen on: step 4) among
    the settings that keep the demo's event accuracy at ``DEMO_FLOOR``: for each power of the
    prior, the thresholds of the grid, then the rule types allowed to override narrowed."""
    candidates = []
    for power in PRIOR_POWERS:
        tp, dp = corrected(tune_proba, prior, power), corrected(demo_proba, prior, power)
        for override in grid(EVENT_GRID):
            d = _event_scores(model, tune, tp, override)
            candidates.append(({**override, "prior_power": power}, d["accuracy"] + d["macro_f1"],
                               _demo_score(model, demo, dp, override)))
    chosen = _choose(candidates)
    power = float(chosen.pop("prior_power"))
    thresholds = {k: chosen[k] for k in EVENT_GRID}
    narrowed, score, demo_acc = _narrow(model, thresholds, tune, corrected(tune_proba, prior, power),
                                        demo, corrected(demo_proba, prior, power))
    if score <= chosen["objective"] + 1e-9 or demo_acc < DEMO_FLOOR:
        narrowed = {**thresholds, "objective": chosen["objective"], "demo_accuracy": chosen["demo_accuracy"]}
    else:
        narrowed = {**narrowed, "objective": round(score, 4), "demo_accuracy": round(demo_acc, 4)}
    return {**narrowed, "prior_power": power}


def _topic_accuracy(model: Model, xs: Sequence[Example], proba: np.ndarray,
                    override: Mapping[str, Any]) -> float:
    right = sum(model.classes[decide.combine_topic(model.classes, p, x.rule_topic, override,
                                                   x.signals.countries)] == x.topic
                for x, p in zip(xs, proba, strict=True))
    return right / len(xs) if xs else 0.0


def tune_topics(model: Model, dev: Sequence[Example], dev_proba: np.ndarray,
                demo: Sequence[Example], demo_proba: np.ndarray, other: Sequence[Sequence[str]]) -> dict[str, Any]:
    """The cue lexicon's override of ``combined`` (as for events, on the primary topic's P@1 of
    ``dev``, the items thresholds are chosen on; chosen ungated, then gated to ``TOPIC_GATE``),
    and the probability from which another topic
    is listed (best F1 of the other topics against ``other``, the gold's other topics of the
    last ``len(other)`` items of ``dev``: the dev split; none is listed when that F1 is below
    ``OTHER_TOPICS_MIN_F1``)."""
    candidates = [(o, _topic_accuracy(model, dev, dev_proba, o), _topic_accuracy(model, demo, demo_proba, o))
                  for o in grid(TOPIC_GRID)]
    best = (2.0, 0.0)
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        tp = fp = fn = 0
        for p, want in zip(dev_proba[len(dev_proba) - len(other):], other, strict=True):
            first = int(np.argmax(p))
            got = {model.classes[k] for k in range(len(p)) if k != first and p[k] >= threshold}
            tp, fp, fn = tp + len(got & set(want)), fp + len(got - set(want)), fn + len(set(want) - got)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1]:
            best = (threshold, f1)
    threshold = best[0] if best[1] >= OTHER_TOPICS_MIN_F1 else 2.0  # below it: the primary topic alone
    override = _choose(candidates)  # the thresholds chosen ungated (the demo needs them), then gated
    gated = {**override, "countries": list(TOPIC_GATE)}
    gated["gated_objective"] = round(_topic_accuracy(model, dev, dev_proba, gated), 4)
    gated["gated_demo_accuracy"] = round(_topic_accuracy(model, demo, demo_proba, gated), 4)
    return {"override": gated, "other_topics": threshold, "other_topics_dev_f1": round(best[1], 3)}

