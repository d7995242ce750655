"""The PostgreSQL store: ``Store``'s methods over a PostgreSQL database (``--db postgresql://…``).

``PostgresStore`` is a ``Store``: it runs the same table modules, the same statements (see
``base.py`` for how they are written once), over a pooled psycopg connection
(``pg_connection.py``) and the schema of ``pg_schema.py``. It overrides only what cannot be
shared: opening, transactions, migrations, and the few methods that read inside JSON.

Several writers at once (two ``watch`` processes, an ``ingest`` and an API node…) are made safe
by one transaction-level advisory lock, ``pg_advisory_xact_lock(WRITE_LOCK)``, taken by every
write transaction before its first statement and released at its commit or rollback. Writers
are thus serialised exactly as SQLite's ``BEGIN IMMEDIATE`` serialises them, while readers
never wait (MVCC). Why a lock rather than serialisable transactions:

- a write batch reads and writes across tables (the duplicate finder reads the stored articles'
  bands and links the new ones; a story increment reads the stories it rewrites). Under
  SERIALIZABLE two overlapping batches would both run, and one would fail at commit and be
  redone whole; the lock makes the second wait, then read what the first wrote: the same links
  as one writer storing the two batches one after the other, with no retry loop to get right;
- rowids are the arrival order that watermarks follow (text index, alerts, enrichment). A
  sequence hands out numbers at insert time, not commit time: with two writers at once, rowid
  11 could commit before rowid 10, and a reader past 11 would never see 10. Under the lock a
  writer takes its numbers and commits before the next writer takes any;
- idempotence does not rest on the lock: articles are keyed by their id (``UNIQUE``, inserted
  with ``ON CONFLICT DO NOTHING``), so the same item stored twice is one row whatever happens.

The cost: write batches run one at a time (each one transaction of up to 500 articles;
fetching, parsing and NLP run outside it, in parallel). BENCHMARKS.md measures the rate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import psycopg

from silkwire.errors import StoreError
from silkwire.model import Article
from silkwire.store.base import Connection, Dialect, marks, now
from silkwire.store.counts import became_duplicates, before_enrichments, count_added, count_enrichments
from silkwire.store.dedup_batch import DedupRow
from silkwire.store.dedup_index import BANDED_THROUGH, DEDUP_COLUMNS, BandRow
from silkwire.store.enrichments import StoredEnrichment
from silkwire.store.explore import PlaceRow
from silkwire.store.pg_bulk import PgBulkWrites
from silkwire.store.pg_connection import PgConnection, connect, describe
from silkwire.store.pg_dedup import PgDedupReads
from silkwire.store.pg_schema import PG_LATEST, PG_MIGRATIONS, PG_OBJECTS
from silkwire.store.sqlite import Store

# the columns of ``DEDUP_COLUMNS``, for binary COPY
_DEDUP_TYPES = ["int8", "bytea", "int4", "bytea", "bytea", "int8", "float8", "int4", "bytea"]
WRITE_LOCK = 0x5117_3173  # pg_advisory_xact_lock key of silkwire's writers ("silkwire")
_CHUNK = 500
_ROWS = 1000  # rows per multi-row INSERT (PostgreSQL takes up to 65,535 parameters a statement)
_ARTICLE_COLUMNS = "id, source, ref, url, published, title, text, ingested_at, author"
# a batch's articles before they are numbered: this session's own, emptied at each commit
_STAGE = ('CREATE TEMP TABLE IF NOT EXISTS articles_in (id TEXT COLLATE "C", source TEXT COLLATE "C", '
          'ref TEXT COLLATE "C", url TEXT COLLATE "C", published TEXT COLLATE "C", title TEXT COLLATE "C", '
          'text TEXT COLLATE "C", ingested_at TEXT COLLATE "C", author TEXT COLLATE "C", seq INTEGER) '
          "ON COMMIT DELETE ROWS")


class PostgresDialect(Dialect):
    """PostgreSQL's spelling of ``Dialect``'s fragments (JSON stored as text is cast to ``json``)."""

    fixed_join = "JOIN"
    like = "ILIKE"  # over COLLATE "C" text: ASCII letters only, as SQLite's LIKE

    def json_array_has(self, column: str) -> str:
        return f"EXISTS (SELECT 1 FROM json_array_elements_text({column}::json) AS v(value) WHERE v.value = ?)"

    def json_array_key_in(self, column: str, key: str, count: int) -> str:
        return (f"EXISTS (SELECT 1 FROM json_array_elements({column}::json) AS v(value) "
                f"WHERE v.value ->> '{key}' IN ({marks(count)}))")

    def json_integers(self) -> str:
        return "SELECT value::bigint FROM json_array_elements_text(?::json) AS v(value)"


class PostgresStore(PgDedupReads, PgBulkWrites, Store):
    """A silkwire database in PostgreSQL. Use as a context manager, or call ``close``."""

    dialect: ClassVar[Dialect] = PostgresDialect()
    shared: ClassVar[bool] = True

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = url
        self.path = describe(url)  # what messages and stats show: no password
        self.db = self.pg = connect(url)
        try:
            if not create and self.schema_version() == 0:
                raise StoreError(f"{self.path}: no silkwire database there (run 'silkwire ingest' first)")
            self._migrate()
        except BaseException:
            self.pg.close()
            raise

    def close(self) -> None:
        self.pg.close()

    def transaction(self) -> AbstractContextManager[Connection]:
        """One PostgreSQL transaction holding silkwire's write lock (see the module doc); nested
        use joins the outer one."""
        return self._pg_transaction()

    @contextmanager
    def _pg_transaction(self) -> Iterator[Connection]:
        if self.pg.in_transaction:
            yield self.pg
            return
        with self.pg.conn.transaction():
            self.pg.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            yield self.pg

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        if self.pg.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
            return 0
        return int(self.pg.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version() > PG_LATEST:
            raise StoreError(f"{self.path}: schema version {self.schema_version()} is newer than this silkwire "
                             f"({PG_LATEST}); upgrade silkwire")
        for target, statements in PG_MIGRATIONS:
            if target <= self.schema_version():  # cheap check first: most opens migrate nothing
                continue
            with self.transaction() as db:  # under the write lock: two processes opening a new
                if target <= self.schema_version():  # database migrate it once
                    continue
                db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
                           'applied_at TEXT COLLATE "C" NOT NULL)')
                for statement in statements:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version VALUES (?, ?)", (target, now()))

    def drop(self) -> None:
        """Remove every silkwire table and function from the database (a demo built afresh)."""
        with self.transaction() as db:
            db.execute("DROP VIEW IF EXISTS silkwire_facts, silkwire_events")
            for table in PG_OBJECTS:
                db.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
            db.execute("DROP FUNCTION IF EXISTS silkwire_start_day(text)")
            db.execute("DROP FUNCTION IF EXISTS silkwire_enrichment_changed() CASCADE")
            db.execute("DROP SEQUENCE IF EXISTS enrichment_changes")

    # -- what each node's text index follows (service/pg_index.py) ---------------------------

    def store_id(self) -> str:
        """This database's identity (made with it; a database made again has another)."""
        return self.get_meta("store.id") or ""

    def last_index_change(self) -> int:
        """The number of the latest enrichment written (0: none)."""
        return int(self.pg.execute("SELECT coalesce(max(changed), 0) FROM enrichments").fetchone()[0])

    def index_changes(self, after: int, through_rowid: int, limit: int) -> list[tuple[int, int]]:
        """(change number, rowid) of the enrichments written after change ``after``, of articles
        up to ``through_rowid`` (those past it are indexed with their facts when they are
        added), in change order."""
        return [(int(c), int(r)) for c, r in self.pg.execute(
            "SELECT changed, article_rowid FROM enrichments WHERE changed > ? AND article_rowid <= ? "
            "ORDER BY changed LIMIT ?", (after, through_rowid, limit))]

    # -- writes in fewer round trips -----------------------------------------------------------
    # One statement per batch where SQLite runs one per row: a statement costs SQLite a function
    # call, PostgreSQL a round trip to the server (BENCHMARKS.md measures both).

    def add_articles(self, batch: Sequence[Article]) -> list[int | None]:
        """The batch by COPY into a session's staging table, then one INSERT … SELECT in arrival
        order (rows are numbered in that order; a repeated id keeps its first row). A multi-row
        VALUES of 500 articles was parsed by psycopg anew each batch (too long for its cache):
        ~10 ms of the client's CPU a batch."""
        added: dict[str, int] = {}
        stamp = now()
        with self.transaction() as db:
            db.execute(_STAGE)
            with self.pg.conn.cursor() as cur, cur.copy(f"COPY articles_in ({_ARTICLE_COLUMNS}, seq) FROM STDIN") \
                    as copy:
                for n, a in enumerate(batch):
                    copy.write_row((a.id, a.source, a.ref, a.url, a.published, a.title, a.text, stamp, a.author, n))
            rows = db.execute(f"INSERT INTO articles ({_ARTICLE_COLUMNS}) SELECT {_ARTICLE_COLUMNS} FROM articles_in "
                              "ORDER BY seq ON CONFLICT DO NOTHING RETURNING id, rowid").fetchall()
            added.update((str(i), int(r)) for i, r in rows)
            out: list[int | None] = []
            for article in batch:
                out.append(added.pop(article.id, None))  # popped: the same id again later in the batch is None
            count_added(db, [a for a, rowid in zip(batch, out, strict=True) if rowid])
        return out

    # Rows by the thousand go in by COPY: the bands in binary, the dedup rows in text. (A multi-row VALUES of
    # 12,000 band rows took psycopg longer to parse, and its array dumper longer to write, than
    # PostgreSQL to insert them.)

    def save_bands(self, rows: Iterable[BandRow], through: int) -> None:
        data = np.array(list(rows), dtype=np.int64).reshape(-1, 4)
        self.save_band_array(data, through)

    def save_band_array(self, rows: npt.NDArray[np.int64], through: int) -> None:
        """The rows by binary COPY, built by numpy in one buffer (no Python object per row): the
        array literals of ``unnest`` it replaces cost ~60 ms of the client's CPU for a batch's
        12,000 rows. Straight into the table, in a savepoint; should a row be there already (bands
        computed again for articles whose bands were stored), the savepoint is rolled back and
        the rows go through a staging table and ``ON CONFLICT DO NOTHING``, which costs the
        server ~1.5x the straight COPY (measured: 200 vs 300 ms for 12,000 rows at load 10)."""
        with self.transaction() as db:
            if len(rows):
                data = _binary_bands(rows)
                try:
                    with self.pg.conn.transaction(), self.pg.conn.cursor() as cur, cur.copy(_BAND_COPY) as copy:
                        copy.write(data)
                except psycopg.errors.UniqueViolation:
                    db.execute(_BAND_STAGE)
                    with self.pg.conn.cursor() as cur, cur.copy("COPY bands_in FROM STDIN (FORMAT BINARY)") as copy:
                        copy.write(data)
                    db.execute("INSERT INTO dedup_bands (period, band, hash, article_rowid) SELECT * FROM bands_in "
                               "ON CONFLICT DO NOTHING")
            if through > self.banded_through():
                self.set_meta(BANDED_THROUGH, str(through))

    def save_dedup_rows(self, rows: Sequence[DedupRow], duplicates: Sequence[int]) -> None:
        """The rows by binary COPY: their signatures (~1 kB a row) are sent as they are, not as
        escaped text that the server decodes (text COPY: 1.5x the client's CPU, 1.2-1.5x the
        wall time of 20k rows in 500-row transactions, measured at load 10)."""
        with self.transaction() as db:
            if rows:
                with self.pg.conn.cursor() as cur, \
                        cur.copy(f"COPY {DEDUP_COLUMNS} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(_DEDUP_TYPES)
                    for row in rows:
                        copy.write_row(row)
            became_duplicates(db, duplicates)

    def save_enrichments(self, items: Sequence[StoredEnrichment]) -> None:
        """``EnrichmentTables.save_enrichments`` in a dozen statements per batch, not per article:
        the same rows, written in the same order (an entity's first name in the batch stays)."""
        last = {e.rowid: e for e in items}  # an article twice in a batch: its last enrichment, as in SQLite
        batch = list(last.values())
        rowids = [e.rowid for e in batch]
        stamp = now()
        with self.transaction() as db:
            before = before_enrichments(db, rowids)
            _insert(db, "INSERT INTO enrichments (article_rowid, version, fields, event_date, status, indexed, "
                    "enriched_at, found) VALUES",
                    [(e.rowid, e.version, json.dumps(e.fields, ensure_ascii=False), e.event_date, e.status, 0, stamp,
                      None if e.found is None else json.dumps(e.found, ensure_ascii=False)) for e in batch],
                    "ON CONFLICT (article_rowid) DO UPDATE SET version = excluded.version, fields = excluded.fields, "
                    "event_date = excluded.event_date, status = excluded.status, indexed = 0, "
                    "enriched_at = excluded.enriched_at, found = excluded.found")
            for table in ("article_facets", "event_actors", "events"):
                db.execute(f"DELETE FROM {table} WHERE article_rowid = ANY(?)", (rowids,))
            _insert(db, "INSERT INTO article_facets (kind, value, article_rowid) VALUES",
                    [(kind, value, e.rowid) for e in batch for kind, value in e.facets], "ON CONFLICT DO NOTHING")
            _insert(db, "INSERT INTO entities (id, type, name, country) VALUES",
                    [x for e in items for x in e.entities], "ON CONFLICT DO NOTHING")
            _insert(db, "INSERT INTO events (article_rowid, n, type, date, day, status, place) VALUES",
                    [(e.rowid, r.n, r.type, r.date, r.day, r.status, r.place) for e in batch for r in e.events])
            _insert(db, "INSERT INTO event_actors (actor, side, article_rowid, n) VALUES",
                    [(actor, side, e.rowid, r.n) for e in batch for r in e.events
                     for side, actors in (("source", r.source), ("target", r.target)) for actor in actors],
                    "ON CONFLICT DO NOTHING")
            count_enrichments(db, before, {e.rowid: e.facets for e in batch})

    # -- what reads inside JSON --------------------------------------------------------------

    def stores_field(self, name: str) -> bool:
        row = self.pg.execute("SELECT 1 FROM enrichments WHERE (fields::json -> ?) IS NOT NULL LIMIT 1",
                              (name,)).fetchone()
        return row is not None

    def set_published_estimates(self, updates: Sequence[tuple[int, str | None, bool]]) -> None:
        """As SQLite's ``json_set``: the two fields replaced where they are, appended if new."""
        with self.transaction() as db:
            for start in range(0, len(updates), _CHUNK):
                chunk = updates[start:start + _CHUNK]
                stored = dict(db.execute(f"SELECT article_rowid, fields FROM enrichments WHERE article_rowid IN "
                                         f"({marks(chunk)})", [r for r, _, _ in chunk]).fetchall())
                rows = []
                for rowid, value, estimated in chunk:
                    if rowid in stored:
                        fields = json.loads(stored[rowid])
                        fields["published"], fields["published_estimated"] = value, estimated
                        rows.append((json.dumps(fields, ensure_ascii=False), rowid))
                db.executemany("UPDATE enrichments SET fields = ? WHERE article_rowid = ?", rows)

    def published_estimates(self, article_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            out.update(self.pg.execute(
                "SELECT a.id, e.fields::json ->> 'published' FROM articles a "
                "JOIN enrichments e ON e.article_rowid = a.rowid "
                f"WHERE a.id IN ({marks(chunk)}) AND a.published IS NULL "
                "AND e.fields::json ->> 'published_estimated' = 'true' "
                "AND e.fields::json ->> 'published' IS NOT NULL", chunk).fetchall())
        return out

    def places(self, country: str | None = None, limit: int = 300) -> list[PlaceRow]:
        sql = ("SELECT min(p ->> 'name'), (p ->> 'geonameid')::bigint, min(p ->> 'country'), "
               "min((p ->> 'lat')::float8), min((p ->> 'lon')::float8), count(*) "
               "FROM enrichments e, json_array_elements(e.fields::json -> 'places') AS p "
               "WHERE p ->> 'lat' IS NOT NULL")
        args: list[Any] = []
        if country:
            sql += " AND p ->> 'country' = ?"
            args.append(country)
        sql += " GROUP BY p ->> 'geonameid' ORDER BY count(*) DESC, (p ->> 'geonameid')::bigint DESC NULLS LAST LIMIT ?"
        return [(n, g, c, la, lo, int(k)) for n, g, c, la, lo, k in self.pg.execute(sql, [*args, limit])]

    def stats(self) -> dict[str, Any]:
        data = super().stats()
        data["size_bytes"] = int(self.pg.execute("SELECT pg_database_size(current_database())").fetchone()[0])
        return data


def _insert(db: Connection, head: str, rows: Sequence[Sequence[Any]], tail: str = "") -> None:
    """``head`` (INSERT … VALUES) with ``rows``, ``_ROWS`` at a time, then ``tail`` (ON CONFLICT…).
    Within one statement, a key met twice keeps its first row (DO NOTHING)."""
    for start in range(0, len(rows), _ROWS):
        chunk = rows[start:start + _ROWS]
        one = "(" + ", ".join("?" * len(chunk[0])) + ")"
        db.execute(f"{head} {', '.join([one] * len(chunk))} {tail}", [v for row in chunk for v in row])


# PostgreSQL's binary COPY: a header, then per row its field count and each field's length and
# big-endian value (period and band INTEGER, hash and rowid BIGINT), then a trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_BAND_ROW = np.dtype([("fields", ">i2"), ("l0", ">i4"), ("period", ">i4"), ("l1", ">i4"), ("band", ">i4"),
                      ("l2", ">i4"), ("hash", ">i8"), ("l3", ">i4"), ("rowid", ">i8")])
