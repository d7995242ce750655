"""People, places and organisations against the OrangeSum entity gold (docs/annotation-entities.md).

The gold is ids + labels only (the text is CC BY-SA 4.0 and never enters the repository): per
item, its mentions in reading order, each with its sentence number (0 = the title, 1.. = the
lead's sentences, split as tools/orangesum_show.py splits them), its exact text and its type
(PER, LOC, ORG). The gold of an item annotated twice is its adjudicated annotation, else its one
annotation (``gold_of``).

Mentions are located in the text silkwire ingests (title, a blank line, the lead) by sentence,
text and order (``locate``): the first occurrence in the sentence after the previous mention of
that sentence, else the first unused one in the sentence, else (apostrophes and case aside) the
same search on a folded copy; a mention found nowhere stays unlocated and counts as missed.

Scores (``score``), per type and micro over the three: a predicted mention matches a gold one of
the same type, each gold and each prediction used once; *relaxed* when their spans overlap,
*strict* when the spans are equal. Agreement between two annotators (``agreement``) is the F1 of
one's mentions against the other's, a match being the same sentence, type and text.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from silkwire.model import Enrichment, Span

TYPES = ("PER", "LOC", "ORG")
GOLD_DIR = Path("eval") / "gold" / "orangesum_ner"  # relative to the repository root
ANNOTATORS = ("n1", "n2")
ADJUDICATED = "adjudicated.jsonl"

# As tools/orangesum_show.py (SENTENCE_END): a sentence ends at . ! or ? before white space and
# a capital or an opening quote. Kept equal to it by a test: the gold's numbers depend on it.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ\"«“'])")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "\u00a0": " ", "\u202f": " "})


@dataclass(frozen=True, slots=True)
class Mention:
    """One annotated mention: sentence number, text as written, type."""

    s: int
    text: str
    type: str


@dataclass(frozen=True, slots=True)
class Located:
    """A gold or predicted mention in text coordinates (``span`` None: not found in the text)."""

    span: Span | None
    type: str


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def parse_mentions(raw: object) -> list[Mention]:
    """The ``entities`` list of one annotation line, checked (ValueError on a bad mention)."""
    if not isinstance(raw, list):
        raise ValueError(f"entities: expected a list, got {type(raw).__name__}")
    out = []
    for m in raw:
        if not isinstance(m, dict) or not isinstance(m.get("s"), int) or not isinstance(m.get("text"), str):
            raise ValueError(f"bad mention {m!r}: expected {{s: int, text: str, type: PER|LOC|ORG}}")
        kind = str(m.get("type", "")).upper()
        if kind not in TYPES:
            raise ValueError(f"bad mention type {m.get('type')!r} in {m!r}")
        out.append(Mention(m["s"], m["text"], kind))
    return out


def read_annotations(path: Path) -> dict[str, list[Mention]]:
    """id -> mentions of one annotation file (the first line of an id wins)."""
    out: dict[str, list[Mention]] = {}
    for row in _jsonl(path):
        out.setdefault(str(row["id"]), parse_mentions(row.get("entities", [])))
    return out


def read_sample(gold_dir: Path) -> list[dict[str, str]]:
    """The rows of ``sample.tsv``: id, stratum, split, annotators (n1, n2 or n1,n2)."""
    with open(gold_dir / "sample.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def gold_of(sample: Sequence[Mapping[str, str]], files: Mapping[str, Mapping[str, list[Mention]]],
            adjudicated: Mapping[str, list[Mention]]) -> dict[str, list[Mention]]:
    """id -> gold mentions: the adjudicated annotation of a doubly annotated item, else its single
    annotation. An item with no annotation yet (or doubled and not adjudicated) is left out."""
    out: dict[str, list[Mention]] = {}
    for row in sample:
        who = [a for a in row["annotators"].split(",") if a]
        if len(who) > 1:
            if row["id"] in adjudicated:
                out[row["id"]] = list(adjudicated[row["id"]])
        elif who and row["id"] in files.get(who[0], {}):
            out[row["id"]] = list(files[who[0]][row["id"]])
    return out


def load_gold(gold_dir: Path) -> tuple[list[dict[str, str]], dict[str, list[Mention]]]:
    """The sample rows and id -> gold mentions from the label files of ``gold_dir``
    (annotations-n1.jsonl, annotations-n2.jsonl, adjudicated.jsonl; absent ones count as empty)."""
    sample = read_sample(gold_dir)
    files = {a: read_annotations(gold_dir / f"annotations-{a}.jsonl") for a in ANNOTATORS
             if (gold_dir / f"annotations-{a}.jsonl").exists()}
    adjudicated = read_annotations(gold_dir / ADJUDICATED) if (gold_dir / ADJUDICATED).exists() else {}
    return sample, gold_of(sample, files, adjudicated)


# -- locating -----------------------------------------------------------------------------------


def split_sentences(text: str) -> list[Span]:
    spans: list[Span] = []
    start = 0
    bounds = [(m.start(), m.end()) for m in SENTENCE_END.finditer(text)]
    bounds.append((len(text), len(text)))
    for end, next_start in bounds:
        piece = text[start:end]
        if piece.strip():
            spans.append((start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))))
        start = next_start
    return spans


def sentence_spans(title: str, heading: str) -> list[Span]:
    """S0 (the title) and S1.. (the lead's sentences) in the text ``title + "\\n\\n" + heading``."""
    offset = len(title) + 2
    return [(0, len(title)), *((offset + s, offset + e) for s, e in split_sentences(heading))]


def _fold(text: str) -> str:
    return text.translate(_APOSTROPHES).lower()  # same length: offsets stay valid


def locate(text: str, sentences: Sequence[Span], mentions: Sequence[Mention]) -> list[Located]:
    """The gold mentions in text coordinates (module doc), in the order given."""
    out: list[Located] = []
    cursor: dict[int, int] = {}
    used: set[Span] = set()
    folded = _fold(text)
    for m in mentions:
        span: Span | None = None
        if 0 <= m.s < len(sentences) and m.text:
            lo, hi = sentences[m.s]
            for haystack, needle in ((text, m.text), (folded, _fold(m.text))):
                starts = [cursor.get(m.s, lo), lo]
                for begin in starts:
                    at = haystack.find(needle, begin, hi)
                    while at >= 0 and (at, at + len(needle)) in used:
                        at = haystack.find(needle, at + 1, hi)
                    if at >= 0:
                        span = (at, at + len(needle))
                        break
                if span is not None:
                    break
        if span is not None:
            used.add(span)
            cursor[m.s] = span[0] + 1
        out.append(Located(span, m.type))
    return out


# -- scoring ------------------------------------------------------------------------------------


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match_count(gold: Sequence[Located], predicted: Sequence[Located], strict: bool) -> dict[str, int]:
    """Type -> matched predictions (each gold and each prediction used once, predictions in text
    order, each taking the first unused gold of its type that it overlaps, or equals when strict)."""
    free = [g for g in gold if g.span is not None]
    taken = [False] * len(free)
    out: Counter[str] = Counter()
    for p in sorted(predicted, key=lambda x: (x.span or (0, 0), x.type)):
        if p.span is None:
            continue
        for n, g in enumerate(free):
            assert g.span is not None
            if taken[n] or g.type != p.type:
                continue
            if (g.span == p.span) if strict else _overlap(g.span, p.span):
                taken[n] = True
                out[p.type] += 1
                break
    return dict(out)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "tp": tp, "pred": n_pred, "gold": n_gold}


