"""Corrections: every kind survives a re-enrichment with a new pipeline version, shows in the
record as corrected (the original kept), feeds the facets, and can be undone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from export_data import build_db, fake_enricher

from silkwire.errors import NotFoundError, QueryError
from silkwire.model import Correction, Entity, TimeRef
from silkwire.service import articles as service
from silkwire.service import corrections, enrichment, evaluate


def _span(text: str, needle: str) -> list[int]:
    start = text.index(needle)
    return [start, start + len(needle)]


def enricher(version: str = "0.2.1"):
    """The export tests' facts, plus a date and an unknown entity on the first article."""
    def run(articles):
        for a, e in zip(articles, fake_enricher(articles), strict=True):
            if a.title and a.title.startswith("Le Kazakhstan et"):
                start = a.text.index("11 juillet 2025")
                date = TimeRef("11 juillet 2025", (start, start + 15), "2025-07-11", "day", "point", "text")
                kaboul = a.text.index("Kaboul")
                extra = Entity("loc:kaboul-ville", "LOC", "Kaboul", ((kaboul, kaboul + 6),))
                e = dataclasses.replace(e, dates=(date,), entities=(*e.entities, extra))
            yield dataclasses.replace(e, version=version)
    return run


@pytest.fixture
def ws(tmp_path: Path):
    db = build_db(tmp_path, enrich=False)
    with service.open_workspace(db) as workspace:
        service.enrich(workspace, enricher=enricher())
        yield workspace


def _first(ws) -> dict:
    return service.show(ws, ws.store.ids_by_title("Le Kazakhstan et l’Afghanistan signent un accord ferroviaire")[0])


def _every_kind(ws) -> None:
    rec = _first(ws)
    text, aid = rec["text"], rec["id"]

    def fix(action: str, kind: str, fact: dict, article: str | None = aid) -> None:
        corrections.correct(ws, Correction(action, kind, fact, "ana", "relu", article))

    fix("reject", "country", {"code": "AF"})
    fix("reject", "entity", {"id": "loc:kaboul-ville"})
    fix("reject", "place", {"name": "Kaboul"})
    fix("reject", "event", {"type": "AGREE"})
    fix("reject", "topic", {"code": "medtop:04000000"})
    fix("reject", "date", {"span": _span(text, "11 juillet 2025")})
    fix("reject", "amount", {"span": _span(text, "500 millions de dollars")})
    fix("add", "country", {"code": "CN", "span": _span(text, "Kazakhstan")})
    fix("add", "entity", {"type": "ORG", "name": "Chemins de fer kazakhs", "span": _span(text, "mémorandum ferroviaire")})
    fix("add", "place", {"name": "Kaboul (ville)", "span": _span(text, "Kaboul"), "country": "AF"})
    fix("add", "event", {"type": "COOPERATE", "trigger": _span(text, "signé"), "source": ["KZ"], "target": ["AF"]})
    fix("add", "topic", {"code": "medtop:11000000"})
    fix("add", "date", {"span": _span(text, "11 juillet"), "value": "2025-07-11", "grain": "day"})
    fix("add", "amount", {"span": _span(text, "500 millions"), "value": 5e8, "unit": "USD", "kind": "money"})
    poutine = service.show(ws, ws.store.ids_by_title("Poutine effectuera une visite d’État au Tadjikistan")[0])
    assert poutine["entities"][0]["id"] == "per:vladimir-poutine"
    fix("merge", "entity", {"id": "org:talibans", "into": "per:vladimir-poutine"}, None)
    fix("rename", "entity", {"id": "per:vladimir-poutine", "name": "Vladimir V. Poutine"}, None)
    fix("wikidata", "entity", {"id": "per:vladimir-poutine", "wikidata": "Q7747"}, None)


def _check_every_kind(ws) -> None:
    rec = _first(ws)
    assert {c["code"] for c in rec["countries"]} == {"KZ", "CN"}
    assert next(c for c in rec["countries"] if c["code"] == "CN")["corrected"] is True
    ents = {e["id"]: e for e in rec["entities"]}
    assert "loc:kaboul-ville" not in ents and "org:talibans" not in ents
    assert ents["org:chemins-de-fer-kazakhs"]["corrected"] is True
    merged = ents["per:vladimir-poutine"]  # the talibans, merged (a test of the mechanism, not of sense)
    assert merged["name"] == "Vladimir V. Poutine" and merged["wikidata"] == "Q7747"
    assert merged["original"]["id"] == "org:talibans" and merged["corrected"] is True
    assert [p["name"] for p in rec["places"]] == ["Kaboul (ville)"]
    assert [v["type"] for v in rec["events"]] == ["COOPERATE"] and rec["events"][0]["corrected"]
    assert [t["code"] for t in rec["topics"]] == ["medtop:11000000"]
    assert [d["text"] for d in rec["dates"]] == ["11 juillet"]
    assert [a["text"] for a in rec["amounts"]] == ["500 millions"]
    rejected = {(r["kind"], r["fact"].get("code") or r["fact"].get("id") or r["fact"].get("name")
                 or r["fact"].get("type") or r["fact"].get("text")) for r in rec["rejected"]}
    assert rejected == {("country", "AF"), ("entity", "loc:kaboul-ville"), ("place", "Kaboul"), ("event", "AGREE"),
                        ("topic", "medtop:04000000"), ("date", "11 juillet 2025"),
                        ("amount", "500 millions de dollars")}
    assert len(rec["corrections"]) == 17
    # the facets follow: filters and counts see the corrected facts
    listed = service.search(ws, "ferroviaire", service.SearchFilters(countries=("CN",)))
    assert [h.article.id for h in listed.hits] == [rec["id"]]
    assert not service.search(ws, "ferroviaire", service.SearchFilters(countries=("AF",))).hits
    poutine = service.show(ws, ws.store.ids_by_title("Poutine effectuera une visite d’État au Tadjikistan")[0])
    assert poutine["entities"][0]["name"] == "Vladimir V. Poutine"
    assert {e["id"]: e["name"] for e in service.entities(ws)}["per:vladimir-poutine"] == "Vladimir V. Poutine"


