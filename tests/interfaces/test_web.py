"""Web pages and exploration endpoints through the test client: content, filters, errors, escaping."""

import json
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from localdb import enriched_db
from openapi_spec_validator import validate as validate_openapi

from silkwire.api import ApiSettings, create_app
from silkwire.model import Amount, CountryRef, Enrichment, Entity, Event, Place, TimeRef, Topic
from silkwire.service import articles as service

EVIL = "<script>alert('x')</script>"
# (title, lead, published, source)
ITEMS = [
    ("Tokaïev à Douchanbé", "Le président kazakh Kassym-Jomart Tokaïev signe 500 millions de dollars d'accords le 3 mars 2025.",
     "2025-03-04", "A"),
    ("Mirziyoyev reçoit Tokaïev", "Shavkat Mirziyoyev accueille le président kazakh Kassym-Jomart Tokaïev à Samarcande.", "2025-04-10", "B"),
    ("Gaz turkmène", "Le Turkménistan vend son gaz à la Chine.", "2025-04-11", "A"),
    (f"Titre {EVIL} <b>gras</b>", f"Au Kazakhstan, {EVIL} <img src=x onerror=alert(1)> & co.", "2025-05-01", "C"),
    # a copy of "Gaz turkmène" by another outlet, a day later: a duplicate, collapsed everywhere
    ("Gaz turkmène", "Le Turkménistan vend son gaz à la Chine.", "2025-04-12", "D"),
]


def _span(text, needle):
    start = text.index(needle)
    return (start, start + len(needle))


def facts(articles):
    """Hand-written facts (plumbing only), with spans found in each article's text."""
    for a in articles:
        t = a.text
        countries, entities, places, amounts, dates = [], [], [], [], []
        if "kazakh" in t:
            countries.append(CountryRef("KZ", ("demonym",), (_span(t, "kazakh"),)))
        if "Kazakhstan" in t:
            countries.append(CountryRef("KZ", ("name",), (_span(t, "Kazakhstan"),)))
        if "Douchanbé" in t:
            countries.append(CountryRef("TJ", ("capital",), (_span(t, "Douchanbé"),)))
            places.append(Place("Douchanbé", (_span(t, "Douchanbé"),), 1221874, "TJ", 38.54, 68.78))
        if "Samarcande" in t:
            countries.append(CountryRef("UZ", ("place",), (_span(t, "Samarcande"),)))
            places.append(Place("Samarcande", (_span(t, "Samarcande"),), 1216265, "UZ", 39.65, 66.96))
        if "Turkménistan" in t:
            countries += [CountryRef("TM", ("name",), (_span(t, "Turkménistan"),)),
                          CountryRef("CN", ("name",), (_span(t, "Chine"),))]
        if "Kassym-Jomart Tokaïev" in t:
            entities.append(Entity("per:kassym-jomart-tokaiev", "PER", "Kassym-Jomart Tokaïev",
                                   (_span(t, "Kassym-Jomart Tokaïev"),), "KZ", aliases=("Tokaïev",)))
        if "Shavkat Mirziyoyev" in t:
            entities.append(Entity("per:shavkat-mirziyoyev", "PER", "Shavkat Mirziyoyev",
                                   (_span(t, "Shavkat Mirziyoyev"),), "UZ"))
        if "500 millions de dollars" in t:
            amounts.append(Amount("500 millions de dollars", _span(t, "500 millions de dollars"), 5e8, "USD", "money"))
        if "3 mars 2025" in t:
            dates.append(TimeRef("le 3 mars 2025", _span(t, "le 3 mars 2025"), "2025-03-03", "day", "point", "text"))
        events, topics = [], []
        body = (len(a.title or "") + 2, len(t))
        if "signe" in t:  # KZ -> TJ agreement, dated
            events.append(Event("AGREE", ("KZ",), ("TJ",), _span(t, "signe"), body, 0.9, "2025-03-03", "done"))
        if "accueille" in t:  # a meeting: both ways, undated (its article's date counts)
            events.append(Event("CONSULT", ("UZ", "KZ"), ("UZ", "KZ"), _span(t, "accueille"), body, 0.8))
        if "vend" in t:
            events.append(Event("COOPERATE", ("TM",), ("CN",), _span(t, "vend"), body, 0.7, "2025-04", "done"))
            topics.append(Topic("medtop:04000000", "économie, affaires et finance", 0.9))
        if "Kazakhstan," in t:
            events.append(Event("ACCUSE", ("KZ",), ("TJ",), _span(t, "Kazakhstan"), body, 0.5, "2025-05-01", "planned"))
        yield Enrichment(article_id=a.id, countries=tuple(countries), entities=tuple(entities), places=tuple(places),
                         dates=tuple(dates), amounts=tuple(amounts), event_date=dates[0].value if dates else None,
                         status="done" if dates else None, events=tuple(events), topics=tuple(topics))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    rows = [{"title": t, "lead": lead, "published": p, "source": s} for t, lead, p, s in ITEMS]
    return enriched_db(tmp_path_factory.mktemp("web"), rows, facts, name="web")


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(ApiSettings(db_path=db))) as c:
        yield c


