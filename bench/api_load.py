"""REST API latency under concurrent clients, on the OrangeSum articles (title + lead).

Builds (or reuses) a database of the OrangeSum articles that have a lead (~30k distinct after
duplicates), starts ``silkwire.api.serve.serve`` with uvicorn on 127.0.0.1 on a free port in a
subprocess, then for each page kind — feed (newest first, pages 1-50, with and without a date
filter), search (30 French queries, relevance), article (random ids) — runs ``--clients``
threads, each with its own keep-alive httpx client, for ``--seconds`` or ``--requests`` requests,
whichever comes first. Prints p50/p95/p99 per page kind (target: p95 <= 50 ms) and writes them to
bench/out/api_load.json. Loopback only; nothing leaves the machine.

Usage: python bench/api_load.py [--clients 8] [--seconds 10] [--requests 5000] [--db PATH]
Needs ../shared/data/orangesum/orangesum.jsonl.gz; exits with a message when it is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
sys.path.insert(0, str(Path(__file__).parent))
from ingest_search import QUERIES  # noqa: E402  (the same 30 queries as the engine benchmark)

TARGET_P95_MS = 50.0


def build_db(db: str) -> None:
    """Title + lead of every OrangeSum article that has a lead, as the ingest benchmark does."""
    from silkwire.service import articles as service

    if os.path.exists(db):
        with service.open_workspace(db) as ws:
            if ws.store.count() > 0:
                return
    os.makedirs(os.path.dirname(db) or ".", exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "orangesum.jsonl")
        with gzip.open(CORPUS, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
            for line in src:
                r = json.loads(line)
                if r.get("heading", "").strip():
                    item = {"id": r["id"], "title": r["title"], "lead": r["heading"], "published": r["date"]}
                    out.write(json.dumps(item, ensure_ascii=False) + "\n")
        start = time.perf_counter()
        with service.open_workspace(db, create=True) as ws:
            report = service.ingest(ws, [path], "jsonl", "orangesum")
        print(f"built {db}: {report.new} articles in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    code = f"from silkwire.api.serve import serve; serve('127.0.0.1', {port}, {db!r}, log_level='warning')"
    env = {**os.environ, "SILKWIRE_INGEST_TOKEN": ""}  # read-only: the benchmark writes nothing
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not answer within 60 s")


def run_load(base: str, next_url: Callable[[random.Random], str], clients: int, seconds: float,
             requests: int) -> dict[str, Any]:
    """``clients`` threads hitting ``next_url()`` paths until the time or request budget is spent."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    budget = iter(range(requests))  # shared: next() on a range iterator is atomic under the GIL
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        with httpx.Client(base_url=base, timeout=10) as http:
            while time.monotonic() < deadline and next(budget, None) is not None:
                path = next_url(rng)
                start = time.perf_counter()
                response = http.get(path)
                mine.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    with lock:
                        errors.append(f"{response.status_code} {path}")
        with lock:
            latencies.extend(mine)

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"requests": len(latencies), "errors": len(errors), "first_errors": errors[:3],
            "p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2), "p99_ms": round(cuts[98], 2),
            "max_ms": round(max(latencies, default=0.0), 2), "req_per_s": round(len(latencies) / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (threads)")
    parser.add_argument("--seconds", type=float, default=10.0, help="time budget per page kind")
    parser.add_argument("--requests", type=int, default=5000, help="request budget per page kind")
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "silkwire-bench", "orangesum-tl.db"),
                        help="database to build or reuse")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (../shared/data is absent)")
        return
    build_db(args.db)
    import sqlite3

    with sqlite3.connect(args.db) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM articles")]
    port = free_port()
    server = start_server(args.db, port)
    base = f"http://127.0.0.1:{port}"
    pages: dict[str, Callable[[random.Random], str]] = {
        "feed": lambda r: f"/api/articles?limit=20&offset={20 * r.randrange(50)}",
        "feed since 2020": lambda r: f"/api/articles?since=2020-01-01&limit=20&offset={20 * r.randrange(50)}",
        "search": lambda r: "/api/articles?" + str(httpx.QueryParams({"q": r.choice(QUERIES), "limit": 20})),
        "search by date": lambda r: "/api/articles?" + str(httpx.QueryParams({"q": r.choice(QUERIES), "sort": "date"})),
        "article": lambda r: f"/api/articles/{r.choice(ids)}",
    }
    results: dict[str, Any] = {"articles": len(ids), "clients": args.clients, "cpus": os.cpu_count(), "pages": {}}
    try:
        for name, next_url in pages.items():
            run_load(base, next_url, args.clients, 1.0, 200)  # warm-up: pool, page cache
            results["pages"][name] = run_load(base, next_url, args.clients, args.seconds, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{len(ids)} articles, {args.clients} concurrent clients, loopback; target p95 <= {TARGET_P95_MS:g} ms")
    print(f"{'page':<16} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for name, r in results["pages"].items():
        flag = "" if r["p95_ms"] <= TARGET_P95_MS else "  > target"
        print(f"{name:<16} {r['requests']:>8} {r['errors']:>6} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} "
              f"{r['p99_ms']:>8.2f} {r['req_per_s']:>8.1f}{flag}")
    os.makedirs(args.out, exist_ok=True)
    Path(args.out, "api_load.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
