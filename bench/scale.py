"""Scale benchmark: work per article at 36k, 360k and 1M distinct articles, and a projection to 10M.

    python bench/scale.py [--sizes 36k,360k,1M] [--enrich 36k] [--workers 1,2] [--per-era 10] [--work DIR]
                          [--rebuild SIZES] [--out bench/out/scale.json]

Corpus: ``bench/scale_corpus.py`` (OrangeSum replicated with its words permuted per copy, so that
copies are distinct articles, dated era by era, plus 5% of real duplicates from other outlets),
title + lead, written once per size into ``--work`` (default: a scratch folder).

Each step runs in a fresh process (its peak memory is its own; the parent reads it from the
kernel's accounting of that child, ``wait4``) on a fresh database per size:

- **ingest** (``silkwire ingest`` of the whole file, in process, its stages timed from inside):
  read + parse, store, duplicates (features, links, bands), text index, stories (at the end);
  each stage's wall time and CPU time of the thread that ran it (batches are read and prepared in
  a thread one batch ahead of the writer: the rest of the process CPU is reading and parsing);
  the peak memory of the stories step apart (the kernel's high-water mark is reset before it);
- **stories** (``silkwire stories --rebuild``): the whole clustering again, on its own (the sizes
  given to ``--rebuild``, every size by default);
- **stats**: ``silkwire stats`` as a command (process start included), and the ``stats`` call
  itself (median of 5 in one process);
- **enrich** (sizes given to ``--enrich``; ``--workers`` 1 and 2, one after the other on copies
  of the ingested database): articles/s, CPU seconds per article (the children's too), peak memory.

Each step also records the 1-minute load average before and after it (``load_1min``).

Duplicates, scored on what the corpus plants: the share of planted versions linked to their
original's group (recall), and links between two copies of OrangeSum (distinct by construction:
false links). OrangeSum's own duplicates repeat in every copy and are linked too.

The projection to 10M multiplies each stage's cost per article at the largest size by the growth
measured between the two largest sizes (per tenfold of articles): flat growth projects flat.
``--per-era 1`` dates every copy in its own era (one OrangeSum's density in time at every size:
a story window and the duplicates' horizon then hold as many articles at 108k as at 36k), to
tell growth with the corpus from growth with the density. Raw figures go to ``--out`` (JSON).
The machine is shared: CPU time is the figure to compare between sizes, wall time says what a
user waits.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    base = float(text[:-1]) if text[-1] in "km" else float(text)
    n = int(base * factor)
    return 36_152 * round(n / 36_152) if n % 1000 == 0 and n >= 36_000 else n  # 36k = one OrangeSum


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            info["cpu"] = line.split(":", 1)[1].strip()
            break
    info["memory_gb"] = round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1)
    info["load_before"] = os.getloadavg()
    return info


# -- children: one step each, in process, printing JSON on the last line -----------------------


def _hwm_mb() -> float:
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024  # type: ignore[union-attr]


def _reset_hwm() -> None:
    Path("/proc/self/clear_refs").write_text("5")


class Stages:
    """Wall and CPU seconds (of the calling thread) per named stage (nested calls count in the outer one)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._local = threading.local()  # per thread: the ingest prepares batches in a thread of its own

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        real = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(self._local, "depth", 0)
            if depth:
                return real(*args, **kwargs)
            self._local.depth = depth + 1
            w, c = time.perf_counter(), time.thread_time()
            try:
                return real(*args, **kwargs)
            finally:
                self._local.depth = depth
                self.wall[stage] = self.wall.get(stage, 0.0) + time.perf_counter() - w
                self.cpu[stage] = self.cpu.get(stage, 0.0) + time.thread_time() - c

        setattr(owner, name, timed)


