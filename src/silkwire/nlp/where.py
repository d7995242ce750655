"""Where: capitals that are places (not the state), natural features, places the NER found.

A capital is both a way to name a state ("Moscou a salué", "Pékin et Tachkent ont élevé")
and a city where things happen ("reçu à Pékin", "le sommet d'Astana", "Astana accueille").
The gazetteer reports both uses as a Place; here a mention of a capital counts as a place only
in a locative context: after a locative preposition (à, dans, près de, vers, depuis, après,
de + a noun that is not a government noun such as "autorités de Kaboul"), or as the subject of
a host verb ("Astana accueille"). A capital coordinated with a place ("à Bakou et
Moscou") takes that place's reading. "entre X et Y" is left out: "la liaison entre Bakou et
Grozny" is two places, "le dialogue entre Washington et les cinq républiques" a state.
A capital after "à" governed by a verb of asking or giving ("a demandé à Moscou") is the
state, not the city.

A place the NER found but the gazetteer does not hold gets its country from the text when the
text says it: an apposition to a known place or country ("Krasnogorsk, dans la banlieue de
Moscou", "Gabala, dans le nord de l'Azerbaïdjan", "Achgabat (Turkménistan)"), an adjective
before it ("la ville kazakhstanaise d'Aktaou"), else the only country its sentence names,
else the only country the article names. With no such cue it stays a LOC entity.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from silkwire.model import CountryRef, Place, Span
from silkwire.nlp.kb import KnowledgeBase
from silkwire.nlp.textmatch import fold_same_length
from silkwire.textnorm import normalize_text

_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:à|au|aux|dans|depuis|vers|jusqu'à|après|avant|en|sur|hors de|près de|autour de|"
    r"hors d'|près d'|autour d')\s*|\b(?P<noun>[\w-]+)\s+(?:de|d')\s*)$", re.IGNORECASE)
# Nouns after which "de X" names the state's government, not the city ("autorités de Kaboul").
_STATE_NOUNS = frozenset({"autorités", "gouvernement", "régime", "pouvoir", "dirigeants", "position",
                          "diplomatie", "relations", "décision", "part", "soutien", "exigences",
                          "demande", "politique", "intérêts", "représentants", "émissaire"})
# Verb stems that take "à" + a recipient: after them "à Moscou" is the state.
_DATIVE_VERBS = re.compile(r"\b(?:demandée?s?|demande|demandait|proposée?s?|propose|reprochée?|reproche|"
                           r"répondu|répond|adressée?s?|promise?|promet|livrée?s?|vendue?s?|fournie?s?|"
                           r"fournit|imposée?s?|impose|permis|permet|offerte?s?|offre|confiée?s?|confie|"
                           r"transmise?|transmet)\s+à\s*$", re.IGNORECASE)
_HOST_AFTER = re.compile(r"^\s*(?:a\s+accueilli|accueill|abrit|a\s+abrité|reçoit|recevra|a\s+reçu)",
                         re.IGNORECASE)
_COORD = re.compile(r"^\s*(?:et|ou|,)\s*$")
_HEAD_BEFORE = re.compile(r"\b(lac|mer|mont|monts|fleuve|rivière|désert|plateau)\s+(?:de\s+|d')?$",
                          re.IGNORECASE)
_NATURAL = frozenset({"lake", "sea", "river", "mountains"})


def _before(text: str, start: int, width: int = 40) -> str:
    return normalize_text(text[max(0, start - width):start])


def locative(text: str, span: Span) -> bool:
    """Is this mention of a city the location of something (module doc)?"""
    before = _before(text, span[0])
    if _DATIVE_VERBS.search(before):
        return False
    m = _LOCATIVE_BEFORE.search(before)
    if m:
        noun = m.group("noun")
        return noun is None or noun.lower() not in _STATE_NOUNS
    return _HOST_AFTER.match(normalize_text(text[span[1]:span[1] + 30])) is not None


@dataclass(frozen=True, slots=True)
class CapitalMention:
    span: Span
    code: str


def capital_mentions(text: str, countries: Sequence[CountryRef], capitals: dict[str, set[str]]) -> list[CapitalMention]:
    """The mentions (spans) of the countries that are one of their capitals' names."""
    out = []
    for ref in countries:
        forms = capitals.get(ref.code, set())
        for s, e in ref.spans:
            if fold_same_length(normalize_text(text[s:e])) in forms:
                out.append(CapitalMention((s, e), ref.code))
    return sorted(out, key=lambda c: c.span)


