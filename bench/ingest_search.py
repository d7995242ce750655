"""Ingest + search benchmark on OrangeSum (36,152 real French articles), and the engine choice.

Measures, in one run on this machine:
- silkwire (SQLite store + tantivy index over PyStemmer-analysed terms): ingest+index articles/s
  end to end (read JSONL, parse, hash, analyse, store one transaction per 500, index), database
  + index size, and search latency p50/p95 (parse, tantivy BM25 top-10 + count, rows from SQLite,
  highlights and snippets) over 30 fixed French queries, with and without filters — for
  title+lead at 1x and 12x the corpus (replicated with distinct sources, hence distinct ids:
  ~360k stored), and for title+lead+body at 1x;
- the alternative engine, SQLite FTS5 (contentless, bm25) over the *same analysed terms*, on the
  same articles: insert articles/s and ranked top-10 + count latency, beside tantivy's
  engine-only latency for the same 30 queries.

Usage: python bench/ingest_search.py [--scales 1,12] [--no-body] [--no-fts5] [--out bench/out]
Needs ../shared/data/orangesum/orangesum.jsonl.gz; exits with a message when it is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"

QUERIES = [
    "coronavirus", "élection présidentielle", "gouvernement", "Macron", "grève SNCF",
    '"réforme des retraites"', "manifestations", "Trump OR Biden", "attentat NOT Paris",
    "migrants Méditerranée", "climat*", "économie", "chômage", "policiers", "incendie",
    "vaccins", "Russie", "Chine", "hôpitaux", "écoles fermées", "football", '"gilets jaunes"',
    "Brexit", "sommets", "pétrole OR gaz", "justice condamné", "Kazakhstan", "accident route",
    "élu*", "Europe (Allemagne OR Italie)",
]
REPEATS = 5


def machine_info() -> dict[str, Any]:
    import sqlite3

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def load_corpus() -> list[dict[str, Any]]:
    """The OrangeSum articles that have a lead (a few have none: silkwire rejects empty text)."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    return [r for r in records if r["heading"].strip()]


def write_input(records: list[dict[str, Any]], path: Path, replicas: int, body: bool) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for k in range(replicas):
            for r in records:
                item = {"title": r["title"], "lead": r["heading"], "published": r["date"],
                        "source": f"orangesum-{k}", "id": r["id"]}
                if body:
                    item["body"] = r["article"]
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
                n += 1
    return n


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(run_query: Any) -> dict[str, float]:
    times = []
    for q in QUERIES:
        run_query(q)  # warm-up
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            run_query(q)
            times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 0.95), 2),
            "max_ms": round(max(times), 2)}


def bench_silkwire(input_path: Path, n: int, workdir: Path) -> dict[str, Any]:
    from silkwire.model import SearchFilters
    from silkwire.search import parse_query
    from silkwire.service import articles as service

    db = str(workdir / "bench.db")
    service.remove_database(db)
    with service.open_workspace(db, create=True) as ws:
        t0 = time.perf_counter()
        report = service.ingest(ws, [str(input_path)])
        elapsed = time.perf_counter() - t0
        assert report.seen == n and not report.rejected, (report.seen, n, report.rejected[:3])
        ws.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_size = ws.store.stats()["size_bytes"]
        index_size = sum(p.stat().st_size for p in Path(f"{db}.index").rglob("*") if p.is_file())
        totals = [service.search(ws, q).total for q in QUERIES]
        plain = latency(lambda q: service.search(ws, q))
        dated = SearchFilters(since="2019-01-01", until="2019-12-31")
        by_date = latency(lambda q: service.search(ws, q, dated))
        by_source = latency(lambda q: service.search(ws, q, SearchFilters(sources=("orangesum-0",))))
        nodes = {q: parse_query(q).node for q in QUERIES}
        engine = latency(lambda q: ws.index.search(nodes[q], SearchFilters(), 10, 0))
    return {
        "articles": n, "stored": report.new, "ingest_seconds": round(elapsed, 1),
        "articles_per_s": round(n / elapsed), "db_mb": round(db_size / 1e6, 1),
        "index_mb": round(index_size / 1e6, 1), "search": plain, "search_date_filter": by_date,
        "search_source_filter": by_source, "engine_only_tantivy": engine,
        "median_hits": statistics.median(totals), "hits": totals,
    }


