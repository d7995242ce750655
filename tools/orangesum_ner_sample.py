#!/usr/bin/env python3
"""Draw the OrangeSum entity-annotation sample: 300 ids for checking people, places and
organisations on news nobody here wrote (issue 14, point 5).

    python3 tools/orangesum_ner_sample.py [path/to/orangesum.jsonl.gz]

Reproducible (stdlib only, seeded hashes). Writes ids only, never OrangeSum text:
``eval/gold/orangesum_ner/sample.tsv`` with ``id  stratum  split  annotators``.

Eligible: a non-empty lead, the first id of each upstream duplicate group, and no item of the
event gold's sample (``eval/gold/orangesum/sample.tsv``: the entity check reads fresh items, and
never one of the event corpus's frozen test split). Strata: 150 ``international`` items (category
"monde", or a foreign cue of ``tools/foreign_cues.txt`` in title + lead) and 150 ``rest``, each
the first by sha256("silkwire-ner-v1:" + id).

Split (a pure function of the id): ``test`` when int(sha256("silkwire-ner-split-v1:" + id)[:8],
16) is even, else ``dev``. Whoever writes entity rules or filters may read the dev items; the
test items are only scored. Annotators: the 300 ids in hash order; n1 takes the first 180, n2
the last 180, so 60 items (20 %) are annotated by both.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from orangesum_sample import duplicates_to_skip, load_cues, split_of
from orangesum_show import DEFAULT_DATA, GOLD_DIR, iter_corpus, read_tsv

OUT = GOLD_DIR.parent / "orangesum_ner" / "sample.tsv"
PER_STRATUM = 150


def _hash(prefix: str, item_id: str) -> int:
    return int(hashlib.sha256(f"{prefix}:{item_id}".encode()).hexdigest()[:8], 16)


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else DEFAULT_DATA
    cue_re = load_cues()
    taken = {r["id"] for r in read_tsv(GOLD_DIR / "sample.tsv")}
    skip = duplicates_to_skip(data)
    strata: dict[str, list[tuple[int, str]]] = {"international": [], "rest": []}
    for rec in iter_corpus(data):
        item_id, heading = rec["id"], rec.get("heading") or ""
        if not heading.strip() or item_id in taken or item_id in skip or split_of(item_id) == "test":
            continue
        text = f"{rec.get('title') or ''} {heading}"
        international = rec.get("category") == "monde" or bool(cue_re.search(text))
        strata["international" if international else "rest"].append((_hash("silkwire-ner-v1", item_id), item_id))
    chosen = [(h, i, name) for name, items in strata.items() for h, i in sorted(items)[:PER_STRATUM]]
    chosen.sort()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("id\tstratum\tsplit\tannotators\n")
        for n, (_, item_id, stratum) in enumerate(chosen):
            split = "test" if _hash("silkwire-ner-split-v1", item_id) % 2 == 0 else "dev"
            who = "n1" if n < 120 else ("n1,n2" if n < 180 else "n2")
            f.write(f"{item_id}\t{stratum}\t{split}\t{who}\n")
    print(f"{len(chosen)} ids -> {OUT.relative_to(GOLD_DIR.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
