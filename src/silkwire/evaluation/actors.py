"""Scoring who did what to whom: event actors and ordered dyads against gold with direction.

Two gold formats carry direction:

- the demo and seed gold (``ANNOTATION.md`` §11): ``dyads``, ordered (source, target) country
  pairs of the main event, one alphabetical pair when it goes both ways;
- the OrangeSum event corpus (``eval/gold/orangesum_events.jsonl``, docs/annotation-events.md):
  ``source``/``target`` id lists — ISO codes, ``per:``/``org:`` slugs and five generic ids.

Measures (micro-averaged: tp, fp, fn summed over the articles first):

- ``dyads_ordered``: the main event's (source, target) country pairs as written; a pair that
  goes both ways is one alphabetical pair on both sides, so it is scored once whatever the order.
- ``dyads_unordered``: the same pairs with the direction dropped ({KZ, RU} = {RU, KZ}).
- OrangeSum only, on the items whose gold has an event: ``source_countries`` and
  ``target_countries``, accuracy of the exact country set of each side (a missed event predicts
  empty sets); ``actors``, precision/recall/F1 of the (side, id) pairs of named actors
  (countries, named people and organisations; the generic ids such as ``per:anonyme`` are left
  out of both sides, silkwire does not produce them). A predicted person or organisation
  matches a gold id when the gold slug is its id, or the slug of its name, of an alias or of
  its text at one of its spans ("Macron" alone is ``per:macron`` in the gold).
- ``dyads_when_found``: ordered dyads on the items where both the gold and silkwire have a main
  event, whatever its type: the actors' share of the error, apart from finding the event.
- ``dyads_named_office``: ordered dyads as ``dyads_ordered``, except that a predicted country a
  side holds only through a person or organisation the gold names on that side without its
  country is left out of the prediction. The guide (docs/annotation-events.md §7.1) gives a
  named person their country only when the title or lead states their office; silkwire gives
  it from the knowledge base ("Macron dénonce ..." is per:emmanuel-macron for the gold, FR and
  per:emmanuel-macron for silkwire). Such a country is neither a hit nor a false pair here;
  ``dyads_ordered`` stays the strict figure.
- OrangeSum gold dyads: the countries of ``source`` x those of ``target``; with no target
  country, two source countries are one pair both ways (``AGREE`` between two states, a meeting
  with no host), three or more are multilateral (no pair), as in the demo gold.

Pure Python on plain dicts, like :mod:`silkwire.evaluation.facts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from silkwire.evaluation.facts import Counts, gold_key
from silkwire.textnorm import fold

GENERIC_IDS = frozenset({"per:anonyme", "org:civils", "org:manifestants", "org:groupe-arme", "org:entreprise"})
_COUNTRY = re.compile(r"[A-Z]{2}")

Pair = tuple[str, str]


def is_country(actor: str) -> bool:
    return bool(_COUNTRY.fullmatch(actor))


def slug(name: str) -> str:
    """The guide's slug (§7.2): lower case, no accents, every run of other characters a hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def event_pairs(source: Sequence[str], target: Sequence[str]) -> set[Pair]:
    """Country pairs of a record's event (as ``nlp.events.dyads``): one alphabetical pair when
    the two sides are the same two countries, else source x target."""
    src = list(dict.fromkeys(a for a in source if is_country(a)))
    tgt = list(dict.fromkeys(a for a in target if is_country(a)))
    if set(src) == set(tgt):
        return {(min(src), max(src))} if len(src) == 2 else set()
    return {(s, t) for s in src for t in tgt if s != t}


def gold_pairs(source: Sequence[str], target: Sequence[str]) -> set[Pair]:
    """Country pairs of an OrangeSum gold row (module doc): with no target country, two source
    countries act together (one pair both ways)."""
    if not any(is_country(a) for a in target):
        target = source
    return event_pairs(source, target)


def _unordered(found: set[Pair]) -> set[frozenset[str]]:
    return {frozenset(p) for p in found}


