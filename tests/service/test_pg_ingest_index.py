"""An ingest into PostgreSQL feeds this node's index from the batches it stores
(``pg_index.IngestIndex``) instead of re-reading every stored article after it: the index must
be the one a node builds from the store, other writers' articles included, with the same
watermarks."""

from __future__ import annotations

import pytest
from test_pg_index import items, node, only

from silkwire.model import SearchFilters
from silkwire.service import articles as service
from silkwire.service.pg_index import IngestIndex, read_marks
from silkwire.service.workspace import open_workspace

QUERIES = ("sommet", "gaz OR coton", "\"visite à\"", "frontière -douane", "astan*", "élection")


def results(ws, query, filters=None):
    """Every hit of the index (duplicates not collapsed: which member shows for a group depends
    on the order of equal scores) with its score; equal scores in id order (the index's layout:
    segments written at other times, as after any sync)."""
    found = service.search(ws, query, filters or SearchFilters(), limit=100, duplicates=True)
    assert found.total <= 100
    return found.total, sorted(((round(h.score, 4), h.article.id) for h in found.hits), key=lambda x: (-x[0], x[1]))


def same_as_rebuilt(ws, folder):
    """``ws``'s index answers every query as an index built from the store on another node."""
    other = node(ws.store.url, folder)
    try:
        assert other.index.count() == ws.index.count() == ws.store.count_through(ws.store.max_rowid())
        for q in QUERIES:
            mine, theirs = results(ws, q), results(other, q)
            assert mine == theirs, (q, set(mine[1]) ^ set(theirs[1]))
        assert results(ws, "sommet", SearchFilters(countries=("KZ",))) == \
            results(other, "sommet", SearchFilters(countries=("KZ",)))
    finally:
        other.close()


def reads(monkeypatch, ws):
    """The rowids that the store's ``articles_after`` returns from now on (every caller)."""
    read_back: list[int] = []
    real = type(ws.store).articles_after

    def counted(store, rowid, limit):
        rows = real(store, rowid, limit)
        read_back.extend(r for r, _ in rows)
        return rows

    monkeypatch.setattr(type(ws.store), "articles_after", counted)
    return read_back


def test_the_ingest_indexes_its_batches_without_reading_them_back(pg_url, tmp_path, monkeypatch):
    with open_workspace(pg_url, create=True) as ws:
        read_back = reads(monkeypatch, ws)
        report = service.ingest_items(ws, items(40) + items(3), batch_size=7)  # 3 repeated ids
        assert report.new == 40 and report.duplicate == 3
        assert read_back == []  # none re-read: the batches went to the index as they were stored
        assert read_marks(ws.index_dir).indexed_through == ws.store.max_rowid()
        monkeypatch.undo()
        same_as_rebuilt(ws, tmp_path / "rebuilt")


def test_articles_of_another_writer_between_batches_are_indexed(pg_url, tmp_path, monkeypatch):
    with open_workspace(pg_url, create=True) as ws, open_workspace(pg_url) as other_writer:
        service.ingest_items(ws, items(5))
        service.enrich(ws, enricher=only("KZ"))  # facts of articles stored before: left to the sync
        written = iter(range(100, 1000, 10))

        def interleave(report):  # another process stores articles between two of our batches
            service.ingest_items(other_writer, items(3, start=next(written), source="other"))

        read_back = reads(monkeypatch, ws)
        service.ingest_items(ws, items(20, start=5), batch_size=4, on_batch=interleave)
        monkeypatch.undo()
        # only the other writer's articles were read from the store (each once): no rebuild
        assert sorted(read_back) == [r for r, a in ws.store.articles_after(0, 100) if a.source == "other"]
        assert ws.store.count_through(ws.store.max_rowid()) == 5 + 20 + 5 * 3
        assert read_marks(ws.index_dir).indexed_through == ws.store.max_rowid()
        same_as_rebuilt(ws, tmp_path / "rebuilt")
        assert results(ws, "sommet", SearchFilters(countries=("KZ",)))[0] == 5


def test_an_ingest_killed_midway_leaves_the_marks_and_the_next_open_catches_up(pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr(IngestIndex, "COMMIT_EVERY", 6)  # committed (marks moved) every 2 batches of 3
    with open_workspace(pg_url, create=True) as ws:
        def stop(report):
            if report.new >= 9:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            service.ingest_items(ws, items(20), batch_size=3, on_batch=stop)
        marks = read_marks(ws.index_dir)
        assert ws.store.count_through(marks.indexed_through) == 6  # the last commit of the index
        assert ws.store.count_through(ws.store.max_rowid()) == 9  # the store has a batch more
    with open_workspace(pg_url) as ws:  # a restart: the node catches up from the store
        assert read_marks(ws.index_dir).indexed_through == ws.store.max_rowid()
        same_as_rebuilt(ws, tmp_path / "rebuilt")


def test_off_when_another_process_of_this_node_writes_the_index(pg_url):
    with open_workspace(pg_url, create=True) as first, open_workspace(pg_url) as second:
        first.index.begin_write()
        assert second.follow_ingest() is None
        first.index.rollback()
        follower = second.follow_ingest()
        assert follower is not None and follower.on
        follower.finish()
