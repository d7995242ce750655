"""French wording for the pages: event types (data/plover_labels_fr.tsv), their tone (the
analysis's), dates (publication dates estimated by silkwire marked as such), fact rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal

from silkwire.dates import french_date, french_range, parse_day
from silkwire.errors import QueryError
from silkwire.service import relations as analysis
from silkwire.web.highlight import amount_label

LABELS_FILE = Path(__file__).parent / "data" / "plover_labels_fr.tsv"
WORDS_FILE = Path(__file__).parent / "data" / "labels_fr.tsv"
ESTIMATED = "(date estimée)"


@lru_cache(maxsize=1)
def _words() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    lines = [line.rstrip("\n").split("\t") for line in WORDS_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    if lines[0] != ["group", "code", "label"]:
        raise ValueError(f"{WORDS_FILE}:2: expected the header group/code/label, got {lines[0]}")
    for group, code, label in lines[1:]:
        out.setdefault(group, {})[code] = label
    return out


def word(group: str, code: str | None) -> str:
    """The French word for a code of the records (how, entity, date_kind, grain, amount, status)."""
    return _words().get(group, {}).get(code or "", code or "")


_FORM_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def form_date(value: str | None, name: str) -> str | None:
    """A date typed in a page's form, ``30/07/2025`` (JJ/MM/AAAA) or ISO -> ``2025-07-30``;
    anything else is a ``QueryError`` in French (the page says it, answers 400)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    m = _FORM_DAY.fullmatch(text)
    if m:
        text = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    try:
        return parse_day(text, name)
    except QueryError:
        raise QueryError(f"{name} : date attendue au format JJ/MM/AAAA, reçu « {value} »") from None


def form_day(value: str | None) -> str:
    """An ISO day as the forms show it: ``2025-07-30`` -> ``30/07/2025``."""
    if not value or len(value) != 10:
        return value or ""
    return f"{value[8:10]}/{value[5:7]}/{value[:4]}"


def decimal(value: float, pattern: str = "0.00") -> str:
    """A number the French way (decimal comma): ``51.18`` -> ``51,18``."""
    return str(format_decimal(value, pattern, locale="fr"))


