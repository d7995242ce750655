"""The documentation says what the code does: the CLI reference is the commands' --help of now,
every HTTP route is documented, the Python API page runs, the SQL views of formats.md run on the
current schema and every table is described, and every relative link leads somewhere."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import silkwire
from silkwire.model import Article, CountryRef, Enrichment, Entity, Event

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", path.read_text(encoding="utf-8"), re.S | re.M)


# -- the command line ------------------------------------------------------------------------------


def test_cli_reference_is_generated_from_the_help_of_now() -> None:
    cli_docs = _tool("cli_docs")
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_docs.render(), (
        "docs/cli.md is stale: run .venv/bin/python tools/cli_docs.py")


def test_every_command_has_a_guide() -> None:
    cli_docs = _tool("cli_docs")
    import typer

    root = typer.main.get_command(cli_docs.cli_app())
    ctx = root.context_class(root, info_name="silkwire")
    commands = set(root.list_commands(ctx))  # type: ignore[attr-defined]
    assert commands == set(cli_docs.GUIDES), "tools/cli_docs.py GUIDES: one docs page per command"
    for target in cli_docs.GUIDES.values():
        assert (DOCS / target.split("#")[0]).exists()


# -- HTTP routes -------------------------------------------------------------------------------------


def _routes(tmp_path: Path) -> list[tuple[str, str, bool]]:
    from silkwire.api import ApiSettings, create_app

    with silkwire.open(tmp_path / "routes.db", create=True):
        pass
    app = create_app(ApiSettings(db_path=str(tmp_path / "routes.db")))
    out = []
    for route in app.routes:
        methods = getattr(route, "methods", None)
        if not methods or route.path == app.openapi_url:  # type: ignore[attr-defined]
            continue
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            out.append((method, route.path, bool(getattr(route, "include_in_schema", False))))  # type: ignore[attr-defined]
    return out


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_every_route_is_documented_and_nothing_else(tmp_path: Path) -> None:
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    web = (DOCS / "web.md").read_text(encoding="utf-8")
    documented_api = {(m, _shape(p)) for m, p in re.findall(r"^\| `(GET|POST|PUT|DELETE|PATCH) (/api[^`]*)`", api, re.M)}
    documented_web = {_shape(p) for p in re.findall(r"`(/[^`\s]*)`", web)}
    routes = _routes(tmp_path)
    api_routes = {(m, _shape(p)) for m, p, _ in routes if p.startswith("/api/")}
    web_routes = {_shape(p) for m, p, _ in routes if not p.startswith("/api/")}
    assert api_routes - documented_api == set(), "routes missing from the table of docs/api.md"
    assert documented_api - api_routes == set(), "docs/api.md lists routes the app does not have"
    assert web_routes - documented_web == set(), "pages missing from docs/web.md"
    assert all(p.startswith("/api/") for m, p, in_schema in routes if in_schema)


# -- the Python API page -------------------------------------------------------------------------------


def fake_pipeline(articles: Sequence[Article], **_: Any) -> Iterator[Enrichment]:
    """Stands for nlp.pipeline.enrich: countries by name, Tokaïev, an AGREE event on "accord"."""
    names = {"Kazakhstan": "KZ", "Astana": "KZ", "Ouzbékistan": "UZ", "Tachkent": "UZ", "Chine": "CN",
             "Russie": "RU", "Kirghizstan": "KG", "Tadjikistan": "TJ"}
    for a in articles:
        found: dict[str, list[tuple[int, int]]] = {}
        for name, code in names.items():
            for m in re.finditer(name, a.text):
                found.setdefault(code, []).append(m.span())
        countries = tuple(CountryRef(code, ("name",), tuple(spans)) for code, spans in found.items())
        people = tuple(Entity("per:kassym-jomart-tokaiev", "PER", "Kassym-Jomart Tokaïev", (m.span(),), "KZ")
                       for m in list(re.finditer("Tokaïev", a.text))[:1])
        events: tuple[Event, ...] = ()
        trigger = re.search("accord", a.text)
        if trigger and len(countries) >= 2:
            events = (Event("AGREE", (countries[0].code,), (countries[1].code,), trigger.span(), (0, len(a.text)),
                            0.5, a.published, "done"),)
        yield Enrichment(a.id, countries=countries, entities=people, places=(), dates=(), amounts=(),
                         events=events, topics=())


def _run_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "python_api_md"}
    for n, code in enumerate(_blocks(DOCS / "python-api.md", "python"), start=1):
        exec(compile(code, f"docs/python-api.md block {n}", "exec"), namespace)


def test_python_api_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    import silkwire.nlp.pipeline

    monkeypatch.setattr(silkwire.nlp.pipeline, "enrich", fake_pipeline)
    _run_examples(tmp_path, monkeypatch)
    printed = capsys.readouterr().out
    assert "160 articles" in printed and "needs a term after it" in printed
    assert (tmp_path / "all.parquet").exists() and (tmp_path / "digest.html").exists()


@pytest.mark.slow
def test_python_api_examples_run_with_the_real_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("spacy")
    _run_examples(tmp_path, monkeypatch)


# -- formats.md: the schema and the SQL views -------------------------------------------------------------


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return {r[0] for r in rows}


def test_every_table_is_described(tmp_path: Path) -> None:
    with silkwire.open(tmp_path / "schema.db", create=True):
        pass
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    schema = text[text.index("## The SQLite database"):text.index("### SQL views")]
    described = set(re.findall(r"^\| `(\w+)` \|", schema, re.M))
    assert _tables(tmp_path / "schema.db") == described


def test_sql_views_run_and_agree_with_silkwire(tmp_path: Path) -> None:
    db = tmp_path / "views.db"
    rows = [{"title": "Le Kazakhstan et la Chine signent un accord", "lead": "Tokaïev a reçu la délégation à Astana.",
             "published": "2025-03-10", "source": "Steppe"},
            {"title": "Le Kazakhstan et la Chine signent un accord", "lead": "Tokaïev a reçu la délégation à Astana.",
             "published": "2025-03-11", "source": "Pamir"},  # a copy from another source
            {"title": "L’Ouzbékistan et la Russie signent un accord", "lead": "Signé à Tachkent.",
             "published": "2025-03-12", "source": "Pamir"},
            {"lead": "Une brève sans date sur le Kirghizstan.", "source": "Listing"}]
    with silkwire.open(db, create=True) as sw:
        sw.ingest_records(rows)
        sw.enrich(enricher=lambda articles: fake_pipeline(articles))
        records = {r["id"]: r for r in sw.records()}
        entities = sw.entities()
    create, drop = _blocks(DOCS / "formats.md", "sql")
    con = sqlite3.connect(db)
    try:
        con.executescript(create)
        articles = {r[0]: r for r in con.execute("SELECT id, duplicate_of, story, countries FROM silkwire_articles")}
        assert set(articles) == set(records)
        for article_id, record in records.items():
            assert articles[article_id][1] == record["duplicate_of"]
            assert articles[article_id][2] == record["story"]
            assert sorted((articles[article_id][3] or "").split()) == sorted(c["code"] for c in record["countries"])
        assert [list(r) for r in con.execute("SELECT id, type, name, country, articles FROM silkwire_entities")] == [
            [e["id"], e["type"], e["name"], e["country"], e["articles"]] for e in entities]
        assert sorted(con.execute("SELECT source, target, type, events FROM silkwire_dyads")) == [
            ("KZ", "CN", "AGREE", 1), ("UZ", "RU", "AGREE", 1)]
        assert con.execute("SELECT count(*), sum(duplicate) FROM silkwire_events").fetchone() == (3, 1)
        stories = con.execute("SELECT count(DISTINCT story), count(*) FROM silkwire_story_articles").fetchone()
        assert stories[1] == len(records)
        con.executescript(drop)
        views = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert views == {"silkwire_facts", "silkwire_events"}  # the schema's own stay
        facts = con.execute("SELECT count(*) FROM silkwire_facts WHERE kind = 'country'").fetchone()[0]
        assert facts == sum(len(r["countries"]) for r in records.values())
    finally:
        con.close()


# -- links --------------------------------------------------------------------------------------------


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def _pages() -> list[Path]:
    return [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(page: Path) -> None:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in _anchors(path)):
            broken.append(target)
    assert broken == []


def test_readme_is_a_short_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "./dev demo" in readme and "./dev test" in readme
