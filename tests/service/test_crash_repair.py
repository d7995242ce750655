"""Crashes at the wrong moment (issue 18): ingest and enrich killed at every step boundary, then
run again, leave the same articles, duplicate links, stories and index as an uninterrupted run.

The kill is ``$SILKWIRE_FAULT_AT=N`` (``service/repair.py``): the Nth step boundary raises a
BaseException, as SQLite's own tests inject faults; the workspace is then dropped without its
end of run, and the command is run again in a fresh one, as a user would after a kill -9.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from silkwire.model import CountryRef, Enrichment, Entity
from silkwire.service import articles as service
from silkwire.service import repair

TOPICS = [("Tokaïev à Tachkent", "per:tokaiev", "KZ"), ("Gaz turkmène", "org:turkmengaz", "TM"),
          ("Barrage de Rogun", "org:rogun", "TJ")]


def rows() -> list[dict[str, Any]]:
    out = []
    for day in range(1, 11):
        for t, (title, _, _) in enumerate(TOPICS):
            out.append({"title": f"{title} : jour {day}", "published": f"2025-03-{day:02d}", "source": f"s{t}",
                        "lead": f"{title}, suite des discussions le {day} mars, selon les ministères concernés."})
    # copies from another outlet, to have duplicate links
    out += [{**r, "source": "copie"} for r in out[:6]]
    return out


def facts(articles):
    for a in articles:
        title, entity, country = next((t for t in TOPICS if (a.title or "").startswith(t[0])), TOPICS[0])
        span = ((0, len(title)),)
        yield Enrichment(article_id=a.id, countries=(CountryRef(country, ("name",), span),),
                         entities=(Entity(entity, "ORG", title, span),), places=(), dates=(), event_date=None,
                         status=None)


def snapshot(db: str) -> dict[str, Any]:
    with service.open_workspace(db) as ws:
        indexed = ws.index.count()
        hits = sorted(h.article.id for h in service.search(ws, "gaz OR barrage", limit=100, duplicates=True).hits)
    con = sqlite3.connect(db)
    try:
        q = con.execute
        return {
            "articles": sorted(q("SELECT id FROM articles").fetchall()),
            "links": sorted(q("SELECT a.id, c.id FROM article_dedup d JOIN articles a ON a.rowid = d.article_rowid "
                              "LEFT JOIN articles c ON c.rowid = d.duplicate_of").fetchall(), key=str),
            "stories": sorted(q("SELECT id, label, first, last, articles, entities, countries, follows "
                                "FROM stories").fetchall(), key=str),
            "members": sorted(q("SELECT a.id, s.story_id FROM story_articles s JOIN articles a "
                                "ON a.rowid = s.article_rowid").fetchall()),
            "estimates": sorted(q("SELECT article_rowid, fields FROM enrichments").fetchall()),
            "pending": q("SELECT count(*) FROM stories_pending").fetchone()[0],
            "indexed": indexed, "hits": hits,
        }
    finally:
        con.close()


def run(db: str, path: Path, command: str) -> None:
    with service.open_workspace(db, create=True) as ws:
        if command == "ingest":
            service.ingest(ws, [str(path)], batch_size=8)
        else:
            service.enrich(ws, enricher=facts, batch_size=8)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows()), encoding="utf-8")
    return path


def test_a_kill_at_any_step_boundary_leaves_what_an_uninterrupted_run_leaves(tmp_path, inputs, monkeypatch):
    reference = str(tmp_path / "reference.db")
    run(reference, inputs, "ingest")
    after_ingest = snapshot(reference)
    run(reference, inputs, "enrich")
    expected = snapshot(reference)
    assert after_ingest["members"] and expected["links"] and expected["pending"] == 0
    killed_at: list[str] = []
    n = 0
    while True:
        n += 1
        db = str(tmp_path / f"kill-{n}.db")
        monkeypatch.setenv(repair.FAULT_ENV, str(n))
        repair.reset_steps()
        failed = None
        for command in ("ingest", "enrich"):
            try:
                run(db, inputs, command)
            except repair.InjectedFault as fault:
                failed = command
                killed_at.append(str(fault))
                break
        monkeypatch.delenv(repair.FAULT_ENV)
        if failed is None:
            break  # past the last boundary: nothing more to kill
        if failed == "ingest":  # the user runs the killed command again, then goes on
            run(db, inputs, "ingest")
            assert snapshot(db) == after_ingest, killed_at[-1]
        run(db, inputs, "enrich")
        assert snapshot(db) == expected, killed_at[-1]
    assert n > 10, killed_at  # every batch of both commands, and each end-of-run step
