"""The main event type and the topics: the rules (trigger and cue lexicons), the trained models
(nlp/classifier.py), or both — the pipeline's ``decide`` setting.

- ``rules``: the lexicon decides (nlp/events.py, nlp/topics.py), as before the models.
- ``model``: the event model decides the main event's type (``none``: the article has no event)
  and its confidence is the model's probability; the topic model ranks the topics.
- ``combined`` (the default): the model, except where the lexicon is the more precise — the
  rules' main event wins when its confidence reaches the event model's ``override``
  ``min_confidence``, its type is one of the override's ``types`` (the rule types whose
  overrides measure as a gain, or a gain the demo constraint needs: service/train.py) and the
  model gives it at least ``when_none`` (the model says none) or ``when_other`` (another
  type); the cue lexicon's primary topic wins when its share and the topic model's probability
  for it reach the topic model's ``override``, on articles naming a Central Asian state only
  (the override's ``countries``: on OrangeSum the override costs 2.4 points of P@1 by
  cross-validation, on the Central Asian demo it brings 0.81 to 0.91; bench/decision_cv.py).
  Both sets of thresholds are chosen by the trainer on train + dev read by cross-validation
  and stored in the models' meta. When
  the model says the article has no event but the title holds a rule trigger whose sides the
  dependency parse read as two different states ("Aliev met en cause des tirs depuis le sol
  russe": AZ -> RU, nlp/actors.py), or the lead's first sentence holds one (``head_dyad``), the
  rules' event stands: measured, it changes nothing on OrangeSum's test split's accuracy and
  restores the demo's and the seed's dyads (docs/benchmarks/actors.md).

A main event the model finds is built on the rules' event of that type in the title or the
lead's first sentence when there is one (its trigger, actors, evidence). Otherwise it is read
where the model sees it: the evidence is the sentence (title or first lead sentence) whose words
weigh most for the type, the trigger the word of it that weighs most, and the actors are
found around that word as for a lexicon trigger (nlp/event_facts.py). The rules' other events
(the lead's) follow the main one. Actors and dyads stay the rule code's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from silkwire.model import CountryRef, Enrichment, Entity, Event, Place, Span, Topic
from silkwire.nlp import classifier
from silkwire.nlp.classifier import Model
from silkwire.nlp.event_facts import event_at
from silkwire.nlp.events import dyads
from silkwire.nlp.features import WORD_GROUPS, Parts, Signals, dense, features, part_features, parts, sentence_features
from silkwire.nlp.predicate_features import Predicate
from silkwire.nlp.topics import labels

MODES = ("rules", "model", "combined")
DEFAULT_MODE = "combined"
NONE = "none"


@dataclass(frozen=True, slots=True)
class View:
    """What the models read of one article and what they say."""

    parts: Parts
    lemma: Any  # the lemma look-up the features used (None: lemmas absent)
    events: np.ndarray | None  # probabilities over the event model's classes
    topics: np.ndarray | None
    countries: tuple[str, ...] = ()  # the article's country codes (the topic override's gate)


def signals(events: Sequence[Event], cue_scores: Mapping[str, float], countries: Sequence[CountryRef],
            predicate: Predicate | None = None) -> Signals:
    """The rule layer's findings, as the models' features read them (nlp/features.py), with the
    title predicate's parse features when read (nlp/predicate_features.py)."""
    pred = predicate if predicate is not None else Predicate()
    return Signals(tuple((e.type, e.trigger[0]) for e in events), events[0].type if events else NONE,
                   tuple(sorted(cue_scores.items())), tuple(c.code for c in countries), pred.names, pred.word)


def reads_parse(meta: Mapping[str, Any]) -> bool:
    """A model whose ``meta`` lists the title predicate's parse features (the ``parse`` group or
    the ``predicate_vector`` block: nlp/predicate_features.py)."""
    return "parse" in meta.get("groups", ()) or bool(meta.get("predicate_vector"))


def needs_parse() -> bool:
    """Whether a shipped event or topic model reads the title predicate's parse features (the
    pipeline then computes them: ``signals``'s ``predicate``)."""
    return any(m is not None and reads_parse(m.meta) for m in (classifier.load("events"), classifier.load("topics")))


