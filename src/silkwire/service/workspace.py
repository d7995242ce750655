"""A workspace: the store (the truth) and the text index derived from it, kept in step.

The store records up to which rowid the index is committed (a watermark); anything above it is
(re-)indexed when the workspace opens, so a crash between the two commits loses nothing and
duplicates nothing. Enrichment changes an article's facets: such rows are flagged in the store
until the index holds them (``reindex_pending``). A missing, damaged or outdated index is
rebuilt whole.

A PostgreSQL store (``store.shared``) has several writers and one index per node (each API
node, each machine running commands): a writer touches no other node's index (an ingest feeds
its own node's, ``follow_ingest``), and each index follows the store on its own
(``pg_index.py``: its watermarks live in its folder, not in the store).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from typing import TYPE_CHECKING, Any

from silkwire.errors import StoreError
from silkwire.model import Article
from silkwire.search import index_columns
from silkwire.search.index import INDEX_VERSION, IndexDoc, TextIndex
from silkwire.store import Facets, Store, StoredEnrichment, drop_store, is_postgres, open_store

if TYPE_CHECKING:
    from silkwire.service.pg_index import IngestIndex

INDEXED_THROUGH = "text_index.indexed_through"
_INDEX_VERSION = "text_index.version"
_SYNC_BATCH = 2000


class Workspace:
    """The store and its text index. Use as a context manager."""

    def __init__(self, store: Store, index: TextIndex, index_dir: str | None = None) -> None:
        self.store = store
        self.index = index
        self.index_dir = index_dir  # the index's folder (None: in memory)

    def index_writing(self) -> bool:
        """Whether this process holds the text index's writer now (a forked child would keep its lock)."""
        return self.index.writing

    def begin_index_write(self) -> bool:
        """Take the index's writer before writing the store, if this process keeps the index:
        with SQLite it does (one writer); a PostgreSQL store's indexes follow it on their own
        (``pg_index.py``). Returns whether it does."""
        if self.store.shared:
            return False
        self.index.begin_write()
        return True

    def follow_ingest(self) -> IngestIndex | None:
        """A PostgreSQL store's index fed by an ingest's batches on this node
        (``pg_index.IngestIndex``); None on SQLite, or when it cannot (the refresh does it)."""
        if not self.store.shared:
            return None
        from silkwire.service.pg_index import IngestIndex

        follower = IngestIndex(self.store, self.index, self.index_dir, _docs,
                               lambda rowid, article, columns: index_doc(rowid, article, columns=columns))
        return follower if follower.on else None

    def refresh(self) -> None:
        """Before reading what other processes may have written: a PostgreSQL store's index
        catches up when the store moved (a SQLite file's one writer keeps its index itself)."""
        if self.store.shared:
            from silkwire.service.pg_index import stale

            if stale(self.store, self.index_dir):
                _sync_reading(self)

    def searchable_through(self) -> int:
        """The rowid up to which the index holds the store's articles (a PostgreSQL store's
        writers may have stored more since this node's index last caught up)."""
        if self.store.shared:
            from silkwire.service.pg_index import read_marks

            return read_marks(self.index_dir).indexed_through
        return self.store.max_rowid()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.index.rollback()
        self.store.close()


def index_path(db_path: str) -> str | None:
    """Where the text index of a database is: beside a SQLite file (``news.db.index``); for a
    PostgreSQL database, ``$SILKWIRE_INDEX`` or a folder of this node's cache."""
    if is_postgres(db_path):
        from silkwire.service.pg_index import node_index_path

        return node_index_path(db_path)
    return None if db_path == ":memory:" else f"{db_path}.index"


def remove_database(db_path: str) -> None:
    """Delete a database file with its WAL files and text index (a PostgreSQL database: its
    silkwire tables, and this node's index)."""
    if is_postgres(db_path):
        drop_store(db_path)
    else:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db_path + suffix):
                os.remove(db_path + suffix)
    index = index_path(db_path)
    if index and os.path.isdir(index):
        shutil.rmtree(index)


def open_workspace(db_path: str, create: bool = False) -> Workspace:
    store = open_store(db_path, create=create)
    try:
        folder = index_path(db_path)
        ws = Workspace(store, TextIndex(folder), folder)
    except BaseException:
        store.close()
        raise
    _sync_reading(ws)
    return ws


def _sync_reading(ws: Workspace) -> None:
    try:
        sync_index(ws)
        with contextlib.suppress(StoreError):  # another process holds the writer: it is its job then
            upgrade_entity_ids(ws)
    except ValueError as exc:
        # Another process (an ingest) holds the index writer; it will bring the index up to
        # date itself, so read what is committed now rather than wait.
        ws.index.rollback()
        if "lock" not in str(exc).lower():
            raise


