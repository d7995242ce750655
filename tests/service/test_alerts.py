"""Saved searches: `silkwire alert add|list|remove|run`, matches printed and posted once."""

from __future__ import annotations

import json

import pytest
from localweb import WEB, serve
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.errors import SilkwireError
from silkwire.store import Store

runner = CliRunner()


@pytest.fixture
def web():
    yield from serve()


class Run:
    """A CLI result as `silkwire` (cli.main) reports it: a SilkwireError is one line and exit code 2."""

    def __init__(self, args: list[str]) -> None:
        result = runner.invoke(app, args)
        self.output = result.output
        self.exit_code = result.exit_code
        if isinstance(result.exception, SilkwireError):
            self.output += f"error: {result.exception}\n"
            self.exit_code = 2


def run(*args: str) -> Run:
    return Run(list(args))


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def ingest(db: str, *names: str, source: str | None = None) -> None:
    extra = ["--source", source] if source else []
    result = run("ingest", *[str(WEB / n) for n in names], "--db", db, *extra)
    assert result.exit_code == 0, result.output


def test_alert_prints_each_new_match_once(tmp_path):
    db = str(tmp_path / "a.db")
    ingest(db, "atom.xml")
    assert run("alert", "add", "bichkek", "Bichkek", "--db", db).exit_code == 0
    assert run("alert", "add", "past", "Bichkek", "--db", db, "--include-existing").exit_code == 0
    assert run("alert", "add", "rss-only", "Bichkek OR Caspienne", "--db", db, "--source", "rss20").exit_code == 0
    first = run("alert", "run", "--db", db)
    assert first.exit_code == 0, first.output
    got = lines(first.output)
    # only the alert that looks at existing articles sees the Atom item; the others start from now
    assert [(m["alert"], m["title"]) for m in got] == [("past", "Sommet de Bichkek : Tokaïev et Japarov")]
    ingest(db, "rss20.xml")
    second = lines(run("alert", "run", "--db", db).output)
    assert sorted((m["alert"], m["title"]) for m in second) == [
        ("bichkek", "Bichkek accueille le forum des investisseurs"),
        ("past", "Bichkek accueille le forum des investisseurs"),
        ("rss-only", "Bichkek accueille le forum des investisseurs"),
    ]
    assert {"id", "source", "url", "published", "text"} <= set(second[0])
    assert lines(run("alert", "run", "--db", db).output) == []  # nothing new
    only = run("alert", "run", "nope", "--db", db)
    assert only.exit_code == 2 and "no alert with this name" in only.output


def test_alert_list_remove_and_bad_input(tmp_path):
    db = str(tmp_path / "a.db")
    assert run("alert", "add", "gaz", "gaz OR pétrole", "--db", db, "--country", "tm", "--since", "2025-01-01").exit_code == 0
    listed = json.loads(run("alert", "list", "--db", db, "--json").output)
    assert listed[0]["name"] == "gaz" and listed[0]["filters"] == {"since": "2025-01-01", "by": "published", "countries": ["TM"]}
    bad = run("alert", "add", "x", "gaz AND", "--db", db)
    assert bad.exit_code == 2 and "column" in bad.output
    dup = run("alert", "add", "gaz", "gaz", "--db", db)
    assert dup.exit_code == 2 and "already exists" in dup.output
    hook = run("alert", "add", "y", "gaz", "--db", db, "--webhook", "file:///tmp/x")
    assert hook.exit_code == 2 and "only http and https" in hook.output
    assert run("alert", "remove", "gaz", "--db", db).exit_code == 0
    assert json.loads(run("alert", "list", "--db", db, "--json").output) == []
    assert run("alert", "remove", "gaz", "--db", db).exit_code == 2


def test_webhook_gets_each_match_once_and_a_failed_delivery_is_retried(web, tmp_path):
    db = str(tmp_path / "a.db")
    assert run("alert", "add", "eau", "eau OR Rogoun", "--db", db, "--webhook", web.url("/hook")).exit_code == 0
    ingest(db, "rss20.xml")

    refused = run("alert", "run", "--db", db)  # the webhook is on 127.0.0.1: refused without the flag
    assert refused.exit_code == 1 and "loopback" in refused.output and "2 matches will be sent" in refused.output
    assert len(lines(refused.output)) == 2 and web.site.log == []

    web.site.webhook_failures = 1
    failed = run("alert", "run", "--db", db, "--allow-private")
    assert failed.exit_code == 1 and "HTTP 500" in failed.output
    assert lines(failed.output) == [] and web.site.webhook_bodies == []  # printed once, not delivered yet

    delivered = run("alert", "run", "--db", db, "--allow-private")
    assert delivered.exit_code == 0, delivered.output
    assert "2 delivered" in delivered.output
    (body,) = web.site.webhook_bodies
    assert body["alert"] == "eau" and sorted(m["title"] for m in body["matches"]) == [
        "Douchanbé : la nouvelle centrale de Rogoun avance",
        "Le Kazakhstan et l’Ouzbékistan signent un accord sur l’eau"]

    assert run("alert", "run", "--db", db, "--allow-private").exit_code == 0
    assert len(web.site.webhook_bodies) == 1  # nothing is delivered twice
    ingest(db, "article.html")  # no match
    ingest(db, "rss20.xml", source="autre")  # the same items from another source: new articles, new matches
    run("alert", "run", "--db", db, "--allow-private")
    assert len(web.site.webhook_bodies) == 2 and len(web.site.webhook_bodies[1]["matches"]) == 2


def test_a_backlog_goes_out_in_bounded_posts(web, tmp_path, monkeypatch):
    from silkwire.service import alerts as alerting

    monkeypatch.setattr(alerting, "WEBHOOK_BATCH", 2)
    db = str(tmp_path / "a.db")
    assert run("alert", "add", "all", "Bichkek OR eau OR Rogoun", "--db", db, "--webhook", web.url("/hook")).exit_code == 0
    ingest(db, "rss20.xml")
    # the second POST fails: the first two matches are delivered, the third waits for the next run
    original = Store.mark_delivered
    calls = []

    def mark(store, name, ids, now):
        calls.append(list(ids))
        original(store, name, ids, now)
        web.site.webhook_failures = 1

    monkeypatch.setattr(Store, "mark_delivered", mark)
    first = run("alert", "run", "--db", db, "--allow-private")
    assert first.exit_code == 1 and "1 matches will be sent" in first.output
    assert [len(b["matches"]) for b in web.site.webhook_bodies] == [2]
    second = run("alert", "run", "--db", db, "--allow-private")
    assert second.exit_code == 0, second.output
    assert [len(b["matches"]) for b in web.site.webhook_bodies] == [2, 1]
    delivered = {m["id"] for b in web.site.webhook_bodies for m in b["matches"]}
    assert len(delivered) == 3
