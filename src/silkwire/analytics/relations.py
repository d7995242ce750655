"""Country relations from events: dyads aggregated by partner, month and PLOVER type.

Plain functions over :class:`EventFact` (an event with its article and evidence text), so the
same aggregation serves the CLI, the API and exports. A dyad is a (source, target) pair of
countries of one event; a symmetric event between two parties (a meeting, a joint exercise)
is one pair that goes both ways; a multilateral event (three or more parties) has no dyad and
stays out of relations (it is in the timeline).

Cooperative vs conflictual follows PLOVER's quad classes (``plover_quad.tsv``), with one
exception: a MOBILIZE that goes both ways (the two parties' joint exercise) is cooperation
between them, not conflict.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

QUADS = ("verbal cooperation", "material cooperation", "verbal conflict", "material conflict")


@functools.lru_cache(maxsize=1)
def quad_of() -> dict[str, str]:
    """PLOVER type -> quad class (the data file; a bad row raises ValueError with its line)."""
    text = (resources.files("silkwire.analytics") / "plover_quad.tsv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2 or cols[1] not in QUADS:
            raise ValueError(f"plover_quad.tsv:{number}: expected 'TYPE<TAB>quad class' with one of {QUADS}")
        out[cols[0]] = cols[1]
    return out


def is_cooperative(event_type: str) -> bool | None:
    quad = quad_of().get(event_type)
    return None if quad is None else quad.endswith("cooperation")


def cooperative(event_type: str, both_ways: bool = False) -> bool | None:
    """Is an event cooperation (True) or conflict (False)? None for a type the file lacks.

    Its type's quad class, except a MOBILIZE that goes both ways (two parties mobilising
    together, a joint exercise): military cooperation between them, not conflict."""
    if both_ways and event_type == "MOBILIZE":
        return True
    return is_cooperative(event_type)


@dataclass(frozen=True, slots=True)
class EventFact:
    """One stored event, with what a reader needs to check it."""

    article: str  # article id
    n: int  # position in the article (0 = main event)
    type: str
    source: tuple[str, ...]
    target: tuple[str, ...]
    date: str | None
    status: str | None
    place: str | None
    title: str | None
    published: str | None
    evidence: tuple[int, int]
    evidence_text: str
    amounts: tuple[tuple[float, str | None], ...] = ()  # (value, ISO 4217) of money in the evidence
    published_estimated: bool = False  # ``published`` is silkwire's estimate (the article gives no date)

    @property
    def when(self) -> str | None:
        """The event's date, else the article's publication date (what orders a timeline); an
        open-ended publication estimate ("2025-03-01/..", a bound only) dates nothing."""
        if self.date:
            return self.date
        if self.published_estimated and self.published and ".." in self.published:
            return None
        return self.published


def dyads(source: Sequence[str], target: Sequence[str]) -> list[tuple[str, str]]:
    """(source, target) pairs; one alphabetical pair when the event goes both ways."""
    if set(source) == set(target):
        both = sorted(set(source))
        return [(both[0], both[1])] if len(both) == 2 else []
    return [(s, t) for s in dict.fromkeys(source) for t in dict.fromkeys(target) if s != t]


def partners(fact: EventFact, country: str) -> list[tuple[str, str]]:
    """(partner, direction) of ``country`` in this event: out (it acted), in (it was acted on),
    both (a symmetric event)."""
    out: list[tuple[str, str]] = []
    symmetric = set(fact.source) == set(fact.target)
    for s, t in dyads(fact.source, fact.target):
        if country == s:
            out.append((t, "both" if symmetric else "out"))
        elif country == t:
            out.append((s, "both" if symmetric else "in"))
    return out


@dataclass
class Relation:
    country: str
    partner: str
    events: int = 0
    cooperative: int = 0
    conflictual: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    by_month: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    directions: Counter[str] = field(default_factory=Counter)
    planned: int = 0
    amounts: dict[str, float] = field(default_factory=dict)  # ISO 4217 -> sum
    evidence: list[EventFact] = field(default_factory=list)

    @property
    def last(self) -> EventFact | None:
        dated = [e for e in self.evidence if e.when]
        return max(dated, key=lambda e: (e.when or "", e.article)) if dated else None

    def as_dict(self, evidence: bool = True) -> dict[str, Any]:
        last = self.last
        out: dict[str, Any] = {
            "country": self.country, "partner": self.partner, "events": self.events,
            "cooperative": self.cooperative, "conflictual": self.conflictual,
            "by_type": dict(self.by_type.most_common()), "directions": dict(self.directions),
            "by_month": {m: dict(c) for m, c in sorted(self.by_month.items())},
            "planned": self.planned, "amounts": self.amounts,
            "last": fact_dict(last) if last else None,
        }
        if evidence:
            out["evidence"] = [fact_dict(e) for e in self.evidence]
        return out


def fact_dict(e: EventFact) -> dict[str, Any]:
    return {"article": e.article, "n": e.n, "type": e.type, "source": list(e.source), "target": list(e.target),
            "date": e.date, "status": e.status, "place": e.place, "title": e.title, "published": e.published,
            "published_estimated": e.published_estimated,
            "evidence": list(e.evidence), "evidence_text": e.evidence_text,
            "amounts": [{"value": v, "unit": u} for v, u in e.amounts]}


def month_of(value: str | None) -> str:
    """YYYY-MM of an ISO value's start ("2025-08-21/2025-08-22" -> 2025-08); "undated" otherwise."""
    if not value or len(value) < 7 or value[4] != "-" or not value[5:7].isdigit():
        return value[:4] if value and value[:4].isdigit() else "undated"
    return value[:7]


def aggregate(facts: Iterable[EventFact], country: str, partner: str | None = None) -> list[Relation]:
    """The relations of ``country`` (with ``partner`` only, when given), busiest first."""
    found: dict[str, Relation] = {}
    for fact in facts:
        for other, direction in partners(fact, country):
            if partner is not None and other != partner:
                continue
            rel = found.setdefault(other, Relation(country, other))
            rel.events += 1
            coop = cooperative(fact.type, direction == "both")
            rel.cooperative += coop is True
            rel.conflictual += coop is False
            rel.by_type[fact.type] += 1
            rel.by_month[month_of(fact.when)][fact.type] += 1
            rel.directions[direction] += 1
            rel.planned += fact.status == "planned"
            for value, unit in fact.amounts:
                if unit:
                    rel.amounts[unit] = rel.amounts.get(unit, 0.0) + value
            rel.evidence.append(fact)
    return sorted(found.values(), key=lambda r: (-r.events, r.partner))
