"""Who did what to whom: an event's sides from the dependency parse of its sentence.

The event's type and trigger come from :mod:`silkwire.nlp.events` (or whatever decides them);
this module reads the trigger's arguments (:mod:`silkwire.nlp.actor_roles`, on the parse that
:mod:`silkwire.nlp.parsing` runs on the sentences holding a trigger), names them
(:mod:`silkwire.nlp.actor_mentions`), and decides the sides:

- meetings and agreements (``events.SYMMETRIC``) go visitor -> host ("reçu à Pékin", "Poutine
  reçoit Tokaïev": the subject of recevoir/accueillir is the host), to every host of a tour, or
  both ways between two parties — two parties signing go both ways even in the capital of one
  ("signent un traité à Bichkek": docs/annotation-events.md, shared dyad convention D1); a venue that is
  neither party is neutral ("À Achgabat, Poutine rencontre le président iranien"); three
  parties or more, a collective party ("les cinq républiques") or a bloc ("sommet
  Allemagne–Asie centrale") make it multilateral: the states are sources, no target;
- other events go from who acts to who is acted upon; a company's or a group's state (Rosatom,
  the talibans) is no party on either side (D3: the organisation is the actor entity); two parties of a joint act ("des
  exercices russo-ouzbeks", "affrontements entre A et B") go both ways;
- the main event of a title completes itself from the same kind of event in the lead's first
  sentence (its parties when the title names none, its host or the legs of a tour), and takes a
  target it lacks from a clause of that sentence with the same source ("Aliev met en cause des
  tirs depuis le sol russe" ... "Aliev ... a demandé à Moscou"); a charge the title quotes
  ("La France se comporte en caïd, selon le chef de la diplomatie turque") goes from the one
  quoted to the title's subject.

Blocs, organisations and people are actor entities (``source_entities``/``target_entities``),
with their own ids (org:ue for "Bruxelles", org:otsc...), not exploded into members;
``source``/``target`` keep the states, so that relations count country dyads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from silkwire.model import Article, CountryRef, Entity, Event, Place, Span
from silkwire.nlp.actor_mentions import Actor, Reading, Tree, build_mentions, phrase_actors, rubric_country
from silkwire.nlp.actor_roles import Roles, add, after_colon, read_roles, trigger_token
from silkwire.nlp.events import JOINT, SYMMETRIC, Trigger, find_triggers, load_lexicon
from silkwire.nlp.kb import KnowledgeBase
from silkwire.nlp.kb.roles import find_roles
from silkwire.nlp.spacy_model import ParsedToken

Parses = Mapping[Span, Sequence[ParsedToken]]
# Types whose recipient a title's rubric names when the sentence names none: aid goes where the
# disaster or the crisis of the rubric is ("Incendies en Grèce : la France dépêche deux Canadair").
RUBRIC_RECIPIENT = frozenset({"AID"})
# Types whose title, when it quotes someone ("..., selon X"), is X's charge against its subject.
ACCUSED = frozenset({"ACCUSE"})


def _codes(actors: Sequence[Actor], members: bool = False) -> list[str]:
    """The states of these actors; the state of a company or group only when ``members``."""
    return list(dict.fromkeys(a.code for a in actors if a.code and (members or not a.member)))


def _entities(actors: Sequence[Actor]) -> list[str]:
    return list(dict.fromkeys(a.entity for a in actors if a.entity))


Sides = tuple[list[str], list[str], list[str], list[str]]  # source, target, source entities, target entities


def assemble(kind: str, roles: Roles) -> Sides:
    """Source and target states and entities of an event (module doc)."""
    if kind in SYMMETRIC:
        parties = [a for a in roles.agents + roles.patients + roles.partners
                   if not a.place and not (a.bloc and a in roles.hosts)]
        codes = _codes(parties)
        if roles.collective or len(codes) >= 3 or any(a.bloc for a in parties):
            return codes, [], _entities(parties), []  # multilateral: no dyad
        host_codes = [c for c in _codes(roles.hosts) if len(codes) < 2 or c in codes]  # else a neutral venue
        visitors = [a for a in parties if not a.code or a.code not in host_codes]
        if kind == "AGREE" and len(codes) == 2:  # two parties signing: the place is not a host (D1)
            host_codes = []
        if host_codes and _codes(visitors):
            if len(_codes(visitors)) > 1:  # two visitors: the meeting's host is the one place
                host_codes = host_codes[:1]
            hosting = [a for a in roles.hosts + parties if a.code in host_codes]  # a tour: one leg per host
            return _codes(visitors), host_codes, _entities(visitors), _entities(hosting)
        if len(codes) == 2:
            return codes, codes, _entities(parties), _entities(parties)
        return codes, [], _entities(parties), []
    agents, patients = roles.agents, roles.patients + roles.partners
    if not patients and kind in JOINT and len(_codes(roles.partners + agents)) == 2:
        both = roles.partners + agents
        return _codes(both), _codes(both), _entities(both), _entities(both)
    if not agents and len(_codes(roles.partners)) == 2:  # "affrontements entre A et B"
        return _codes(roles.partners), _codes(roles.partners), _entities(roles.partners), _entities(roles.partners)
    source = _codes(agents)
    target = [c for c in _codes(patients) if c not in source]
    if roles.collective or len(source) >= 3:
        target = []
    source_entities = _entities(agents)
    return source, target, source_entities, [e for e in _entities(patients) if e not in source_entities]


# -- events -----------------------------------------------------------------------------------------


def _sentence(parses: Parses, pos: int) -> tuple[Span, Sequence[ParsedToken]] | None:
    return next(((s, toks) for s, toks in parses.items() if s[0] <= pos < s[1]), None)


def _lead_roles(text: str, title_end: int, kind: str, parses: Parses, reading: Reading,
                lexicon: Sequence[tuple[Trigger, re.Pattern[str]]]) -> tuple[Roles | None, list[Roles], list[Actor]]:
    """The roles of the same kind of event in the lead's first sentence, of its other triggers,
    and the states of that sentence's subject when it describes someone by office ("Le président
    sud-coréen est attendu...")."""
    later = sorted(s for s in parses if s[0] > title_end)
    if not later:
        return None, [], []
    span, tokens = later[0], parses[later[0]]
    tree = Tree(tokens)
    same: Roles | None = None
    others: list[Roles] = []
    for hit in find_triggers(text, lexicon):
        if not (span[0] <= hit.start < span[1]):
            continue
        t = trigger_token(tree, (hit.start, hit.end))
        if t is None:
            continue
        roles = read_roles(tree, t, hit.rule.type, reading)
        if hit.rule.type == kind and same is None:
            same = roles
        else:
            others.append(roles)
    root = next((k for k, t in enumerate(tree.tokens) if t.head == k and t.pos in ("VERB", "AUX")), None)
    subject = [a for k in (tree.kids(root, "nsubj", "nsubj:pass") if root is not None else [])
               for a in phrase_actors(tree, k, reading)]
    described = [a for a in subject if a.code] if not any(a.entity for a in subject) else []
    return same, others, described


