"""PostgreSQL connections for the store: one pool per database and process, and the connection
the table modules call as they call sqlite3's (``base.Connection``).

The table modules' statements are written once with ``?`` parameters; ``PgConnection`` turns
them into psycopg's ``%s`` (a literal ``%``, as in ``LIKE '%'``, becomes ``%%``), once per
statement text (cached). Nothing else is rewritten: what is not portable is a dialect fragment
or a method of ``postgres.PostgresStore``.

Connections run in autocommit, as the SQLite connection does (``isolation_level=None``): a read
outside a transaction sees what is committed; ``PostgresStore.transaction`` opens the
transactions.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import pq
from psycopg_pool import ConnectionPool

from silkwire.errors import StoreError
from silkwire.store.base import Cursor

POOL_SIZE_ENV = "SILKWIRE_PG_POOL"  # connections per process and database (default 8)
_POOLS: dict[tuple[int, str], ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    where = f"{host}:{parts.port}" if parts.port else host
    user = f"{parts.username}@" if parts.username else ""
    return f"postgresql://{user}{where}{parts.path}"


@lru_cache(maxsize=1024)
def to_psycopg(sql: str) -> str:
    """``?`` parameters -> ``%s``, ``%`` -> ``%%``, outside quoted strings and identifiers."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote:
            if char == quote:
                quote = None
            out.append("%%" if char == "%" else char)
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        else:
            out.append("%%" if char == "%" else char)
    return "".join(out)


class PgConnection:
    """A pooled psycopg connection, called as the store calls sqlite3's (``base.Connection``)."""

    def __init__(self, conn: psycopg.Connection[Any], owner: ConnectionPool) -> None:
        self.conn = conn
        self.owner = owner
        self.closed = False

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        return self.conn.execute(to_psycopg(sql), list(parameters))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        cur = self.conn.cursor()
        rows = [list(p) for p in parameters]
        if rows:
            cur.executemany(to_psycopg(sql), rows)
        return cur

    @property
    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status != pq.TransactionStatus.IDLE

    def close(self) -> None:
        """Give the connection back to its pool (rolled back first if a transaction was left
        open); closing again does nothing, as with sqlite3."""
        if self.closed:
            return
        self.closed = True
        if not self.conn.closed and self.in_transaction:
            self.conn.rollback()
        self.owner.putconn(self.conn)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.autocommit = True
    conn.execute("SET application_name = 'silkwire'")


def connect(url: str) -> PgConnection:
    """A connection of ``url``'s pool; ``close`` gives it back."""
    owner = pool(url)
    return PgConnection(owner.getconn(), owner)


def pool(url: str) -> ConnectionPool:
    """The pool of this process for ``url`` (a forked process opens its own)."""
    key = (os.getpid(), url)
    with _POOLS_LOCK:
        found = _POOLS.get(key)
        if found is None:
            try:  # one connection first: a wrong address or database fails now, saying why (the
                psycopg.connect(url, connect_timeout=10).close()  # pool would retry until it times out)
            except psycopg.Error as exc:
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise StoreError(f"{describe(url)}: cannot connect ({reason})") from exc
            size = int(os.environ.get(POOL_SIZE_ENV) or 8)
            found = ConnectionPool(url, min_size=1, max_size=max(size, 1), configure=_configure, open=False,
                                   name=describe(url), timeout=30.0)
            try:
                found.open(wait=True, timeout=30.0)
            except Exception as exc:  # psycopg_pool.PoolTimeout
                found.close()
                raise StoreError(f"{describe(url)}: cannot connect ({exc})") from exc
            _POOLS[key] = found
        return found


def close_pools() -> None:
    """Close this process's pools (tests, and a server shutting down)."""
    with _POOLS_LOCK:
        for key in [k for k in _POOLS if k[0] == os.getpid()]:
            _POOLS.pop(key).close()
