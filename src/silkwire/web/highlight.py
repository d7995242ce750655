"""An article's text cut into plain and marked pieces: one kind of fact per colour.

The pieces are plain strings with a kind; the template escapes them (Jinja2 autoescape), so
text holding ``<script>`` or HTML shows as text. Overlapping spans cannot nest in one run of
text, so the first claim on a character wins: marks are taken longest first, then by the kind
order below (an entity over the country its name contains, an amount over the date inside it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.dates import french_date

# kind -> French label, in the order of the legend (and of precedence on ties).
KINDS: dict[str, str] = {
    "per": "personne",
    "org": "organisation",
    "ent": "autre entité",
    "place": "lieu",
    "country": "pays",
    "amount": "montant",
    "date": "date",
    "trigger": "événement",
}
_ENTITY_KIND = {"PER": "per", "ORG": "org"}


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    kind: str  # a key of KINDS
    label: str  # what the mark stands for, e.g. "Kazakhstan (KZ)"
    link: str | None = None  # a page about it


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    mark: Mark | None = None


def marks_of(record: dict[str, Any], country_name: Any, event_label: Any) -> list[Mark]:
    """Every span of the record's facts as a mark (country_name: code -> name)."""
    out: list[Mark] = []
    for ent in record.get("entities") or ():
        kind = _ENTITY_KIND.get(ent["type"], "ent")
        out += [Mark(s, e, kind, ent["name"], f"/entites/{ent['id']}") for s, e in ent["spans"]]
    for place in record.get("places") or ():
        where = f" ({country_name(place['country'])})" if place.get("country") else ""
        out += [Mark(s, e, "place", place["name"] + where) for s, e in place["spans"]]
    for c in record.get("countries") or ():
        out += [Mark(s, e, "country", f"{country_name(c['code'])} ({c['code']})", f"/pays/{c['code']}")
                for s, e in c["spans"]]
    for a in record.get("amounts") or ():
        out.append(Mark(a["span"][0], a["span"][1], "amount", amount_label(a)))
    for d in record.get("dates") or ():
        out.append(Mark(d["span"][0], d["span"][1], "date", french_date(d["value"]) if d["value"]
                        else "date non résolue"))
    for ev in record.get("events") or ():
        out.append(Mark(ev["trigger"][0], ev["trigger"][1], "trigger", event_label(ev["type"])))
    return out


def amount_label(a: dict[str, Any]) -> str:
    value = a["value"]
    shown = f"{int(value):,}".replace(",", "\u202f") if float(value).is_integer() else f"{value:g}"
    return f"{shown} {a['unit'] or ''}".strip()


def pieces(text: str, marks: Sequence[Mark], start: int = 0, end: int | None = None) -> list[Piece]:
    """``text[start:end]`` as pieces, marks clipped to that stretch, overlaps resolved."""
    end = len(text) if end is None else end
    order = list(KINDS)
    chosen: list[Mark] = []
    taken: list[tuple[int, int]] = []
    for m in sorted(marks, key=lambda m: (-(m.end - m.start), order.index(m.kind), m.start)):
        s, e = max(m.start, start), min(m.end, end)
        if s >= e or any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        chosen.append(Mark(s, e, m.kind, m.label, m.link))
    chosen.sort(key=lambda m: m.start)
    out: list[Piece] = []
    at = start
    for m in chosen:
        if m.start > at:
            out.append(Piece(text[at:m.start]))
        out.append(Piece(text[m.start:m.end], m))
        at = m.end
    if at < end:
        out.append(Piece(text[at:end]))
    return out


def search_pieces(text: str, spans: Sequence[Sequence[int]]) -> list[Piece]:
    """A search snippet with its matches marked (kind "match")."""
    marks = [Mark(s, e, "trigger", "") for s, e in spans]
    return [Piece(p.text, Mark(p.mark.start, p.mark.end, "match", "")) if p.mark else p
            for p in pieces(text, marks)]


def context(text: str, span: Sequence[int], width: int = 70) -> tuple[str, str, str]:
    """(before, the span, after): the evidence of a fact, cut at word boundaries."""
    s, e = span[0], span[1]
    left = max(0, s - width)
    if left > 0:
        space = text.find(" ", left, s)
        left = space + 1 if space != -1 else left
    right = min(len(text), e + width)
    if right < len(text):
        space = text.rfind(" ", e, right)
        right = space if space != -1 else right
    before = ("…" if left > 0 else "") + text[left:s]
    after = text[e:right] + ("…" if right < len(text) else "")
    return before.replace("\n", " "), text[s:e], after.replace("\n", " ")
