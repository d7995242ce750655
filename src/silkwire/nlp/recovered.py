"""Names the NER misses or the junk filters drop, recovered from the article's own context.

- A public body named by a lower-case noun and its name ("la mairie de Paris", "le ministère de
  l'Intérieur", "le tribunal correctionnel de Nanterre": ``body_names``) is an
  organisation, the whole phrase: the NER rarely tags it, or only its place ("Paris").
- A one-word name that is the surname of a person the article names in full ("Johnny Depp" …
  "Depp", "Vanessa Paradis" … "Paradis") is that person, whatever type the NER gave it (a place,
  an event) and although it is a common word the junk filters dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from silkwire.model import Span
from silkwire.nlp import entities as ents

# A capitalised name, its words joined by particles ("l'Économie et des Finances"), a capital
# word followed by the few lower-case adjectives of ministries' names ("Affaires étrangères").
_CAP = r"[A-ZÀ-Ý][\w'’-]*(?:\s+(?:étrangères|sociales|armées|européennes|publics|publiques))?"
_NAME_TAIL = (rf"{_CAP}(?:\s+(?:et\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+)|de\s+la\s+|de\s+l['’]|du\s+|des\s+|"
              rf"de\s+|d['’])?{_CAP})*")


@functools.lru_cache(maxsize=1)
def _body_pattern() -> re.Pattern[str]:
    ctx = ents.org_context()
    heads = "|".join(sorted((re.escape(w).replace("'", "['’]") for w in ctx["body"]), key=len, reverse=True))
    quals = "|".join(sorted(map(re.escape, ctx["qualifier"]), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?i:{heads})(?:\s+(?:{quals}))?\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])"
                      rf"{_NAME_TAIL}")


def body_names(text: str) -> list[tuple[int, int]]:
    """Spans of public bodies named by a lower-case noun of ``org_context_fr.tsv`` (class body),
    its name after "de" ("la mairie de Paris", "le tribunal correctionnel de Nanterre")."""
    return [m.span() for m in _body_pattern().finditer(text)]


def with_bodies(text: str, found: list[ents.Candidate], entity_spans: Sequence[Span]) -> list[ents.Candidate]:
    """``found`` plus the public bodies (module doc) that no knowledge-base entity span and no
    candidate reaching outside them overlaps; the candidates inside such a name give way to it."""
    for start, end in body_names(text):
        if any(s < end and start < e for s, e in entity_spans):
            continue
        if any(c.start < end and start < c.end and not (start <= c.start and c.end <= end) for c in found):
            continue
        found = [c for c in found if not (start <= c.start and c.end <= end)]
        found.append(ents.Candidate(start, end, "ORG", text[start:end]))
    return sorted(found, key=lambda c: c.start)


def with_surnames(found: list[ents.Candidate], dropped: Sequence[ents.Candidate]) -> list[ents.Candidate]:
    """One-word candidates (kept or dropped) that are the last word of a full name of a person
    of the article become that person's mentions (module doc)."""
    surnames = {ents.translit_key(ents.words(c.text)[-1]) for c in found
                if c.label == "PER" and len(ents.words(c.text)) > 1}
    if not surnames:
        return found

    def surname(c: ents.Candidate) -> bool:
        ws = ents.words(c.text)
        return len(ws) == 1 and c.text[:1].isupper() and ents.translit_key(ws[0]) in surnames

    out = [ents.Candidate(c.start, c.end, "PER", c.text) if c.label != "PER" and surname(c) else c for c in found]
    taken = [(c.start, c.end) for c in out]
    for c in dropped:
        if surname(c) and not any(s < c.end and c.start < e for s, e in taken):
            out.append(ents.Candidate(c.start, c.end, "PER", c.text))
    return sorted(out, key=lambda c: c.start)
