"""A small pool of workspaces shared by the request threads of one app.

Why a pool: FastAPI runs plain ``def`` routes on a thread pool, and a workspace (one SQLite
connection + one tantivy reader) must not be used by two threads at once. Opening a workspace
per request costs a migration check, an index open and a sync check on every call (measured:
~10 ms on the 30k-article OrangeSum database, five times a whole search), while one shared
workspace behind a lock would serialise every read. A pool of N workspaces lets N requests read
in parallel (SQLite in WAL mode has readers that never block each other or the writer) and is
opened lazily, so an app that is never called never touches the database.

Writes (ingest) go through the same workspaces but under the app's single write lock:
DESIGN.md says one writer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from silkwire.errors import StoreError
from silkwire.service.workspace import Workspace, open_workspace

WAIT_SECONDS = 10.0  # a request that cannot get a workspace in this time gets a 503


class WorkspacePool:
    """Up to ``size`` open workspaces on one database; ``take()`` lends one to a thread."""

    def __init__(
        self,
        db_path: str,
        size: int,
        create: bool = False,
    ) -> None:
        if size < 1:
            raise ValueError("pool size must be at least 1")
        self.db_path = db_path
        self.size = size
        self.create = create
        self._idle: queue.LifoQueue[Workspace] = queue.LifoQueue()  # LIFO: the warmest one first
        self._all: list[Workspace] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def take(self) -> Iterator[Workspace]:
        ws = self._acquire()
        try:
            ws.refresh()  # PostgreSQL: other processes write; this node's index catches up
            yield ws
        finally:
            self._idle.put(ws)

    def _acquire(self) -> Workspace:
        if self._closed:
            raise StoreError("the server is shutting down")
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._closed:
                raise StoreError("the server is shutting down")
            grow = len(self._all) < self.size
            if grow:
                # Opened under the lock: two threads opening the first workspaces of an empty or
                # stale database would both try to (re)build the text index.
                ws = open_workspace(self.db_path, create=self.create)
                self._all.append(ws)
                return ws
        try:
            return self._idle.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise StoreError("the database is busy: try again in a moment") from None

    def close(self) -> None:
        """Close every workspace (at shutdown, once no request is running)."""
        with self._lock:
            self._closed = True
            for ws in self._all:
                ws.close()
            self._all.clear()
