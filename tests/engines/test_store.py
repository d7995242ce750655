import sqlite3

import pytest

from silkwire.errors import StoreError
from silkwire.ingest.articles import make_article
from silkwire.store import Store
from silkwire.store.schema import LATEST, MIGRATIONS


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "store.db")) as s:
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


def test_a_failing_batch_leaves_nothing(store):
    store.add_articles([row("Avant", "Déjà là.")])
    good = row("Bon", "Un bon article.")
    broken = row("Cassé", "Un texte.").__class__(**{**_fields(row("Cassé", "Un texte.")), "url": ["x"]})
    with pytest.raises(sqlite3.ProgrammingError):
        store.add_articles([good, broken])  # a value SQLite cannot bind fails on the second row
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
