"""Counts kept as rows are written (issue 16, migration 14): ``stats`` and the whole-corpus facet
lists read them; after every kind of write they equal the scans they replace, on both stores."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from localdb import write_jsonl as write
from old_schema import downgrade_to_9
from test_dedup_store import demo_articles

from silkwire.model import Article, CountryRef, Enrichment, Entity, Event
from silkwire.service import articles as service
from silkwire.service import stories as storylines
from silkwire.store import Store


def enricher(articles: Iterable[Article]) -> Iterator[Enrichment]:
    """Facts that depend on the text, so that copies and versions share some and not others."""
    for a in articles:
        words = a.text.split()
        code = "KZ" if len(words) % 2 else "UZ"
        yield Enrichment(a.id, countries=(CountryRef(code, ("name",), ((0, 1),)),),
                         entities=(Entity(f"per:w{len(words) % 7}", "PER", f"Nom {len(words) % 7}", ((0, 1),)),),
                         events=(Event("AGREE", (code,), ("AF",), (0, 1), (0, 1), 0.8, a.published, "done"),))


def check(ws: service.Workspace) -> None:
    assert ws.store.kept_counts() == ws.store.scanned_counts()


def test_counts_follow_ingests_links_relinks_enrichments_and_renames(db_target: str) -> None:
    """On both stores: PostgreSQL writes articles, bands and enrichments in multi-row statements
    of its own (store/postgres.py), which must keep the counts as SQLite's do."""
    articles = demo_articles()  # copies, versions and an earlier copy that relinks its group
    with service.open_workspace(db_target, create=True) as ws:
        service.ingest_items(ws, articles[: len(articles) // 2], batch_size=17)
        check(ws)
        service.enrich(ws, enricher=enricher)
        check(ws)
        service.ingest_items(ws, articles[len(articles) // 2:], batch_size=17)  # relinks enriched originals
        check(ws)
        service.enrich(ws, enricher=enricher)
        check(ws)
        assert ws.store.kept_counts()["duplicates"] > 100 and len(ws.store.kept_counts()["facets"]) > 5
        ws.store.rename_entity_ids({"per:w1": "per:w2", "per:w3": "per:trois"})
        check(ws)
        storylines.rebuild_stories(ws)
        check(ws)
        service.ingest_items(ws, [Article(id="late", source="z", title="Autre", text="Un texte nouveau sur Bichkek.",
                                          published="2025-12-30")])
        check(ws)
        stats = service.stats(ws)
        assert stats["articles"] == ws.store.scanned_counts()["articles"] and stats["sources"]["z"] == 1


def test_migration_14_counts_an_older_database(tmp_path: Path) -> None:
    db = str(tmp_path / "old.db")
    records = [{"title": f"Titre {i}", "lead": f"Texte {i} sur le Kazakhstan et ses voisins.", "source": f"s{i % 3}",
                "published": f"2025-03-{1 + i % 28:02d}"} for i in range(40)]
    records += [dict(records[0], source="copy")]
    with service.open_workspace(db, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "a.jsonl", records)])
        service.enrich(ws, enricher=enricher)
        expected = ws.store.scanned_counts()
    downgrade_to_9(db)  # the migrations after 9 undone: no counts
    with Store(db) as store:
        assert store.kept_counts() == expected


def test_migration_14_counts_an_older_postgresql_database(tmp_path: Path, pg_url: str) -> None:
    """pg_schema.py's twin of migration 14 counts what a database of version 13 holds."""
    from silkwire.store import open_store

    records = [{"title": f"Titre {i}", "lead": f"Texte {i} sur le Kazakhstan et ses voisins.", "source": f"s{i % 3}",
                "published": f"2025-03-{1 + i % 28:02d}"} for i in range(40)]
    records += [dict(records[0], source="copy"), {"lead": "Sans titre ni date, sur Tachkent.", "source": "s0"}]
    with service.open_workspace(pg_url, create=True) as ws:
        service.ingest(ws, [write(tmp_path / "a.jsonl", records)])
        service.enrich(ws, enricher=enricher)
        expected = ws.store.scanned_counts()
        assert expected["duplicates"] == 1 and expected["facets"]
        with ws.store.transaction() as db:  # back to version 13: no counts
            db.execute("DROP TABLE counts, source_counts, facet_counts")
            db.execute("DELETE FROM schema_version WHERE version = 14")
    with open_store(pg_url, create=False) as store:
        assert store.schema_version() == 14 and store.kept_counts() == expected
