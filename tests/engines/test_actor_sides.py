"""Sides of a main event the event model found (nlp/event_facts.event_at: the window rules at
the model's word) and the rubric's state as the recipient of aid (nlp/actors.py).

Facts and parses are written by hand, in the style of the news (sentences made up for these
tests), so that no model is loaded."""

from __future__ import annotations

import re

from silkwire.model import CountryRef, Enrichment, Event, Span
from silkwire.nlp.actor_mentions import Mention, Reading
from silkwire.nlp.actors import event_actors
from silkwire.nlp.event_facts import event_at
from silkwire.nlp.events import dyads
from silkwire.nlp.kb import load_kb
from silkwire.nlp.spacy_model import ParsedToken


def country(text: str, code: str, *words: str) -> CountryRef:
    found = tuple(sorted((m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), text)))
    return CountryRef(code, ("name",), found)


def at_word(text: str, kind: str, word: str, countries: list[CountryRef]) -> Event:
    """The event of type ``kind`` read at ``word`` as if the event model had chosen it."""
    start = text.index(word)
    return event_at(text, kind, (start, start + len(word)), countries, (), (), Enrichment("x"), 0.8)


# -- the window at the model's word: who a demonym names ----------------------------------------


def test_one_person_named_by_a_demonym_is_no_state() -> None:
    # per:anonyme in the guide (§7.4): "un Français enlevé" is not France acting or acted upon
    text = ("Colombie : un Français enlevé par des rebelles près de Cali\n\n"
            "Le touriste a été emmené par un groupe armé dimanche, selon les autorités locales.")
    found = at_word(text, "ASSAULT", "enlevé", [country(text, "CO", "Colombie"), country(text, "FR", "Français")])
    assert dyads(found) == []
    text = ("Pérou : une Française refoulée à la frontière passe la nuit dans sa voiture\n\n"
            "La voyageuse n'a pas pu entrer au Pérou, faute de test négatif.")
    found = at_word(text, "COERCE", "refoulée", [country(text, "PE", "Pérou"), country(text, "FR", "Française")])
    assert dyads(found) == []


def test_a_demonym_on_another_noun_than_a_state_noun_is_no_party() -> None:
    text = ("Iran : un journaliste américain condamné à dix ans de prison\n\n"
            "Le reporter, arrêté en mars à Téhéran, a été jugé pour espionnage.")
    found = at_word(text, "COERCE", "condamné", [country(text, "IR", "Iran"), country(text, "US", "américain")])
    assert dyads(found) == []


def test_a_state_named_by_its_name_or_a_state_noun_still_acts() -> None:
    # the contrast: states, and a demonym after a state noun ("le président américain"), stay parties
    text = ("Nucléaire : le président américain menace Téhéran de nouvelles sanctions\n\n"
            "Washington juge insuffisantes les garanties offertes par l'Iran.")
    countries = [country(text, "US", "américain", "Washington"), country(text, "IR", "Téhéran", "Iran")]
    assert dyads(at_word(text, "THREATEN", "menace", countries)) == [("US", "IR")]
    text = ("Sahel : les Français quittent le Mali\n\n"
            "Les derniers soldats de l'opération ont franchi la frontière du Niger mardi.")
    countries = [country(text, "FR", "Français"), country(text, "ML", "Mali")]
    assert dyads(at_word(text, "RETREAT", "quittent", countries)) == [("FR", "ML")]  # people, not one person


def test_where_it_happens_is_no_target_unless_aid_is_sent_there() -> None:
    # D5: a country named as a place ("en Libye", "dans le Caucase", a city) is no party
    text = ("Conflit : la Turquie déploie des drones en Libye\n\n"
            "Ankara a envoyé de nouveaux appareils dans le pays, selon des sources militaires.")
    countries = [country(text, "TR", "Turquie", "Ankara"), country(text, "LY", "Libye")]
    assert dyads(at_word(text, "MOBILIZE", "déploie", countries)) == []
    text = ("Arménie : la France envoie des médecins en Arménie\n\n"
            "Une équipe de douze soignants partira jeudi, a indiqué le Quai d'Orsay.")
    countries = [country(text, "FR", "France"), country(text, "AM", "Arménie")]
    assert dyads(at_word(text, "AID", "envoie", countries)) == [("FR", "AM")]  # aid goes where it is sent
    text = ("Pêche : Pékin demande au Japon de libérer un chalutier\n\n"
            "La Chine exige la libération de l'équipage arrêté lundi.")
    countries = [country(text, "CN", "Pékin", "Chine"), country(text, "JP", "Japon")]
    assert dyads(at_word(text, "REQUEST", "demande", countries)) == [("CN", "JP")]  # "au Japon" is addressed


