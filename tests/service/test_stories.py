"""Stories on small hand-made inputs, threads, the B-cubed scorer, and the stories commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.evaluation.bcubed import bcubed
from silkwire.service import articles as service
from silkwire.service import stories as storylines
from silkwire.stories.cluster import StoryItem, cluster

UE = (("org:ue", "Union européenne"), ("loc:asie-centrale", "Asie centrale"))
SUMMIT = [
    StoryItem("a1", "Samarcande se prépare au premier sommet entre l’Union européenne et l’Asie centrale, "
              "les délégations arrivent et la ville ferme son centre historique.", "2025-04-01", UE, ("UZ",),
              title="Samarcande prépare le sommet UE–Asie centrale", enriched=True),
    StoryItem("a2", "Au sommet de Samarcande, l’Union européenne et l’Asie centrale signent un partenariat "
              "stratégique et promettent des investissements.", "2025-04-04", UE, ("UZ",),
              title="Sommet de Samarcande : partenariat stratégique UE–Asie centrale", enriched=True),
    StoryItem("a3", "Après le sommet de Samarcande, Bruxelles détaille les investissements promis à l’Asie "
              "centrale et le partenariat stratégique.", "2025-04-10", UE, ("UZ",),
              title="Après Samarcande, les investissements européens", enriched=True),
]
TENNIS = StoryItem("t1", "Le tournoi de tennis d’Almaty accueille les meilleurs joueurs, la fédération kazakhe "
                   "se réjouit d’un public nombreux.", "2025-04-05", (("org:ftk", "Fédération kazakhe"),),
                   ("KZ",), title="Tennis : l’Almaty Open commence", enriched=True)


def test_related_articles_form_one_story_and_the_rest_stays_apart():
    stories = cluster([*SUMMIT, TENNIS])
    by_key = {k: s for s in stories for k in s.keys}
    assert by_key["a1"] is by_key["a2"] is by_key["a3"]
    assert by_key["t1"] is not by_key["a1"] and by_key["t1"].keys == ["t1"]
    summit = by_key["a1"]
    assert summit.id == "s-a1" and (summit.first, summit.last) == ("2025-04-01", "2025-04-10")
    assert {e[0] for e in summit.entities} == {"org:ue", "loc:asie-centrale"} and summit.countries == ["UZ"]
    assert "Samarcande" in summit.label


def test_the_date_window_splits_a_story_and_the_later_one_follows_up():
    later = StoryItem("b1", "Un an après le sommet de Samarcande, l’Union européenne et l’Asie centrale font le "
                      "bilan du partenariat stratégique et des investissements.", "2026-04-04", UE, ("UZ",),
                      title="Un an après Samarcande, le bilan du partenariat", enriched=True)
    stories = cluster([*SUMMIT, later])
    by_key = {k: s for s in stories for k in s.keys}
    assert by_key["b1"] is not by_key["a1"]  # a year apart: another story...
    assert by_key["b1"].follows == by_key["a1"].id  # ...in the same thread


def test_text_alone_still_clusters_without_enrichment():
    plain = [StoryItem(i.key, i.text, i.day, title=i.title) for i in (*SUMMIT, TENNIS)]
    by_key = {k: s.id for s in cluster(plain) for k in s.keys}
    assert by_key["a1"] == by_key["a2"] and by_key["t1"] != by_key["a1"]


def test_bcubed_known_values():
    gold = {"a": "x", "b": "x", "c": None, "d": None}
    assert bcubed(gold, gold)["f1"] == 1.0
    merged = bcubed({"a": 1, "b": 1, "c": 1, "d": 1}, gold)
    # precision: a, b see 2/4, c, d see 1/4 -> 0.375; recall 1
    assert merged["precision"] == pytest.approx(0.375) and merged["recall"] == 1.0
    alone = bcubed({k: None for k in gold}, gold)
    assert alone["precision"] == 1.0 and alone["recall"] == pytest.approx(0.75)
    assert bcubed({"z": 1}, gold)["items"] == 0


def test_stories_commands_and_record_fields(tmp_path: Path):
    path = tmp_path / "s.jsonl"
    rows = [{"title": i.title, "lead": i.text, "published": i.day, "source": "S"} for i in (*SUMMIT, TENNIS)]
    rows.append({"title": SUMMIT[1].title, "lead": SUMMIT[1].text, "published": "2025-04-05", "source": "T"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(path), "--db", db]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).output)
    assert len(listed) == 1 and listed[0]["articles"] == 4  # the copy from T joins its canonical's story
    none = json.loads(runner.invoke(app, ["stories", "--db", db, "--json", "--since", "2025-05-01"]).output)
    assert none == []
    assert runner.invoke(app, ["stories", "--db", db, "--since", "hier"]).exit_code == 2
    one = json.loads(runner.invoke(app, ["story", listed[0]["id"], "--db", db, "--json"]).output)
    assert [a["published"] for a in one["articles_list"]] == ["2025-04-01", "2025-04-04", "2025-04-05", "2025-04-10"]
    assert sum(1 for a in one["articles_list"] if a["duplicate_of"]) == 1
    with service.open_workspace(db) as ws:
        record = service.show(ws, one["articles_list"][0]["id"])
        assert record["story"] == listed[0]["id"] and record["duplicate_of"] is None
        assert storylines.stories(ws, min_articles=1)[-1]["articles"] == 1  # the tennis item, alone
    assert "story:" in runner.invoke(app, ["show", one["articles_list"][0]["id"], "--db", db]).output
    assert runner.invoke(app, ["story", "s-nope", "--db", db]).exit_code != 0


def test_a_small_ingest_is_added_to_the_stored_stories(tmp_path: Path):
    db = str(tmp_path / "d.db")
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"title": SUMMIT[0].title, "lead": SUMMIT[0].text, "published": SUMMIT[0].day,
                                 "source": "S"}, ensure_ascii=False) + "\n", encoding="utf-8")
    later = tmp_path / "later.jsonl"
    later.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (
        {"title": SUMMIT[0].title, "lead": SUMMIT[0].text, "published": "2025-04-02", "source": "T"},
        {"title": TENNIS.title, "lead": TENNIS.text, "published": TENNIS.day, "source": "S"})), encoding="utf-8")
    with service.open_workspace(db, create=True) as ws:
        service.ingest(ws, [str(first)])
        calls: list[str] = []
        real = storylines.update_stories
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(storylines, "MAX_DRIFT", 10.0)  # two new articles on one: not a drift here
            mp.setattr(storylines, "update_stories", lambda w, *a: calls.append(real(w, *a)) or calls[-1])
            service.ingest(ws, [str(later)])
        assert calls == ["increment"]
        story = storylines.stories(ws, min_articles=1)
        assert sorted(s["articles"] for s in story) == [1, 2]  # the copy joined its canonical; tennis alone
        tennis = ws.store.ids_by_title(TENNIS.title)[0]
        assert service.show(ws, tennis)["story"] is None  # a story of one is no story
        incremental = {(s["id"], s["articles"], s["label"]) for s in story}
    runner = CliRunner()
    rebuilt = json.loads(runner.invoke(app, ["stories", "--db", db, "--rebuild", "--json", "--min-articles", "1"]).output)
    assert {(s["id"], s["articles"], s["label"]) for s in rebuilt} == incremental
