"""The pipeline's "who and where" enrichers (nlp/pipeline.py lists them in order): countries,
entities and places from the knowledge base's matchers and spaCy's NER, merged and filtered, and
the roles ("le président ouzbek, X") that link an office to its holder."""

from __future__ import annotations

import re
from typing import Any

from silkwire.model import CountryRef, Entity, Place, Span
from silkwire.nlp import entities as ents
from silkwire.nlp import recovered, where
from silkwire.nlp.amounts import is_currency_name
from silkwire.nlp.enricher import Context
from silkwire.nlp.gazetteer import find_countries, find_known_entities, find_places, find_set_aside
from silkwire.nlp.kb.roles import find_roles
from silkwire.nlp.textmatch import fold_same_length


def kb_countries(ctx: Context) -> list[CountryRef]:
    """Countries by name, demonym or capital (places come later, with the NER's help)."""
    return find_countries(ctx.article.text, kb=ctx.kb, places=False)


def kb_entities(ctx: Context) -> list[Entity]:
    """Known people and organisations; an organisation referred to only by its adjective
    ("institutions européennes") is not named, so it is not an entity of the article."""
    text = ctx.article.text
    out = []
    for e in find_known_entities(text, kb=ctx.kb):
        org = ctx.kb.orgs.get(e.id)
        if org is not None and org.demonyms:
            adjectives = {fold_same_length(d) for d in org.demonyms}
            if all(fold_same_length(text[s:t]) in adjectives for s, t in e.spans):
                continue
        out.append(e)
    return out


def kb_places(ctx: Context) -> list[Place]:
    codes = [c.code for c in ctx.facts["kb_countries"]]
    return find_places(ctx.article.text, codes, kb=ctx.kb)


def _kb_spans(ctx: Context) -> list[Span]:
    spans = [s for c in ctx.facts["kb_countries"] for s in c.spans]
    spans += [s for e in ctx.facts["kb_entities"] for s in e.spans]
    spans += [s for p in ctx.facts["kb_places"] for s in p.spans]
    # A language or a treaty's city ("en russe", "l'accord de Paris") is set aside by the KB:
    # the NER must not take it back as a place ("Paris"/LOC); a longer name around it stays.
    spans += find_set_aside(ctx.article.text, kb=ctx.kb)
    return spans


def _other_person(ctx: Context, start: int, end: int) -> Entity | None:
    """The known person whose bare surname this longer NER name contains with another given
    name ("Daniil Medvedev" is not Dmitri): that person, else None."""
    text = ctx.article.text
    surface = fold_same_length(text[start:end])
    known = _kb_spans(ctx)
    entity: Entity
    for entity in ctx.facts["kb_entities"]:
        e = entity
        person = ctx.kb.people.get(e.id)
        if person is None:
            continue
        for s, t in e.spans:
            if not (start < s and t == end) or any(start <= a and b <= s for a, b in known):
                continue  # not "Given Surname", or the words before are a name of their own
            if fold_same_length(text[s:t]) in {fold_same_length(x) for x in person.surnames}:
                names = {fold_same_length(n) for n in (person.name, *person.aliases)}
                if surface not in names:
                    return e
    return None


def _drop_span(ctx: Context, entity: Entity, span: Span) -> None:
    known: list[Entity] = ctx.facts["kb_entities"]
    rest = tuple(s for s in entity.spans if s != span)
    index = known.index(entity)
    if rest:
        known[index] = Entity(entity.id, entity.type, entity.name, rest, entity.country,
                              entity.wikidata, entity.aliases)
    else:
        del known[index]


def ner_candidates(ctx: Context) -> list[ents.Candidate]:
    """NER mentions that are neither junk nor already explained by the knowledge base."""
    text = ctx.article.text
    known = _kb_spans(ctx)
    place_spans = {sp for p in ctx.facts["kb_places"] for sp in p.spans}
    out: list[ents.Candidate] = []
    doubtful: list[ents.Candidate] = []  # dropped by the junk filters: a surname may come back
    word_kind = getattr(ctx.words, "kind", None)  # which word list makes a word common (Lexicon.kind)
    title_end = len(ctx.article.title or "")
    for span in ctx.ner:
        start, end = ents.trim(text, span.start, span.end)
        if start >= end:
            continue
        label = ents.retype(span.label, text[start:end])
        label = "MISC" if label == "PER" and ents.venue_name(text, start, end) else label
        if label in ("PER", "LOC", "MISC") and ents.organisation_name(text, start, end):
            label = "ORG"
        label = "ORG" if label == "MISC" and ents.reported_by(text, start) else label
        sure = ents.confidence(text, start, end, label, ctx.is_common, word_kind)
        if sure == ents.DROPPED:
            doubtful.append(ents.Candidate(start, end, label, text[start:end], sure))
            continue
        if label in ("LOC", "PER") and is_currency_name(text[start:end]):
            continue  # "Tenge : la banque centrale relève son taux": a currency, not a place
        if (label == "PER" and start == 0 and title_end and " " not in text[start:end]
                and re.match(r"\s*:", text[end:title_end])):
            continue  # "Transafghan : …": a one-word rubric before the colon ("Ségolène Royal : …" is no rubric)
        places = [s for p in ctx.facts["kb_places"] for s in p.spans]
        places += [(c.start, c.end) for c in out if c.label == "LOC"]
        if label == "PER" and where.in_place_list(text, start, end, places):
            label = "LOC"
        if label == "PER":
            other = _other_person(ctx, start, end)
            if other is not None:
                surname = next(s for s in other.spans if start <= s[0] and s[1] == end)
                _drop_span(ctx, other, surname)
                known = _kb_spans(ctx)
        inside = [(s, e) for s, e in known if s < end and start < e]
        if label == "PER" and inside and all(sp in place_spans and start <= sp[0] and sp[1] <= end
                                              and sp != (start, end) for sp in inside):
            inside = []  # a person named after a town: "Serdar Berdimoukhamedov" is not Serdar (Gyzylarbat)
        if inside:
            covered = all(start <= s and e <= end for s, e in inside)
            # A longer ORG/MISC name around a KB hit is a name of its own ("Conseil de
            # sécurité de l'ONU"); anything else that touches a KB hit is the KB's.
            if not covered or label in ("PER", "LOC") or any((s, e) == (start, end) for s, e in inside):
                continue
        out.append(ents.Candidate(start, end, label, text[start:end], sure))
    entity_spans = [s for e in ctx.facts["kb_entities"] for s in e.spans]
    return recovered.with_surnames(recovered.with_bodies(text, out, entity_spans), doubtful)



