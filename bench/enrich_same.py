"""Records and speed of one enrichment, to compare two checkouts on the same items.

    python bench/enrich_same.py --items 3000 --out /tmp/a.jsonl        # with one checkout's venv
    other/.venv/bin/python bench/enrich_same.py --items 3000 --out /tmp/b.jsonl
    python bench/enrich_same.py --compare /tmp/a.jsonl /tmp/b.jsonl

Items: OrangeSum title + lead as ingest stores them (``bench/scale_corpus.py`` copy 0), read by
``silkwire.ingest.read_paths``; ``--skip`` items first left out (another sample). The enrichment
is ``silkwire.nlp.pipeline.enrich`` in one process after a warm-up; each record is written as
the store keeps it (``model.enrichment_fields``). ``--compare`` counts the records that differ
and prints the first differences. Speed: CPU seconds of the process and wall time, with the
load average (the machine is shared: compare runs made one after the other, in turns).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from silkwire.ingest import read_paths
from silkwire.model import Article, enrichment_fields

ROOT = Path(__file__).resolve().parents[1]


def items(n: int, skip: int) -> list[Article]:
    path = Path(tempfile.mkdtemp()) / "items.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "scale_corpus.py"), "--articles", str(n + skip),
                    "--dups", "0", "--out", str(path)], check=True, capture_output=True)
    return [a for a in read_paths([str(path)]) if isinstance(a, Article)][skip:skip + n]


def run(n: int, skip: int, out: Path) -> None:
    from silkwire.nlp.pipeline import enrich

    articles = items(n, skip)
    list(enrich(articles[:20]))  # warm-up: model, lexicons, knowledge base
    load = os.getloadavg()[0]
    t0, w0 = time.process_time(), time.perf_counter()
    records = [enrichment_fields(e) for e in enrich(articles)]
    cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    with out.open("w", encoding="utf-8") as fh:
        for a, r in zip(articles, records, strict=True):
            fh.write(json.dumps({"id": a.id, **r}, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(articles)} items: {1000 * cpu / len(articles):.2f} ms CPU/article, "
          f"{len(articles) / wall:.1f} articles/s wall; load {load:.2f} -> {os.getloadavg()[0]:.2f}")


def compare(a: Path, b: Path) -> int:
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    if len(left) != len(right):
        print(f"{len(left)} vs {len(right)} records")
        return 1
    differ = [(x, y) for x, y in zip(left, right, strict=True) if x != y]
    print(f"{len(left)} records, {len(differ)} differ")
    for x, y in differ[:5]:
        rx, ry = json.loads(x), json.loads(y)
        print(rx["id"], {k: (rx.get(k), ry.get(k)) for k in sorted(set(rx) | set(ry)) if rx.get(k) != ry.get(k)})
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    run(args.items, args.skip, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
