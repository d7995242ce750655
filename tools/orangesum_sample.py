#!/usr/bin/env python3
"""Draw the OrangeSum annotation sample: 3,000 ids, international news over-sampled.

    python3 tools/orangesum_sample.py [path/to/orangesum.jsonl.gz]

Reproducible (fixed seed, stdlib only). Writes ids and labels only, never OrangeSum text:

* ``eval/gold/orangesum/sample.tsv``: ``id  stratum  split  batch``, sorted by batch then id.
* ``eval/gold/orangesum/double.tsv``: ``id  second_batch`` for the 300 double-annotated ids.

Eligible items: a non-empty heading (lead), and only the first id of each group in the
upstream ``list_of_duplicates.txt`` (next to the data file, if present).

Strata, drawn in this order, each from the items not drawn yet:

* ``monde``: 1,400 items of category "monde".
* ``foreign``: 600 items of the other categories whose title + lead contains a cue of
  ``tools/foreign_cues.txt`` (a foreign country, capital or demonym).
* ``rest``: 1,000 items of the other categories, allocated to categories in proportion to the
  square root of their eligible size (largest remainder), so small categories (media,
  high-tech, environment...) are represented and "france"/"politique" do not swamp them.

Split (a pure function of the id, so it never changes when the sample grows):
``test`` when int(sha256("silkwire-frozen-v1:" + id)[:8], 16) % 5 == 0 (20 %); else ``dev``
when int(sha256("silkwire-dev-v1:" + id)[:8], 16) % 8 == 0 (1/8 of the remaining 80 % = 10 %);
else ``train``.

Batches: the 3,000 ids are shuffled with the seed and dealt round-robin to batches 1..6
(500 each). Double annotation: 50 ids of each batch (300 = 10 %), drawn with the seed; within
each batch the 50 ids get second-batch offsets 1..5 ten times each, so every batch annotates
50 items of the five other batches, 10 from each, and the second annotator always differs.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from orangesum_show import DEFAULT_DATA, GOLD_DIR, iter_corpus

SEED = "silkwire-orangesum-sample-v1"
N_MONDE, N_FOREIGN, N_REST = 1400, 600, 1000
N_BATCHES, N_DOUBLE_PER_BATCH = 6, 50
CUES_FILE = Path(__file__).resolve().parent / "foreign_cues.txt"


def split_of(item_id: str) -> str:
    """test (20 %), dev (10 %) or train, from seeded hashes of the id."""
    if int(hashlib.sha256(f"silkwire-frozen-v1:{item_id}".encode()).hexdigest()[:8], 16) % 5 == 0:
        return "test"
    if int(hashlib.sha256(f"silkwire-dev-v1:{item_id}".encode()).hexdigest()[:8], 16) % 8 == 0:
        return "dev"
    return "train"


def load_cues(path: Path = CUES_FILE) -> re.Pattern[str]:
    cues = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            cues.append(re.escape(line).replace(r"\ ", r"\s+").replace("'", "['’]"))
    cues.sort(key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(cues) + r")(?:e|s|es|ne|nes|x)?(?![\w-])", re.IGNORECASE)


def id_key(item_id: str) -> tuple[int, str]:
    stem = item_id.split(".", 1)[0]
    return (int(stem), item_id) if stem.isdigit() else (1 << 62, item_id)


def duplicates_to_skip(data: Path) -> set[str]:
    path = data.parent / "list_of_duplicates.txt"
    skip: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            group = sorted((x.strip() for x in line.split(",") if x.strip()), key=id_key)
            skip.update(group[1:])
    return skip


def sqrt_allocation(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over categories in proportion to sqrt(size), capped by size."""
    alloc = dict.fromkeys(sizes, 0)
    open_cats = {c for c, n in sizes.items() if n > 0}
    left = total
    while left > 0 and open_cats:
        weights = {c: math.sqrt(sizes[c]) for c in open_cats}
        wsum = sum(weights.values())
        quotas = {c: left * w / wsum for c, w in weights.items()}
        floors = {c: min(int(q), sizes[c] - alloc[c]) for c, q in quotas.items()}
        given = sum(floors.values())
        for c in sorted(open_cats, key=lambda c: (-(quotas[c] - int(quotas[c])), c)):
            if given >= left:
                break
            if floors[c] < sizes[c] - alloc[c]:
                floors[c] += 1
                given += 1
        for c, k in floors.items():
            alloc[c] += k
        left -= given
        open_cats = {c for c in open_cats if alloc[c] < sizes[c]}
        if given == 0:
            break
    return alloc