_BAND_COPY = "COPY dedup_bands (period, band, hash, article_rowid) FROM STDIN (FORMAT BINARY)"
_BAND_STAGE = ("CREATE TEMP TABLE IF NOT EXISTS bands_in (period INTEGER, band INTEGER, hash BIGINT, "
               "article_rowid BIGINT) ON COMMIT DELETE ROWS; TRUNCATE bands_in")


def _binary_bands(rows: npt.NDArray[np.int64]) -> bytes:
    """(period, band, hash, rowid) rows in the binary COPY format of ``bands_in``."""
    out = np.empty(len(rows), dtype=_BAND_ROW)
    out["fields"] = 4
    out["l0"] = out["l1"] = 4
    out["l2"] = out["l3"] = 8
    out["period"], out["band"], out["hash"], out["rowid"] = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    return _COPY_HEADER + out.tobytes() + _COPY_TRAILER


def open_postgres(url: str, create: bool = True) -> PostgresStore:
    """``PostgresStore(url)``, with psycopg's errors as ``StoreError``."""
    try:
        return PostgresStore(url, create)
    except psycopg.Error as exc:
        raise StoreError(f"{describe(url)}: {str(exc).strip() or type(exc).__name__}") from exc


__all__ = ["WRITE_LOCK", "PgConnection", "PostgresStore", "open_postgres"]
