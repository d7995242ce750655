"""PostgreSQL's reads for the duplicate finder: a batch's lookups in one round trip, a period's
bands as one value a band.

``StoredDedup.prefetch`` asks three things of the store per ingest batch: the earliest article of
each of the batch's digests, the latest rows of each band bucket its Bloom filters let through,
and the dedup rows of the articles in those buckets. ``DedupTables.prefetch_rows`` asks them one
after the other, in chunks (SQLite's limits on parameters and compound SELECTs): ~3-5 statements
and as many round trips a batch. Here each is one statement over arrays (``unnest`` of the
bucket keys with a ``LATERAL`` read of each bucket, ``= ANY`` of the digests), the third reading
the buckets again rather than waiting for the second's answer, and the three are sent in one
psycopg pipeline: one round trip a batch, whatever the number of keys. Each bucket is still read
latest first and stops at ``limit`` rows (``dedup_index._BUCKET``), so the answers are those of
the chunked statements.

A period's Bloom filter (``band_filter.py``) is built from every band row of the period, again
each time it fills up (on PostgreSQL, every batch's bands are written with it, so the filters
fill and are rebuilt during an ingest: ~375k rows read back in a 20k ingest). As Python tuples
that is ~1 µs a row of the client's CPU; by binary COPY still a message, and a turn of psycopg's
Python, a row. ``period_bands`` here has the server pack each band's hashes into one ``bytea``
(``string_agg`` of ``int8send``), which numpy reads whole: 24 rows a period.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from silkwire.store.dedup_index import SEEN_COLUMNS, BandKey, DedupTables, Prefetched, row_of

if TYPE_CHECKING:
    from silkwire.store.pg_connection import PgConnection

# the latest ``limit`` rows of each (period, band, hash) key, as ``dedup_index._BUCKET``
_BUCKETS = ("SELECT k.period, k.band, k.hash, b.article_rowid "
            "FROM unnest(%s::int[], %s::int[], %s::bigint[]) AS k(period, band, hash) "
            "CROSS JOIN LATERAL (SELECT article_rowid FROM dedup_bands WHERE period = k.period "
            "AND band = k.band AND hash = k.hash ORDER BY article_rowid DESC LIMIT %s) AS b")
_FROM = ("FROM article_dedup d JOIN articles a ON a.rowid = d.article_rowid "
         "LEFT JOIN articles c ON c.rowid = d.duplicate_of ")
_ROWS = (f"SELECT {SEEN_COLUMNS} {_FROM}"
         f"WHERE d.article_rowid IN (SELECT article_rowid FROM ({_BUCKETS}) AS found)")
# a period's bands, a row per band: its hashes as 8 big-endian bytes each, in one bytea
_PERIOD_BANDS = ("SELECT band, string_agg(int8send(hash), ''::bytea) FROM dedup_bands WHERE period = %s "
                 "GROUP BY band")
_TWINS = (f"SELECT d.digest, {SEEN_COLUMNS} {_FROM}WHERE d.article_rowid IN "
          "(SELECT min(article_rowid) FROM article_dedup WHERE digest = ANY(%s::bytea[]) GROUP BY digest)")


class PgDedupReads(DedupTables):
    """``DedupTables.prefetch_rows`` in one round trip, for ``PostgresStore``."""

    pg: PgConnection

    def prefetch_rows(self, keys: Sequence[BandKey], limit: int, digests: Sequence[bytes]) -> Prefetched:
        unique = sorted(set(keys))
        asked = [[k[0] for k in unique], [k[1] for k in unique], [k[2] for k in unique], limit]
        twins: dict[bytes, Any] = dict.fromkeys(digests)
        conn = self.pg.conn
        with conn.pipeline():
            twin_rows = conn.execute(_TWINS, [list(twins)]) if twins else None
            bucket_rows = conn.execute(_BUCKETS, asked) if unique else None
            seen_rows = conn.execute(_ROWS, asked) if unique else None
        buckets: dict[BandKey, list[int]] = {}
        for period, band, value, rowid in bucket_rows.fetchall() if bucket_rows else ():
            buckets.setdefault((period, band, value), []).append(rowid)
        for r in twin_rows.fetchall() if twin_rows else ():
            twins[bytes(r[0])] = row_of(r[1:])
        return buckets, twins, [row_of(r) for r in seen_rows.fetchall()] if seen_rows else []

    def period_bands(self, period: int, chunk: int = 100_000) -> Iterator[npt.NDArray[np.int64]]:
        """A band's hashes as one ``bytea`` (``string_agg`` of ``int8send``: 8 big-endian bytes a
        row), a row per band: numpy reads each whole. A binary COPY sends a message a row, which
        psycopg hands over one at a time: ~10 µs of the client's Python a row, read again each time
        a period's filter fills (0.26 of a 20k ingest's 0.51 ms of client CPU an article was the
        finder's, measured)."""
        with self.pg.conn.cursor(binary=True) as cur:
            cur.execute(_PERIOD_BANDS, [int(period)])
            for band, hashes in cur:
                values = np.frombuffer(hashes, dtype=">i8")
                for start in range(0, len(values), chunk):
                    part = values[start:start + chunk]
                    out = np.empty((len(part), 2), dtype=np.int64)
                    out[:, 0] = band
                    out[:, 1] = part
                    yield out