def draw(data: Path) -> tuple[list[dict], list[tuple[str, int]], Counter]:
    cue_re = load_cues()
    skip = duplicates_to_skip(data)
    rng = random.Random(SEED)
    items: list[dict] = []
    for rec in iter_corpus(data):
        if rec["id"] in skip or not (rec.get("heading") or "").strip():
            continue
        foreign = bool(cue_re.search(f"{rec.get('title') or ''}\n{rec['heading']}"))
        items.append({"id": rec["id"], "category": rec.get("category") or "", "foreign": foreign})
    items.sort(key=lambda r: id_key(r["id"]))
    by_id = {r["id"]: r for r in items}

    monde = [r["id"] for r in items if r["category"] == "monde"]
    chosen: dict[str, str] = {i: "monde" for i in rng.sample(monde, N_MONDE)}
    foreign = [r["id"] for r in items if r["category"] != "monde" and r["foreign"]]
    chosen.update({i: "foreign" for i in rng.sample(foreign, N_FOREIGN)})
    rest_by_cat: dict[str, list[str]] = {}
    for r in items:
        if r["category"] != "monde" and r["id"] not in chosen:
            rest_by_cat.setdefault(r["category"], []).append(r["id"])
    alloc = sqrt_allocation({c: len(v) for c, v in rest_by_cat.items()}, N_REST)
    for cat in sorted(rest_by_cat):
        chosen.update({i: "rest" for i in rng.sample(rest_by_cat[cat], alloc[cat])})

    ids = sorted(chosen, key=id_key)
    order = ids[:]
    rng.shuffle(order)
    batch = {i: n % N_BATCHES + 1 for n, i in enumerate(order)}
    rows = [{"id": i, "stratum": chosen[i], "split": split_of(i), "batch": batch[i],
             "category": by_id[i]["category"]} for i in ids]

    double: list[tuple[str, int]] = []
    for b in range(1, N_BATCHES + 1):
        members = [i for i in ids if batch[i] == b]
        picked = sorted(rng.sample(members, N_DOUBLE_PER_BATCH), key=id_key)
        offsets = [1 + k % (N_BATCHES - 1) for k in range(N_DOUBLE_PER_BATCH)]
        rng.shuffle(offsets)
        double.extend((i, (b - 1 + off) % N_BATCHES + 1) for i, off in zip(picked, offsets, strict=True))
    double.sort(key=lambda x: id_key(x[0]))
    pool = Counter(r["category"] for r in items)
    return rows, double, pool


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Draw the OrangeSum annotation sample.")
    p.add_argument("data", nargs="?", default=str(DEFAULT_DATA), help="orangesum.jsonl.gz")
    p.add_argument("--out", default=str(GOLD_DIR), help="output directory")
    a = p.parse_args(argv)
    rows, double, pool = draw(Path(a.data))
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "sample.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tstratum\tsplit\tbatch\n")
        for r in sorted(rows, key=lambda r: (r["batch"], id_key(r["id"]))):
            f.write(f"{r['id']}\t{r['stratum']}\t{r['split']}\t{r['batch']}\n")
    with open(out / "double.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tsecond_batch\n")
        for i, b in double:
            f.write(f"{i}\t{b}\n")

    print(f"eligible items: {sum(pool.values())}; sample: {len(rows)}; double: {len(double)}")
    for name, key in (("stratum", "stratum"), ("split", "split"), ("batch", "batch")):
        c = Counter(r[key] for r in rows)
        print(f"per {name}: " + ", ".join(f"{k}={v}" for k, v in sorted(c.items())))
    cat = Counter(r["category"] for r in rows)
    print("per category (sampled / eligible):")
    for k in sorted(pool):
        print(f"  {k:24} {cat.get(k, 0):5d} / {pool[k]}")
    sc = Counter((r["stratum"], r["split"]) for r in rows)
    print("stratum x split: " + ", ".join(f"{s}/{t}={n}" for (s, t), n in sorted(sc.items())))
    first = {r["id"]: r["batch"] for r in rows}
    pairs = Counter((first[i], b) for i, b in double)
    print("double (first batch -> second batch): "
          + ", ".join(f"{a}->{b}={n}" for (a, b), n in sorted(pairs.items())))
    print(f"double per split: {dict(sorted(Counter(split_of(i) for i, _ in double).items()))}")
    print(f"wrote {out / 'sample.tsv'} and {out / 'double.tsv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
