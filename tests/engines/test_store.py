"""The store's contract, run against SQLite and PostgreSQL alike (``db_target``: conftest.py)."""


import pytest

from silkwire.errors import StoreError
from silkwire.ingest.articles import make_article
from silkwire.store import Store, open_store
from silkwire.store.schema import LATEST, MIGRATIONS


@pytest.fixture
def store(db_target):
    with open_store(db_target) as s:
        yield s


def row(title, lead, source="s"):
    return make_article(source=source, title=title, parts=[lead])


def test_schema_version_and_wal(tmp_path):
    path = str(tmp_path / "x.db")
    with Store(path) as store:
        assert store.schema_version() == LATEST
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as store:  # reopening does not migrate twice
        assert store.db.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_add_is_idempotent(store):
    batch = [row("Titre", "Chapeau un."), row("Autre", "Chapeau deux.")]
    assert store.add_articles(batch) == [1, 2]
    assert store.add_articles(batch) == [None, None]
    assert store.count() == 2
    # rowids are the arrival order (PostgreSQL may skip numbers a conflict used up, never reorder)
    later = store.add_articles([row("Trois", "Chapeau trois.")])[0]
    assert later is not None and later > 2 and store.max_rowid() == later


def test_reopening_does_not_migrate_again(db_target):
    with open_store(db_target) as store:
        assert store.schema_version() == LATEST
    with open_store(db_target) as store:
        assert store.schema_version() == LATEST
        assert store.db.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_a_failing_batch_leaves_nothing(store):
    store.add_articles([row("Avant", "Déjà là.")])
    good = row("Bon", "Un bon article.")
    broken = row("Cassé", "Un texte.").__class__(**{**_fields(row("Cassé", "Un texte.")), "url": object()})
    with pytest.raises(Exception) as failed:
        store.add_articles([good, broken])  # a value the database cannot take fails on the second row
    assert type(failed.value).__name__ == "ProgrammingError"  # sqlite3 and psycopg alike
    assert store.count() == 1  # the good article of the failed batch is not there either
    assert store.add_articles([good])[0] is not None  # and it can go in now


def _fields(article):
    return {name: getattr(article, name) for name in article.__slots__}


def test_get_by_id_and_prefix(store):
    a = row("Titre", "Chapeau.")
    store.add_articles([a])
    assert store.get(a.id) == a
    assert store.get(a.id[:8]).id == a.id


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a silkwire database"):
        Store(str(path))


def test_newer_schema_is_refused(tmp_path):
    path = str(tmp_path / "x.db")
    with Store(path) as store:
        store.db.execute("INSERT INTO schema_version VALUES (?, 'later')", (LATEST + 1,))
    with pytest.raises(StoreError, match="newer than this silkwire"):
        Store(path)


def test_missing_database_for_reading(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        Store(str(tmp_path / "none.db"), create=False)


def test_newer_schema_is_refused_on_either_store(db_target):
    with open_store(db_target) as store:
        store.db.execute("INSERT INTO schema_version VALUES (?, 'later')", (LATEST + 1,))
    with pytest.raises(StoreError, match="newer than this silkwire"):
        open_store(db_target)


def test_missing_postgres_database_for_reading(pg_url):
    with pytest.raises(StoreError, match="no silkwire database"):
        open_store(pg_url, create=False)
    with pytest.raises(StoreError, match=r"cannot connect|does not exist"):
        open_store(pg_url.rsplit("/", 1)[0] + "/nosuchdb")


def test_every_migration_has_its_postgres_twin():
    from silkwire.store.pg_schema import PG_MIGRATIONS

    assert [v for v, _ in PG_MIGRATIONS] == [v for v, _ in MIGRATIONS]


def test_start_day_in_postgres_is_dates_first_day(pg_url):
    """The SQL function that dates filters use in PostgreSQL, against the Python one SQLite
    registers: on the values the pipeline writes (every grain, intervals, open ones,
    recurrences) and on junk that both turn into no day. (Python's int() reads more than
    digits, " 7" or "+7": values no stored date has, left out.)"""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from silkwire.dates import first_day

    values = ["2025-07-30", "2025-07", "2025", "2025-Q3", "2025-H1", "2025-H2", "2025-W12", "2025-07-01/2025-07-05",
              "2025-03-01/..", "../2025-03-01", "R/P1Y", "", "abc", "2025-Q", "2025-Qx", "2025-0", "2025-07-3",
              "2025-07-30T10:00:00+02:00", "1999-12-31", "2025-13-45"]
    year = st.integers(1900, 2100).map(lambda y: f"{y:04d}")
    grain = st.one_of(st.just(""), st.integers(1, 12).map(lambda m: f"-{m:02d}"),
                      st.tuples(st.integers(1, 12), st.integers(1, 31)).map(lambda md: f"-{md[0]:02d}-{md[1]:02d}"),
                      st.sampled_from(["-Q1", "-Q4", "-H1", "-H2", "-W07"]))
    iso = st.tuples(year, grain, st.sampled_from(["", "/2030", "/.."])).map("".join)
    with open_store(pg_url) as store:
        def check(value: str) -> None:
            got = store.db.execute("SELECT silkwire_start_day(?)", (value,)).fetchone()[0]
            assert got == first_day(value), value

        for value in values:
            check(value)

        @settings(max_examples=300, deadline=None)
        @given(iso)
        def generated(value: str) -> None:
            check(value)

        generated()
