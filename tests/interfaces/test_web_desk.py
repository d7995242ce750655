"""The analyst's desk on the web: the token-guarded correction forms, the corrections list, the
alert pages and the digest page; and corrections through the API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from export_data import build_db
from fastapi.testclient import TestClient

from silkwire.api.app import ApiSettings, create_app
from silkwire.model import SearchFilters
from silkwire.service import alerts
from silkwire.service import articles as service

TOKEN = "s3cret-token"
TITLE = "Le Kazakhstan et l’Afghanistan signent un accord ferroviaire"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return build_db(tmp_path)


def _article_id(db: str) -> str:
    with service.open_workspace(db) as ws:
        return ws.store.ids_by_title(TITLE)[0]


def test_a_read_only_server_shows_no_form_and_refuses_posts(db) -> None:
    client = TestClient(create_app(ApiSettings(db_path=db)))
    aid = _article_id(db)
    page = client.get(f"/articles/{aid}").text
    assert "lecture seule" in page and 'name="token"' not in page
    refused = client.post(f"/articles/{aid}/corrections", data={"action": "reject", "fact": "country|AF",
                                                                 "author": "ana", "token": "x"})
    assert refused.status_code == 403 and "Jeton" in refused.text
    assert client.get("/api/corrections").json() == []


def test_the_forms_reject_add_and_undo_with_the_token(db) -> None:
    client = TestClient(create_app(ApiSettings(db_path=db, ingest_token=TOKEN)))
    aid = _article_id(db)
    page = client.get(f"/articles/{aid}").text
    assert 'option value="country|AF"' in page and 'name="token" type="password"' in page
    wrong = client.post(f"/articles/{aid}/corrections", data={"action": "reject", "fact": "country|AF",
                                                               "author": "ana", "token": "nope"})
    assert wrong.status_code == 403 and client.get("/api/corrections").json() == []
    done = client.post(f"/articles/{aid}/corrections", follow_redirects=False,
                       data={"action": "reject", "fact": "country|AF", "author": "ana", "reason": "exemple",
                             "token": TOKEN})
    assert done.status_code == 303 and done.headers["location"] == f"/articles/{aid}#corrections"
    added = client.post(f"/articles/{aid}/corrections", data={"action": "add", "kind": "country", "value": "cn",
                                                              "passage": "Kazakhstan", "author": "ana",
                                                              "token": TOKEN})
    assert added.status_code == 200  # the redirect, followed
    record = client.get(f"/api/articles/{aid}").json()
    assert {c["code"] for c in record["countries"]} == {"KZ", "CN"}
    assert [r["fact"]["code"] for r in record["rejected"]] == ["AF"]
    page = client.get(f"/articles/{aid}").text
    assert "Faits rejetés" in page and "corrigé" in page and "exemple" in page
    bad = client.post(f"/articles/{aid}/corrections", data={"action": "add", "kind": "country", "value": "CN",
                                                            "passage": "pas dans le texte", "author": "ana",
                                                            "token": TOKEN})
    assert bad.status_code == 400 and "Correction refusée" in bad.text and "pas dans le texte" in bad.text
    first = client.get("/api/corrections").json()[0]["id"]
    undone = client.post(f"/corrections/{first}/annuler", data={"author": "chef", "token": TOKEN,
                                                                "back": "https://evil.example/"},
                         follow_redirects=False)
    assert undone.status_code == 303 and undone.headers["location"] == "/corrections"
    assert "AF" in {c["code"] for c in client.get(f"/api/articles/{aid}").json()["countries"]}
    listing = client.get("/corrections?toutes=1").text
    assert "annulée par chef" in listing and "rejet (pays)" in listing


def test_corrections_through_the_api(db) -> None:
    client = TestClient(create_app(ApiSettings(db_path=db, ingest_token=TOKEN)))
    aid = _article_id(db)
    body = {"action": "rename", "fact": {"id": "org:talibans", "name": "Les talibans"}, "author": "ana"}
    assert client.post("/api/corrections", json=body).status_code == 401
    assert client.post("/api/corrections", json=body, headers={"Authorization": "Bearer no"}).status_code == 403
    made = client.post("/api/corrections", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == 201 and made.json()["kind"] == "entity" and made.json()["fact"]["previous"] == "Talibans"
    assert client.get(f"/api/articles/{aid}").json()["entities"][0]["name"] == "Les talibans"
    bad = client.post("/api/corrections", headers={"Authorization": f"Bearer {TOKEN}"},
                      json={"action": "reject", "kind": "country", "article_id": aid, "fact": {"code": "FR"},
                            "author": "ana"})
    assert bad.status_code == 400 and "no country" in bad.json()["error"]
    undo = client.post(f"/api/corrections/{made.json()['id']}/undo", json={"author": "chef"},
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert undo.status_code == 200 and undo.json()["undone_by"] == "chef"
    assert client.get(f"/api/articles/{aid}").json()["entities"][0]["name"] == "Talibans"
    gold = client.get("/api/corrections/gold")
    assert gold.status_code == 200 and gold.text == ""  # nothing corrected any more


def test_alert_pages_list_the_matches(db) -> None:
    with service.open_workspace(db) as ws:
        alerts.add_alert(ws, "rail", "ferroviaire OR accord", SearchFilters(countries=("KZ",)), include_existing=True)
        alerts.run_alerts(ws)
    client = TestClient(create_app(ApiSettings(db_path=db)))
    index = client.get("/alertes").text
    assert '<a href="/alertes/rail">rail</a>' in index
    page = client.get("/alertes/rail")
    assert page.status_code == 200 and TITLE in page.text and "Kazakhstan" in page.text
    assert 'href="/?q=ferroviaire+OR+accord&amp;country=KZ"' in page.text
    assert client.get("/alertes/inconnue").status_code == 404


def test_the_digest_page_is_the_digest_in_french_and_printable(db) -> None:
    client = TestClient(create_app(ApiSettings(db_path=db)))
    page = client.get("/synthese?country=KZ&since=01/07/2025&until=31/07/2025")
    assert page.status_code == 200
    html = page.text
    assert "Synthèse — Kazakhstan" in html and "du 1er au 31 juillet 2025" in html
    assert "Événements clés" in html and "<style>" not in html  # the site's stylesheet, no inline style
    assert 'value="01/07/2025"' in html  # the dates as a French reader types them
    assert re.search(r'<a href="/synthese"[^>]*>Synthèse</a>', client.get("/").text)
    assert client.get("/synthese?since=2025-13-45").status_code == 400
