"""Storage: one SQLite file (WAL), one writer, readers in parallel."""

from silkwire.store.sqlite import Store

__all__ = ["Store"]