def article_ids(html):
    return re.findall(r'href="/articles/([0-9a-f]+)"', html)


def text_of(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


# -- pages -----------------------------------------------------------------------------------


def test_feed_lists_newest_first_with_facets_and_counts(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in r.text and '<main id="contenu"' in r.text
    titles = re.findall(r'<h2><a href="/articles/[0-9a-f]+">(.*?)</a></h2>', r.text)
    assert [text_of(t) for t in titles] == [f"Titre {EVIL} <b>gras</b>", "Gaz turkmène", "Mirziyoyev reçoit Tokaïev",
                                            "Tokaïev à Douchanbé"]
    facets = text_of(r.text.split('aria-label="Filtres"')[1].split("</aside>")[0])
    assert re.search(r"Kazakhstan\s+3", facets) and re.search(r"Kassym-Jomart Tokaïev\s+2", facets)
    assert re.search(r"Samarcande\s+1", facets) and re.search(r"A\s+2", facets)


def test_feed_filters_by_country_entity_and_toggles_them_off(client):
    r = client.get("/?country=TJ")
    assert [text_of(t) for t in re.findall(r'<h2><a href="/articles/[0-9a-f]+">(.*?)</a>', r.text)] == ["Tokaïev à Douchanbé"]
    assert "Pays : Tadjikistan" in text_of(r.text)
    assert 'href="/"' in r.text  # removing the only filter leads back to the whole feed
    r = client.get("/?entity=per:kassym-jomart-tokaiev&country=UZ")
    assert "1 article" in text_of(r.text) and "Entité : Kassym-Jomart Tokaïev" in text_of(r.text)


def test_search_marks_the_matches_and_a_bad_query_is_a_400_page(client):
    r = client.get("/?q=gaz")
    assert r.status_code == 200
    assert '<mark class="match">gaz</mark>' in r.text and "1 article pour « gaz »" in text_of(r.text)
    r = client.get('/?q=%22sommet')
    assert r.status_code == 400 and "Recherche impossible" in r.text
    by_date = client.get("/?q=Tokaïev&sort=date").text
    assert [text_of(t) for t in re.findall(r'<h2><a href="/articles/[0-9a-f]+">(.*?)</a>', by_date)] == [
        "Mirziyoyev reçoit Tokaïev", "Tokaïev à Douchanbé"]
    assert '<option value="date" selected>' in by_date


def test_article_highlights_each_kind_with_a_legend_and_facts_with_evidence(client):
    aid = article_ids(client.get("/?country=TJ").text)[0]
    r = client.get(f"/articles/{aid}")
    assert r.status_code == 200
    html = r.text
    assert re.search(r'<mark class="k-per" title="personne : Kassym-Jomart Tokaïev"><a href="/entites/per:kassym-jomart-tokaiev">'
                     r"Kassym-Jomart Tokaïev</a>", html)
    assert '<mark class="k-amount" title="montant : 500\u202f000\u202f000 USD">500 millions de dollars' in html
    assert '<mark class="k-date" title="date : 3 mars 2025">le 3 mars 2025' in html
    # Douchanbé is both a place and a capital: one mark (the first kind in the legend order wins)
    assert '<mark class="k-place" title="lieu : Douchanbé (Tadjikistan)">Douchanbé' in html
    legend = re.findall(r"<li><mark class=\"k-\w+\">(.*?)</mark>", html.split('aria-label="Légende des surlignages"')[1].split("</ul>")[0])
    assert legend == ["personne", "lieu", "pays", "montant", "date", "événement"]
    rows = text_of(html.split('class="facts"')[1])
    assert "5 000 000 00 USD" not in rows and "500\u202f000\u202f000 USD" in rows and "3 mars 2025" in rows
    assert "2025-03-03" not in rows and "demonym" not in rows and "gentilé" in rows


def test_hostile_text_and_query_show_as_text(client):
    aid = article_ids(client.get("/?source=C").text)[0]
    html = client.get(f"/articles/{aid}").text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>gras" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    r = client.get("/", params={"q": '"><script>alert(1)</script>', "country": '"><svg onload=alert(2)>',
                                "since": '"><i>x'})
    assert "<script>alert(1)" not in r.text and "<svg onload" not in r.text and "<i>x" not in r.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


