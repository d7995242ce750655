import pytest

from silkwire.errors import StoreError
from silkwire.ingest.articles import make_article
from silkwire.search import index_columns
from silkwire.store import Store
from silkwire.store.schema import LATEST


def row(title, lead, source="s"):
    a = make_article(source=source, title=title, parts=[lead])
    return a, index_columns(a.title, a.body)


def test_schema_version_and_wal(tmp_path):
    path = str(tmp_path / "x.db")
    with Store(path) as store:
        assert store.schema_version() == LATEST
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as store:  # reopening does not migrate twice
        assert store.db.execute("SELECT count(*) FROM schema_version").fetchone()[0] == LATEST


def test_add_is_idempotent(store):
    batch = [row("Titre", "Chapeau un."), row("Autre", "Chapeau deux.")]
    assert store.add_articles(batch) == [True, True]
    assert store.add_articles(batch) == [False, False]
    assert store.count() == 2


def test_a_failing_batch_leaves_nothing(store):
    store.add_articles([row("Avant", "Déjà là.")])
    good = row("Bon", "Un bon article.")
    broken = (row("Cassé", "Ligne d'index incomplète.")[0], ("title", "body"))  # 2 columns, not 3
    with pytest.raises(ValueError):
        store.add_articles([good, broken])  # type: ignore[list-item]
    assert store.count() == 1  # the good article of the failed batch is not there either
    assert store.add_articles([good]) == [True]


def test_get_by_id_and_prefix(store):
    (a, cols) = row("Titre", "Chapeau.")
    store.add_articles([(a, cols)])
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
