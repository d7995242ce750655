"""The connection under every store module: opened and prepared in one place (``connect``),
migrated, and written in transactions. The table modules build on ``StoreBase``.

The table modules' SQL is written once for both stores: ``?`` parameters (the PostgreSQL
connection turns them into ``%s``), ``ON CONFLICT`` instead of ``INSERT OR``, ``RETURNING``
instead of ``lastrowid``, NULL order spelled out (``NULLS FIRST|LAST``: SQLite and PostgreSQL
default to opposite ones). What cannot be written once is a fragment of ``Dialect`` (JSON
arrays) or a method the PostgreSQL store overrides (``postgres.py``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence, Sized
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, Self

from silkwire.dates import first_day
from silkwire.errors import StoreError
from silkwire.store.schema import LATEST, MIGRATIONS


class Cursor(Protocol):
    """What the store reads of a cursor (sqlite3's and psycopg's both have it)."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int = ..., /) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store calls on its connection: sqlite3's, or ``postgres.PgConnection``."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...
    @property
    def in_transaction(self) -> bool: ...
    def close(self) -> None: ...


class Dialect:
    """The SQL fragments that differ between SQLite (this class) and PostgreSQL (``postgres``):
    reading JSON arrays stored as text, a join kept in its written order, a LIKE that ignores
    the case of ASCII letters (SQLite's LIKE; PostgreSQL's ILIKE over ``COLLATE "C"`` text)."""

    fixed_join = "CROSS JOIN"  # SQLite's planner keeps a CROSS JOIN's order; PostgreSQL plans a JOIN
    like = "LIKE"

    def json_array_has(self, column: str) -> str:
        """A condition: the JSON array of strings in ``column`` holds the parameter ``?``."""
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = ?)"

    def json_array_key_in(self, column: str, key: str, count: int) -> str:
        """A condition: an object of the JSON array in ``column`` has ``key`` among ``count`` parameters."""
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_extract(value, '$.{key}') IN ({marks(count)}))"

    def json_integers(self) -> str:
        """A SELECT of the integers of a JSON array given as the parameter ``?``."""
        return "SELECT value FROM json_each(?)"


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


def marks(values: Sized | int) -> str:
    """``?, ?, ?``: one placeholder per value (or ``values`` placeholders)."""
    return ", ".join("?" * (values if isinstance(values, int) else len(values)))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreBase:
    """One SQLite file (WAL): a writer, readers in parallel. Use as a context manager, or call
    ``close``. ``db`` is the store's own: nothing outside ``store/`` uses it."""

    dialect: ClassVar[Dialect] = Dialect()
    # Whether other processes may write the same database at once (PostgreSQL): the text index
    # is then derived by each reader from the store, never written by the writers
    # (service/workspace.py). One SQLite file has one writer, which keeps its index itself.
    shared: ClassVar[bool] = False
    db: Connection

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

    def transaction(self) -> AbstractContextManager[Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: all of the batch or nothing.

        Nested use joins the outer transaction, so that several writes (an ingest batch and its
        duplicate links) commit or roll back together. BEGIN IMMEDIATE takes SQLite's write lock
        at once: one writer at a time, whose reads inside the transaction see the latest data.
        """
        return self._sqlite_transaction()

    @contextmanager
    def _sqlite_transaction(self) -> Iterator[Connection]:
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
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
