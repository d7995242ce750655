"""Names kept with a lower confidence, public bodies and lone surnames (nlp/entities.py,
nlp/recovered.py), on hand-made inputs; the model's word lists on a few words (slow)."""

from __future__ import annotations

import pytest

from silkwire.model import Enrichment, Entity, enrichment_fields
from silkwire.nlp import entities as ents
from silkwire.nlp import recovered

KINDS = {"haute": "vocabulary", "tennis": "vocabulary", "victoire": "lemma", "david": "name",
         "marseille": "name", "brooklyn": "either", "inquiet": "either"}


def kind(word: str) -> str:
    return KINDS.get(word.lower(), "")


def is_common(word: str) -> bool:
    return bool(kind(word))


@pytest.mark.parametrize(("text", "surface", "label", "expected"), [
    ("Tennis : le Kazakhstan gagne", "Tennis", "LOC", ents.DROPPED),  # a word form, at a title start
    ("la Haute représentante", "Haute", "LOC", ents.DROPPED),  # a word form anywhere
    ("le 80e anniversaire de la Victoire", "Victoire", "MISC", ents.DROPPED),  # a lemma, not a name
    ("selon David, il pleuvait", "David", "PER", ents.PLAUSIBLE),  # a first name
    ("Marseille : un incendie", "Marseille", "LOC", ents.PLAUSIBLE),  # a town, even at a title start
    ("un bar de Brooklyn", "Brooklyn", "LOC", ents.PLAUSIBLE),
    ("Inquiet, il appelle", "Inquiet", "PER", ents.DROPPED),  # one vector for both spellings, first word
    ("Kouandyk a parlé", "Kouandyk", "PER", ents.KEPT),  # no list knows it
    ("la présidente Park Geun-hye", "Park Geun-hye", "PER", ents.KEPT),  # a hyphenated given name
    ("Valéry Giscard d'Estaing", "Valéry Giscard d'Estaing", "PER", ents.KEPT),  # an elided particle
    ("le Premier ministre a dit", "Premier ministre", "PER", ents.DROPPED),
])
def test_confidence_of_a_name(text: str, surface: str, label: str, expected: float) -> None:
    start = text.index(surface)
    assert ents.confidence(text, start, start + len(surface), label, is_common, kind) == expected


def test_without_word_lists_every_common_word_is_a_word_form() -> None:
    text = "selon David, il pleuvait"
    assert ents.confidence(text, 6, 11, "PER", is_common) == ents.DROPPED
    assert ents.keep(text, 6, 11, "PER", lambda w: False)


@pytest.mark.parametrize(("text", "names"), [
    ("La mairie de Paris a dit non", ["mairie de Paris"]),
    ("le ministère de l'Intérieur et le parquet de Paris", ["ministère de l'Intérieur", "parquet de Paris"]),
    ("devant le tribunal correctionnel de Nanterre", ["tribunal correctionnel de Nanterre"]),
    ("la cour d’appel de Paris", ["cour d’appel de Paris"]),
    ("le ministère de l'Économie et des Finances", ["ministère de l'Économie et des Finances"]),
    ("au ministère des Affaires étrangères du Kazakhstan", ["ministère des Affaires étrangères du Kazakhstan"]),
    ("les nominations au ministère de l'Intérieur et d'Eric Dupond-Moretti", ["ministère de l'Intérieur"]),
    ("la mairie de Paris et Lyon", ["mairie de Paris"]),
    ("le ministère de la santé", []),  # no name after the noun
    ("le ministre de l'Intérieur", []),  # a role, not the body
])
def test_public_bodies(text: str, names: list[str]) -> None:
    assert [text[s:e] for s, e in recovered.body_names(text)] == names


def test_a_body_swallows_the_candidates_inside_it_but_not_a_known_entity() -> None:
    text = "La mairie de Paris et le parquet de Paris"
    inside = ents.Candidate(13, 18, "LOC", "Paris")
    found = recovered.with_bodies(text, [inside], [])
    assert [(c.text, c.label) for c in found] == [("mairie de Paris", "ORG"), ("parquet de Paris", "ORG")]
    across = ents.Candidate(3, 12, "ORG", "mairie de")  # reaches outside? no: inside, so it gives way
    assert len(recovered.with_bodies(text, [across], [])) == 2
    assert recovered.with_bodies(text, [], [(25, 32)]) == [
        ents.Candidate(3, 18, "ORG", "mairie de Paris")]  # a KB entity on "parquet": left to the KB


