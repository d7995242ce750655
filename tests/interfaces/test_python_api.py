"""The public Python API (``import silkwire``), called as a user would: open a database, ingest
files and records, enrich (a fake enricher: no model), search, show, export, ask about events
and stories. Only ``silkwire`` and the fact types of ``silkwire.model`` are used here."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest

import silkwire
from silkwire.model import Article, CountryRef, Enrichment, Event, Topic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

COUNTRIES = {"Kazakhstan": "KZ", "Ouzbékistan": "UZ", "Chine": "CN", "Tadjikistan": "TJ", "Kirghizstan": "KG"}

ITEMS = [
    {"id": "n1", "title": "Le Kazakhstan et la Chine signent un accord gazier",
     "lead": "Le Kazakhstan a signé un accord avec la Chine sur le gaz.", "published": "2025-03-10",
     "source": "Steppe"},
    {"id": "n2", "title": "Gaz : l’Ouzbékistan augmente ses exportations",
     "lead": "L’Ouzbékistan a vendu davantage de gaz à la Chine cette année.", "published": "2025-03-12",
     "source": "Pamir"},
    {"id": "n3", "title": "Le Tadjikistan inaugure un barrage",
     "lead": "Le barrage doit fournir de l’électricité au Kirghizstan voisin.", "published": "2025-03-14",
     "source": "Pamir"},
]


def fake_enricher(articles: Sequence[Article]) -> Iterator[Enrichment]:
    """Countries by name; an AGREE event between the first two when the text says "accord"."""
    for a in articles:
        found = []
        for name, code in COUNTRIES.items():
            at = a.text.find(name)
            if at >= 0:
                found.append((at, CountryRef(code, ("name",), ((at, at + len(name)),))))
        countries = tuple(c for _, c in sorted(found, key=lambda x: x[0]))
        events: tuple[Event, ...] = ()
        if "accord" in a.text and len(countries) >= 2:
            at = a.text.index("accord")
            events = (Event("AGREE", (countries[0].code,), (countries[1].code,), (at, at + 6), (0, len(a.text)),
                            0.8, a.published, "done"),)
        yield Enrichment(a.id, countries=countries, entities=(), places=(), dates=(), amounts=(), events=events,
                         topics=(Topic("medtop:04000000", "économie, affaires et finance", 1.0),))


def _write(path: Path, rows: Iterable[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def sw(tmp_path: Path) -> Iterator[silkwire.Silkwire]:
    with silkwire.open(tmp_path / "news.db", create=True) as handle:
        handle.ingest(_write(tmp_path / "news.jsonl", ITEMS))
        handle.enrich(enricher=fake_enricher)
        yield handle


def test_import_is_cheap() -> None:
    code = ("import sys, silkwire; print(' '.join(sorted(m for m in sys.modules if m.startswith("
            "('spacy', 'tantivy', 'fastapi', 'silkwire.service', 'silkwire.store', 'silkwire.nlp')))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""


def test_public_names_resolve() -> None:
    for name in silkwire.__all__:
        assert getattr(silkwire, name) is not None
    assert silkwire.SearchResult.__name__ == "SearchResult"  # loaded on first use
    with pytest.raises(AttributeError):
        silkwire.no_such_thing  # noqa: B018
    assert "open" not in silkwire.__all__  # `from silkwire import *` keeps the builtin open


def test_open_refuses_a_missing_database_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(silkwire.StoreError):
        silkwire.open(tmp_path / "missing.db")
    with silkwire.open(str(tmp_path / "new.db"), create=True) as sw:
        assert sw.stats()["articles"] == 0
        assert repr(sw).endswith("new.db'>")


def test_ingest_files_is_idempotent_and_reports_bad_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "Bon", "lead": "Un chapeau."}\nnot json\n', encoding="utf-8")
    with silkwire.open(tmp_path / "a.db", create=True) as sw:
        first = sw.ingest([FIXTURES / "records.jsonl", str(FIXTURES / "listing-sample.txt"), bad])
        assert first.new > 5 and first.duplicate == 0
        assert [str(e).split(":")[0] for e in first.rejected] == [str(bad)]
        again = sw.ingest(FIXTURES / "records.jsonl")  # one path alone is fine too
        assert (again.new, again.duplicate) == (0, 4)
        assert sw.stats()["articles"] == first.new


def test_ingest_records_gives_each_record_its_id(tmp_path: Path) -> None:
    with silkwire.open(tmp_path / "r.db", create=True) as sw:
        report = sw.ingest_records([{"title": "Un titre", "lead": "Un chapeau.", "published": "2025-01-02"},
                                    {"title": "Rien"},  # no text
                                    {"lead": "Sans titre.", "source": "Ailleurs"}], source="notebook")
        assert (report.new, report.duplicate) == (2, 0)
        assert report.ids[1] is None and report.rejected[0]["index"] == 1
        first = sw.show(str(report.ids[0]))
        assert (first["title"], first["source"], first["published"]) == ("Un titre", "notebook", "2025-01-02")
        assert sw.show(str(report.ids[2]))["source"] == "Ailleurs"


def test_enrich_is_incremental(sw: silkwire.Silkwire) -> None:
    assert sw.enrich(enricher=fake_enricher).enriched == 0


def test_search_with_filters(sw: silkwire.Silkwire) -> None:
    result = sw.search("gaz")
    assert result.total == 2
    assert {h.article.source for h in result.hits} == {"Steppe", "Pamir"}
    hit = result.hits[0]
    assert all(hit.article.text[s:e].lower().startswith("gaz") for s, e in hit.spans)
    assert sw.search("gaz", countries="UZ").total == 1
    assert sw.search("gaz", countries=["KZ", "CN"], events="agree").total == 1
    assert sw.search("gaz", sources=["Pamir"], since="2025-03-11").total == 1
    assert sw.search("gaz", until="2025-03-01").total == 0
    assert sw.search("barrage OR gaz", limit=1, offset=1).hits[0].article.id


def test_bad_input_is_a_query_error(sw: silkwire.Silkwire) -> None:
    for call in (lambda: sw.search("gaz AND"), lambda: sw.search("gaz", since="mars"),
                 lambda: sw.search("gaz", countries="Kazakhstan"), lambda: sw.search("gaz", by="day"),
                 lambda: sw.search("gaz", events="HUG"), lambda: sw.records(topics="économie")):
        with pytest.raises(silkwire.QueryError):
            call()
    with pytest.raises(silkwire.NotFoundError):
        sw.show("ffffffffffff")
    assert issubclass(silkwire.QueryError, silkwire.SilkwireError)


def test_show_returns_the_record(sw: silkwire.Silkwire) -> None:
    hit = sw.search('"accord gazier"').hits[0]
    record = sw.show(hit.article.id[:8])  # a unique prefix works
    assert record["id"] == hit.article.id
    assert [c["code"] for c in record["countries"]] == ["KZ", "CN"]
    assert record["events"][0]["type"] == "AGREE"
    assert record["ref"] == "n1" and record["duplicate_of"] is None


def test_records_and_export_agree(sw: silkwire.Silkwire, tmp_path: Path) -> None:
    records = list(sw.records())
    assert [r["ref"] for r in records] == ["n1", "n2", "n3"]  # input order
    assert [r["ref"] for r in sw.records("gaz", countries="CN")] == ["n1", "n2"]

    report = sw.export(tmp_path / "all.jsonl")
    assert (report.articles, report.rows) == (3, 3)
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records

    sw.export(tmp_path / "events.csv", what="events")
    with (tmp_path / "events.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["type"], r["source"], r["target"]) for r in rows] == [("AGREE", "KZ", "CN")]

    report = sw.export(tmp_path / "uz.data", format="parquet", countries="UZ")
    assert report.rows == 1 and (tmp_path / "uz.data").read_bytes()[:4] == b"PAR1"
    with pytest.raises(silkwire.QueryError):
        sw.export(tmp_path / "x.txt")  # no format, unknown extension
    with pytest.raises(silkwire.QueryError):
        sw.export(tmp_path / "x.geojson", what="entities")  # GeoJSON holds no entities
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "x.geojson").exists()


def test_entities_relations_timeline(sw: silkwire.Silkwire) -> None:
    assert sw.entities() == []  # the fake enricher finds no entity
    (kz,) = sw.relations("kz")
    assert (kz["partner"], kz["events"], kz["cooperative"]) == ("CN", 1, 1)
    assert sw.relations("KZ", partner="UZ") == []
    events = sw.timeline(country="CN")
    assert [(e["type"], e["date"]) for e in events] == [("AGREE", "2025-03-10")]
    assert sw.timeline(events=["ACCUSE"]) == []


def test_stories_and_digest(sw: silkwire.Silkwire) -> None:
    everything = sw.stories(min_articles=1)
    assert sum(s["articles"] for s in everything) == 3
    one = sw.story(everything[0]["id"])
    assert one["id"] == everything[0]["id"] and one["articles_list"]
    with pytest.raises(silkwire.NotFoundError):
        sw.story("s-nope")
    assert sw.rebuild_stories() == len(everything)
    page = sw.digest(since="2025-03-01", until="2025-03-31")
    assert page.startswith("# Synthèse") and "3 articles" in page
    assert sw.digest(country="KZ", format="html").lstrip().lower().startswith("<!doctype html>")


def test_extract_without_a_database(tmp_path: Path) -> None:
    bad = _write(tmp_path / "mixed.jsonl", [ITEMS[0], {"title": "Sans texte"}])
    items = list(silkwire.extract(bad, nlp=False))
    assert isinstance(items[0], dict) and items[0]["ref"] == "n1" and "countries" not in items[0]
    assert isinstance(items[1], silkwire.InputError)
    (enriched, _) = silkwire.extract([bad], enricher=fake_enricher)
    assert isinstance(enriched, dict) and [c["code"] for c in enriched["countries"]] == ["KZ", "CN"]


def test_demo_and_evaluation(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    ingested, enriched = silkwire.build_demo(db, enricher=fake_enricher)
    assert ingested.new == enriched.enriched > 100
    assert all(Path(p).exists() for p in silkwire.demo_files() + silkwire.gold_files())
    with silkwire.open(db) as sw:
        scored = sw.evaluate(silkwire.gold_files())
        assert scored.articles > 100 and not scored.missing
        assert 0 < scored.scores["countries"]["f1"] < 1  # by name only: some, not all
        assert 0 <= sw.evaluate_stories(silkwire.gold_files())["f1"] <= 1
    stateless = silkwire.evaluate(silkwire.gold_files(), silkwire.demo_files(), enricher=fake_enricher)
    assert stateless.articles == scored.articles and "published_estimate" not in stateless.scores
