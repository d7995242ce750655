from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Tests are grouped by layer (engines/, service/, interfaces/, quality/); what several of them
# share (databases, local web servers, data builders) lives in support/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # build-time generators, tested too

from pure_python import ENV, prefer_sources

if os.environ.get(ENV):
    prefer_sources()  # before any silkwire import: the interpreted modules, not the compiled ones

from silkwire.service import articles as service

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEED = SHARED / "seeds" / "002_0afaed159990aab2.txt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"shared seed listing not found at {SEED} (../shared/data is absent)")
    return SEED


@pytest.fixture(params=["sqlite", "postgresql"])
def ws(request, tmp_path: Path):
    """A new workspace: on a SQLite file, then on a PostgreSQL database (the same tests)."""
    target = str(tmp_path / "test.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with service.open_workspace(target, create=True) as workspace:
        yield workspace


# -- PostgreSQL: one throw-away server per test session, a fresh database per test ----------------

import itertools  # noqa: E402

from pgserver import PgServer, why_unavailable  # noqa: E402

_DATABASES = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    with PgServer() as server:
        yield server


@pytest.fixture
def pg_url(pg_server, tmp_path, monkeypatch):
    """A new, empty PostgreSQL database (its text index in the test's folder)."""
    from silkwire.store.pg_connection import close_pools

    monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / "pg.index"))
    url = pg_server.create_database(f"t{next(_DATABASES)}")
    yield url
    close_pools()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request, tmp_path):
    """One store of each kind: a SQLite file, then a PostgreSQL database (the same contract)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")
