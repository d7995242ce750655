"""Articles added to the stored stories (stories.update_stories, migration 8): the demo corpus clustered in
chronological batches scores as a whole clustering, ids stay, and the cases that must re-cluster
everything do."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from localdb import write_jsonl as write
from old_schema import downgrade_to_9

from silkwire.service import articles as service
from silkwire.service import evaluate
from silkwire.service import stories as storylines
from silkwire.store import Store
from silkwire.store.schema import LATEST
from silkwire.store.story_state import STATE, StoredState


def demo_records() -> list[dict[str, Any]]:
    """The demo's dated JSONL articles (the gold scores them all), oldest first."""
    rows = [json.loads(line) for path in service.demo_files() if path.endswith(".jsonl")
            for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(r["published"] for r in rows)
    return sorted(rows, key=lambda r: (r["published"], r["id"]))


def recorded_updates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each story update did ("rebuild" or an increment), in order, as the updates run."""
    done: list[str] = []
    real = storylines.update_stories
    monkeypatch.setattr(storylines, "update_stories", lambda ws, *a: done.append(real(ws, *a)) or done[-1])
    return done


def memberships(ws: Any) -> dict[int, str]:
    return dict(ws.store.db.execute("SELECT article_rowid, story_id FROM story_articles"))


def test_chronological_batches_score_as_a_whole_clustering_and_keep_ids(tmp_path: Path, db_target: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storylines, "MAX_DRIFT", 100.0)  # every batch an increment, however many
    records = demo_records()
    half = len(records) // 2
    done = recorded_updates(monkeypatch)
    with service.open_workspace(db_target, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "first.jsonl", records[:half])])
        assert done == ["rebuild"]  # no stored stories yet
        seen = memberships(ws)
        for n, start in enumerate(range(half, len(records), 8)):
            service.ingest(ws, [write(tmp_path / f"batch{n}.jsonl", records[start:start + 8])])
            now = memberships(ws)
            assert {r: now[r] for r in seen} == seen  # an earlier article keeps its story id
            seen = now
        assert set(done[1:]) == {"increment"} and len(done) > 5
        assert len(seen) == len(records)
        incremental = evaluate.evaluate_stories(ws, service.gold_files())
        ids = {s["id"] for s in storylines.stories(ws)}
        storylines.rebuild_stories(ws)
        whole = evaluate.evaluate_stories(ws, service.gold_files())
        rebuilt = {s["id"] for s in storylines.stories(ws)}
    assert incremental["items"] == whole["items"] == len(records)
    print("F1 incremental", round(incremental["f1"], 4), "whole", round(whole["f1"], 4))
    assert abs(incremental["f1"] - whole["f1"]) <= 0.02, (incremental, whole)
    assert len(ids & rebuilt) >= 0.8 * len(rebuilt)  # most stories keep their id through a rebuild


def test_late_articles_and_drift_cluster_everything_again_undated_ones_wait(tmp_path: Path, db_target: str) -> None:
    records = demo_records()
    with service.open_workspace(db_target, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "a.jsonl", records[40:])])
        assert ws.store.get_meta(STATE) is not None
        # one article earlier than every clustered one: it re-clusters them all (over 10%)
        service.ingest(ws, [write(tmp_path / "b.jsonl", records[:1])])
        assert json.loads(ws.store.get_meta(STATE) or "")["added"] == 0
        undated = {**records[1], "published": None}
        assert storylines.update_stories(ws) == "none"
        service.ingest(ws, [write(tmp_path / "c.jsonl", [undated])])
        lone = ws.store.max_rowid()  # undated, no estimate: it waits for a whole clustering
        assert lone not in memberships(ws) and storylines.update_stories(ws) == "none"
        storylines.rebuild_stories(ws)
        assert memberships(ws)[lone]
        assert ws.store.db.execute("SELECT day FROM story_articles WHERE article_rowid = ?",
                                   (lone,)).fetchone()[0] == "9999-12-31"
        # a few new dated articles at the end: added, counted towards the drift
        service.ingest(ws, [write(tmp_path / "d.jsonl", [{**records[2], "published": "2026-01-01"}])])
        assert json.loads(ws.store.get_meta(STATE) or "")["added"] == 1
        assert storylines.update_stories(ws, [], max_drift=0.0) == "none"  # nothing new: nothing done
        service.ingest(ws, [write(tmp_path / "e.jsonl", [{**records[3], "published": "2026-01-02"}])])
        assert storylines.update_stories(ws, [ws.store.max_rowid()], max_drift=0.0) == "rebuild"


def downgrade_to_7(db: str) -> None:
    """What a database written before migration 8 holds: stories without days or vocabulary (and
    nothing of the later migrations)."""
    downgrade_to_9(db)  # the migrations after 9 (tests/support/old_schema.py)
    con = sqlite3.connect(db)
    con.executescript("DROP TABLE story_vocabulary; DROP INDEX story_articles_day; "
                      "ALTER TABLE story_articles DROP COLUMN day; DROP TABLE stories_pending; "
                      f"DELETE FROM meta WHERE key = '{STATE}'; DELETE FROM schema_version WHERE version >= 8;")
    con.close()


def test_migration_8_and_the_first_update_of_an_older_database(tmp_path: Path) -> None:
    records = demo_records()
    db = str(tmp_path / "old.db")
    with service.open_workspace(db, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "a.jsonl", records[:100])])
        before = memberships(ws)
    downgrade_to_7(db)
    with Store(db) as store:
        assert store.schema_version() == LATEST >= 8
        assert store.db.execute("SELECT count(*) FROM story_articles WHERE day IS NULL").fetchone()[0] == len(before)
        assert store.db.execute("SELECT count(*) FROM story_vocabulary").fetchone()[0] == 0
    with service.open_workspace(db) as ws:
        assert memberships(ws) == before  # the stories stand until the next update
        assert storylines.update_stories(ws) == "rebuild"  # no state: everything once
        assert memberships(ws) == before
        assert ws.store.db.execute("SELECT count(*) FROM story_articles WHERE day IS NULL").fetchone()[0] == 0
        service.ingest(ws, [write(tmp_path / "b.jsonl", [{**records[100], "published": "2026-01-01"}])])
        assert json.loads(ws.store.get_meta(STATE) or "")["added"] == 1  # then increments


@pytest.mark.slow
def test_enriched_chronological_batches_score_as_a_whole_clustering(tmp_path: Path, db_target: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``silkwire watch`` does: each batch ingested (text only), then enriched (its articles
    re-clustered with their entities, countries and events)."""
    pytest.importorskip("spacy")
    monkeypatch.setattr(storylines, "MAX_DRIFT", 100.0)
    records = demo_records()
    half = len(records) // 2
    done = recorded_updates(monkeypatch)
    with service.open_workspace(db_target, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "first.jsonl", records[:half])])
        service.enrich(ws)
        for n, start in enumerate(range(half, len(records), 16)):
            service.ingest(ws, [write(tmp_path / f"batch{n}.jsonl", records[start:start + 16])])
            service.enrich(ws)
        assert set(done[2:]) == {"increment"}
        incremental = evaluate.evaluate_stories(ws, service.gold_files())
        storylines.rebuild_stories(ws)
        whole = evaluate.evaluate_stories(ws, service.gold_files())
    print("F1 incremental", round(incremental["f1"], 4), "whole", round(whole["f1"], 4))
    assert abs(incremental["f1"] - whole["f1"]) <= 0.02, (incremental, whole)


