"""French throughout: a crawl of every kind of page of the demo finds no English code, no English
month, no raw ISO date or range, no English place name and no cut id in the visible text.

The demo database is built with the real pipeline (as `silkwire demo`), then the pages are
followed from the feed: every page reached, up to ``PER_SHAPE`` pages of each shape
(/articles/{id}, /pays/{code}…). The browser version (article, country and map pages, as
Chromium renders them) is in test_web_browser.py.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from french_text import problems, visible_nodes

from silkwire.api.app import ApiSettings, create_app
from silkwire.model import Correction, SearchFilters
from silkwire.service import alerts, corrections
from silkwire.service import articles as service

PER_SHAPE = 12
LINK = re.compile(r'href="(/[^"#]*)"')


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("french") / "demo.db")
    service.build_demo(db)
    with service.open_workspace(db) as ws:
        alerts.add_alert(ws, "gaz", "gaz OR pétrole", SearchFilters(), include_existing=True)
        alerts.run_alerts(ws)
        first = service.search(ws, "Tokaïev").hits[0].article.id
        record = service.show(ws, first)
        corrections.correct(ws, Correction("reject", "country", {"code": record["countries"][0]["code"]},
                                           "ana", "essai", first))
        corpus = "\n".join(" ".join(a.text.split()) for _, a in ws.store.articles_after(0, 10_000))
    return db, corpus


def _shape(path: str) -> str:
    """/articles/3f2a… -> /articles/{}: the pages of one template."""
    return re.sub(r"(?<=/)[^/]+$", "{}", path) if path.count("/") > 1 else path


def test_every_page_of_the_demo_is_french(demo) -> None:
    db, corpus = demo
    client = TestClient(create_app(ApiSettings(db_path=db)))
    queue = deque(["/", "/pays", "/carte", "/relations", "/histoires", "/entites", "/synthese", "/alertes",
                   "/corrections", "/synthese?country=KZ", "/?q=gaz", "/?country=KZ&since=01/01/2025"])
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    found: dict[str, list[str]] = {}
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        wrong = problems(visible_nodes(response.text), corpus)
        if wrong:
            found[path] = wrong
        for link in LINK.findall(response.text):
            link = link.replace("&amp;", "&")
            if link.startswith(("/api", "/static")) or urlsplit(link).path.endswith((".json", ".jsonl")):
                continue
            shape = _shape(urlsplit(link).path)
            if link not in seen and shapes[shape] < PER_SHAPE:
                shapes[shape] += 1
                queue.append(link)
    assert len(seen) > 60 and {"/articles/{}", "/pays/{}", "/entites/{}", "/histoires/{}"} <= set(shapes)
    assert found == {}, "\n".join(f"{path}: {p}" for path, ps in found.items() for p in ps[:5])