def test_javascript_urls_are_not_linked(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"title": "Lien", "lead": "Texte.", "url": "javascript:alert(1)"}) + "\n")
    db = str(tmp_path / "x.db")
    with service.open_workspace(db, create=True) as ws:
        service.ingest(ws, [str(path)])
    with TestClient(create_app(ApiSettings(db_path=db))) as c:
        aid = article_ids(c.get("/").text)[0]
        html = c.get(f"/articles/{aid}").text
    assert "javascript:" not in html and "pas encore été enrichi" in html


def test_country_page(client):
    r = client.get("/pays/kz")
    assert r.status_code == 200
    text = text_of(r.text)
    assert "Kazakhstan" in text and "3 articles" in text
    assert re.search(r"Ouzbékistan\s*1", text) and re.search(r"Tadjikistan\s*1", text)  # partners by co-mention
    assert "Kassym-Jomart Tokaïev" in text and "<svg" in r.text and "Événements par mois et par type" in text
    latest = text.split("Derniers événements")[1].split("Derniers articles")[0]
    assert latest.index("accusation") < latest.index("consultation") < latest.index("accord")  # newest first
    assert "prévu" in latest and "réalisé" in latest
    assert re.search(r"Tadjikistan\s*1\s*1\s*2", text)  # relations: 1 cooperative, 1 conflictual, 2 events


def test_entity_page(client):
    text = text_of(client.get("/entites/per:kassym-jomart-tokaiev").text)
    assert "Tokaïev" in text.split("Alias")[1].split("Graphies")[0]  # the alias from the knowledge base
    assert "Kassym-Jomart Tokaïev (2)" in text and "Tadjikistan" in text
    assert "président de la République du Kazakhstan depuis 20 mars 2019" in text
    assert "Mirziyoyev reçoit Tokaïev" in text and "Tokaïev à Douchanbé" in text


def test_map_shades_countries_by_coverage_and_marks_places(client):
    html = client.get("/carte").text
    fills = dict(re.findall(r'fill="(#[0-9a-f]{6})" class="country" data-code="([A-Z]{2})"', html)[i][::-1]
                 for i in range(len(re.findall(r'class="country"', html))))
    assert set(fills) >= {"KZ", "UZ", "TJ", "KG", "TM", "AF", "CN", "RU", "IR"}
    assert fills["KG"] == "#f2f2f2" and fills["KZ"] != fills["KG"]  # no article on KG in this database
    assert len(re.findall(r'<circle [^>]*class="place"', html)) == 2
    assert "Natural Earth" in html


@pytest.mark.parametrize(("url", "status"), [("/articles/ffffffffffff", 404), ("/pays/ZZ", 404),
                                              ("/entites/per:personne", 404), ("/pas-de-page", 404),
                                              ("/?since=hier", 400)])
def test_page_errors_are_french_html_with_the_right_status(client, url, status):
    r = client.get(url)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert "<h1>Erreur" in r.text or "Recherche impossible" in r.text


def test_static_assets_are_local(client):
    assert client.get("/static/style.css").status_code == 200
    for url in ("/", "/carte", "/pays/KZ"):
        assert not re.search(r'(src|href)="(https?:)?//', client.get(url).text), url


# -- JSON endpoints ---------------------------------------------------------------------------


def test_entities_endpoint_filters_and_pages(client):
    body = client.get("/api/entities").json()
    assert body["total"] == 2 and body["items"][0] == {"id": "per:kassym-jomart-tokaiev", "type": "PER",
                                                       "name": "Kassym-Jomart Tokaïev", "country": "KZ", "articles": 2}
    assert [e["id"] for e in client.get("/api/entities?q=mirz").json()["items"]] == ["per:shavkat-mirziyoyev"]
    assert client.get("/api/entities?q=%25").json()["total"] == 0  # LIKE wildcards are literal
    assert client.get("/api/entities?country=UZ").json()["total"] == 1
    page = client.get("/api/entities?limit=1&offset=1").json()
    assert page["total"] == 2 and [e["id"] for e in page["items"]] == ["per:shavkat-mirziyoyev"]
    detail = client.get("/api/entities/per:kassym-jomart-tokaiev").json()
    assert detail["aliases"] == ["Tokaïev"] and detail["articles"] == 2
    assert {(r["role"], r["of"]) for r in detail["known_roles"]} >= {("president", "KZ")}  # knowledge/roles.tsv
    assert {m["month"] for m in detail["months"]} == {"2025-03", "2025-04"}


