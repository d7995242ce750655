"""Several writer processes on one PostgreSQL database: what a bulk load split N ways gives (issue 17).

The same replicated articles as ``bench/scale_million.py`` (``--articles`` of them) go into a new
database of one throw-away durable server, once per writer count of ``--writers`` (e.g. ``1,2``):
the articles are dealt to the writers by batches of 500 in turn (writer i takes batches i, i + N,
…: each writer's share spans the whole corpus, as feeds would), each writer a process of its own
running ``service.ingest`` of its share (its own connection, one transaction per batch under the
write lock, its own duplicate finder learning the others' bands). Measured: the wall time from
the first start to the last end, the writers' client CPU and the server's CPU per article, the
wall time the writers held the write lock and waited for it (the held time bounds what any
number of writers can reach: the transactions run one at a time), the
1-minute load, the duplicate groups, and whether one writer storing the articles in the order
they arrived links them the same way (the guarantee ``tests/service/test_pg_writers.py`` states).

Left out of every run, the same for all: the story pass at the end (one clustering, whoever
runs it: ``stories/``) and this node's text index (each process of a node would otherwise find the
index taken by another, and catch up at its end by reading the store).

Usage: python bench/pg_writers.py [--articles 20000] [--writers 1,2] [--repeat 1] [--no-replay]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))  # the throw-away PostgreSQL server
sys.path.insert(0, str(ROOT / "bench"))

from pgserver import PgServer  # noqa: E402

from ingest_search import load_corpus, machine_info  # noqa: E402
from scale_million import replicas, server_cpu  # noqa: E402

BATCH = 500
WRITER = textwrap.dedent("""
    import json, os, sys, time
    from contextlib import contextmanager
    from silkwire.service import articles as service
    from silkwire.service import stories as storylines
    from silkwire.store import postgres
    storylines.after_ingest = lambda ws: "none"  # the story pass: left out (see the module doc)
    held = {"wait": 0.0, "held": 0.0}  # wall seconds waiting for the write lock, and holding it
    def timed(self):
        if self.pg.in_transaction:
            yield self.pg
            return
        t0 = time.perf_counter()
        with self.pg.conn.transaction():
            self.pg.execute("SELECT pg_advisory_xact_lock(?)", (postgres.WRITE_LOCK,))
            t1 = time.perf_counter()
            held["wait"] += t1 - t0
            yield self.pg
        held["held"] += time.perf_counter() - t1  # the commit included
    postgres.PostgresStore._pg_transaction = contextmanager(timed)
    with service.open_workspace(sys.argv[1]) as ws:
        ws.follow_ingest = lambda: None  # this node's index: left out
        ws.refresh = lambda: None
        while not os.path.exists(sys.argv[3]):  # every writer ready: start together
            time.sleep(0.005)
        t0, c0 = time.perf_counter(), os.times()
        report = service.ingest(ws, [sys.argv[2]])
        c1 = os.times()
    print(json.dumps({"new": report.new, "seconds": time.perf_counter() - t0,
                      "cpu": c1.user - c0.user + c1.system - c0.system, **held}))
""")


def links(url: str) -> tuple[list[str], dict[str, str | None]]:
    """The stored ids in arrival order, and each id's canonical (None: canonical)."""
    from silkwire.store import open_store

    with open_store(url, create=False) as store:
        rows = store.articles_after(0, 10_000_000)
        canon = store.canonical_rowids([r for r, _ in rows])
        ids = {r: a.id for r, a in rows}
        return [a.id for _, a in rows], {a.id: ids[canon[r]] if r in canon else None for r, a in rows}