def _fill(roles: Roles, same: Roles) -> None:
    """A title's event completed by the same kind of event in the lead's first sentence: its
    parties when the title names none ("Sommet de Bichkek : ..." / "Le sommet Tokaïev–Japarov"),
    its source when the title's has no state ("Yoon Suk Yeol entame une tournée" / "Le président
    sud-coréen ..."), its host or legs when the title gives none or only a region."""
    if not _codes(roles.agents + roles.patients + roles.partners):
        add(roles.agents, same.agents)
        add(roles.patients, same.patients)
        add(roles.partners, same.partners)
    if not _codes(roles.hosts) and _codes(same.hosts) and not any(a.bloc for a in roles.partners):
        roles.hosts = [a for a in roles.hosts if a.code] + same.hosts


def _rubric_recipient(reading: Reading, roles: Roles) -> list[Actor]:
    """The rubric's state as the recipient of an act by another state (``RUBRIC_RECIPIENT``)."""
    sources = _codes(roles.agents)
    if reading.rubric is None or not sources or reading.rubric in sources:
        return []
    colon = reading.text.find(":")
    spans = [(m.start, m.end) for m in reading.mentions if m.code == reading.rubric and m.end <= colon]
    return [Actor(spans[0], code=reading.rubric)] if spans else []


def _according_to(tree: Tree, reading: Reading) -> list[Actor]:
    """The states of who a title quotes as saying it ("La France se comporte en caïd, selon le
    chef de la diplomatie turque"; "..., selon le gouvernement" under a country rubric)."""
    return [a for k, tok in enumerate(tree.tokens) if tok.dep.startswith(("obl", "nmod", "advmod"))
            and tree.case(k) == "selon" for a in phrase_actors(tree, k, reading) if a.code and not a.place]