def bench_fts5(input_path: Path, workdir: Path) -> dict[str, Any]:
    """The alternative: SQLite FTS5 over the same analysed columns, bm25 top-10 + count."""
    import sqlite3

    from silkwire.ingest import read_paths
    from silkwire.model import Article
    from silkwire.search import index_columns, parse_query
    from silkwire.search.query import And, Or, Phrase, Prefix

    path = workdir / "fts5.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, words, content='', prefix='2 3')")
    seen: set[str] = set()
    batch: list[tuple[str, str, str]] = []
    t0 = time.perf_counter()
    for item in read_paths([str(input_path)]):
        if isinstance(item, Article) and item.id not in seen:  # the same articles silkwire stores
            seen.add(item.id)
            batch.append(index_columns(item.title, item.body))
            if len(batch) == 500:
                db.execute("BEGIN")
                db.executemany("INSERT INTO fts (title, body, words) VALUES (?, ?, ?)", batch)
                db.execute("COMMIT")
                batch.clear()
    if batch:
        db.executemany("INSERT INTO fts (title, body, words) VALUES (?, ?, ?)", batch)
    elapsed = time.perf_counter() - t0

    def fts(node: Any) -> str:
        if isinstance(node, Phrase):
            return '{title body} : "' + " ".join(node.terms) + '"'
        if isinstance(node, Prefix):
            return 'words : "' + " ".join([*node.words, node.prefix]) + '" *'
        if isinstance(node, And):
            expr = "(" + " AND ".join(fts(c) for c in node.must) + ")"
            for c in node.must_not:
                expr = f"({expr} NOT {fts(c)})"
            return expr
        assert isinstance(node, Or)
        return "(" + " OR ".join(fts(c) for c in node.any) + ")"

    exprs = {q: fts(parse_query(q).node) for q in QUERIES}

    def run(q: str) -> None:
        db.execute("SELECT rowid, bm25(fts, 3.0, 1.0, 0.5) AS s FROM fts WHERE fts MATCH ? ORDER BY s LIMIT 10",
                   (exprs[q],)).fetchall()
        db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (exprs[q],)).fetchone()

    result = {"articles": len(seen), "insert_seconds_incl_read_analyse": round(elapsed, 1),
              "articles_per_s": round(len(seen) / elapsed), "fts_mb": round(path.stat().st_size / 1e6, 1),
              "engine_only_fts5": latency(run)}
    db.close()
    path.unlink()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,12", help="replication factors for title+lead")
    parser.add_argument("--no-body", action="store_true", help="skip the title+lead+body run")
    parser.add_argument("--no-fts5", action="store_true", help="skip the FTS5 alternative")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (../shared/data is absent)")
        return 0
    records = load_corpus()
    results: dict[str, Any] = {"machine": machine_info(), "queries": QUERIES, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="silkwire-bench-") as tmp:
        work = Path(tmp)
        for scale in (int(s) for s in args.scales.split(",")):
            path = work / f"lead-{scale}.jsonl"
            n = write_input(records, path, scale, body=False)
            results["runs"][f"silkwire_lead_{scale}x"] = run = bench_silkwire(path, n, work)
            print(f"silkwire lead {scale}x:", json.dumps(run), flush=True)
            if not args.no_fts5:
                results["runs"][f"fts5_lead_{scale}x"] = run = bench_fts5(path, work)
                print(f"fts5 lead {scale}x:", json.dumps(run), flush=True)
            path.unlink()
        if not args.no_body:
            path = work / "body-1.jsonl"
            n = write_input(records, path, 1, body=True)
            results["runs"]["silkwire_body_1x"] = run = bench_silkwire(path, n, work)
            print("silkwire body 1x:", json.dumps(run), flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest_search.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results["machine"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