def test_lone_surnames_join_the_person() -> None:
    found = [ents.Candidate(0, 11, "PER", "Johnny Depp"), ents.Candidate(20, 24, "LOC", "Depp"),
             ents.Candidate(30, 37, "LOC", "Houston")]
    dropped = [ents.Candidate(40, 47, "PER", "Paradis"), ents.Candidate(50, 54, "PER", "Depp")]
    out = recovered.with_surnames(found, dropped)
    assert [(c.text, c.label, c.start) for c in out] == [
        ("Johnny Depp", "PER", 0), ("Depp", "PER", 20), ("Houston", "LOC", 30), ("Depp", "PER", 50)]
    assert recovered.with_surnames(found[1:], dropped) == found[1:]  # nobody named in full


def test_plausible_names_carry_their_confidence_into_the_record() -> None:
    group = ents.Group("PER", [ents.Candidate(0, 5, "PER", "David", ents.PLAUSIBLE)])
    entity = ents.to_entity(group)
    assert entity.confidence == ents.PLAUSIBLE
    sure = ents.Group("PER", [ents.Candidate(0, 5, "PER", "David", ents.PLAUSIBLE),
                              ents.Candidate(9, 20, "PER", "David Smith")])
    assert ents.to_entity(sure).confidence == ents.KEPT
    record = enrichment_fields(Enrichment("a", entities=(entity, Entity("org:x", "ORG", "X", ((7, 8),)))))
    assert [e["confidence"] for e in record["entities"]] == [0.5, 1.0]


@pytest.mark.slow
def test_the_model_word_lists_tell_names_from_words() -> None:
    from silkwire.nlp.spacy_model import lexicon

    words = lexicon("md")
    assert {w: words.kind(w) for w in ("Haute", "Tennis", "Victoire", "David", "Marseille", "Kouandyk")} == {
        "Haute": "vocabulary", "Tennis": "vocabulary", "Victoire": "lemma", "David": "name",
        "Marseille": "name", "Kouandyk": ""}


def test_a_comma_after_a_place_is_a_list_only_when_it_goes_on() -> None:
    from silkwire.nlp import where

    text = "Après un an à New York, Iris Mittenaere va rentrer"
    place = (text.index("New York"), text.index("New York") + 8)
    name = text.index("Iris")
    assert not where.in_place_list(text, name, name + 15, [place])
    listed = "les provinces de Balkh, Jowzjan et Faryab"
    balkh = (listed.index("Balkh"), listed.index("Balkh") + 5)
    j = listed.index("Jowzjan")
    assert where.in_place_list(listed, j, j + 7, [balkh])


def test_a_body_noun_before_a_list_makes_organisations_only_of_the_list() -> None:
    text = "Selon le journal Libération, Nicolas Hulot a envisagé"
    start = text.index("Nicolas")
    assert not ents.organisation_name(text, start, start + len("Nicolas Hulot"))
    listed = "les universités Westminster, Webster et Inha"
    w = listed.index("Webster")
    assert ents.organisation_name(listed, w, w + 7)
    assert ents.organisation_name(text, text.index("Libération"), text.index("Libération") + 10)


@pytest.mark.parametrize(("text", "name", "reported"), [
    ("sur une aire d'autoroute, rapporte La Dépêche du Midi. Alerté", "La Dépêche du Midi", True),
    ("décédée à 92 ans, relate Ici Paris.", "Ici Paris", True),
    ("selon L'Express ce jeudi", "L'Express", True),
    ("lors du Forum d'Astana", "Forum d'Astana", False),
])
def test_a_name_after_a_verb_of_reporting_is_a_medium(text: str, name: str, reported: bool) -> None:
    assert ents.reported_by(text, text.index(name)) is reported


@pytest.mark.parametrize(("text", "span", "kept"), [
    ("une interview à l'hebdomadaire Le Point.", "Le Point", "Le Point"),
    ("règlement de comptes chez Les Républicains", "Les Républicains", "Les Républicains"),
    ("Le Monde révèle que", "Le Monde", "Monde"),  # a sentence start: the article may be the sentence's
    ("dans la France profonde", "la France", "France"),
])
def test_a_capitalised_article_inside_a_sentence_is_the_names(text: str, span: str, kept: str) -> None:
    start = text.index(span)
    s, e = ents.trim(text, start, start + len(span))
    assert text[s:e] == kept
