"""The API against hostile requests (issue 18): token before body, bounded bodies, nested
queries, surrogates, security headers, redirects that stay on the site, 405's Allow."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from silkwire.api import ApiSettings, create_app
from silkwire.service import articles as service

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NESTED = "(" * 400 + "police" + ")" * 400


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"title": "Sommet à Samarcande", "lead": "Les présidents se réunissent.",
                                "published": "2025-04-05"}, ensure_ascii=False) + "\n", encoding="utf-8")
    db_path = str(tmp_path / "api.db")
    with service.open_workspace(db_path, create=True) as ws:
        service.ingest(ws, [str(path)])
    return db_path


@pytest.fixture
def client(db):
    with TestClient(create_app(ApiSettings(db_path=db, ingest_token=TOKEN, max_body_bytes=100_000))) as c:
        yield c


def call(app: Any, method: str, path: str, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, dict[str, str],
                                                                                                  int]:
    """The app called as ASGI with a body in ``chunks``: (status, headers, chunks it read)."""
    read = 0
    started: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read >= len(chunks):
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "query_string": b"", "root_path": "", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    return started["status"], {k.decode(): v.decode() for k, v in started["headers"]}, read


def test_missing_token_is_401_before_any_body_is_read(db):
    app = create_app(ApiSettings(db_path=db, ingest_token=TOKEN))
    body = [b"[" * 3000] + [b"a" * 65536] * 50  # deeply nested, and 3 MB
    status, headers, read = call(app, "POST", "/api/articles", {"content-type": "application/json"}, body)
    assert (status, headers["www-authenticate"], read) == (401, "Bearer", 0)
    status, _, read = call(app, "POST", "/api/articles", {"authorization": "Bearer nope"}, body)
    assert (status, read) == (403, 0)
    disabled = create_app(ApiSettings(db_path=db))
    assert call(disabled, "POST", "/api/articles", {}, body)[::2] == (403, 0)


def test_body_over_the_limit_is_413_unread_or_cut_short(db):
    app = create_app(ApiSettings(db_path=db, ingest_token=TOKEN, max_body_bytes=100_000))
    declared = {**AUTH, "content-length": "200000000", "content-type": "application/json"}
    status, _, read = call(app, "POST", "/api/articles", declared, [b"a" * 65536] * 50)
    assert (status, read) == (413, 0)
    chunked = {**AUTH, "transfer-encoding": "chunked", "content-type": "application/json"}
    status, _, read = call(app, "POST", "/api/articles", chunked, [b"a" * 65536] * 50)
    assert (status, read) == (413, 2)  # stopped at the chunk that crossed 100 KB


def test_within_the_limit_ingest_works_and_errors_name_the_limit(client):
    ok = client.post("/api/articles", json={"title": "Forum", "lead": "Le forum de Tachkent s'ouvre."}, headers=AUTH)
    assert ok.status_code == 200 and ok.json()["new"] == 1
    big = client.post("/api/articles", content=b"[" + b" " * 200_000 + b"]", headers=AUTH)
    assert big.status_code == 413 and "at most 100,000" in big.json()["error"]


def test_lone_surrogate_record_is_stored_with_a_warning_not_a_500(client):
    response = client.post("/api/articles", content=b'{"title":"a\\ud800b","lead":"x"}',
                           headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["new"] == 1 and "U+FFFD" in report["warnings"][0]["error"]


def test_deeply_nested_body_with_the_token_is_a_400(client):
    response = client.post("/api/articles", content=b"[" * 3000, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/articles", "/api/facets", "/"])
def test_nested_parentheses_are_a_400_naming_the_column(client, path):
    response = client.get(path, params={"q": NESTED})
    assert response.status_code == 400
    assert "parentheses nested too deeply at column 21: at most 20 levels" in response.text


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/api/stats", "/static/style.css", "/nulle-part", "/api/articles?limit=0"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "style-src 'self'" in csp
        assert "script-src" not in csp  # no script at all (default-src 'none')
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_pages_need_no_inline_style_or_script(client):
    for path in ("/", "/relations", "/carte", "/pays"):
        html = client.get(path).text
        assert " style=" not in html and "<script" not in html and "<style" not in html, path


def test_trailing_slash_redirect_does_not_echo_the_host(client):
    response = client.get("/histoires/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code in (307, 308) and response.headers["location"] == "/histoires"
    sneaky = client.get("//evil.example/", follow_redirects=False)
    assert not sneaky.headers.get("location", "/").startswith("//")


def test_405_allow_names_every_method_of_the_path(client):
    response = client.put("/api/articles", json={})
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "POST"}


def test_openapi_states_dates_country_codes_and_event_types(client):
    params = {p["name"]: p for p in client.get("/api/openapi.json").json()["paths"]["/api/articles"]["get"]
              ["parameters"]}
    assert params["since"]["schema"]["format"] == "date"
    assert params["country"]["schema"]["items"]["pattern"] == "^[A-Za-z]{2}$"
    assert "AGREE" in params["event"]["schema"]["items"]["enum"]
