"""The trigger and cue searches with the k-gram index (nlp/prefilter.py) against the row-by-row
literal check they replaced, in one process, on the same texts.

    python bench/prefilter_speed.py [--items 1000]

Texts: the demo corpus and OrangeSum title + lead (``bench/scale_corpus.py`` copy 0). The old
functions are copied here as they were (pipeline 0.4.16); both must give the same hits and the
same cue scores on every text (asserted), then each is timed (best of 5).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.nlp import event_triggers as et
from silkwire.nlp import topics
from silkwire.nlp.kb import load_kb
from silkwire.service.articles import demo_files
from silkwire.textnorm import normalize

ROOT = Path(__file__).resolve().parents[1]


def old_find(text: str, rules: Sequence[tuple[et.Trigger, re.Pattern[str]]]) -> list[et._Hit]:
    norm = normalize(text)
    folded = et.fold_same_length(norm.text)
    hits: list[et._Hit] = []
    for order, (rule, pattern) in enumerate(rules):
        if not all(part in folded for part in et.literals(rule)):
            continue
        for m in pattern.finditer(folded):
            s, e = norm.to_original(m.start(), m.end())
            hits.append(et._Hit(s, e, rule, order))
    hits.sort(key=lambda h: (-(h.end - h.start), h.order))
    kept: list[et._Hit] = []
    for h in hits:
        if not any(h.start < k.end and k.start < h.end for k in kept):
            kept.append(h)
    return sorted((h for h in kept if h.rule.type != "NONE"), key=lambda h: h.start)


def old_scores(text: str, cues: Sequence[tuple[topics.Cue, re.Pattern[str]]]) -> dict[str, float]:
    folded = et.fold_same_length(normalize(text).text)
    title_end = folded.find("\n\n")
    scores: dict[str, float] = dict(topics.PRIORS)
    for cue, pattern in cues:
        if topics._literal(cue.cue) not in folded:
            continue
        for m in pattern.finditer(folded):
            weight = cue.weight * (topics.TITLE_WEIGHT if m.start() < title_end else 1.0)
            scores[cue.code] = scores.get(cue.code, 0.0) + weight
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    kb = load_kb()
    rules, cues = et.load_lexicon(*kb.event_lexicons), topics.load_cues(*kb.topic_cues)
    corpus = Path(tempfile.mkdtemp()) / "items.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "scale_corpus.py"), "--articles", str(args.items),
                    "--dups", "0", "--out", str(corpus)], check=True, capture_output=True)
    for name, paths in (("demo", demo_files()), ("OrangeSum", [str(corpus)])):
        texts = [a.text for a in read_paths(paths) if isinstance(a, Article)][:args.items]
        assert [old_find(t, rules) for t in texts] == [et._find_triggers(t, rules) for t in texts]
        assert [old_scores(t, cues) for t in texts] == [topics.raw_scores(t, cues) for t in texts]
        runs: dict[str, Callable[[], object]] = {
            "triggers, row by row": lambda ts=texts: [old_find(t, rules) for t in ts],
            "triggers, k-gram index": lambda ts=texts: [et._find_triggers(t, rules) for t in ts],
            "cues, row by row": lambda ts=texts: [old_scores(t, cues) for t in ts],
            "cues, k-gram index": lambda ts=texts: [topics.raw_scores(t, cues) for t in ts]}
        print(f"{name}, {len(texts)} texts (the same hits and scores):")
        for label, run in runs.items():
            best = min(timeit.repeat(run, number=1, repeat=5))
            print(f"  {label:24s} {1000 * best / len(texts):.3f} ms/article")


if __name__ == "__main__":
    main()
