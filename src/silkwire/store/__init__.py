"""Storage: one SQLite file (WAL), one writer, readers in parallel."""

from silkwire.store.sqlite import SearchFilters, SearchHit, Store

__all__ = ["SearchFilters", "SearchHit", "Store"]
