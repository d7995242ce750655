"""Export benchmark on OrangeSum (36,152 real French articles): does `silkwire export` stream?

Builds a database from the corpus, then runs `silkwire export` in fresh processes and records
each one's peak RSS (ru_maxrss from wait4), wall time and output size:
- every format and `--what` on the whole corpus;
- JSONL and Parquet records on the oldest 25%, 50% and 100% of it (by publication date), and on
  the newest 50% alone: if the export streams, the peak does not follow the output's size (it
  follows the largest batch: OrangeSum's 2020 articles are the longest);
- two references measured the same way: an export that matches nothing (the floor: Python,
  imports, database and index opened) and a non-streaming export written for the comparison
  (all records in a list, then written), which is what streaming avoids.

Corpora: `body` (default) = title + lead + body of all 36,152 articles, not enriched (the largest
texts); `--enrich` = title + lead of the 31,940 articles that have a lead, enriched by the real
pipeline (spaCy, ~230 articles/s here, so ~2.5 min), so records carry every fact and the events,
entities and GeoJSON exports have rows.

Usage: python bench/export.py [--corpus PATH] [--enrich] [--out bench/out]
Needs ../shared/data/orangesum/orangesum.jsonl.gz (or --corpus); exits with a message when absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # this checkout's silkwire, in this process and (PYTHONPATH) in the exports
CORPUS = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"

# A non-streaming export, for comparison only: every record in memory, then written.
LOAD_ALL = """
import json, sys
from silkwire.service import export as exporting
from silkwire.service import articles as service
with service.open_workspace(sys.argv[1]) as ws:
    records = list(exporting.matching_records(ws))
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    for r in records:
        fh.write(json.dumps(r, ensure_ascii=False) + "\\n")
"""


def machine_info() -> dict[str, Any]:
    import sqlite3

    import pyarrow

    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version, "pyarrow": pyarrow.__version__}
    try:
        cpu = [x for x in Path("/proc/cpuinfo").read_text().splitlines() if x.startswith("model name")]
        info["cpu"] = cpu[0].split(":", 1)[1].strip() if cpu else None
        info["memory_gb"] = round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def write_input(corpus: Path, path: Path, with_body: bool) -> int:
    n = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        for line in src:
            r = json.loads(line)
            if not with_body and not r["heading"].strip():
                continue
            item = {"title": r["title"], "lead": r["heading"], "published": r["date"], "source": "orangesum",
                    "id": r["id"]}
            if with_body:
                item["body"] = r["article"]
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            n += 1
    return n


def build(db: str, input_path: Path, enrich: bool) -> dict[str, Any]:
    from silkwire.service import articles as service

    with service.open_workspace(db, create=True) as ws:
        t0 = time.perf_counter()
        report = service.ingest(ws, [str(input_path)])
        info: dict[str, Any] = {"stored": report.new, "rejected": len(report.rejected),
                                "ingest_s": round(time.perf_counter() - t0, 1)}
        if enrich:
            t0 = time.perf_counter()
            info["enriched"] = service.enrich(ws).enriched
            info["enrich_s"] = round(time.perf_counter() - t0, 1)
        ws.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        info["db_mb"] = round(ws.store.stats()["size_bytes"] / 1e6, 1)
        days = [r[0] for r in ws.store.db.execute("SELECT published FROM articles WHERE published IS NOT NULL "
                                                  "ORDER BY published")]
    info["until"] = {q: days[min(len(days) - 1, int(q * len(days)))] for q in (0.25, 0.5)}
    info["since_half"] = next(d for d in days[len(days) // 2:] if d > info["until"][0.5])
    return info


# Runs a module or a code string, then writes the process's peak RSS (VmHWM) to a file. Not
# ru_maxrss: Linux carries it over fork+exec, so a child would report this (big) process's peak.
PEAK = """
import atexit, runpy, sys
peak_file = sys.argv[1]
def peak():
    with open("/proc/self/status") as fh:
        kb = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(peak_file, "w") as out:
        out.write(kb)
atexit.register(peak)
target, args = sys.argv[2], sys.argv[3:]
if target == "-c":
    sys.argv = ["-c", *args[1:]]
    exec(compile(args[0], "<bench>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = [target, *args]
    runpy.run_module(target, run_name="__main__")
"""


def measure(args: list[str], out: Path | None, work: Path) -> dict[str, Any]:
    """Peak RSS (MB), wall time and output size of one fresh process (``args``: a module and
    its arguments, or "-c" CODE ARGS)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    peak_file = work / "peak.kb"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK, str(peak_file), *args], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - t0
    stderr = proc.stderr.decode()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {stderr}")
    size = out.stat().st_size if out and out.exists() else 0
    return {"peak_rss_mb": round(int(peak_file.read_text()) / 1024, 1), "seconds": round(elapsed, 2),
            "output_mb": round(size / 1e6, 1), "message": stderr.strip()}


def run(db: str, work: Path, built: dict[str, Any], enrich: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def export(label: str, fmt: str, what: str, *extra: str) -> None:
        out = work / f"out.{fmt}"
        result = measure(["silkwire", "export", "--db", db, "--format", fmt, "--what", what,
                          "--out", str(out), *extra], out, work)
        rows.append({"run": label, "format": fmt, "what": what, **result})
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        out.unlink(missing_ok=True)

    for fmt in ("jsonl", "parquet"):
        export("floor: nothing matches", fmt, "records", "--since", "2100-01-01")
    for q, until in built["until"].items():
        for fmt in ("jsonl", "parquet"):
            export(f"oldest {int(q * 100)}% of the corpus", fmt, "records", "--until", until)
    for fmt in ("jsonl", "parquet"):  # the newest half alone: its long articles set the peak, not the count
        export("newest 50% of the corpus", fmt, "records", "--since", built["since_half"])
    for fmt in ("jsonl", "csv", "parquet", "geojson"):
        export("100% of the corpus", fmt, "records")
    for what in ("events", "entities") if enrich else ():
        for fmt in ("jsonl", "parquet"):
            export("100% of the corpus", fmt, what)
    if enrich:
        export("100% of the corpus", "geojson", "events")
    out = work / "all.jsonl"
    result = measure(["-c", LOAD_ALL, db, str(out)], out, work)
    rows.append({"run": "reference: all records in a list, then written", "format": "jsonl",
                 "what": "records", **result})
    print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--enrich", action="store_true", help="title+lead, enriched by the real pipeline")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    opts = parser.parse_args()
    if not opts.corpus.exists():
        raise SystemExit(f"corpus not found: {opts.corpus} (../shared/data is absent; give --corpus)")
    with tempfile.TemporaryDirectory(prefix="silkwire-export-bench-") as tmp:
        work = Path(tmp)
        input_path = work / "input.jsonl"
        n = write_input(opts.corpus, input_path, with_body=not opts.enrich)
        db = str(work / "bench.db")
        built = build(db, input_path, opts.enrich)
        print(json.dumps({"input": n, **built}), flush=True)
        rows = run(db, work, built, opts.enrich)
    result = {"machine": machine_info(), "corpus": "title+lead, enriched" if opts.enrich else "title+lead+body",
              "input": n, "database": built, "runs": rows}
    opts.out.mkdir(parents=True, exist_ok=True)
    name = "export-enriched.json" if opts.enrich else "export.json"
    (opts.out / name).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {opts.out / name}")


if __name__ == "__main__":
    main()
