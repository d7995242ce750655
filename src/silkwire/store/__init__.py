"""Storage: one SQLite file (WAL), one writer, readers in parallel. Every SQL statement of
silkwire is in this package.

Access style: methods on ``Store``, and nothing else. Each module holds the SQL of some tables
as one class of methods over the connection (``articles.ArticleTables``,
``stories.StoryTables``, ``queries.FilterQueries``…), and ``Store`` (``sqlite.py``) is all of
them on one connection::

    with Store("news.db") as store:
        store.get("3f2a…"), store.story_rows(country="KZ"), store.facet_counts("entity", 10)

Callers pass values (ids, rowids, ``SearchFilters``, flags) and get plain Python data back
(``Article``, dataclasses, tuples, dicts): no SQL, cursor or connection leaves ``store/``.
``base.connect`` is the one place a connection is prepared (pragmas, ``silkwire_start_day``);
``Store.db`` is the store's own. A second store (PostgreSQL) implements the same methods.

Modules: ``base`` (connection, transactions, migrations, meta), ``schema`` (the migrations),
``articles``, ``enrichments`` (record fields, facets, estimates), ``events``, ``dedup_index``
(the duplicate finder's memory), ``stories`` (duplicate links and stories), ``story_state``
(story increments), ``monitoring`` (watch states, alerts), ``queries`` (the SQL of search
filters: listings, export batches), ``explore`` (facet counts, co-mentions, entity lists,
places).
"""

from silkwire.store.enrichments import Facets, StoredEnrichment
from silkwire.store.events import EventKey, EventRow
from silkwire.store.sqlite import Store

__all__ = ["EventKey", "EventRow", "Facets", "Store", "StoredEnrichment"]
