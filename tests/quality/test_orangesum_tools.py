"""The OrangeSum annotation tools (tools/orangesum_*.py) on a tiny made-up corpus.

No OrangeSum text here: the fixture items are invented for the test.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import orangesum_labels as labels
import orangesum_sample as sample
from orangesum_show import article_text, format_item, sentence_spans, split_sentences

ITEMS = [
    {"id": "1.json", "date": "2020-01-02", "category": "monde",
     "title": "Paris et Rome signent un accord sur les trains",
     "heading": "La France et l'Italie ont signé mardi un accord. Rome salue « une étape ». Le texte entre en vigueur en mai.",
     "article": "corps non utilisé"},
    {"id": "2.json", "date": "2020-01-03", "category": "societe/insolite",
     "title": "Un chat élu maire d'honneur d'un village",
     "heading": "Le félin a recueilli toutes les voix? Oui! Le conseil municipal s'en amuse.",
     "article": ""},
    {"id": "3.json", "date": "2020-01-04", "category": "france",
     "title": "Grève dans les transports: les syndicats défilent",
     "heading": "Les syndicats ont manifesté jeudi contre la réforme du gouvernement.",
     "article": ""},
]


def test_split_sentences_rule():
    text = "Il est arrivé. Il a dit « oui ». M. Dupont? Non! fin. 3.5 km. Et après"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["Il est arrivé.", "Il a dit « oui ».", "M.", "Dupont?", "Non! fin. 3.5 km.", "Et après"]
    assert split_sentences("") == []
    assert split_sentences("  Une phrase.  ") == [(2, 13)]


def test_sentence_spans_index_article_text():
    it = ITEMS[0]
    text = article_text(it["title"], it["heading"])
    spans = sentence_spans(it["title"], it["heading"])
    assert text.startswith(it["title"] + "\n\n")
    assert [text[s:e] for s, e in spans] == [
        it["title"], "La France et l'Italie ont signé mardi un accord.", "Rome salue « une étape ».",
        "Le texte entre en vigueur en mai."]
    block = format_item(it)
    assert block.splitlines()[0] == "### id=1.json category=monde"
    assert block.splitlines()[2] == "S1: La France et l'Italie ont signé mardi un accord."


def test_locate_prefers_evidence_sentence():
    it = ITEMS[0]
    text = article_text(it["title"], it["heading"])
    spans = sentence_spans(it["title"], it["heading"])
    first = text.find("Rome")
    assert labels.locate(text, "Rome", None) == (first, first + 4)  # in the title
    s2 = spans[2]
    assert labels.locate(text, "Rome", s2) == (s2[0], s2[0] + 4)  # inside S2
    assert labels.locate(text, "Paris", spans[1]) == (0, 5)  # not in S1: first occurrence
    assert labels.locate(text, "Londres", None) is None


def test_split_of_is_a_pure_function():
    assert sample.split_of("1.json") == sample.split_of("1.json")
    counts = {s: 0 for s in ("train", "dev", "test")}
    for n in range(5000):
        counts[sample.split_of(f"{n}.json")] += 1
    assert 900 < counts["test"] < 1100 and 400 < counts["dev"] < 600


def test_sqrt_allocation():
    alloc = sample.sqrt_allocation({"a": 100, "b": 25, "c": 3}, 30)
    assert sum(alloc.values()) == 30 and alloc["c"] == 3 and alloc["a"] > alloc["b"]


@pytest.fixture
def campaign(tmp_path: Path):
    data = tmp_path / "corpus.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as f:
        for it in ITEMS:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    gold = tmp_path / "gold"
    (gold / "work").mkdir(parents=True)
    (gold / "sample.tsv").write_text(
        "id\tstratum\tsplit\tbatch\n1.json\tmonde\ttest\t1\n2.json\trest\ttrain\t1\n3.json\trest\tdev\t2\n",
        encoding="utf-8")
    (gold / "double.tsv").write_text("id\tsecond_batch\n1.json\t2\n2.json\t2\n", encoding="utf-8")
    return data, gold


def rec(item_id, event="AGREE", status="done", source=(), target=(), topic="medtop:11000000",
        topics=(), evidence=0, **extra):
    return {"id": item_id, "event": event, "status": status, "source": list(source), "target": list(target),
            "topic": topic, "topics": list(topics), "evidence": evidence, **extra}


def write(path: Path, records) -> None:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records),
                    encoding="utf-8")


def test_validation_errors_name_file_line_field(campaign):
    data, gold = campaign
    f = gold / "work" / "ann_a-b1.jsonl"
    write(f, [
        rec("1.json", event="MEET", source=[{"text": "Paris", "id": "FR"}]),
        rec("2.json", event="none", status="done", evidence=None),
        rec("1.json", source=[{"text": "Londres", "id": "gb"}], evidence=7, topics=["medtop:99000000"]),
        "{not json",
        rec("3.json", event="none", status="none", evidence=None),
    ])
    errors, written = labels.convert(gold, data)
    assert written == []
    p = str(f)
    expected = [
        f"{p}:1:event:", f"{p}:2:status:", f"{p}:3:evidence: 7", f"{p}:3:topics[0]:",
        f"{p}:3:source[0].id: 'gb'", f"{p}:3:source[0].text: not found verbatim", f"{p}:4:-: invalid JSON",
        f"{p}:5:id: '3.json' is not in this file's batch",
    ]
    for e in expected:
        assert any(x.startswith(e) for x in errors), (e, errors)
    assert len(errors) == len(expected)
    assert labels.main(["--gold-dir", str(gold), "--data", str(data), "convert"]) == 1


def test_bad_file_name(campaign):
    data, gold = campaign
    write(gold / "work" / "Bad Name.jsonl", [rec("1.json")])
    errors, _ = labels.convert(gold, data)
    assert len(errors) == 1 and "file name" in errors[0]


def agree(item_id="1.json", evidence=2, rome_id="IT"):
    return rec(item_id, source=[{"text": "Paris", "id": "FR"}, {"text": "Rome", "id": rome_id}],
               evidence=evidence, topics=["medtop:04000000"], note="treaty signed")


def test_convert_kappa_adjudicate_merge(campaign, tmp_path):
    data, gold = campaign
    work = gold / "work"
    write(work / "ann_a-b1.jsonl", [agree(), rec("2.json", event="none", status="none", topic="medtop:08000000",
                                                 evidence=None)])
    write(work / "ann_b-b2.jsonl", [rec("3.json", event="PROTEST", source=[{"text": "les syndicats", "id": "org:syndicats"}],
                                        topic="medtop:09000000", evidence=0)])
    write(work / "ann_b-b2-double.jsonl", [agree(evidence=0, rome_id="org:rome"),
                                           rec("2.json", event="none", status="none", topic="medtop:01000000",
                                               evidence=None)])
    errors, written = labels.convert(gold, data)
    assert errors == []
    assert sorted(p.name for p in written) == ["annotations-ann_a.jsonl", "annotations-ann_b.jsonl"]
    out = (gold / "annotations-ann_a.jsonl").read_text(encoding="utf-8")
    a1 = json.loads(out.splitlines()[0])
    text = article_text(ITEMS[0]["title"], ITEMS[0]["heading"])
    s2 = sentence_spans(ITEMS[0]["title"], ITEMS[0]["heading"])[2]
    assert a1["role"] == "first" and a1["source"] == ["FR", "IT"] and a1["evidence"] == list(s2)
    assert text[slice(*a1["source_spans"][1])] == "Rome" and a1["source_spans"][1][0] >= s2[0]
    assert a1["source_spans"][0] == [0, 5]  # "Paris" is not in S2: first occurrence
    for phrase in ("Paris", "Rome", "syndicats", "treaty"):  # ids and labels only, no text
        assert phrase not in out.replace("org:syndicats", "")

    md = labels.kappa(gold)
    rows = {line.split("|")[1].strip(): line for line in md.splitlines() if line.startswith("| ")}
    assert "| 2 | 1.000 | 1.000 |" in rows["event"]  # AGREE/AGREE, none/none
    assert "| 2 | 0.500 | 0.333 |" in rows["topic"]  # same on 1.json, 08 vs 01 on 2.json
    # source countries: FR+IT vs FR, then - vs -: po = 1/2, pe = 1/4, kappa = 1/3
    assert "| 2 | 0.500 | 0.333 |" in rows["source countries"]
    assert (gold / "agreement.md").exists()

    dis = labels.adjudicate(gold)
    assert [d["id"] for d in dis] == ["1.json", "2.json"]
    assert dis[0]["fields"] == ["source", "evidence_sentence"] and dis[1]["fields"] == ["topic"]

    write(work / "adjudicated.jsonl", [agree(evidence=1)])
    errors, written = labels.convert(gold, data)
    assert errors == [] and gold / "adjudicated.jsonl" in written
    gold_out = tmp_path / "events.jsonl"
    n, errs = labels.merge(gold, gold_out)
    assert (n, errs) == (3, [])
    got = [json.loads(line) for line in gold_out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["1.json", "2.json", "3.json"]
    assert list(got[0]) == ["id", "split", "event", "status", "source", "target", "source_spans", "target_spans",
                            "topic", "topics", "evidence"]
    assert got[0]["evidence"] == list(sentence_spans(ITEMS[0]["title"], ITEMS[0]["heading"])[1])  # adjudicated
    assert got[1]["topic"] == "medtop:08000000"  # first annotator's
    assert got[2]["event"] == "PROTEST" and got[2]["split"] == "dev"


def test_revised_beats_adjudicated_beats_first(campaign, tmp_path):
    data, gold = campaign
    work = gold / "work"
    write(work / "ann_a-b1.jsonl", [agree(), rec("2.json", event="none", status="none", topic="medtop:08000000",
                                                 evidence=None)])
    write(work / "ann_b-b2.jsonl", [rec("3.json", event="PROTEST", source=[{"text": "les syndicats", "id": "org:syndicats"}],
                                        topic="medtop:09000000", evidence=0)])
    write(work / "adjudicated.jsonl", [agree(evidence=1)])
    # the re-check may revise any sampled id, double-annotated (1.json) or not (3.json)
    write(work / "revised.jsonl", [
        {**agree(evidence=0), "note": "recheck: title states it"},
        rec("3.json", event="PROTEST", source=[{"text": "les syndicats", "id": "org:syndicats"}],
            target=[{"text": "gouvernement", "id": "FR"}], topic="medtop:09000000", evidence=1),
    ])
    errors, written = labels.convert(gold, data)
    assert errors == [] and gold / "revised.jsonl" in written
    out = (gold / "revised.jsonl").read_text(encoding="utf-8")
    revised = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["annotator"], r["role"]) for r in revised] == [("1.json", "revised", "revised"),
                                                                      ("3.json", "revised", "revised")]
    for phrase in ("Paris", "gouvernement", "recheck"):  # ids and labels only: no text, no note
        assert phrase not in out
    assert not (gold / "annotations-revised.jsonl").exists()

    gold_out = tmp_path / "events.jsonl"
    assert labels.merge(gold, gold_out) == (3, [])
    got = {g["id"]: g for g in map(json.loads, gold_out.read_text(encoding="utf-8").splitlines())}
    spans = sentence_spans(ITEMS[0]["title"], ITEMS[0]["heading"])
    assert got["1.json"]["evidence"] == list(spans[0])  # revised (S0) over adjudicated (S1) and first (S2)
    assert got["2.json"]["topic"] == "medtop:08000000"  # no revision, no adjudication: first annotator
    assert got["3.json"]["target"] == ["FR"] and got["3.json"]["split"] == "dev"  # revised single item

    write(work / "revised.jsonl", [rec("9.json", event="none", status="none", evidence=None)])
    errors, _ = labels.convert(gold, data, [work / "revised.jsonl"])
    assert len(errors) == 1 and ":id: '9.json' is not an id of the sample" in errors[0]


def test_cohen_kappa_hand_computed():
    # a: A A B B, b: A B B B -> po = 3/4; pe = (2*1 + 2*3) / 16 = 1/2; kappa = (3/4 - 1/2) / (1/2) = 1/2
    po, k = labels.cohen_kappa(["A", "A", "B", "B"], ["A", "B", "B", "B"])
    assert po == pytest.approx(0.75) and k == pytest.approx(0.5)
    # 3 categories: po = 4/6; pa = (2,2,2)/6, pb = (3,2,1)/6; pe = (6+4+2)/36 = 1/3; kappa = (2/3-1/3)/(2/3) = 1/2
    po, k = labels.cohen_kappa(list("xxyyzz"), list("xxyxyz"))
    assert po == pytest.approx(4 / 6) and k == pytest.approx(0.5)
    assert labels.cohen_kappa(["A", "A"], ["A", "A"]) == (1.0, None)


def test_several_adjudicated_files(campaign, tmp_path):
    data, gold = campaign
    work = gold / "work"
    write(work / "ann_a-b1.jsonl", [agree(), rec("2.json", event="none", status="none", topic="medtop:08000000",
                                                 evidence=None)])
    write(work / "ann_b-b2.jsonl", [rec("3.json", event="PROTEST", source=[{"text": "les syndicats", "id": "org:syndicats"}],
                                        topic="medtop:09000000", evidence=0)])
    write(work / "adjudicated.jsonl", [agree(evidence=1)])
    write(work / "adjudicated-r2.jsonl", [rec("2.json", event="none", status="none", topic="medtop:01000000",
                                              evidence=None)])
    errors, written = labels.convert(gold, data)
    assert errors == [] and {gold / "adjudicated.jsonl", gold / "adjudicated-r2.jsonl"} <= set(written)
    # converting one adjudicated file alone leaves the other's output alone
    errors, written = labels.convert(gold, data, [work / "adjudicated-r2.jsonl"])
    assert errors == [] and written == [gold / "adjudicated-r2.jsonl"]
    assert json.loads((gold / "adjudicated.jsonl").read_text(encoding="utf-8"))["id"] == "1.json"
    gold_out = tmp_path / "events.jsonl"
    assert labels.merge(gold, gold_out) == (3, [])
    got = {g["id"]: g for g in map(json.loads, gold_out.read_text(encoding="utf-8").splitlines())}
    assert got["1.json"]["evidence"] == list(sentence_spans(ITEMS[0]["title"], ITEMS[0]["heading"])[1])
    assert got["2.json"]["topic"] == "medtop:01000000"  # from adjudicated-r2
    # the same id adjudicated in two files is an error, in convert and in merge
    write(work / "adjudicated-r2.jsonl", [agree(evidence=0)])
    errors, _ = labels.convert(gold, data)
    assert len(errors) == 1 and "'1.json' is adjudicated in adjudicated-r2.jsonl too" in errors[0]
    (gold / "adjudicated-r2.jsonl").write_text((gold / "adjudicated.jsonl").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    _, errs = labels.merge(gold, gold_out)
    assert len(errs) == 1 and errs[0].startswith("adjudicated twice: 1.json")


def test_kappa_per_round(campaign):
    data, gold = campaign
    work = gold / "work"
    write(work / "ann_a-b1.jsonl", [agree(), rec("2.json", event="none", status="none", evidence=None)])
    write(work / "ann_b-b2-double.jsonl", [agree(), rec("2.json", event="none", status="none", evidence=None)])
    assert labels.convert(gold, data)[0] == []
    md = labels.kappa(gold)
    assert "### Round 1 (batches 1–6)" in md and "### Round 2 (batches 7–9)" in md
    r1 = md.split("### Round 1")[1].split("### Round 2")[0]
    assert "| event | 2 | 1.000 |" in r1 and "No double-annotated pair yet." in md.split("### Round 2")[1]


def test_round7_draws_only_frozen_hash_items_as_test2(tmp_path):
    """Round 7 (tools/orangesum_extend.py): a second held-out set, test-hash ids only, never split "test"."""
    import orangesum_extend as extend

    data = tmp_path / "orangesum.jsonl.gz"
    categories = ("monde", "france", "sport", "economie")
    with gzip.open(data, "wt", encoding="utf-8") as f:
        for n in range(3000):
            cat = categories[n % 4]
            title = "Accord entre la Russie et la Chine" if n % 7 == 0 else "Un fait divers local"
            f.write(json.dumps({"id": f"{n}.json", "category": cat, "title": title,
                                "heading": "Une phrase de chapeau.", "article": ""}) + "\n")
    gold = tmp_path / "gold"
    gold.mkdir()
    first = [f"{n}.json" for n in range(0, 3000, 4) if sample.split_of(f"{n}.json") == "test"][:50]
    (gold / "sample.tsv").write_text("id\tstratum\tsplit\tbatch\n" + "".join(f"{i}\tmonde\ttest\t1\n" for i in first))
    rows, double = extend.draw(data, gold, 7)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) and 120 <= len(ids) <= 1200
    assert all(sample.split_of(i) == "test" and r["split"] == "test2" for i, r in zip(ids, rows, strict=True))
    assert not set(ids) & set(first)
    monde_left = [f"{n}.json" for n in range(0, 3000, 4) if sample.split_of(f"{n}.json") == "test"
                  and f"{n}.json" not in first]
    assert {r["id"] for r in rows if r["stratum"] == "monde"} == set(monde_left)  # every international item first
    batch_of = {r["id"]: r["batch"] for r in rows}
    assert {r["batch"] for r in rows} == {"29", "30", "31", "32"}
    assert len(double) == 120 and all(str(b) != batch_of[i] for i, b in double)
    assert extend.draw(data, gold, 7) == (rows, double)  # seeded


def test_round8_draws_international_train_items_only(tmp_path):
    """Round 8: international items left whose id hashes to train or dev, split by the hash."""
    import orangesum_extend as extend

    data = tmp_path / "orangesum.jsonl.gz"
    categories = ("monde", "france", "sport", "economie")
    with gzip.open(data, "wt", encoding="utf-8") as f:
        for n in range(3000):
            title = "Accord entre la Russie et la Chine" if n % 7 == 0 else "Un fait divers local"
            f.write(json.dumps({"id": f"{n}.json", "category": categories[n % 4], "title": title,
                                "heading": "Une phrase de chapeau.", "article": ""}) + "\n")
    gold = tmp_path / "gold"
    gold.mkdir()
    first = [f"{n}.json" for n in range(0, 3000, 4) if sample.split_of(f"{n}.json") != "test"][:50]
    (gold / "sample.tsv").write_text("id\tstratum\tsplit\tbatch\n"
                                     + "".join(f"{i}\tmonde\t{sample.split_of(i)}\t1\n" for i in first))
    rows, double = extend.draw(data, gold, 8)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 1200 and not set(ids) & set(first)
    assert all(r["split"] == sample.split_of(r["id"]) != "test" for r in rows)
    monde_left = {f"{n}.json" for n in range(0, 3000, 4)
                  if sample.split_of(f"{n}.json") != "test" and f"{n}.json" not in first}
    assert {r["id"] for r in rows if r["stratum"] == "monde"} == monde_left  # every "monde" item first
    foreign_left = {f"{n}.json" for n in range(0, 3000, 7) if n % 4 and sample.split_of(f"{n}.json") != "test"}
    assert {r["id"] for r in rows if r["stratum"] == "foreign"} == foreign_left  # then the foreign cue
    assert {r["batch"] for r in rows} == {"33", "34", "35", "36"} and len(double) == 120
    assert extend.draw(data, gold, 8) == (rows, double)  # seeded
