"""The pipeline's events step: PLOVER events (nlp/events.py) completed with what the other
enrichers found — dates and status per event, the money in each event's evidence, and the
people and organisations who act on each side.

- The main event takes the article's event date and status; another event takes the date in
  its own sentence and the status that sentence's tense and dates say.
- Actor entities: the people and organisations named in the event's evidence whose country is
  one of its source (target) countries — "Vladimir Poutine" in a RU -> TJ visit is a source
  entity, "les talibans" (AF) in KZ -> AF a target entity. Entities without a country, or of a
  country that is not a party, are not actors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from silkwire.model import Article, CountryRef, Enrichment, Entity, Event, Place, Span

# The private helpers are this module's companion's: event_at reads an event as find_events does.
from silkwire.nlp.events import (
    Trigger,
    _event,
    _Hit,
    _mentions,
    _sentence_of,
    find_events,
    named_parties,
    split_sentences,
)
from silkwire.nlp.temporal import event_date_and_status


def actor_entities(event: Event, entities: Sequence[Entity]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(source entity ids, target entity ids) of an event (module doc), in text order."""
    start, end = event.evidence
    named = sorted(((min(s for s, t in e.spans if start <= s and t <= end), e) for e in entities
                    if e.type in ("PER", "ORG") and e.country and any(start <= s and t <= end for s, t in e.spans)),
                   key=lambda pair: pair[0])
    source = tuple(e.id for _, e in named if e.country in event.source)
    target = tuple(e.id for _, e in named if e.country in event.target)
    return source, target


def article_events(article: Article, countries: Sequence[CountryRef], entities: Sequence[Entity],
                   places: Sequence[Place], time: Enrichment,
                   lexicon: Sequence[tuple[Trigger, re.Pattern[str]]]) -> list[Event]:
    """The article's events, main one first, completed as the module doc says."""
    text = article.text
    found = find_events(text, None, countries, entities, places, time.dates or (), time.event_date, time.status,
                        lexicon)
    out = []
    for n, event in enumerate(found):
        start, end = event.evidence
        money = tuple(a for a in time.amounts or () if a.kind == "money" and start <= a.span[0] and a.span[1] <= end)
        source, target = actor_entities(event, entities)
        event = replace(event, amounts=money, source_entities=source, target_entities=target)
        if n > 0:
            dates = [replace(d, span=(d.span[0] - start, d.span[1] - start)) for d in time.dates or ()
                     if start <= d.span[0] and d.span[1] <= end]
            date, status = event_date_and_status(text[start:end], dates, article.published)
            event = replace(event, date=event.date or date,
                            status=status if status in ("done", "planned") else None)  # type: ignore[arg-type]
        out.append(event)
    return out


def event_at(text: str, kind: str, trigger: Span, countries: Sequence[CountryRef], entities: Sequence[Entity],
             places: Sequence[Place], time: Enrichment, confidence: float) -> Event:
    """The article's main event of type ``kind`` read at ``trigger``, a word the event model chose
    (nlp/decide.py) rather than a lexicon hit: actors, place and evidence as the rules would give
    for a trigger of that type there, with the article's event date and status. A party is named
    as the parse's rules name it (``events.named_parties``): one person a demonym names ("un
    Français enlevé") or a demonym on another noun than a state's ("un journaliste américain") is
    no state, and a place is no target but of a meeting, an agreement or aid."""
    sentences = split_sentences(text)
    hit = _Hit(trigger[0], trigger[1], Trigger(text[trigger[0]:trigger[1]], "NOUN", kind), -1)
    mentions = named_parties(text, _mentions(text, countries, entities, places), kind)
    return _event(text, hit, _sentence_of(sentences, trigger[0]), sentences, mentions, "\n\n" in text,
                  confidence, time.event_date, time.status)
