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
