"""Where the whole ingest path's CPU goes, per function, without a profiler's overhead.

    python bench/ingest_cpu.py [--full 20000] [--stores sqlite] [--ahead 0|1] [--out FILE]

Runs ``bench/scale_million.py``'s ``full_path`` (the first ``--full`` replicated OrangeSum
articles into a new database: read, store, duplicates, index, then the story pass) with a set of
functions wrapped so that each call adds the CPU time of its thread (``time.thread_time``) to the
function's total; prints each total in ms an article (inclusive: a function's callees count in
it too), beside the whole process's CPU an article and the table SHA-1s the run prints. The
batches are prepared one ahead in a thread (``--ahead 1``, as ``silkwire ingest`` does) or in the
writer's thread (``--ahead 0``, ``SILKWIRE_INGEST_AHEAD=0``); thread CPU counts each thread's
own work either way. A wrapper adds two clock reads a call, counted in its caller: only
functions called about once an article or less are wrapped.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))  # the throw-away PostgreSQL server
sys.path.insert(0, str(ROOT / "bench"))

# (module, attribute path): the parts of the path measured
TIMED = [
    ("silkwire.stories.fingerprints", "Fingerprints.prepare_many"),
    ("silkwire.stories.minhash", "Permutations.signatures"),
    ("silkwire.stories.shingles", "comparable_many"),
    ("silkwire.stories.shingles", "shingle_hashes_many"),
    ("silkwire.stories.dedup", "DuplicateFinder.add"),
    ("silkwire.stories.dedup", "DuplicateFinder._best_candidate"),
    ("silkwire.stories.dedup", "DuplicateFinder._verify"),
    ("silkwire.stories.dedup", "DuplicateFinder.prefetch"),
    ("silkwire.stories.dedup", "DuplicateFinder.save"),
    ("silkwire.stories.dedup", "DuplicateFinder.flush"),
    ("silkwire.store.dedup_index", "StoredDedup.candidates"),
    ("silkwire.store.dedup_index", "StoredDedup.add"),
    ("silkwire.store.band_filter", "BandCache.add"),
    ("silkwire.store.band_filter", "BandCache.held"),
    ("silkwire.store.band_filter", "BandCache.take"),
    ("silkwire.stories.stream", "StoryStream.add"),
    ("silkwire.stories.stream", "StoryStream._assign"),
    ("silkwire.stories.stream", "StoryStream.article"),
    ("silkwire.stories.stream", "most_common"),
    ("silkwire.stories.cluster", "terms"),
    ("silkwire.stories.words", "CountedWords.add"),
    ("silkwire.search.index", "TextIndex.add"),
]


def wrap(totals: dict[str, float], calls: dict[str, int], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    clock = time.thread_time

    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[name] += clock() - t0
            calls[name] += 1

    return timed


def install(totals: dict[str, float], calls: dict[str, int]) -> list[str]:
    """Wrap every function of ``TIMED`` found, where it is defined and where it was imported to."""
    done = []
    for module_name, path in TIMED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        owner: Any = module
        *parents, attr = path.split(".")
        for part in parents:
            owner = getattr(owner, part, None)
        original = getattr(owner, attr, None) if owner is not None else None
        if original is None:
            continue
        totals[path], calls[path] = 0.0, 0
        timed = wrap(totals, calls, path, original)
        try:
            setattr(owner, attr, timed)
        except (TypeError, AttributeError):  # a compiled class: its methods cannot be replaced
            del totals[path], calls[path]
            continue
        if not parents:  # a module-level function: its importers hold it under its name
            for other in list(sys.modules.values()):
                if getattr(other, "__name__", "").startswith("silkwire") and getattr(other, attr, None) is original:
                    setattr(other, attr, timed)
        done.append(path)
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", type=int, default=20_000)
    parser.add_argument("--stores", default="sqlite")
    parser.add_argument("--ahead", default="1")
    parser.add_argument("--out", default=None, help="JSON of the figures")
    args = parser.parse_args()
    os.environ["SILKWIRE_INGEST_AHEAD"] = args.ahead
    from pgserver import PgServer

    import scale_million as sm

    items = sm.replicas(sm.load_corpus(), args.full)
    result: dict[str, Any] = {"machine": sm.machine_info()}
    for store in args.stores.split(","):
        importlib.import_module("silkwire.service.articles")
        importlib.import_module("silkwire.service.stories")
        totals: dict[str, float] = {}
        calls: dict[str, int] = {}
        install(totals, calls)
        scratch = Path(tempfile.mkdtemp(prefix="silkwire-cpu-"))
        if store == "sqlite":
            run = sm.full_path(str(scratch / "full.db"), items, scratch)
        else:
            with PgServer(durable=True, settings={"shared_buffers": "1GB", "max_wal_size": "4GB"}) as server:
                run = sm.full_path(server.create_database("full"), items, scratch, server)
        n = run["articles"]
        run["functions_ms_per_article"] = {k: round(1000 * v / n, 4) for k, v in totals.items()}
        run["calls_per_article"] = {k: round(c / n, 2) for k, c in calls.items()}
        result[store] = run
        print(store, json.dumps(run, indent=1), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
