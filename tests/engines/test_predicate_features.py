"""The title predicate's parse features (nlp/predicate_features.py) on hand-made parses: no spaCy."""

from __future__ import annotations

import numpy as np

from silkwire.model import CountryRef, Entity
from silkwire.nlp import decide
from silkwire.nlp.features import Signals, features
from silkwire.nlp.predicate_features import read
from silkwire.nlp.spacy_model import ParsedToken

TITLE = "Le Kazakhstan signe un accord avec la Chine"
TEXT = TITLE + "\n\nTokaïev a rencontré Xi Jinping à Pékin."


def sentence(offset: int, words: list[tuple[str, str, str, int, str]]) -> tuple[ParsedToken, ...]:
    """(text, pos, dep, head, morph) -> tokens at their offsets in TEXT from ``offset``."""
    out, pos = [], offset
    for text, upos, dep, head, morph in words:
        start = TEXT.index(text, pos)
        out.append(ParsedToken(start, start + len(text), text, upos, dep, head, morph))
        pos = start + len(text)
    return tuple(out)


TITLE_PARSE = sentence(0, [("Le", "DET", "det", 1, ""), ("Kazakhstan", "PROPN", "nsubj", 2, ""),
                           ("signe", "VERB", "ROOT", 2, "Tense=Pres"), ("un", "DET", "det", 4, ""),
                           ("accord", "NOUN", "obj", 2, ""), ("avec", "ADP", "case", 7, ""),
                           ("la", "DET", "det", 7, ""), ("Chine", "PROPN", "obl:arg", 2, "")])
LEAD_START = TEXT.index("Tokaïev")
LEAD_PARSE = sentence(LEAD_START, [("Tokaïev", "PROPN", "nsubj", 2, ""), ("a", "AUX", "aux:tense", 2, ""),
                                   ("rencontré", "VERB", "ROOT", 2, "Tense=Past|VerbForm=Part"),
                                   ("Xi", "PROPN", "obj", 2, ""), ("Jinping", "PROPN", "flat:name", 3, ""),
                                   ("à", "ADP", "case", 6, ""), ("Pékin", "PROPN", "obl:mod", 2, "")])
COUNTRIES = (CountryRef("KZ", ("name",), ((3, 13),)), CountryRef("CN", ("name",), ((TITLE.index("Chine"), len(TITLE)),)))
ENTITIES = (Entity("per:xi-jinping", "PER", "Xi Jinping", ((TEXT.index("Xi"), TEXT.index("Xi") + 10),)),)
SPANS = ((0, len(TITLE)), (LEAD_START, len(TEXT)))
PARSES = {(0, len(TITLE)): TITLE_PARSE, (LEAD_START, len(TEXT) - 1): LEAD_PARSE}


def test_the_title_predicate_its_arguments_kinds_and_its_trigger() -> None:
    triggers = (("AGREE", TEXT.index("signe")), ("CONSULT", TEXT.index("rencontré")))
    found = read(PARSES, SPANS, COUNTRIES, ENTITIES, triggers, lemma=lambda w: {"signe": "signer"}.get(w, w))
    assert found.word == "signe"
    names = set(found.names)
    assert {"p:l=signer", "p:pos=VERB", "p:subj=country", "p:obj=other", "p:avec=country",
            "p:signer|subj=country", "p:signer|avec=country", "p:trig=AGREE", "p:lead=CONSULT"} <= names
    assert "p:pass" not in names and "p:a=country" not in names  # "à Pékin" is in the lead, not the title


def test_no_trigger_no_lead_parse_and_a_passive_title() -> None:
    passive = sentence(0, [("Le", "DET", "det", 1, ""), ("Kazakhstan", "PROPN", "nsubj:pass", 3, ""),
                           ("signe", "AUX", "aux:pass", 3, ""), ("un", "VERB", "ROOT", 3, "")])
    found = read({(0, len(TITLE)): passive}, SPANS, COUNTRIES, (), ())
    assert {"p:pass", "p:subj=country", "p:obj=none", "p:trig=none"} <= set(found.names)
    assert not any(n.startswith("p:lead") for n in found.names)
    assert read({}, SPANS, COUNTRIES, ENTITIES, ()).names == ()  # no parse: no feature


def test_the_parse_group_and_the_predicate_vector_reach_the_model_inputs() -> None:
    sig = Signals(parse=("p:l=signer", "p:subj=country"), predicate="signe")
    assert {"p:l=signer", "p:subj=country"} <= set(features(TITLE, sig, ("words", "parse")))
    assert not any(n.startswith("p:") for n in features(TITLE, sig, ("words",)))
    v = decide.predicate_vector(sig, lambda w: np.array([3.0, 4.0]) if w == "signe" else None, 2)
    assert np.allclose(v, [0.6, 0.8])
    assert np.allclose(decide.predicate_vector(Signals(), lambda w: None, 2), [0.0, 0.0])


def test_a_model_reads_the_parse_only_when_its_meta_says_so() -> None:
    assert decide.reads_parse({"groups": ["words", "parse"]})
    assert decide.reads_parse({"groups": ["words"], "predicate_vector": 1.0})
    assert not decide.reads_parse({"groups": ["words", "rules"], "vectors": ["t:mean"]})


def test_a_modal_root_is_followed_to_its_infinitive_only_when_asked() -> None:
    title = "Le Kazakhstan veut signer un accord"
    text = title + "\n\nSuite."
    toks, pos = [], 0
    for word, upos, dep, head, morph in [("Le", "DET", "det", 1, ""), ("Kazakhstan", "PROPN", "nsubj", 2, ""),
                                         ("veut", "VERB", "ROOT", 2, "Mood=Ind"),
                                         ("signer", "VERB", "xcomp", 2, "VerbForm=Inf"),
                                         ("un", "DET", "det", 5, ""), ("accord", "NOUN", "obj", 3, "")]:
        start = text.index(word, pos)
        toks.append(ParsedToken(start, start + len(word), word, upos, dep, head, morph))
        pos = start + len(word)
    parses = {(0, len(title)): tuple(toks)}
    spans = ((0, len(title)),)
    countries = (CountryRef("KZ", ("name",), ((3, 13),)),)
    lemma = {"veut": "vouloir"}.get
    plain = set(read(parses, spans, countries, (), (), lambda w: lemma(w, w)).names)
    assert {"p:l=vouloir", "p:subj=country", "p:obj=other"} <= plain and not any(n.startswith("p:mod") for n in plain)
    followed = read(parses, spans, countries, (), (), lambda w: lemma(w, w), follow_modals=True)
    names = set(followed.names)
    assert followed.word == "signer"
    # the infinitive's lemma and object, the modal as a feature, the subject the modal's
    assert {"p:l=signer", "p:mod=vouloir", "p:subj=country", "p:obj=other", "p:signer|subj=country"} <= names
    assert "p:l=vouloir" not in names
