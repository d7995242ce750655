"""Events: PLOVER triggers from the French lexicon, main event choice, actor dyads.

Facts (countries, entities, places) are built by hand, so most tests need no model; the last
one runs the real pipeline (slow)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from silkwire.model import Article, CountryRef, Entity, Event, Place, Span
from silkwire.nlp.events import Trigger, compile_trigger, dyads, find_events, find_triggers, read_lexicon


def spans(text: str, word: str) -> tuple[Span, ...]:
    return tuple((m.start(), m.end()) for m in re.finditer(re.escape(word), text))


def country(text: str, code: str, *words: str) -> CountryRef:
    found = tuple(sorted(s for w in words for s in spans(text, w)))
    return CountryRef(code, ("name",), found)


def run(text: str, countries: list[CountryRef], entities: tuple[Entity, ...] = (),
        places: tuple[Place, ...] = ()) -> list[Event]:
    return find_events(text, None, countries, entities, places, (), "2025-01-01", "done")


def test_inflected_verbs_and_nouns_match() -> None:
    text = "Ils signeront un accord ; les accords signés ; elle a reçu ; il s’est entretenu"
    found = [(text[h.start:h.end], h.rule.type) for h in find_triggers(text)]
    assert ("signeront", "AGREE") in found and ("accords", "AGREE") in found
    assert ("reçu", "CONSULT") in found and ("entretenu", "CONSULT") in found


def test_longest_trigger_wins_and_none_cancels() -> None:
    text = "Moscou lève l’interdiction visant les talibans. Tokaïev signe la loi."
    found = [(text[h.start:h.end], h.rule.type) for h in find_triggers(text)]
    assert found == [("lève l’interdiction", "CONCEDE")]


@pytest.mark.parametrize(("text", "kind"), [
    # the examples and decisions of docs/annotation-events.md (§5.4, §5.7, §5.9, §5.16, §5.17)
    ("Le parquet ouvre une enquête après la mort d’un détenu", "ACCUSE"),
    ("L’ancien ministre mis en examen pour corruption", "ACCUSE"),
    ("Les rebelles libèrent trois otages canadiens", "RETREAT"),
    ("Le Portugal lève les restrictions de voyage imposées aux touristes britanniques", "CONCEDE"),
    ("Un homme poignarde deux passants à Lyon", "ASSAULT"),
    ("La Nouvelle-Zélande instaure un couvre-feu dans sa capitale", "COERCE"),
    ("Le ministre s’en prend à son homologue", "ACCUSE"),
    ("Le gouvernement s’excuse auprès des familles", "CONCEDE"),
    ("Un réseau de passeurs démantelé près de Calais", "COERCE"),
])
def test_the_guide_decisions_have_triggers(text: str, kind: str) -> None:
    assert [h.rule.type for h in find_triggers(text)][:1] == [kind]


def test_agreement_between_visitor_and_host() -> None:
    text = "Migration : Berlin et Tachkent signent un accord à Samarcande\n\nLe chancelier a assisté dimanche à la signature."
    cs = [country(text, "DE", "Berlin"), country(text, "UZ", "Tachkent")]
    place = Place("Samarcande", spans(text, "Samarcande"), country="UZ")
    events = run(text, cs, places=(place,))
    assert events[0].type == "AGREE"
    assert dyads(events[0]) == [("DE", "UZ")]
    assert events[0].place == "Samarcande"
    assert text[events[0].trigger[0]:events[0].trigger[1]] == "signent"


def test_symmetric_talks_give_one_alphabetical_pair() -> None:
    text = "Des exercices russo-ouzbeks près de Termez\n\nLes manœuvres durent une semaine."
    cs = [country(text, "RU", "russo"), country(text, "UZ", "ouzbeks")]
    events = run(text, cs)
    assert events[0].type == "MOBILIZE"
    assert set(events[0].source) == {"RU", "UZ"}


def test_an_organisation_acted_upon_is_not_its_state() -> None:
    # the shared dyad convention (docs/annotation-events.md, D3): the talibans are org:talibans, not AF
    text = "Bichkek retire à son tour les talibans de sa liste d’organisations interdites\n\nLa décision a été confirmée vendredi."
    cs = [country(text, "KG", "Bichkek"), CountryRef("AF", ("name",), ())]
    taliban = Entity("org:talibans", "ORG", "Talibans", spans(text, "talibans"), country="AF")
    events = run(text, cs, entities=(taliban,))
    assert events[0].type == "CONCEDE"
    assert events[0].source == ("KG",) and "AF" not in events[0].target
    assert dyads(events[0]) == []


def test_multilateral_and_domestic_events_have_no_dyad() -> None:
    text = "Khodjent accueillera un sommet tripartite Ouzbékistan–Kirghizstan–Tadjikistan\n\nLes présidents se retrouveront lundi."
    cs = [country(text, "UZ", "Ouzbékistan"), country(text, "KG", "Kirghizstan"), country(text, "TJ", "Tadjikistan")]
    events = run(text, cs)
    assert events[0].type == "CONSULT" and dyads(events[0]) == []
    text = "Procès : l’ex-ministre condamné à 24 ans de prison\n\nLa justice kazakhstanaise a rendu son verdict."
    events = run(text, [country(text, "KZ", "kazakhstanaise")])
    assert events[0].type == "COERCE" and dyads(events[0]) == []


def test_analysis_piece_and_background_nouns_make_no_event() -> None:
    text = "Commerce : un record sur cinq mois\n\nLes échanges ont progressé, à quelques jours du sommet prévu à Astana."
    assert run(text, [country(text, "KZ", "Astana")]) == []
    text = "Tennis : Bublik s’impose en finale\n\nLe Kazakhstanais s’est imposé dimanche."
    assert run(text, [country(text, "KZ", "Kazakhstanais")]) == []


def test_money_needed_for_aid() -> None:
    text = "Rogun : la Banque mondiale accorde 350 millions de dollars au Tadjikistan\n\nLe conseil a approuvé mardi un don."
    assert run(text, [country(text, "TJ", "Tadjikistan")])[0].type == "AID"
    text = "Biennale : l’art contemporain investit la vieille ville\n\nPlus de soixante-dix œuvres sont présentées."
    assert run(text, []) == []


def test_lead_verb_makes_the_main_event_when_the_title_has_none() -> None:
    text = "Kaspi.kz s’offre 65 % du turc Hepsiburada\n\nLe gouvernement kazakh a signé vendredi un accord. Il a aussi accueilli une délégation."
    events = run(text, [country(text, "KZ", "kazakh"), country(text, "TR", "turc")])
    assert [e.type for e in events] == ["AGREE", "CONSULT"]
    assert events[0].date == "2025-01-01" and events[1].status is None


def test_lexicon_file_is_extensible_and_checked(tmp_path: Path) -> None:
    extra = tmp_path / "extra.tsv"
    extra.write_text("# mine\ninaugurer\tVERB\tCOOPERATE\tlaunch\t\t\n", encoding="utf-8")
    rules = read_lexicon(extra)
    assert rules == [Trigger("inaugurer", "VERB", "COOPERATE", "launch", None)]
    assert compile_trigger(rules[0]).search("il inaugurera la ligne")
    extra.write_text("inaugurer\tVERB\tOPEN\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"extra\.tsv:1"):
        read_lexicon(extra)


@pytest.mark.slow
def test_through_the_pipeline() -> None:
    from silkwire.nlp.pipeline import enrich

    text = "Chine–Ouzbékistan : Mirziyoyev reçu à Pékin pour une visite d’État\n\nLe président ouzbek Chavkat Mirziyoyev a été reçu mercredi par Xi Jinping."
    article = Article("t1", "test", text.split("\n\n")[0], text, "2024-01-25")
    e = next(enrich([article]))
    events = find_events(text, None, e.countries or (), e.entities or (), e.places or (), e.dates or (),
                         e.event_date, e.status)
    assert events[0].type == "CONSULT"
    assert dyads(events[0]) == [("UZ", "CN")]