def test_countries_places_and_facets_endpoints(client):
    countries = {c["code"]: c for c in client.get("/api/countries").json()}
    assert countries["KZ"] == {"code": "KZ", "name": "Kazakhstan", "articles": 3, "central_asia": True}
    assert countries["CN"]["central_asia"] is False
    kz = client.get("/api/countries/KZ").json()
    assert kz["articles"] == 3 and [p["code"] for p in kz["partners"]][:2] in (["TJ", "UZ"], ["UZ", "TJ"])
    assert [p["id"] for p in kz["people"]] == ["per:kassym-jomart-tokaiev", "per:shavkat-mirziyoyev"]
    assert [(r["code"], r["cooperative"], r["conflictual"]) for r in kz["relations"]] == [("TJ", 1, 1), ("UZ", 1, 0)]
    assert [e["type"] for e in kz["events"]] == ["ACCUSE", "CONSULT", "AGREE"]
    places = client.get("/api/places").json()
    assert {p["name"] for p in places} == {"Douchanbé", "Samarcande"} and places[0]["lat"]
    assert [p["name"] for p in client.get("/api/places?country=UZ").json()] == ["Samarcande"]
    facets = client.get("/api/facets?country=KZ").json()
    assert {f["value"]: f["count"] for f in facets["country"]}["KZ"] == 3
    assert {f["value"]: f["count"] for f in facets["source"]} == {"A": 1, "B": 1, "C": 1}
    facets = client.get("/api/facets?q=gaz").json()
    assert [f["value"] for f in facets["country"]] == ["CN", "TM"] and facets["partial"] is False


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/api/entities?type=PERSON", 400, "type:"),
    ("/api/entities?limit=0", 400, "limit:"),
    ("/api/entities/per:nobody", 404, "no entity with this id"),
    ("/api/countries/ZZ", 404, "ZZ: not an ISO"),
    ("/api/places?country=KAZ", 400, "country:"),
    ("/api/facets?q=%22open", 400, "q"),
    ("/api/facets?since=demain", 400, "since: expected a date"),
    ("/api/relations", 400, "country: Field required"),
    ("/api/relations?country=K1", 400, "expected an ISO 3166-1 alpha-2"),
    ("/api/relations?country=KZ&until=2025-13-01", 400, "until: expected a date"),
    ("/api/timeline?limit=101", 400, "limit:"),
    ("/api/timeline?country=KZ&since=x", 400, "since"),
])
def test_explore_errors_are_json(client, url, status, message):
    r = client.get(url)
    assert r.status_code == status and r.headers["content-type"] == "application/json"
    assert message in r.json()["error"]


def test_country_without_events_or_topics_in_the_pipeline_has_no_such_parts(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"title": "Tokaïev à Douchanbé", "lead": "Le président kazakh signe.",
                                "published": "2025-01-02"}) + "\n")
    db = str(tmp_path / "x.db")

    def without(articles):
        for e in facts(articles):
            yield Enrichment(article_id=e.article_id, countries=e.countries, entities=e.entities, places=e.places)

    with service.open_workspace(db, create=True) as ws:
        service.ingest(ws, [str(path)])
        service.enrich(ws, enricher=without)
    with TestClient(create_app(ApiSettings(db_path=db))) as c:
        kz = c.get("/api/countries/KZ").json()
        text = text_of(c.get("/pays/KZ").text)
    assert not {"events", "event_months", "relations", "topics"} & set(kz)
    assert "Derniers événements" not in text and "Thèmes" not in text and "Articles par mois" in text


def test_feed_filters_by_event_type_and_topic_with_facets(client):
    r = client.get("/?event=ACCUSE")
    assert [text_of(t) for t in re.findall(r'<h2><a href="/articles/[0-9a-f]+">(.*?)</a>', r.text)] == [f"Titre {EVIL} <b>gras</b>"]
    assert "Type d’événement : accusation" in text_of(r.text)
    text = text_of(client.get("/").text)
    assert re.search(r"accord\s+1", text) and re.search(r"économie, affaires et finance\s+1", text)
    assert "1 article" in text_of(client.get("/?topic=medtop:04000000").text)
    assert client.get("/api/articles?event=agree").json()["total"] == 1
    assert client.get("/api/articles?topic=medtop:04000000&q=gaz").json()["total"] == 1


