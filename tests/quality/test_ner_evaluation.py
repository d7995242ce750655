"""The OrangeSum entity scorer (silkwire.evaluation.ner) on tiny fixtures of its own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import orangesum_show as show

from silkwire.evaluation import ner
from silkwire.evaluation.ner import Located, Mention

TITLE = "Macron reçoit Merkel à Paris"
HEADING = "M. Macron a vu la chancelière. Puis Macron et l'ONU ont parlé de Paris et de l'Élysée."
TEXT = show.article_text(TITLE, HEADING)


def test_sentences_as_the_annotators_saw_them() -> None:
    for title, heading in [(TITLE, HEADING), ("Un titre", "Une phrase! « Deux » ? Trois. quatre."), ("T", "")]:
        assert ner.sentence_spans(title, heading) == show.sentence_spans(title, heading)
    assert ner.SENTENCE_END.pattern == show.SENTENCE_END.pattern


def _where(located: list[Located]) -> list[str | None]:
    return [TEXT[x.span[0]:x.span[1]] + f"@{x.span[0]}" if x.span else None for x in located]


def test_locate_by_sentence_text_and_order() -> None:
    spans = ner.sentence_spans(TITLE, HEADING)
    assert len(spans) == 4  # "M." ends a sentence of its own, as the annotators saw it
    mentions = [Mention(0, "Macron", "PER"), Mention(0, "Merkel", "PER"), Mention(0, "Paris", "LOC"),
                Mention(2, "Macron", "PER"), Mention(3, "Macron", "PER"), Mention(3, "ONU", "ORG"),
                Mention(3, "Paris", "LOC"), Mention(3, "élysée", "LOC"), Mention(3, "Berlin", "LOC"),
                Mention(7, "Paris", "LOC")]
    got = ner.locate(TEXT, spans, mentions)
    s2 = TEXT.index("Puis")
    assert _where(got) == ["Macron@0", "Merkel@14", "Paris@23", f"Macron@{TEXT.index('Macron', 30)}",
                           f"Macron@{s2 + 5}", f"ONU@{TEXT.index('ONU')}", f"Paris@{TEXT.index('Paris', s2)}",
                           f"Élysée@{TEXT.index('Élysée')}", None, None]


def test_repeats_and_out_of_order_mentions_take_distinct_occurrences() -> None:
    text = "TF1 et LCI, puis TF1"
    got = ner.locate(text, [(0, len(text))], [Mention(0, "TF1", "ORG"), Mention(0, "LCI", "ORG"),
                                               Mention(0, "TF1", "ORG"), Mention(0, "TF1", "ORG")])
    assert [x.span for x in got] == [(0, 3), (7, 10), (17, 20), None]
    inner_first = ner.locate("la mairie de Paris", [(0, 18)], [Mention(0, "Paris", "LOC"),
                                                               Mention(0, "mairie de Paris", "ORG")])
    assert [x.span for x in inner_first] == [(13, 18), (3, 18)]


def test_relaxed_and_strict_per_type() -> None:
    gold = [Located((0, 6), "PER"), Located((10, 20), "ORG"), Located((30, 35), "LOC"), Located(None, "LOC")]
    pred = [Located((0, 6), "PER"), Located((0, 6), "PER"),  # a duplicate counts once
            Located((13, 20), "ORG"), Located((15, 18), "ORG"),  # one gold, two overlapping finds
            Located((30, 35), "PER"), Located((40, 45), "LOC"), Located((50, 55), "MISC")]
    s = ner.score([(gold, pred)])
    rel, strict = s["relaxed"], s["strict"]
    assert (rel["PER"]["tp"], rel["PER"]["pred"], rel["PER"]["gold"]) == (1, 2, 1)
    assert (rel["ORG"]["tp"], rel["ORG"]["pred"], rel["ORG"]["gold"]) == (1, 2, 1)
    assert (rel["LOC"]["tp"], rel["LOC"]["pred"], rel["LOC"]["gold"]) == (0, 1, 2)
    assert strict["ORG"]["tp"] == 0 and strict["PER"]["tp"] == 1
    assert rel["micro"]["tp"] == 2 and rel["micro"]["pred"] == 5 and rel["micro"]["gold"] == 4
    assert rel["PER"]["precision"] == 0.5 and rel["PER"]["recall"] == 1.0
    assert rel["PER"]["f1"] == pytest.approx(2 / 3)
    assert ner.score([])["relaxed"]["micro"]["f1"] == 0.0


def test_gold_is_adjudicated_when_doubled_else_the_single_annotation(tmp_path: Path) -> None:
    sample = "id\tstratum\tsplit\tannotators\na\trest\tdev\tn1\nb\trest\ttest\tn1,n2\nc\trest\tdev\tn2\nd\trest\tdev\tn1,n2\n"
    (tmp_path / "sample.tsv").write_text(sample, encoding="utf-8")

    def write(name: str, rows: dict[str, list[dict[str, object]]]) -> None:
        with open(tmp_path / name, "w", encoding="utf-8") as f:
            for key, ents in rows.items():
                f.write(json.dumps({"id": key, "entities": ents}) + "\n")

    one = [{"s": 0, "text": "X", "type": "PER"}]
    two = [{"s": 0, "text": "Y", "type": "ORG"}]
    write("annotations-n1.jsonl", {"a": one, "b": one, "d": one})
    write("annotations-n2.jsonl", {"b": two, "c": two, "d": two})
    write("adjudicated.jsonl", {"b": two + one})
    rows, gold = ner.load_gold(tmp_path)
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert gold == {"a": [Mention(0, "X", "PER")], "b": [Mention(0, "Y", "ORG"), Mention(0, "X", "PER")],
                    "c": [Mention(0, "Y", "ORG")]}  # d: doubled, not adjudicated yet


def test_bad_mentions_are_refused() -> None:
    with pytest.raises(ValueError, match="type"):
        ner.parse_mentions([{"s": 0, "text": "X", "type": "MISC"}])
    with pytest.raises(ValueError, match="bad mention"):
        ner.parse_mentions([{"text": "X", "type": "PER"}])
    assert ner.parse_mentions([{"s": 1, "text": "X", "type": "loc"}]) == [Mention(1, "X", "LOC")]


def test_agreement_per_type() -> None:
    first = {"a": [Mention(0, "X", "PER"), Mention(0, "X", "PER"), Mention(1, "Y", "LOC")], "b": []}
    second = {"a": [Mention(0, "X", "PER"), Mention(1, "Y", "ORG")], "b": [Mention(0, "Z", "ORG")]}
    got = ner.agreement(first, second, ["a", "b"])
    assert (got["PER"]["tp"], got["PER"]["gold"], got["PER"]["pred"]) == (1, 2, 1)
    assert got["PER"]["f1"] == pytest.approx(2 / 3)
    assert got["LOC"]["f1"] == 0.0 and got["ORG"]["pred"] == 2
    assert got["micro"]["tp"] == 1 and got["micro"]["gold"] == 3 and got["micro"]["pred"] == 3


def test_enrichment_mentions_as_the_guide_types_them() -> None:
    from silkwire.model import CountryRef, Enrichment, Entity, Place

    text = "Ouest-France : les Français à Paris, David et la Fête"
    e = Enrichment("a", countries=(CountryRef("FR", ("name", "demonym", "capital"), ((6, 12), (19, 27), (30, 35))),),
                   entities=(Entity("org:ouest-france", "ORG", "Ouest-France", ((0, 12),)),
                             Entity("per:david", "PER", "David", ((37, 42),), confidence=0.5),
                             Entity("misc:fete", "MISC", "Fête", ((49, 53),))),
                   places=(Place("Paris", ((30, 35),)),))
    names = {"france", "paris"}
    got = ner.enrichment_mentions(text, e, names, str.lower)
    assert [(text[x.span[0]:x.span[1]], x.type) for x in got if x.span] == [
        ("Ouest-France", "ORG"), ("David", "PER"), ("Paris", "LOC")]  # no demonym, no France inside a name
    sure = ner.enrichment_mentions(text, e, names, str.lower, floor=1.0)
    assert [x.type for x in sure] == ["ORG", "LOC"]


def test_the_labels_tool_keeps_ids_sentences_mentions_and_types_only(tmp_path: Path) -> None:
    import orangesum_ner_labels as tool

    source = tmp_path / "annotations-n1.jsonl"
    rows = [{"id": "a", "annotator": "n1", "note": "free text", "entities": [
                {"s": 0, "text": "Paris", "type": "LOC", "comment": "x"}]},
            {"id": "zzz", "entities": []},  # not in the sample
            {"id": "c", "entities": []},  # not an item of n1
            {"id": "a", "entities": []},  # twice
            {"id": "b", "entities": [{"s": 0, "text": "X", "type": "MISC"}]}]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    errors: list[str] = []
    out = tool.convert(source, {"a": "n1", "b": "n1,n2", "c": "n2"}, errors)
    assert out == [{"id": "a", "annotator": "n1", "entities": [{"s": 0, "text": "Paris", "type": "LOC"}]}]
    assert len(errors) == 5
    assert any("zzz" in e for e in errors) and any("not an item of n1" in e for e in errors)
