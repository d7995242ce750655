"""IPTC topics on OrangeSum: the primary topic against the corpus's own categories, where they map
cleanly to one IPTC top-level topic.

    python bench/topics_orangesum.py [--limit N]

OrangeSum (../shared/data/orangesum, CC BY-SA 4.0) files each article under an Orange rubric.
Rubrics that name a subject map to IPTC (below); "france", "monde", "people", "insolite" and
"auto" name a region or a tone, not a topic, and are left out. "fait-divers" covers crimes and
accidents, so either IPTC topic counts as right. Title + heading (the lead) are classified, as
silkwire does for listing items. The corpus is French national news, not Central Asia: the cue
lexicon was written for the latter, so this measures how far it carries.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from pathlib import Path

from silkwire.nlp.topics import classify

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
MAPPING: dict[str, tuple[str, ...]] = {
    "politique": ("medtop:11000000",),
    "societe/sante": ("medtop:07000000",),
    "societe/environnement": ("medtop:06000000",),
    "societe/culture": ("medtop:01000000",),
    "societe/media": ("medtop:01000000",),
    "societe/high-tech": ("medtop:13000000",),
    "societe/fait-divers": ("medtop:02000000", "medtop:03000000"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="articles per category (0: all)")
    args = parser.parse_args()
    if not DATA.exists():
        raise SystemExit(f"{DATA}: OrangeSum is not here (../shared/data)")
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    got: dict[str, Counter[str]] = {c: Counter() for c in MAPPING}
    elapsed = 0.0
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            category = row.get("category")
            if category not in MAPPING or (args.limit and total[category] >= args.limit):
                continue
            text = f"{row.get('title') or ''}\n\n{row.get('heading') or ''}"
            t0 = time.perf_counter()
            primary = classify(text)[0].code
            elapsed += time.perf_counter() - t0
            total[category] += 1
            right[category] += primary in MAPPING[category]
            got[category][primary] += 1
    n = sum(total.values())
    print(f"OrangeSum, {n} articles in {len(MAPPING)} cleanly mapped rubrics: primary topic accuracy "
          f"{sum(right.values()) / n:.3f} (macro {sum(right[c] / total[c] for c in total) / len(total):.3f}); "
          f"{elapsed / n * 1e6:.0f} µs per article")
    for c in MAPPING:
        common = ", ".join(f"{code[7:9]} {k}" for code, k in got[c].most_common(3))
        print(f"  {c:<24} {right[c] / total[c]:.3f} of {total[c]:>5}   most given: {common}")


if __name__ == "__main__":
    main()