def test_relations_endpoints(client):
    kz = client.get("/api/relations?country=kz").json()
    assert [(r["partner"], r["events"], r["cooperative"], r["conflictual"]) for r in kz] == [("TJ", 2, 1, 1), ("UZ", 1, 1, 0)]
    assert "evidence" not in kz[0]
    tj = client.get("/api/relations?country=KZ&with=TJ&evidence=true").json()
    assert len(tj) == 1 and [e["type"] for e in tj[0]["evidence"]] == ["AGREE", "ACCUSE"]
    assert tj[0]["evidence"][0]["evidence_text"].startswith("Le président kazakh")
    assert client.get("/api/relations?country=KZ&since=2025-04-01").json()[0]["events"] == 1  # dated ones only
    m = client.get("/api/relations/matrix").json()
    assert m["rows"] == ["KZ", "UZ", "TJ", "KG", "TM"] and m["columns"][:5] == m["rows"] and m["columns"][5:] == ["CN"]
    assert m["cells"]["KZ"]["TJ"] == {"events": 2, "cooperative": 1, "conflictual": 1, "planned": 1}
    assert m["cells"]["TM"]["CN"]["cooperative"] == 1 and "KG" not in m["cells"]["KZ"]


def test_timeline_endpoint_filters_and_pages(client):
    items = client.get("/api/timeline").json()["items"]
    assert [e["type"] for e in items] == ["AGREE", "COOPERATE", "CONSULT", "ACCUSE"]
    page = client.get("/api/timeline?limit=2&offset=1").json()
    assert [e["type"] for e in page["items"]] == ["COOPERATE", "CONSULT"] and page["more"] is True
    assert client.get("/api/timeline?limit=2&offset=2").json()["more"] is False
    assert [e["type"] for e in client.get("/api/timeline?country=TJ").json()["items"]] == ["AGREE", "ACCUSE"]
    assert [e["type"] for e in client.get("/api/timeline?event=accuse").json()["items"]] == ["ACCUSE"]
    assert [e["type"] for e in client.get("/api/timeline?since=2025-04-01&until=2025-04-30").json()["items"]] == ["COOPERATE"]
    assert [e["type"] for e in client.get("/api/timeline?entity=per:shavkat-mirziyoyev").json()["items"]] == ["CONSULT"]


def test_relations_pages(client):
    text = text_of(client.get("/relations").text)
    assert "Kazakhstan" in text and "1 / 1" in text
    html = client.get("/relations/KZ/TJ").text
    assert "2 événements" in text_of(html) and html.count('class="evidence"') == 2 and "<script>" not in html
    assert "Aucun événement" in text_of(client.get("/relations/KG/AF").text)
    assert client.get("/relations/KZ/XX").status_code == 404
    assert client.get("/relations?since=jamais").status_code == 400


def test_openapi_documents_the_new_routes(client):
    schema = client.get("/api/openapi.json").json()
    validate_openapi(schema)
    assert {"/api/entities", "/api/entities/{entity_id}", "/api/countries", "/api/countries/{code}", "/api/places",
            "/api/facets", "/api/relations", "/api/relations/matrix", "/api/timeline"} <= set(schema["paths"])
    assert not any(not p.startswith("/api/") for p in schema["paths"])  # pages are not API


def test_api_only_app_has_no_pages(db):
    with TestClient(create_app(ApiSettings(db_path=db, web=False))) as c:
        r = c.get("/")
        assert r.status_code == 404 and r.json() == {"error": "Not Found"}
        assert c.get("/api/countries").status_code == 200


def test_an_ingest_shows_in_the_feed_facets_at_once(tmp_path):
    db = str(tmp_path / "w.db")
    with TestClient(create_app(ApiSettings(db_path=db, ingest_token="t0ken"))) as c:
        assert "0 article" in text_of(c.get("/").text)
        r = c.post("/api/articles", json={"title": "Nouveau", "lead": "Texte.", "source": "neuf"},
                   headers={"Authorization": "Bearer t0ken"})
        assert r.status_code == 200
        assert re.search(r"neuf\s+1", text_of(c.get("/").text))


