"""Events and topics in the pipeline, the record, the CLI and the scorer."""

import re

import pytest
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.errors import InputError
from silkwire.evaluation.events import event_dyads, score_events
from silkwire.nlp.kb import load_kb

runner = CliRunner()


def test_user_lexicons_come_with_the_knowledge_base(tmp_path):
    (tmp_path / "mine.events.tsv").write_text("parapher\tVERB\tAGREE\n", encoding="utf-8")
    (tmp_path / "mine.topics.tsv").write_text("medtop:15000000\te-sport*\t3\n", encoding="utf-8")
    kb = load_kb([tmp_path])
    assert kb.event_lexicons == (str(tmp_path / "mine.events.tsv"),)
    assert kb.topic_cues == (str(tmp_path / "mine.topics.tsv"),)


def test_a_bad_user_lexicon_row_names_its_line(tmp_path):
    path = tmp_path / "bad.events.tsv"
    path.write_text("# comment\nsigner\tVERB\tAGREE\nparapher\tVERBE\tAGREE\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.events\.tsv:3: bad POS 'VERBE'"):
        load_kb([path])


def test_event_scorer():
    gold = [{"key": {"id": "a"}, "event_types": ["AGREE"], "dyads": [["AF", "KZ"]], "topic": "medtop:04000000"},
            {"key": {"id": "b"}, "event_types": [], "dyads": [], "topic": "medtop:11000000"},
            {"key": {"id": "c"}, "event_types": ["CONSULT"], "dyads": [["RU", "TJ"]], "topic": "medtop:11000000"}]
    predicted = {
        "a": {"events": [{"type": "AGREE", "source": ["KZ"], "target": ["AF"]}],
              "topics": [{"code": "medtop:04000000"}]},
        "b": {"events": [], "topics": [{"code": "medtop:04000000"}]},
        "c": {"events": [{"type": "ACCUSE", "source": ["RU", "TJ"], "target": ["TJ", "RU"]}], "topics": []},
    }
    s = score_events(predicted, gold)
    assert s["event_type"]["right"] == 2 and s["event_type"]["total"] == 3
    assert s["topic"]["right"] == 1
    assert (s["dyads"]["tp"], s["dyads"]["fp"], s["dyads"]["fn"]) == (1, 1, 1)  # (KZ, AF) is not (AF, KZ)
    assert s["dyads_exact"]["right"] == 2  # b (none, none) and c
    assert event_dyads({"source": ["TJ", "RU"], "target": ["RU", "TJ"]}) == {("RU", "TJ")}


@pytest.mark.slow
def test_pipeline_records_carry_events_and_topics(tmp_path):
    pytest.importorskip("spacy")
    from silkwire.ingest import read_paths
    from silkwire.model import Article, enrichment_fields
    from silkwire.nlp.pipeline import enrich

    path = tmp_path / "items.jsonl"
    path.write_text(
        '{"title": "Le Kazakhstan et les talibans signent un accord ferroviaire", '
        '"lead": "Astana a signé jeudi à Kaboul un mémorandum de 500 millions de dollars.", '
        '"published": "2025-07-12"}\n'
        '{"title": "Le gaz turkmène en chiffres", "lead": "Les exportations ont augmenté de 3 % en 2024.", '
        '"published": "2025-01-15"}\n', encoding="utf-8")
    articles = [a for a in read_paths([str(path)]) if isinstance(a, Article)]
    first, second = (enrichment_fields(e) for e in enrich(articles))
    main = first["events"][0]
    assert main["type"] == "AGREE" and "KZ" in main["source"] + main["target"]
    text = articles[0].text
    assert text[main["trigger"][0]:main["trigger"][1]].lower().startswith("sign")
    assert main["evidence"][0] <= main["trigger"][0] < main["evidence"][1]
    assert main["amounts"] and main["amounts"][0]["unit"] == "USD"
    assert first["topics"][0]["code"].startswith("medtop:")
    assert second["events"] == []  # a statistics piece: computed, none found
    assert second["topics"][0]["code"] == "medtop:04000000"


@pytest.mark.slow
def test_relations_and_timeline_commands_on_the_demo(tmp_path):
    db = str(tmp_path / "demo.db")
    assert runner.invoke(app, ["demo", "--out", db, "--no-serve"]).exit_code == 0
    result = runner.invoke(app, ["relations", "KZ", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    assert '"partner"' in result.output and '"evidence_text"' in result.output
    result = runner.invoke(app, ["timeline", "--country", "UZ", "--limit", "3", "--db", db])
    assert result.exit_code == 0 and len(re.findall(r"\[[0-9a-f]{16}\]", result.output)) == 3
    bad = runner.invoke(app, ["relations", "Ouzbékistan", "--db", db])
    assert bad.exit_code == 2 and "Ouzbékistan: not an ISO 3166-1 alpha-2 country code" in bad.output  # one line


def test_actor_entities_are_the_parties_people_and_organisations_in_the_evidence():
    from silkwire.model import Entity, Event
    from silkwire.nlp.event_facts import actor_entities

    text = "Vladimir Poutine reçu à Douchanbé par Emomali Rahmon ; Xi Jinping absent. Plus loin, l'ONU."
    def ent(id_, name, country, type_="PER"):
        s = text.index(name)
        return Entity(id_, type_, name, ((s, s + len(name)),), country)
    entities = [ent("per:poutine", "Vladimir Poutine", "RU"), ent("per:rahmon", "Emomali Rahmon", "TJ"),
                ent("per:xi", "Xi Jinping", "CN"), ent("org:onu", "ONU", None, "ORG")]
    event = Event("CONSULT", ("RU",), ("TJ",), (17, 21), (0, text.index(" Plus")), 0.8)
    assert actor_entities(event, entities) == (("per:poutine",), ("per:rahmon",))
    both = Event("CONSULT", ("RU", "TJ"), ("TJ", "RU"), (17, 21), (0, len(text)), 0.8)
    assert actor_entities(both, entities) == (("per:poutine", "per:rahmon"), ("per:poutine", "per:rahmon"))
