"""French wording for the pages: event types (data/plover_labels_fr.tsv), their tone (the
analysis's), dates (publication dates estimated by silkwire marked as such), fact rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from silkwire.service import relations as analysis
from silkwire.web.highlight import amount_label

LABELS_FILE = Path(__file__).parent / "data" / "plover_labels_fr.tsv"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
STATUS = {"done": "réalisé", "planned": "prévu"}
ENTITY_TYPES = {"PER": "personne", "ORG": "organisation", "LOC": "lieu", "MISC": "autre"}
ESTIMATED = "(date estimée)"


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
    """``2025-07-30`` -> ``30 juillet 2025``; ``2025-07`` -> ``juillet 2025``; other ISO forms as they are."""
    if not value:
        return "date inconnue"
    parts = value.split("-")
    try:
        if len(parts) == 3 and len(value) == 10:
            return f"{_day(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2 and parts[1].isdigit():
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value


def _day(dd: str) -> str:
    return "1er" if int(dd) == 1 else str(int(dd))


def published_label(value: str | None, estimated: bool = False) -> str:
    """A publication date in French; silkwire's estimate (``published_estimated``) said to be one:
    ``2025-05-03/2025-05-05`` -> ``vers le 3–5 mai 2025 (date estimée)``, ``2025-04-28/2025-05-05``
    -> ``entre le 28 avril et le 5 mai 2025 (date estimée)``, ``2025-05-03/..`` -> ``le 3 mai 2025
    ou après (date estimée)``, ``../2025-05-03`` -> ``le 3 mai 2025 ou avant (date estimée)``."""
    if not estimated or not value:
        return day_label(value)
    start, _, end = value.partition("/")
    if not end:
        return f"vers le {day_label(start)} {ESTIMATED}"
    if start == "..":
        return f"le {day_label(end)} ou avant {ESTIMATED}"
    if end == "..":
        return f"le {day_label(start)} ou après {ESTIMATED}"
    if len(start) == len(end) == 10 and start[:7] == end[:7]:
        return f"vers le {_day(start[8:])}–{day_label(end)} {ESTIMATED}"
    if len(start) == len(end) == 10 and start[:4] == end[:4]:
        first = day_label(start).rsplit(" ", 1)[0]  # the year once, at the end
        return f"entre le {first} et le {day_label(end)} {ESTIMATED}"
    return f"entre le {day_label(start)} et le {day_label(end)} {ESTIMATED}"


def fact_rows(record: dict[str, Any], country_name: Callable[[str], str]) -> list[dict[str, Any]]:
    """The article's facts as table rows: kind, value, the span it stands on (its evidence)."""
    rows: list[dict[str, Any]] = []
    for c in record.get("countries") or ():
        how = ", ".join(c.get("how") or ())
        rows += [{"kind": "country", "value": f"{country_name(c['code'])} ({c['code']})", "detail": how,
                  "span": s} for s in c["spans"][:1]]
    for e in record.get("entities") or ():
        detail = ENTITY_TYPES.get(e["type"], e["type"])
        if e.get("country"):
            detail += f", {country_name(e['country'])}"
        kind = {"PER": "per", "ORG": "org"}.get(e["type"], "ent")
        rows += [{"kind": kind, "value": e["name"], "detail": detail, "span": s, "link": f"/entites/{e['id']}"}
                 for s in e["spans"][:1]]
    for p in record.get("places") or ():
        detail = f"GeoNames {p['geonameid']}" if p.get("geonameid") else ""
        if p.get("lat") is not None:
            detail += f" ({p['lat']:.2f}, {p['lon']:.2f})"
        rows += [{"kind": "place", "value": p["name"], "detail": detail.strip(), "span": s} for s in p["spans"][:1]]
    for d in record.get("dates") or ():
        rows.append({"kind": "date", "value": d["value"] or "non résolue", "detail": f"{d['kind']}, {d['grain']}",
                     "span": d["span"]})
    for a in record.get("amounts") or ():
        rows.append({"kind": "amount", "value": amount_label(a), "detail": a["kind"], "span": a["span"]})
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
