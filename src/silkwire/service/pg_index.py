"""The text index of a PostgreSQL database, one per node (an API node, a machine running
commands), derived from the store and kept in step by the node itself.

Several processes write a PostgreSQL store at once, and several nodes read it, each with its
own tantivy index: a writer does not know which indexes exist, so it touches no other node's
(an ingest feeds its own node's index from its batches: ``IngestIndex``). Each index follows
the store from its own watermarks, kept in its folder (``marks.json``), not in the store
(shared by every node):

- ``indexed_through``: the rowid up to which articles are indexed. Rowids are handed out and
  committed by one writer at a time (``store/postgres.py``), so none can appear below it later;
- ``changes_through``: the enrichment change number (``enrichments.changed``) up to which
  re-enriched facets are in the index;
- ``store``: the database's identity, and ``version``: the analyser's. An index that finds
  another database (dropped and made again under the same name) or another analyser is rebuilt.

``sync_node_index`` runs when a workspace opens, and ``refresh`` (two indexed queries) before a
node reads after others may have written (each API request, each alert run).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from silkwire.errors import StoreError
from silkwire.model import Article
from silkwire.search.index import INDEX_VERSION, IndexDoc, TextIndex
from silkwire.store import Store

INDEX_ENV = "SILKWIRE_INDEX"  # the index folder of a PostgreSQL database on this node
MARKS = "marks.json"
_BATCH = 2000
_SYNCING = threading.Lock()  # one sync per process at a time (tantivy has one writer per folder)

if TYPE_CHECKING:  # imported when used: psycopg comes with it
    from silkwire.store.postgres import PostgresStore

Docs = Callable[[Store, list[tuple[int, Article]]], list[IndexDoc]]


@dataclass(frozen=True, slots=True)
class NodeMarks:
    store: str = ""
    version: str = ""
    indexed_through: int = 0
    changes_through: int = 0


def node_index_path(url: str) -> str:
    """``$SILKWIRE_INDEX``, else ``$XDG_CACHE_HOME/silkwire/<host>-<port>-<dbname>.index``."""
    explicit = os.environ.get(INDEX_ENV)
    if explicit:
        return explicit
    parts = urlsplit(url)
    name = f"{parts.hostname or 'localhost'}-{parts.port or 5432}-{parts.path.strip('/') or 'postgres'}"
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "silkwire", re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".index")


def read_marks(index_dir: str | None) -> NodeMarks:
    if index_dir is None:
        return NodeMarks()
    try:
        data = json.loads((Path(index_dir) / MARKS).read_text(encoding="utf-8"))
        return NodeMarks(str(data["store"]), str(data["version"]), int(data["indexed_through"]),
                         int(data["changes_through"]))
    except (OSError, ValueError, KeyError, TypeError):
        return NodeMarks()


def _write_marks(index_dir: str | None, marks: NodeMarks) -> None:
    if index_dir is None:
        return
    path = Path(index_dir) / MARKS
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(marks)), encoding="utf-8")
    os.replace(tmp, path)


def _pg(store: Store) -> PostgresStore:
    from silkwire.store.postgres import PostgresStore

    assert isinstance(store, PostgresStore)
    return store


def stale(store: Store, index_dir: str | None) -> bool:
    """Has the store moved past this node's index (cheap: two index lookups)?"""
    pg, marks = _pg(store), read_marks(index_dir)
    return pg.max_rowid() > marks.indexed_through or pg.last_index_change() > marks.changes_through


def sync_node_index(store: Store, index: TextIndex, index_dir: str | None, docs: Docs) -> int:
    """Index what the store has and this node's index lacks; returns how many documents were
    (re)indexed. Raises tantivy's ValueError ("lock") when another process of this node is
    writing the index: the caller reads what is committed."""
    if not _SYNCING.acquire(blocking=False):
        return 0  # another thread of this process is at it; its commit will show
    try:
        return _sync(_pg(store), index, index_dir, docs)
    finally:
        _SYNCING.release()


