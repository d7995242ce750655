"""Commands that behave (issue 19): a busy port, unknown country codes, eval without its
articles, partial publication dates, a feed served without a content type, ids never cut."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from export_data import build_db
from localdb import enriched_db
from typer.testing import CliRunner

from silkwire.cli import common
from silkwire.cli.main import app
from silkwire.ingest.feeds import read_feed
from silkwire.model import Enrichment, Entity, SearchFilters
from silkwire.service import articles as service
from silkwire.service import search as searching

runner = CliRunner()
GOLD = Path(__file__).resolve().parents[2] / "src" / "silkwire" / "demo" / "gold-politique.jsonl"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return build_db(tmp_path_factory.mktemp("commands"))


def test_serve_on_a_busy_port_says_so_in_one_line_and_exits_2(db) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "silkwire", "serve", "--db", db, "--port", str(port)],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"error: cannot serve on 127.0.0.1:{port}: the port is already in use "
                                        "(another server? try --port)"]


@pytest.mark.parametrize("args", [["timeline", "--country", "ZZ"], ["relations", "ZZ"], ["relations", "KZ", "--with", "ZZ"],
                                  ["search", "accord", "--country", "ZZ"], ["stories", "--country", "ZZ"],
                                  ["entities", "--country", "ZZ"], ["export", "--country", "ZZ"],
                                  ["digest", "--country", "ZZ"]])
def test_every_command_rejects_an_unknown_country_alike(db, args) -> None:
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 2
    assert "ZZ: not an ISO 3166-1 alpha-2 country code silkwire knows" in result.output


def test_eval_without_any_gold_article_exits_2_and_says_why(db) -> None:
    result = runner.invoke(app, ["eval", str(GOLD), "--db", db])
    assert result.exit_code == 2
    assert "none of the 80 gold articles is in the database" in result.output


def test_a_month_or_a_year_as_publication_date_is_read_at_its_precision(tmp_path) -> None:
    rows = [{"title": "Un mois", "lead": "Le Kazakhstan en octobre.", "published": "2020-10"},
            {"title": "Une année", "lead": "Le Kazakhstan cette année-là.", "published": "2019"},
            {"title": "Un jour", "lead": "Le Kazakhstan ce jour-là.", "published": "2020-10-02"}]
    path = enriched_db(tmp_path, rows, lambda articles: (Enrichment(a.id, countries=()) for a in articles))
    with service.open_workspace(path) as ws:
        published = {ws.store.get(i).title: ws.store.get(i).published for i in
                     (ws.store.ids_by_title(t)[0] for t in ("Un mois", "Une année", "Un jour"))}
        assert published == {"Un mois": "2020-10", "Une année": "2019", "Un jour": "2020-10-02"}
        def titles(**bounds: str) -> set[str]:
            listing = searching.list_articles(ws, SearchFilters(**bounds), 10, 0)
            return {a.title for a in listing.articles}
        assert titles(since="2020-10-15") == {"Un mois"}  # October 2020 may be on or after the 15th
        assert titles(since="2020-11-01") == set()
        assert titles(until="2020-09-30") == {"Une année"}


def test_a_feed_served_without_content_type_is_not_malformed() -> None:
    body = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title>Astana</title><description>Un accord.</description></item></channel></rss>")
    items = list(read_feed(body, "s", "http://127.0.0.1/feed", "http://127.0.0.1/feed"))
    assert [type(i).__name__ for i in items] == ["Article"]  # no "malformed feed" warning


def test_cli_tables_never_cut_an_id(tmp_path, monkeypatch) -> None:
    name = "Fédération kazakhe de tennis de table et de badminton"
    rows = [{"title": "Tennis", "lead": f"La {name} ouvre un centre.", "published": "2025-01-02"}]

    def enricher(articles):
        for a in articles:
            start = a.text.index(name)
            yield Enrichment(a.id, countries=(), entities=(
                Entity("org:federation-kazakhe-de-tennis-de-table-et-de-badminton", "ORG", name,
                               ((start, start + len(name)),)),), places=(), dates=(), amounts=())
    path = enriched_db(tmp_path, rows, enricher)
    monkeypatch.setattr(common.out, "width", 60)
    shown = runner.invoke(app, ["entities", "--db", path]).output
    assert "org:federation-kazakhe-de-tennis-de-table-et-de-badminton" in shown
    assert json.loads(runner.invoke(app, ["entities", "--db", path, "--json"]).output)[0]["articles"] == 1


@pytest.mark.slow
def test_demo_serves_without_a_terminal_until_ctrl_c(tmp_path) -> None:
    """`./dev demo` from a script (no terminal, stdin closed) builds and serves; Ctrl-C stops it."""
    import signal
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = subprocess.Popen([sys.executable, "-m", "silkwire", "demo", "--out", str(tmp_path / "d.db"),
                             "--port", str(port)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/pays/KZ", timeout=10) as answer:
                    assert "Kazakhstan" in answer.read().decode("utf-8")
                    break
            except OSError:
                assert demo.poll() is None, demo.stderr.read().decode() if demo.stderr else "demo exited"
                assert time.monotonic() < deadline, "the demo never served"
                time.sleep(0.5)
        demo.send_signal(signal.SIGINT)
        assert demo.wait(60) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
