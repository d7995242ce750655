"""The REST API through FastAPI's test client: filters, paging, errors, ingest token, schema."""

import json
import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openapi_spec_validator import validate as validate_openapi

from silkwire.api import ApiSettings, create_app
from silkwire.model import CountryRef, Enrichment, Entity, Place
from silkwire.service import articles as service
from silkwire.service.pool import WorkspacePool

# (title, lead, published, source); facts come from FACTS below, by title.
ITEMS = [
    ("Sommet à Samarcande", "Les présidents ouzbek et kazakh se réunissent à Samarcande.", "2025-04-05", "A"),
    ("Gaz turkmène vers la Chine", "Le gazoduc Asie centrale–Chine transporte le gaz turkmène.", "2025-04-05", "B"),
    ("Visite à Douchanbé", "Le président kazakh se rendra au Tadjikistan en octobre.", "2025-06-01", "A"),
    ("Élections au Kirghizstan", "Les électeurs kirghiz votent dimanche ; le sommet régional attendra.", "2024-11-30", "C"),
    ("Un titre <script>alert(1)</script>", "Le texte <script>alert('x')</script> & co, au Kazakhstan.", "2024-01-02", "B"),
    ("Tennis kazakh", "La fédération kazakhe de tennis vise les grands tournois.", None, "C"),
]
# title -> (countries, entity ids, places, event date)
FACTS = {
    "Sommet à Samarcande": (("UZ", "KZ"), ("per:shavkat-mirziyoyev",), ("Samarcande",), "2025-04-04"),
    "Gaz turkmène vers la Chine": (("TM", "CN"), (), (), "2025-Q1"),
    "Visite à Douchanbé": (("KZ", "TJ"), ("per:kassym-jomart-tokaiev",), ("Douchanbé",), "2025-10"),
    "Élections au Kirghizstan": (("KG",), (), (), "2024-12-01"),
}
TOKEN = "s3cret-token"


def fake_facts(articles):
    """A hand-written enricher (plumbing only): the facts of FACTS, with spans on the title."""
    for a in articles:
        countries, entities, places, event_date = FACTS.get(a.title, ((), (), (), None))
        span = ((0, len(a.title or "")),)
        yield Enrichment(
            article_id=a.id,
            countries=tuple(CountryRef(c, ("name",), span) for c in countries),
            entities=tuple(Entity(e, "PER", e[4:], span) for e in entities),
            places=tuple(Place(p, span) for p in places),
            dates=(),
            event_date=event_date,
            status="done" if event_date else None,
        )


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "items.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for title, lead, published, source in ITEMS:
            record = {"title": title, "lead": lead, "source": source, "published": published}
            fh.write(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False) + "\n")
    db_path = str(tmp_path / "api.db")
    with service.open_workspace(db_path, create=True) as ws:
        service.ingest(ws, [str(path)])
        service.enrich(ws, enricher=fake_facts)
    return db_path


@pytest.fixture
def client(db):
    with TestClient(create_app(ApiSettings(db_path=db, max_limit=50))) as c:
        yield c


@pytest.fixture
def writer(db):
    with TestClient(create_app(ApiSettings(db_path=db, ingest_token=TOKEN, max_ingest=3))) as c:
        yield c


def titles(client, **params):
    response = client.get("/api/articles", params={"limit": 50, **params})
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


# -- listing and filters -------------------------------------------------------------------------


def test_list_is_newest_first_with_ties_in_stored_order_and_undated_last(client):
    body = client.get("/api/articles").json()
    assert body["total"] == len(ITEMS) and body["sort"] == "date" and body["query"] is None
    assert [i["title"] for i in body["items"]] == [
        "Visite à Douchanbé", "Sommet à Samarcande", "Gaz turkmène vers la Chine", "Élections au Kirghizstan",
        "Un titre <script>alert(1)</script>", "Tennis kazakh"]
    first = body["items"][0]
    assert first["snippet"].startswith("Le président kazakh") and "score" not in first