def _sync(store: PostgresStore, index: TextIndex, index_dir: str | None, docs: Docs) -> int:
    marks = read_marks(index_dir)
    mark, changes = marks.indexed_through, marks.changes_through
    if (marks.store, marks.version) != (store.store_id(), INDEX_VERSION) or index.count() < store.count_through(mark):
        index.clear()  # another database, a new analyser, or an index lost or damaged: rebuild it
        mark = 0
        changes = store.last_index_change()  # articles are indexed below with their facts as of now
    elif mark >= store.max_rowid() and changes >= store.last_index_change():
        return 0
    else:
        index.delete_above(mark)
    done = 0
    while rows := store.articles_after(mark, _BATCH):
        index.add(docs(store, rows))
        mark = rows[-1][0]
        done += len(rows)
    index.commit()
    _write_marks(index_dir, NodeMarks(store.store_id(), INDEX_VERSION, mark, changes))
    while found := store.index_changes(changes, mark, _BATCH):
        rowids = sorted({rowid for _, rowid in found})
        index.replace(docs(store, list(zip(rowids, store.by_rowids(rowids), strict=True))))
        index.commit()
        changes = found[-1][0]
        _write_marks(index_dir, NodeMarks(store.store_id(), INDEX_VERSION, mark, changes))
        done += len(rowids)
    return done


class IngestIndex:
    """This node's index fed by an ingest from the batches it stores, rather than re-read from the
    store after it (``articles.ingest_items`` on a PostgreSQL store; issue 17: the re-read took
    ~10% of an ingest). The watermarks keep their meaning:

    - each batch, in its transaction (under the write lock, ``store/postgres.py``), first indexes
      what other writers stored since this index's mark, read from the store with its facts
      (``catch_up``); the batch's own articles go in once it is committed (``add``), from the
      columns computed ahead, as a SQLite ingest does. Every rowid up to the mark is thus indexed,
      whoever wrote it;
    - the index is committed every ``COMMIT_EVERY`` documents and at the end, and ``marks.json``
      moved after each commit: a process killed in between leaves the old marks, and the next
      open catches up from the store (``sync_node_index``), as before;
    - re-enriched facts (``changes_through``) are left to ``sync_node_index``, as before.

    Off (``on`` False, the store's refresh does the work) when this node's index is not in step
    with this store, or another process of this node holds its writer.
    """

    COMMIT_EVERY = 25_000

    def __init__(self, store: Store, index: TextIndex, index_dir: str | None, docs: Docs,
                 doc: Callable[[int, Article, tuple[str, str, str] | None], IndexDoc]) -> None:
        self.store, self.index, self.index_dir, self.docs, self.doc = _pg(store), index, index_dir, docs, doc
        self.marks = read_marks(index_dir)
        self.on = False
        self.added = 0
        if (self.marks.store, self.marks.version) != (self.store.store_id(), INDEX_VERSION):
            return  # not built from this store yet: the refresh (re)builds it
        self.on = self._take()

    def _take(self) -> bool:
        try:
            self.index.begin_write()
        except (ValueError, StoreError):
            return False  # another process of this node writes it: it follows the store itself
        self.marks = read_marks(self.index_dir)  # as its last writer left them
        if (self.marks.store, self.marks.version) != (self.store.store_id(), INDEX_VERSION):
            self.index.rollback()
            return False
        self.index.delete_above(self.marks.indexed_through)  # committed past its marks: redone
        return True

    @property
    def mark(self) -> int:
        return self.marks.indexed_through

    def catch_up(self) -> None:
        """In the batch's transaction: index what other writers stored past the mark."""
        if not self.on:
            return
        mark, top = self.mark, self.store.max_rowid()
        while mark < top and (rows := self.store.articles_after(mark, _BATCH)):
            self.index.add(self.docs(self.store, rows))
            mark = rows[-1][0]
            self.added += len(rows)
        self.marks = replace(self.marks, indexed_through=max(mark, top))

    def add(self, rowids: list[int | None], articles: list[Article],
            columns: list[tuple[str, str, str]] | None) -> None:
        """The batch just committed: its stored articles (``rowids`` not None)."""
        if not self.on:
            return
        cols: list[tuple[str, str, str] | None] = list(columns) if columns else [None] * len(articles)
        docs = [self.doc(r, a, c) for r, a, c in zip(rowids, articles, cols, strict=True) if r]
        if docs:
            self.index.add(docs)
            self.marks = replace(self.marks, indexed_through=max(self.mark, *(d.rowid for d in docs)))
            self.added += len(docs)
        if self.added >= self.COMMIT_EVERY:
            self._commit()
            self.added = 0
            self.on = self._take()

    def finish(self) -> None:
        if self.on:
            self._commit()
            self.on = False

    def _commit(self) -> None:
        self.index.commit()
        _write_marks(self.index_dir, self.marks)
