"""Work the enrichment shares or indexes instead of redoing (branch enrich17), each against the
plain computation: the models' word features computed once for the category and event models
(nlp/decide.py ``inputs``' ``memo``), the place-name index of ``where.place_id``, the loaded
objects frozen out of the garbage collector's walks (``pipeline.settle``)."""

from __future__ import annotations

import gc

import numpy as np

from silkwire.ingest import read_paths
from silkwire.model import Article, Place
from silkwire.nlp import decide, pipeline, where
from silkwire.nlp.features import Signals, parts
from silkwire.nlp.kb import load_kb
from silkwire.service.articles import demo_files

GROUPS = ({"groups": ["words"]}, {"groups": ["words", "rules"]}, {"groups": ["words", "lemmas", "chars", "rules"]},
          {"groups": ["rules", "countries"]})


def _lemma(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


class _Words:
    lemma = staticmethod(_lemma)
    vector_width = 0


def test_the_shared_word_features_are_each_models_own_in_the_same_order() -> None:
    texts = [a.text for a in read_paths(demo_files()) if isinstance(a, Article)][:40]
    sig = Signals(triggers=(("AGREE", 0),), rule_event="AGREE", cue_scores=(("medtop:11000000", 2.0),),
                  countries=("KZ", "FR"))
    for text in texts:
        p = parts(text)
        memo: dict[object, object] = {}
        for meta in (*GROUPS, *GROUPS):  # the second pass reads what the first left in the memo
            shared, _ = decide.inputs(meta, text, sig, p, _Words(), None, memo)
            alone, _ = decide.inputs(meta, text, sig, p, _Words(), None)
            assert list(shared.items()) == list(alone.items()), (meta, text[:40])
        assert len(memo) == 3  # words; words + lemmas + chars; none: one entry each


def test_the_dense_blocks_do_not_depend_on_the_memo() -> None:
    meta = {"groups": ["words"], "vectors": ["t:mean"], "vector_width": 2}

    class Vec(_Words):
        vector_width = 2

        @staticmethod
        def vector(word: str) -> np.ndarray:
            return np.array([len(word), 1.0], dtype=np.float32)

    text = "Le Japon et l'Inde signent un accord\n\nTokyo et New Delhi ont signé."
    a = decide.inputs(meta, text, Signals(), parts(text), Vec(), None, {})
    b = decide.inputs(meta, text, Signals(), parts(text), Vec(), None)
    assert a[0] == b[0] and a[1] is not None and b[1] is not None and np.array_equal(a[1], b[1])


def test_place_id_by_index_is_the_first_place_a_scan_finds() -> None:
    kb = load_kb()
    for pid, p in kb.places.items():
        place = Place(p.name, ((0, 1),), None, p.country, None, None)
        first = next(q for q, g in kb.places.items() if g.name == p.name and g.country == p.country)
        assert where.place_id(kb, place) == first, pid
    assert where.place_id(kb, Place("Nulle-Part-Sur-Mer", ((0, 1),), None, "KZ", None, None)) is None


def test_settle_freezes_what_is_loaded_once() -> None:
    pipeline.settle()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    pipeline.settle()  # once per process: a second call freezes nothing more
    assert gc.get_freeze_count() == frozen