def _main(record: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    events = (record or {}).get("events") or []
    return events[0] if events else None


def _entity_slugs(record: Mapping[str, Any]) -> dict[str, set[str]]:
    """Entity id -> every gold-style id it may stand for (module doc)."""
    text = str(record.get("text") or "")
    out: dict[str, set[str]] = {}
    for e in record.get("entities") or []:
        prefix = "per:" if e.get("type") == "PER" else "org:"
        names = [str(e.get("name") or ""), *(e.get("aliases") or [])]
        names += [text[s:t] for s, t in e.get("spans") or [] if text]
        out[str(e["id"])] = {str(e["id"])} | {prefix + slug(n) for n in names if slug(n)}
    return out


def predicted_actors(record: Mapping[str, Any] | None, side: str) -> list[set[str]]:
    """The actors of the main event on one side, each as the set of ids it may stand for."""
    main = _main(record)
    if main is None or record is None:
        return []
    forms = _entity_slugs(record)
    found = [{c} for c in main.get(side) or []]
    found += [forms.get(str(i), {str(i)}) for i in main.get(f"{side}_entities") or []]
    return found


def _office_only(record: Mapping[str, Any] | None, side: str, gold: Sequence[str]) -> set[str]:
    """The predicted countries of one side held only through an actor entity the gold names on
    that side without its country (module doc, ``dyads_named_office``)."""
    main = _main(record)
    if main is None or record is None:
        return set()
    forms = _entity_slugs(record)
    country = {str(e["id"]): e.get("country") for e in record.get("entities") or []}
    named = set(gold)
    out = set()
    for entity in main.get(f"{side}_entities") or []:
        code = country.get(str(entity))
        if code and code not in named and forms.get(str(entity), {str(entity)}) & named:
            out.add(code)
    return out


def _match(gold: set[str], predicted: list[set[str]]) -> tuple[int, int, int]:
    left = set(gold)
    tp = fp = 0
    for forms in predicted:
        hit = next((g for g in sorted(left) if g in forms), None)
        if hit is not None:
            left.discard(hit)
            tp += 1
        elif not forms & gold:  # a second form of an actor already matched is not an error
            fp += 1
    return tp, fp, len(left)


def _accuracy(right: int, total: int) -> dict[str, float]:
    return {"accuracy": right / total if total else 1.0, "right": right, "total": total}


def score_dyads(predicted: Mapping[str, Mapping[str, Any]],
                gold: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Ordered and unordered dyads of the demo/seed gold's ``dyads`` field (module doc)."""
    ordered, unordered = Counts(), Counts()
    for row in gold:
        if "dyads" not in row:
            continue
        want = {(str(a), str(b)) for a, b in row["dyads"] or []}
        main = _main(predicted.get(gold_key(row)))
        got = event_pairs(main.get("source") or (), main.get("target") or ()) if main else set()
        ordered.add(len(want & got), len(got - want), len(want - got))
        w, g = _unordered(want), _unordered(got)
        unordered.add(len(w & g), len(g - w), len(w - g))
    return {"dyads_ordered": ordered.as_dict(), "dyads_unordered": unordered.as_dict()}


def score_event_actors(predicted: Mapping[str, Mapping[str, Any]],
                       gold: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """OrangeSum-style gold rows (``id``, ``event``, ``source``, ``target``): every measure of
    the module doc."""
    ordered, unordered, actors, found, office = Counts(), Counts(), Counts(), Counts(), Counts()
    sides = {"source": [0, 0], "target": [0, 0]}
    for row in gold:
        record = predicted.get(str(row["id"]))
        main = _main(record)
        want = gold_pairs(row["source"], row["target"]) if row["event"] != "none" else set()
        got = event_pairs(main.get("source") or (), main.get("target") or ()) if main else set()
        ordered.add(len(want & got), len(got - want), len(want - got))
        w, g = _unordered(want), _unordered(got)
        unordered.add(len(w & g), len(g - w), len(w - g))
        lenient = got
        if main is not None and row["event"] != "none":
            drop = {side: _office_only(record, side, row[side]) for side in ("source", "target")}
            lenient = event_pairs([a for a in main.get("source") or () if a not in drop["source"]],
                                  [a for a in main.get("target") or () if a not in drop["target"]])
        office.add(len(want & lenient), len(lenient - want), len(want - lenient))
        if row["event"] == "none":
            continue
        if main is not None:
            found.add(len(want & got), len(got - want), len(want - got))
        for side, count in sides.items():
            gold_countries = {a for a in row[side] if is_country(a)}
            got_countries = {a for a in (main or {}).get(side) or () if is_country(a)}
            count[0] += gold_countries == got_countries
            count[1] += 1
            named = {a for a in row[side] if a not in GENERIC_IDS}
            actors.add(*_match(named, predicted_actors(record, side)))
    return {"dyads_ordered": ordered.as_dict(), "dyads_unordered": unordered.as_dict(),
            "source_countries": _accuracy(*sides["source"]), "target_countries": _accuracy(*sides["target"]),
            "actors": actors.as_dict(), "dyads_when_found": found.as_dict(), "dyads_named_office": office.as_dict()}
