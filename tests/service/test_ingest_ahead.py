"""The ingest's batches read and prepared one batch ahead of the writer, in a thread
(``service/ingest_ahead.py``): the same database as a batch at a time, the next batch read while
one is stored, and an error on either side stops both."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_dedup_store import demo_articles

from silkwire.errors import InputError
from silkwire.model import Article
from silkwire.service import articles as service


def items() -> list[Article | InputError]:
    out: list[Article | InputError] = []
    articles = demo_articles()
    for i, a in enumerate(articles):
        out.append(a)
        if i % 13 == 5:
            out.append(articles[i // 2])  # the same article again: stored once, counted as duplicate
        if i % 17 == 3:
            out.append(InputError(f"bad:{i}", "a rejected line"))
    return out


def snapshot(db: str, report: service.IngestReport) -> dict[str, Any]:
    with service.open_workspace(db) as ws:
        hits = sorted(h.article.id for h in service.search(ws, "Kazakhstan OR gaz", limit=500, duplicates=True).hits)
        indexed = ws.index.count()
    con = sqlite3.connect(db)
    try:
        q = con.execute
        return {
            "report": (report.new, report.duplicate, [e.origin for e in report.rejected]),
            "articles": q("SELECT rowid, id FROM articles ORDER BY rowid").fetchall(),
            "dedup": q("SELECT * FROM article_dedup ORDER BY article_rowid").fetchall(),
            "bands": q("SELECT * FROM dedup_bands ORDER BY 1, 2, 3, 4").fetchall(),
            "members": q("SELECT * FROM story_articles ORDER BY article_rowid").fetchall(),
            "stories": q("SELECT id, label, first, last, articles, entities, countries, follows FROM stories "
                         "ORDER BY id").fetchall(),
            "indexed": indexed, "hits": hits,
        }
    finally:
        con.close()


def ingest(db: str, ahead: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(service, "AHEAD", ahead)
    with service.open_workspace(db, create=True) as ws:
        report = service.ingest_items(ws, items(), batch_size=7)
    return snapshot(db, report)


def test_ahead_leaves_the_database_a_batch_at_a_time_leaves(tmp_path: Path, monkeypatch) -> None:
    inline = ingest(str(tmp_path / "inline.db"), False, monkeypatch)
    ahead = ingest(str(tmp_path / "ahead.db"), True, monkeypatch)
    assert inline["report"][1] > 0 and len(inline["report"][2]) > 3 and inline["hits"]
    assert sum(1 for row in inline["dedup"] if row[1] is not None) > 0  # duplicate links were made
    assert ahead == inline


def test_the_next_batch_is_read_while_one_is_stored(tmp_path: Path, monkeypatch) -> None:
    articles = demo_articles()[:12]
    read = threading.Event()

    def reader() -> Iterator[Article]:
        for i, a in enumerate(articles):
            yield a
            if i == 9:  # the last article of the second batch has been handed over
                read.set()

    with service.open_workspace(str(tmp_path / "a.db"), create=True) as ws:
        add = ws.store.add_articles
        waited: list[bool] = []

        def add_articles(batch):
            if not waited:  # the first batch is stored only once the second has been read
                waited.append(read.wait(timeout=20))
            return add(batch)

        monkeypatch.setattr(ws.store, "add_articles", add_articles)
        report = service.ingest_items(ws, reader(), batch_size=5)
    assert waited == [True] and report.new == 12


def test_an_error_of_the_reader_is_raised_at_its_batch(tmp_path: Path) -> None:
    articles = demo_articles()[:12]

    def reader() -> Iterator[Article]:
        yield from articles
        raise OSError("the disk went away")

    with service.open_workspace(str(tmp_path / "a.db"), create=True) as ws:
        with pytest.raises(OSError, match="disk went away"):
            service.ingest_items(ws, reader(), batch_size=5)
        assert ws.store.count_through(10**9) == 10  # the two whole batches read before it
    assert not [t for t in threading.enumerate() if t.name == "silkwire-ingest-ahead"]


def test_an_error_of_the_writer_stops_the_reader(tmp_path: Path, monkeypatch) -> None:
    source = demo_articles()
    taken: list[int] = []

    def reader() -> Iterator[Article]:
        for i in range(100_000):
            taken.append(i)
            yield source[i % len(source)]

    with service.open_workspace(str(tmp_path / "a.db"), create=True) as ws:
        add = ws.store.add_articles
        calls: list[int] = []

        def add_articles(batch):
            calls.append(len(batch))
            if len(calls) == 2:
                raise sqlite3.OperationalError("disk I/O error")
            return add(batch)

        monkeypatch.setattr(ws.store, "add_articles", add_articles)
        with pytest.raises(sqlite3.OperationalError):
            service.ingest_items(ws, reader(), batch_size=5)
    assert not [t for t in threading.enumerate() if t.name == "silkwire-ingest-ahead"]
    assert len(taken) <= 5 * 5  # the batches stored, the one failed, and at most two more read ahead
