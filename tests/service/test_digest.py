"""silkwire digest: sections from the stored facts, escaping, links, determinism, honest gaps."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from export_data import build_db
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.export.briefing import md as digest_md
from silkwire.export.briefing_html import bar_chart
from silkwire.model import SearchFilters
from silkwire.service import articles as service
from silkwire.service import digest
from silkwire.service import export as exporting

runner = CliRunner()
JULY = {"since": "2025-07-01", "until": "2025-07-31"}


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def db(tmp_path: Path) -> str:
    return build_db(tmp_path)


def _digest(db: str, fmt: str = "md", **options: str) -> str:
    with service.open_workspace(db) as ws:
        return digest.render(digest.build(ws, **options), fmt)  # type: ignore[arg-type]


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_markdown_sections_from_the_stored_facts(db):
    md = _digest(db, **JULY)
    assert md.startswith("# Synthèse\n\n3 articles, du 1er au 31 juillet 2025")
    events = _section(md, "Événements clés")
    assert events.index("### Accords — 1") < events.index("### À venir")
    agree = next(line for line in events.splitlines() if line.startswith("- **11 juillet 2025**"))
    assert "(réalisé)" in agree and "Kazakhstan → Afghanistan" in agree and "à Kaboul" in agree
    assert "montants : 500 millions USD" in agree
    assert "(http://127.0.0.1:8000/articles/" in agree
    # Dated after the period, announced in it: "à venir", not among the period's events.
    assert "CONSULT" not in events.split("### À venir")[0]
    consult = next(line for line in events.split("### À venir")[1].splitlines() if line.startswith("- **octobre 2025**"))
    assert "(prévu)" in consult and "Russie → Tadjikistan" in consult and "à Douchanbé" in consult
    stories = _section(md, "Principaux sujets")
    assert "regroupés par type de leur événement principal" in stories  # says what the grouping is
    assert "**Accords** : 1 article, 11 juillet 2025 ; Afghanistan, Kazakhstan" in stories
    new = _section(md, "Nouvelles personnes et organisations")
    assert "**[Talibans](http://127.0.0.1:8000/entites/org%3Atalibans)** (organisation, AF)" in new
    assert "Vladimir Poutine" in new and "Tokaïev" not in new  # Tokaïev's article is from June: outside
    figures = _section(md, "Chiffres")
    assert "**500 millions de dollars** : « Le projet est estimé à 500 millions de dollars. »" in figures
    assert "**3 millions d'euros**" in figures


def test_new_people_are_only_those_first_seen_in_the_period(db):
    june = _section(_digest(db, since="2025-06-01", until="2025-06-30"), "Nouvelles personnes et organisations")
    assert "Kassym-Jomart Tokaïev" in june
    # Same people, a period that starts after their first article: not new any more.
    later = _section(_digest(db, since="2025-07-12", until="2025-07-31"), "Nouvelles personnes et organisations")
    assert "Talibans" not in later and "Vladimir Poutine" in later


def test_everything_from_articles_is_escaped(db):
    md = _digest(db, **JULY)
    assert "<script>" not in md and "<b>" not in md
    assert "[Un titre &lt;script&gt;alert\\(1\\)&lt;/script&gt; &amp; co]" not in md  # parentheses stay plain
    assert "[Un titre &lt;script&gt;alert(1)&lt;/script&gt; &amp; co](" in md
    page = _digest(db, "html", **JULY)
    assert "<script" not in page.lower() and "<b>gras" not in page
    assert "Un titre &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in ("meta", "br", "link", "img"):  # HTML's void elements used here or forbidden
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):  # <rect .../> in SVG
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()


def test_html_is_one_self_contained_page_with_charts_and_links(db):
    page = _digest(db, "html", base_url="https://veille.example/silkwire", country="KZ", **JULY)
    parser = _Tags()
    parser.feed(page)
    assert not parser.open  # every element closed, in order
    assert {"style", "svg"} <= set(parser.tags) and not {"script", "link", "img", "iframe"} & set(parser.tags)
    assert not [v for k, v in parser.attrs if k == "src"]
    hrefs = [v for k, v in parser.attrs if k == "href"]
    assert hrefs and all(h.startswith("https://veille.example/silkwire/") for h in hrefs)
    assert "https://veille.example/silkwire/pays/KZ" in hrefs
    assert any(re.fullmatch(r"https://veille\.example/silkwire/articles/[0-9a-f]{16}", h) for h in hrefs)
    assert "<title>Événements par type</title>" in page and "<title>Articles par jour</title>" in page


def test_bar_chart_draws_bars_to_scale():
    svg = bar_chart([("Accords", 4), ("Sanctions", 2)], "Événements par type", width=420)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths == [210.0, 105.0]  # (420 - 170 - 40) * n / 4
    assert bar_chart([], "vide") == ""


def test_same_database_same_digest(db, tmp_path):
    again = build_db(tmp_path, "again.db")
    for fmt in ("md", "html"):
        assert _digest(db, fmt, **JULY) == _digest(db, fmt, **JULY) == _digest(again, fmt, **JULY)


def test_default_period_is_the_last_week_of_the_data(db):
    md = _digest(db)
    assert "du 8 au 14 juillet 2025" in md  # the newest article is of 2025-07-14
    kz = _digest(db, country="KZ")
    assert "du 6 au 12 juillet 2025" in kz and "pays : [Kazakhstan](http://127.0.0.1:8000/pays/KZ)" in kz


def test_default_period_by_event_ends_at_the_newest_event(db):
    md = _digest(db, by="event")  # the planned visit of 2025-10 (a month: from its first day)
    assert "1 article, du 25 septembre au 1er octobre 2025 (par date d'événement)" in md


def test_country_filter_keeps_its_articles(db):
    md = _digest(db, country="TJ", **JULY)
    assert md.startswith("# Synthèse — Tadjikistan\n\n1 article,")
    assert "**Rencontres et consultations** : 1 article" in md and "Accords" not in md
    october = _digest(db, country="TJ", since="2025-10-01", until="2025-10-31")
    assert "### Rencontres et consultations — 1" in october  # the planned visit, in its month
    assert "0 article," in october  # no article published then: events are dated by the event


def test_without_event_data_the_sections_say_so(tmp_path):
    db = build_db(tmp_path, "plain.db", enrich=False)
    md = _digest(db, **JULY)
    assert "Ni sujets ni événements dans ces données : section omise." in md
    assert "Pas de données d'événements dans ces articles" in md
    assert "### " not in md


def test_without_story_data_main_stories_are_main_event_groups_and_say_so(db):
    with service.open_workspace(db) as ws:  # a database from before stories existed
        ws.store.db.execute("DELETE FROM story_articles")
        ws.store.db.execute("DELETE FROM stories")
    stories = _section(_digest(db, **JULY), "Principaux sujets")
    assert "Pas encore de données de sujets :" in stories
    assert "**Accords** : 1 article, 11 juillet 2025" in stories


def test_a_recurrence_as_event_date_is_stored_and_is_not_a_day(tmp_path, monkeypatch):
    """"chaque année" -> R/P1Y: enrich stores it (no first day), the digest does not compare it."""
    import export_data

    from silkwire.model import Event

    real = export_data.fake_enricher

    def yearly(articles):
        for e in real(articles):
            if e.events and e.events[0].type == "CONSULT":
                v = e.events[0]
                e = replace(e, events=(Event(v.type, v.source, v.target, v.trigger, v.evidence, v.confidence,
                                             "R/P1Y", "planned", v.place),))
            yield e

    monkeypatch.setattr(export_data, "fake_enricher", yearly)
    db = build_db(tmp_path, "yearly.db")
    with service.open_workspace(db) as ws:
        assert ws.store.db.execute("SELECT date, day FROM events WHERE type = 'CONSULT'").fetchall() == [("R/P1Y", None)]
    md = _digest(db, **JULY)
    assert "### À venir" not in md and "### Accords — 1" in md


def test_duplicates_are_counted_once(db):
    with service.open_workspace(db) as ws:
        ws.store.db.execute("UPDATE enrichments SET fields = json_set(fields, '$.duplicate_of', 'x') "
                            "WHERE article_rowid = (SELECT rowid FROM articles WHERE title LIKE 'Un titre%')")
    md = _digest(db, **JULY)
    assert md.startswith("# Synthèse\n\n2 articles,") and "1 doublon écarté" in md
    assert "3 millions d'euros" not in md


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "--format 'pdf': expected md or html"),
    (["--country", "XX"], "XX: not an ISO 3166-1 alpha-2 country code silkwire knows"),
    (["--base-url", "javascript:alert(1)"], "expected an http:// or https:// URL"),
    (["--until", "juillet"], "--until: expected a date YYYY-MM-DD, got 'juillet'"),
])
def test_bad_options_exit_2(db, args, message):
    result = run("digest", "--db", db, *args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_cli_writes_the_file_atomically(db, tmp_path):
    out = tmp_path / "digest.html"
    result = run("digest", "--db", db, "--format", "html", "--since", "2025-07-01", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_digest_of_the_demo_corpus(tmp_path):
    db = str(tmp_path / "demo.db")
    service.build_demo(db)
    md = _digest(db, country="KZ", since="2025-01-01", until="2025-12-31")
    assert re.match(r"# Synthèse — Kazakhstan\n\n\d+ articles, du 1er janvier au 31 décembre 2025", md)
    for title in ("Principaux sujets", "Événements clés", "Nouvelles personnes et organisations", "Chiffres"):
        assert f"## {title}" in md
    page = _digest(db, "html", country="KZ", since="2025-01-01", until="2025-12-31")
    parser = _Tags()
    parser.feed(page)
    assert not parser.open and "svg" in parser.tags
    # Every link goes to a page of the web UI (silkwire serve) that exists.
    from fastapi.testclient import TestClient

    from silkwire.api import ApiSettings, create_app

    paths = sorted(set(re.findall(r'href="http://127\.0\.0\.1:8000(/[^"]*)"', page)))
    assert any(p.startswith("/entites/") for p in paths) and any(p.startswith("/pays/") for p in paths)
    with TestClient(create_app(ApiSettings(db_path=db))) as client:
        for path in paths:
            assert client.get(path).status_code == 200, path
    # Main stories are the stored stories (storylines), with their labels and their period counts.
    from silkwire.service import stories as storylines

    with service.open_workspace(db) as ws:
        members: dict[str, list[str]] = {}
        for r in exporting.matching_records(ws, None, SearchFilters(
                since="2025-01-01", until="2025-12-31", countries=("KZ",))):
            if r.get("story") and not r.get("duplicate_of"):
                members.setdefault(r["story"], []).append(r["id"])
        assert members  # the demo has stories of several articles in 2025
        biggest = max(members, key=lambda k: (len(members[k]), k))
        label = storylines.story(ws, biggest)["label"]
    stories = _section(md, "Principaux sujets")
    assert "regroupés par type" not in stories
    assert f"**{digest_md(label)}** : {len(members[biggest])} article" in stories
    # The articles the digest names are the period's: every linked id is a KZ article of 2025.
    with service.open_workspace(db) as ws:
        for article_id in set(re.findall(r"/articles/([0-9a-f]{16})", md)):
            record = service.show(ws, article_id)
            assert "KZ" in {c["code"] for c in record["countries"]}
            assert record["published"] and record["published"].startswith("2025")


@pytest.mark.parametrize("value, unit, shown", [
    (5e8, "USD", "500 millions USD"), (1.5e9, "CNY", "1,5 milliard CNY"), (2.25e9, None, "2,25 milliards"),
    (75000, "EUR", "75 000 EUR"), (1e6, "KZT", "1 million KZT"), (12.5, "%", "12,5 %"),
])
def test_money_is_written_the_french_way(value, unit, shown):
    assert digest.money(value, unit) == shown


def test_source_filter_keeps_its_articles_and_their_events(db, tmp_path):
    out = tmp_path / "pamir.md"
    result = run("digest", "--db", db, "--source", "Pamir", "--since", "2025-07-01", "--until", "2025-07-31",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    pamir = out.read_text(encoding="utf-8")
    assert pamir.startswith("# Synthèse — source : Pamir\n\n1 article, du 1er au 31 juillet 2025")
    assert "Aucun événement sur la période." in pamir and "Accords" not in pamir  # the AGREE is Steppe's
    assert "3 millions d'euros" in pamir
    steppe = run("digest", "--db", db, "--source", "Steppe", "--since", "2025-07-01", "--until", "2025-07-31").output
    assert steppe.startswith("# Synthèse — source : Steppe\n\n2 articles,") and "### Accords — 1" in steppe
    assert "3 millions d'euros" not in steppe
    both = run("digest", "--db", db, "--source", "Steppe", "--source", "Pamir", "--since", "2025-07-01",
               "--until", "2025-07-31").output
    assert both.startswith("# Synthèse — sources : Steppe, Pamir\n\n3 articles,")
    # the default period ends at the source's own newest article (Pamir: 2025-07-12)
    assert "1 article, du 6 au 12 juillet 2025" in run("digest", "--db", db, "--source", "Pamir").output
