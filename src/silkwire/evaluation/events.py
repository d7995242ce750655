"""Scoring "what happened and what about" against the gold (ANNOTATION.md §9-§11).

Per article, on the *main* (first) event of the record and its *primary* (first) topic:

- ``event_type``: acceptable when the main event's type is one of the gold ``event_types``; a
  gold ``[]`` (no PLOVER event: a statistics piece, an analysis) is right only when the record
  has no event. Accuracy over the gold rows that have the field.
- ``dyads``: the main event's (source, target) country pairs — one alphabetical pair when it
  goes both ways, none when it is multilateral — against the gold ``dyads``: micro-averaged
  pair precision / recall / F1, plus ``dyads_exact``, the share of articles whose set of pairs
  is exactly the gold's (an article with no gold pair and none predicted counts as right).
- ``topic``: the primary topic's code equals the gold ``topic``; accuracy.

Pure Python on plain dicts, like :mod:`silkwire.evaluation.facts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from silkwire.evaluation.facts import Counts, gold_key

EVENT_FIELDS = ("event_type", "dyads", "dyads_exact", "topic")


def event_dyads(event: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The (source, target) country pairs of a record's event (as nlp.events.dyads)."""
    source: Sequence[str] = event.get("source") or ()
    target: Sequence[str] = event.get("target") or ()
    if set(source) == set(target):
        return {(min(source), max(source))} if len(set(source)) == 2 else set()
    return {(s, t) for s in source for t in target if s != t}


def _accuracy(right: int, total: int) -> dict[str, float]:
    return {"accuracy": right / total if total else 1.0, "right": right, "total": total}


def score_events(predicted: Mapping[str, Mapping[str, Any]],
                 gold: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    types = [0, 0]
    exact = [0, 0]
    topics = [0, 0]
    pairs = Counts()
    for row in gold:
        record = predicted.get(gold_key(row)) or {}
        events = record.get("events") or []
        main = events[0] if events else None
        if "event_types" in row:
            types[1] += 1
            wanted = row["event_types"] or []
            types[0] += (main is None) if not wanted else (main is not None and main.get("type") in wanted)
        if "dyads" in row:
            want = {(str(a), str(b)) for a, b in row["dyads"] or []}
            got = event_dyads(main) if main is not None else set()
            pairs.add(len(want & got), len(got - want), len(want - got))
            exact[1] += 1
            exact[0] += want == got
        if row.get("topic"):
            topics[1] += 1
            found = record.get("topics") or []
            topics[0] += bool(found) and found[0].get("code") == row["topic"]
    return {"event_type": _accuracy(*types), "dyads": pairs.as_dict(), "dyads_exact": _accuracy(*exact),
            "topic": _accuracy(*topics)}


# -- classification tables: main event type and primary topic (silkwire eval, service/train.py) -----


def label_scores(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Accuracy, macro-F1 and a per-label table of (gold, predicted) label pairs. Macro-F1
    averages the F1 of every label seen in the gold or the predictions (scikit-learn's
    default), "none" included; a label never predicted and never gold does not count."""
    gold_n: dict[str, int] = {}
    pred_n: dict[str, int] = {}
    hits: dict[str, int] = {}
    right = total = 0
    for gold, pred in pairs:
        total += 1
        gold_n[gold] = gold_n.get(gold, 0) + 1
        pred_n[pred] = pred_n.get(pred, 0) + 1
        if gold == pred:
            right += 1
            hits[gold] = hits.get(gold, 0) + 1
    table: dict[str, dict[str, float]] = {}
    for label in sorted(set(gold_n) | set(pred_n)):
        tp, g, p = hits.get(label, 0), gold_n.get(label, 0), pred_n.get(label, 0)
        precision = tp / p if p else 0.0
        recall = tp / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {"precision": precision, "recall": recall, "f1": f1, "gold": g, "predicted": p}
    macro = sum(r["f1"] for r in table.values()) / len(table) if table else 0.0
    return {"accuracy": right / total if total else 0.0, "macro_f1": macro, "right": right, "total": total,
            "per_label": table}


def gold_label(predicted: str, acceptable: Sequence[str]) -> str:
    """The gold label to score a prediction against when the gold accepts several (demo and seed
    gold: ``event_types``, [] meaning none): the prediction when it is acceptable, else the first."""
    wanted = list(acceptable) or ["none"]
    return predicted if predicted in wanted else wanted[0]
