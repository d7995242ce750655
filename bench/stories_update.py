"""Stories at scale: a whole re-clustering against adding new articles to the stored stories.

    python bench/stories_update.py --db PATH [--tail 0.05] [--batch 10] [--max-batches N] [--profile]

``--db``: an existing silkwire database (e.g. the enriched OrangeSum one that bench/web_load.py
builds, /tmp/silkwire-bench/orangesum-web.db); it is copied to a scratch file, never written.

1. A whole clustering (``storylines.rebuild_stories``), timed by stage: reading the rows, the
   clustering (TF-IDF, candidates, summaries, threads), writing; ``--profile`` adds cProfile's
   top functions.
2. The latest ``--tail`` of the canonical articles (by clustering day) are hidden, the rest
   clustered as a whole; then the hidden ones come back in date order, ``--batch`` at a time
   (as ``silkwire watch`` enriches a few each cycle), each batch through
   ``stories.update_stories`` (an increment: the drift bound is lifted for the bench),
   timed one by one.
3. Quality of the increments: their stories against those of a whole clustering of everything,
   as B-cubed precision/recall/F1 (the whole clustering taken as the reference; every article,
   and the tail alone), and how many multi-article stories have the same id and members.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from silkwire.evaluation.bcubed import bcubed
from silkwire.service import articles as service
from silkwire.service import stories as storylines
from silkwire.store import Store
from silkwire.store.story_state import UNDATED
from silkwire.stories.cluster import cluster_with_vocabulary


def memberships(ws: Any) -> dict[int, str]:
    return dict(ws.store.db.execute(
        "SELECT article_rowid, story_id FROM story_articles WHERE day IS NOT NULL"))


def timed_rebuild(ws: Any, profile: bool) -> dict[str, float]:
    t0 = time.perf_counter()
    rows = ws.store.clustering_rows()
    items = [storylines._item(*r) for r in rows]
    t1 = time.perf_counter()
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    cluster_with_vocabulary(items)
    if prof:
        prof.disable()
    t2 = time.perf_counter()
    storylines.rebuild_stories(ws)  # the real thing, end to end
    t3 = time.perf_counter()
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    return {"articles": len(rows), "read": t1 - t0, "cluster": t2 - t1, "rebuild_total": t3 - t2}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--tail", type=float, default=0.05)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--max-batches", type=int, default=0, help="stop after this many increments (0: all)")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    if not Path(args.db).exists():
        print(f"{args.db}: no such database (bench/web_load.py builds one)", file=sys.stderr)
        return 2
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "stories.db")
        shutil.copy(args.db, db)
        with service.open_workspace(db) as ws:
            whole = timed_rebuild(ws, args.profile)
            print("whole re-clustering: " + ", ".join(f"{k} {v:.2f}" for k, v in whole.items()) + " (s)")
            reference = memberships(ws)
            result = {"machine": platform.platform(), "python": platform.python_version(), "whole": whole,
                      **run_increments(ws, reference, args)}
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "stories_update.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


def run_increments(ws: Any, reference: dict[int, str], args: argparse.Namespace) -> dict[str, Any]:
    days = dict(ws.store.db.execute("SELECT article_rowid, day FROM story_articles WHERE day IS NOT NULL"))
    order = sorted(days, key=lambda r: (days[r], r))
    dated = [r for r in order if days[r] != UNDATED]
    cut = len(dated) - int(len(order) * args.tail)
    hidden = dated[cut:]
    shown = set(order) - set(hidden)
    # the store's reads, narrowed to the articles shown so far (patched on the class, undone below)
    real_rows = Store.clustering_rows
    real_unclustered = Store.unclustered
    Store.clustering_rows = lambda store, *a: [r for r in real_rows(store, *a) if r[0] in shown]  # type: ignore
    t0 = time.perf_counter()
    storylines.rebuild_stories(ws)
    print(f"whole clustering of the first {len(shown)}: {time.perf_counter() - t0:.2f} s; "
          f"then {len(hidden)} articles in batches of {args.batch}")
    times: list[float] = []
    modes: list[str] = []
    windows: list[int] = []
    real_between = Store.clustered_between

    def between(store: Any, *a: Any) -> list[tuple[int, str]]:
        found = real_between(store, *a)
        windows.append(len(found))
        return found

    Store.clustered_between = between  # type: ignore[method-assign]
    for start in range(0, len(hidden), args.batch):
        if args.max_batches and len(times) >= args.max_batches:
            break
        batch = set(hidden[start:start + args.batch])
        shown |= batch
        Store.unclustered = lambda store, batch=batch: [r for r in real_unclustered(store) if r in batch]  # type: ignore
        t = time.perf_counter()
        modes.append(storylines.update_stories(ws, max_drift=1e9))
        times.append(time.perf_counter() - t)
    Store.unclustered = real_unclustered  # type: ignore[method-assign]
    Store.clustered_between = real_between  # type: ignore[method-assign]
    Store.clustering_rows = real_rows  # type: ignore[method-assign]
    print(f"increments: {len(times)} ({set(modes)}), per batch median {statistics.median(times) * 1000:.0f} ms, "
          f"p95 {sorted(times)[int(0.95 * (len(times) - 1))] * 1000:.0f} ms, max {max(times) * 1000:.0f} ms, "
          f"total {sum(times):.1f} s; articles of the window read per increment: median "
          f"{statistics.median(windows):.0f}")
    result: dict[str, Any] = {"tail": len(hidden), "batch": args.batch, "increments": times, "windows": windows}
    got = memberships(ws)
    scored = [r for r in reference if r in got]
    tail = hidden[: len(times) * args.batch]
    for name, keys in (("every article", scored), ("the added articles", tail)):
        score = bcubed({str(r): got[r] for r in keys}, {str(r): reference[r] for r in keys})
        print(f"B-cubed against the whole clustering, {name} ({len(keys)}): P {score['precision']:.4f} "
              f"R {score['recall']:.4f} F1 {score['f1']:.4f}")
        result[f"bcubed {name}"] = score
    same = _stories(got, scored) & _stories(reference, scored)
    multi = [s for s in _stories(reference, scored) if len(s[1]) > 1]
    print(f"multi-article stories identical (id and members): {len([s for s in multi if s in same])} / {len(multi)}")
    result["same_stories"] = [len([s for s in multi if s in same]), len(multi)]
    return result


def _stories(members: dict[int, str], keys: list[int]) -> set[tuple[str, frozenset[int]]]:
    groups: dict[str, set[int]] = {}
    for r in keys:
        groups.setdefault(members[r], set()).add(r)
    return {(sid, frozenset(g)) for sid, g in groups.items()}


if __name__ == "__main__":
    sys.exit(main())
