"""Storage: one SQLite file (WAL), one writer, readers in parallel."""

from silkwire.store.events import EventKey, EventRow
from silkwire.store.sqlite import Facets, Store, StoredEnrichment

__all__ = ["EventKey", "EventRow", "Facets", "Store", "StoredEnrichment"]
