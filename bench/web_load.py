"""Web page latency under concurrent clients, on the 36k OrangeSum articles, enriched.

Builds (or reuses) a database of all 36,152 OrangeSum items — title + lead, or title + the
start of the body (up to 400 characters, cut at a word) for the 4,212 without a lead — and
enriches it with the real pipeline (countries, entities, places, dates, amounts, events, topics),
so the feed's facets and the article's highlights have real work to do. Then starts
``silkwire serve`` (API + web pages) on 127.0.0.1 in a subprocess and, for each page kind, runs
``--clients`` threads with keep-alive httpx clients for ``--seconds`` or ``--requests``:

- feed: ``/`` pages 1-50 (facet counts cached 30 s per filter set, so this is the warm path);
- feed + country: ``/?country=XX`` over the 12 most covered countries, pages 1-5;
- search: ``/?q=…`` (the 30 queries of bench/ingest_search.py), with highlighted snippets and
  facet counts over the best 1,000 hits;
- article: ``/articles/{id}`` (random ids), text with every fact highlighted and the facts table.

Prints p50/p95/p99 per page (target: p95 <= 50 ms), writes bench/out/web_load.json. Also timed,
one request each: the first (uncached) feed, country-filtered feed and search, and the pages that
aggregate a whole history (country, relations, map, entities, the most named entity).

Usage: python bench/web_load.py [--clients 8] [--seconds 10] [--requests 3000] [--db PATH]
Needs ../shared/data/orangesum/orangesum.jsonl.gz (or $SILKWIRE_SHARED_DATA); says so and
exits when absent. Building the enriched database takes a few minutes once.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SILKWIRE_SHARED_DATA") or ROOT.parent / "shared" / "data")
CORPUS = SHARED / "orangesum" / "orangesum.jsonl.gz"
sys.path.insert(0, str(Path(__file__).parent))
from api_load import TARGET_P95_MS, free_port, run_load, start_server  # noqa: E402
from ingest_search import QUERIES  # noqa: E402

LEAD_FROM_BODY = 400


def _lead(r: dict[str, Any]) -> str:
    heading = (r.get("heading") or "").strip()
    if heading:
        return heading
    body = (r.get("article") or "").strip()
    if len(body) <= LEAD_FROM_BODY:
        return body
    cut = body.rfind(" ", 0, LEAD_FROM_BODY)
    return body[: cut if cut > 0 else LEAD_FROM_BODY] + "…"


def build_db(db: str, workers: int) -> None:
    from silkwire.service import articles as service

    if os.path.exists(db):
        with service.open_workspace(db) as ws:
            if ws.store.count() > 0 and ws.store.stats()["enriched"] == ws.store.count():
                return
    os.makedirs(os.path.dirname(db) or ".", exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "orangesum.jsonl")
        with gzip.open(CORPUS, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
            for line in src:
                r = json.loads(line)
                lead = _lead(r)
                if lead or r.get("title"):
                    item = {"id": r["id"], "title": r["title"], "lead": lead, "published": r["date"]}
                    out.write(json.dumps(item, ensure_ascii=False) + "\n")
        start = time.perf_counter()
        with service.open_workspace(db, create=True) as ws:
            report = service.ingest(ws, [path], "jsonl", "orangesum")
            print(f"ingested {report.new} articles ({len(report.rejected)} rejected) in "
                  f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
            start = time.perf_counter()
            done = service.enrich(ws, service.default_enricher(workers=workers),
                                  on_batch=lambda r: print(f"  enriched {r.enriched}", file=sys.stderr, end="\r"))
            print(f"enriched {done.enriched} in {time.perf_counter() - start:.0f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (threads)")
    parser.add_argument("--seconds", type=float, default=10.0, help="time budget per page kind")
    parser.add_argument("--requests", type=int, default=3000, help="request budget per page kind")
    parser.add_argument("--workers", type=int, default=2, help="enrichment processes when building")
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "silkwire-bench", "orangesum-web.db"),
                        help="database to build or reuse")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (../shared/data is absent)")
        return
    build_db(args.db, args.workers)
    with sqlite3.connect(args.db) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM articles")]
        enriched = db.execute("SELECT count(*) FROM enrichments").fetchone()[0]
        countries = [r[0] for r in db.execute(
            "SELECT value FROM article_facets WHERE kind = 'country' GROUP BY value ORDER BY count(*) DESC LIMIT 12")]
    port = free_port()
    server = start_server(args.db, port)
    base = f"http://127.0.0.1:{port}"
    pages: dict[str, Callable[[random.Random], str]] = {
        "feed": lambda r: f"/?offset={20 * r.randrange(50)}",
        "feed + country": lambda r: f"/?country={r.choice(countries)}&offset={20 * r.randrange(5)}",
        "search": lambda r: "/?" + str(httpx.QueryParams({"q": r.choice(QUERIES)})),
        "article": lambda r: f"/articles/{r.choice(ids)}",
        # The same-run peer: the JSON API's search, same queries, no page, no facets.
        "search, JSON API": lambda r: "/api/articles?" + str(httpx.QueryParams({"q": r.choice(QUERIES)})),
    }
    results: dict[str, Any] = {"articles": len(ids), "enriched": enriched, "clients": args.clients,
                               "cpus": os.cpu_count(), "pages": {}, "cold_ms": {},
                               "other_ms": {}}
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            # Cold: the first request of a filter set computes its facet counts (then cached 30 s).
            for name, path in (("feed", "/"), ("feed + country", f"/?country={countries[0]}"),
                               ("search", "/?" + str(httpx.QueryParams({"q": QUERIES[0]})))):
                start = time.perf_counter()
                http.get(path).raise_for_status()
                results["cold_ms"][name] = round((time.perf_counter() - start) * 1000, 1)
            # The other pages, one request each (not under load): they aggregate whole histories.
            top_entity = http.get("/api/entities?limit=1").json()["items"][0]["id"]
            for name, path in (("country (most covered)", f"/pays/{countries[0]}"), ("country KZ", "/pays/KZ"),
                               ("relations", "/relations"), ("map", "/carte"), ("entities", "/entites"),
                               ("entity (most named)", f"/entites/{top_entity}")):
                start = time.perf_counter()
                http.get(path).raise_for_status()
                results["other_ms"][name] = round((time.perf_counter() - start) * 1000, 1)
        for name, next_url in pages.items():
            run_load(base, next_url, args.clients, 2.0, 300)  # warm-up: pool, page cache, facet cache
            results["pages"][name] = run_load(base, next_url, args.clients, args.seconds, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{len(ids)} articles ({enriched} enriched), {args.clients} concurrent clients, loopback; "
          f"target p95 <= {TARGET_P95_MS:g} ms")
    print(f"{'page':<16} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for name, r in results["pages"].items():
        flag = "" if r["p95_ms"] <= TARGET_P95_MS else "  > target"
        print(f"{name:<16} {r['requests']:>8} {r['errors']:>6} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} "
              f"{r['p99_ms']:>8.2f} {r['req_per_s']:>8.1f}{flag}")
    print("cold (first request of a filter set, facets computed): "
          + ", ".join(f"{k} {v:g} ms" for k, v in results["cold_ms"].items()))
    print("other pages, one request each: " + ", ".join(f"{k} {v:g} ms" for k, v in results["other_ms"].items()))
    os.makedirs(args.out, exist_ok=True)
    Path(args.out, "web_load.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