def child_ingest(db: str, path: str) -> dict[str, Any]:
    from silkwire.search.index import TextIndex
    from silkwire.service import articles as service
    from silkwire.service import duplicates, ingest_ahead
    from silkwire.service import stories as storylines
    from silkwire.store import Store

    stages = Stages()
    for name in ("prepare", "link_duplicates", "flush_bands"):
        stages.wrap(duplicates, name, "duplicates")
    real_preparer = duplicates.preparer

    def preparer(ws: Any) -> Any:  # the batches' fingerprints, computed in the ingest's thread ahead
        holder = types.SimpleNamespace(run=real_preparer(ws))
        stages.wrap(holder, "run", "duplicates")
        return holder.run

    duplicates.preparer = preparer  # type: ignore[assignment]
    stages.wrap(ingest_ahead, "index_columns", "index")  # the index's columns, computed there too
    stages.wrap(Store, "add_articles", "store")
    stages.wrap(TextIndex, "add", "index")
    stages.wrap(TextIndex, "commit", "index")
    peaks: dict[str, float] = {}
    real_after = storylines.after_ingest

    def after(ws: Any) -> str:
        peaks["before_stories"] = _hwm_mb()
        _reset_hwm()
        return real_after(ws)

    storylines.after_ingest = after  # type: ignore[assignment]
    stages.wrap(storylines, "after_ingest", "stories")
    w, c = time.perf_counter(), time.process_time()
    with service.open_workspace(db, create=True) as ws:
        report = service.ingest(ws, [path])
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    peaks["stories"] = _hwm_mb()
    # both threads' CPU: the rest is reading and parsing (wall times of the two threads overlap)
    stages.wall["read and parse"] = wall - sum(stages.wall.values())
    stages.cpu["read and parse"] = cpu - sum(stages.cpu.values())
    with service.open_workspace(db) as ws:
        links = ws.store.stats()["duplicates"]
    return {"new": report.new, "repeated": report.duplicate, "links": links, "wall": wall, "cpu": cpu,
            "stages_wall": stages.wall, "stages_cpu": stages.cpu, "peak_mb": peaks}


def child_stories(db: str) -> dict[str, Any]:
    from silkwire.service import stories as storylines
    from silkwire.service.articles import open_workspace

    with open_workspace(db) as ws:
        w, c = time.perf_counter(), time.process_time()
        n = storylines.rebuild_stories(ws)
        return {"stories": n, "wall": time.perf_counter() - w, "cpu": time.process_time() - c}


def child_stats(db: str) -> dict[str, Any]:
    from silkwire.model import SearchFilters
    from silkwire.service import articles as service
    from silkwire.service import explore

    with service.open_workspace(db) as ws:
        times = []
        for _ in range(6):
            t = time.perf_counter()
            service.stats(ws)
            times.append(time.perf_counter() - t)
        facet = []
        for _ in range(6):
            t = time.perf_counter()
            explore.facet_counts(ws, None, SearchFilters())
            facet.append(time.perf_counter() - t)
        return {"stats_s": statistics.median(times[1:]), "facets_s": statistics.median(facet[1:])}


def child_enrich(db: str, workers: int) -> dict[str, Any]:
    from silkwire.service import articles as service

    with service.open_workspace(db) as ws:
        w, c = time.perf_counter(), time.process_time()
        report = service.enrich(ws, service.default_enricher(workers))
        return {"enriched": report.enriched, "wall": time.perf_counter() - w, "cpu_main": time.process_time() - c}


# -- the parent ---------------------------------------------------------------------------


def run_child(args: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Run ``bench/scale.py --child ...``; its JSON, with the kernel's accounting of it."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    load = os.getloadavg()[0]
    w = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read() if proc.stdout else "", proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["process"] = {"wall": time.perf_counter() - w, "user": usage.ru_utime, "sys": usage.ru_stime,
                         "peak_mb": usage.ru_maxrss / 1024, "load_1min": [load, os.getloadavg()[0]]}
    return result


def per_article(seconds: float, n: int) -> float:
    return 1e6 * seconds / max(n, 1)


def project(costs: dict[int, float], target: int = 10_000_000) -> tuple[float, float]:
    """(cost per article at ``target``, growth per tenfold) from the two largest sizes."""
    sizes = sorted(costs)
    if len(sizes) < 2:
        return costs[sizes[-1]], 1.0
    a, b = sizes[-2], sizes[-1]
    growth = (costs[b] / costs[a]) ** (1 / math.log10(b / a)) if costs[a] > 0 else 1.0
    return costs[b] * growth ** math.log10(target / b), growth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="36k,360k,1M")
    parser.add_argument("--enrich", default="36k", help="sizes to enrich (each: --workers runs)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rebuild", help="sizes given a separate `stories --rebuild` (default: every size)")
    parser.add_argument("--per-era", type=int, default=10,
                        help="copies of OrangeSum sharing its dates (1: one OrangeSum's density at every size)")
    parser.add_argument("--work", type=Path, help="folder for corpora and databases (kept)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale.json")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = {"ingest": lambda: child_ingest(rest[0], rest[1]), "stories": lambda: child_stories(rest[0]),
                  "stats": lambda: child_stats(rest[0]),
                  "enrich": lambda: child_enrich(rest[0], int(rest[1]))}[kind]()
        print(json.dumps(result))
        return 0

    import scale_corpus

    if not scale_corpus.CORPUS.exists():
        print(f"skipped: {scale_corpus.CORPUS} is absent (../shared/data is not here)")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="silkwire-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    enrich_sizes = {parse_size(s) for s in args.enrich.split(",") if s}
    rebuild_sizes = set(sizes) if args.rebuild is None else {parse_size(s) for s in args.rebuild.split(",") if s}
    out: dict[str, Any] = {"machine": machine(), "sizes": {}}
    records = None
    for n in sizes:
        corpus = work / (f"corpus-{n}.jsonl" if args.per_era == 10 else f"corpus-{n}-era{args.per_era}.jsonl")
        if not corpus.exists():
            records = records or scale_corpus.load(scale_corpus.CORPUS)
            with corpus.open("w", encoding="utf-8") as fh:
                for item in scale_corpus.generate(records, n, 0.05, 16, args.per_era):
                    fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        db = work / f"scale-{n}.db"
        for leftover in work.glob(f"scale-{n}.db*"):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        row: dict[str, Any] = {"ingest": run_child(["ingest", str(db), str(corpus)])}
        row["planted"] = planted(str(db))
        if n in rebuild_sizes:
            row["stories"] = run_child(["stories", str(db)])
        row["stats"] = run_child(["stats", str(db)])
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "silkwire", "stats", "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
        row["stats"]["command_s"] = time.perf_counter() - t
        if n in enrich_sizes:
            row["enrich"] = {}
            for w in (int(x) for x in args.workers.split(",")):
                copy = work / f"enrich-{n}-{w}.db"
                for leftover in work.glob(f"enrich-{n}-{w}.db*"):
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
                shutil.copy(db, copy)
                if Path(f"{db}.index").exists():
                    shutil.copytree(f"{db}.index", f"{copy}.index")
                row["enrich"][w] = run_child(["enrich", str(copy), str(w)])
        out["sizes"][n] = row
        print(summary_line(n, row), flush=True)
        out["projection"] = projection(out["sizes"])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=1))  # after each size: a long run keeps what it measured
    print(json.dumps(out["projection"], indent=1))
    return 0


