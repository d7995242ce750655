"""Two writers at once on one PostgreSQL database: ``silkwire watch`` polling feeds and an ingest
of a JSONL file, in two processes, with overlapping items (the same articles in both, and
copies of one dispatch across outlets). Nothing is lost or stored twice, and the duplicate
links are those of one writer storing the articles in the order they arrived."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from localweb import serve

from silkwire.ingest.articles import make_article
from silkwire.model import Article
from silkwire.service import articles as service
from silkwire.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def demo_records() -> list[dict[str, Any]]:
    """The demo's JSONL articles, without their ids (an article's id is then its content's, as a
    feed item's is), in file order; every fourth one also comes from a wire service, copied as it
    is (every other time) or with a line added, the day before or after."""
    rows = [json.loads(line) for path in service.demo_files() if path.endswith(".jsonl")
            for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for n, r in enumerate({k: v for k, v in r.items() if k not in ("id", "url")} for r in rows):
        out.append(r)
        if n % 4 == 0:
            day = (datetime.fromisoformat(r["published"]) + timedelta(days=1 if n % 8 else -1)).date().isoformat()
            lead = r["lead"] if n % 8 else r["lead"] + " Les détails n’ont pas été rendus publics."
            out.append({**r, "source": "Agence Steppe", "lead": lead, "published": day})
    return out


def rss(items: list[dict[str, Any]]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(r['title'])}</title><description>{escape(r['lead'])}</description>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(r['published']).replace(hour=9, tzinfo=UTC))}</pubDate>"
        "</item>" for r in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title>{entries}</channel></rss>'.encode()


def article(r: dict[str, Any]) -> Article:
    return make_article(source=r["source"], title=r["title"], parts=[r["lead"]], published=r["published"])


def links(url: str) -> dict[str, str | None]:
    """Article id -> the id of its canonical (None: canonical), for every stored article."""
    with open_store(url, create=False) as store:
        rows = store.articles_after(0, 100_000)
        canon = store.canonical_rowids([r for r, _ in rows])
        ids = {r: a.id for r, a in rows}
        return {a.id: ids[canon[r]] if r in canon else None for r, a in rows}


def arrival(url: str) -> list[Article]:
    with open_store(url, create=False) as store:
        return [a for _, a in store.articles_after(0, 100_000)]


INGEST = textwrap.dedent("""
    import sys, time
    from silkwire.service import articles as service
    with service.open_workspace(sys.argv[1], create=True) as ws:
        service.ingest(ws, [sys.argv[2]], batch_size=2, on_batch=lambda report: time.sleep(0.03))
""")


def test_ingest_and_watch_at_once_lose_nothing_and_link_as_one_writer(pg_server, tmp_path, monkeypatch):
    from silkwire.store.pg_connection import close_pools

    records = demo_records()
    by_ingest = [r for i, r in enumerate(records) if i % 3 != 2]  # two thirds each, one third in both
    by_watch = [r for i, r in enumerate(records) if i % 3 != 0]
    url = pg_server.create_database("two_writers")
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in by_ingest), encoding="utf-8")
    env = {**os.environ, "SILKWIRE_INDEX": str(tmp_path / "writers.index")}
    for web in serve():
        web.site.feed_delay = 0.15
        sources = tmp_path / "news.sources.toml"
        blocks = []
        for n, source in enumerate(sorted({r["source"] for r in by_watch})):
            web.site.feeds[f"f{n}"] = rss([r for r in by_watch if r["source"] == source])
            blocks.append(f'[[source]]\nname = "{source}"\nurl = "{web.url(f"/feeds/f{n}.xml")}"\ninterval = "1h"\n')
        sources.write_text("\n".join(blocks), encoding="utf-8")
        with open_store(url):  # the schema first: both writers then open an existing database
            pass
        writers = [
            subprocess.Popen([sys.executable, "-c", INGEST, url, str(jsonl)], env=env, stderr=subprocess.PIPE),
            subprocess.Popen([sys.executable, "-m", "silkwire", "watch", "--once", "--db", url, "--sources",
                              str(sources), "--allow-private", "--per-host-delay", "0"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE),
        ]
        for w in writers:
            _, errors = w.communicate(timeout=300)
            assert w.returncode == 0, errors.decode()
    # nothing lost, nothing twice
    expected = {article(r).id for r in by_ingest} | {article(r).id for r in by_watch}
    stored = arrival(url)
    assert len(stored) == len({a.id for a in stored}) == len(expected)
    assert {a.id for a in stored} == expected
    # the two really wrote at once: the watch's articles arrived between the ingest's batches
    watched = [i for i, a in enumerate(stored) if a.id in {article(r).id for r in by_watch}]
    ingest_only = [i for i, a in enumerate(stored) if a.id not in {article(r).id for r in by_watch}]
    assert any(watched[0] < i < watched[-1] for i in ingest_only), "the two writers did not overlap"
    together = links(url)
    assert sum(v is not None for v in together.values()) >= 20  # copies across outlets were found
    # one writer storing the same articles links them the same way: in the order they arrived
    # (exactly what the write lock makes of two writers), and here in any order (the file, then
    # the feeds), as the earliest copy of a group is its canonical
    for name, order in (("replay", stored), ("one_writer", [article(r) for r in by_ingest + by_watch])):
        one = pg_server.create_database(name)
        monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / f"{name}.index"))
        with service.open_workspace(one, create=True) as ws:
            service.ingest_items(ws, order)
        assert links(one) == together, name
    # stories: every dated canonical article is in one story, and each story counts its own
    with open_store(url, create=False) as store:
        assert store.unclustered() == [] or all(a.published is None for a in store.by_rowids(store.unclustered()))
        for row in store.story_rows():
            assert row.articles == len(store.story_members(row.id))
    # a node opening the database indexes every article once
    monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / "reader.index"))
    with service.open_workspace(url) as ws:
        assert ws.index.count() == len(expected)
    close_pools()