def predicate_vector(sig: Signals, vector: Any, width: int) -> np.ndarray:
    """The word vector of the title's predicate (unit length; zeros when it has none)."""
    v = vector(sig.predicate) if sig.predicate else None
    x = np.zeros(width, dtype=np.float32) if v is None else np.asarray(v, dtype=np.float32)
    norm = float(np.linalg.norm(x))
    return x / norm if norm else x


def inputs(meta: Mapping[str, Any], text: str, sig: Signals, p: Parts, words: Any,
           cats: np.ndarray | None, memo: dict[Any, Any] | None = None) -> tuple[dict[str, float], np.ndarray | None]:
    """A model's sparse features and dense blocks for one article, as its ``meta`` lists them:
    the feature groups, the word-vector blocks, the category model's probabilities ``cats``.
    ``memo``: the same article's word-level features, shared between the models that read them
    (filled here; :func:`view`)."""
    lemma = words.lemma if words is not None else None
    groups = meta.get("groups", ())
    read = None
    if memo is not None:
        key = ("part_features", *(g for g in WORD_GROUPS if g in groups))
        read = memo.get(key)
        if read is None:
            read = memo[key] = part_features(p, groups, lemma)
    sparse = features(text, sig, groups, lemma, p, read)
    blocks: list[np.ndarray] = []
    if meta.get("vectors"):
        width = int(meta["vector_width"])
        vector = words.vector if words is not None and words.vector_width == width else (lambda _w: None)
        blocks.append(dense(p, vector, width, meta["vectors"]))
        if meta.get("predicate_vector"):
            blocks.append(predicate_vector(sig, vector, width) * float(meta["predicate_vector"]))
    if meta.get("categories") and cats is not None:
        blocks.append(cats.astype(np.float32) * float(meta["categories"]))
    return sparse, (np.concatenate(blocks) if blocks else None)


def view(text: str, sig: Signals, words: Any) -> View | None:
    """The models' reading of an article; None when the models are not installed. ``words``:
    the spaCy lexicon (lemmas and vectors: nlp/spacy_model.py), None without one."""
    event_model, topic_model = classifier.load("events"), classifier.load("topics")
    if event_model is None or topic_model is None:
        return None
    p = parts(text)
    memo: dict[Any, Any] = {}

    def read(model: Model, cats: np.ndarray | None) -> np.ndarray:
        key = repr((model.meta.get("groups"), model.meta.get("vectors"), model.meta.get("categories")))
        if key not in memo:  # the event and topic models read the same features: computed once
            memo[key] = inputs(model.meta, text, sig, p, words, cats, memo)  # the words' features: once
        return model.proba(*memo[key])

    category_model = classifier.load("categories")
    cats = read(category_model, None) if category_model is not None else None
    ev = read(event_model, cats)
    tp = read(topic_model, cats)
    return View(p, words.lemma if words is not None else None, ev, tp, tuple(sig.countries))


# -- events -------------------------------------------------------------------------------------


def _proba(v: View, model: Model, kind: str) -> float:
    assert v.events is not None
    return float(v.events[model.classes.index(kind)]) if kind in model.classes else 0.0


def evidence(v: View, model: Model, kind: str) -> tuple[Span, Span]:
    """(sentence, word) where the model sees ``kind``: the title or the lead's first sentence,
    whichever's words weigh most for it, and its heaviest word (module doc)."""
    k = model.classes.index(kind)
    groups = model.meta.get("groups", ())
    best: tuple[float, Span, Span] | None = None
    for part, tokens, span in (("t", v.parts.title, v.parts.spans[0]),
                               ("l", v.parts.first, v.parts.spans[1] if len(v.parts.spans) > 1 else None)):
        if span is None or not tokens:
            continue
        total = sum(model.weights_of(sentence_features(tokens, part, groups, v.lemma), k))
        word_weights = [sum(model.weights_of(sentence_features([t], part, groups, v.lemma), k)) for t in tokens]
        top = tokens[int(np.argmax(word_weights))]
        if best is None or total > best[0]:
            best = (total, span, (top.start, top.end))
    if best is None:
        whole = v.parts.spans[0]
        return whole, whole
    return best[1], best[2]


