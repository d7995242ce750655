"""The connection under every store module: opened and prepared in one place (``connect``),
migrated, and written in transactions. The table modules build on ``StoreBase``."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sized
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Self

from silkwire.dates import first_day
from silkwire.errors import StoreError
from silkwire.store.schema import LATEST, MIGRATIONS


def connect(path: str) -> sqlite3.Connection:
    """A connection as every query of the store expects it: WAL, foreign keys, a busy timeout,
    and silkwire's SQL functions.

    ``silkwire_start_day(value)`` turns a date of any grain (2025-07, 2025-Q3,
    2025-07-01/2025-07-05) into the YYYYMMDD of its first day, exactly as the text index does,
    so that ``by=event`` filters select the same articles with or without a query; comparing
    the ISO strings would not ('2025-07' < '2025-07-01').
    """
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    db.create_function("silkwire_start_day", 1, first_day, deterministic=True)
    return db


def is_duplicate(column: str) -> str:
    """An SQL condition true when the article ``column`` (a rowid) is a duplicate, for queries
    that count articles or their facts: each group counts once, through its canonical."""
    return f"{column} IN (SELECT article_rowid FROM article_dedup WHERE duplicate_of IS NOT NULL)"


def marks(values: Sized) -> str:
    """``?, ?, ?``: one placeholder per value."""
    return ", ".join("?" * len(values))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreBase:
    """One SQLite file (WAL): a writer, readers in parallel. Use as a context manager, or call
    ``close``. ``db`` is the store's own: nothing outside ``store/`` uses it."""

    def __init__(self, path: str, create: bool = True) -> None:
        self.path = path
        if not create and path != ":memory:" and not os.path.exists(path):
            raise StoreError(f"{path}: no such database (run 'silkwire ingest' first)")
        try:
            self.db = connect(path)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a silkwire database ({exc})") from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: all of the batch or nothing.

        Nested use joins the outer transaction, so that several writes (an ingest batch and its
        duplicate links) commit or roll back together.
        """
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        row = self.db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
        if row is None:
            return 0
        return int(self.db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > LATEST:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this silkwire ({LATEST}); upgrade silkwire"
            )
        for target, statements in MIGRATIONS:
            if target <= version:
                continue
            with self.transaction() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
                )
                for statement in statements:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version VALUES (?, ?)", (target, now()))

    # -- meta: derived state that must survive restarts -------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
