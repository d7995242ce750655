"""A corpus of distinct French articles at any size, from OrangeSum, for the scale benchmark.

    python bench/scale_corpus.py --articles 360000 --out /tmp/scale-360k.jsonl [--dups 0.05]

OrangeSum (36,152 articles, 2016-2020) is replicated. Copy 0 is the corpus as it is; every
other copy is another corpus of the same shape, so that no copy is a duplicate of another:

- **words**: every word of four letters or more goes through a permutation of the vocabulary
  that is the copy's own, drawn within bands of 64 words of similar frequency (so that a
  frequent word stays frequent: the TF-IDF weights, the lengths and the texture of the text
  keep their shape, and the copy's articles relate to each other as the originals do); case is
  kept (a name stays capitalised, so the NER still finds names). Shorter words (de, la, les,
  et, un...) stay: 5-shingles across copies then share a few percent, far below any duplicate
  threshold (measured by ``--check``);
- **dates**: ten copies share an era (the originals' dates, copy k shifted by k days); each
  further ten copies is an earlier era (five years back per era). The density of articles in
  time is thus that of ten OrangeSums from 360k on (~220 a day on average, ~700 in 2020), and a
  story window (45 days) holds as many articles at 1M as at 360k;
- **sources and ids**: copy k is outlet ``orangesum-k``; the record id is ``k-<OrangeSum id>``.

Real duplicates, a controlled share (``--dups``, 5% by default): for that share of the records,
chosen by a seeded hash, a second version is written right after it, under another outlet
(``wire-<k>``), the same day or the next, as another outlet runs a dispatch: the same text
(exact), the same text with other typography (apostrophes, spaces: exact after folding), or the
lead with a sentence added or a figure changed (a version: same title, most of the text).
``ref`` of a version is ``dup:<id of the first>``, so a bench can score what the finder linked.

Each record is title + lead (OrangeSum's heading; for the 4,212 without one, the first 400
characters of the body), as a listing gives them. Output: JSONL era by era (the originals' era
first, then each earlier one: an archive loaded newest first), the copies of an era interleaved
record by record, as outlets archived together.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
WORD = re.compile(r"[^\W\d_]{4,}")
BAND = 64  # words of similar frequency permuted among themselves
PER_ERA = 10  # copies sharing the originals' dates
ERA_DAYS = 1827  # five years back per era


def load(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        out = []
        for line in fh:
            r = json.loads(line)
            lead = (r.get("heading") or "").strip() or (r.get("article") or "").strip()[:400]
            if lead:
                out.append({"id": r["id"], "title": (r.get("title") or "").strip() or None, "lead": lead,
                            "date": r["date"]})
        return out


def vocabulary(records: list[dict[str, Any]]) -> list[str]:
    """Lower-case words of 4+ letters, most frequent first (ties alphabetical: stable)."""
    counts: Counter[str] = Counter()
    for r in records:
        counts.update(w.lower() for w in WORD.findall(f"{r['title'] or ''} {r['lead']}"))
    return [w for w, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def permutation(words: list[str], copy: int, seed: int) -> dict[str, str]:
    """The copy's bijection of the vocabulary, within bands of similar frequency."""
    if copy == 0:
        return {}
    rng = random.Random(f"{seed}:{copy}")
    out: dict[str, str] = {}
    for start in range(0, len(words), BAND):
        band = words[start:start + BAND]
        shuffled = band[:]
        rng.shuffle(shuffled)
        out.update(zip(band, shuffled, strict=True))
    return out


