"""A PostgreSQL store has many writers and one text index per node (service/pg_index.py): writers
never touch an index, and each node's index follows the store on its own, new articles and
re-enriched facts alike, from watermarks kept in its own folder."""

from __future__ import annotations

import threading

from silkwire.ingest.articles import make_article
from silkwire.model import CountryRef, Enrichment, SearchFilters
from silkwire.search.index import TextIndex
from silkwire.service import articles as service
from silkwire.service.pg_index import read_marks
from silkwire.service.workspace import Workspace, open_workspace
from silkwire.store import open_store

WORDS = ("gaz", "pétrole", "blé", "coton", "uranium", "visite", "accord", "barrage", "élection", "route", "rail",
         "école", "hôpital", "banque", "douane", "frontière", "festival", "football")


def items(n, start=0, source="s"):
    """Articles about different things (not duplicates of one another)."""
    return [make_article(source=source, title=f"Sommet numéro {i} : {WORDS[i % len(WORDS)]}",
                         parts=[" ".join(WORDS[(i * 7 + j * 5) % len(WORDS)] for j in range(12)) + f" à Astana ({i})."])
            for i in range(start, start + n)]


def node(url, folder) -> Workspace:
    """A workspace as another node would open it: the same database, its own index folder."""
    ws = Workspace(open_store(url), TextIndex(str(folder)), str(folder))
    service.sync_index(ws)
    return ws


def only(code):
    def enricher(articles):
        for a in articles:
            yield Enrichment(a.id, countries=(CountryRef(code, ("name",), ((0, 1),)),))
    return enricher


def test_each_node_index_follows_the_store(pg_url, tmp_path):
    writer = open_workspace(pg_url, create=True)
    other = node(pg_url, tmp_path / "node-b")
    try:
        service.ingest_items(writer, items(5))
        assert other.index.count() == 0  # nobody wrote node B's index...
        other.refresh()  # ...it catches up itself (an API request, an alert run)
        assert other.index.count() == 5 and service.search(other, "sommet").total == 5
        assert read_marks(str(tmp_path / "node-b")).indexed_through == writer.store.max_rowid()
        # re-enrichment: new facts reach every node's index through the change numbers
        service.enrich(writer, enricher=only("KZ"))
        other.refresh()
        assert service.search(other, "sommet", SearchFilters(countries=("KZ",))).total == 5
        rows = writer.store.articles_after(0, 2)
        service.save_batch(writer, rows, list(only("UZ")([a for _, a in rows])))
        other.refresh()
        assert service.search(other, "sommet", SearchFilters(countries=("UZ",))).total == 2
        assert service.search(other, "sommet", SearchFilters(countries=("KZ",))).total == 3
        assert other.index.count() == 5  # replaced, not added again
    finally:
        writer.close()
        other.close()


def test_writers_on_one_node_do_not_wait_for_the_index(pg_url):
    with open_workspace(pg_url, create=True) as first, open_workspace(pg_url) as second:
        first.index.begin_write()  # a reader of this node is rebuilding its index
        report = service.ingest_items(second, items(3))  # a PostgreSQL writer never takes it
        assert report.new == 3
        first.index.rollback()


def test_an_index_beside_another_database_is_rebuilt(pg_server, tmp_path, monkeypatch):
    from silkwire.store.pg_connection import close_pools

    monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / "idx"))
    url = pg_server.create_database("rebuilt")
    with open_workspace(url, create=True) as ws:
        service.ingest_items(ws, items(4))
        assert ws.index.count() == 4
    close_pools()
    url = pg_server.create_database("rebuilt")  # dropped and made again, under the same name
    try:
        with open_workspace(url, create=True) as ws:
            service.ingest_items(ws, items(2, start=10))
            assert ws.index.count() == 2  # not 4 + 2: the old documents went with their database
    finally:
        close_pools()


def test_threads_of_one_process_sync_once(pg_url, tmp_path):
    with open_workspace(pg_url, create=True) as ws:
        service.ingest_items(ws, items(3))
    nodes = [node(pg_url, tmp_path / "shared") for _ in range(3)]
    try:
        with open_workspace(pg_url) as writer:
            service.ingest_items(writer, items(4, start=3))
        errors: list[BaseException] = []

        def read(ws: Workspace) -> None:
            try:
                ws.refresh()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=read, args=(ws,)) for ws in nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        nodes[0].refresh()
        assert all(ws.index.count() == 7 for ws in nodes)
    finally:
        for ws in nodes:
            ws.close()
