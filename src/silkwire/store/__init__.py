"""Storage: one SQLite file (WAL), one writer, readers in parallel; or a PostgreSQL database,
several writers and readers (``postgres.py``). Every SQL statement of silkwire is in this package.

Access style: methods on ``Store``, and nothing else. Each module holds the SQL of some tables
as one class of methods over the connection (``articles.ArticleTables``,
``stories.StoryTables``, ``queries.FilterQueries``…), and ``Store`` (``sqlite.py``) is all of
them on one connection::

    with Store("news.db") as store:
        store.get("3f2a…"), store.story_rows(country="KZ"), store.facet_counts("entity", 10)

Callers pass values (ids, rowids, ``SearchFilters``, flags) and get plain Python data back
(``Article``, dataclasses, tuples, dicts): no SQL, cursor or connection leaves ``store/``.
``base.connect`` is the one place a connection is prepared (pragmas, ``silkwire_start_day``);
``Store.db`` is the store's own. ``open_store(target)`` opens either store: a
``postgresql://`` URL gives a ``PostgresStore`` (a ``Store``: the same methods, the same SQL
where it is portable, see ``base.py``), anything else is a SQLite file.

Modules: ``base`` (connection, transactions, migrations, meta), ``schema`` (the migrations),
``articles``, ``enrichments`` (record fields, facets, estimates), ``events``, ``dedup_index``
(the duplicate finder's memory), ``stories`` (duplicate links and stories), ``story_state``
(story increments), ``monitoring`` (watch states, alerts), ``queries`` (the SQL of search
filters: listings, export batches), ``explore`` (facet counts, co-mentions, entity lists,
places); ``pg_connection`` (pools, parameters), ``pg_schema`` (the migrations in PostgreSQL's
DDL), ``postgres`` (the PostgreSQL store, and how concurrent writers are made safe).
"""

from silkwire.errors import StoreError
from silkwire.store.enrichments import Facets, StoredEnrichment
from silkwire.store.events import EventKey, EventRow
from silkwire.store.sqlite import Store


def is_postgres(target: str) -> bool:
    """Is this ``--db`` value a PostgreSQL URL (else it is a SQLite file)?"""
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str, create: bool = True) -> Store:
    """The store at ``target``: a ``postgresql://user@host:port/dbname`` URL, or a SQLite file."""
    if not is_postgres(target):
        return Store(target, create)
    try:
        from silkwire.store.postgres import open_postgres  # psycopg only for PostgreSQL
    except ImportError as exc:
        raise StoreError(f"PostgreSQL needs psycopg: pip install 'silkwire[postgres]' ({exc})") from None
    return open_postgres(target, create)


def drop_store(target: str) -> None:
    """Remove a PostgreSQL database's silkwire tables (a file is removed by the caller)."""
    store = open_store(target)
    try:
        drop = getattr(store, "drop", None)
        if drop is not None:
            drop()
    finally:
        store.close()


__all__ = ["EventKey", "EventRow", "Facets", "Store", "StoredEnrichment", "drop_store", "is_postgres", "open_store"]
