"""Estimated publication dates (listing items) shown as estimates: web pages, CLI, API, JSON.

Undated articles get a window from their dated neighbours (``service.estimate_publication``,
run by ``enrich``); every place that shows a publication date shows it, marked as estimated.
"""

import json
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from localdb import enriched_db
from typer.testing import CliRunner

from silkwire.api import ApiSettings, create_app
from silkwire.cli.main import app
from silkwire.model import CountryRef, Enrichment, Event
from silkwire.service import articles as service
from silkwire.web import labels

# (source, title, lead, published): each source's items in listing order, newest first
ITEMS = [
    ("L", "Nouvelle du cinq mai", "Une dépêche datée du cinq.", "2025-05-05"),
    ("L", "Accord gazier kazakh", "Le Kazakhstan signe un accord gazier avec la Chine.", None),
    ("L", "Nouvelle du trois mai", "Une dépêche datée du trois.", "2025-05-03"),
    ("L", "Rencontre sans date", "Une rencontre à la frontière.", None),
    ("L", "Nouvelle du vingt-huit avril", "Une dépêche datée du vingt-huit.", "2025-04-28"),
    ("M", "Tout en haut", "Le plus récent, au-dessus de toute date.", None),
    ("M", "Au milieu", "Une dépêche datée du six.", "2025-05-06"),
    ("M", "Tout en bas", "Le plus ancien, sous toute date.", None),
]
WINDOWS = {"Accord gazier kazakh": "2025-05-03/2025-05-05", "Rencontre sans date": "2025-04-28/2025-05-03",
           "Tout en haut": "2025-05-06/..", "Tout en bas": "../2025-05-06"}
FRENCH = {"Accord gazier kazakh": "vers le 3–5 mai 2025 (date estimée)",
          "Rencontre sans date": "entre le 28 avril et le 3 mai 2025 (date estimée)",
          "Tout en haut": "le 6 mai 2025 ou après (date estimée)",
          "Tout en bas": "le 6 mai 2025 ou avant (date estimée)"}


FRENCH_AFTER_MAY = "le 1er mai 2025 ou après (date estimée)"


def facts(articles):
    """No NLP: the gas deal is about KZ and has an undated KZ -> CN agreement."""
    for a in articles:
        countries, events = (), ()
        if "Kazakhstan" in a.text:
            start = a.text.index("Kazakhstan")
            countries = (CountryRef("KZ", ("name",), ((start, start + 10),)),)
            trigger = a.text.index("signe")
            events = (Event("AGREE", ("KZ",), ("CN",), (trigger, trigger + 5), (0, len(a.text)), 0.9),)
        yield Enrichment(article_id=a.id, countries=countries, dates=(), events=events)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    rows = [{"source": s, "title": t, "lead": lead, "published": p} for s, t, lead, p in ITEMS]
    return enriched_db(tmp_path_factory.mktemp("estimates"), rows, facts, name="estimates")


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(ApiSettings(db_path=db))) as c:
        yield c


@pytest.fixture(scope="module")
def ids(db):
    with service.open_workspace(db) as ws:
        return {t: ws.store.ids_by_title(t)[0] for _, t, _, _ in ITEMS}


