"""The scorer on hand-made records: matching rules, micro-averaging, keys."""

from __future__ import annotations

import subprocess
import sys

import pytest

from silkwire.evaluation.facts import comparable_name, geonames_accuracy, index_records, score, score_article


def gold(**fields: object) -> dict[str, object]:
    row: dict[str, object] = {"key": {"id": "a1"}, "countries": [], "persons": [], "organisations": [], "places": []}
    row.update(fields)
    return row


def record(**fields: object) -> dict[str, object]:
    rec: dict[str, object] = {"id": "a1", "title": "Un titre", "countries": [], "entities": [], "places": []}
    rec.update(fields)
    return rec


def per(name: str, *aliases: str, kind: str = "PER") -> dict[str, object]:
    return {"type": kind, "name": name, "aliases": list(aliases)}


def test_fold_ignores_case_accents_and_apostrophes() -> None:
    assert comparable_name("Agence kazakhstanaise de l’énergie") == comparable_name("agence KAZAKHSTANAISE de l'Energie")
    assert comparable_name("Nour-Soultan") == comparable_name("Nour Soultan")


def test_countries_are_sets() -> None:
    result = score_article(record(countries=[{"code": "KZ"}, {"code": "RU"}]), gold(countries=["KZ", "UZ"]))
    assert result["countries"] == (1, 1, 1)


def test_person_matches_by_canonical_name_alias_or_span_text() -> None:
    rec = record(text="Chavkat Mirzioïev et Xi", entities=[
        per("Kassym-Jomart Tokaïev", "Tokayev"),
        {"type": "PER", "name": "Shavkat Mirziyoyev", "spans": [[0, 18]]},
    ])
    row = gold(persons=["Tokayev", "Chavkat Mirzioïev"])
    assert score_article(rec, row)["persons"] == (2, 0, 0)


def test_person_surname_rule_is_honest() -> None:
    # A bare surname matches the full name; another given name with the same surname does not.
    assert score_article(record(entities=[per("Poutine")]), gold(persons=["Vladimir Poutine"]))["persons"] == (1, 0, 0)
    assert score_article(record(entities=[per("Akylbek Japarov")]), gold(persons=["Sadyr Japarov"]))["persons"] == (0, 1, 1)
    # A transliteration of the given name still matches; a one-word family name first too.
    assert score_article(record(entities=[per("Shavkat Mirziyoyev")]), gold(persons=["Chavkat Mirziyoyev"]))["persons"] == (1, 0, 0)
    assert score_article(record(entities=[per("Xi")]), gold(persons=["Xi Jinping"]))["persons"] == (1, 0, 0)


def test_one_to_one_matching() -> None:
    # Two predictions of one gold person: one tp, one fp.
    rec = record(entities=[per("Sadyr Japarov"), per("Japarov")])
    assert score_article(rec, gold(persons=["Sadyr Japarov"]))["persons"] == (1, 1, 0)


def test_organisations_have_no_surname_rule_and_ignore_other_types() -> None:
    rec = record(entities=[per("Organisation de coopération de Shanghai", "OCS", kind="ORG"),
                           per("Asie centrale", kind="LOC"), per("COP29", kind="MISC")])
    assert score_article(rec, gold(organisations=["OCS"]))["organisations"] == (1, 0, 0)
    rec = record(entities=[per("Conseil de sécurité", kind="ORG")])
    assert score_article(rec, gold(organisations=["Conseil de l'Europe"]))["organisations"] == (0, 1, 1)


def test_places_need_name_and_country() -> None:
    rec = record(places=[{"name": "Astana", "country": "KZ"}, {"name": "Bakou", "country": "RU"}])
    row = gold(places=[{"name": "Astana", "country": "KZ"}, {"name": "Bakou", "country": "AZ"}])
    assert score_article(rec, row)["places"] == (1, 1, 1)


def test_micro_average_and_keys_by_id_or_title() -> None:
    records = index_records([record(countries=[{"code": "KZ"}]),
                             record(id="a2", title="Deux", countries=[{"code": "UZ"}, {"code": "RU"}])])
    rows = [gold(countries=["KZ"]), {**gold(countries=["UZ"]), "key": {"title": "Deux"}},
            {**gold(countries=["TJ"]), "key": {"id": "missing"}}]
    result = score(records, rows)["countries"]
    assert (result["tp"], result["fp"], result["fn"]) == (2, 1, 1)
    assert result["precision"] == pytest.approx(2 / 3)
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(2 / 3)


def test_empty_field_scores_one_not_zero_division() -> None:
    result = score({"a1": record()}, [gold()])
    assert result["persons"]["f1"] == 1.0


def test_geonames_accuracy_counts_only_checkable_places() -> None:
    rec = record(places=[{"name": "Astana", "country": "KZ", "geonameid": 1526273},
                         {"name": "Bakou", "country": "AZ", "geonameid": 1}])
    row = gold(places=[{"name": "Astana", "country": "KZ"}, {"name": "Bakou", "country": "AZ"},
                       {"name": "Edelweiss", "country": "KG"}])
    result = geonames_accuracy({"a1": rec}, [row], {("astana", "KZ"): 1526273, ("bakou", "AZ"): 587084})
    assert (result["checked"], result["right"]) == (2, 1)


def test_scorer_does_not_import_spacy() -> None:
    code = "import sys, silkwire.evaluation.facts; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
