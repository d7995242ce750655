"""The evaluation gate of the main event type and the topics (``silkwire eval --events``): the
shipped decision (``combined``: nlp/decide.py) on the frozen OrangeSum test split, the second
held-out set test2, the dev split,
the demo gold and the seed listing, against the ``events_<set>`` tables of eval/floors.toml,
checked by the code the command uses (service/event_eval.py ``below_floors``).

The OrangeSum sets read their text from ../shared/data and skip without it; so does the seed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOORS = tomllib.loads((ROOT / "eval" / "floors.toml").read_text(encoding="utf-8"))
SETS = ("test", "test2", "dev", "demo", "seed")


def test_every_set_has_its_floors() -> None:
    for name in SETS:
        assert set(FLOORS[f"events_{name}"]) == {"event_accuracy", "event_macro_f1", "topic_accuracy", "topic_any"}


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_events_and_topics_meet_the_floors(name: str, event_reports: dict[str, Any]) -> None:
    from silkwire.service.event_eval import below_floors

    report = event_reports[name]
    if report.skipped:
        pytest.skip(report.skipped)
    below = below_floors([report], {f"events_{name}": FLOORS[f"events_{name}"]})
    assert not below, f"{name}: below the floor: {below}"