def planted(db: str) -> dict[str, Any]:
    """Recall of the planted versions, and links between distinct copies (false by construction)."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT a.ref, a.source, coalesce(c.ref, a.ref), coalesce(c.source, a.source) FROM article_dedup d "
            "JOIN articles a ON a.rowid = d.article_rowid LEFT JOIN articles c ON c.rowid = d.duplicate_of").fetchall()
    finally:
        con.close()
    group = {ref: canonical for ref, _, canonical, _ in rows}
    versions = [(ref, ref.removeprefix("dup:")) for ref, *_ in rows if ref and ref.startswith("dup:")]
    found = sum(1 for v, original in versions if group.get(v) == group.get(original))
    # a copy k is source orangesum-k or wire-(k % 10): two articles of different copies linked
    cross = sum(1 for ref, _, canonical, _ in rows
                if ref != canonical and not ref.startswith("dup:") and ref.split("-")[0] != canonical.split("-")[0])
    return {"versions": len(versions), "linked": found, "recall": found / max(len(versions), 1),
            "links_across_copies": cross}


def summary_line(n: int, row: dict[str, Any]) -> str:
    ing = row["ingest"]
    # the kernel's high-water mark is reset before the stories step: the ingest's peak is the
    # larger of the two marks, not the process's (which is the last one)
    peak = max(ing["peak_mb"].values())
    stages = ", ".join(f"{k} {per_article(v, n):.0f}" for k, v in sorted(ing["stages_cpu"].items()))
    rebuild = (f"rebuild {row['stories']['wall']:.1f} s, peak {row['stories']['process']['peak_mb']:.0f} MB; "
               if "stories" in row else "")
    return (f"{n:>9,}: ingest {n / ing['wall']:,.0f}/s (wall), CPU µs/article: {stages}; "
            f"peak {peak:.0f} MB (stories {ing['peak_mb']['stories']:.0f}); {rebuild}"
            f"stats {row['stats']['stats_s'] * 1000:.1f} ms; planted recall {row['planted']['recall']:.3f}")


def projection(sizes: dict[int, dict[str, Any]]) -> dict[str, Any]:
    stages: set[str] = {s for row in sizes.values() for s in row["ingest"]["stages_cpu"]}
    out: dict[str, Any] = {}
    for stage in sorted(stages):
        costs = {n: per_article(row["ingest"]["stages_cpu"].get(stage, 0.0), n) for n, row in sizes.items()}
        at, growth = project(costs)
        out[stage] = {"us_per_article": {str(n): round(c, 1) for n, c in costs.items()},
                      "growth_per_tenfold": round(growth, 3), "us_per_article_10M": round(at, 1)}
    return out


if __name__ == "__main__":
    sys.exit(main())
