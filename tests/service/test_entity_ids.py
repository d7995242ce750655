"""Readable, stable entity ids: the folded spelling of the name, one id per spelling family
across articles, old ids upgraded once with their mapping kept (and redirected)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient
from localdb import enriched_db

from silkwire.api.app import ApiSettings, create_app
from silkwire.model import Enrichment, Entity
from silkwire.nlp.entities import entity_id, identity_key
from silkwire.service import articles as service
from silkwire.service import entities

ROWS = [
    {"title": "Le sommet de Bichkek s'ouvre", "lead": "Jeyhun Bayramov arrive au Sommet de Bichkek.",
     "published": "2025-07-01", "source": "A"},
    {"title": "Bakou et Astana", "lead": "Djeyhoun Baïramov a parlé avec Astana du Sommet de Bichkek.",
     "published": "2025-07-02", "source": "B"},
]


def _spans(text: str, name: str) -> tuple[tuple[int, int], ...]:
    start = text.index(name)
    return ((start, start + len(name)),)


def enricher(scheme=entity_id):
    def run(articles):
        for a in articles:
            person = "Jeyhun Bayramov" if "Jeyhun" in a.text else "Djeyhoun Baïramov"
            ents = (Entity(scheme("PER", person), "PER", person, _spans(a.text, person)),
                    Entity(scheme("MISC", "Sommet de Bichkek"), "MISC", "Sommet de Bichkek",
                           _spans(a.text, "Sommet de Bichkek")))
            yield Enrichment(a.id, countries=(), entities=ents, places=(), dates=(), amounts=())
    return run


def test_ids_are_the_folded_spelling_and_one_per_spelling_family() -> None:
    assert entity_id("MISC", "Sommet de Bichkek") == "misc:sommet-de-bichkek"
    assert identity_key("MISC", "Sommet de Bichkek") == "misc:somet-de-bichkek"  # the old id: unreadable


def test_two_spellings_in_two_articles_are_one_entity(tmp_path: Path) -> None:
    db = enriched_db(tmp_path, ROWS, enricher())
    with service.open_workspace(db) as ws:
        names = {e["id"]: e["name"] for e in service.entities(ws)}
        second = service.show(ws, ws.store.ids_by_title("Bakou et Astana")[0])
    assert names == {"per:jeyhun-bayramov": "Jeyhun Bayramov", "misc:sommet-de-bichkek": "Sommet de Bichkek"}
    assert [e["id"] for e in second["entities"]] == ["per:jeyhun-bayramov", "misc:sommet-de-bichkek"]
    assert second["entities"][0]["name"] == "Djeyhoun Baïramov"  # as this article spells it


def test_an_older_database_gets_readable_ids_and_old_ones_redirect(tmp_path: Path) -> None:
    db = enriched_db(tmp_path, ROWS, enricher(identity_key))
    con = sqlite3.connect(db)  # as silkwire wrote it before: old ids, no scheme mark, no keys
    con.executescript("DELETE FROM meta WHERE key = 'entity_ids.scheme'; DELETE FROM entity_keys;")
    con.close()
    with service.open_workspace(db) as ws:
        ids = {e["id"] for e in service.entities(ws)}
        record = service.show(ws, ws.store.ids_by_title("Le sommet de Bichkek s'ouvre")[0])
        assert ws.store.renamed_id("misc:somet-de-bichkek") == "misc:sommet-de-bichkek"
        assert entities.current_id(ws, "misc:somet-de-bichkek") == "misc:sommet-de-bichkek"
        filtered = service.search(ws, "Bichkek", service.SearchFilters(entities=("misc:sommet-de-bichkek",)))
    assert ids == {"per:jeyhun-bayramov", "misc:sommet-de-bichkek"}
    assert {e["id"] for e in record["entities"]} == ids
    assert filtered.total == 2  # the text index's facets follow
    client = TestClient(create_app(ApiSettings(db_path=db)))
    moved = client.get("/entites/misc:somet-de-bichkek", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/entites/misc%3Asommet-de-bichkek"
    assert client.get("/entites/misc:somet-de-bichkek").status_code == 200
    api = client.get("/api/entities/misc:somet-de-bichkek", follow_redirects=False)
    assert api.status_code == 301 and api.headers["location"] == "/api/entities/misc%3Asommet-de-bichkek"