@pytest.mark.parametrize(("params", "expected"), [
    ({"since": "2025-01-01"}, {"Sommet à Samarcande", "Gaz turkmène vers la Chine", "Visite à Douchanbé"}),
    ({"until": "2024-11-30"}, {"Élections au Kirghizstan", "Un titre <script>alert(1)</script>"}),
    ({"since": "2025-04-05", "until": "2025-04-05"}, {"Sommet à Samarcande", "Gaz turkmène vers la Chine"}),
    ({"source": ["A", "C"]}, {"Sommet à Samarcande", "Visite à Douchanbé", "Élections au Kirghizstan", "Tennis kazakh"}),
    ({"country": "kz"}, {"Sommet à Samarcande", "Visite à Douchanbé"}),
    ({"country": ["KZ", "TJ"]}, {"Visite à Douchanbé"}),
    ({"entity": "per:shavkat-mirziyoyev"}, {"Sommet à Samarcande"}),
    ({"place": "Douchanbé"}, {"Visite à Douchanbé"}),
    # event dates of month and quarter grain count from their first day, as in search
    ({"by": "event", "since": "2025-01-01", "until": "2025-09-30"}, {"Sommet à Samarcande", "Gaz turkmène vers la Chine"}),
    ({"by": "event", "since": "2025-10-01"}, {"Visite à Douchanbé"}),
    ({"by": "event", "until": "2024-12-31"}, {"Élections au Kirghizstan"}),
    ({"source": "B", "since": "2025-01-01"}, {"Gaz turkmène vers la Chine"}),
])
def test_filters_select_the_same_articles_with_and_without_a_query(client, params, expected):
    assert set(titles(client, **params)) == expected
    # every test article holds one of these words, so with q the filters alone decide
    everything = "président OR gaz OR électeurs OR texte OR fédération"
    assert set(titles(client, q=everything, **params)) == expected
    assert set(titles(client, q=everything, sort="date", **params)) == expected


def test_search_ranks_by_relevance_with_highlights_or_by_date(client):
    body = client.get("/api/articles", params={"q": "sommet"}).json()
    assert body["sort"] == "relevance" and body["total"] == 2
    top = body["items"][0]
    assert top["title"] == "Sommet à Samarcande" and top["score"] > body["items"][1]["score"]
    assert top["highlights"][0] == [0, 6]
    by_date = client.get("/api/articles", params={"q": "sommet", "sort": "date"}).json()
    assert [i["title"] for i in by_date["items"]] == ["Sommet à Samarcande", "Élections au Kirghizstan"]
    assert "score" not in by_date["items"][0]


def test_blank_query_lists_like_no_query(client):
    assert titles(client, q="   ") == titles(client)