STATUS = _words()["status"]
ENTITY_TYPES = _words()["entity"]


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    rows: dict[str, str] = {}
    with LABELS_FILE.open(encoding="utf-8") as fh:
        lines = [line.rstrip("\n") for line in fh if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    if header != ["type", "label"]:
        raise ValueError(f"{LABELS_FILE}:1: expected the header type/label, got {header}")
    for n, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != 2 or not cells[1]:
            raise ValueError(f"{LABELS_FILE}: row {n}: expected type, label; got {cells}")
        rows[cells[0]] = cells[1]
    return rows


def event_labels() -> dict[str, str]:
    return dict(_table())


def event_label(type_: str) -> str:
    return _table().get(type_, type_.lower())


def event_tone(type_: str, source: Sequence[str] = (), target: Sequence[str] = ()) -> str | None:
    """cooperative | conflictual as the relations count it (``analysis.event_tone``: PLOVER quad
    classes; with the actors, a MOBILIZE both ways is cooperation); None for an unknown type."""
    return analysis.event_tone(type_, source, target)


def day_label(value: str | None) -> str:
    """A stored date value in French words (``silkwire.dates.french_date``)."""
    return french_date(value)


def published_label(value: str | None, estimated: bool = False,
                    span: tuple[str | None, str | None] = (None, None)) -> str:
    """A publication date in French; silkwire's estimate (``published_estimated``) said to be one:
    ``2025-05-03/2025-05-05`` -> ``vers le 3–5 mai 2025 (date estimée)``, ``2025-04-28/2025-05-05``
    -> ``entre le 28 avril et le 5 mai 2025 (date estimée)``, ``2025-05-03/..`` -> ``le 3 mai 2025
    ou après (date estimée)``, ``../2025-05-03`` -> ``le 3 mai 2025 ou avant (date estimée)``."""
    if not estimated or not value:
        return day_label(value)
    start, _, end = value.partition("/")
    first, last = span
    if (end == ".." and first and start <= first) or (start == ".." and last and end >= last):
        # "on or after 1 January 2023" in a corpus that starts in 2024 says nothing, and reads as
        # a date: an open estimate is shown only when it says more than the corpus's own span.
        return "date inconnue (non datée par la source)"
    if not end:
        return f"vers le {day_label(start)} {ESTIMATED}"
    if start == "..":
        return f"le {day_label(end)} ou avant {ESTIMATED}"
    if end == "..":
        return f"le {day_label(start)} ou après {ESTIMATED}"
    if len(start) == len(end) == 10 and start[:7] == end[:7]:  # a few days of one month
        return f"vers le {french_date(value)} {ESTIMATED}"
    return f"{french_range(start, end).replace('du ', 'entre le ', 1).replace(' au ', ' et le ', 1)} {ESTIMATED}"


def fact_rows(record: dict[str, Any], country_name: Callable[[str], str]) -> list[dict[str, Any]]:
    """The article's facts as table rows: kind, value, detail (in French), the span it stands on
    (its evidence), and whether an analyst corrected it."""
    rows: list[dict[str, Any]] = []
    for c in record.get("countries") or ():
        how = ", ".join(word("how", h) for h in c.get("how") or ())
        rows += [{"kind": "country", "value": country_name(c["code"]), "detail": how, "span": s,
                  "link": f"/pays/{c['code']}", "corrected": c.get("corrected")} for s in c["spans"][:1]]
    for e in record.get("entities") or ():
        detail = word("entity", e["type"])
        if e.get("country"):
            detail += f", {country_name(e['country'])}"
        kind = {"PER": "per", "ORG": "org"}.get(e["type"], "ent")
        rows += [{"kind": kind, "value": e["name"], "detail": detail, "span": s, "link": f"/entites/{e['id']}",
                  "corrected": e.get("corrected")} for s in e["spans"][:1]]
    for p in record.get("places") or ():
        detail = country_name(p["country"]) if p.get("country") else ""
        if p.get("lat") is not None:
            lat, lon = (format_decimal(p[k], "0.00", locale="fr") for k in ("lat", "lon"))
            detail += f" (lat. {lat} ; long. {lon})"
        rows += [{"kind": "place", "value": p["name"], "detail": detail.strip(), "span": s,
                  "corrected": p.get("corrected")} for s in p["spans"][:1]]
    for d in record.get("dates") or ():
        detail = ", ".join(x for x in (word("date_kind", d["kind"]), word("grain", d.get("grain"))) if x)
        rows.append({"kind": "date", "value": french_date(d["value"]) if d["value"] else "non résolue",
                     "detail": detail, "span": d["span"], "corrected": d.get("corrected")})
    for a in record.get("amounts") or ():
        rows.append({"kind": "amount", "value": amount_label(a), "detail": word("amount", a["kind"]),
                     "span": a["span"], "corrected": a.get("corrected")})
    return rows


def relation_shade(cooperative: int, conflictual: int, peak: int) -> str:
    """A matrix cell's colour: green when cooperation dominates, red for conflict, grey when even;
    darker with more events (log scale up to the busiest cell)."""
    import math

    total = cooperative + conflictual
    if total == 0:
        return "#f2f2f2"
    strength = 0.25 + 0.75 * math.log1p(total) / math.log1p(max(peak, 1))
    share = (cooperative - conflictual) / total  # -1 … 1
    hue = 130 if share > 0 else 5 if share < 0 else 220
    saturation = 20 + 55 * abs(share) if share else 10
    lightness = 92 - 32 * strength  # at least 60%: the dark figures keep a 4.5:1 contrast on red (WCAG AA)
    return f"hsl({hue} {saturation:.0f}% {lightness:.0f}%)"


def actors(source: Sequence[str], target: Sequence[str], name: Callable[[str], str]) -> str:
    """"Kazakhstan ↔ Chine" for an event that goes both ways (a meeting), else "A → B"."""
    if source and set(source) == set(target):
        return " ↔ ".join(name(c) for c in dict.fromkeys(source))
    return f"{', '.join(name(c) for c in source) or '?'} → {', '.join(name(c) for c in target) or '?'}"
