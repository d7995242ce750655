"""Sources file, `silkwire sources`, `silkwire watch` against a local server (127.0.0.1)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from localweb import serve
from typer.testing import CliRunner

from silkwire.cli.main import app
from silkwire.errors import InputError
from silkwire.service import articles as service
from silkwire.service.sources import Source, add_source, load_sources, remove_source, sources_path

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def web():
    yield from serve()


def run(*args: str):
    return runner.invoke(app, list(args))


def write_sources(path: Path, web, names: dict[str, str], **extra: str) -> None:
    blocks = []
    for name, route in names.items():
        block = f'[[source]]\nname = "{name}"\nurl = "{web.url(route)}"\ninterval = "1h"\n'
        blocks.append(block + "".join(f"{k} = {v}\n" for k, v in extra.items()))
    path.write_text("\n".join(blocks), encoding="utf-8")


def count(db: str) -> int:
    with service.open_workspace(db) as ws:
        assert ws.index.count() == ws.store.count()  # the index holds exactly what the store holds
        return ws.store.count()


# -- sources file ------------------------------------------------------------------------------------


def test_sources_file_errors_name_the_line_and_field(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '# my outlets\n[[source]]\nname = "ok"\nurl = "https://a.example/rss"\ninterval = "30m"\ncountry = "kz"\n\n'
        '[[source]]\nname = "bad-kind"\nurl = "https://b.example/"\nkind = "json"\n\n'
        '[[source]]\nname = "bad-url"\nurl = "ftp://c.example/"\n\n'
        '[[source]]\nname = "typo"\nurl = "https://d.example/"\ninteval = 60\n\n'
        '[[source]]\nname = "ok"\nurl = "https://e.example/"\n', encoding="utf-8")
    ok, kind, url, typo, dup = load_sources(str(path))
    assert ok == Source("ok", "https://a.example/rss", "auto", "fr", "KZ", 1800, False, line=2)
    assert isinstance(kind, InputError) and f"{path}:8 (bad-kind): field 'kind'" in str(kind)
    assert isinstance(url, InputError) and ":13 (bad-url): field 'url'" in str(url) and "only http and https" in str(url)
    assert isinstance(typo, InputError) and "unknown field 'inteval'" in str(typo)
    assert isinstance(dup, InputError) and "used by an earlier source" in str(dup)
    (broken := tmp_path / "b.toml").write_text("[[source]\nname=", encoding="utf-8")
    (error,) = load_sources(str(broken))
    assert isinstance(error, InputError) and "not a valid TOML sources file" in str(error) and "line 1" in str(error)


def test_add_and_remove_keep_the_rest_of_the_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('# comment kept\n[[source]]\nname = "a"\nurl = "https://a.example/"  # why\n', encoding="utf-8")
    add_source(str(path), Source("b", "https://b.example/feed", "rss", "fr", "UZ", 900, False))
    add_source(str(path), Source("c \"quoted\"", "https://c.example/", interval=45))
    assert [s.name for s in load_sources(str(path)) if isinstance(s, Source)] == ["a", "b", 'c "quoted"']
    with pytest.raises(InputError, match="already exists"):
        add_source(str(path), Source("a", "https://x.example/"))
    remove_source(str(path), "b")
    text = path.read_text(encoding="utf-8")
    assert "# comment kept" in text and "# why" in text and "b.example" not in text
    assert [(s.name, s.interval) for s in load_sources(str(path)) if isinstance(s, Source)] == [("a", 3600), ('c "quoted"', 45)]
    with pytest.raises(InputError, match="no source named"):
        remove_source(str(path), "zzz")


def test_sources_file_lives_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("SILKWIRE_SOURCES", raising=False)
    assert sources_path(str(tmp_path / "news.db")) == str(tmp_path / "news.sources.toml")
    assert sources_path(str(tmp_path / "news.db"), "/x/y.toml") == "/x/y.toml"
    monkeypatch.setenv("SILKWIRE_SOURCES", "/env/s.toml")
    assert sources_path("silkwire.db") == "/env/s.toml"


def test_sources_commands(tmp_path):
    db = str(tmp_path / "n.db")
    added = run("sources", "add", "steppes", "https://steppes.example/rss", "--db", db, "--country", "kg",
                "--interval", "2h", "--kind", "rss")
    assert added.exit_code == 0, added.output
    assert (tmp_path / "n.sources.toml").exists()
    listed = json.loads(run("sources", "list", "--db", db, "--json").output)
    assert listed == [{"name": "steppes", "url": "https://steppes.example/rss", "kind": "rss", "language": "fr",
                       "country": "KG", "interval": 7200, "allow_private": False}]
    assert run("sources", "add", "x", "file:///etc/passwd", "--db", db).exit_code != 0
    assert run("sources", "add", "x", "https://x.example/", "--db", db, "--interval", "soon").exit_code != 0
    check = run("sources", "check", "--db", db)
    assert check.exit_code == 0 and "never" in check.output
    assert run("sources", "remove", "steppes", "--db", db).exit_code == 0
    assert "no sources" in run("sources", "list", "--db", db).output


# -- watch ---------------------------------------------------------------------------------------------


def test_watch_twice_second_run_is_conditional_and_adds_nothing(web, tmp_path):
    db, sources = str(tmp_path / "w.db"), tmp_path / "w.sources.toml"
    web.site.live["kz"] = [("Astana relance le corridor transcaspien", "Un accord est signé."),
                           ("Tachkent accueille un sommet", "Les dirigeants se réunissent.")]
    write_sources(sources, web, {"conditional": "/conditional.xml", "live": "/live/kz.xml",
                                 "page": "/static/article.html"})
    args = ["watch", "--once", "--db", db, "--allow-private", "--per-host-delay", "0"]
    first = run(*args)
    assert first.exit_code == 0, first.output
    assert "conditional: 3 new, 0 duplicate, 0 rejected (HTTP 200)" in first.output
    assert "live: 2 new" in first.output and "page: 1 new" in first.output
    assert count(db) == 6
    assert "one pass: 3 source(s) polled, 6 new article(s)" in first.output

    second = run(*args, "--force")
    assert second.exit_code == 0, second.output
    assert "conditional: not modified (HTTP 304)" in second.output and "live: not modified" in second.output
    assert "page: 0 new, 1 duplicate" in second.output  # a page without validators is re-read, not re-stored
    assert web.site.requests_to("/conditional.xml")[-1].get("If-None-Match")
    assert web.site.requests_to("/live/kz.xml")[-1].get("If-None-Match")
    assert count(db) == 6

    requests = len(web.site.log)
    third = run(*args)  # not forced: nothing is due for an hour
    assert third.exit_code == 0 and len(web.site.log) == requests
    assert third.output.startswith("nothing due: ") and "the next is " in third.output  # says what it did

    web.site.live["kz"].append(("Bichkek : nouveau pont sur le Tchou", "Le chantier commence."))
    fourth = run(*args, "--force")
    assert "live: 1 new, 2 duplicate" in fourth.output
    assert count(db) == 7
    check = json.loads(run("sources", "check", "--db", db, "--json").output)
    live = next(c for c in check if c["name"] == "live")
    assert (live["status"], live["total_new"], live["last_new"], live["failures"]) == ("ok", 3, 1, 0)


def test_one_failing_source_does_not_stop_the_others(web, tmp_path):
    db, sources = str(tmp_path / "w.db"), tmp_path / "w.sources.toml"
    write_sources(sources, web, {"gone": "/missing.xml", "broken": "/error.xml", "picture": "/image.png",
                                 "fine": "/static/atom.xml", "loop": "/loop/a", "slow": "/slow.xml",
                                 "huge": "/big/streamed", "damaged": "/static/malformed.xml"})
    result = run("watch", "--once", "--db", db, "--allow-private", "--per-host-delay", "0", "--retries", "0",
                 "--timeout", "0.3", "--max-bytes", "100000")
    assert result.exit_code == 1
    assert "gone: error: HTTP 404" in result.output and "broken: error: HTTP 500" in result.output
    assert "picture: error: expected an RSS/Atom feed or an HTML page, got content type image/png" in result.output
    assert "loop: error: redirect loop" in result.output
    assert "slow: error: timed out" in result.output and "huge: error: response too large" in result.output
    assert "fine: 2 new" in result.output
    assert "damaged: warning:" in result.output and "malformed feed" in result.output and "damaged: 1 new" in result.output
    check = run("sources", "check", "--db", db, "--json")
    assert check.exit_code == 1
    rows = {r["name"]: r for r in json.loads(check.output)}
    assert rows["gone"]["status"] == "error" and rows["gone"]["http_status"] == 404 and rows["gone"]["failures"] == 1
    assert "HTTP 500" in rows["broken"]["error"] and rows["fine"]["status"] == "ok"
    assert rows["damaged"]["status"] == "ok" and rows["damaged"]["error"].startswith("warning: ")
    table = run("sources", "check", "--db", db)
    assert "HTTP 404" in table.output and "error" in table.output


def test_private_source_refused_unless_the_source_allows_it(web, tmp_path):
    db, sources = str(tmp_path / "w.db"), tmp_path / "w.sources.toml"
    write_sources(sources, web, {"local": "/static/rss20.xml"})
    refused = run("watch", "--once", "--db", db, "--per-host-delay", "0")
    assert refused.exit_code == 1 and "local: error:" in refused.output
    assert "127.0.0.1 is a loopback address" in refused.output and web.site.log == []
    write_sources(sources, web, {"local": "/static/rss20.xml"}, allow_private="true")
    allowed = run("watch", "--once", "--force", "--db", db, "--per-host-delay", "0")
    assert allowed.exit_code == 0 and "local: 3 new" in allowed.output


def test_watch_without_usable_sources_says_so(tmp_path):
    result = run("watch", "--once", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 2 and "no usable sources" in result.output


def _polled(db: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("SELECT count(*) FROM watch_state").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_watch_killed_mid_run_resumes_without_loss_or_duplicates(web, tmp_path):
    db, sources = str(tmp_path / "k.db"), tmp_path / "k.sources.toml"
    names = {f"s{i}": f"/live/s{i}.xml" for i in range(8)}
    for i in range(8):
        web.site.live[f"s{i}"] = [(f"Dépêche {i}-{j} sur le Kazakhstan", f"Texte {i}-{j}.") for j in range(5)]
    write_sources(sources, web, names)
    web.site.live_delay = 0.4
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "silkwire", "watch", "--db", db, "--allow-private", "--per-host-delay", "0"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _polled(db) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    done_before = _polled(db)
    assert 2 <= done_before < 8, "the watch should have been killed in the middle of its pass"
    fetched_before = sum(web.site.hits.get(p, 0) for p in names.values())

    resumed = run("watch", "--once", "--db", db, "--allow-private", "--per-host-delay", "0")
    assert resumed.exit_code == 0, resumed.output
    assert count(db) == 40  # nothing lost
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(DISTINCT id), count(*) FROM articles").fetchone() == (40, 40)
        assert con.execute("SELECT count(*) FROM watch_state WHERE last_status = 'ok'").fetchone()[0] == 8
    fetched = sum(web.site.hits.get(p, 0) for p in names.values())
    # The restart polled only the sources whose state was not recorded (the one in flight at most once more).
    assert fetched - fetched_before == 8 - done_before
    assert fetched <= 8 + 1


def test_items_that_could_not_be_stored_are_fetched_again(web, tmp_path):
    db, sources = str(tmp_path / "w.db"), tmp_path / "w.sources.toml"
    write_sources(sources, web, {"conditional": "/conditional.xml"})
    args = ["watch", "--once", "--force", "--db", db, "--allow-private", "--per-host-delay", "0"]
    with service.open_workspace(db, create=True) as other:
        other.index.begin_write()  # another writer holds the database
        busy = run(*args)
        other.index.rollback()
    assert busy.exit_code == 1 and "could not store the items" in busy.output
    again = run(*args)  # the validators were not kept: a full fetch, not a 304 that would lose the items
    assert "conditional: 3 new" in again.output, again.output
    assert count(db) == 3


def test_watch_loop_polls_on_the_interval_until_stopped(web, tmp_path):
    from silkwire.service import watch as watching

    db, sources = str(tmp_path / "w.db"), tmp_path / "w.sources.toml"
    web.site.live["fast"] = [("Un titre", "Un texte.")]
    sources.write_text(f'[[source]]\nname = "fast"\nurl = "{web.url("/live/fast.xml")}"\ninterval = 1\n'
                       f'[[source]]\nname = "slow"\nurl = "{web.url("/static/atom.xml")}"\ninterval = "1h"\n',
                       encoding="utf-8")
    polls: list[watching.PollResult] = []
    options = watching.WatchOptions(allow_private=True, policy=watching.FetchPolicy(per_host_delay=0))
    started = time.monotonic()
    done = watching.watch(db, str(sources), options, on_poll=polls.append, should_stop=lambda: len(polls) >= 4)
    assert done == 4 and time.monotonic() - started < 10
    assert [p.source for p in polls].count("slow") == 1  # not due again for an hour
    fast = [p for p in polls if p.source == "fast"]
    assert [p.status for p in fast] == ["ok", "not_modified", "not_modified"]
    assert count(db) == 3


def test_watch_stops_cleanly_on_sigterm(web, tmp_path):
    db, sources = str(tmp_path / "t.db"), tmp_path / "t.sources.toml"
    write_sources(sources, web, {"atom": "/static/atom.xml"})
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "silkwire", "watch", "--db", db, "--allow-private"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while _polled(db) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "atom: 2 new" in out


def test_a_changed_url_is_due_at_once_and_fetched_without_old_validators(web, tmp_path):
    db, sources = str(tmp_path / "w.db"), tmp_path / "w.sources.toml"
    write_sources(sources, web, {"c": "/conditional.xml"})
    args = ["watch", "--once", "--db", db, "--allow-private", "--per-host-delay", "0"]
    assert "c: 3 new" in run(*args).output
    write_sources(sources, web, {"c": "/conditional.xml?moved=1"})
    moved = run(*args)  # not forced, yet due: the source now points elsewhere
    assert "c: 0 new, 3 duplicate" in moved.output
    assert "If-None-Match" not in web.site.requests_to("/conditional.xml")[-1]
