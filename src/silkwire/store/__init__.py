"""Storage: one SQLite file (WAL), one writer, readers in parallel."""

from silkwire.store.sqlite import Facets, Store, StoredEnrichment

__all__ = ["Facets", "Store", "StoredEnrichment"]