def text_of(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def feed_lines(html):
    """(title, meta line) of each feed item, in page order."""
    return [(text_of(t), text_of(m)) for t, m in re.findall(
        r'<h2><a href="/articles/[0-9a-f]+">(.*?)</a></h2>.*?<span class="meta">(.*?)</span>', html, re.S)]


def test_the_fixture_has_the_estimates(db, ids):
    with service.open_workspace(db) as ws:
        for title, window in WINDOWS.items():
            record = service.show(ws, ids[title])
            assert (record["published"], record["published_estimated"]) == (window, True), title


@pytest.mark.parametrize(("value", "french"), [
    ("2025-05-03", "vers le 3 mai 2025 (date estimée)"),
    ("2025-05-01/2025-05-05", "vers le 1er–5 mai 2025 (date estimée)"),
    ("2024-12-28/2025-01-03", "entre le 28 décembre 2024 et le 3 janvier 2025 (date estimée)"),
    ("2025-04-28/2025-05-01", "entre le 28 avril et le 1er mai 2025 (date estimée)"),
])
def test_french_wording_of_estimates(value, french):
    assert labels.published_label(value, True) == french
    assert labels.published_label("2025-05-03", False) == "3 mai 2025"  # a real date: no marker
    assert labels.published_label(None, False) == "date inconnue"


def test_feed_shows_estimates_marked_after_the_dated_articles(client):
    lines = feed_lines(client.get("/?source=L").text)
    # order: real dates newest first; estimated ones after them, as undated ones (listing order)
    assert [t for t, _ in lines] == ["Nouvelle du cinq mai", "Nouvelle du trois mai", "Nouvelle du vingt-huit avril",
                                     "Accord gazier kazakh", "Rencontre sans date"]
    meta = dict(lines)
    assert meta["Nouvelle du cinq mai"] == "5 mai 2025 · L"
    assert meta["Accord gazier kazakh"] == f"{FRENCH['Accord gazier kazakh']} · L"
    assert meta["Rencontre sans date"] == f"{FRENCH['Rencontre sans date']} · L"
    assert "date inconnue" not in client.get("/?source=L").text
    m = dict(feed_lines(client.get("/?source=M").text))
    assert m["Tout en haut"].startswith(FRENCH["Tout en haut"])
    # "on or before 6 May" where the corpus ends on 6 May says nothing more than the corpus: not shown
    assert m["Tout en bas"].startswith("date inconnue (non datée par la source)")
    assert labels.published_label("../2025-05-06", True, ("2025-04-28", "2025-05-06")).startswith("date inconnue")
    assert labels.published_label("2023-01-01/..", True, ("2024-01-03", "2025-10-31")).startswith("date inconnue")
    assert labels.published_label("2025-05-01/..", True, ("2024-01-03", "2025-10-31")) == FRENCH_AFTER_MAY


def test_feed_date_filters_use_real_dates_only(client):
    # 2025-05-04 lies inside the gas deal's window, but an estimate is no publication date
    titles = [t for t, _ in feed_lines(client.get("/?since=2025-05-03&until=2025-05-05").text)]
    assert titles == ["Nouvelle du cinq mai", "Nouvelle du trois mai"]


def test_search_results_on_the_web_show_the_estimate(client):
    lines = dict(feed_lines(client.get("/?q=accord").text))
    assert lines["Accord gazier kazakh"].startswith(FRENCH["Accord gazier kazakh"])
    # sorted by date, as the feed: the estimated ones after the dated ones, still marked
    by_date = feed_lines(client.get("/?q=dépêche OR accord OR rencontre&sort=date&source=L").text)
    assert [t for t, _ in by_date] == ["Nouvelle du cinq mai", "Nouvelle du trois mai", "Nouvelle du vingt-huit avril",
                                       "Accord gazier kazakh", "Rencontre sans date"]
    assert [m for _, m in by_date[3:]] == [f"{FRENCH['Accord gazier kazakh']} · L", f"{FRENCH['Rencontre sans date']} · L"]


def test_article_page_shows_the_estimate_and_a_real_date_unmarked(client, ids):
    html = client.get(f"/articles/{ids['Accord gazier kazakh']}").text
    meta = text_of(html.split('<p class="meta">')[1].split("</p>")[0])
    assert meta.startswith(FRENCH["Accord gazier kazakh"])
    assert "2025-05-03/2025-05-05" not in text_of(html)  # never the raw window, which reads as a date
    dated = client.get(f"/articles/{ids['Nouvelle du trois mai']}").text
    assert text_of(dated.split('<p class="meta">')[1].split("</p>")[0]).startswith("3 mai 2025 ·")
    assert "estimée" not in dated


def test_country_page_marks_the_estimate_of_articles_and_undated_events(client):
    html = client.get("/pays/KZ").text
    latest = text_of(html.split('id="latest"')[1].split("</section>")[0])
    events = text_of(html.split('id="events"')[1].split("</section>")[0])
    assert FRENCH["Accord gazier kazakh"] in latest
    assert FRENCH["Accord gazier kazakh"] in events  # an undated event is shown at its article's date


def test_cli_show_marks_the_estimate(db, ids):
    out = CliRunner().invoke(app, ["show", ids["Accord gazier kazakh"], "--db", db])
    assert out.exit_code == 0, out.output
    assert re.search(r"published\s+≈ 2025-05-03/2025-05-05 \(estimated\)", out.output)
    dated = CliRunner().invoke(app, ["show", ids["Nouvelle du trois mai"], "--db", db]).output
    assert re.search(r"published\s+2025-05-03 *\n", dated) and "estimated" not in dated
    as_json = json.loads(CliRunner().invoke(app, ["show", ids["Accord gazier kazakh"], "--db", db, "--json"]).output)
    assert (as_json["published"], as_json["published_estimated"]) == ("2025-05-03/2025-05-05", True)


def test_cli_search_marks_the_estimate(db, ids):
    out = CliRunner().invoke(app, ["search", "accord OR dépêche", "--db", db, "--source", "L"])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if "Accord gazier kazakh" in x)
    assert line.endswith(f"[{ids['Accord gazier kazakh']}] L · ≈ 2025-05-03/2025-05-05 (estimated)")
    line = next(x for x in out.output.splitlines() if "Nouvelle du trois mai" in x)
    assert line.endswith("L · 2025-05-03")
    hits = json.loads(CliRunner().invoke(app, ["search", "accord OR dépêche", "--db", db, "--json"]).output)["hits"]
    by_title = {h["title"]: h for h in hits}
    assert (by_title["Accord gazier kazakh"]["published"], by_title["Accord gazier kazakh"]["published_estimated"]) \
        == ("2025-05-03/2025-05-05", True)
    assert (by_title["Nouvelle du trois mai"]["published"], by_title["Nouvelle du trois mai"]["published_estimated"]) \
        == ("2025-05-03", False)