def _case(like: str, word: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def rewrite(text: str, table: dict[str, str]) -> str:
    if not table:
        return text
    return WORD.sub(lambda m: _case(m.group(0), table.get(m.group(0).lower(), m.group(0).lower())), text)


def _pick(key: str, seed: int) -> float:
    """A number in [0, 1) from a key: which records get a version, and which kind."""
    digest = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2 ** 64


def version(item: dict[str, Any], copy: int, seed: int) -> dict[str, Any]:
    """Another outlet's version of ``item`` (module doc)."""
    kind = _pick("kind:" + item["id"], seed)
    lead, title = item["lead"], item["title"]
    if kind < 0.25:
        pass  # the same text
    elif kind < 0.5:  # other typography: the same after folding
        lead = lead.replace("'", "\u2019").replace(" :", "\u00a0:")
        title = title.replace("'", "\u2019") if title else title
    elif kind < 0.75:  # a sentence added at the end
        lead = lead.rstrip() + " Plus d'informations à suivre dans nos prochaines éditions."
    else:  # a figure changed (a corrected dispatch), or a word dropped when there is none
        changed = re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), lead, count=1)
        lead = changed if changed != lead else " ".join(lead.split()[1:]) or lead
    day = date.fromisoformat(item["published"]) + timedelta(days=int(kind * 8) % 2)
    return {"id": f"v-{item['id']}", "ref": f"dup:{item['id']}", "source": f"wire-{copy % PER_ERA}",
            "title": title, "lead": lead, "published": day.isoformat()}


def generate(records: list[dict[str, Any]], articles: int, dups: float, seed: int,
             per_era: int = PER_ERA) -> Iterator[dict[str, Any]]:
    """Records in era order until ``articles`` are written (versions included). ``per_era``:
    copies sharing an era (1: the density of one OrangeSum at every size, to see whether the cost
    per article grows with the corpus at a constant number of articles per story window)."""
    words = vocabulary(records)
    copies = -(-articles // len(records))
    written = 0
    for era_start in range(0, copies, per_era):
        era = era_start // per_era
        tables = {k: permutation(words, k, seed) for k in range(era_start, min(copies, era_start + per_era))}
        for r in records:
            for k, table in tables.items():
                day = date.fromisoformat(r["date"]) - timedelta(days=era * ERA_DAYS) + timedelta(days=k % per_era)
                item = {"id": f"{k}-{r['id']}", "source": f"orangesum-{k}",
                        "title": rewrite(r["title"], table) if r["title"] else None,
                        "lead": rewrite(r["lead"], table), "published": day.isoformat()}
                yield item
                written += 1
                if written >= articles:
                    return
                if _pick(item["id"], seed) < dups:
                    yield version(item, k, seed)
                    written += 1
                    if written >= articles:
                        return


def check(records: list[dict[str, Any]], seed: int, n: int = 300) -> None:
    """Jaccard of the 5-shingles of an article and its rewritten copies (silkwire's own shingles)."""
    from silkwire.stories.shingles import comparable, shingle_hashes

    words = vocabulary(records)
    tables = [permutation(words, k, seed) for k in range(4)]
    values = []
    for r in records[:n]:
        texts = [f"{rewrite(r['title'] or '', t)}\n\n{rewrite(r['lead'], t)}" for t in tables]
        sets = [set(shingle_hashes(comparable(text), 5).tolist()) for text in texts]
        values += [len(sets[0] & s) / max(1, len(sets[0] | s)) for s in sets[1:]]
    values.sort()
    high = sum(1 for v in values if v >= 0.5)
    print(f"{high} pairs of {len(values)} share half of their shingles or more")
    print(f"Jaccard of an article and its copies over {len(values)} pairs: median {values[len(values) // 2]:.3f}, "
          f"max {values[-1]:.3f} (duplicates need 0.9, or a same title and 0.5 containment)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, required=True, help="how many records to write")
    parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    parser.add_argument("--dups", type=float, default=0.05, help="share of records given a second version")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--per-era", type=int, default=PER_ERA, help="copies sharing an era (dates)")
    parser.add_argument("--data", type=Path, default=CORPUS)
    parser.add_argument("--check", action="store_true", help="print the overlap of copies, then write")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (../shared/data is not here)")
        return 0
    records = load(args.data)
    if args.check:
        check(records, args.seed)
    with args.out.open("w", encoding="utf-8") as fh:
        for item in generate(records, args.articles, args.dups, args.seed, args.per_era):
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