def event_actors(text: str, event: Event, parses: Parses, reading: Reading, main: bool,
                 lexicon: Sequence[tuple[Trigger, re.Pattern[str]]]) -> Event:
    """The event with its actors read from the parse; unchanged when its sentence has none."""
    found = _sentence(parses, event.trigger[0])
    if found is None:
        return event
    span, tokens = found
    tree = Tree(tokens)
    t = trigger_token(tree, event.trigger)
    if t is None:
        return event
    roles = read_roles(tree, t, event.type, reading)
    title_end = text.find("\n\n")
    if main and title_end > 0 and span[1] <= title_end:
        same, others, described = _lead_roles(text, title_end, event.type, parses, reading, lexicon)
        if described and not _codes(roles.agents) and any(a.entity for a in roles.agents):
            add(roles.agents, described)  # "Yoon Suk Yeol entame une tournée" / "Le président sud-coréen ..."
        roles.collective |= same is not None and same.collective  # "les présidents des cinq républiques"
        if same is not None:
            _fill(roles, same)
        if roles.agents and not roles.patients and event.type not in SYMMETRIC:
            mine = set(_codes(roles.agents)) | set(_entities(roles.agents))
            for other in ([same] if same is not None else []) + others:
                theirs = set(_codes(other.agents)) | set(_entities(other.agents))
                if mine & theirs and other.patients:
                    add(roles.patients, other.patients)
                    break
    speakers = _according_to(tree, reading) if main and event.type in ACCUSED and span[1] <= title_end else []
    if _codes(speakers) and not set(_codes(speakers)) & set(_codes(roles.agents)):
        roles.agents, roles.patients = speakers, roles.agents  # the one quoted accuses who the title speaks of
    own = _codes(roles.agents)
    if main and event.type in RUBRIC_RECIPIENT and not [c for c in _codes(roles.patients + roles.partners)
                                                        if c not in own]:
        # in the title or the lead; "l'aide de la France" names the giver, not a recipient
        add(roles.patients, _rubric_recipient(reading, roles))
    source, target, source_entities, target_entities = assemble(event.type, roles)
    return replace(event, source=tuple(source), target=tuple(target), source_entities=tuple(source_entities),
                   target_entities=tuple(target_entities))


def article_reading(article: Article, countries: Sequence[CountryRef], entities: Sequence[Entity],
             places: Sequence[Place], kb: KnowledgeBase) -> Reading:
    text = article.text
    mentions = build_mentions(text, countries, entities, places, kb)
    # "le président bélarusse Alexandre Loukachenko": the office the text gives a person the
    # knowledge base does not know (roles named beside their title, nlp/kb/roles.py)
    offices = {r.person: r.of for r in find_roles(text, countries, article.published, kb, entities)
               if r.person and not r.inferred and len(r.of) == 2}
    return Reading(text, mentions, kb, article.published, rubric_country(text, mentions), offices)


def article_actors(article: Article, events: Sequence[Event], countries: Sequence[CountryRef],
                   entities: Sequence[Entity], places: Sequence[Place], kb: KnowledgeBase,
                   parses: Parses) -> list[Event]:
    """The article's events, main one first, each with its actors read from the parse. An event
    whose trigger is no lexicon hit (a word the event model weighed, nlp/decide.py) is no
    predicate to read arguments from: it keeps the actors the window rules gave it, until
    :func:`model_event_actors` reads them from the title's predicate."""
    text = article.text
    reading = article_reading(article, countries, entities, places, kb)
    lexicon = load_lexicon(*kb.event_lexicons)
    hits = {(h.start, h.end) for h in find_triggers(text, lexicon)}
    return [event_actors(text, e, parses, reading, n == 0, lexicon) if e.trigger in hits else e
            for n, e in enumerate(events)]


def predicate(tree: Tree) -> int | None:
    """The sentence's main predicate: the verb after a rubric's colon ("Libye : Macron hausse le
    ton ..."), else its first verb root ("À l'ONU, Macron marque ..."), else its first root."""
    roots = [k for k, t in enumerate(tree.tokens) if t.head == k]
    if not roots:
        return None
    after = after_colon(tree, roots[0]) if tree.tokens[roots[0]].pos != "VERB" else None
    if after is not None:
        return after
    return next((k for k in roots if tree.tokens[k].pos == "VERB"), roots[0])


def model_event_actors(article: Article, events: Sequence[Event], countries: Sequence[CountryRef],
                       entities: Sequence[Entity], places: Sequence[Place], kb: KnowledgeBase,
                       parses: Parses) -> list[Event]:
    """The events the pipeline decided (nlp/decide.py), the main one's actors read from the
    title's predicate when its trigger is a word the event model weighed rather than a lexicon
    hit ("Trump juge Pékin responsable ...": US -> CN): the title reports the main event. The
    window rules' actors stay when the title's parse names no actor on either side."""
    text = article.text
    title_end = text.find("\n\n")
    if not events or title_end <= 0:
        return list(events)
    main = events[0]
    lexicon = load_lexicon(*kb.event_lexicons)
    if main.trigger in {(h.start, h.end) for h in find_triggers(text, lexicon)}:
        return list(events)
    titles = [toks for s, toks in parses.items() if s[1] <= title_end]  # "VIDÉO. À l'ONU, Macron ..."
    if not titles:
        return list(events)
    tree = Tree(max(titles, key=lambda toks: (any(t.pos == "VERB" for t in toks), len(toks))))
    top = predicate(tree)
    if top is None:
        return list(events)
    reading = article_reading(article, countries, entities, places, kb)
    token = tree.tokens[top]
    read = event_actors(text, replace(main, trigger=(token.start, token.end)), parses, reading, True, lexicon)
    if not (read.source or read.target or read.source_entities or read.target_entities):
        return list(events)
    return [replace(read, trigger=main.trigger), *events[1:]]
