"""Publication-date estimates of the demo listings against the gold's dates, and eval/floors.toml.

The demo corpus is ingested and enriched into a database (the NLP pipeline: slow), since an
estimate needs the whole listing; ``silkwire eval --db`` scores the stored records.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from silkwire.service import articles as service
from silkwire.service import evaluate as scoring

ROOT = Path(__file__).resolve().parents[2]
FLOORS = tomllib.loads((ROOT / "eval" / "floors.toml").read_text(encoding="utf-8"))["demo_estimates"]


@pytest.mark.slow
def test_demo_estimates_meet_the_floors(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    with service.open_workspace(str(tmp_path / "demo.db"), create=True) as ws:
        service.ingest(ws, service.demo_files())
        service.enrich(ws)
        result = scoring.evaluate(service.gold_files(), ws=ws).scores["published_estimate"]
    assert result["tp"] + result["fn"] == 50  # every undated listing item the gold dates
    below = {name: (round(result[name], 3), floor) for name, floor in FLOORS.items() if result[name] < floor}
    assert not below, f"below the floor (measured, floor): {below}"


def test_an_estimate_holds_a_day_inside_its_window() -> None:
    from silkwire.evaluation.time import score_estimates

    gold = [{"key": {"title": t}, "published": p} for t, p in
            (("a", "2025-05-03"), ("b", "2025-05-03"), ("c", "2025-05-03"), ("d", "2025-05-03"))]
    predicted = {
        "a": {"published": "2025-05-01/2025-05-05", "published_estimated": True},  # holds it
        "b": {"published": "2025-05-04/..", "published_estimated": True},  # starts after it
        "c": {"published": None},  # undated, not estimated
        "d": {"published": "2025-05-03"},  # dated: not an estimate, not counted
    }
    result = score_estimates(predicted, gold)["published_estimate"]
    assert (result["tp"], result["fp"], result["fn"]) == (1, 1, 2)
    assert result["precision"] == 0.5 and result["recall"] == 1 / 3
