"""Scoring article records against gold annotations (src/silkwire/demo/ANNOTATION.md).

Pure Python on plain dicts: no spaCy, no knowledge base, so a test or a benchmark can score any
system's output (silkwire's records, a peer's) the same way.

Matching rules, per field, per article (then micro-averaged: tp, fp and fn are summed over the
articles before precision and recall are computed):

- ``countries``: ISO codes as sets.
- ``persons`` (predicted entities of type PER) and ``organisations`` (type ORG): each gold name
  is matched to at most one predicted entity and each entity to at most one gold name. First
  pass, exact: the gold name equals, after folding (case, accents, apostrophes, hyphens and
  spaces), the entity's canonical name, one of its ``aliases``, or one of the texts at its
  ``spans`` (when the record carries its ``text``). Second pass, persons only, by surname: the
  two names end with the same word and either one of them is that word alone ("Poutine" for
  "Vladimir Poutine") or their given names are spelled alike (similarity >= 0.6, so that
  "Shavkat" matches "Chavkat" but "Akylbek Japarov" never matches "Sadyr Japarov"), or the
  given names are equal and the surnames spelled alike (>= 0.85: "Khatchanov"/"Khachanov"); a
  one-word predicted name also matches when it is any word of the gold name ("Xi" for
  "Xi Jinping", whose family name comes first).
- ``places``: a predicted place matches a gold place when the countries are equal and the gold
  name equals (folded) its name or the text at one of its spans.
- Entity types LOC and MISC (regions, blocs, events) are not scored: the gold has no such field.

An article of the gold that has no predicted record counts as predicting nothing.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from silkwire.textnorm import fold

FIELDS = ("countries", "persons", "organisations", "places")

_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2013\u2014'\u2019\u02bc.]+")


def comparable_name(name: str) -> str:
    """Compare names the way a reader would: ``textnorm.fold`` (no case, no accents) and every
    separator (space, hyphen, apostrophe, dot) alike, so "Kassym-Jomart" matches "Kassym Jomart"."""
    return _SEPARATORS.sub(" ", fold(name)).strip()


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


# -- reading gold -------------------------------------------------------------------------------


def read_gold(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Every row of the given gold JSONL files, in order (blank lines skipped)."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                row = json.loads(line)
                if not isinstance(row, dict) or not isinstance(row.get("key"), dict):
                    raise ValueError(f"{path}:{number}: a gold row needs a 'key' object")
                rows.append(row)
    return rows


def gold_key(row: Mapping[str, Any]) -> str:
    """The lookup key of a gold row: its article id, else its exact title."""
    key = row["key"]
    if "id" in key:
        return str(key["id"])
    return str(key["title"])


def index_records(records: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Records by id and by title, the two ways a gold row names its article."""
    out: dict[str, Mapping[str, Any]] = {}
    for record in records:
        out[str(record["id"])] = record
        title = record.get("title")
        if title:
            out.setdefault(str(title), record)
    return out


# -- matching -----------------------------------------------------------------------------------


def _surfaces(item: Mapping[str, Any], text: str | None) -> set[str]:
    names = {comparable_name(str(item.get("name", "")))}
    names.update(comparable_name(str(a)) for a in item.get("aliases", ()) or ())
    if text is not None:
        for span in item.get("spans", ()) or ():
            names.add(comparable_name(text[span[0]:span[1]]))
    names.discard("")
    return names


def _same_person(gold: str, names: set[str]) -> bool:
    """The surname rule of the module doc (second pass)."""
    g = gold.split()
    for name in names:
        p = name.split()
        if not p or not g:
            continue
        if len(p) == 1 and p[0] in g:
            return True
        if p[-1] == g[-1] and len(g) == 1:
            return True
        given = difflib.SequenceMatcher(None, " ".join(g[:-1]), " ".join(p[:-1])).ratio()
        surname = difflib.SequenceMatcher(None, g[-1], p[-1]).ratio()
        if (p[-1] == g[-1] and given >= 0.6) or (given == 1.0 and surname >= 0.85):
            return True
    return False