def score(items: Iterable[tuple[Sequence[Located], Sequence[Located]]]) -> dict[str, dict[str, dict[str, float]]]:
    """``{"relaxed"|"strict": {PER|LOC|ORG|micro: {precision, recall, f1, tp, pred, gold}}}`` over
    (gold, predicted) pairs, one pair per item. Types outside PER/LOC/ORG are ignored."""
    counts = {mode: Counter[str]() for mode in ("relaxed", "strict")}
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for gold, predicted in items:
        gold = [g for g in gold if g.type in TYPES]
        predicted = [p for p in dict.fromkeys(predicted) if p.type in TYPES and p.span is not None]
        n_gold.update(g.type for g in gold)
        n_pred.update(p.type for p in predicted)
        for mode in counts:
            counts[mode].update(match_count(gold, predicted, strict=mode == "strict"))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for mode, tp in counts.items():
        out[mode] = {t: prf(tp[t], n_pred[t], n_gold[t]) for t in TYPES}
        out[mode]["micro"] = prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return out


def agreement(first: Mapping[str, Sequence[Mention]], second: Mapping[str, Sequence[Mention]],
              ids: Iterable[str]) -> dict[str, dict[str, float]]:
    """Per type and micro: F1 of ``second`` against ``first`` on ``ids`` (same sentence, type and
    text; repeats count), with each side's count."""
    tp: Counter[str] = Counter()
    n_a: Counter[str] = Counter()
    n_b: Counter[str] = Counter()
    for item in ids:
        a = Counter((m.s, m.text, m.type) for m in first.get(item, ()))
        b = Counter((m.s, m.text, m.type) for m in second.get(item, ()))
        for key, n in (a & b).items():
            tp[key[2]] += n
        n_a.update(k[2] for k in a.elements())
        n_b.update(k[2] for k in b.elements())
    out = {t: prf(tp[t], n_b[t], n_a[t]) for t in TYPES}
    out["micro"] = prf(sum(tp.values()), sum(n_b.values()), sum(n_a.values()))
    return out


def enrichment_mentions(text: str, enrichment: Enrichment, place_names: Collection[str],
                        fold: Callable[[str], str], floor: float = 0.0) -> list[Located]:
    """silkwire's mentions as the guide types them: PER and ORG entities; LOC entities (places it
    could not locate), places, and the countries named by name or capital (``place_names``,
    compared folded: a demonym is no place). MISC is left out, so are entities below ``floor``
    confidence, and a country or place inside one of its own longer names ("France" in
    "Ouest-France"): the countries field says which countries the article involves, the entity
    is the mention."""
    found: list[Located] = []
    for x in enrichment.entities or ():
        found += [Located(s, x.type) for s in x.spans if x.type in TYPES and x.confidence >= floor]
    names = [s for x in enrichment.entities or () if x.type != "LOC" for s in x.spans]
    places = [s for p in enrichment.places or () for s in p.spans]
    places += [s for c in enrichment.countries or () for s in c.spans if fold(text[s[0]:s[1]]) in place_names]
    found += [Located(s, "LOC") for s in places if not any(a <= s[0] and s[1] <= b and (a, b) != s for a, b in names)]
    return list(dict.fromkeys(found))
