"""A million articles on both stores, side by side in one run (issue 17).

Corpus: OrangeSum's 31,940 articles with a lead, replicated to ``--articles`` (1,000,000) with
distinct ids, sources and dates. Replica 0 is the corpus as it is; replica k >= 1 pairs each
lead's first half with another lead's second half under a third article's title, its date moved
by k x 97 days: real French text, no two replicas duplicates of each other (copies of one text
would all fold into one duplicate group, and a search page would read 32 copies per hit).

Measured, in one run on one machine (a throw-away PostgreSQL server of its own, durable):
1. store load rate, SQLite vs PostgreSQL: ``Store.add_articles`` by batches of 500 (the
   store's side of ``silkwire ingest``, one transaction per batch), over every article;
2. disk per million: the SQLite file, the PostgreSQL database, the tantivy index, the
   PostgreSQL full-text column and its GIN index;
3. search at 1M: silkwire's search (tantivy, derived per node, rows from PostgreSQL) vs
   PostgreSQL's French full-text search (``french`` stemming + ``unaccent``, ``ts_rank`` top 10 +
   count), the same 30 queries, without filters, with a country facet, with a date range;
   country facets come from the country names in the text (a keyword list: cheap, realistic
   counts);
4. the whole ingest path (store, duplicates, stories, the index) per article, both stores, at
   ``--full`` articles (see bench/README or BENCHMARKS.md for the projection), split in two
   phases: the batches (read, store, duplicates, index) and the story pass at the end, each
   with its wall time, client CPU and (PostgreSQL) server CPU; ``--statements``: the server's
   time per statement (pg_stat_statements).

Usage: python bench/scale_million.py [--articles 1000000] [--full 20000] [--full-only]
       [--stores sqlite,postgresql] [--profile PREFIX] [--statements] [--scratch DIR] [--out DIR]
(``--full-only``: step 4 alone, e.g. ``--full 100000 --full-only``.)
Needs ../shared/data/orangesum/orangesum.jsonl.gz and PostgreSQL's server binaries.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))  # the throw-away PostgreSQL server
sys.path.insert(0, str(ROOT / "bench"))

from pgserver import PgServer  # noqa: E402

from ingest_search import QUERIES, latency, load_corpus, machine_info  # noqa: E402

COUNTRIES = {"France": "FR", "Chine": "CN", "Russie": "RU", "Allemagne": "DE", "Italie": "IT", "Espagne": "ES",
             "États-Unis": "US", "Royaume-Uni": "GB", "Iran": "IR", "Syrie": "SY", "Turquie": "TR",
             "Belgique": "BE", "Japon": "JP", "Inde": "IN", "Brésil": "BR", "Ukraine": "UA", "Israël": "IL",
             "Algérie": "DZ", "Maroc": "MA", "Kazakhstan": "KZ", "Ouzbékistan": "UZ", "Liban": "LB"}
FTS_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION fr_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    "ALTER TABLE articles ADD COLUMN tsv tsvector",
    "UPDATE articles SET tsv = setweight(to_tsvector('fr_unaccent', coalesce(title, '')), 'A') "
    "|| setweight(to_tsvector('fr_unaccent', text), 'B')",
    "CREATE INDEX articles_tsv ON articles USING gin (tsv)",
    "VACUUM ANALYZE articles",
]


def replicas(records: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    size = len(records)
    out = []
    for i in range(n):
        k, j = divmod(i, size)
        r = records[j]
        if k == 0:
            title, lead = r["title"], r["heading"]
        else:
            other = records[(j * 7919 + k * 104729) % size]["heading"].split()
            words = r["heading"].split()
            lead = " ".join(words[: len(words) // 2] + other[len(other) // 2:])
            title = records[(j + k * 15485863) % size]["title"]
        day = (date.fromisoformat(r["date"]) + timedelta(days=97 * k)).isoformat()
        out.append({"id": f"{r['id']}-{k}", "source": f"orangesum-{k % 8}", "title": title, "lead": lead,
                    "published": day})
    return out


def articles_of(items: list[dict[str, Any]]) -> list[Any]:
    from silkwire.ingest.articles import make_article

    return [make_article(source=r["source"], title=r["title"], parts=[r["lead"]], published=r["published"],
                         ref=r["id"]) for r in items]


def load(store: Any, articles: list[Any]) -> tuple[dict[str, Any], list[int | None]]:
    """Every article stored by batches of 500; the figures, and each article's rowid (None: a
    repeat, OrangeSum has a few identical title + lead pairs)."""
    rowids: list[int | None] = []
    t0 = time.perf_counter()
    for start in range(0, len(articles), 500):
        rowids += store.add_articles(articles[start:start + 500])
    elapsed = time.perf_counter() - t0
    stored = sum(r is not None for r in rowids)
    return {"articles": len(articles), "stored": stored, "seconds": round(elapsed, 1),
            "articles_per_s": round(len(articles) / elapsed)}, rowids


def country_facets(articles: list[Any], rowids: list[int | None]) -> list[tuple[int, str]]:
    """(rowid, ISO code) for the countries named in each stored article."""
    return [(rowid, code) for rowid, a in zip(rowids, articles, strict=True) if rowid is not None
            for name, code in COUNTRIES.items() if name in a.text]


def save_facets(store: Any, facets: list[tuple[int, str]]) -> None:
    """The country facets, written straight into the facet table (the enrichment path writes
    each article's record too: an hour at a million, for facts nobody reads here)."""
    if store.shared:
        with store.pg.conn.transaction(), store.pg.conn.cursor() as cur, \
                cur.copy("COPY article_facets (kind, value, article_rowid) FROM STDIN") as copy:
            for rowid, code in facets:
                copy.write_row(("country", code, rowid))
    else:
        with store.transaction() as db:
            db.executemany("INSERT INTO article_facets (kind, value, article_rowid) VALUES ('country', ?, ?)",
                           [(code, rowid) for rowid, code in facets])


def dir_size(path: str | Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def tsquery(node: Any) -> str:
    """silkwire's parsed query as a tsquery over its own analysed terms (Snowball French on
    unaccented words, as fr_unaccent's lexemes)."""
    from silkwire.search.query import And, Or, Phrase, Prefix

    def lexeme(term: str) -> str:
        return "'" + term.replace("'", "''") + "'"

    if isinstance(node, Phrase):
        return "(" + " <-> ".join(lexeme(t) for t in node.terms) + ")"
    if isinstance(node, Prefix):
        return "(" + " <-> ".join([*(lexeme(w) for w in node.words), lexeme(node.prefix) + ":*"]) + ")"
    if isinstance(node, And):
        parts = [tsquery(c) for c in node.must] + [f"!{tsquery(c)}" for c in node.must_not]
        return "(" + " & ".join(parts) + ")"
    assert isinstance(node, Or)
    return "(" + " | ".join(tsquery(c) for c in node.any) + ")"


def search_both(url: str, index_dir: str) -> dict[str, Any]:
    import psycopg

    from silkwire.model import SearchFilters
    from silkwire.search import parse_query
    from silkwire.service import articles as service

    os.environ["SILKWIRE_INDEX"] = index_dir
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    with service.open_workspace(url) as ws:  # builds this node's index from the store
        out["tantivy_build_seconds"] = round(time.perf_counter() - t0, 1)
        out["tantivy_mb"] = round(dir_size(index_dir) / 1e6, 1)
        kz, fr = SearchFilters(countries=("FR",)), SearchFilters(since="2019-01-01", until="2019-12-31")
        out["silkwire"] = {"plain": latency(lambda q: service.search(ws, q)),
                           "country_facet": latency(lambda q: service.search(ws, q, kz)),
                           "date_range": latency(lambda q: service.search(ws, q, fr))}
        out["silkwire_hits"] = [service.search(ws, q).total for q in QUERIES]
    exprs = {q: tsquery(parse_query(q).node) for q in QUERIES}
    with psycopg.connect(url, autocommit=True) as db:
        t0 = time.perf_counter()
        for statement in FTS_SETUP:
            db.execute(statement)
        out["fts_build_seconds"] = round(time.perf_counter() - t0, 1)
        out["fts_mb"] = round(db.execute("SELECT pg_relation_size('articles_tsv') + "
                                         "(SELECT sum(pg_column_size(tsv)) FROM articles)").fetchone()[0] / 1e6, 1)
        ranked = ("SELECT a.rowid, a.id, a.title, a.published FROM articles a WHERE a.tsv @@ to_tsquery('simple', %s) "
                  "{extra} ORDER BY ts_rank(a.tsv, to_tsquery('simple', %s)) DESC LIMIT 10")
        counted = "SELECT count(*) FROM articles a WHERE a.tsv @@ to_tsquery('simple', %s) {extra}"
        extras = {"plain": ("", []), "date_range": ("AND a.published BETWEEN %s AND %s", ["2019-01-01", "2019-12-31"]),
                  "country_facet": ("AND a.rowid IN (SELECT article_rowid FROM article_facets WHERE kind = 'country' "
                                    "AND value = %s)", ["FR"])}

        def fts(q: str, extra: str, args: list[Any]) -> None:
            db.execute(ranked.format(extra=extra), [exprs[q], *args, exprs[q]]).fetchall()
            db.execute(counted.format(extra=extra), [exprs[q], *args]).fetchone()

        out["postgres_fts"] = {name: latency(lambda q, e=e, a=a: fts(q, e, a)) for name, (e, a) in extras.items()}
        out["postgres_fts_hits"] = [db.execute(counted.format(extra=""), [exprs[q]]).fetchone()[0] for q in QUERIES]
    return out


def _clock_ticks(pid: int, children: bool) -> int:
    """A process's user + system CPU in clock ticks (with its reaped children's when ``children``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15 if children else 13])


def server_cpu(server: Any) -> float:
    """CPU seconds of a PostgreSQL server so far: the postmaster, its exited children (reaped by
    it) and its live ones (backends, writers), from /proc."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    ticks = _clock_ticks(postmaster, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                ticks += _clock_ticks(int(stat.parent.name), children=False)
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def statements(url: str, reset: bool = False, top: int = 25) -> list[dict[str, Any]]:
    """The server's time per statement since the last ``reset`` (pg_stat_statements, loaded by
    ``--statements``): the ``top`` by execution time, with calls and rows."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        if reset:
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            db.execute("SELECT pg_stat_statements_reset()")
            return []
        rows = db.execute("SELECT calls, total_exec_time, rows, query FROM pg_stat_statements "
                          "ORDER BY total_exec_time DESC LIMIT %s", [top]).fetchall()
    return [{"calls": c, "ms": round(t), "rows": r, "query": " ".join(q.split())[:160]} for c, t, r, q in rows]


def full_path(target: str, items: list[dict[str, Any]], scratch: Path, server: Any = None,
              profile: str | None = None) -> dict[str, Any]:
    """The whole ingest path of ``items`` into ``target``: wall and client CPU per article, the
    server's CPU (``server``: PostgreSQL), the 1-minute load at the start and end, and a
    cProfile of the client into ``profile`` if given."""
    from silkwire.service import articles as service
    from silkwire.service import stories as storylines

    marks: list[tuple[float, float, float]] = []  # (wall, client CPU, server CPU) at the story pass's start and end

    def mark() -> None:
        marks.append((time.perf_counter(), client_cpu(), server_cpu(server) if server else 0.0))

    def timed_stories(ws: Any) -> str:
        mark()
        try:
            return after_ingest(ws)
        finally:
            mark()

    after_ingest = storylines.after_ingest
    path = scratch / "full.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items), encoding="utf-8")
    os.environ["SILKWIRE_INDEX"] = str(scratch / "full.index")
    service.remove_database(target)
    with service.open_workspace(target, create=True) as ws:
        load0, cpu0, srv0 = os.getloadavg()[0], client_cpu(), server_cpu(server) if server else 0.0
        profiler = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        storylines.after_ingest = timed_stories  # type: ignore[assignment]
        try:
            report = service.ingest(ws, [str(path)])
        finally:
            storylines.after_ingest = after_ingest  # type: ignore[assignment]
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        elapsed = time.perf_counter() - t0
        cpu, srv = client_cpu() - cpu0, (server_cpu(server) - srv0) if server else None
        load1 = os.getloadavg()[0]
        groups = sorted(sorted(g) for g in ws.store.seen_articles().groups())  # the same on both stores
        story_tables = stories_sha1(ws.store) if not ws.store.shared else None
    phases = {}
    if len(marks) == 2:  # the batches (read, store, duplicates, index) and the story pass at the end
        (w0, c0, s0), (w1, c1, s1) = marks
        n = report.new
        spans = {"batches": (w0 - t0, c0 - cpu0, s0 - srv0), "stories": (w1 - w0, c1 - c0, s1 - s0)}
        phases = {name: {"seconds": round(w, 1), "articles_per_s": round(n / w) if w else None,
                         "client_cpu_ms_per_article": round(1000 * c / n, 3),
                         "server_cpu_ms_per_article": round(1000 * v / n, 3) if server else None}
                  for name, (w, c, v) in spans.items()}
    return {"articles": report.new, "seconds": round(elapsed, 1), "articles_per_s": round(report.new / elapsed),
            "phases": phases,
            "ms_per_article": round(1000 * elapsed / report.new, 2),
            "client_cpu_ms_per_article": round(1000 * cpu / report.new, 3),
            "server_cpu_ms_per_article": None if srv is None else round(1000 * srv / report.new, 3),
            "load": [round(load0, 1), round(load1, 1)], "duplicate_groups": len(groups),
            "groups_sha1": hashlib.sha1(json.dumps(groups).encode()).hexdigest()[:12], "stories_sha1": story_tables}


def stories_sha1(store: Any) -> dict[str, Any]:
    """Rows and SHA-1 of each story and duplicate table of a SQLite store, in key order: two
    versions of the ingest compared (the same stories, memberships, vocabulary; the same dedup
    rows: digests, signatures, links; the same band rows)."""
    out = {}
    for table, order in (("stories", "id"), ("story_articles", "article_rowid"), ("story_vocabulary", "term"),
                         ("article_dedup", "article_rowid"), ("dedup_bands", "period, band, hash, article_rowid")):
        digest, rows = hashlib.sha1(), 0
        for row in store.db.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            digest.update(repr(row).encode())
            rows += 1
        out[table] = [rows, digest.hexdigest()[:12]]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--full", type=int, default=20_000, help="articles through the whole ingest path")
    parser.add_argument("--full-only", action="store_true", help="only the whole ingest path (4), both stores")
    parser.add_argument("--stores", default="sqlite,postgresql", help="the stores of the whole path (4)")
    parser.add_argument("--profile", default=None, help="cProfile of the whole path into PREFIX-STORE.prof")
    parser.add_argument("--statements", action="store_true",
                        help="the server's time per statement of the PostgreSQL whole path (pg_stat_statements)")
    parser.add_argument("--scratch", default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="silkwire-million-"))
    scratch.mkdir(parents=True, exist_ok=True)
    from silkwire.store import open_store
    from silkwire.store.pg_connection import close_pools

    records = load_corpus()
    result: dict[str, Any] = {"machine": machine_info(), "corpus_records": len(records)}
    items = replicas(records, args.full if args.full_only else args.articles)
    articles = [] if args.full_only else articles_of(items)
    settings = {"shared_buffers": "1GB", "maintenance_work_mem": "512MB", "max_wal_size": "4GB"}
    if args.statements:
        settings.update({"shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "all"})
    with PgServer(durable=True, settings=settings) as server:
        url = server.create_database("million")
        sqlite = str(scratch / "million.db")
        for name, target in () if args.full_only else (("sqlite", sqlite), ("postgresql", url)):
            if name == "sqlite" and os.path.exists(sqlite):
                os.remove(sqlite)
            with open_store(target) as store:
                result[f"load_{name}"], rowids = load(store, articles)
                facets = country_facets(articles, rowids)
                result["country_facets_per_article"] = round(len(facets) / len(articles), 2)
                save_facets(store, facets)
                result[f"{name}_mb"] = round(store.stats()["size_bytes"] / 1e6, 1)
            print(name, result[f"load_{name}"], flush=True)
        if not args.full_only:
            result["search"] = search_both(url, str(scratch / "node.index"))
            print("search", json.dumps(result["search"]), flush=True)
        for name in args.stores.split(","):
            target = str(scratch / "full.db") if name == "sqlite" else server.create_database("full")
            if name == "postgresql" and args.statements:
                statements(target, reset=True)
            result[f"full_path_{name}"] = full_path(target, items[:args.full], scratch,
                                                    server if name == "postgresql" else None,
                                                    f"{args.profile}-{name}.prof" if args.profile else None)
            print("full", name, result[f"full_path_{name}"], flush=True)
            if name == "postgresql" and args.statements:
                result["statements"] = statements(target)
                print("statements", json.dumps(result["statements"], indent=1), flush=True)
        close_pools()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale_million.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if not args.scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