def test_a_relinked_group_clusters_everything_again(tmp_path: Path, db_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storylines, "MAX_DRIFT", 100.0)  # not for the drift: for the relink
    records = demo_records()
    with service.open_workspace(db_target, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "a.jsonl", records[40:])])
        earlier = {**records[-1], "source": "Autre", "published": "2023-12-01"}  # the same dispatch, earlier: the new canonical
        service.ingest(ws, [write(tmp_path / "b.jsonl", [earlier])])
        newest = ws.store.max_rowid()
        links = ws.store.db.execute("SELECT article_rowid, duplicate_of FROM article_dedup "
                                    "WHERE duplicate_of IS NOT NULL").fetchall()
        assert len(links) == 1 and links[0][1] == newest  # the first copy now points to the earlier one
        assert json.loads(ws.store.get_meta(STATE) or "")["added"] == 0  # clustered again as a whole
        assert not ws.store.relinked()
        assert memberships(ws)[links[0][0]] == memberships(ws)[newest]
        kinds = {r[0] for r in ws.store.db.execute(
            "SELECT d.duplicate_of IS NULL FROM story_articles s JOIN article_dedup d "
            "ON d.article_rowid = s.article_rowid WHERE s.day IS NOT NULL")}
        assert kinds == {1}  # every article clustered as a canonical is one


def test_an_update_made_stale_by_another_writer_is_computed_again(tmp_path: Path, db_target: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    records = demo_records()
    with service.open_workspace(db_target, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "a.jsonl", records[:100])])
        before = memberships(ws)
        real = Store.apply_increment
        written: list[StoredState | None] = []

        def checked(self: Store, *a: Any) -> None:  # every increment written is computed from the stored state
            written.append(self.story_state())
            real(self, *a)

        monkeypatch.setattr(Store, "apply_increment", checked)
        real_summaries = storylines.summaries
        computed: list[StoredState | None] = []

        def meanwhile(*a: Any, **k: Any) -> Any:  # another process updates the stories during the first try
            found = real_summaries(*a, **k)
            saved = ws.store.story_state()
            computed.append(saved)
            assert saved is not None
            if len(computed) == 1:
                with ws.store.transaction():
                    ws.store.save_story_state(StoredState(saved.n, saved.params, saved.added + 7))
            return found

        monkeypatch.setattr(storylines, "summaries", meanwhile)
        service.ingest(ws, [write(tmp_path / "b.jsonl", [{**records[100], "published": "2026-01-01"}])])
        assert len(computed) == 2 and written == computed[1:]  # the stale one was not written, the retry was
        assert len(memberships(ws)) == len(before) + 1
        state = ws.store.story_state()
        assert state is not None and state.added == 7 + 1  # the other writer's update stands, and this one
        monkeypatch.setattr(storylines, "RETRIES", 1)
        computed.clear()
        service.ingest(ws, [write(tmp_path / "c.jsonl", [{**records[101], "published": "2026-01-02"}])])
        assert len(computed) == 1 and len(written) == 1  # out of tries: nothing written, the article waits
        assert len(memberships(ws)) == len(before) + 1
        monkeypatch.setattr(storylines, "summaries", real_summaries)
        assert storylines.update_stories(ws) in ("increment", "rebuild")  # (the other writer's 7 are drift)
        assert len(memberships(ws)) == len(before) + 2
