"""Roles: "le président du Kazakhstan", "le ministre ouzbek des Affaires étrangères".

A role phrase followed by the country it belongs to (a demonym right after the title, or
"de/du/de la/de l'" + the country's name) is resolved with ``kb.holder`` to the person who
held that office on the article's publication date. The answer is an inference (the text
does not name the person), so it is reported as such and never added to the named entities:
the annotation guide counts only named persons. Without a publication date nothing is
inferred — guessing the date would guess the person.

When the text names the holder beside the role — in apposition ("le président de
l'Ouzbékistan, Shavkat Mirziyoyev,"), right after it ("le président turkmène Serdar
Berdimoukhamedov") or before it ("Shavkat Mirziyoyev, le président ouzbek") — the role is
that person's, with or without a publication date, and it is not an inference. "Le président
Tokaïev", with no country, is the office the knowledge base gives that person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from silkwire.model import CountryRef, Entity, Span
from silkwire.nlp.kb import KnowledgeBase
from silkwire.textnorm import normalize_text

# Title (lower case, as a regex) -> role code of knowledge/README.md. Portfolios may come
# before or after the demonym ("le ministre ouzbek des Affaires étrangères").
_TITLES: tuple[tuple[str, str], ...] = (
    (r"vice-président(?:e)?", "vice_president"),
    (r"président(?:e)?", "president"),
    (r"premier ministre|première ministre|chef du gouvernement|chancelier|chancelière", "head_of_government"),
    (r"chef de la diplomatie|secrétaire d'état", "foreign_minister"),
    (r"guide suprême", "supreme_leader"),
    (r"ministre", "minister"),
)
_PORTFOLIOS = (
    (r"des affaires étrangères", "foreign_minister"),
    (r"de la défense", "defence_minister"),
    (r"de l'intérieur", "interior_minister"),
)
_TITLE_RE = re.compile(r"\b(?:le|la|du|au|l')\s*(" + "|".join(t for t, _ in _TITLES) + r")\b", re.IGNORECASE)
_PORTFOLIO_RE = re.compile(r"^\s*(" + "|".join(p for p, _ in _PORTFOLIOS) + r")", re.IGNORECASE)
_OF = re.compile(r"^\s*(?:de la|de l'|du|des|de|d')?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RoleRef:
    span: Span  # the title and its country, in the original text
    role: str
    of: str
    person: str | None  # person id, when the knowledge base knows the holder on that date
    name: str | None
    inferred: bool = True


def _role_of(title: str) -> str:
    low = title.lower()
    return next(code for pattern, code in _TITLES if re.fullmatch(pattern, low))


_APPOSED_AFTER = re.compile(r"^\s*,?\s*$")
_APPOSED_BEFORE = re.compile(r"^\s*,\s*(?:le|la|l')?\s*$", re.IGNORECASE)


def _named_holder(norm: str, span: Span, people: Sequence[Entity]) -> Entity | None:
    """The person the text names beside the role phrase (module doc), if any."""
    for e in people:
        for s, t in e.spans:
            if s >= span[1] and _APPOSED_AFTER.match(norm[span[1]:s]):
                return e
            if t <= span[0] and _APPOSED_BEFORE.match(norm[t:span[0]]):
                return e
    return None


def find_roles(text: str, countries: Sequence[CountryRef], published: str | None,
               kb: KnowledgeBase, entities: Sequence[Entity] = ()) -> list[RoleRef]:
    """Role phrases tied to a country, with the holder the text names or the one on
    ``published`` (module doc)."""
    norm = normalize_text(text)
    if len(norm) != len(text):  # offsets would drift; roles are an extra, skip such rare texts
        return []
    mentions = sorted((s, e, ref.code) for ref in countries for s, e in ref.spans)
    people = [e for e in entities if e.type == "PER"]
    out: list[RoleRef] = []
    for m in _TITLE_RE.finditer(norm):
        role = _role_of(m.group(1))
        pos = m.end()
        port = _PORTFOLIO_RE.match(norm, pos)
        if port:
            role = next(c for p, c in _PORTFOLIOS if re.fullmatch(p, port.group(1).lower()))
            pos = port.end()
        nxt = next(((s, e, c) for s, e, c in mentions if s >= pos), None)
        if nxt is None or not _OF.match(norm[pos:nxt[0]]):
            named = _named_holder(norm, (m.start(1), pos), people)  # "le président Tokaïev"
            office = _office(kb, named.id, role, published) if named else None
            if named is not None and office is not None:
                out.append(RoleRef((m.start(1), pos), role, office, named.id, named.name, inferred=False))
            continue
        end = nxt[1]
        after = _PORTFOLIO_RE.match(norm, end)
        if after and role == "minister":
            role = next(c for p, c in _PORTFOLIOS if re.fullmatch(p, after.group(1).lower()))
            end = after.end()
        if role == "minister":
            continue  # a minister of what? not resolvable
        named = _named_holder(norm, (m.start(1), end), people)
        if named is not None:
            out.append(RoleRef((m.start(1), end), role, nxt[2], named.id, named.name, inferred=False))
            continue
        holder = kb.holder(role, nxt[2], published) if published else None
        out.append(RoleRef((m.start(1), end), role, nxt[2], holder.id if holder else None,
                           holder.name if holder else None))
    return out


def _office(kb: KnowledgeBase, person: str, role: str, published: str | None) -> str | None:
    """What a known person is ``role`` of (a country or an organisation), at the date if any."""
    record = kb.people.get(person)
    found = [r for r in (record.roles if record else ()) if r.role == role]
    if published:
        dated = [r for r in found if r.covers(dt.date.fromisoformat(published[:10]))]
        found = dated or found
    return found[-1].of if found else None