def _match(gold: Sequence[str], predicted: Sequence[set[str]],
           fuzzy: Callable[[str, set[str]], bool] | None) -> tuple[int, int, int]:
    """(tp, fp, fn) of a one-to-one matching: exact pass first, then the fuzzy one."""
    free = list(range(len(predicted)))
    unmatched: list[str] = []
    tp = 0
    for name in gold:
        hit = next((i for i in free if name in predicted[i]), None)
        if hit is None:
            unmatched.append(name)
        else:
            free.remove(hit)
            tp += 1
    if fuzzy is not None:
        still: list[str] = []
        for name in unmatched:
            hit = next((i for i in free if fuzzy(name, predicted[i])), None)
            if hit is None:
                still.append(name)
            else:
                free.remove(hit)
                tp += 1
        unmatched = still
    return tp, len(free), len(unmatched)


def _entities(record: Mapping[str, Any], kind: str) -> list[set[str]]:
    text = record.get("text")
    return [_surfaces(e, text) for e in record.get("entities", ()) or () if e.get("type") == kind]


def _places(record: Mapping[str, Any]) -> list[set[str]]:
    text = record.get("text")
    return [{f"{n}|{p.get('country') or ''}" for n in _surfaces(p, text)}
            for p in record.get("places", ()) or ()]


def score_article(record: Mapping[str, Any] | None, row: Mapping[str, Any]) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per field for one article."""
    rec: Mapping[str, Any] = record or {}
    gold_countries = set(row.get("countries", ()))
    pred_countries = {str(c["code"]) for c in rec.get("countries", ()) or ()}
    out = {"countries": (len(gold_countries & pred_countries), len(pred_countries - gold_countries),
                         len(gold_countries - pred_countries))}
    out["persons"] = _match([comparable_name(n) for n in dict.fromkeys(row.get("persons", ()))],
                            _entities(rec, "PER"), _same_person)
    out["organisations"] = _match([comparable_name(n) for n in dict.fromkeys(row.get("organisations", ()))],
                                  _entities(rec, "ORG"), None)
    gold_places = [f"{comparable_name(p['name'])}|{p.get('country') or ''}" for p in row.get("places", ())]
    out["places"] = _match(list(dict.fromkeys(gold_places)), _places(rec), None)
    return out


def score(predicted: Mapping[str, Mapping[str, Any]],
          gold: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Micro-averaged precision, recall, F1 (and tp, fp, fn) per field.

    ``predicted`` maps an article id or exact title to its record (see :func:`index_records`);
    each gold row is looked up by :func:`gold_key`.
    """
    totals = {name: Counts() for name in FIELDS}
    for row in gold:
        per_field = score_article(predicted.get(gold_key(row)), row)
        for name, (tp, fp, fn) in per_field.items():
            totals[name].add(tp, fp, fn)
    return {name: counts.as_dict() for name, counts in totals.items()}


def geonames_accuracy(predicted: Mapping[str, Mapping[str, Any]], gold: Iterable[Mapping[str, Any]],
                      expected_ids: Mapping[tuple[str, str], int]) -> dict[str, float]:
    """Of the gold places whose GeoNames id is known (``expected_ids``: (folded name, country)
    -> id, e.g. from a reviewed gazetteer), the share predicted with that very id."""
    checked = right = 0
    for row in gold:
        record = predicted.get(gold_key(row)) or {}
        text = record.get("text")
        for place in row.get("places", ()):
            key = (comparable_name(place["name"]), place.get("country") or "")
            want = expected_ids.get(key)
            if want is None:
                continue
            checked += 1
            for p in record.get("places", ()) or ():
                if key[0] in _surfaces(p, text) and p.get("geonameid") == want:
                    right += 1
                    break
    return {"checked": checked, "right": right, "accuracy": right / checked if checked else 1.0}
