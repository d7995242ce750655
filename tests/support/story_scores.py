"""The story stream's cosines on the demo articles, as plain data (JSON-ready, floats in hex).

tests/engines/test_compiled.py computes them twice, with the compiled ``stories/scoring.py``
and, in a subprocess, with the interpreted source (pure_python.py), and compares;
tests/service/test_story_stream.py checks them against the Python sums they replace.
"""

from __future__ import annotations

import json
from pathlib import Path

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


def outputs() -> dict[str, list[str]]:
    """Every pair's cosine (both orders), each vector's cosines with all (one call), and the
    centrality of samples of 1, 7 and 50 vectors."""
    from silkwire.stories.scoring import centrality, cosine, cosines

    vs = vectors()
    return {"cosine": [cosine(a, b).hex() for a in vs for b in vs],
            "cosines": [c.hex() for a in vs for c in cosines(a, vs)],
            "centrality": [c.hex() for k in (1, 7, 50) for c in centrality(vs[:k])]}