def located_places(ctx: Context) -> tuple[list[Place], list[ents.Candidate]]:
    """The article's places, and the NER locations that could not be located (module where)."""
    text, kb = ctx.article.text, ctx.kb
    countries: list[CountryRef] = ctx.facts["kb_countries"]
    codes = [c.code for c in countries]
    capitals = where.capital_forms(kb)
    mentions = where.capital_mentions(text, countries, capitals)
    capital_spans = {m.span for m in mentions}
    places: list[Place] = []
    plain_spans: list[Span] = []
    bodies = set(recovered.body_names(text))  # "le tribunal de Bichkek" is in Bichkek: the place stays
    person_spans = [(c.start, c.end) for c in ctx.facts["ner_candidates"]
                    if c.label in ("PER", "ORG") and (c.start, c.end) not in bodies]
    for p in ctx.facts["kb_places"]:
        spans = tuple(s for s in p.spans if not any(a <= s[0] and s[1] <= b and (a, b) != s
                                                    for a, b in person_spans))
        if spans:
            places.append(Place(p.name, spans, p.geonameid, p.country, p.lat, p.lon))
            plain_spans.extend(s for s in spans if s not in capital_spans)
    reading = where.place_readings(text, mentions, plain_spans)
    kept: list[Place] = []
    for p in places:
        spans = tuple(s for s in p.spans if reading.get(s, True))
        if spans:
            pid = where.place_id(kb, p)
            kind = kb.places[pid].kind if pid is not None else "city"
            kept.append(where.with_head(text, Place(p.name, spans, p.geonameid, p.country, p.lat, p.lon), kind))
    covered = {s for p in kept for s in p.spans}
    for m in mentions:  # capitals outside the gazetteer (Berlin, Budapest) used as places
        if reading.get(m.span) and not any(s == m.span for p in places for s in p.spans):
            kept.append(Place(text[m.span[0]:m.span[1]], (m.span,), None, m.code))
            covered.add(m.span)
    located = sorted([(s, p.country) for p in kept if p.country for s in p.spans]
                     + [(s, c.code) for c in countries if "name" in c.how for s in c.spans
                        if s not in capital_spans])
    demonyms = [(s, c.code) for c in countries if "demonym" in c.how for s in c.spans]
    unlocated: list[ents.Candidate] = []
    for cand in ctx.facts["ner_candidates"]:
        if cand.label != "LOC":
            continue
        found = (find_places(cand.text, codes, kb=kb)
                 or find_places(cand.text, list(kb.countries), kb=kb))
        if found:
            p = found[0]
            kept.append(Place(p.name, ((cand.start, cand.end),), p.geonameid, p.country, p.lat, p.lon))
            continue
        code = where.country_cue(text, (cand.start, cand.end), located, demonyms, codes)
        if code is None or cand.confidence < ents.KEPT:  # a doubted name gets no country by guess
            unlocated.append(cand)
        else:
            kept.append(Place(cand.text, ((cand.start, cand.end),), None, code))
    return where.merge_places(kept), unlocated


def countries(ctx: Context) -> list[CountryRef]:
    """Countries by name/demonym/capital, plus the country of every located place."""
    found = {c.code: (set(c.how), list(c.spans)) for c in ctx.facts["kb_countries"]}
    places, _ = ctx.facts["places"]
    for p in places:
        if p.country is None:
            continue
        hows, spans = found.setdefault(p.country, (set(), []))
        hows.add("place")
        spans.extend(s for s in p.spans if s not in spans)
    order = {"name": 0, "demonym": 1, "capital": 2, "place": 3}
    refs = [CountryRef(code, tuple(sorted(h, key=lambda x: order.get(x, 9))), tuple(sorted(s)))
            for code, (h, s) in found.items()]
    return sorted(refs, key=lambda r: r.spans[0])


def entities(ctx: Context) -> list[Entity]:
    """Known entities, then the NER's unknown ones merged by article (module entities)."""
    _, unlocated = ctx.facts["places"]
    known: list[Entity] = ctx.facts["kb_entities"]
    cands = [c for c in ctx.facts["ner_candidates"] if c.label != "LOC"] + unlocated
    out = list(known)
    for group in ents.merge(cands):
        out = ents.add_known_person(out, ents.to_entity(group), ctx.kb)
    return sorted(out, key=lambda e: e.spans[0])


def roles(ctx: Context) -> list[dict[str, Any]]:
    found = find_roles(ctx.article.text, ctx.facts["countries"], ctx.article.published, ctx.kb, ctx.facts["entities"])
    return [{"span": list(r.span), "role": r.role, "of": r.of, "person": r.person, "name": r.name,
             "inferred": r.inferred} for r in found]