def index_doc(rowid: int, article: Article, facets: Facets | None = None,
              columns: tuple[str, str, str] | None = None) -> IndexDoc:
    """An article's document in the text index; ``columns``: its ``index_columns``, if computed."""
    title_terms, body_terms, words = columns or index_columns(article.title, article.body)
    f = facets or Facets()
    return IndexDoc(rowid, title_terms, body_terms, words, article.source, article.published,
                    f.countries, f.entities, f.places, f.event_date, f.events, f.topics)


def _docs(store: Store, rows: list[tuple[int, Article]]) -> list[IndexDoc]:
    facets = store.facets([rowid for rowid, _ in rows])
    return [index_doc(rowid, article, facets.get(rowid)) for rowid, article in rows]


def reindex_pending(ws: Workspace) -> int:
    """Give the index the new facts of re-enriched articles; returns how many were updated."""
    if ws.store.shared:
        return 0  # each node's index takes the changes up itself (sync_index)
    done = 0
    while rowids := ws.store.pending_index(_SYNC_BATCH):
        ws.index.replace(_docs(ws.store, [(r, a) for r, a in zip(rowids, ws.store.by_rowids(rowids), strict=True)]))
        ws.index.commit()
        ws.store.mark_indexed(rowids)
        done += len(rowids)
    return done


def sync_index(ws: Workspace) -> int:
    """Index what the store has and the index lacks (after a crash, or an analyser change)."""
    if ws.store.shared:
        from silkwire.service.pg_index import sync_node_index

        return sync_node_index(ws.store, ws.index, ws.index_dir, _docs)
    store, index = ws.store, ws.index
    mark = int(store.get_meta(INDEXED_THROUGH) or 0)
    if store.get_meta(_INDEX_VERSION) != INDEX_VERSION or index.count() < store.count_through(mark):
        index.clear()  # a new analyser, or an index lost or damaged: rebuild it whole
        mark = 0
    elif mark >= store.max_rowid():
        return 0
    else:
        index.delete_above(mark)
    done = 0
    while rows := store.articles_after(mark, _SYNC_BATCH):
        index.add(_docs(store, rows))
        mark = rows[-1][0]
        done += len(rows)
    index.commit()
    store.set_meta(INDEXED_THROUGH, str(mark))
    store.set_meta(_INDEX_VERSION, INDEX_VERSION)
    return done + reindex_pending(ws)


ENTITY_ID_SCHEME = "entity_ids.scheme"


def upgrade_entity_ids(ws: Workspace) -> int:
    """A database written when unknown names' ids were their transliteration key
    (``misc:somet-de-bichkek``) gets readable ids (``misc:sommet-de-bichkek``), once: the
    entity list, facets, stories and record fields are rewritten, and each old id is kept
    with its new one (old links redirect). Returns how many ids changed."""
    from silkwire.nlp.entities import entity_id, identity_key

    store = ws.store
    if store.get_meta(ENTITY_ID_SCHEME) == "2":
        return 0
    rows = store.entity_id_rows()
    mapping = {old: entity_id(type_, name) for old, type_, name in rows
               if old == identity_key(type_, name) != entity_id(type_, name)}
    if mapping:
        ws.begin_index_write()
        rowids = sorted({r for old in mapping for r in store.facet_rowids("entity", old)})
        items = []
        for rowid, (version, base, stored) in store.enrichment_bases(rowids).items():
            found = None if base is stored else _renamed(base, mapping)
            items.append(StoredEnrichment.of_fields(rowid, version, _renamed(stored, mapping), found))
        with store.transaction():
            store.save_enrichments(items)
            store.rename_entity_ids(mapping)
        reindex_pending(ws)
    store.add_entity_keys((identity_key(t, n), mapping.get(i, i)) for i, t, n in rows)
    store.set_meta(ENTITY_ID_SCHEME, "2")
    return len(mapping)


def _renamed(fields: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    seen: dict[str, dict[str, Any]] = {}
    entities = []
    for e in fields.get("entities") or ():
        e = {**e, "id": mapping.get(e["id"], e["id"])}
        if e["id"] in seen:  # two spellings that now share an id: one entity
            seen[e["id"]]["spans"] = sorted(seen[e["id"]]["spans"] + e["spans"])
            continue
        seen[e["id"]] = e
        entities.append(e)
    events = [{**v, **{side: [mapping.get(x, x) for x in v.get(side) or ()]
                       for side in ("source_entities", "target_entities")}} for v in fields.get("events") or ()]
    out = {**fields}
    if "entities" in fields:
        out["entities"] = entities
    if "events" in fields:
        out["events"] = events
    return out
