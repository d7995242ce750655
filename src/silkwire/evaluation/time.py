"""Scoring "when and how much" against the gold (ANNOTATION.md): event date, status, money.

- ``event_date``: exact match of the ISO value, over gold rows whose event date is not null
  (a prediction of null there is a miss); reported as accuracy.
- ``status``: done | planned, over gold rows whose status is not null; accuracy.
- ``money``: the set of (value, ISO 4217 unit) of predicted money amounts against the gold's,
  per article, micro-averaged precision / recall / F1 ("exact": value and unit both right).
- ``published_estimate`` (``score_estimates``, stored records only: estimates need the whole
  listing): whether the estimated publication window of an undated article holds the gold's day.

The publication date is an input of date resolution: "hier", "lundi", "le 30 novembre" mean
nothing without it, and the gold resolves them against its ``published`` (ANNOTATION.md §7).
A listing gives none (its dates exist only in the gold), so a listing item's event date would
score the publication-date estimate, not the tagger. As in TempEval (where the document creation
time is given to every system), ``event_date`` and ``status`` are scored on the records
re-resolved against the gold's ``published`` for the articles that have none of their own
(``retime``); the records as they are — listing items resolved without any publication date —
are scored too, as ``event_date_end_to_end`` and ``status_end_to_end``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from silkwire.evaluation.facts import Counts, gold_key

TIME_FIELDS = ("event_date", "status", "money")
# (record, publication date) -> the record's time fields resolved against that date
Retime = Callable[[Mapping[str, Any], str], Mapping[str, Any]]


def _money(amounts: Iterable[Mapping[str, Any]], predicted: bool) -> set[tuple[float, str]]:
    return {(float(a["value"]), str(a["unit"])) for a in amounts
            if a.get("value") is not None and (not predicted or a.get("kind") == "money")}


def _undated(record: Mapping[str, Any]) -> bool:
    return not record.get("published") or bool(record.get("published_estimated"))


def score_time(predicted: Mapping[str, Mapping[str, Any]], gold: Iterable[Mapping[str, Any]],
               retime: Retime | None = None) -> dict[str, dict[str, float]]:
    """Event date and status accuracy, money P/R/F1; with ``retime``, event date and status given
    the gold's publication dates, and as they are (``*_end_to_end``): see the module doc."""
    rows = list(gold)
    as_is = _score(predicted, rows)
    if retime is None:
        return as_is
    given: dict[str, Mapping[str, Any]] = dict(predicted)
    for row in rows:
        key = gold_key(row)
        record = predicted.get(key)
        if record is not None and _undated(record) and row.get("published") and record.get("text"):
            given[key] = {**record, **retime(record, str(row["published"]))}
    out = _score(given, rows)
    out["event_date_end_to_end"] = as_is["event_date"]
    out["status_end_to_end"] = as_is["status"]
    return out


def score_estimates(predicted: Mapping[str, Mapping[str, Any]],
                    gold: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Publication-date estimates of the articles that have no date of their own (listing items),
    against the gold's ``published``: an estimate is right when its window holds the gold's day.
    Precision over the estimates made, recall over the undated articles the gold dates."""
    right = made = undated = 0
    for row in gold:
        record = predicted.get(gold_key(row))
        if record is None or not row.get("published") or not _undated(record):
            continue
        undated += 1
        value = record.get("published") if record.get("published_estimated") else None
        if not value:
            continue
        made += 1
        right += _holds(str(value), str(row["published"])[:10])
    precision = right / made if made else 1.0
    recall = right / undated if undated else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # tp: right estimates; fp: wrong ones; fn: undated articles without a right estimate.
    return {"published_estimate": {"precision": precision, "recall": recall, "f1": f1,
                                   "tp": right, "fp": made - right, "fn": undated - right}}


def _holds(window: str, day: str) -> bool:
    """Whether an estimate (``2025-07-28/2025-07-30``, ``2025-07-28/..``, ``../2025-07-30`` or one
    day) holds ``day`` (both YYYY-MM-DD: they compare as strings)."""
    start, _, end = window.partition("/") if "/" in window else (window, "", window)
    return (start == ".." or start[:10] <= day) and (end == ".." or day <= end[:10])


def _score(predicted: Mapping[str, Mapping[str, Any]],
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
