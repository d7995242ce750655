"""Topics: IPTC top-level codes from weighted French cue words, primary first."""

from __future__ import annotations

from pathlib import Path

import pytest

from silkwire.nlp.topics import classify, labels, read_cues


def primary(text: str) -> str:
    return classify(text)[0].code


def test_labels_are_the_17_iptc_top_level_topics() -> None:
    names = labels()
    assert len(names) == 17
    assert names["medtop:04000000"] == "économie, affaires et finance"
    assert names["medtop:02000000"] == "criminalité, droit et justice"


def test_primary_topics() -> None:
    assert primary("Tennis : Rybakina remporte le tournoi\n\nLa joueuse a gagné la finale en deux sets.") == "medtop:15000000"
    assert primary("Uranium : la production revue à la baisse\n\nLe producteur vise 25 000 tonnes.") == "medtop:04000000"
    assert primary("Procès : l’ex-ministre condamné à 24 ans de prison\n\nLe tribunal a rendu son verdict.") == "medtop:02000000"
    assert primary("Attentat près de Moscou\n\nLes assaillants ont ouvert le feu.") == "medtop:16000000"
    assert primary("Glaciers : une conférence sur le climat\n\nLes glaciers reculent.") == "medtop:06000000"


def test_human_interest_has_cues_of_its_own() -> None:
    # IPTC 08000000 (celebrities, royalty, animals, curiosities) had no cue: politics won by its prior
    assert primary("La famille royale accueille un bébé\n\nLe prince et son épouse sont ravis.") == "medtop:08000000"
    assert primary("Un chiot sauvé par des pompiers\n\nL’animal était coincé.") != "medtop:11000000"


def test_politics_is_the_fallback() -> None:
    topics = classify("Astana et Bichkek renforcent leurs liens\n\nLes deux présidents se sont parlé.")
    assert topics[0].code == "medtop:11000000"


def test_multi_label_scores_are_shares_primary_first() -> None:
    topics = classify("Tennis : le tournoi rapporte des millions\n\nLe budget du tournoi et ses investissements.")
    assert len(topics) >= 2
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)
    assert all(0 < t.score <= 1 for t in topics)


def test_cue_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "cues.tsv"
    bad.write_text("medtop:99000000\tfoo\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown topic"):
        read_cues(str(bad))
