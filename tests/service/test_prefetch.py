"""The ingest worker (``service/prefetch.py``): a batch's fingerprints and index columns computed in
another process, one batch ahead of the writer, give the database and index of the inline path;
a worker that dies leaves the ingest to finish in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_dedup_store import demo_articles

from silkwire.service import articles as service
from silkwire.service import prefetch

TABLES = ("SELECT id, source, title, text FROM articles ORDER BY rowid",
          "SELECT * FROM article_dedup ORDER BY 1",
          "SELECT * FROM dedup_bands ORDER BY 1, 2, 3, 4",
          "SELECT * FROM story_articles ORDER BY 1",
          "SELECT * FROM stories ORDER BY id")
MADE = prefetch.Prefetcher
QUERIES = ("ouzbek*", "Kazakhstan", "\"gaz naturel\"", "Tachkent OR Bichkek")


def _ingest(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, after: int,
            started: list[prefetch.Prefetcher]) -> tuple[list[list[tuple[object, ...]]], list[list[str]]]:
    monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / f"{name}.index"))
    def prefetcher(params, after_: int = prefetch.AFTER) -> prefetch.Prefetcher:  # type: ignore[no-untyped-def]
        p = MADE(params, after)
        started.append(p)
        return p

    monkeypatch.setattr(prefetch, "Prefetcher", prefetcher)
    db = str(tmp_path / f"{name}.db")
    with service.open_workspace(db, create=True) as ws:
        report = service.ingest_items(ws, demo_articles(), batch_size=7)
        assert report.new > 100
        hits = [[h.article.id for h in service.search(ws, q, limit=50).hits] for q in QUERIES]
    with sqlite3.connect(db) as conn:
        return [conn.execute(sql).fetchall() for sql in TABLES], hits


def test_worker_gives_the_inline_paths_database_and_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inline: list[prefetch.Prefetcher] = []
    pooled: list[prefetch.Prefetcher] = []
    expected = _ingest(tmp_path, "inline", monkeypatch, 10**9, inline)
    got = _ingest(tmp_path, "pooled", monkeypatch, 0, pooled)
    assert inline[0].worked == 0 and pooled[0].worked == pooled[0].batches > 10  # the worker did every batch
    assert got[1] == expected[1] and any(expected[1])
    for want, have in zip(expected[0], got[0], strict=True):
        assert have == want and want


def test_a_dead_worker_leaves_the_batches_to_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _ingest(tmp_path, "inline", monkeypatch, 10**9, [])
    real = prefetch._Worker.submit
    calls = []

    def submit(self: prefetch._Worker, *args: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            self._proc.kill()  # dies with batches handed to it
            self._proc.wait()
        return real(self, *args)

    monkeypatch.setattr(prefetch._Worker, "submit", submit)
    started: list[prefetch.Prefetcher] = []
    got = _ingest(tmp_path, "killed", monkeypatch, 0, started)
    assert 0 < started[0].worked < started[0].batches
    assert got == expected
