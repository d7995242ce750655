"""The story stream's cosines on the demo articles, as plain data (JSON-ready, floats in hex).

tests/engines/test_compiled.py computes them twice, with the compiled ``stories/scoring.py``
and, in a subprocess, with the interpreted source (pure_python.py), and compares;
tests/service/test_story_stream.py checks them against the Python sums they replace.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "silkwire" / "demo"


def vectors() -> list[dict[str, float]]:
    """The demo articles' TF-IDF vectors, as the stream makes them (demo vocabulary)."""
    from silkwire.stories.cluster import StoryItem, vocabulary_of
    from silkwire.stories.stream import StoryStream, bag

    items = []
    for path in sorted(DEMO.glob("news-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            items.append(StoryItem(key=row["id"], text=row["lead"], title=row["title"], day=row["published"]))
    stream = StoryStream(vocabulary_of([bag(it, 800) for it in items]))
    return [stream.article(i, it).vector for i, it in enumerate(items)]


def outputs() -> dict[str, list[Any]]:
    """Every pair's cosine (both orders), each vector's cosines with all (one call), the
    centrality of samples of 1, 7 and 50 vectors, each vector's 12 probe keys, and the posting
    lists those keys make."""
    from silkwire.stories.scoring import centrality, cosine, cosines, post, strongest

    vs = vectors()
    postings: dict[str, list[int]] = {}
    touched: dict[str, int] = {}
    long: dict[str, list[int]] = {t: [] for t in list(vs[0])[:3]}
    for rowid, v in enumerate(vs * 5):  # the demo's probe keys, five rounds: lists are cut at 2 x 20
        post(postings, touched, long, strongest(v, 12), rowid, None if rowid % 7 == 0 else 737_000 + rowid // 9, 20)
    return {"cosine": [cosine(a, b).hex() for a in vs for b in vs],
            "cosines": [c.hex() for a in vs for c in cosines(a, vs)],
            "centrality": [c.hex() for k in (1, 7, 50) for c in centrality(vs[:k])],
            "strongest": [t for v in vs for t in strongest(v, 12)],
            "postings": [[k, *p] for k, p in sorted(postings.items())] + [[k, t] for k, t in sorted(touched.items())]
                        + [[k, *p] for k, p in sorted(long.items())]}