def test_every_kind_survives_a_new_pipeline_version(ws, monkeypatch) -> None:
    _every_kind(ws)
    _check_every_kind(ws)
    monkeypatch.setattr(enrichment, "PIPELINE_VERSION", "9.9.9")  # where enrich reads it
    report = service.enrich(ws, enricher=enricher("9.9.9"))
    assert report.enriched == 5
    assert ws.store.enrichment(ws.store.rowid_of(_first(ws)["id"]))["version"] == "9.9.9"
    _check_every_kind(ws)


def test_undo_goes_back_to_what_the_pipeline_found(ws) -> None:
    _every_kind(ws)
    for c in corrections.corrections(ws):
        corrections.undo(ws, c["id"], "chef")
    rec = _first(ws)
    assert {c["code"] for c in rec["countries"]} == {"KZ", "AF"}
    assert "corrections" not in rec and "rejected" not in rec
    assert {e["id"] for e in rec["entities"]} == {"org:talibans", "loc:kaboul-ville"}
    assert {e["id"]: e["name"] for e in service.entities(ws)}["per:vladimir-poutine"] == "Vladimir Poutine"
    history = corrections.corrections(ws, include_undone=True)
    assert len(history) == 17 and all(c["undone_by"] == "chef" for c in history)
    assert not corrections.corrections(ws)


def test_wrong_corrections_are_refused(ws) -> None:
    aid = _first(ws)["id"]
    with pytest.raises(QueryError, match="no country"):
        corrections.correct(ws, Correction("reject", "country", {"code": "FR"}, "ana", None, aid))
    with pytest.raises(NotFoundError):
        corrections.correct(ws, Correction("add", "country", {"code": "ZZ", "span": [0, 2]}, "ana", None, aid))
    with pytest.raises(QueryError, match="span"):
        corrections.correct(ws, Correction("add", "date", {"value": "2025", "span": [5, 99999]}, "ana", None, aid))
    with pytest.raises(QueryError, match="QID"):
        corrections.correct(ws, Correction("wikidata", "entity", {"id": "org:talibans", "wikidata": "7747"}, "ana"))
    with pytest.raises(NotFoundError):
        corrections.correct(ws, Correction("rename", "entity", {"id": "per:personne", "name": "X"}, "ana"))
    with pytest.raises(QueryError, match="author"):
        corrections.correct(ws, Correction("reject", "country", {"code": "KZ"}, " ", None, aid))
    assert corrections.corrections(ws) == []


def test_corrected_articles_export_as_gold_lines(ws) -> None:
    _every_kind(ws)
    lines = evaluate.gold_from_corrections(ws)
    assert len(lines) == 1
    line = lines[0]
    assert line["key"]["id"] == _first(ws)["id"]
    assert line["countries"] == ["CN", "KZ"] and line["event_types"] == ["COOPERATE"]
    assert line["organisations"] == ["Chemins de fer kazakhs"] and line["topic"] == "medtop:11000000"


def test_the_correct_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from silkwire.cli.main import app

    db = build_db(tmp_path, "cli.db")
    runner = CliRunner()
    with service.open_workspace(db) as ws:
        aid = _first(ws)["id"]
    done = runner.invoke(app, ["correct", "reject", aid[:8], "country", "af", "--by", "ana", "--why", "exemple",
                               "--db", db])
    assert done.exit_code == 0 and done.output.startswith("correction 1: reject country code=AF in "), done.output
    added = runner.invoke(app, ["correct", "add", aid, "amount", "500000000", "--at", "500 millions", "--unit", "USD",
                                "--by", "ana", "--db", db, "--json"])
    assert added.exit_code == 0 and '"kind": "money"' in added.output
    wrong = runner.invoke(app, ["correct", "add", aid, "entity", "--type", "ORG", "--at", "absent", "--db", db])
    assert wrong.exit_code == 2 and "not in the article's text" in wrong.output
    listed = runner.invoke(app, ["correct", "list", "--db", db])
    assert "exemple" in listed.output and aid in listed.output
    gold = runner.invoke(app, ["correct", "gold", "--db", db])
    assert gold.exit_code == 0 and f'"id": "{aid}"' in gold.output
    assert runner.invoke(app, ["correct", "undo", "1", "--by", "chef", "--db", db]).exit_code == 0
    with service.open_workspace(db) as ws:
        assert {c["code"] for c in _first(ws)["countries"]} == {"KZ", "AF"}
    again = runner.invoke(app, ["correct", "undo", "1", "--db", db])
    assert again.exit_code != 0
