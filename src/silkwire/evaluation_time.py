"""Scoring "when and how much" against the gold (ANNOTATION.md): event date, status, money.

- ``event_date``: exact match of the ISO value, over gold rows whose event date is not null
  (a prediction of null there is a miss); reported as accuracy.
- ``status``: done | planned, over gold rows whose status is not null; accuracy.
- ``money``: the set of (value, ISO 4217 unit) of predicted money amounts against the gold's,
  per article, micro-averaged precision / recall / F1 ("exact": value and unit both right).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from silkwire.evaluation import Counts, gold_key

TIME_FIELDS = ("event_date", "status", "money")


def _money(amounts: Iterable[Mapping[str, Any]], predicted: bool) -> set[tuple[float, str]]:
    return {(float(a["value"]), str(a["unit"])) for a in amounts
            if a.get("value") is not None and (not predicted or a.get("kind") == "money")}


def score_time(predicted: Mapping[str, Mapping[str, Any]],
               gold: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    dates = [0, 0]  # right, total
    status = [0, 0]
    money = Counts()
    for row in gold:
        record = predicted.get(gold_key(row)) or {}
        if row.get("event_date") is not None:
            dates[1] += 1
            dates[0] += record.get("event_date") == row["event_date"]
        if row.get("status") is not None:
            status[1] += 1
            status[0] += record.get("status") == row["status"]
        want = _money(row.get("amounts", ()), predicted=False)
        got = _money(record.get("amounts", ()) or (), predicted=True)
        money.add(len(want & got), len(got - want), len(want - got))
    return {
        "event_date": {"accuracy": dates[0] / dates[1] if dates[1] else 1.0, "right": dates[0], "total": dates[1]},
        "status": {"accuracy": status[0] / status[1] if status[1] else 1.0, "right": status[0], "total": status[1]},
        "money": money.as_dict(),
    }