# -- paging ------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [None, "kazakh OR sommet OR gaz OR électeurs"])
def test_paging_with_next_links_walks_every_result_once(client, q):
    whole = client.get("/api/articles", params={"q": q} if q else {}).json()
    url, seen, pages = "/api/articles?" + (f"q={q}&" if q else "") + "limit=2&source=A&source=B&source=C", [], 0
    while url:
        body = client.get(url).json()
        assert body["total"] == whole["total"] and len(body["items"]) <= 2
        assert dict(parse_qsl(urlsplit(url).query)).get("q") == q
        seen += [i["id"] for i in body["items"]]
        url, pages = body["next"], pages + 1
        if url:
            assert parse_qsl(urlsplit(url).query).count(("source", "B")) == 1  # repeated params kept
    assert seen == [i["id"] for i in whole["items"]] and pages == -(-whole["total"] // 2)


def test_prev_link_and_past_the_end(client):
    body = client.get("/api/articles", params={"limit": 2, "offset": 3}).json()
    assert body["prev"] == "/api/articles?limit=2&offset=1" and body["next"] == "/api/articles?limit=2&offset=5"
    empty = client.get("/api/articles", params={"offset": 40}).json()
    assert empty["items"] == [] and empty["next"] is None and empty["total"] == len(ITEMS)


# -- one article, stats ---------------------------------------------------------------------------


def test_article_record_with_facts_and_spans_by_id_or_prefix(client):
    item = client.get("/api/articles", params={"q": "Samarcande"}).json()["items"][0]
    record = client.get(f"/api/articles/{item['id']}").json()
    assert record["title"] == "Sommet à Samarcande" and record["event_date"] == "2025-04-04"
    assert [c["code"] for c in record["countries"]] == ["UZ", "KZ"]
    start, end = record["places"][0]["spans"][0]
    assert record["text"][start:end] == "Sommet à Samarcande"
    assert "ref" not in record and "topics" not in record  # absent, never null or faked
    assert client.get(f"/api/articles/{item['id'][:8]}").json()["id"] == item["id"]


def test_script_in_an_article_is_a_plain_json_string(client):
    item = client.get("/api/articles", params={"q": "alert"}).json()["items"][0]
    response = client.get(f"/api/articles/{item['id']}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["text"] == "Un titre <script>alert(1)</script>\n\nLe texte <script>alert('x')</script> & co, au Kazakhstan."


def test_stats_do_not_reveal_the_server_path(client, db):
    data = client.get("/api/stats").json()
    assert data["articles"] == data["indexed"] == len(ITEMS) and data["enriched"] == len(ITEMS)
    assert data["sources"] == {"A": 2, "B": 2, "C": 2} and data["published_last"] == "2025-06-01"
    assert db not in json.dumps(data)


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url", "status", "message"), [
    ("get", "/api/articles?q=gaz AND", 400, "'AND' at column 5 needs a term after it"),
    ("get", '/api/articles?q="sommet', 400, "unclosed quote"),
    ("get", "/api/articles?q=le de", 400, "only stop words"),
    ("get", "/api/articles?q=(gaz", 400, ""),
    ("get", "/api/articles?since=2025-02-30", 400, "since: expected a date YYYY-MM-DD, got '2025-02-30'"),
    ("get", "/api/articles?until=hier", 400, "until: expected a date"),
    ("get", "/api/articles?q=gaz&since=demain", 400, "since: expected a date"),
    ("get", "/api/articles?q=" + "gaz " * 300, 400, "q: String should have at most 1000 characters"),
    ("get", "/api/articles?limit=51", 400, "limit: Input should be less than or equal to 50"),
    ("get", "/api/articles?limit=0", 400, "limit:"),
    ("get", "/api/articles?offset=-1", 400, "offset:"),
    ("get", "/api/articles?by=story", 400, "by:"),
    ("get", "/api/articles?sort=relevance", 400, "sort=relevance needs a query q"),
    ("get", "/api/articles/0000000000000000", 404, "no article with this id"),
    ("get", "/api/nothing-here", 404, "Not Found"),
    ("delete", "/api/articles", 405, "Method Not Allowed"),
])
def test_errors_are_json_with_a_message_and_the_right_status(client, method, url, status, message):
    response = client.request(method.upper(), url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert message in response.json()["error"]


def test_missing_database_is_a_503_not_a_crash(tmp_path):
    with TestClient(create_app(ApiSettings(db_path=str(tmp_path / "none.db")))) as c:
        response = c.get("/api/articles")
    assert response.status_code == 503 and "no such database" in response.json()["error"]
    assert not (tmp_path / "none.db").exists()  # a read-only server creates nothing


# -- ingest ------------------------------------------------------------------------------------


NEW = {"title": "Forum de Tachkent", "lead": "Le forum économique de Tachkent s'ouvre lundi.", "date": "2025-07-01"}


def test_ingest_is_refused_without_a_configured_token(client):
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
        response = client.post("/api/articles", json=NEW, headers=headers)
        assert response.status_code == 403 and "without an ingest token" in response.json()["error"]
    assert client.get("/api/stats").json()["articles"] == len(ITEMS)


def test_ingest_needs_the_right_bearer_token(writer):
    missing = writer.post("/api/articles", json=NEW)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    for wrong in (f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}"):
        response = writer.post("/api/articles", json=NEW, headers={"Authorization": wrong})
        assert response.status_code in (401, 403), wrong
    assert writer.get("/api/stats").json()["articles"] == len(ITEMS)


def test_ingest_stores_indexes_and_is_idempotent(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    report = writer.post("/api/articles", json=NEW, headers=auth).json()
    assert report["new"] == 1 and report["duplicate"] == 0 and report["rejected"] == []
    article_id = report["ids"][0]
    record = writer.get(f"/api/articles/{article_id}").json()
    assert record["source"] == "api" and record["published"] == "2025-07-01"
    assert [i["id"] for i in writer.get("/api/articles", params={"q": "forum"}).json()["items"]] == [article_id]
    again = writer.post("/api/articles?source=api", json=[NEW], headers=auth).json()
    assert again["new"] == 0 and again["duplicate"] == 1 and again["ids"] == [article_id]


def test_ingest_reports_bad_records_and_keeps_the_good_ones(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    batch = [{"title": "Sans texte"}, {**NEW, "source": "X"}, {"lead": "Daté bizarrement.", "published": "juillet"}]
    report = writer.post("/api/articles", json=batch, headers=auth).json()
    assert report["new"] == 1 and report["ids"][0] is None and report["ids"][2] is None
    assert [p["index"] for p in report["rejected"]] == [0, 2]
    assert "no text" in report["rejected"][0]["error"] and "ISO 8601" in report["rejected"][1]["error"]
    assert writer.get(f"/api/articles/{report['ids'][1]}").json()["source"] == "X"


@pytest.mark.parametrize(("body", "status", "message"), [
    ([NEW] * 4, 413, "at most 3 per request"),
    ({"title": 5, "lead": "x"}, 400, "title"),
    ("juste du texte", 400, ""),
])
def test_ingest_rejects_malformed_requests_whole(writer, body, status, message):
    response = writer.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == status and message in response.json()["error"]
    assert writer.get("/api/stats").json()["articles"] == len(ITEMS)


def test_a_writable_server_creates_its_database(tmp_path):
    settings = ApiSettings(db_path=str(tmp_path / "new.db"), ingest_token=TOKEN)
    with TestClient(create_app(settings)) as c:
        assert c.get("/api/articles").json()["total"] == 0
        assert c.post("/api/articles", json=NEW, headers={"Authorization": f"Bearer {TOKEN}"}).json()["new"] == 1


# -- schema, state, concurrency ----------------------------------------------------------------


def test_openapi_schema_is_valid_and_documents_every_route(client):
    schema = client.get("/api/openapi.json").json()
    validate_openapi(schema)  # raises on an invalid OpenAPI 3.1 document
    routes = [r for r in client.app.routes if isinstance(r, APIRoute) and r.include_in_schema]  # web pages: not API
    assert {r.path for r in routes} >= {"/api/articles", "/api/articles/{article_id}", "/api/stats"}
    for route in routes:
        for method in route.methods:
            operation = schema["paths"][route.path][method.lower()]
            assert operation.get("summary") and operation.get("description"), route.path
            assert "422" not in operation["responses"]  # validation errors are 400s here
    assert "400" in schema["paths"]["/api/articles"]["get"]["responses"]
    assert schema["paths"]["/api/articles"]["post"]["security"]


def test_two_apps_share_no_state(db, tmp_path):
    other = tmp_path / "other.db"
    with service.open_workspace(str(other), create=True):
        pass
    with TestClient(create_app(ApiSettings(db_path=db))) as a, \
         TestClient(create_app(ApiSettings(db_path=str(other)))) as b:
        assert a.get("/api/stats").json()["articles"] == len(ITEMS)
        assert b.get("/api/stats").json()["articles"] == 0


def test_pool_lends_each_workspace_to_one_thread_at_a_time(db):
    pool = WorkspacePool(db, size=2)
    busy: set[int] = set()
    lock = threading.Lock()
    errors: list[str] = []

    def work():
        for _ in range(20):
            with pool.take() as ws:
                with lock:
                    if id(ws) in busy:
                        errors.append("shared")
                    busy.add(id(ws))
                service.search(ws, "sommet")
                with lock:
                    busy.discard(id(ws))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(pool._all) == 2
    pool.close()


def test_ingest_while_another_process_writes_is_a_503_that_stores_nothing(writer, db):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with service.open_workspace(db) as other:
        other.index.add([])  # takes the index writer lock, as a running `silkwire ingest` does
        response = writer.post("/api/articles", json=NEW, headers=auth)
        assert response.status_code == 503 and "another process is writing" in response.json()["error"]
        assert writer.get("/api/stats").json()["articles"] == len(ITEMS)
    assert writer.post("/api/articles", json=NEW, headers=auth).json()["new"] == 1


def test_serve_refuses_a_missing_database_before_listening(tmp_path, monkeypatch):
    from silkwire.api.serve import serve
    from silkwire.errors import StoreError

    monkeypatch.delenv("SILKWIRE_INGEST_TOKEN", raising=False)
    with pytest.raises(StoreError, match="no such database"):
        serve("127.0.0.1", 0, str(tmp_path / "typo.db"))
    assert not (tmp_path / "typo.db").exists()


def test_serve_answers_over_http_on_loopback(db):
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from silkwire.api.serve import serve; serve('127.0.0.1', {port}, {db!r}, log_level='warning')"
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/articles?q=sommet", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["total"] == 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)
