"""The text index is derived from the store and kept in step, whatever happened before."""

import shutil

from silkwire.ingest.articles import make_article
from silkwire.service import articles as service
from silkwire.service.workspace import index_doc


def items(n, start=0):
    return [make_article(source="s", title=f"Sommet numéro {i}", parts=[f"Chapeau {i} sur Astana."])
            for i in range(start, start + n)]


def test_articles_stored_but_not_indexed_are_indexed_on_open(db_target):
    db = db_target
    with service.open_workspace(db, create=True) as ws:
        ws.store.add_articles(items(5))  # as if the process died before indexing them
        assert ws.index.count() == 0
    with service.open_workspace(db) as ws:
        assert ws.index.count() == 5
        assert service.search(ws, "sommet").total == 5


def test_documents_past_the_watermark_are_not_duplicated(db_target):
    db = db_target
    with service.open_workspace(db, create=True) as ws:
        ws.store.add_articles(items(3))
        service.sync_index(ws)
        ws.store.add_articles(items(2, start=3))
        # indexed and committed, but the watermark was not recorded (a crash in between)
        ws.index.add([index_doc(rowid, a) for rowid, a in ws.store.articles_after(3, 10)])
        ws.index.commit()
        assert ws.index.count() == 5
    with service.open_workspace(db) as ws:
        assert ws.index.count() == 5
        assert service.search(ws, "sommet", limit=50).total == 5


def test_a_lost_index_is_rebuilt(db_target):
    db = db_target
    with service.open_workspace(db, create=True) as ws:
        ws.store.add_articles(items(4))
        service.sync_index(ws)
    shutil.rmtree(service.index_path(db))
    with service.open_workspace(db) as ws:
        # the watermark says 4, but the index is empty: count mismatch triggers a rebuild
        assert ws.index.count() == 4


def test_a_second_writer_fails_before_writing_anything(tmp_path):
    import pytest

    from silkwire.errors import StoreError

    db = str(tmp_path / "x.db")
    path = tmp_path / "items.jsonl"
    path.write_text('{"lead": "Un article."}\n', encoding="utf-8")
    with service.open_workspace(db, create=True) as first, service.open_workspace(db) as second:
        first.index.begin_write()  # the first writer holds the index lock
        with pytest.raises(StoreError, match="another silkwire process is writing"):
            service.ingest(second, [str(path)])
        assert second.store.count() == 0


def test_an_index_with_another_schema_is_rebuilt(tmp_path):
    """An index written by an earlier silkwire (fewer facet fields) must not stop the open."""
    import tantivy

    db = str(tmp_path / "x.db")
    with service.open_workspace(db, create=True) as ws:
        ws.store.add_articles(items(4))
        service.sync_index(ws)
    shutil.rmtree(f"{db}.index")
    (tmp_path / "x.db.index").mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("rowid", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", stored=False)
    old = tantivy.Index(builder.build(), path=f"{db}.index", reuse=True)
    writer = old.writer(heap_size=15_000_000, num_threads=1)
    writer.commit()
    del writer, old
    with service.open_workspace(db) as ws:
        assert ws.index.count() == 4
        assert service.search(ws, "sommet").total == 4
