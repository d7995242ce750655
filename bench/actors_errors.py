"""Where the ordered dyads of the OrangeSum event corpus are lost: train and dev items only.

    python bench/actors_errors.py [--split train|dev|both] [--list a,b,c] [--limit N] [--ids FILE]

Every train/dev item whose gold and predicted main-event country pairs differ is put in one class
and listed with its gold and predicted sides:

- ``a``: the event layer — the main event missed, typed ``none``, typed otherwise, or found where
  the gold has none (the event model's work);
- ``b``: the event found with the gold's type, but a side's countries missing (no pair, or
  fewer than the gold's);
- ``c``: the event found with the gold's type and actors on both sides, but the direction or the
  party set wrong (context countries, places, the speaker vs the subject);
- ``d``: the guide's conventions, where silkwire reads what the gold reads but writes it
  otherwise: right once a country held only through a person or organisation the gold names
  without its country is left out (the guide gives a named person a country only when the text
  states the office, §7.1; ``dyads_named_office``), or a predicted country that the gold writes
  as people named by a demonym ("un Français enlevé", "des patients français": per:anonyme,
  org:civils), with no other difference.

The oracle columns decide each item's main event as the gold's type (bench/actors_oracle.py), so
``a`` items show what the actor layer would do with the right event. Never a test item: the
frozen test split is scored in aggregate only (bench/actors.py).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from actors_oracle import orangesum_articles, read_gold, records_with_oracle
from silkwire.evaluation.actors import GENERIC_IDS, event_pairs, gold_pairs, is_country, score_event_actors
from silkwire.nlp.gazetteer import find_countries


def _main(record: dict[str, Any]) -> dict[str, Any] | None:
    events = record.get("events") or []
    return events[0] if events else None


def _pairs(main: dict[str, Any] | None) -> set[tuple[str, str]]:
    return event_pairs(main["source"], main["target"]) if main else set()


def _demonym_people(row: dict[str, Any], text: str) -> dict[str, set[str]]:
    """Per side, the countries of demonyms in the gold's generic people ids ("un Français": per:anonyme)."""
    out: dict[str, set[str]] = {"source": set(), "target": set()}
    for side in out:
        for actor, (s, e) in zip(row[side], row[f"{side}_spans"], strict=False):
            if actor in GENERIC_IDS:
                out[side] |= {c.code for c in find_countries(text[s:e], places=False) if "demonym" in c.how}
    return out


def _convention(row: dict[str, Any], record: dict[str, Any], main: dict[str, Any]) -> bool:
    """Right but for the guide's conventions (module doc, class d)."""
    office = score_event_actors({row["id"]: record}, [row])["dyads_named_office"]
    if office["fp"] == 0 and office["fn"] == 0:
        return True
    people = _demonym_people(row, record["text"])
    sides = [[a for a in main[side] if a not in people[side]] for side in ("source", "target")]
    return bool(people["source"] | people["target"]) and event_pairs(*sides) == gold_pairs(row["source"],
                                                                                          row["target"])


def classify(row: dict[str, Any], main: dict[str, Any] | None, record: dict[str, Any] | None = None) -> str | None:
    """The class of an item's error (module doc); None when its pairs are right."""
    want = gold_pairs(row["source"], row["target"]) if row["event"] != "none" else set()
    got = _pairs(main)
    if want == got:
        return None
    if (main["type"] if main else "none") != row["event"]:
        return "a"
    if record is not None and main is not None and _convention(row, record, main):
        return "d"
    gold_sides = [{a for a in row[s] if is_country(a)} for s in ("source", "target")]
    got_sides = [{a for a in main[s] if is_country(a)} for s in ("source", "target")] if main else [set(), set()]
    if not got or any(g - p and not p - g for g, p in zip(gold_sides, got_sides, strict=True)):
        return "b"
    return "c"


def _side(text: str, ids: list[str], spans: list[list[int]]) -> str:
    return ", ".join(f"{i}«{text[s:e]}»" for i, (s, e) in zip(ids, spans, strict=False))


def _got(main: dict[str, Any] | None) -> str:
    if not main:
        return "none"
    return (f"{main['type']} {list(main['source'])}{list(main['source_entities'])} -> "
            f"{list(main['target'])}{list(main['target_entities'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["train", "dev", "both"], default="both")
    parser.add_argument("--list", default="", help="classes to list item by item, e.g. b,c")
    parser.add_argument("--limit", type=int, default=0, help="list at most N items per class")
    parser.add_argument("--ids", help="a file of item ids: score those alone (a quick loop)")
    args = parser.parse_args()
    splits = {"train", "dev"} if args.split == "both" else {args.split}
    only = set(Path(args.ids).read_text(encoding="utf-8").split()) if args.ids else None
    gold = [r for r in read_gold() if r["split"] in splits and (only is None or r["id"] in only)]  # never "test"
    assert all(r["split"] not in ("test", "test2") for r in gold)
    articles = orangesum_articles(gold)
    records, oracle = records_with_oracle(articles, {r["id"]: r["event"] for r in gold})
    for name, index in (("end to end", records), ("oracle event type", oracle)):
        s = score_event_actors(index, gold)
        d = s["dyads_ordered"]
        print(f"{name}: {len(gold)} items; ordered dyads P {d['precision']:.3f} R {d['recall']:.3f} "
              f"F1 {d['f1']:.3f} (tp {d['tp']} fp {d['fp']} fn {d['fn']}); source countries "
              f"{s['source_countries']['accuracy']:.3f} target {s['target_countries']['accuracy']:.3f}; "
              f"actors F1 {s['actors']['f1']:.3f}; named-office dyads F1 {s['dyads_named_office']['f1']:.3f}")
    fn: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    wanted = set(filter(None, args.list.split(",")))
    for row in gold:
        main, omain = _main(records[row["id"]]), _main(oracle[row["id"]])
        kind = classify(row, main, records[row["id"]])
        if kind is None:
            continue
        want = gold_pairs(row["source"], row["target"]) if row["event"] != "none" else set()
        got = _pairs(main)
        fn[kind] += len(want - got)
        fp[kind] += len(got - want)
        if kind in wanted and (not args.limit or shown[kind] < args.limit):
            shown[kind] += 1
            text = records[row["id"]]["text"]
            oracle_ok = "ok" if _pairs(omain) == want else "wrong"
            print(f"\n[{kind}] {row['id']} ({row['split']}) gold {row['event']} "
                  f"{_side(text, row['source'], row['source_spans'])} -> "
                  f"{_side(text, row['target'], row['target_spans'])}")
            print(f"    got    {_got(main)}\n    oracle {_got(omain)} ({oracle_ok})")
            print("    " + text[:400].replace("\n\n", " || ").replace("\n", " "))
    print("\nclass: dyads missed (fn) / dyads wrongly found (fp)")
    for kind in "abcd":
        print(f"  {kind}: fn {fn[kind]} fp {fp[kind]}")


if __name__ == "__main__":
    main()
