"""Enrichment goes into the store (one transaction per batch) and its facets into the index."""

import json

from silkwire.model import CountryRef, Enrichment, SearchFilters
from silkwire.nlp.timefacts import enrich_time_only
from silkwire.service import articles as service

LEADS = [
    ("Sommet à Samarcande", "Le sommet s’est tenu le 4 avril 2025 à Samarcande, avec 12 milliards d’euros promis.", "2025-04-05"),
    ("Visite prévue à Douchanbé", "Le président effectuera une visite d’État en octobre 2025 au Tadjikistan.", "2025-06-01"),
    ("Le gaz turkmène vers la Chine", "Les livraisons de gaz ont augmenté en 2024, selon les chiffres publiés hier.", "2025-01-15"),
]


def fill(ws, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps({"title": t, "lead": lead, "published": p}, ensure_ascii=False) + "\n"
                            for t, lead, p in LEADS), encoding="utf-8")
    service.ingest(ws, [str(path)])


def test_time_facts_are_stored_and_shown(ws, tmp_path):
    fill(ws, tmp_path)
    report = service.enrich(ws, enricher=enrich_time_only)
    assert report.enriched == 3
    ids = [h.article.id for h in service.search(ws, "sommet").hits]
    record = service.show(ws, ids[0])
    assert record["event_date"] == "2025-04-04" and record["status"] == "done"
    date = record["dates"][0]
    assert record["text"][date["span"][0]:date["span"][1]] == date["text"]
    money = [a for a in record["amounts"] if a["kind"] == "money"]
    assert money and money[0]["unit"] == "EUR" and money[0]["value"] == 12e9
    assert "countries" not in record  # not computed by this enricher: absent, not empty
    # a second run has nothing left to do, and re-indexing did not duplicate documents
    assert service.enrich(ws, enricher=enrich_time_only).enriched == 0
    assert ws.index.count() == ws.store.count() == 3


def test_search_by_event_date(ws, tmp_path):
    fill(ws, tmp_path)
    service.enrich(ws, enricher=enrich_time_only)
    by_event = SearchFilters(since="2025-09-01", by="event")
    titles = [h.article.title for h in service.search(ws, "visite OR sommet OR gaz", by_event).hits]
    assert titles == ["Visite prévue à Douchanbé"]
    by_published = SearchFilters(since="2025-09-01")
    assert service.search(ws, "visite OR sommet OR gaz", by_published).hits == []


def fake_countries(articles):
    """A hand-written enricher: tags TJ on articles that say 'Tadjikistan' (plumbing test only)."""
    for a in articles:
        found = a.text.find("Tadjikistan")
        refs = (CountryRef("TJ", ("name",), ((found, found + 11),)),) if found >= 0 else ()
        yield Enrichment(article_id=a.id, countries=refs)


def test_country_facets_reach_the_index_and_survive_a_rebuild(ws, tmp_path):
    fill(ws, tmp_path)
    service.enrich(ws, enricher=fake_countries)
    only_tj = SearchFilters(countries=("TJ",))
    assert [h.article.title for h in service.search(ws, "visite OR sommet OR gaz", only_tj).hits] == [
        "Visite prévue à Douchanbé"]
    db = ws.store.path
    ws.close()
    import shutil

    shutil.rmtree(service.index_path(db))
    with service.open_workspace(db) as again:
        hits = service.search(again, "visite OR sommet OR gaz", only_tj).hits
        assert [h.article.title for h in hits] == ["Visite prévue à Douchanbé"]


def test_extract_with_an_enricher_keeps_input_order(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps({"title": t, "lead": lead, "published": p}, ensure_ascii=False) + "\n"
                            for t, lead, p in LEADS) + "not json\n", encoding="utf-8")
    out = list(service.extract([str(path)], enricher=enrich_time_only, batch_size=2))
    records = [r for r in out if isinstance(r, dict)]
    assert [r["title"] for r in records] == [t for t, _, _ in LEADS]
    assert all("dates" in r and "amounts" in r for r in records)
    assert not isinstance(out[-1], dict)  # the bad line is reported in its place


def test_undated_articles_get_a_publication_window_from_their_neighbours(ws, tmp_path):
    path = tmp_path / "mixed.jsonl"
    rows = [  # input order, newest first, as on a listing page
        {"title": "Plus récent", "lead": "Une nouvelle du jour.", "published": "2025-05-10"},
        {"title": "Sans date", "lead": "Un article sans date de publication."},
        {"title": "Plus ancien", "lead": "Une nouvelle plus ancienne.", "published": "2025-05-01"},
        {"title": "Tout en bas", "lead": "Le sommet s’est tenu le 28 avril 2025 à Astana."},
    ]
    path.write_text("".join(json.dumps({**r, "source": "s"}, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    service.ingest(ws, [str(path)])
    service.enrich(ws, enricher=enrich_time_only)
    by_title = {h.article.title: service.show(ws, h.article.id)
                for h in service.search(ws, "nouvelle OR article OR sommet", limit=10).hits}
    assert (by_title["Sans date"]["published"], by_title["Sans date"]["published_estimated"]) == (
        "2025-05-01/2025-05-10", True)
    assert (by_title["Plus récent"]["published"], by_title["Plus récent"]["published_estimated"]) == (
        "2025-05-10", False)
    # at the bottom: only its own text bounds it (the summit it reports as done)
    assert by_title["Tout en bas"]["published"] == "2025-04-28/2025-05-01"
    assert by_title["Tout en bas"]["published_estimated"] is True
