#!/usr/bin/env python3
"""Print OrangeSum items (title + lead, numbered sentences) for the annotators.

    python3 tools/orangesum_show.py --batch 3            # the 500 items of batch 3
    python3 tools/orangesum_show.py --batch 3 --double   # the items batch 3 annotates a second time
    python3 tools/orangesum_show.py --ids 123.json,456.json

Each item is printed as a block::

    ### id=<id> category=<category>
    S0: <title>
    S1: <first sentence of the lead>
    S2: ...

The sentence numbers are the ``evidence`` numbers of the annotation guide
(docs/annotation-events.md). The helpers below (corpus loading, sentence splitting, the
``Article.text`` layout) are imported by the other OrangeSum tools: keep them deterministic,
since the gold spans depend on them. The OrangeSum text itself is read from the shared data
directory and is never written into the repository (CC BY-SA 4.0).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
GOLD_DIR = REPO / "eval" / "gold" / "orangesum"
SAMPLE_TSV = GOLD_DIR / "sample.tsv"
DOUBLE_TSV = GOLD_DIR / "double.tsv"

# A sentence ends at . ! or ? followed by white space and a capital letter (accented or not)
# or an opening quote. The same rule as silkwire.nlp.events (_SENTENCE_END), plus the curly
# quotes. Abbreviations such as "M. Dupont" are split too: the rule is simple on purpose,
# so that every tool numbers the sentences the same way.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ\"«“'])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Half-open (start, end) offsets of the sentences of ``text``, stripped of outer spaces.

    Empty text gives no sentence. The offsets index ``text`` itself.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    bounds = [(m.start(), m.end()) for m in SENTENCE_END.finditer(text)]
    bounds.append((len(text), len(text)))
    for end, next_start in bounds:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if piece.strip():
            spans.append((start + lead, end - trail))
        start = next_start
    return spans


def article_text(title: str, heading: str) -> str:
    """The text silkwire ingests for an item: title, a blank line, then the lead."""
    return f"{title}\n\n{heading}" if heading else title


def sentence_spans(title: str, heading: str) -> list[tuple[int, int]]:
    """Spans of S0 (the title) and S1.. (the lead sentences) in ``article_text(title, heading)``."""
    spans = [(0, len(title))]
    offset = len(title) + 2
    spans.extend((offset + s, offset + e) for s, e in split_sentences(heading))
    return spans


def iter_corpus(path: Path | str = DEFAULT_DATA) -> Iterator[dict]:
    """The OrangeSum records, one dict per line of the gzipped JSONL file."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def load_items(ids: Iterable[str] | None = None, path: Path | str = DEFAULT_DATA) -> dict[str, dict]:
    """id -> {id, date, category, title, heading} (the body is dropped), for ``ids`` or all."""
    wanted = None if ids is None else set(ids)
    out: dict[str, dict] = {}
    for rec in iter_corpus(path):
        if wanted is None or rec["id"] in wanted:
            out[rec["id"]] = {k: rec.get(k) or "" for k in ("id", "date", "category", "title", "heading")}
    return out


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def format_item(item: dict) -> str:
    text = article_text(item["title"], item["heading"])
    lines = [f"### id={item['id']} category={item['category']}"]
    for n, (s, e) in enumerate(sentence_spans(item["title"], item["heading"])):
        lines.append(f"S{n}: {text[s:e]}")
    return "\n".join(lines)


def batch_ids(batch: int, double: bool = False, gold_dir: Path = GOLD_DIR) -> list[str]:
    """The ids of a batch in sample order, or (double) the items that batch annotates second."""
    if double:
        return [r["id"] for r in read_tsv(gold_dir / "double.tsv") if int(r["second_batch"]) == batch]
    return [r["id"] for r in read_tsv(gold_dir / "sample.tsv") if int(r["batch"]) == batch]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--batch", type=int, help="batch number (sample.tsv: 1..18)")
    g.add_argument("--ids", help="comma-separated ids, e.g. 12.json,345.json")
    p.add_argument("--double", action="store_true", help="with --batch: the double-annotation items")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="orangesum.jsonl.gz")
    a = p.parse_args(argv)
    ids = [i.strip() for i in a.ids.split(",") if i.strip()] if a.ids else batch_ids(a.batch, a.double)
    items = load_items(ids, a.data)
    missing = [i for i in ids if i not in items]
    for i in ids:
        if i in items:
            print(format_item(items[i]))
            print()
    if missing:
        print(f"not in the corpus: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into head/less that quit early
        sys.stderr.close()
        sys.exit(0)