def test_an_event_with_a_recurrence_date_is_stored_and_shown(tmp_path):
    """A recurrence (R/P1Y) has no start day: it must not break the enrich batch (seen on OrangeSum)."""
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"title": "Chaque année", "lead": "Le Kazakhstan signe chaque année.",
                                "published": "2025-01-02"}) + "\n")
    db = str(tmp_path / "x.db")

    def recurring(articles):
        for a in articles:
            yield Enrichment(article_id=a.id, countries=(CountryRef("KZ", ("name",), (_span(a.text, "Kazakhstan"),)),),
                             events=(Event("AGREE", ("KZ",), ("CN",), _span(a.text, "signe"), (0, len(a.text)), 0.5,
                                           "R/P1Y", "done"),))

    with service.open_workspace(db, create=True) as ws:
        service.ingest(ws, [str(path)])
        assert service.enrich(ws, enricher=recurring).enriched == 1
    with TestClient(create_app(ApiSettings(db_path=db))) as c:
        assert c.get("/pays/KZ").status_code == 200
        assert c.get("/api/timeline").json()["items"][0]["date"] == "R/P1Y"


@pytest.mark.parametrize(("params", "total"), [({"country": "KZ"}, 3), ({"country": "KZ", "source": "A"}, 1),
                                               ({"country": ["KZ", "UZ"]}, 1), ({"entity": "per:nobody"}, 0),
                                               ({"topic": "medtop:04000000"}, 1), ({"event": "CONSULT"}, 1)])
def test_feed_totals_with_facet_filters(client, params, total):
    body = client.get("/api/articles", params=params).json()
    assert body["total"] == total == len(body["items"])



# -- duplicates and stories ------------------------------------------------------------------


def test_duplicates_are_collapsed_in_the_feed_facets_and_search(client):
    html = client.get("/").text
    titles = [text_of(t) for t in re.findall(r'<h2><a href="/articles/[0-9a-f]+">(.*?)</a></h2>', html)]
    assert titles.count("Gaz turkmène") == 1 and len(titles) == 4
    assert "1 doublon" in text_of(html) and not re.search(r"\bD\s+1", text_of(html.split("</aside>")[0]))
    assert client.get("/?q=gaz").text.count('<mark class="match">') == 2  # title + lead of one article
    assert client.get("/api/articles").json()["total"] == 4
    assert client.get("/api/articles?duplicates=true").json()["total"] == 5
    assert client.get("/api/articles?country=TM").json()["total"] == 1  # the one-facet count too
    assert client.get("/api/articles?country=TM&duplicates=true").json()["total"] == 2
    facets = client.get("/api/facets").json()
    assert {f["value"]: f["count"] for f in facets["country"]}["TM"] == 1
    assert "D" not in {f["value"] for f in facets["source"]}


def test_article_page_links_duplicates_and_its_story(client):
    copy = client.get("/api/articles?source=D&duplicates=true").json()["items"][0]["id"]
    record = client.get(f"/api/articles/{copy}").json()
    original = record["duplicate_of"]
    assert original and original != copy
    text = text_of(client.get(f"/articles/{copy}").text)
    assert "reprend un article publié plus tôt" in text
    html = client.get(f"/articles/{original}").text
    assert f'href="/articles/{copy}"' in html.split('id="dups"')[1] and "2025-04-12" not in html  # dates in French
    if record.get("story"):
        assert f'href="/histoires/{record["story"]}"' in html


def test_stories_endpoints_and_pages(client, db):
    from silkwire.service import stories as storylines

    with service.open_workspace(db) as ws:
        every = storylines.stories(ws, min_articles=1)
    body = client.get("/api/stories?min_articles=1&limit=2").json()
    assert body["total"] == len(every) >= 1 and [s["id"] for s in body["items"]] == [s["id"] for s in every[:2]]
    first = every[0]
    detail = client.get(f"/api/stories/{first['id']}").json()
    assert detail["id"] == first["id"] and len(detail["articles_list"]) == first["articles"]
    page = client.get(f"/histoires/{first['id']}").text
    for a in detail["articles_list"]:
        assert f'href="/articles/{a["id"]}"' in page
    assert client.get("/histoires?min_articles=1").status_code == 200
    assert client.get("/api/stories/s-nope").status_code == 404
    assert client.get("/histoires/s-nope").status_code == 404
    assert client.get("/api/stories?country=KZZ").status_code == 400
    assert client.get("/api/stories?since=hier").status_code == 400
    schema = client.get("/api/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}"} <= set(schema["paths"])
