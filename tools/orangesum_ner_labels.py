#!/usr/bin/env python3
"""Copy the OrangeSum entity labels into the repository and write the annotators' agreement.

    .venv/bin/python tools/orangesum_ner_labels.py [--from /work/ner-annot] [--data orangesum.jsonl.gz]

Reads ``annotations-n1.jsonl``, ``annotations-n2.jsonl`` and ``adjudicated.jsonl`` (when present)
from the annotators' directory, checks every line (an id of ``sample.tsv``, the annotator the
sample names, mentions with ``s``, ``text`` and ``type`` PER/LOC/ORG) and writes them to
``eval/gold/orangesum_ner/`` with those fields only: ids, sentence numbers, the mentions as
written and their types (the mention is the only OrangeSum text stored; CC BY-SA 4.0). Then
``agreement.md``: per type, the F1 of n2 against n1 on the doubly annotated items (a match is the
same sentence, type and text, docs/annotation-entities.md), and, when the OrangeSum text is there,
how many gold mentions cannot be found in their sentence (counts only, per split).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from silkwire.evaluation import ner  # noqa: E402
from silkwire.evaluation.orangesum import MissingData, read_articles  # noqa: E402

OUT = REPO / ner.GOLD_DIR
DEFAULT_FROM = Path("/work/ner-annot")
DEFAULT_DATA = REPO.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
FILES = ("annotations-n1.jsonl", "annotations-n2.jsonl", ner.ADJUDICATED)


def convert(source: Path, sample: dict[str, str], errors: list[str]) -> list[dict[str, object]]:
    """The checked lines of one file, reduced to id, annotator and entities (s, text, type)."""
    out: list[dict[str, object]] = []
    expected = source.name.removeprefix("annotations-").removesuffix(".jsonl")
    seen: set[str] = set()
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source.name}:{number}"
        try:
            row = json.loads(line)
            mentions = ner.parse_mentions(row.get("entities"))
        except (json.JSONDecodeError, ValueError) as exc:
            errors.append(f"{where}: {exc}")
            continue
        item = str(row.get("id"))
        if item not in sample:
            errors.append(f"{where}: id {item!r} is not in sample.tsv")
            continue
        if source.name != ner.ADJUDICATED and expected not in sample[item].split(","):
            errors.append(f"{where}: {item} is not an item of {expected} (sample: {sample[item]})")
            continue
        if item in seen:
            errors.append(f"{where}: {item} annotated twice in this file (the first line is kept)")
            continue
        seen.add(item)
        annotator = "adjudicated" if source.name == ner.ADJUDICATED else expected
        out.append({"id": item, "annotator": annotator,
                    "entities": [{"s": m.s, "text": m.text, "type": m.type} for m in mentions]})
    return out


def _fmt(row: dict[str, float]) -> str:
    return f"{row['f1']:.3f} | {int(row['tp'])} | {int(row['gold'])} | {int(row['pred'])}"


def agreement_md(gold_dir: Path, data: Path) -> str:
    rows, gold = ner.load_gold(gold_dir)
    files = {a: ner.read_annotations(gold_dir / f"annotations-{a}.jsonl") for a in ner.ANNOTATORS
             if (gold_dir / f"annotations-{a}.jsonl").exists()}
    doubled = [r["id"] for r in rows if "," in r["annotators"]]
    both = [i for i in doubled if all(i in files.get(a, {}) for a in ner.ANNOTATORS)]
    adjudicated = [i for i in doubled if i in gold]
    got = ner.agreement(files.get("n1", {}), files.get("n2", {}), both)
    lines = ["# OrangeSum entities: inter-annotator agreement", "",
             "Written by `tools/orangesum_ner_labels.py`; guide: docs/annotation-entities.md. F1 of n2's",
             "mentions against n1's on the items both annotated (a match: same sentence, type and text).", "",
             f"Doubly annotated items: {len(doubled)} in the sample, {len(both)} annotated by both, "
             f"{len(adjudicated)} adjudicated.", "",
             "| type | F1 | both | n1 | n2 |", "|---|---|---|---|---|"]
    lines += [f"| {t} | {_fmt(got[t])} |" for t in (*ner.TYPES, "micro")]
    split_of = {r["id"]: r["split"] for r in rows}
    lines += ["", f"Gold items: {len(gold)} of {len(rows)} "
              f"(dev {sum(split_of[i] == 'dev' for i in gold)}, test {sum(split_of[i] == 'test' for i in gold)})."]
    try:
        articles = read_articles(gold, data)
    except MissingData as exc:
        lines += ["", f"(mentions not located: {exc})"]
        return "\n".join(lines) + "\n"
    missing = {"dev": 0, "test": 0}
    total = {"dev": 0, "test": 0}
    for item, mentions in gold.items():
        art = articles.get(item)
        if art is None:
            continue
        title = art.title or ""
        heading = art.text[len(title) + 2:] if art.text != title else ""
        located = ner.locate(art.text, ner.sentence_spans(title, heading), mentions)
        split = split_of[item]
        total[split] += len(located)
        missing[split] += sum(x.span is None for x in located)
    lines += ["", "Gold mentions not found in their sentence (counted as missed by every system): "
              + ", ".join(f"{s} {missing[s]} of {total[s]}" for s in ("dev", "test")) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--from", dest="source", default=str(DEFAULT_FROM), help="the annotators' directory")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="orangesum.jsonl.gz")
    a = p.parse_args(argv)
    sample = {r["id"]: r["annotators"] for r in ner.read_sample(OUT)}
    errors: list[str] = []
    for name in FILES:
        source = Path(a.source) / name
        if not source.exists():
            print(f"(no {source})", file=sys.stderr)
            continue
        rows = convert(source, sample, errors)
        with open(OUT / name, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} items", file=sys.stderr)
    (OUT / "agreement.md").write_text(agreement_md(OUT, Path(a.data)), encoding="utf-8")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