def combine_event(classes: Sequence[str], proba: np.ndarray, rule: str, rule_confidence: float,
                  override: Mapping[str, Any]) -> str:
    """The main event type ``combined`` decides (module doc): the model's, unless the rules found
    ``rule`` with at least ``min_confidence`` (0.8 for a title trigger with actors on both
    sides, see nlp/events.py), ``rule`` is one of the override's ``types`` (all when absent) and
    the model gives it ``when_none`` (the model says none) or ``when_other`` (the model says
    another type) of probability."""
    kind = classes[int(np.argmax(proba))]
    if rule in (NONE, kind) or rule not in classes or rule_confidence < override.get("min_confidence", 2.0):
        return kind
    if "types" in override and rule not in override["types"]:
        return kind
    floor = override.get("when_none" if kind == NONE else "when_other", 2.0)
    return rule if float(proba[classes.index(rule)]) >= floor else kind


def titled_dyad(text: str, event: Event) -> bool:
    """The event's trigger is in the title and its sides are two different states."""
    title_end = text.find("\n\n")
    return title_end > 0 and event.trigger[1] <= title_end and bool(dyads(event))


def head_dyad(p: Parts, event: Event) -> bool:
    """The event's trigger is in the lead's first sentence and its sides are two different states."""
    return len(p.spans) > 1 and p.spans[1][0] <= event.trigger[0] < p.spans[1][1] and bool(dyads(event))


def events(text: str, rule_events: Sequence[Event], v: View | None, mode: str, countries: Sequence[CountryRef],
           entities: Sequence[Entity], places: Sequence[Place], time: Enrichment) -> list[Event]:
    """The article's events, main one first, as ``mode`` decides (module doc)."""
    model = classifier.load("events")
    if mode == "rules" or v is None or v.events is None or model is None:
        return list(rule_events)
    kind = model.classes[int(np.argmax(v.events))]
    if mode == "combined" and rule_events:
        kind = combine_event(model.classes, v.events, rule_events[0].type, rule_events[0].confidence,
                             model.meta.get("override", {}))
        if kind == NONE and (titled_dyad(text, rule_events[0]) or head_dyad(v.parts, rule_events[0])):
            kind = rule_events[0].type
    if kind == NONE:
        return []
    proba = round(_proba(v, model, kind), 2)
    if rule_events and rule_events[0].type == kind:
        return [replace(rule_events[0], confidence=proba), *rule_events[1:]]
    heads = (v.parts.spans[0][0], (v.parts.spans[1] if len(v.parts.spans) > 1 else v.parts.spans[0])[1])
    same = [e for e in rule_events if e.type == kind and heads[0] <= e.trigger[0] < heads[1]]
    if same:
        main = replace(same[0], confidence=proba, date=time.event_date or same[0].date,
                       status=time.status or same[0].status)
    else:
        _, word = evidence(v, model, kind)
        main = event_at(text, kind, word, countries, entities, places, time, proba)
    return [main, *(e for e in rule_events if e is not main and e.type != kind)]


# -- topics -------------------------------------------------------------------------------------


def combine_topic(classes: Sequence[str], proba: np.ndarray, rule: Topic | None,
                  override: Mapping[str, Any], countries: Sequence[str] = ()) -> int:
    """The index of the primary topic ``combined`` decides: the model's, unless the cue lexicon's
    primary topic has at least ``min_share`` of the cue scores and ``min_proba`` from the model,
    and the article names one of the override's ``countries`` when it lists some (the lexicon's
    own domain, Central Asia: service/train_thresholds.py ``TOPIC_GATE``)."""
    best = int(np.argmax(proba))
    if rule is None or rule.code not in classes or rule.score < override.get("min_share", 2.0):
        return best
    gate = override.get("countries")
    if gate and not set(countries) & set(gate):
        return best
    k = classes.index(rule.code)
    return k if float(proba[k]) >= override.get("min_proba", 2.0) else best


def topics(rules: Sequence[Topic], v: View | None, mode: str) -> list[Topic]:
    """The article's IPTC topics, primary first, as ``mode`` decides (module doc)."""
    model = classifier.load("topics")
    if mode == "rules" or v is None or v.topics is None or model is None:
        return list(rules)
    proba = v.topics
    primary = int(np.argmax(proba))
    if mode == "combined":
        primary = combine_topic(model.classes, proba, rules[0] if rules else None, model.meta.get("override", {}),
                                v.countries)
    other = float(model.meta.get("other_topics", 2.0))
    order = [int(k) for k in np.argsort(-proba, kind="stable")]
    chosen = [primary, *[k for k in order if k != primary and proba[k] >= other][:3]]
    names = labels()
    return [Topic(model.classes[k], names[model.classes[k]], round(float(proba[k]), 3)) for k in chosen]
