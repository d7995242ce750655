"""The OrangeSum event gold (docs/annotation-events.md): labels from the repository, text from
../shared.

The labels are ids + labels only (the text is CC BY-SA 4.0 and never enters the repository):
the merged gold ``eval/gold/orangesum_events.jsonl`` when it exists, else the union of the
annotators' files ``eval/gold/orangesum/annotations-*.jsonl`` (an id labelled twice keeps its
first annotation: the ``first`` role, then the first file in name order), each id with its split
from ``eval/gold/orangesum/sample.tsv``. The text (title + lead) is read from
``../shared/data/orangesum/orangesum.jsonl.gz`` and laid out as silkwire ingests it: title, a
blank line, the lead (tools/orangesum_show.py, whose sentence numbers the gold's evidence uses).

The test split is frozen: nobody reads its items while writing rules, features or lexicon
entries. Code that designs or trains asks for ``train``/``dev`` only; ``test`` is for scores.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from silkwire.model import Article

SPLITS = ("train", "dev", "test", "test2")  # test2: the second held-out set (tools/orangesum_extend.py, round 7)
GOLD_DIR = Path("eval") / "gold" / "orangesum"  # relative to the repository root
MERGED = Path("eval") / "gold" / "orangesum_events.jsonl"
DATA = Path("..") / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
SOURCE = "orangesum"


class MissingData(FileNotFoundError):
    """The gold labels or the shared OrangeSum text are not there (skip, with this message)."""


@dataclass(frozen=True, slots=True)
class GoldItem:
    id: str
    split: str
    event: str  # a PLOVER type or "none"
    topic: str  # medtop:NNNNNNNN
    topics: tuple[str, ...]  # the other topics
    evidence_sentence: int | None  # 0 = title, 1.. = lead sentences
    source: tuple[str, ...] = ()  # the main event's actors: ISO codes, per:/org: slugs (guide §7)
    target: tuple[str, ...] = ()


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_splits(gold_dir: Path) -> dict[str, str]:
    path = gold_dir / "sample.tsv"
    if not path.exists():
        raise MissingData(f"no OrangeSum sample at {path}")
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"]: row["split"] for row in csv.DictReader(handle, delimiter="\t")}


def _item(row: dict[str, object], split: str) -> GoldItem:
    evidence = row.get("evidence_sentence")
    topics = row.get("topics") or []
    assert isinstance(topics, list)
    source, target = row.get("source") or [], row.get("target") or []
    assert isinstance(source, list) and isinstance(target, list)
    return GoldItem(str(row["id"]), split, str(row["event"]), str(row["topic"]), tuple(str(t) for t in topics),
                    evidence if isinstance(evidence, int) else None, tuple(map(str, source)), tuple(map(str, target)))


def read_labels(root: Path = Path("."), splits: Collection[str] = SPLITS) -> list[GoldItem]:
    """The gold items of ``splits``, in sample order (module doc); MissingData when absent."""
    gold_dir = root / GOLD_DIR
    split_of = read_splits(gold_dir)
    rows: dict[str, dict[str, object]] = {}
    merged = root / MERGED
    if merged.exists():
        for row in _jsonl(merged):
            rows.setdefault(str(row["id"]), row)
    else:
        files = sorted(gold_dir.glob("annotations-*.jsonl"))
        if not files:
            raise MissingData(f"no OrangeSum labels in {gold_dir} (annotations-*.jsonl) nor {merged}")
        seconds: dict[str, dict[str, object]] = {}
        for path in files:
            for row in _jsonl(path):
                into = rows if row.get("role", "first") == "first" else seconds
                into.setdefault(str(row["id"]), row)
        for key, row in seconds.items():
            rows.setdefault(key, row)
    return [_item(rows[i], split) for i, split in split_of.items() if i in rows and split in splits]


def article_text(title: str, heading: str) -> str:
    """As tools/orangesum_show.py: title, a blank line, then the lead."""
    return f"{title}\n\n{heading}" if heading else title


def read_articles(ids: Iterable[str], data: Path = DATA) -> dict[str, Article]:
    """id -> Article (title + lead; the body is not read) for the wanted ids; MissingData when
    the shared file is absent."""
    if not data.exists():
        raise MissingData(f"the OrangeSum text is not at {data} (../shared/data is absent)")
    wanted = set(ids)
    out: dict[str, Article] = {}
    with gzip.open(data, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec["id"] not in wanted:
                continue
            title, heading = rec.get("title") or "", rec.get("heading") or ""
            out[rec["id"]] = Article(rec["id"], SOURCE, title or None, article_text(title, heading),
                                     rec.get("date") or None, ref=rec["id"])
    return out


def load(root: Path = Path("."), splits: Collection[str] = SPLITS,
         data: Path | None = None) -> list[tuple[GoldItem, Article]]:
    """(gold, article) pairs of ``splits``, in sample order."""
    items = read_labels(root, splits)
    articles = read_articles([g.id for g in items], data if data is not None else root / DATA)
    return [(g, articles[g.id]) for g in items if g.id in articles]


def read_unlabelled(root: Path = Path("."), data: Path | None = None) -> list[tuple[str, Article]]:
    """(OrangeSum rubric, article) for every item outside the annotated sample: not sampled, not
    in a duplicate group with a sampled item (the corpus authors' list_of_duplicates.txt), and
    with neither the title nor the lead of a sampled item. What the category model learns from
    (nlp/classifier.py), so that no test item reaches training even as a duplicate."""
    from silkwire.textnorm import fold

    path = data if data is not None else root / DATA
    if not path.exists():
        raise MissingData(f"the OrangeSum text is not at {path} (../shared/data is absent)")
    sample = set(read_splits(root / GOLD_DIR))
    near: set[str] = set()
    dups = path.parent / "list_of_duplicates.txt"
    if dups.exists():
        for line in dups.read_text(encoding="utf-8").splitlines():
            group = {g.strip() for g in line.split(",") if g.strip()}
            if group & sample:
                near |= group
    seen: set[str] = set()
    kept: list[tuple[str, dict[str, str]]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            rec = json.loads(line)
            title, heading = rec.get("title") or "", rec.get("heading") or ""
            if rec["id"] in sample:
                seen.update((fold(title).strip(), fold(heading).strip()))
            elif rec["id"] not in near and rec.get("category"):
                kept.append((str(rec["category"]), rec))
    return [(category, Article(rec["id"], SOURCE, rec.get("title") or None,
                               article_text(rec.get("title") or "", rec.get("heading") or ""), rec.get("date") or None,
                               ref=rec["id"]))
            for category, rec in kept
            if fold(rec.get("title") or "").strip() not in seen and fold(rec.get("heading") or "").strip() not in seen]
