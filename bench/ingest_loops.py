"""The ingest's per-article Python loops, each against the code it replaced, and compiled against
interpreted (branch ``fast7``, docs/benchmarks/scale.md).

    python bench/ingest_loops.py [--articles 6000]

On the first ``--articles`` replicated OrangeSum articles (``bench/scale_million.py``), the best
of 7 timings (process CPU) of:
- ``Fingerprints.prepare_many`` by batches of 500 (the fingerprints of duplicate detection);
- ``Permutations.signatures`` against the per-text ``signature`` it batches (the text MinHash);
- ``cluster.terms``'s dictionary against an ``lru_cache``d word function (what it replaced), both
  in the same closure, and ``cluster.terms`` itself;
- ``scoring.strongest`` and ``scoring.post`` (the stream's probe keys and posting updates)
  compiled, the same source interpreted, and the loops of ``StoryStream`` they replaced.
Each pair is checked to give the same values. Prints µs an article.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "bench"))

from scale_million import articles_of, load_corpus, replicas  # noqa: E402


def best(run: Callable[[], object], n: int, times: int = 7) -> float:
    """The least process CPU of ``times`` runs, in µs per article."""
    least = float("inf")
    for _ in range(times):
        t0 = time.process_time()
        run()
        least = min(least, time.process_time() - t0)
    return round(1e6 * least / n, 2)


def interpreted(name: str) -> ModuleType:
    """``silkwire.stories.<name>`` loaded from its source, beside the compiled one."""
    path = ROOT / "src" / "silkwire" / "stories" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"interpreted_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def replaced_probe_keys(vector: dict[str, float], k: int) -> list[str]:
    return [t for t, _ in sorted(vector.items(), key=lambda x: -x[1])[:k]]


def replaced_post(postings: dict[str, list[int]], touched: dict[str, int], long: dict[str, list[int]],
                  keys: list[str], rowid: int, today: int | None, keep: int) -> None:
    for key in keys:
        postings[key].append(rowid)
        if today is not None:
            touched[key] = today
        if len(postings[key]) > 2 * keep:
            del postings[key][:-keep]
        if key in long:
            long[key].append(rowid)
            if len(long[key]) > 2 * keep:
                del long[key][:-keep]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=6000)
    args = parser.parse_args()
    import Stemmer

    from silkwire.stories import cluster, scoring
    from silkwire.stories.fingerprints import DedupParams, Fingerprints
    from silkwire.stories.stream import StoryStream, bag
    from silkwire.textnorm import fold, normalize_text

    items = replicas(load_corpus(), args.articles)
    articles = articles_of(items)
    n = len(articles)
    out: dict[str, Any] = {"articles": n, "scoring_compiled": not str(scoring.__file__).endswith(".py")}
    texts, titles = [a.text for a in articles], [a.title for a in articles]
    prints = Fingerprints(DedupParams())
    out["prepare_many"] = best(lambda: [prints.prepare_many(texts[s:s + 500], titles[s:s + 500])
                                        for s in range(0, n, 500)], n)
    from silkwire.stories.shingles import comparable_many, shingle_hashes_many

    hashes = shingle_hashes_many(comparable_many(texts), DedupParams().shingle)
    perms = prints._text
    assert np.array_equal(perms.signatures(hashes), np.array([perms.signature(h) for h in hashes]))
    out["text_signatures"] = {"batched": best(lambda: perms.signatures(hashes), n),
                              "per_text": best(lambda: [perms.signature(h) for h in hashes], n)}

    word, stemmer = re.compile(r"[^\W\d_]{3,}"), Stemmer.Stemmer("french")

    @lru_cache(maxsize=262_144)
    def cached(w: str) -> str:
        return fold(stemmer.stemWord(w.lower()))

    def lru_terms(text: str) -> list[str]:
        return [cached(w) for w in word.findall(normalize_text(text))]

    kept: dict[str, str] = {}

    def term(w: str) -> str:
        found = kept[w] = fold(stemmer.stemWord(w.lower()))
        return found

    def dict_terms(text: str) -> list[str]:  # cluster.terms, in the same closure as the other
        return [kept.get(w) or term(w) for w in word.findall(normalize_text(text))]

    lines = [f"{r['title']} {r['title']} {r['lead'][:800]}" for r in items]
    assert [cluster.terms(t) for t in lines] == [lru_terms(t) for t in lines] == [dict_terms(t) for t in lines]
    out["terms"] = {"dictionary": best(lambda: [dict_terms(t) for t in lines], n),
                    "lru_cache": best(lambda: [lru_terms(t) for t in lines], n),
                    "cluster.terms": best(lambda: [cluster.terms(t) for t in lines], n)}

    from silkwire.stories.cluster import StoryItem, vocabulary_of

    story_items = [StoryItem(key=r["id"], text=r["lead"], title=r["title"], day=r["published"]) for r in items]
    bags = [bag(it, 800) for it in story_items]
    stream = StoryStream(vocabulary_of(bags))
    vectors = [stream.article(i, it, b).vector for i, (it, b) in enumerate(zip(story_items, bags, strict=True))]
    keys = [replaced_probe_keys(v, 12) for v in vectors]
    if not hasattr(scoring, "strongest"):  # a checkout before fast7 (main): its fingerprints and terms only
        print(json.dumps(out, indent=1))
        return 0
    source = interpreted("scoring")
    for fn in (scoring.strongest, source.strongest):
        assert [fn(v, 12) for v in vectors] == keys
    out["probe_keys"] = {name: best(lambda fn=fn: [fn(v, 12) for v in vectors], n)  # type: ignore[misc]
                         for name, fn in (("compiled", scoring.strongest), ("interpreted", source.strongest),
                                          ("replaced", replaced_probe_keys))}

    def posted(fn: Callable[..., None], lists: dict[str, list[int]]) -> dict[str, list[int]]:
        touched: dict[str, int] = {}
        long: dict[str, list[int]] = {}
        for rowid, k in enumerate(keys):
            fn(lists, touched, long, k, rowid, 700_000 + rowid // 50, 300)
        return lists

    assert posted(scoring.post, {}) == posted(source.post, {}) == dict(posted(replaced_post, defaultdict(list)))
    out["post"] = {"compiled": best(lambda: posted(scoring.post, {}), n),
                   "interpreted": best(lambda: posted(source.post, {}), n),
                   "replaced": best(lambda: posted(replaced_post, defaultdict(list)), n)}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