def test_cli_timeline_marks_an_event_dated_by_an_estimate(db):
    out = CliRunner().invoke(app, ["timeline", "--country", "KZ", "--db", db])
    assert out.exit_code == 0, out.output
    assert "(published ≈ 2025-05-03/2025-05-05 (estimated))  AGREE" in out.output
    rows = json.loads(CliRunner().invoke(app, ["timeline", "--country", "KZ", "--db", db, "--json"]).output)
    assert [(r["published"], r["published_estimated"]) for r in rows] == [("2025-05-03/2025-05-05", True)]


def test_api_lists_flag_estimates_as_the_record_does(client):
    items = {i["title"]: i for i in client.get("/api/articles", params={"source": "L"}).json()["items"]}
    assert (items["Accord gazier kazakh"]["published"], items["Accord gazier kazakh"]["published_estimated"]) == (
        "2025-05-03/2025-05-05", True)
    assert items["Nouvelle du cinq mai"]["published_estimated"] is False
    hits = {i["title"]: i for i in client.get("/api/articles", params={"q": "rencontre"}).json()["items"]}
    assert hits["Rencontre sans date"]["published_estimated"] is True


# -- main event dates pinned by the estimate (service/estimated_dates.py) ----------------------

PINNED_ITEMS = [
    ("P", "Dépêche du vendredi", "Une dépêche datée.", "2025-03-14"),
    ("P", "Visite à Astana", "Samedi, le président ouzbek s'est rendu à Astana.", None),
    ("P", "Visite à Tachkent", "Le président kazakh s'est rendu à Tachkent samedi.", None),
    ("P", "Dépêche du mardi", "Une dépêche datée.", "2025-03-11"),
    ("P", "Dépêche du lundi", "Une dépêche datée.", "2025-03-10"),
    ("P", "Rencontre à Bichkek", "Samedi, les ministres se sont rencontrés à Bichkek.", None),
    ("P", "Dépêche de fin février", "Une dépêche datée.", "2025-02-27"),
]


@pytest.fixture(scope="module")
def pinned_db(tmp_path_factory):
    from silkwire.nlp.timefacts import enrich_time_only

    rows = [{"source": s, "title": t, "lead": lead, "published": p} for s, t, lead, p in PINNED_ITEMS]
    return enriched_db(tmp_path_factory.mktemp("pinned"), rows, enrich_time_only, name="pinned")


def test_an_estimated_window_within_a_week_pins_the_event_date(pinned_db):
    with service.open_workspace(pinned_db) as ws:
        record = service.show(ws, ws.store.ids_by_title("Visite à Astana")[0])
    # published between Tuesday 11 and Friday 14 March: "samedi" is 8 March from each day
    assert record["published"] == "2025-03-11/2025-03-14" and record["published_estimated"] is True
    assert record["event_date"] == "2025-03-08" and record["event_date_estimated"] is True
    [samedi] = [d for d in record["dates"] if d["text"].lower() == "samedi"]
    assert samedi["value"] == "2025-03-08" and samedi["anchor"] == "estimate"
    assert record["text"][slice(*samedi["span"])] == "Samedi"  # the evidence


def test_a_window_across_two_weeks_leaves_the_event_date_unresolved(pinned_db):
    with service.open_workspace(pinned_db) as ws:
        record = service.show(ws, ws.store.ids_by_title("Rencontre à Bichkek")[0])
    # between 27 February and 10 March: "samedi" is 1 or 8 March
    assert record["published"] == "2025-02-27/2025-03-10"
    assert record["event_date"] is None and "event_date_estimated" not in record
    assert all(d["anchor"] != "estimate" for d in record["dates"])


def test_a_pinned_date_is_a_stored_fact(pinned_db):
    with service.open_workspace(pinned_db) as ws:
        rowid = ws.store.rowid_of(ws.store.ids_by_title("Visite à Tachkent")[0])
        assert ws.store.facets([rowid])[rowid].event_date == "2025-03-08"


def test_a_date_no_longer_pinned_goes_back_to_the_text_alone():
    from silkwire.service.estimated_dates import repinned

    text = "Visite\n\nSamedi, le président ouzbek s'est rendu à Astana."
    pinned = repinned(text, {"event_date": None, "status": "done",
                             "dates": [{"text": "Samedi", "value": None, "grain": "day", "kind": "point",
                                        "anchor": "none", "span": [8, 14]}]}, "2025-03-11/2025-03-14")
    assert pinned is not None and pinned["event_date"] == "2025-03-08"
    again = repinned(text, pinned, "2025-03-01/2025-03-14")
    assert again is not None and again["event_date"] is None and "event_date_estimated" not in again
    assert again["dates"][0]["anchor"] != "estimate" and again["dates"][0]["value"] is None
