#!/usr/bin/env python3
"""Draw the second OrangeSum annotation sample: 750 items about meetings and agreements.

    python3 tools/orangesum_extend.py [path/to/orangesum.jsonl.gz]

The first sample (tools/orangesum_sample.py, batches 1..6) held too few CONSULT and AGREE items
(32 and 23 in the train split) for a model to learn them. This draw adds 750 ids, appended to
``sample.tsv`` as batches 7..9 (250 each, stratum ``diplomacy``) and 75 rows to ``double.tsv``
(25 per batch, each annotated a second time by one of the two other new batches).

Eligible: the first sample's rule (a lead, the first id of each upstream duplicate group), not
already sampled, and a diplomacy cue (tools/diplomacy_cues.txt) in title + lead. Every eligible
international item (category "monde" or a foreign cue of tools/foreign_cues.txt: ~320 of them)
is drawn first; the rest of the 750 is drawn from the other eligible items (French politics and
society: a party congress, talks with unions and a signed agreement are CONSULT and AGREE too).

**Never an item whose id hashes to the frozen test split**: the test split stays exactly the 609
items of the first sample, so its figures remain comparable and nobody adds to it after modelling
began. The new items are train or dev by the same hash as before. Reproducible (fixed seed, stdlib
only); ids and labels only, never text.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from orangesum_sample import duplicates_to_skip, id_key, load_cues, split_of
from orangesum_show import DEFAULT_DATA, GOLD_DIR, iter_corpus, read_tsv

SEED = "silkwire-orangesum-sample-v2-diplomacy"
BATCHES = (7, 8, 9)
PER_BATCH, DOUBLE_PER_BATCH = 250, 25
CUES_FILE = Path(__file__).resolve().parent / "diplomacy_cues.txt"


def load_diplomacy_cues(path: Path = CUES_FILE) -> re.Pattern[str]:
    stems = [ln.split("#", 1)[0].strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    alts = sorted((re.escape(s).replace("'", "['’]") for s in stems if s), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")", re.IGNORECASE)


def draw(data: Path, gold_dir: Path) -> tuple[list[dict[str, str]], list[tuple[str, int]], int]:
    sampled = {r["id"] for r in read_tsv(gold_dir / "sample.tsv")}
    foreign_re, diplo_re = load_cues(), load_diplomacy_cues()
    skip = duplicates_to_skip(data)
    intl: list[str] = []
    other: list[str] = []
    for rec in iter_corpus(data):
        item_id, heading = rec["id"], (rec.get("heading") or "").strip()
        if item_id in skip or item_id in sampled or not heading or split_of(item_id) == "test":
            continue
        text = f"{rec.get('title') or ''}\n{heading}"
        if diplo_re.search(text):
            is_intl = rec.get("category") == "monde" or foreign_re.search(text)
            (intl if is_intl else other).append(item_id)
    intl.sort(key=id_key)
    other.sort(key=id_key)
    rng = random.Random(SEED)
    want = PER_BATCH * len(BATCHES)
    chosen = rng.sample(intl, min(want, len(intl)))
    chosen += rng.sample(other, want - len(chosen))
    rng.shuffle(chosen)
    rows = [{"id": i, "stratum": "diplomacy", "split": split_of(i), "batch": str(BATCHES[n % len(BATCHES)])}
            for n, i in enumerate(chosen)]
    double: list[tuple[str, int]] = []
    for k, b in enumerate(BATCHES):
        members = sorted((r["id"] for r in rows if r["batch"] == str(b)), key=id_key)
        picked = sorted(rng.sample(members, DOUBLE_PER_BATCH), key=id_key)
        others = [BATCHES[(k + 1) % len(BATCHES)], BATCHES[(k + 2) % len(BATCHES)]]
        double.extend((i, others[n % 2]) for n, i in enumerate(picked))
    return rows, double, len(intl) + len(other)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Draw the second (diplomacy) OrangeSum annotation sample.")
    p.add_argument("data", nargs="?", default=str(DEFAULT_DATA), help="orangesum.jsonl.gz")
    p.add_argument("--gold-dir", default=str(GOLD_DIR))
    a = p.parse_args(argv)
    gold = Path(a.gold_dir)
    if any(r["stratum"] == "diplomacy" for r in read_tsv(gold / "sample.tsv")):
        print("sample.tsv already holds the diplomacy batches: nothing to do", file=sys.stderr)
        return 1
    rows, double, eligible = draw(Path(a.data), gold)
    with open(gold / "sample.tsv", "a", encoding="utf-8", newline="\n") as f:
        for r in sorted(rows, key=lambda r: (int(r["batch"]), id_key(r["id"]))):
            f.write(f"{r['id']}\t{r['stratum']}\t{r['split']}\t{r['batch']}\n")
    with open(gold / "double.tsv", "a", encoding="utf-8", newline="\n") as f:
        for i, b in sorted(double, key=lambda x: id_key(x[0])):
            f.write(f"{i}\t{b}\n")
    print(f"eligible: {eligible}; drawn: {len(rows)}; double: {len(double)}; "
          f"per split: {dict(sorted(Counter(r['split'] for r in rows).items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
