"""Why the story pass costs more per article as the corpus grows (issue 16): the story stream
alone (``StoryStream``, no store) over ``bench/scale_million.py``'s replicated OrangeSum corpus,
at each size given, with its thread CPU per article and, per article, the postings counted in
its candidate rank, the distinct articles among them and the candidates scored.

    python bench/stories_growth.py 20000 100000 300000

The counters wrap ``stream.most_common`` and ``stream.cosines`` (the stream's module globals);
the CPU figures include them. Prints a JSON line per size.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))  # scale_million's throw-away server module
sys.path.insert(0, str(ROOT / "bench"))

from ingest_search import load_corpus  # noqa: E402
from scale_million import replicas  # noqa: E402


def measure(records: list[dict[str, Any]], n: int) -> dict[str, Any]:
    from silkwire.stories import stream
    from silkwire.stories.cluster import StoryItem, vocabulary_of

    items = [StoryItem(key=r["id"], text=r["lead"], title=r["title"], day=r["published"])
             for r in replicas(records, n)]
    order = sorted(range(n), key=lambda i: (items[i].day or "", i))
    t0 = time.thread_time()
    bags = [stream.bag(it, 800) for it in items]
    s = stream.StoryStream(vocabulary_of(bags))
    first = time.thread_time() - t0
    counted = {"counted": 0, "distinct": 0, "scored": 0}
    rank, cosines = stream.most_common, stream.cosines

    def most_common(hits: Counter[int], k: int, most: int = 1 << 62) -> list[int]:
        counted["counted"] += sum(hits.values())
        counted["distinct"] += len(hits)
        return rank(hits, k, most)

    def scored(a: dict[str, float], others: list[dict[str, float]]) -> list[float]:
        counted["scored"] += len(others)
        return cosines(a, others)

    stream.most_common, stream.cosines = most_common, scored  # type: ignore[assignment]
    try:
        t1 = time.thread_time()
        for i in order:
            for _ in s.add(i, items[i], bags[i]):
                pass
        for _ in s.finish():
            pass
        cpu = time.thread_time() - t1
    finally:
        stream.most_common, stream.cosines = rank, cosines  # type: ignore[assignment]
    return {"articles": n, "first_pass_ms": round(1000 * first / n, 3), "stream_ms": round(1000 * cpu / n, 3),
            **{k: round(v / n, 1) for k, v in counted.items()}}


def main() -> int:
    records = load_corpus()
    for n in map(int, sys.argv[1:] or ["20000", "100000"]):
        print(json.dumps(measure(records, n)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
