#!/usr/bin/env python3
"""Check, convert, compare and merge the OrangeSum event annotations (docs/annotation-events.md).

    python3 tools/orangesum_labels.py convert      # check work/*.jsonl, write annotations-<annotator>.jsonl
    python3 tools/orangesum_labels.py kappa        # agreement on the double-annotated ids -> agreement.md
    python3 tools/orangesum_labels.py adjudicate   # the disagreements -> disagreements.jsonl
    python3 tools/orangesum_labels.py merge        # the final gold -> eval/gold/orangesum_events.jsonl

Annotators write ``eval/gold/orangesum/work/<annotator>-b<N>.jsonl`` (or ``...-b<N>-double.jsonl``
for the items they annotate second); the adjudicator writes ``work/adjudicated.jsonl``, and the
re-check after the adjudication decisions writes ``work/revised.jsonl`` (any sampled id). A later
round of adjudication may use its own file, ``work/adjudicated-<name>.jsonl`` (e.g.
``adjudicated-r2.jsonl``): each adjudicated file converts to the text-free file of the same name,
and ``merge`` reads them all (an id adjudicated in two files is an error). These
working files hold verbatim actor phrases and stay out of git (``work/.gitignore``). ``convert``
turns them into ids, labels and character spans only, so the committed files carry no OrangeSum
text (CC BY-SA 4.0). Spans are half-open offsets into title + "\\n\\n" + lead, the way silkwire
builds ``Article.text``. Every error names file:line:field and what was expected; the tool
exits with status 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from orangesum_show import (
    DEFAULT_DATA,
    GOLD_DIR,
    REPO,
    article_text,
    load_items,
    read_tsv,
    sentence_spans,
)

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
EVENTS = (*PLOVER_TYPES, "none")
STATUSES = ("done", "planned", "none")
ACTOR_ID = re.compile(r"^[A-Z]{2}$|^(org|per):[a-z0-9-]+$")
COUNTRY_ID = re.compile(r"^[A-Z]{2}$")
TOPICS_TSV = REPO / "src" / "silkwire" / "nlp" / "data" / "iptc_topics_fr.tsv"
WORK_NAME = re.compile(r"^(?P<annotator>[a-z0-9_]+)-b(?P<batch>[1-9][0-9]?)(?P<double>-double)?\.jsonl$")
ADJ_NAME = re.compile(r"^adjudicated(?:-[a-z0-9_]+)?\.jsonl$")
REV_NAME = re.compile(r"^revised\.jsonl$")
KEYS = {"id", "event", "status", "source", "target", "topic", "topics", "evidence"}
OPTIONAL = {"note"}
MAX_TOPICS = 3
MAX_NOTE = 300
# annotation rounds by first batch (docs/annotation-events.md): the agreement is also given per round
ROUNDS = {1: range(1, 7), 2: range(7, 10), 3: range(10, 14), 4: range(14, 19), 5: range(19, 24), 6: range(24, 29),
          7: range(29, 33), 8: range(33, 37)}


def load_topic_codes(path: Path = TOPICS_TSV) -> frozenset[str]:
    codes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            codes.append(line.split("\t", 1)[0])
    return frozenset(codes)


def id_key(item_id: str) -> tuple[int, str]:
    stem = item_id.split(".", 1)[0]
    return (int(stem), item_id) if stem.isdigit() else (1 << 62, item_id)


def locate(text: str, phrase: str, within: tuple[int, int] | None) -> tuple[int, int] | None:
    """[start, end) of ``phrase`` in ``text``: its first occurrence inside ``within`` if any,
    else its first occurrence anywhere; None when it does not occur verbatim."""
    if not phrase:
        return None
    if within is not None:
        i = text.find(phrase, within[0])
        if i != -1 and i + len(phrase) <= within[1]:
            return (i, i + len(phrase))
    i = text.find(phrase)
    return None if i == -1 else (i, i + len(phrase))


class Checker:
    """Validates working records and converts them to text-free records."""

    def __init__(self, items: dict[str, dict], topics: frozenset[str]):
        self.items = items
        self.topics = topics
        self.errors: list[str] = []

    def err(self, where: str, field: str, msg: str) -> None:
        self.errors.append(f"{where}:{field}: {msg}")

    def record(self, rec: object, where: str, allowed: set[str] | None) -> dict | None:
        """Check one parsed line; return the converted record, or None if it has errors."""
        n0 = len(self.errors)
        if not isinstance(rec, dict):
            self.err(where, "-", "expected a JSON object")
            return None
        for k in sorted(KEYS - rec.keys()):
            self.err(where, k, "missing")
        for k in sorted(rec.keys() - KEYS - OPTIONAL):
            self.err(where, k, f"unknown field (expected {', '.join(sorted(KEYS | OPTIONAL))})")
        item_id = rec.get("id")
        item = self.items.get(item_id) if isinstance(item_id, str) else None
        if "id" in rec:
            if not isinstance(item_id, str) or item is None:
                self.err(where, "id", f"{item_id!r} is not an id of the sample")
            elif allowed is not None and item_id not in allowed:
                self.err(where, "id", f"{item_id!r} is not in this file's batch (see sample.tsv/double.tsv)")
        event, status = rec.get("event"), rec.get("status")
        if "event" in rec and event not in EVENTS:
            self.err(where, "event", f"{event!r}: expected one of the 16 PLOVER types or \"none\"")
        if "status" in rec and status not in STATUSES:
            self.err(where, "status", f"{status!r}: expected done, planned or none")
        elif event in EVENTS and status in STATUSES and (event == "none") != (status == "none"):
            self.err(where, "status", f"{status!r} with event {event!r}: status is none exactly when event is none")
        topic = rec.get("topic")
        if "topic" in rec and topic not in self.topics:
            self.err(where, "topic", f"{topic!r}: expected a top-level code medtop:01000000..medtop:17000000")
        topics = rec.get("topics")
        if "topics" in rec:
            if not isinstance(topics, list) or len(topics) > MAX_TOPICS:
                self.err(where, "topics", f"expected a list of 0 to {MAX_TOPICS} codes")
                topics = []
            else:
                for j, t in enumerate(topics):
                    if t not in self.topics:
                        self.err(where, f"topics[{j}]", f"{t!r}: expected a top-level IPTC code")
                    elif t == topic:
                        self.err(where, f"topics[{j}]", "repeats the primary topic")
                if len(set(map(str, topics))) != len(topics):
                    self.err(where, "topics", "duplicate codes")
        text = article_text(item["title"], item["heading"]) if item else ""
        sents = sentence_spans(item["title"], item["heading"]) if item else []
        evidence = rec.get("evidence")
        ev_span = None
        if "evidence" in rec:
            if evidence is None:
                if event in PLOVER_TYPES:
                    self.err(where, "evidence", "null, but the event is not none: give the sentence number")
            elif isinstance(evidence, bool) or not isinstance(evidence, int):
                self.err(where, "evidence", f"{evidence!r}: expected a sentence number (0 = title) or null")
            elif event == "none":
                self.err(where, "evidence", "must be null when event is none")
            elif item is not None and not 0 <= evidence < len(sents):
                self.err(where, "evidence", f"{evidence}: this item has sentences S0..S{len(sents) - 1}")
            elif item is not None:
                ev_span = sents[evidence]
        out: dict = {}
        for side in ("source", "target"):
            actors = rec.get(side)
            ids, spans = [], []
            if side not in rec:
                pass
            elif not isinstance(actors, list):
                self.err(where, side, "expected a list of {\"text\", \"id\"} objects")
            else:
                if event == "none" and actors:
                    self.err(where, side, "must be [] when event is none")
                for j, a in enumerate(actors):
                    f = f"{side}[{j}]"
                    if not isinstance(a, dict) or set(a) != {"text", "id"}:
                        self.err(where, f, "expected an object with exactly the keys \"text\" and \"id\"")
                        continue
                    if not isinstance(a["id"], str) or not ACTOR_ID.match(a["id"]):
                        self.err(where, f"{f}.id", f"{a['id']!r}: expected XX (ISO 3166-1 alpha-2), "
                                 "org:<slug> or per:<slug> (slug: a-z, 0-9, -)")
                    elif a["id"] in ids:
                        self.err(where, f"{f}.id", f"{a['id']!r} listed twice")
                    if not isinstance(a["text"], str) or not a["text"].strip():
                        self.err(where, f"{f}.text", "expected the actor phrase, copied verbatim")
                        continue
                    span = locate(text, a["text"], ev_span) if item else None
                    if item and span is None:
                        self.err(where, f"{f}.text", "not found verbatim in the title + lead "
                                 "(copy it exactly, same accents, apostrophes and case)")
                    ids.append(a["id"])
                    spans.append(list(span) if span else None)
            out[side], out[f"{side}_spans"] = ids, spans
        note = rec.get("note")
        if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
            self.err(where, "note", f"expected a short string (at most {MAX_NOTE} characters)")
        if len(self.errors) > n0:
            return None
        return {"id": item_id, "event": event, "status": status, "source": out["source"],
                "target": out["target"], "source_spans": out["source_spans"],
                "target_spans": out["target_spans"], "topic": topic, "topics": topics,
                "evidence": list(ev_span) if ev_span else None, "evidence_sentence": evidence}


def read_jsonl(path: Path) -> Iterable[tuple[int, object | None, str | None]]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line), None
            except json.JSONDecodeError as e:
                yield n, None, f"invalid JSON ({e.msg} at column {e.colno})"


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")


def convert(gold_dir: Path, data: Path, files: list[Path] | None = None) -> tuple[list[str], list[Path]]:
    """Check the working files; write one text-free file per annotator whose files are clean."""
    sample = {r["id"]: r for r in read_tsv(gold_dir / "sample.tsv")}
    double = {r["id"]: int(r["second_batch"]) for r in read_tsv(gold_dir / "double.tsv")}
    work = gold_dir / "work"
    files = sorted(files if files is not None else work.glob("*.jsonl"))
    items = load_items(sample, data)
    checker = Checker(items, load_topic_codes())
    per_annotator: dict[str, list[dict]] = {}
    bad: set[str] = set()
    adjudicated_in: dict[str, str] = {}  # id -> the adjudicated work file that holds it
    for path in files:
        m, adj, rev = WORK_NAME.match(path.name), ADJ_NAME.match(path.name), REV_NAME.match(path.name)
        if not m and not adj and not rev:
            checker.err(str(path), "-", "file name: expected <annotator>-b<N>.jsonl, <annotator>-b<N>-double.jsonl, "
                        "adjudicated.jsonl, adjudicated-<name>.jsonl or revised.jsonl (annotator, name: a-z, 0-9, _)")
            continue
        if rev:
            annotator, batch, allowed = "revised", 0, set(sample)
        elif adj:
            annotator, batch, allowed = "adjudicated", 0, set(double)
        else:
            annotator, batch = m["annotator"], int(m["batch"])
            allowed = {i for i, r in sample.items() if int(r["batch"]) == batch}
            allowed |= {i for i, b in double.items() if b == batch}
        # each adjudicated file has its own output (adjudicated-r2.jsonl -> adjudicated-r2.jsonl)
        key = path.stem if adj else annotator
        n_before = len(checker.errors)
        seen = {(r["id"], r.get("batch")) for r in per_annotator.get(key, [])}
        for n, rec, jerr in read_jsonl(path):
            where = f"{path}:{n}"
            if jerr:
                checker.err(where, "-", jerr)
                continue
            out = checker.record(rec, where, allowed)
            if out is None:
                continue
            first_batch = int(sample[out["id"]]["batch"])
            role = annotator if rev or adj else ("first" if first_batch == batch else "second")
            if (out["id"], batch) in seen:
                checker.err(where, "id", f"{out['id']!r} annotated twice by {annotator} for batch {batch}")
                continue
            if adj and adjudicated_in.setdefault(out["id"], path.name) != path.name:
                checker.err(where, "id", f"{out['id']!r} is adjudicated in {adjudicated_in[out['id']]} too")
                continue
            seen.add((out["id"], batch))
            per_annotator.setdefault(key, []).append({"id": out["id"], "annotator": annotator,
                                                      "role": role, "batch": batch, **out})
        if len(checker.errors) > n_before:
            bad.add(key)
    written = []
    for annotator, recs in sorted(per_annotator.items()):
        if annotator in bad:
            continue
        recs.sort(key=lambda r: (id_key(r["id"]), r["role"]))
        special = annotator == "revised" or ADJ_NAME.match(f"{annotator}.jsonl") is not None
        out_path = gold_dir / (f"{annotator}.jsonl" if special else f"annotations-{annotator}.jsonl")
        write_jsonl(out_path, recs)
        written.append(out_path)
    return checker.errors, written


def load_annotations(gold_dir: Path) -> list[dict]:
    recs = []
    for path in sorted(gold_dir.glob("annotations-*.jsonl")):
        recs.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return recs


def joined(ids: Iterable[str], pattern: re.Pattern[str] | None = None) -> str:
    chosen = sorted({i for i in ids if pattern is None or pattern.match(i)})
    return "+".join(chosen) if chosen else "-"


FIELDS = {
    "event": lambda r: r["event"],
    "status": lambda r: r["status"],
    "topic": lambda r: r["topic"],
    "source countries": lambda r: joined(r["source"], COUNTRY_ID),
    "target countries": lambda r: joined(r["target"], COUNTRY_ID),
    "source ids": lambda r: joined(r["source"]),
    "target ids": lambda r: joined(r["target"]),
    "evidence sentence": lambda r: str(r["evidence_sentence"]),
}


def cohen_kappa(a: list[str], b: list[str]) -> tuple[float, float | None]:
    """(raw agreement, Cohen's kappa) of two aligned label lists; kappa is None when undefined."""
    n = len(a)
    if n == 0:
        return 0.0, None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if pe == 1.0:
        return po, None
    return po, (po - pe) / (1 - pe)


def pairs(gold_dir: Path) -> tuple[list[tuple[dict, dict]], list[str]]:
    """(first, second) annotation pairs of the double-annotated ids, and warnings."""
    double = {r["id"] for r in read_tsv(gold_dir / "double.tsv")}
    first: dict[str, dict] = {}
    second: dict[str, dict] = {}
    for r in load_annotations(gold_dir):
        if r["id"] in double:
            (first if r["role"] == "first" else second)[r["id"]] = r
    out, warnings = [], []
    for i in sorted(double & first.keys() & second.keys(), key=id_key):
        if first[i]["annotator"] == second[i]["annotator"]:
            warnings.append(f"{i}: both annotations are by {first[i]['annotator']}: not used")
            continue
        out.append((first[i], second[i]))
    return out, warnings


def kappa_table(ps: list[tuple[dict, dict]]) -> str:
    lines = ["| field | items | raw agreement | Cohen's kappa |", "|---|---:|---:|---:|"]
    for name, get in FIELDS.items():
        po, k = cohen_kappa([get(x) for x, _ in ps], [get(y) for _, y in ps])
        lines.append(f"| {name} | {len(ps)} | {po:.3f} | {'n/a' if k is None else f'{k:.3f}'} |")
    return "\n".join(lines)


def round_of(batch: int) -> int | None:
    return next((n for n, batches in ROUNDS.items() if batch in batches), None)


def pair_names(ps: list[tuple[dict, dict]]) -> str:
    annotators = Counter(tuple(sorted((x["annotator"], y["annotator"]))) for x, y in ps)
    return ", ".join(f"{a}/{b} ({n})" for (a, b), n in sorted(annotators.items())) or "none"


def kappa(gold_dir: Path) -> str:
    ps, warnings = pairs(gold_dir)
    md = ["# OrangeSum events: inter-annotator agreement", "",
          "Generated by `python3 tools/orangesum_labels.py kappa` from the double-annotated ids "
          "(`double.tsv`) present in two annotators' `annotations-*.jsonl`. Each field is compared as "
          "one categorical label per item; actor sets are compared as the sorted, joined set of ids "
          "(`-` when empty); \"countries\" keeps only the ISO codes. See docs/annotation-events.md, "
          "§ Agreement.", "", kappa_table(ps), "",
          "Annotator pairs: " + pair_names(ps), ""]
    md += ["## Per round", "",
           "The same table for the double-annotated ids of each annotation round, by the batch of the "
           "first annotation.", ""]
    for n, batches in ROUNDS.items():
        rp = [(x, y) for x, y in ps if round_of(int(x["batch"])) == n]
        md += [f"### Round {n} (batches {batches[0]}–{batches[-1]})", ""]
        if rp:
            md += [kappa_table(rp), "", "Annotator pairs: " + pair_names(rp), ""]
        else:
            md += ["No double-annotated pair yet.", ""]
    if warnings:
        md += ["Warnings:", "", *[f"- {w}" for w in warnings], ""]
    text = "\n".join(md)
    (gold_dir / "agreement.md").write_text(text, encoding="utf-8")
    return text


LABELS = ("event", "status", "source", "target", "topic", "topics", "evidence_sentence")


def adjudicate(gold_dir: Path) -> list[dict]:
    ps, _ = pairs(gold_dir)
    out = []
    for x, y in ps:
        diff = [k for k in LABELS if (sorted(x[k]) if isinstance(x[k], list) else x[k])
                != (sorted(y[k]) if isinstance(y[k], list) else y[k])]
        if diff:
            out.append({"id": x["id"], "fields": diff,
                        "first": {"annotator": x["annotator"], **{k: x[k] for k in LABELS}},
                        "second": {"annotator": y["annotator"], **{k: y[k] for k in LABELS}}})
    write_jsonl(gold_dir / "disagreements.jsonl", out)
    return out


GOLD_FIELDS = ("event", "status", "source", "target", "source_spans", "target_spans", "topic", "topics", "evidence")


def load_by_id(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in (json.loads(line) for line in lines if line.strip())}


def merge(gold_dir: Path, out_path: Path, allow_missing: bool = False) -> tuple[int, list[str]]:
    sample = read_tsv(gold_dir / "sample.tsv")
    double = {r["id"] for r in read_tsv(gold_dir / "double.tsv")}
    first = {r["id"]: r for r in load_annotations(gold_dir) if r["role"] == "first"}
    rev = load_by_id(gold_dir / "revised.jsonl")
    adj: dict[str, dict] = {}
    clashes = []
    for path in sorted(p for p in gold_dir.glob("adjudicated*.jsonl") if ADJ_NAME.match(p.name)):
        for i, r in load_by_id(path).items():
            if i in adj:
                clashes.append(f"{i} is in {adj[i]['_file']} and {path.name}")
            adj[i] = {**r, "_file": path.name}
    rows, missing = [], []
    for s in sorted(sample, key=lambda s: id_key(s["id"])):
        i = s["id"]
        # precedence: the re-check after the adjudication decisions > adjudication > first annotator
        rec = rev.get(i) or (adj.get(i) if i in double else None) or first.get(i)
        if rec is None:
            missing.append(i)
            continue
        rows.append({"id": i, "split": s["split"], **{k: rec[k] for k in GOLD_FIELDS}})
    errors = [] if allow_missing or not missing else [
        f"{len(missing)} sampled ids have no first annotation (e.g. {', '.join(missing[:5])}); "
        "use --allow-missing to write a partial gold"]
    errors += [f"adjudicated twice: {c}" for c in clashes]
    if not errors:
        write_jsonl(out_path, rows)
    return len(rows), errors


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gold-dir", default=str(GOLD_DIR), help="eval/gold/orangesum")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="orangesum.jsonl.gz")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert", help="check work/*.jsonl and write annotations-<annotator>.jsonl")
    c.add_argument("files", nargs="*", help="working files (default: all of work/*.jsonl)")
    sub.add_parser("kappa", help="Cohen's kappa per field on the double-annotated ids")
    sub.add_parser("adjudicate", help="list the disagreements to disagreements.jsonl")
    m = sub.add_parser("merge", help="write the final gold file")
    m.add_argument("--out", default=str(REPO / "eval" / "gold" / "orangesum_events.jsonl"))
    m.add_argument("--allow-missing", action="store_true")
    a = p.parse_args(argv)
    gold = Path(a.gold_dir)
    if a.cmd == "convert":
        errors, written = convert(gold, Path(a.data), [Path(f) for f in a.files] or None)
        for e in errors:
            print(e, file=sys.stderr)
        for w in written:
            print(f"wrote {w}")
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1 if errors else 0
    if a.cmd == "kappa":
        print(kappa(gold))
        return 0
    if a.cmd == "adjudicate":
        out = adjudicate(gold)
        print(f"{len(out)} disagreement(s) -> {gold / 'disagreements.jsonl'}")
        return 0
    n, errors = merge(gold, Path(a.out), a.allow_missing)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(f"wrote {n} records to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