def place_readings(text: str, mentions: Sequence[CapitalMention], place_spans: Sequence[Span]) -> dict[Span, bool]:
    """For each capital mention: True when it is a place here (module doc, with coordination)."""
    anchors = sorted([(s, True) for s in place_spans] + [(m.span, False) for m in mentions])
    reading: dict[Span, bool] = {}
    previous: tuple[Span, bool] | None = None
    for span, is_plain_place in anchors:
        if is_plain_place and span not in reading:
            value = True
        else:
            value = locative(text, span)
            if not value and previous is not None and _COORD.match(text[previous[0][1]:span[0]]):
                value = previous[1]
        if not is_plain_place:
            reading[span] = value
        previous = (span, value)
    return reading


def with_head(text: str, place: Place, kind: str) -> Place:
    """A lake, sea, river or range keeps its generic head word: "lac Issyk-Koul"."""
    if kind not in _NATURAL or fold_same_length(place.name).split(" ")[0] in {"lac", "mer", "mont", "monts", "fleuve"}:
        return place
    spans = []
    head = None
    for s, e in place.spans:
        m = _HEAD_BEFORE.search(text[max(0, s - 15):s])
        if m:
            head = m.group(1).lower()
            s = s - (len(text[max(0, s - 15):s]) - m.start())
        spans.append((s, e))
    if head is None:
        return place
    return Place(f"{head} {place.name}", tuple(spans), place.geonameid, place.country, place.lat, place.lon)


_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_APPOSITION = re.compile(r"^\s*(?:,\s*(?:(?:à|au|en|dans|près de|près d')\b[^,.;:]{0,40}?)?|\(\s*)$", re.IGNORECASE)


def sentence_bounds(text: str, start: int) -> Span:
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    after = _SENTENCE_END.search(text, start)
    return lo, after.start() + 1 if after else len(text)


def country_cue(text: str, span: Span, located: Sequence[tuple[Span, str]],
                demonyms: Sequence[tuple[Span, str]], article_codes: Sequence[str]) -> str | None:
    """The country the text gives for an unknown place at ``span`` (module doc).

    ``located``: spans of known places and country names with their country, in text order;
    ``demonyms``: spans of country adjectives with their country.
    """
    for (s, _e), code in located:  # apposition after the place: "X, dans le nord de Y", "X (Y)"
        if s >= span[1] and _APPOSITION.match(normalize_text(text[span[1]:s])):
            return code
    for (_s, e), code in demonyms:  # "la ville kazakhstanaise d'Aktaou"
        if e <= span[0] and re.fullmatch(r"\s*(?:de|d')\s*", normalize_text(text[e:span[0]])):
            return code
    lo, hi = sentence_bounds(text, span[0])
    in_sentence = {code for (s, e), code in located if lo <= s and e <= hi and (s, e) != span}
    if len(in_sentence) == 1:
        return in_sentence.pop()
    if len(set(article_codes)) == 1:
        return article_codes[0]
    return None


def place_id(kb: KnowledgeBase, place: Place) -> str | None:
    """The knowledge base's id of a located place, by GeoNames id, else by name and country."""
    if place.geonameid is not None and f"gn:{place.geonameid}" in kb.places:
        return f"gn:{place.geonameid}"
    return _by_name_and_country(kb).get((place.name, place.country))


@functools.lru_cache(maxsize=4)
def _by_name_and_country(kb: KnowledgeBase) -> dict[tuple[str, str | None], str]:
    """(name, country) -> the id of the knowledge base's first place so named (was a scan of every
    place per located place)."""
    out: dict[tuple[str, str | None], str] = {}
    for pid, p in kb.places.items():
        out.setdefault((p.name, p.country), pid)
    return out


def merge_places(places: list[Place]) -> list[Place]:
    """One place per (name, country), its spans merged, in text order."""
    by_key: dict[tuple[str, str | None], Place] = {}
    for p in places:
        key = (fold_same_length(p.name), p.country)
        old = by_key.get(key)
        by_key[key] = p if old is None else Place(old.name, tuple(sorted({*old.spans, *p.spans})),
                                                  old.geonameid or p.geonameid, old.country, old.lat, old.lon)
    return sorted(by_key.values(), key=lambda p: p.spans[0])


@functools.lru_cache(maxsize=4)
def capital_forms(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Country code -> the folded names of its capitals."""
    return {c.code: {fold_same_length(f) for f in c.capitals} for c in kb.countries.values()}


def in_place_list(text: str, start: int, end: int, spans: list[Span]) -> bool:
    """Is this name coordinated with a place ("provinces de Balkh, Jowzjan et Faryab")? A comma
    after a place is a list only when the list goes on after the name ("À New York, Iris
    Mittenaere va…" is no list)."""
    goes_on = re.match(r"\s*(?:,|et\b|ou\b)", text[end:]) is not None
    for s, e in spans:
        gap = text[e:start] if e <= start else text[end:s] if s >= end else None
        if gap is None or not re.fullmatch(r"\s*(?:,|et|ou|, et)\s*", gap):
            continue
        if e <= start and gap.strip() == "," and not goes_on:
            continue
        return True
    return False
