"""The trained event and topic models: file format, features, the rules/model combination, the
OrangeSum gold reader and the classification scores. Hand-made inputs; no spaCy, no ../shared."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from silkwire.evaluation import orangesum
from silkwire.evaluation.events import gold_label, label_scores
from silkwire.model import Event, Topic
from silkwire.nlp import classifier, decide
from silkwire.nlp.classifier import LinearModel
from silkwire.nlp.features import GROUPS, Signals, features, parts, sentence_spans, tokenize

TEXT = "Le Japon et l'Inde signent un accord. Analyse\n\nTokyo et New Delhi ont signé. Le texte entre en vigueur lundi."


def tiny_model() -> LinearModel:
    index = {"t:signent": 0, "t:accord": 1}
    weights = np.array([[2.0, -1.0], [1.0, 0.0], [0.5, 0.5]], dtype=np.float32)  # 2 sparse rows + 1 dense
    return LinearModel("events", ("AGREE", "none"), index, weights, np.array([0.0, 0.5], dtype=np.float32),
                       {"groups": ["words"], "override": {"min_confidence": 0.75, "when_none": 0.1, "when_other": 2.0}})


def test_a_model_file_round_trips_byte_for_byte(tmp_path: Path) -> None:
    model = tiny_model()
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    classifier.save(model, first)
    classifier.save(model, second)
    assert first.read_bytes() == second.read_bytes()  # fixed zip dates: a rebuild diffs clean
    back = classifier.read(first)
    assert back.classes == model.classes and back.index == model.index and back.meta == model.meta
    sparse = {"t:signent": 1.0, "t:unknown": 1.0}
    dense = np.array([1.0], dtype=np.float32)
    assert np.allclose(back.scores(sparse, dense), [2.5, 0.0])  # bias + sparse rows + dense rows
    assert abs(back.proba(sparse, dense).sum() - 1.0) < 1e-9
    with np.load(first, allow_pickle=False) as z:  # numpy alone reads it, no pickle
        assert set(z.files) == {"features", "classes", "weights", "bias", "meta"}


def test_the_shipped_models_are_small_licensed_and_readable() -> None:
    folder = classifier.model_path("events").parent
    files = sorted(folder.glob("*.npz"))
    if not files:
        pytest.skip("no trained model shipped (silkwire train)")
    assert {f.stem for f in files} == set(classifier.NAMES)
    assert sum(f.stat().st_size for f in files) <= 20_000_000
    notice = (folder / "NOTICE.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "OrangeSum" in notice and "silkwire train" in notice
    events = classifier.load("events")
    assert events is not None and len(events.classes) == 17 and "none" in events.classes
    topics = classifier.load("topics")
    assert topics is not None and all(c.startswith("medtop:") for c in topics.classes)


def test_sentences_are_numbered_as_the_annotation_tool_numbers_them() -> None:
    spans = sentence_spans(TEXT)
    assert [TEXT[s:e] for s, e in spans] == ["Le Japon et l'Inde signent un accord. Analyse",
                                              "Tokyo et New Delhi ont signé.", "Le texte entre en vigueur lundi."]
    lead = "Sans titre. Deux phrases."
    assert [lead[s:e] for s, e in sentence_spans(lead)] == ["Sans titre.", "Deux phrases."]


def test_features_read_the_title_the_first_sentence_and_the_rest_apart() -> None:
    sig = Signals((("AGREE", 25),), "AGREE", (("medtop:11000000", 3.0), ("medtop:04000000", 1.0)), ("JP", "IN"))
    f = features(TEXT, sig, GROUPS, lemma=lambda w: {"signent": "signer"}.get(w, w))
    assert {"t:signent", "t:signent un", "l:signe", "r:vigueur", "tm:signer", "tc:<si", "rule:AGREE",
            "trigt:AGREE", "nc:2", "foreign", "pair:IN-JP"} <= set(f)
    assert f["cue:medtop:11000000"] == 0.75
    title = [v for k, v in f.items() if k.startswith("t:")]
    assert abs(sum(v * v for v in title) + sum(v * v for k, v in f.items() if k.startswith(("tm:", "tc:"))) - 1) < 1e-9
    assert features(TEXT, sig, ("words",)) == features(TEXT, sig, ("words",))  # deterministic
    words = tokenize("L\u2019accord\u00a0: 2025")
    assert [(w.form, w.start, w.end) for w in words] == [("l", 0, 1), ("accord", 2, 8), ("#", 11, 15)]


def test_combined_keeps_a_confident_rule_only_where_the_override_allows() -> None:
    classes = ("AGREE", "CONSULT", "none")
    override = {"min_confidence": 0.75, "when_none": 0.05, "when_other": 0.3}
    says_none = np.array([0.1, 0.1, 0.8])
    assert decide.combine_event(classes, says_none, "CONSULT", 0.8, override) == "CONSULT"
    assert decide.combine_event(classes, says_none, "CONSULT", 0.7, override) == "none"  # rule not sure enough
    says_agree = np.array([0.7, 0.2, 0.1])
    assert decide.combine_event(classes, says_agree, "CONSULT", 0.8, override) == "AGREE"  # 0.2 < 0.3
    assert decide.combine_event(classes, says_agree, "none", 0.0, override) == "AGREE"
    assert decide.combine_event(classes, says_none, "CONSULT", 0.8, {}) == "none"  # no override: the model
    topics = ("medtop:04000000", "medtop:11000000")
    proba = np.array([0.8, 0.2])
    rule = Topic("medtop:11000000", "politique", 0.6)
    assert decide.combine_topic(topics, proba, rule, {"min_share": 0.5, "min_proba": 0.1}) == 1
    assert decide.combine_topic(topics, proba, rule, {"min_share": 0.7, "min_proba": 0.1}) == 0
    assert decide.combine_topic(topics, proba, None, {"min_share": 0.0, "min_proba": 0.0}) == 0
    gated = {"min_share": 0.5, "min_proba": 0.1, "countries": ["KZ", "UZ"]}  # the lexicon's domain only
    assert decide.combine_topic(topics, proba, rule, gated, ("FR", "KZ")) == 1
    assert decide.combine_topic(topics, proba, rule, gated, ("FR", "RU")) == 0
    assert decide.combine_topic(topics, proba, rule, gated) == 0


def test_the_override_can_be_narrowed_to_some_rule_types() -> None:
    classes = ("AGREE", "CONSULT", "none")
    says_none = np.array([0.15, 0.15, 0.7])
    narrow = {"min_confidence": 0.0, "when_none": 0.1, "when_other": 0.3, "types": ["CONSULT"]}
    assert decide.combine_event(classes, says_none, "CONSULT", 0.8, narrow) == "CONSULT"
    assert decide.combine_event(classes, says_none, "AGREE", 0.8, narrow) == "none"  # AGREE may not override
    assert decide.combine_event(classes, says_none, "AGREE", 0.8, {**narrow, "types": []}) == "none"
    wide = {k: v for k, v in narrow.items() if k != "types"}
    assert decide.combine_event(classes, says_none, "AGREE", 0.8, wide) == "AGREE"  # no list: every type


def test_the_prior_correction_in_the_intercepts_equals_dividing_the_probabilities() -> None:
    from silkwire.service.train_thresholds import corrected, prior_of, with_prior

    model = tiny_model()
    prior = prior_of(["none", "none", "none", "AGREE"], model.classes)
    assert prior.tolist() == pytest.approx([2 / 6, 4 / 6])  # add-one smoothed shares
    sparse, dense = {"t:accord": 1.0}, np.array([1.0], dtype=np.float32)
    plain = model.proba(sparse, dense)
    shifted = with_prior(model, prior, 0.5)
    assert shifted.meta["prior_power"] == 0.5
    assert shifted.proba(sparse, dense) == pytest.approx(corrected(plain[None, :], prior, 0.5)[0], abs=1e-6)
    assert shifted.proba(sparse, dense)[0] > plain[0]  # the rarer class gains
    assert corrected(plain[None, :], prior, 0.0)[0] == pytest.approx(plain)


def test_a_titled_event_whose_sides_the_parse_read_as_two_states_stands_against_none() -> None:
    text = "Aliev met en cause des tirs depuis le sol russe\n\nLe président azerbaïdjanais a accusé Moscou."
    titled = Event("ACCUSE", ("AZ",), ("RU",), (6, 18), (0, 47), 0.8)
    assert decide.titled_dyad(text, titled)
    assert not decide.titled_dyad(text, replace(titled, target=()))  # one side only
    assert not decide.titled_dyad(text, replace(titled, trigger=(67, 73)))  # the lead's
    assert not decide.titled_dyad(text.split("\n\n")[1], replace(titled, trigger=(30, 36)))  # no title


def test_an_event_of_the_leads_first_sentence_between_two_states_stands_against_none_too() -> None:
    text = "Le nucléaire au menu\n\nMoscou et Tachkent ont signé un accord. Le reste suit."
    p = parts(text)
    signed = Event("AGREE", ("RU",), ("UZ",), (45, 50), (22, 61), 0.65)
    assert decide.head_dyad(p, signed)
    assert not decide.head_dyad(p, replace(signed, target=()))  # one side only
    assert not decide.head_dyad(p, replace(signed, trigger=(66, 71)))  # the second sentence
    assert not decide.head_dyad(parts("Moscou et Tachkent ont signé un accord."), signed)  # no lead


def test_the_evidence_is_the_sentence_whose_words_weigh_most() -> None:
    model = tiny_model()
    p = parts(TEXT)
    view = decide.View(p, None, np.array([0.9, 0.1]), None)
    sentence, word = decide.evidence(view, model, "AGREE")
    assert TEXT[sentence[0]:sentence[1]].startswith("Le Japon") and TEXT[word[0]:word[1]] == "signent"


def test_label_scores_count_none_as_a_class() -> None:
    pairs = [("none", "none"), ("none", "AGREE"), ("AGREE", "AGREE"), ("ACCUSE", "none")]
    s = label_scores(pairs)
    assert s["accuracy"] == 0.5 and s["total"] == 4
    assert s["per_label"]["AGREE"]["precision"] == 0.5 and s["per_label"]["ACCUSE"]["f1"] == 0.0
    assert abs(s["macro_f1"] - (0.5 + 2 / 3 + 0.0) / 3) < 1e-9  # none 1/2, AGREE 2/3, ACCUSE 0
    assert gold_label("CONSULT", ["CONSULT", "AGREE"]) == "CONSULT"
    assert gold_label("AGREE", []) == "none" and gold_label("none", ["AID"]) == "AID"


def _write_gold(root: Path, merged: list[dict[str, object]] | None = None) -> None:
    gold = root / "eval" / "gold" / "orangesum"
    gold.mkdir(parents=True)
    (gold / "sample.tsv").write_text("id\tstratum\tsplit\tbatch\n1.json\tmonde\ttrain\t1\n2.json\tmonde\ttest\t1\n"
                                     "3.json\tmonde\tdev\t2\n", encoding="utf-8")

    def row(i: str, event: str, role: str = "first") -> str:
        return json.dumps({"id": i, "role": role, "event": event, "topic": "medtop:11000000", "topics": [],
                           "evidence_sentence": 0 if event != "none" else None})

    (gold / "annotations-a1.jsonl").write_text(row("1.json", "AGREE") + "\n" + row("3.json", "AID", "second") + "\n",
                                               encoding="utf-8")
    (gold / "annotations-a2.jsonl").write_text(row("2.json", "none") + "\n" + row("1.json", "CONSULT", "second") + "\n"
                                               + row("3.json", "ACCUSE") + "\n", encoding="utf-8")
    if merged is not None:
        (root / "eval" / "gold" / "orangesum_events.jsonl").write_text(
            "".join(json.dumps(m) + "\n" for m in merged), encoding="utf-8")


def test_the_orangesum_reader_takes_the_first_annotation_then_the_merged_gold(tmp_path: Path) -> None:
    _write_gold(tmp_path)
    items = orangesum.read_labels(tmp_path)
    assert [(g.id, g.split, g.event) for g in items] == [("1.json", "train", "AGREE"), ("2.json", "test", "none"),
                                                         ("3.json", "dev", "ACCUSE")]
    assert [g.id for g in orangesum.read_labels(tmp_path, ("train", "dev"))] == ["1.json", "3.json"]
    merged = tmp_path / "merged"
    _write_gold(merged, [{"id": "1.json", "split": "train", "event": "REQUEST", "topic": "medtop:02000000",
                          "topics": [], "evidence": [0, 5]}])
    assert [(g.id, g.event, g.evidence_sentence) for g in orangesum.read_labels(merged)] == [("1.json", "REQUEST", None)]
    with pytest.raises(orangesum.MissingData, match="shared/data is absent"):
        orangesum.load(tmp_path, ("train",), tmp_path / "nowhere.jsonl.gz")


def test_an_event_the_model_finds_without_a_trigger_word_gets_evidence_and_actors(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from silkwire.model import CountryRef, Enrichment

    model = tiny_model()
    monkeypatch.setattr(classifier, "load", lambda name: model if name == "events" else None)
    text = "Tokyo et New Delhi signent\n\nLes deux pays scellent leur rapprochement."
    view = decide.View(parts(text), None, np.array([0.8, 0.2]), None)
    countries = [CountryRef("JP", ("capital",), ((0, 5),)), CountryRef("IN", ("capital",), ((9, 18),))]
    time = Enrichment("x", event_date="2025-05-01", status="done")
    (event,) = decide.events(text, [], view, "model", countries, [], [], time)
    assert event.type == "AGREE" and event.confidence == 0.8 and event.status == "done"
    assert text[event.trigger[0]:event.trigger[1]] == "signent"  # the word that weighs most for AGREE
    assert event.evidence[0] <= event.trigger[0] and event.trigger[1] <= event.evidence[1]
    assert set(event.source) == {"JP", "IN"}  # actors read around it as for a lexicon trigger
    assert decide.events(text, [], decide.View(parts(text), None, np.array([0.1, 0.9]), None), "model",
                         countries, [], [], time) == []  # the model says none: no event
