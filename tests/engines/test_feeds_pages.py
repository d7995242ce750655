"""RSS/Atom and HTML page readers, and `silkwire ingest` on feed/page files and URLs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from localweb import WEB, serve
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.errors import InputError, InputWarning
from silkwire.ingest import read_paths
from silkwire.ingest.documents import document_kind
from silkwire.ingest.html_text import html_to_text
from silkwire.model import Article, article_record

runner = CliRunner()


def read(name: str) -> list[Article | InputError | InputWarning]:
    return list(read_paths([str(WEB / name)]))


def articles(name: str) -> list[Article]:
    return [a for a in read(name) if isinstance(a, Article)]


@pytest.fixture
def web():
    yield from serve()


def test_rss20_items_with_lead_body_link_date_author_guid():
    items = read("rss20.xml")
    assert all(isinstance(a, Article) for a in items)
    first, second, third = articles("rss20.xml")
    assert first.title == "Le Kazakhstan et l’Ouzbékistan signent un accord sur l’eau"
    # summary (HTML stripped) is the lead; content:encoded adds its second paragraph as body; no script text
    assert first.text == (f"{first.title}\n\nAstana et Tachkent ont signé mercredi un accord de partage des eaux du "
                          "Syr-Daria.\n\nLe texte prévoit un comité mixte & des quotas saisonniers.")
    assert "track()" not in first.text
    assert (first.published, first.author, first.ref) == ("2025-07-30", "Aïgerim Nurlanova", "cs-2025-0730-eau")
    assert first.url == "https://courrier-steppes.example/2025/07/accord-eau"
    assert second.published == "2025-07-29" and "édition 2025" in second.text  # entity-encoded HTML decoded
    assert third.published is None and third.body == "Le chantier de Rogoun franchit une nouvelle étape."
    assert third.url == "https://courrier-steppes.example/2025/07/rogoun"  # relative link, channel <link> as base
    assert {a.source for a in items if isinstance(a, Article)} == {"rss20"}


def test_atom_rss10_rss091_and_latin1():
    sommet, gaz = articles("atom.xml")
    assert sommet.title == "Sommet de Bichkek : Tokaïev et Japarov"  # type="html" title stripped
    assert (sommet.published, sommet.author) == ("2025-08-22", "Daniyar Sultanov")
    assert gaz.published == "2025-08-20"  # no <published>: <updated>
    assert gaz.body == "Le Turkménistan inaugure un terminal sur la Caspienne.\n\nSa capacité atteint 5 milliards de mètres cubes par an."
    (rdf,) = articles("rss10.rdf")
    assert (rdf.title, rdf.published, rdf.author) == ("Visite du ministre à Tachkent", "2025-09-01", "Service de presse")
    (old,) = articles("rss091.xml")
    assert old.body.startswith("Les exportations ouzbékes de coton")
    (latin,) = articles("latin1.xml")
    assert latin.title == "Café à Almaty"


def test_malformed_feed_keeps_what_it_can_and_warns():
    items = read("malformed.xml")
    warnings = [w for w in items if isinstance(w, InputWarning)]
    assert len(warnings) == 1 and "malformed feed" in warnings[0].message and "line 4" in warnings[0].message
    assert next(a.title for a in items if isinstance(a, Article)).startswith("Premier article")


def test_malformed_atom_keeps_the_readable_entries():
    items = read("malformed-atom.xml")
    assert any(isinstance(w, InputWarning) and "malformed feed" in w.message for w in items)
    first = next(a for a in items if isinstance(a, Article))
    assert first.title == "Astana : le parlement adopte le budget" and first.published == "2025-10-02"
    assert "<b>" not in first.text and "première lecture" in first.text


def test_a_body_naming_a_local_file_is_not_read_as_that_file():
    from silkwire.ingest.feeds import read_feed

    (error,) = list(read_feed(str(WEB / "rss20.xml").encode(), "x", "http://evil.example/"))
    assert isinstance(error, InputError)  # feedparser would have opened the path and read 3 items
    (error,) = list(read_feed(b"https://courrier-steppes.example/feed", "x", "http://evil.example/"))
    assert isinstance(error, InputError)


def test_xml_that_is_not_a_feed_is_an_error():
    (error,) = read("not-a-feed.xml")
    assert isinstance(error, InputError) and "not an RSS/Atom feed" in str(error) and "not-a-feed.xml" in str(error)


def test_article_page_title_lead_body_date_author():
    (page,) = read("article.html")
    assert isinstance(page, Article)
    assert page.title == "Le Kirghizstan lance un fonds pour l’énergie solaire"
    lead = "Bichkek crée un fonds de 50 millions de dollars pour équiper les écoles de panneaux solaires."
    assert page.text.startswith(f"{page.title}\n\n{lead}\n\nLe gouvernement kirghize")
    assert page.text.count(lead) == 1  # the <p class=lead> is not repeated in the body
    assert "Accueil" not in page.text and "droits réservés" not in page.text  # menus and footer left out
    assert page.published == "2025-06-12" and page.author == "Asel Toktogulova"
    assert article_record(page)["author"] == "Asel Toktogulova"


def test_page_without_article_text_is_an_error():
    (error,) = read("empty-page.html")
    assert isinstance(error, InputError) and "no article text" in str(error)


def test_kind_sniffing():
    rss = (WEB / "rss20.xml").read_bytes()
    assert document_kind(rss, "text/xml", None) == "feed"
    assert document_kind(rss, "text/plain", None) == "feed"  # by the markup
    assert document_kind(b"<!DOCTYPE html><html></html>", "application/octet-stream", None) == "page"
    assert document_kind(b"<html><body>x</body></html>", "text/html; charset=utf-8", None) == "page"
    assert document_kind(b"\x89PNG\r\n", "image/png", "x.png") is None
    assert document_kind(b'{"a": 1}', "application/json", None) is None
    assert document_kind(b"whatever", None, None, "rss") == "feed"


def test_html_to_text():
    assert html_to_text("<p>Un &amp; deux</p><p>trois<br>quatre</p><style>p{}</style>") == "Un & deux\ntrois\nquatre"
    assert html_to_text("  déjà   du texte ") == "déjà du texte"


def test_gzipped_feed_file_and_directory(tmp_path):
    (tmp_path / "fil.rss.gz").write_bytes(gzip.compress((WEB / "rss20.xml").read_bytes()))
    (tmp_path / "page.htm").write_bytes((WEB / "article.html").read_bytes())
    found = list(read_paths([str(tmp_path)]))
    assert len([a for a in found if isinstance(a, Article)]) == 4
    assert {a.source for a in found if isinstance(a, Article)} == {"fil", "page"}


# -- silkwire ingest ----------------------------------------------------------------------------------


def test_ingest_feed_and_page_files_is_idempotent(tmp_path):
    db = str(tmp_path / "s.db")
    files = [str(WEB / n) for n in ("rss20.xml", "atom.xml", "article.html")]
    first = runner.invoke(app, ["ingest", *files, "--db", db])
    assert first.exit_code == 0, first.output
    assert "6 new, 0 duplicate, 0 rejected" in first.output
    again = runner.invoke(app, ["ingest", *files, "--db", db])
    assert "0 new, 6 duplicate, 0 rejected" in again.output
    hits = json.loads(runner.invoke(app, ["search", "Rogoun", "--db", db, "--json"]).output)
    assert hits["total"] == 1 and hits["hits"][0]["source"] == "rss20"


def test_ingest_urls_through_the_safe_fetcher(web, tmp_path):
    db = str(tmp_path / "s.db")
    refused = runner.invoke(app, ["ingest", web.url("/static/rss20.xml"), "--db", db])
    assert refused.exit_code == 1
    assert "127.0.0.1 is a loopback address" in refused.output and "--allow-private" in refused.output
    assert web.site.log == []  # nothing was sent
    urls = [web.url("/static/rss20.xml"), web.url("/gzip.xml"), web.url("/static/article.html")]
    done = runner.invoke(app, ["ingest", *urls, "--db", db, "--allow-private", "--source", "steppes"])
    assert done.exit_code == 0, done.output
    assert "6 new, 0 duplicate, 0 rejected" in done.output
    record = json.loads(runner.invoke(app, ["search", "Kirghizstan solaire", "--db", db, "--json"]).output)
    assert record["hits"][0]["source"] == "steppes"
    by_host = runner.invoke(app, ["ingest", web.url("/static/rss10.rdf"), "--db", db, "--allow-private"])
    assert "1 new" in by_host.output
    stats = json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).output)
    assert stats["sources"] == {"steppes": 6, "127.0.0.1": 1}  # without --source: the host


def test_ingest_url_errors_are_clear_and_the_rest_goes_in(web, tmp_path):
    db = str(tmp_path / "s.db")
    bad = [web.url(p) for p in ("/image.png", "/data.json", "/missing.xml", "/loop/a")]
    result = runner.invoke(app, ["ingest", *bad, str(WEB / "atom.xml"), "--db", db, "--allow-private"])
    assert result.exit_code == 1
    out = result.output
    assert "expected an RSS/Atom feed or an HTML page, got content type image/png" in out
    assert "content type application/json" in out
    assert "/missing.xml: HTTP 404" in out and "redirect loop" in out
    assert "2 new, 0 duplicate, 4 rejected" in out
    assert Path(db).exists()
