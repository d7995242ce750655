"""Who and where: dictionary matchers for countries, known people and organisations, places.

All three functions run one matcher (built once per knowledge base, lazily) over the
normalised copy of the text (:func:`silkwire.textnorm.normalize`) and report spans in the
ORIGINAL text.

Decisions (also in knowledge/README.md):
- A country is referred to by its name, a demonym or adjective in any gender and number, a
  compound ("sino-kazakh": a prefix counts only inside a chain that ends with a demonym, so
  "Indo-Pacifique" is not India), a capital or seat of government ("Pékin", "le Kremlin"), or
  as the country of a named place ("Omsk" -> RU, ``how="place"``).
- Regions and blocs (UE, Asie centrale, Europe, "Bruxelles" for the EU) are entities, never
  countries.
- A capital is both a country reference (``how="capital"``) and a Place: whether "Moscou a
  annoncé" means the city or the state needs syntax; the Place costs nothing and maps well.
- Where one stretch of text is both a country/person/organisation alias and the name of a
  small place, the place loses ("Manas" the airport town vs the epic): only capitals are both.
- A place whose GeoNames population is under 100,000, or named by one of its GeoNames
  alternate names rather than its own or a hand-written one, counts only when its country is
  already in the article; ambiguous names go to a place in the article's countries, then to the
  place whose own name it is, then to the most populous.
- A bare surname shared by several people ("Japarov") goes to the one named in full in the
  same text, else to the first listed in people.tsv (the more prominent).
- Context rules out some readings (:mod:`silkwire.nlp.senses`): a demonym used as a language
  ("en russe", "la langue kazakhe") is not the country; a city naming a treaty ("l'accord de
  Paris") is neither a place nor its state; a capital's homonym in another country ("Vienne",
  the French department) counts only after "la" or as "Poitiers (Vienne)", else the capital.
  A name set aside as a language or a treaty is kept in ``Analysis.set_aside``, so that the
  NER does not take it back.
- A region named after its country ("Kazakhstan-Occidental") is a place in places.tsv: the
  longest match wins, so it is that region, and not a mention of the country by name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal

from silkwire.model import CountryRef, Entity, Place, Span
from silkwire.nlp import senses
from silkwire.nlp.kb import KnowledgeBase, load_kb
from silkwire.nlp.textmatch import Match, Matcher, Scan, fold_same_length
from silkwire.textnorm import normalize, normalize_text

RefKind = Literal["country", "entity", "place"]
_HOW_ORDER = {"name": 0, "capital": 1, "demonym": 2, "prefix": 3}


@dataclass(frozen=True, slots=True)
class Ref:
    kind: RefKind
    target: str  # country code, entity id or place id
    how: str  # name | demonym | capital | prefix | surname; places: name | curated | alias


@dataclass(frozen=True, slots=True)
class Hit:
    """One resolved match: its span in the normalised text and what it refers to."""

    start: int
    end: int
    refs: tuple[Ref, ...]


def _stop_kind(ref: Ref) -> str:
    if ref.kind == "entity":
        return "person" if ref.target.startswith("per:") else "org"
    return ref.kind


@functools.lru_cache(maxsize=4)
def matcher_for(kb: KnowledgeBase) -> Matcher[Ref]:
    """The one matcher over every alias of ``kb`` (built on first use, then reused)."""
    stops: dict[str, set[str]] = {}
    for stop in kb.stop:
        stops.setdefault(fold_same_length(stop.form), set()).update(stop.kinds)
    matcher: Matcher[Ref] = Matcher()

    def add(form: str, ref: Ref) -> None:
        kinds = stops.get(fold_same_length(form), set())
        if "all" not in kinds and _stop_kind(ref) not in kinds:
            matcher.add(form, ref)

    for c in kb.countries.values():
        for form in (c.name, *c.aliases):
            add(form, Ref("country", c.code, "name"))
        for form in c.demonyms:
            add(form, Ref("country", c.code, "demonym"))
        for form in c.capitals:
            add(form, Ref("country", c.code, "capital"))
        for form in c.prefixes:
            add(form, Ref("country", c.code, "prefix"))
    for p in kb.people.values():
        for form in (p.name, *p.aliases):
            add(form, Ref("entity", p.id, "name"))
        for form in p.surnames:
            add(form, Ref("entity", p.id, "surname"))
    for o in kb.orgs.values():
        for form in (o.name, *o.aliases):
            add(form, Ref("entity", o.id, "name"))
        for form in o.demonyms:
            add(form, Ref("entity", o.id, "demonym"))
        for form in o.prefixes:
            add(form, Ref("entity", o.id, "prefix"))
    for pl in kb.places.values():
        add(pl.name, Ref("place", pl.id, "name"))
        for form in pl.aliases:  # a hand-written alias is as good as a name, but for ties
            add(form, Ref("place", pl.id, "curated" if pl.curated else "alias"))
    return matcher


@dataclass(frozen=True, slots=True)
class Analysis:
    hits: tuple[Hit, ...]
    to_original: Callable[[int, int], Span]
    set_aside: tuple[Span, ...] = ()  # original-text spans of names read as a language or a treaty


def _identity(start: int, end: int) -> Span:
    return start, end


@functools.lru_cache(maxsize=64)
def analyse(text: str, kb: KnowledgeBase) -> Analysis:
    """Every alias hit in ``text`` with conflicts resolved (shared by the three finders)."""
    if normalize_text(text) == text:  # most texts: no copy, no offset map needed
        work, to_original = text, _identity
    else:
        norm = normalize(text)
        work, to_original = norm.text, norm.to_original
    scan, found = matcher_for(kb).scan(work)
    matches = list(found)
    valid_prefix = _valid_prefixes(scan, matches)
    hits = []
    set_aside: list[Span] = []
    language_end = -1  # end of the last name read as a language (for "en kazakh et russe")
    for index, m in enumerate(matches):
        refs = [a.payload for a in m.aliases]
        if not valid_prefix[index]:
            refs = [r for r in refs if r.how != "prefix"]
        elif any(r.how == "prefix" for r in refs):
            refs = [r for r in refs if r.how == "prefix"]
        words = any(r.kind != "place" and r.how != "capital" for r in refs)
        if words and not any(r.how == "capital" for r in refs):
            refs = [r for r in refs if r.kind != "place"]
        after_language = language_end >= 0 and senses.coordinated(work, language_end, m.start)
        kept, sense = _read_senses(work, m.start, m.end, refs, kb, after_language)
        if sense is not None:
            set_aside.append(to_original(m.start, m.end))
            language_end = m.end if sense == "language" else language_end
        if kept:
            hits.append(Hit(m.start, m.end, tuple(dict.fromkeys(kept))))
    return Analysis(tuple(hits), to_original, tuple(set_aside))


def _read_senses(work: str, start: int, end: int, refs: list[Ref], kb: KnowledgeBase,
                 after_language: bool) -> tuple[list[Ref], str | None]:
    """``refs`` without the readings the context rules out (module doc, nlp/senses.py), and
    "language" or "document" when the name was set aside as one."""
    demonyms = [r.target for r in refs if r.kind == "country" and r.how == "demonym"]
    if demonyms and (after_language or senses.language_use(
            work, start, end,
            _masculine_singular(fold_same_length(work[start:end]), kb.countries[demonyms[0]].demonyms))):
        return [r for r in refs if not (r.kind == "country" and r.how == "demonym")], "language"
    if any(r.kind == "place" or r.how == "capital" for r in refs) and senses.names_document(work, start):
        return [r for r in refs if r.kind != "place" and r.how != "capital"], "document"
    capitals = {r.target for r in refs if r.kind == "country" and r.how == "capital"}
    homonyms = [r for r in refs if r.kind == "place" and kb.places[r.target].country not in capitals]
    if not (capitals and homonyms):
        return refs, None
    if senses.not_the_capital(work, start, end):  # "dans la Vienne": the homonym, not the city
        return homonyms + [r for r in refs if r.kind == "entity"], None
    return [r for r in refs if r not in homonyms], None


def _masculine_singular(form: str, demonyms: tuple[str, ...]) -> bool:
    """Is this demonym form the masculine singular: not another form + e, s, es, ne or nes
    ("kazakhe", "russes", "italienne" are not; "russe", "anglais", "kazakh" are)?"""
    folded = _folded(demonyms)
    return not any(form.endswith(tail) and form[:-len(tail)] in folded for tail in ("e", "s", "es", "ne", "nes"))


@functools.lru_cache(maxsize=1024)
def _folded(forms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold_same_length(f) for f in forms)


def _valid_prefixes(scan: Scan, matches: list[Match[Ref]]) -> list[bool]:
    """For each match: is it a prefix inside a chain "pre-pre-demonym" ("sino-russo-kazakh")?"""
    valid = [False] * len(matches)
    ends_chain = [any(a.payload.how == "demonym" for a in m.aliases) for m in matches]
    for i in range(len(matches) - 2, -1, -1):
        m, nxt = matches[i], matches[i + 1]
        if not any(a.payload.how == "prefix" for a in m.aliases):
            continue
        adjacent = nxt.first_token == m.last_token + 1 and scan.gap(m.last_token) == "-"
        valid[i] = adjacent and (ends_chain[i + 1] or valid[i + 1])
    return valid


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_kb()


def _country_hits(analysis: Analysis) -> dict[str, tuple[set[str], list[Span]]]:
    found: dict[str, tuple[set[str], list[Span]]] = {}
    for hit in analysis.hits:
        best: dict[str, str] = {}
        for ref in hit.refs:
            if ref.kind != "country":
                continue
            how = "demonym" if ref.how == "prefix" else ref.how
            old = best.get(ref.target)
            if old is None or _HOW_ORDER[how] < _HOW_ORDER[old]:
                best[ref.target] = how
        for code, how in best.items():
            hows, spans = found.setdefault(code, (set(), []))
            hows.add(how)
            spans.append(analysis.to_original(hit.start, hit.end))
    return found


def find_countries(
    text: str, *, kb: KnowledgeBase | None = None, places: bool = True
) -> list[CountryRef]:
    """Every country ``text`` refers to, in order of first mention (see module doc)."""
    kb = _kb(kb)
    analysis = analyse(text, kb)
    found = _country_hits(analysis)
    if places:
        for place in _places(analysis, kb, set(found)):
            if place.country is None:
                continue
            hows, spans = found.setdefault(place.country, (set(), []))
            hows.add("place")
            spans.extend(s for s in place.spans if s not in spans)
    refs = [
        CountryRef(code, tuple(sorted(hows, key=_how_key)), tuple(sorted(spans)))
        for code, (hows, spans) in found.items()
    ]
    return sorted(refs, key=lambda r: r.spans[0])


def _how_key(how: str) -> int:
    return {"name": 0, "demonym": 1, "capital": 2, "place": 3}.get(how, 9)


def find_places(
    text: str, context_countries: Collection[str] = (), *, kb: KnowledgeBase | None = None
) -> list[Place]:
    """Gazetteer places named in ``text``; ``context_countries`` (ISO codes, usually those of
    :func:`find_countries`) let small places count and settle ambiguous names."""
    kb = _kb(kb)
    return _places(analyse(text, kb), kb, set(context_countries))


def _places(analysis: Analysis, kb: KnowledgeBase, context: set[str]) -> list[Place]:
    chosen: dict[str, list[Span]] = {}
    for hit in analysis.hits:
        candidates = []
        for ref in hit.refs:
            if ref.kind != "place":
                continue
            place = kb.places[ref.target]
            in_context = place.country in context
            own_name = ref.how in ("name", "curated")
            # GeoNames alternate names include old and foreign names that are words or people
            # in French ("Molotov" for Perm, "Senna" for Sanandaj): they need context too.
            if (place.context_only or not own_name) and not in_context:
                continue
            # Between own names, the place whose name it is beats one that lists it as an alias
            # ("Khorezm" is the region, and only an alternate name of its city Khiva).
            rank = (in_context, own_name, ref.how == "name", place.population)
            candidates.append((rank, place.id))
        if candidates:
            best = max(candidates)[1]
            chosen.setdefault(best, []).append(analysis.to_original(hit.start, hit.end))
    out = []
    for place_id, spans in chosen.items():
        p = kb.places[place_id]
        out.append(Place(p.name, tuple(spans), p.geonameid, p.country, p.lat, p.lon))
    return out


def find_set_aside(text: str, *, kb: KnowledgeBase | None = None) -> list[Span]:
    """Spans of names the context reads as a language or a treaty, not as what the knowledge
    base lists (module doc): no other matcher (the NER) should claim them."""
    return list(analyse(text, _kb(kb)).set_aside)


def find_known_entities(text: str, *, kb: KnowledgeBase | None = None) -> list[Entity]:
    """People, organisations and regions of the knowledge base named in ``text``."""
    kb = _kb(kb)
    analysis = analyse(text, kb)
    named_in_full = {
        r.target for h in analysis.hits for r in h.refs if r.kind == "entity" and r.how == "name"
    }
    spans: dict[str, list[Span]] = {}
    for hit in analysis.hits:
        refs = [r for r in hit.refs if r.kind == "entity"]
        if not refs:
            continue
        full = [r for r in refs if r.how != "surname"]
        # A bare surname: the person named in full in this text, else the first listed.
        pick = full[0] if full else next((r for r in refs if r.target in named_in_full), refs[0])
        spans.setdefault(pick.target, []).append(analysis.to_original(hit.start, hit.end))
    out = []
    for entity_id, where in spans.items():
        record = kb.entity(entity_id)
        if record is None:  # pragma: no cover - the matcher only holds ids of this kb
            continue
        kind: Literal["PER", "ORG", "LOC"] = "PER" if entity_id.startswith("per:") else (
            "LOC" if getattr(record, "type", "ORG") == "LOC" else "ORG")
        seen = tuple(dict.fromkeys(text[s:e] for s, e in where if text[s:e] != record.name))
        out.append(Entity(entity_id, kind, record.name, tuple(where), record.country,
                          record.wikidata, seen))
    return sorted(out, key=lambda e: e.spans[0])
