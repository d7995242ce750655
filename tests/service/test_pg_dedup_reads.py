"""PostgreSQL's reads for the duplicate finder (store/pg_dedup.py) answer what the statements
shared with SQLite answer: a batch's lookups in one round trip, a period's bands as one bytea a band."""

from __future__ import annotations

import numpy as np
import pytest
from test_dedup_store import demo_articles

from silkwire.service import articles as service
from silkwire.store.dedup_index import DedupTables
from silkwire.store.pg_dedup import PgDedupReads


@pytest.fixture
def banded(pg_url: str) -> str:
    """A PostgreSQL store holding the demo corpus and its copies, linked and banded."""
    with service.open_workspace(pg_url, create=True) as ws:
        service.ingest_items(ws, demo_articles())
    return pg_url


def test_a_periods_bands_by_copy_are_the_rows_of_the_table(banded: str) -> None:
    with service.open_workspace(banded) as ws:
        store = ws.store
        assert type(store).period_bands is PgDedupReads.period_bands  # the packed read, not the shared statement
        periods = [p for (p,) in store.db.execute("SELECT DISTINCT period FROM dedup_bands ORDER BY period")]
        assert len(periods) > 3
        total = 0
        for period in periods:
            for chunk in (7, 100_000):  # cut in chunks, and all at once
                got = np.concatenate([*store.period_bands(period, chunk), np.zeros((0, 2), dtype=np.int64)])
                shared = np.concatenate([*DedupTables.period_bands(store, period, chunk),
                                         np.zeros((0, 2), dtype=np.int64)])
                assert got.dtype == np.int64 and got.shape[1] == 2
                assert sorted(map(tuple, got.tolist())) == sorted(map(tuple, shared.tolist()))
            total += len(got)
        assert total == store.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0]
        assert list(store.period_bands(10**6)) == []  # a period without bands


def test_a_batchs_lookups_in_one_round_trip_answer_as_the_chunked_statements(banded: str) -> None:
    with service.open_workspace(banded) as ws:
        store = ws.store
        assert type(store).prefetch_rows is PgDedupReads.prefetch_rows
        keys = [tuple(map(int, k)) for k in store.db.execute(
            "SELECT period, band, hash FROM dedup_bands ORDER BY hash LIMIT 300")]
        keys += [(keys[0][0], keys[0][1], 12345), (10**6, 0, 1)]  # absent keys
        digests = [bytes(d) for (d,) in store.db.execute("SELECT digest FROM article_dedup LIMIT 50")]
        digests.append(b"\0" * len(digests[0]))  # no article has it
        for limit in (1, 2, 300):
            buckets, twins, rows = store.prefetch_rows(keys, limit, digests)
            shared_buckets, shared_twins, shared_rows = DedupTables.prefetch_rows(store, keys, limit, digests)
            assert {k: sorted(v) for k, v in buckets.items()} == {k: sorted(v) for k, v in shared_buckets.items()}
            assert twins == shared_twins and None in twins.values()
            assert sorted(rows) == sorted(shared_rows) and rows
        assert max(len(v) for v in store.prefetch_rows(keys, 300, [])[0].values()) > 1  # buckets of several
        assert store.prefetch_rows([], 5, []) == ({}, {}, [])
