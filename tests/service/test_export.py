"""silkwire export: records, events, entities as JSONL/CSV/Parquet/GeoJSON; round trip; errors."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from export_data import ITEMS, build_db
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.export.rows import ENTITY_COLUMNS, EVENT_COLUMNS, RECORD_COLUMNS, csv_record_row
from silkwire.model import SearchFilters
from silkwire.service import articles as service
from silkwire.service import export as exporting
from silkwire.service import search as searching

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = build_db(tmp_path)
    with service.open_workspace(path) as ws:  # one undated article gets an estimated window
        rowid = ws.store.rowid_of(_id_of(ws, None))
        ws.store.set_published_estimates([(rowid, "2025-07-01/2025-07-10", True)])
    return path


def _id_of(ws: service.Workspace, title: str | None) -> str:
    row = ws.store.db.execute("SELECT id FROM articles WHERE title IS ?", (title,)).fetchone()
    return str(row[0])


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _export(db: str, tmp_path: Path, *args: str, name: str = "out") -> Path:
    out = tmp_path / name
    result = run("export", "--db", db, "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return out


# -- records -------------------------------------------------------------------------------------


def test_jsonl_records_are_the_full_stored_records_in_input_order(db, tmp_path):
    records = _jsonl(_export(db, tmp_path))
    with service.open_workspace(db) as ws:
        assert records == [service.show(ws, r["id"]) for r in records]
        order = [r[0] for r in ws.store.db.execute("SELECT id FROM articles ORDER BY rowid")]
    assert [r["id"] for r in records] == order
    kz_af = records[0]
    assert kz_af["events"][0]["type"] == "AGREE" and kz_af["topics"][0]["code"] == "medtop:04000000"
    assert "events" not in records[4]  # not computed for that article: absent, not []
    assert records[4]["published"] == "2025-07-01/2025-07-10" and records[4]["published_estimated"] is True


def test_stdout_is_the_default_for_text_formats(db):
    result = run("export", "--db", db)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(ITEMS)


def test_jsonl_export_ingested_into_a_fresh_database_gives_the_same_articles(db, tmp_path):
    exported = _export(db, tmp_path, name="all.jsonl")
    fresh = str(tmp_path / "fresh.db")
    result = run("ingest", str(exported), "--db", fresh)
    assert result.exit_code == 0, result.output
    assert f"{len(ITEMS)} new, 0 duplicate, 0 rejected" in result.output
    query = "SELECT id, source, title, text, published, url, ref FROM articles ORDER BY rowid"
    with service.open_workspace(db) as a, service.open_workspace(fresh) as b:
        assert a.store.db.execute(query).fetchall() == b.store.db.execute(query).fetchall()
    # The estimated window is silkwire's guess, not a publication date: it does not come back as one.
    assert run("ingest", str(exported), "--db", fresh).output.startswith(f"0 new, {len(ITEMS)} duplicate")


def test_csv_has_the_documented_columns_and_round_trips(db, tmp_path):
    out = _export(db, tmp_path, "--format", "csv", name="all.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert list(rows[0]) == list(RECORD_COLUMNS)
    first = rows[0]
    assert first["countries"] == "KZ|AF" and first["entities"] == "org:talibans" and first["places"] == "Kaboul"
    assert first["event_types"] == "AGREE" and first["published_estimated"] == "false"
    places = json.loads(first["places_json"])
    assert places[0]["spans"] == [[first["text"].index("Kaboul"), first["text"].index("Kaboul") + 6]]
    assert rows[4]["events_json"] == "" and rows[4]["event_types"] == ""  # absent, not "[]"
    assert rows[2]["events_json"] == "[]"  # computed, none found
    assert rows[3]["ref"] == "ext-4"
    fresh = str(tmp_path / "fresh.db")
    assert run("ingest", str(out), "--db", fresh).exit_code == 0
    with service.open_workspace(db) as a, service.open_workspace(fresh) as b:
        query = "SELECT id, title, text, published, ref FROM articles ORDER BY rowid"
        assert a.store.db.execute(query).fetchall() == b.store.db.execute(query).fetchall()


def test_unknown_record_fields_are_kept_in_extra_json():
    row = dict(zip(RECORD_COLUMNS, csv_record_row({"id": "x", "text": "t", "mood": {"a": 1}}), strict=True))
    assert json.loads(row["extra_json"]) == {"mood": {"a": 1}} and row["countries"] == ""


@pytest.mark.parametrize("query, options", [
    (None, {"countries": ("KZ",)}),
    (None, {"since": "2025-07-12", "until": "2025-07-31"}),
    (None, {"since": "2025-07-01", "by": "event"}),
    (None, {"sources": ("Pamir",), "entities": ("per:kassym-jomart-tokaiev",)}),
    (None, {"places": ("Kaboul",)}),
    ("kazakhstan", {}),
    ("kazakhstan", {"sources": ("Steppe",)}),
    (None, {"events": ("CONSULT",)}),
    (None, {"topics": ("medtop:04000000",)}),
    ("kazakhstan", {"events": ("AGREE",), "countries": ("AF",)}),
])
def test_filters_select_what_search_and_listing_select(db, query, options):
    filters = SearchFilters(**options)
    with service.open_workspace(db) as ws:
        got = [r["id"] for r in exporting.matching_records(ws, query, filters)]
        if query:
            expected = {h.article.id for h in service.search(ws, query, filters, limit=100).hits}
        else:
            expected = {a.id for a in searching.list_articles(ws, filters, 100, 0).articles}
    assert got and set(got) == expected and len(got) == len(expected)


def test_records_are_read_batch_by_batch(db):
    """A stream: the first record comes after one batch query, not after reading everything."""
    with service.open_workspace(db) as ws:
        selects: list[str] = []
        ws.store.db.set_trace_callback(lambda sql: selects.append(sql) if sql.startswith("SELECT a.rowid") else None)
        stream = exporting.matching_records(ws, batch=2)
        next(stream)
        assert len(selects) == 1
        rest = list(stream)
        assert len(rest) == len(ITEMS) - 1 and len(selects) == 4  # 2 + 2 + 1, then an empty batch


# -- events, entities, GeoJSON, Parquet ----------------------------------------------------------


def test_events_one_row_each_with_actors_place_and_evidence(db, tmp_path):
    rows = _jsonl(_export(db, tmp_path, "--what", "events"))
    assert [(r["type"], r["source"], r["target"], r["status"]) for r in rows] == [
        ("AGREE", ["KZ"], ["AF"], "done"), ("CONSULT", ["RU"], ["TJ"], "planned")]
    agree = rows[0]
    assert agree["evidence_text"].startswith("Le Kazakhstan a signé le 11 juillet 2025 à Kaboul")
    assert agree["trigger_text"] == "signent" and agree["date"] == "2025-07-11" and agree["main"]
    assert (agree["source_names"], agree["target_names"]) == (["Kazakhstan"], ["Afghanistan"])
    assert (agree["source_entities"], agree["target_entities"]) == ([], ["org:talibans"])
    assert (agree["place"], agree["place_geonameid"], agree["lat"], agree["lon"]) == ("Kaboul", 1138958, 34.52813,
                                                                                      69.17233)
    assert rows[1]["place"] == "Douchanbé" and rows[1]["lat"] is None
    only = _jsonl(_export(db, tmp_path, "--what", "events", "--event", "consult", name="consult"))
    assert [r["type"] for r in only] == ["CONSULT"]
    table = list(csv.reader(io.StringIO(_export(db, tmp_path, "--what", "events", "--format", "csv",
                                                name="e.csv").read_text(encoding="utf-8"), newline="")))
    assert table[0] == list(EVENT_COLUMNS) and len(table) == 3
    assert dict(zip(table[0], table[1], strict=True))["evidence"] == json.dumps(agree["evidence"]).replace(" ", "")


def test_entities_with_counts_over_the_selection(db, tmp_path):
    rows = _jsonl(_export(db, tmp_path, "--what", "entities"))
    assert [r["id"] for r in rows] == ["per:kassym-jomart-tokaiev", "org:talibans", "per:vladimir-poutine"]
    assert rows[0] == {"id": "per:kassym-jomart-tokaiev", "type": "PER", "name": "Kassym-Jomart Tokaïev",
                       "country": "KZ", "wikidata": None, "articles": 1, "mentions": 1,
                       "first_published": "2025-06-01", "last_published": "2025-06-01"}
    only_steppe = _jsonl(_export(db, tmp_path, "--what", "entities", "--source", "Steppe", name="s"))
    assert {r["id"] for r in only_steppe} == {"org:talibans", "per:vladimir-poutine"}
    header = _export(db, tmp_path, "--what", "entities", "--format", "csv", name="c").read_text().splitlines()[0]
    assert header.split(",") == list(ENTITY_COLUMNS)


def test_geojson_places_and_located_events(db, tmp_path):
    data = json.loads(_export(db, tmp_path, "--format", "geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    kinds = [(f["properties"]["kind"], f["properties"].get("name") or f["properties"]["type"])
             for f in data["features"]]
    assert kinds == [("place", "Kaboul"), ("event", "AGREE"), ("place", "Tachkent")]  # Douchanbé has no coordinates
    kaboul = data["features"][0]
    assert kaboul["geometry"] == {"type": "Point", "coordinates": [69.17233, 34.52813]}  # lon, lat
    assert kaboul["properties"]["evidence"] == ["Kaboul"] and kaboul["properties"]["article_id"]
    assert data["features"][1]["properties"]["evidence_text"].startswith("Le Kazakhstan a signé")
    events_only = json.loads(_export(db, tmp_path, "--format", "geojson", "--what", "events", name="e").read_text())
    assert [f["properties"]["kind"] for f in events_only["features"]] == ["event"]
    empty = json.loads(_export(db, tmp_path, "--format", "geojson", "--country", "KG", name="kg").read_text())
    assert empty == {"type": "FeatureCollection", "features": []}


def test_parquet_is_typed_and_holds_the_same_values(db, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(_export(db, tmp_path, "--format", "parquet", name="r.parquet"))
    schema = table.schema
    assert schema.field("published_estimated").type == pa.bool_()
    assert schema.field("places").type.value_type.field("lat").type == pa.float64()
    assert schema.field("events").type.value_type.field("source").type == pa.list_(pa.string())
    assert schema.field("amounts").type.value_type.field("value").type == pa.float64()
    rows = table.to_pylist()
    records = _jsonl(_export(db, tmp_path, name="r.jsonl"))
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        for key in ("title", "text", "published", "countries", "entities", "places", "amounts", "topics"):
            if key in record:
                assert row[key] == record[key], key
            else:
                assert row[key] is None, key  # absent stays null, not an empty list
        assert [{k: e[k] for k in record_event} for e, record_event in
                zip(row["events"] or [], record.get("events", []), strict=True)] == record.get("events", [])
    events = pq.read_table(_export(db, tmp_path, "--format", "parquet", "--what", "events", name="e.parquet"))
    assert events.num_rows == 2 and events.schema.field("n").type == pa.int32()
    entities = pq.read_table(_export(db, tmp_path, "--format", "parquet", "--what", "entities", name="n.parquet"))
    assert entities.column("articles").to_pylist() == [1, 1, 1]


# -- errors and atomic files -----------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["--format", "xml"], "--format 'xml': expected one of jsonl, csv, parquet, geojson"),
    (["--what", "people"], "--what 'people': expected one of records, events, entities"),
    (["--format", "geojson", "--what", "entities"], "--format geojson holds records or events, not entities"),
    (["--format", "parquet"], "--format parquet is binary: give --out FILE"),
    (["--since", "2025-02-30"], "--since: expected a date YYYY-MM-DD, got '2025-02-30'"),
    (["--since", "2025-08-01", "--until", "2025-07-01"], "--since 2025-08-01 is after --until 2025-07-01"),
    (["--by", "ingested"], "--by 'ingested': expected published or event"),
    (["--country", "Kazakhstan"], "Kazakhstan: not an ISO 3166-1 alpha-2 country code silkwire knows"),
    (["sommet AND"], "needs a term after it"),
    (["--event", "HUG"], "--event 'HUG': expected a PLOVER type: AGREE, CONSULT"),
    (["--topic", "économie"], "--topic 'économie': expected an IPTC Media Topic code such as medtop:04000000"),
])
def test_bad_requests_exit_2_with_one_clear_line(db, args, message):
    result = run("export", "--db", db, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_an_output_that_cannot_be_written_exits_2_before_reading(db, tmp_path):
    for out, message in ((tmp_path / "no" / "x.jsonl", "cannot write in"), (tmp_path, "is a folder")):
        result = run("export", "--db", db, "--out", str(out))
        assert result.exit_code == 2 and message in result.output, result.output
    result = run("digest", "--db", db, "--out", str(tmp_path / "no" / "d.md"))
    assert result.exit_code == 2 and "cannot write in" in result.output


def test_missing_database_exits_2(tmp_path):
    result = run("export", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "no such database" in result.output


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "geojson"])
def test_a_failed_export_leaves_the_target_as_it_was(db, tmp_path, monkeypatch, fmt):
    target = tmp_path / f"keep.{fmt}"
    target.write_text("previous export\n")
    calls = {"n": 0}
    real = exporting._rows

    def failing(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        yield from real(*args)

    monkeypatch.setattr(exporting, "_rows", failing)
    with service.open_workspace(db) as ws, pytest.raises(OSError, match="disk full"):
        exporting.export(ws, fmt, "records", out=str(target))
    assert target.read_text() == "previous export\n"
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in tmp_path.iterdir() if ".part" not in p.name)


def test_a_completed_export_replaces_the_target_with_normal_permissions(db, tmp_path):
    target = tmp_path / "x.jsonl"
    target.write_text("old")
    out = _export(db, tmp_path, name="x.jsonl")
    assert out == target and len(_jsonl(target)) == len(ITEMS)
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_demo_corpus_exports_in_every_format_and_round_trips(tmp_path):
    import pyarrow.parquet as pq

    db = str(tmp_path / "demo.db")
    report, _ = service.build_demo(db)
    records = _jsonl(_export(db, tmp_path, name="demo.jsonl"))
    assert len(records) == report.new
    fresh = str(tmp_path / "fresh.db")
    assert run("ingest", str(tmp_path / "demo.jsonl"), "--db", fresh).exit_code == 0
    with service.open_workspace(fresh) as ws:
        assert [r[0] for r in ws.store.db.execute("SELECT id FROM articles ORDER BY rowid")] == [r["id"] for r in records]
    events = _jsonl(_export(db, tmp_path, "--what", "events", name="events.jsonl"))
    assert len(events) == sum(len(r.get("events") or ()) for r in records) > 0
    for e in events:
        text = next(r["text"] for r in records if r["id"] == e["article_id"])
        assert text[e["evidence"][0]:e["evidence"][1]] == e["evidence_text"]
    geo = json.loads(_export(db, tmp_path, "--format", "geojson", name="demo.geojson").read_text(encoding="utf-8"))
    located = sum(1 for r in records for p in r.get("places") or () if p["lat"] is not None)
    assert sum(f["properties"]["kind"] == "place" for f in geo["features"]) == located > 0
    assert all(-180 <= f["geometry"]["coordinates"][0] <= 180 and -90 <= f["geometry"]["coordinates"][1] <= 90
               for f in geo["features"])
    assert pq.read_table(_export(db, tmp_path, "--format", "parquet", name="demo.parquet")).num_rows == len(records)
    table = list(csv.reader(io.StringIO(_export(db, tmp_path, "--format", "csv", name="demo.csv")
                                        .read_text(encoding="utf-8"), newline="")))
    assert len(table) == len(records) + 1 and all(len(row) == len(RECORD_COLUMNS) for row in table)
