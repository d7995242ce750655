"""The evaluation gate: silkwire's who-and-where on the gold, against eval/floors.toml.

The demo gold (src/silkwire/demo/gold-*.jsonl, every file present) is matched to the demo corpus
by exact title; the seed gold (tests/gold/seed-002.jsonl) to ../shared/data's seed listing by
article id. Each field's F1 must stay at or above its pinned floor.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from silkwire.evaluation.facts import FIELDS, index_records, read_gold, score
from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.service.articles import demo_files, gold_files

ROOT = Path(__file__).resolve().parents[2]
FLOORS = tomllib.loads((ROOT / "eval" / "floors.toml").read_text(encoding="utf-8"))
SEED = ROOT.parent / "shared" / "data" / "seeds" / "002_0afaed159990aab2.txt"
SEED_GOLD = ROOT / "tests" / "gold" / "seed-002.jsonl"


def scores(inputs: list[str], golds: list[str], time: bool = False,
           events: bool = False) -> dict[str, dict[str, float]]:
    pytest.importorskip("spacy")
    from silkwire.model import enrichment_fields as record_fields
    from silkwire.nlp.pipeline import enrich

    items = [a for a in read_paths(inputs) if isinstance(a, Article)]
    records: list[dict[str, Any]] = []
    for art, enrichment in zip(items, enrich(items), strict=True):
        records.append({"id": art.id, "title": art.title, "text": art.text, "published": art.published,
                        **record_fields(enrichment)})
    gold = read_gold(golds)
    index = index_records(records)
    missing = [row["key"] for row in gold if (row["key"].get("id") or row["key"].get("title")) not in index]
    assert not missing, f"gold rows without an article: {missing[:3]}"
    if time:
        from silkwire.evaluation.time import score_time
        from silkwire.nlp.timefacts import event_fields

        return score_time(index, gold, retime=lambda record, published: event_fields(record["text"], published))
    if events:
        from silkwire.evaluation.events import score_events

        return score_events(index, gold)
    return score(index, gold)


def headline(s: dict[str, float]) -> float:
    return s["f1"] if "f1" in s else s["accuracy"]


def check_all(result: dict[str, dict[str, float]], floors: dict[str, float]) -> None:
    below = {f: (round(headline(result[f]), 3), v) for f, v in floors.items() if headline(result[f]) < v}
    assert not below, f"below the floor (measured, floor): {below}"


def check(result: dict[str, dict[str, float]], floors: dict[str, float]) -> None:
    below = {f: (round(result[f]["f1"], 3), floors[f]) for f in FIELDS if result[f]["f1"] < floors[f]}
    assert not below, f"F1 below the floor (measured, floor): {below}"


def test_floors_cover_every_field() -> None:
    for name in ("demo", "seed"):
        assert set(FLOORS[name]) == set(FIELDS)
        assert all(0 < v <= 1 for v in FLOORS[name].values())


@pytest.mark.slow
def test_demo_gold_meets_the_floors() -> None:
    check(scores(demo_files(), gold_files()), FLOORS["demo"])


@pytest.mark.slow
@pytest.mark.skipif(not SEED.exists(), reason=f"seed listing absent ({SEED}): ../shared/data is not here")
def test_seed_gold_meets_the_floors() -> None:
    check(scores([str(SEED)], [str(SEED_GOLD)]), FLOORS["seed"])


@pytest.mark.slow
def test_demo_gold_time_facts_meet_the_floors() -> None:
    result = scores(demo_files(), gold_files(), time=True)
    floors = FLOORS["demo_time"]
    below = {f: (round(result[f].get("f1", result[f].get("accuracy", 0.0)), 3), v) for f, v in floors.items()
             if result[f].get("f1", result[f].get("accuracy", 0.0)) < v}
    assert not below, f"below the floor (measured, floor): {below}"


def test_event_floors_cover_every_field() -> None:
    from silkwire.evaluation.events import EVENT_FIELDS

    for name in ("demo_events", "seed_events"):
        assert set(FLOORS[name]) == set(EVENT_FIELDS)


@pytest.mark.slow
def test_demo_gold_events_and_topics_meet_the_floors() -> None:
    check_all(scores(demo_files(), gold_files(), events=True), FLOORS["demo_events"])


@pytest.mark.slow
@pytest.mark.skipif(not SEED.exists(), reason=f"seed listing absent ({SEED}): ../shared/data is not here")
def test_seed_gold_events_and_topics_meet_the_floors() -> None:
    check_all(scores([str(SEED)], [str(SEED_GOLD)], events=True), FLOORS["seed_events"])