# -- aid: the rubric's state when the title names only the giver ---------------------------------

Row = tuple[str, str, str, int]  # text, POS, relation, head index


def sentence(rows: list[Row], start: int = 0) -> tuple[str, tuple[ParsedToken, ...]]:
    tokens, pos = [], start
    for i, (text, tag, dep, head) in enumerate(rows):
        tokens.append(ParsedToken(pos, pos + len(text), text, tag, dep, i if dep == "ROOT" else head, ""))
        pos += len(text) + 1
    return " ".join(r[0] for r in rows), tuple(tokens)


def test_aid_of_the_giver_itself_goes_to_the_rubric_state() -> None:
    # "l'aide de la France" names who gives it: the recipient is still the rubric's state
    title, t = sentence([("Séisme", "NOUN", "obl:mod", 5), ("en", "ADP", "case", 2), ("Albanie", "PROPN", "nmod", 0),
                         (":", "PUNCT", "punct", 2), ("Paris", "PROPN", "nsubj", 5), ("annonce", "VERB", "ROOT", 5),
                         ("l'", "DET", "det", 7), ("aide", "NOUN", "obj", 5), ("de", "ADP", "case", 10),
                         ("la", "DET", "det", 10), ("France", "PROPN", "nmod", 7)])
    lead, l_tokens = sentence([("Les", "DET", "det", 1), ("secouristes", "NOUN", "nsubj", 2),
                               ("partent", "VERB", "ROOT", 2)], start=len(title) + 2)
    text = f"{title}\n\n{lead}"
    parses: dict[Span, tuple[ParsedToken, ...]] = {(0, len(title)): t, (len(title) + 2, len(text)): l_tokens}
    marks = [Mention(t[2].start, t[2].end, "state", "AL"), Mention(t[4].start, t[4].end, "state", "FR"),
             Mention(t[10].start, t[10].end, "state", "FR")]
    reading = Reading(text, marks, load_kb(), "2025-01-01", "AL")
    event = Event("AID", (), (), (t[5].start, t[5].end), (0, len(title)), 0.8)
    found = event_actors(text, event, parses, reading, True, ())
    assert (found.source, found.target) == (("FR",), ("AL",))
    # a recipient the title names stays the only one ("l'aide de la France à la Macédoine")
    other = [*marks[:2], Mention(t[10].start, t[10].end, "state", "MK")]
    found = event_actors(text, event, parses, Reading(text, other, load_kb(), "2025-01-01", "AL"), True, ())
    assert found.target == ("MK",)


# -- the speaker a title quotes ------------------------------------------------------------------


def _titled(rows: list[Row], marks: list[tuple[int, str, str]], trigger: int, kind: str) -> Event:
    title, t = sentence(rows)
    lead, l_tokens = sentence([("La", "DET", "det", 1), ("pêche", "NOUN", "nsubj", 2), ("reprend", "VERB", "ROOT", 2)],
                              start=len(title) + 2)
    text = f"{title}\n\n{lead}"
    parses: dict[Span, tuple[ParsedToken, ...]] = {(0, len(title)): t, (len(title) + 2, len(text)): l_tokens}
    found = [Mention(t[k].start, t[k].end, how, code) for k, how, code in marks]
    event = Event(kind, (), (), (t[trigger].start, t[trigger].end), (0, len(title)), 0.8)
    return event_actors(text, event, parses, Reading(text, found, load_kb(), "2025-01-01", None), True, ())


def test_a_charge_a_title_quotes_goes_from_the_speaker_to_its_subject() -> None:
    # "Le Canada triche sur ses quotas, selon Oslo": Norway accuses Canada
    rows = [("Le", "DET", "det", 1), ("Canada", "PROPN", "nsubj", 2), ("triche", "VERB", "ROOT", 2),
            ("sur", "ADP", "case", 5), ("ses", "DET", "det", 5), ("quotas", "NOUN", "obl:arg", 2),
            (",", "PUNCT", "punct", 8), ("selon", "ADP", "case", 8), ("Oslo", "PROPN", "obl:mod", 2)]
    marks = [(1, "state", "CA"), (8, "state", "NO")]
    found = _titled(rows, marks, 2, "ACCUSE")
    assert (found.source, found.target) == (("NO",), ("CA",))
    # another act the title reports on someone's word stays the subject's ("..., selon Séoul")
    assert _titled(rows, marks, 2, "CONCEDE").source == ("CA",)