def run(server: Any, name: str, items: list[dict[str, Any]], writers: int, scratch: Path) -> dict[str, Any]:
    from silkwire.store import open_store

    url = server.create_database(name)
    with open_store(url):  # the schema first: the writers open an existing database
        pass
    go = scratch / f"{name}.go"
    procs = []
    for w in range(writers):
        share = [r for b in range(w * BATCH, len(items), writers * BATCH) for r in items[b:b + BATCH]]
        path = scratch / f"{name}-{w}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in share), encoding="utf-8")
        env = {**os.environ, "SILKWIRE_INDEX": str(scratch / f"{name}-{w}.index")}
        procs.append(subprocess.Popen([sys.executable, "-c", WRITER, url, str(path), str(go)], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    time.sleep(8)  # imports and connections made
    load0, srv0, t0 = os.getloadavg()[0], server_cpu(server), time.perf_counter()
    go.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=7200)
        if p.returncode:
            raise RuntimeError(err.decode())
        outs.append(json.loads(out.decode().strip().splitlines()[-1]))
    wall, srv = time.perf_counter() - t0, server_cpu(server) - srv0
    new = sum(o["new"] for o in outs)
    order, linked = links(url)
    groups: dict[str, list[str]] = {}
    for key, canon in linked.items():
        if canon is not None:
            groups.setdefault(canon, [canon]).append(key)
    members = sorted(sorted(g) for g in groups.values())
    return {"writers": writers, "articles": new, "seconds": round(wall, 1), "articles_per_s": round(new / wall),
            "writer_seconds": [round(o["seconds"], 1) for o in outs],
            # wall time holding the write lock (commit included) and waiting for it, per article stored
            "lock_held_ms_per_article": round(1000 * sum(o["held"] for o in outs) / new, 3),
            "lock_wait_ms_per_article": round(1000 * sum(o["wait"] for o in outs) / new, 3),
            "client_cpu_ms_per_article": round(1000 * sum(o["cpu"] for o in outs) / new, 3),
            "server_cpu_ms_per_article": round(1000 * srv / new, 3),
            "load": [round(load0, 1), round(os.getloadavg()[0], 1)], "duplicate_groups": len(members),
            "groups_sha1": hashlib.sha1(json.dumps(members).encode()).hexdigest()[:12],
            "_order": order, "_links": linked, "_url": url}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--writers", default="1,2")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each writer count, alternated")
    parser.add_argument("--no-replay", action="store_true", help="skip the one-writer replay of the arrival order")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    from silkwire.store.pg_connection import close_pools

    items = replicas(load_corpus(), args.articles)
    scratch = Path(tempfile.mkdtemp(prefix="silkwire-writers-"))
    result: dict[str, Any] = {"machine": machine_info(), "articles": args.articles, "runs": []}
    settings = {"shared_buffers": "1GB", "maintenance_work_mem": "512MB", "max_wal_size": "4GB"}
    with PgServer(durable=True, settings=settings) as server:
        for k in range(args.repeat):
            for writers in map(int, args.writers.split(",")):
                got = run(server, f"w{writers}_{k}", items, writers, scratch)
                if writers > 1 and not args.no_replay:
                    got["replay_links_equal"] = _replay(server, f"r{writers}_{k}", got, items, scratch)
                for key in ("_order", "_links", "_url"):
                    got.pop(key)
                result["runs"].append(got)
                print(json.dumps(got), flush=True)
        close_pools()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pg_writers.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _replay(server: Any, name: str, got: dict[str, Any], items: list[dict[str, Any]], scratch: Path) -> bool:
    """``replayed``, compared with the links of the run ``got``."""
    from silkwire.ingest.articles import make_article
    from silkwire.service import articles as service
    from silkwire.service import stories as storylines

    by_id = {}
    for r in items:
        a = make_article(source=r["source"], title=r["title"], parts=[r["lead"]], published=r["published"], ref=r["id"])
        by_id.setdefault(a.id, a)
    url = server.create_database(name)
    os.environ["SILKWIRE_INDEX"] = str(scratch / f"{name}.index")
    after = storylines.after_ingest
    storylines.after_ingest = lambda ws: "none"  # type: ignore[assignment]
    try:
        with service.open_workspace(url, create=True) as ws:
            service.ingest_items(ws, [by_id[i] for i in got["_order"]])
    finally:
        storylines.after_ingest = after  # type: ignore[assignment]
    return bool(links(url)[1] == got["_links"])


if __name__ == "__main__":
    sys.exit(main())
