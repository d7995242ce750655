"""GET /api/export: silkwire export over HTTP (streamed), the same rows as the command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from export_data import ITEMS, build_db
from fastapi.testclient import TestClient
from openapi_spec_validator import validate as validate_openapi
from typer.testing import CliRunner

from silkwire.api import ApiSettings, create_app
from silkwire.cli.main import app
from silkwire.service import articles as service
from silkwire.service import export as exporting


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = build_db(tmp_path_factory.mktemp("api-export"))
    with service.open_workspace(path) as ws:  # the undated article gets an estimated window
        rowid = int(ws.store.db.execute("SELECT rowid FROM articles WHERE title IS NULL").fetchone()[0])
        ws.store.set_published_estimates([(rowid, "2025-07-01/2025-07-10", True)])
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(ApiSettings(db_path=db, pool_size=2))) as c:
        yield c


def cli_export(db: str, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "cli.out"
    result = CliRunner().invoke(app, ["export", "--db", db, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_jsonl_round_trip_gives_the_stored_records(client, db):
    r = client.get("/api/export")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/x-ndjson"
    assert r.headers["content-disposition"] == 'attachment; filename="silkwire-records.jsonl"'
    records = [json.loads(line) for line in r.text.splitlines()]
    with service.open_workspace(db) as ws:
        order = [row[0] for row in ws.store.db.execute("SELECT id FROM articles ORDER BY rowid")]
        assert records == [service.show(ws, i) for i in order]  # every article, in input order, whole record
    assert len(records) == len(ITEMS)
    assert (records[4]["published"], records[4]["published_estimated"]) == ("2025-07-01/2025-07-10", True)


@pytest.mark.parametrize(("params", "args"), [
    ({"format": "csv"}, ["--format", "csv"]),
    ({"format": "csv", "what": "events"}, ["--format", "csv", "--what", "events"]),
    ({"what": "entities", "source": "Steppe"}, ["--what", "entities", "--source", "Steppe"]),
    ({"format": "geojson"}, ["--format", "geojson"]),
    ({"format": "geojson", "what": "events", "country": "kz"}, ["--format", "geojson", "--what", "events",
                                                                "--country", "KZ"]),
    ({"q": "kazakhstan", "source": "Steppe"}, ["kazakhstan", "--source", "Steppe"]),
    ({"since": "2025-07-12", "until": "2025-07-31"}, ["--since", "2025-07-12", "--until", "2025-07-31"]),
    ({"since": "2025-07-01", "by": "event"}, ["--since", "2025-07-01", "--by", "event"]),
    ({"event": "consult", "what": "events"}, ["--event", "CONSULT", "--what", "events"]),
    ({"topic": "medtop:04000000"}, ["--topic", "medtop:04000000"]),
    ({"entity": "per:kassym-jomart-tokaiev", "place": "Tachkent"}, ["--entity", "per:kassym-jomart-tokaiev",
                                                                      "--place", "Tachkent"]),
])
def test_every_format_and_filter_gives_the_bytes_of_the_command(client, db, tmp_path, params, args):
    r = client.get("/api/export", params=params)
    assert r.status_code == 200, r.text
    assert r.content == cli_export(db, tmp_path, *args)
    assert r.content.strip()  # each case selects something (an empty export would prove little)


def test_content_types_and_file_names(client):
    for fmt, what, media, name in (("csv", "events", "text/csv; charset=utf-8", "silkwire-events.csv"),
                                   ("geojson", "records", "application/geo+json", "silkwire-records.geojson"),
                                   ("parquet", "entities", "application/vnd.apache.parquet",
                                    "silkwire-entities.parquet")):
        r = client.get("/api/export", params={"format": fmt, "what": what})
        assert r.headers["content-type"] == media
        assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export", params={"format": "csv"}).text, newline="")))
    assert len(rows) == len(ITEMS) and rows[0]["countries"] == "KZ|AF"
    geo = client.get("/api/export", params={"format": "geojson"}).json()
    assert geo["type"] == "FeatureCollection" and geo["features"]


@pytest.mark.parametrize("what", ["records", "events", "entities"])
def test_parquet_is_the_table_the_command_writes(client, db, tmp_path, what):
    import pyarrow as pa
    import pyarrow.parquet as pq

    r = client.get("/api/export", params={"format": "parquet", "what": what})
    assert r.status_code == 200
    streamed = pq.read_table(pa.BufferReader(r.content))
    written = pq.read_table(pa.BufferReader(cli_export(db, tmp_path, "--format", "parquet", "--what", what)))
    assert streamed.schema == written.schema and streamed.to_pylist() == written.to_pylist()
    assert streamed.num_rows > 0


def test_a_long_export_comes_in_several_chunks_and_round_trips(db, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 200)
    with service.open_workspace(db) as ws:
        chunks = list(exporting.export_chunks(ws, "jsonl"))
        records = list(exporting.matching_records(ws))
    assert len(chunks) > 2
    assert [json.loads(line) for line in b"".join(chunks).decode("utf-8").splitlines()] == records


@pytest.mark.parametrize(("params", "message"), [
    ({"format": "xml"}, "format: Input should be 'jsonl', 'csv', 'parquet' or 'geojson'"),
    ({"what": "people"}, "what: Input should be 'records', 'events' or 'entities'"),
    ({"format": "geojson", "what": "entities"}, "format geojson holds records or events, not entities"),
    ({"since": "2025-02-30"}, "since: expected a date YYYY-MM-DD, got '2025-02-30'"),
    ({"since": "2025-08-01", "until": "2025-07-01"}, "since 2025-08-01 is after until 2025-07-01"),
    ({"by": "ingested"}, "by: Input should be 'published' or 'event'"),
    ({"country": "Kazakhstan"}, "country 'KAZAKHSTAN': expected an ISO 3166-1 alpha-2 code"),
    ({"event": "hug"}, "event 'HUG': expected a PLOVER type: AGREE, CONSULT"),
    ({"topic": "économie"}, "topic 'économie': expected an IPTC Media Topic code"),
    ({"q": "sommet AND"}, "needs a term after it"),
])
def test_bad_requests_are_json_400s(client, params, message):
    r = client.get("/api/export", params=params)
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"
    assert message in r.json()["error"], r.json()


def test_the_stream_gives_its_workspace_back(client):
    # pool_size 2: more exports than workspaces, each read to its end, then a bad one, then others
    for _ in range(5):
        assert client.get("/api/export", params={"format": "csv"}).status_code == 200
    assert client.get("/api/export", params={"q": "sommet AND"}).status_code == 400
    for _ in range(3):
        assert client.get("/api/export").status_code == 200
    with client.stream("GET", "/api/export") as r:  # a client that leaves after the first bytes
        next(r.iter_bytes())
    assert client.get("/api/stats").status_code == 200 and client.get("/api/export").status_code == 200


def test_openapi_stays_valid_and_documents_the_export(client):
    schema = client.get("/api/openapi.json").json()
    validate_openapi(schema)
    operation = schema["paths"]["/api/export"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names >= {"format", "what", "q", "since", "until", "by", "source", "country", "entity", "place", "event",
                     "topic"}
    assert {"application/x-ndjson", "text/csv", "application/geo+json",
            "application/vnd.apache.parquet"} <= set(operation["responses"]["200"]["content"])
    assert "400" in operation["responses"] and "422" not in operation["responses"]
