"""The actor role scorer's candidates and decisions (nlp/actor_scorer.py), on parses written by
hand (tests/engines/test_actors.py's helpers) and probabilities given directly: no model loaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tests.engines.test_actors import Row, mention, reading, sentence

from silkwire.model import Article, CountryRef, Event
from silkwire.nlp.actor_mentions import Tree
from silkwire.nlp.actor_scorer import CLASSES, candidates, decide, probabilities, rescore, sides
from silkwire.nlp.classifier import LinearModel
from silkwire.nlp.kb import load_kb
from silkwire.service.train_actors import SCORER_META, label, step


def _event(kind: str, source: tuple[str, ...], target: tuple[str, ...], trigger: tuple[int, int]) -> Event:
    return Event(kind, source, target, trigger, trigger, 0.8)


def test_candidates_carry_the_parse_and_the_rules_role() -> None:
    # "La Russie accuse l'Ukraine depuis Minsk" (a title; the route names no party)
    rows: list[Row] = [("La", "DET", "det", 1), ("Russie", "PROPN", "nsubj", 2), ("accuse", "VERB", "ROOT", 2),
                       ("l'Ukraine", "PROPN", "obj", 2), ("depuis", "ADP", "case", 5), ("Minsk", "PROPN", "obl:mod", 2)]
    text, tokens = sentence(rows)
    marks = [mention(tokens, 1, 1, "state", "RU"), mention(tokens, 3, 3, "state", "UA"),
             mention(tokens, 5, 5, "place", "BY")]
    event = _event("ACCUSE", ("RU",), ("UA",), (tokens[2].start, tokens[2].end))
    found = candidates(text, event, {(0, len(text)): tokens}, reading(text, marks))
    assert [c.code for c in found] == ["RU", "UA", "BY"]
    ru, ua, by = (c.features for c in found)
    assert {"role=source", "dep=nsubj", "path=own", "side=before", "type=ACCUSE|role=source"} <= set(ru)
    assert {"role=target", "dep=obj", "side=after", "countries=3", "rank=1"} <= set(ua)
    assert {"role=none", "case=depuis", "kind=place"} <= set(by)
    assert all(v == 1.0 for v in ru.values())
    assert Tree(tokens).case(5) == "depuis"


def test_a_side_country_named_further_on_is_a_candidate() -> None:
    text, tokens = sentence([("Moscou", "PROPN", "nsubj", 1), ("proteste", "VERB", "ROOT", 1)])
    event = _event("PROTEST", ("RU",), ("DE",), (tokens[1].start, tokens[1].end))
    found = candidates(text, event, {(0, len(text)): tokens}, reading(text, [mention(tokens, 0, 0, "state", "RU")]))
    assert [(c.code, "far" in c.features) for c in found] == [("RU", False), ("DE", True)]


def test_sides_from_probabilities() -> None:
    assert CLASSES == ("neither", "source", "target")
    p = np.array([[0.1, 0.8, 0.1], [0.2, 0.1, 0.7], [0.9, 0.05, 0.05]])
    assert sides(["RU", "UA", "BY"], p) == (["RU"], ["UA"])
    both = np.array([[0.1, 0.8, 0.1], [0.2, 0.7, 0.1]])
    assert sides(["KZ", "UZ"], both) == (["KZ", "UZ"], ["KZ", "UZ"])  # two sources: both ways
    three = np.array([[0.1, 0.8, 0.1]] * 3 + [[0.1, 0.1, 0.8]])
    assert sides(["KZ", "UZ", "TJ", "CN"], three) == (["KZ", "UZ", "TJ"], [])  # multilateral
    assert sides(["RU", "UA"], np.array([[0.1, 0.6, 0.3], [0.2, 0.1, 0.7]]), floor=0.65) == ([], ["UA"])


def test_decide_modes() -> None:
    event = _event("ACCUSE", ("RU", "BY"), (), (0, 1))
    codes = ["RU", "BY", "UA"]
    p = np.array([[0.1, 0.85, 0.05], [0.95, 0.03, 0.02], [0.2, 0.1, 0.7]])
    assert decide("rules", event, codes, p) == (["RU", "BY"], [])
    assert decide("scorer", event, codes, p) == (["RU"], ["UA"])
    assert decide("fill", event, codes, p, floor=0.5) == (["RU", "BY"], ["UA"])  # the empty side filled
    assert decide("fill", event, codes, p, floor=0.8) == (["RU", "BY"], [])
    assert decide("prune", event, codes, p, floor=0.9) == (["RU"], [])
    assert decide("scorer", event, [], np.zeros((0, 3))) == (["RU", "BY"], [])  # no candidate: the rules'


def _model(mode: str) -> LinearModel:
    """A hand-set scorer: a subject is the source, an object the target, a route neither."""
    index = {"dep=nsubj": 0, "dep=obj": 1, "case=depuis": 2}
    weights = np.array([[0.0, 3.0, 0.0], [0.0, 0.0, 3.0], [3.0, 0.0, 0.0]], dtype=np.float32)
    return LinearModel("actors", CLASSES, index, weights, np.zeros(3, dtype=np.float32), {"mode": mode})


def test_rescore_decides_the_main_event_as_the_model_meta_says() -> None:
    rows: list[Row] = [("La", "DET", "det", 1), ("Russie", "PROPN", "nsubj", 2), ("accuse", "VERB", "ROOT", 2),
                       ("l'Ukraine", "PROPN", "obj", 2), ("depuis", "ADP", "case", 5), ("Minsk", "PROPN", "obl:mod", 2)]
    text, tokens = sentence(rows)
    countries = [CountryRef("RU", ("name",), ((tokens[1].start, tokens[1].end),)),
                 CountryRef("UA", ("name",), ((tokens[3].start + 2, tokens[3].end),))]
    article = Article("a", "test", None, text)
    wrong = _event("ACCUSE", ("UA",), ("RU",), (tokens[2].start, tokens[2].end))
    parses = {(0, len(text)): tokens}
    args = (article, [wrong], countries, [], [], load_kb(), parses)
    assert rescore(*args, model=_model("rules")) == [wrong]
    (main,) = rescore(*args, model=_model("scorer"))
    assert (main.source, main.target) == (("RU",), ("UA",))
    assert probabilities(_model("scorer"), []).shape == (0, 3)


def test_the_recipe_step_is_off(tmp_path: Path) -> None:
    assert SCORER_META["mode"] == "rules"  # measured, not shipped: docs/benchmarks/actors.md
    assert step(tmp_path, None, tmp_path) == {}
    assert list(tmp_path.iterdir()) == []
    assert label("none", ["RU"], [], "RU") == "neither"
    assert [label("ACCUSE", ["RU"], ["UA"], c) for c in ("RU", "UA", "BY")] == ["source", "target", "neither"]
