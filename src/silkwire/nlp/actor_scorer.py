"""A trained role scorer for the country candidates of an article's main event (issue 14).

The rules of :mod:`silkwire.nlp.actors` read each side off the parse; this module gives every
country the title and the lead's first sentence name (and every country the rules put on a side)
a vector of sparse features and, with a linear model trained on the OrangeSum event corpus
(``nlp/models/actors.npz``, service/train_actors.py), a probability of being the event's source,
its target, or neither. Features, all binary:

- the role today's rules give the country (source, target, both, none) and whether the rules
  left a side without a country;
- per mention: title, rubric ("Syrie : ...") or lead; the kind of mention (name, demonym, people,
  capital, place, person holding an office, organisation); the dependency relation of the head of
  its name phrase, its preposition ("à", "avec", "contre", "depuis", "entre", "via"...), the
  relation of that phrase's head word; the path to the trigger (its subject, object, an argument,
  deeper, not under it), before or after the trigger; the subject of another clause;
- the item: the event type (one-hot), how many countries the item names, the rank of the
  country's first mention, the rubric's country;
- conjunctions: event type x rule role, event type x relation and preposition, rule role x
  relation and preposition.

:func:`decide` turns the probabilities into sides (``MODES``): the scorer alone, or the scorer
only where the rules leave a side empty. Which one ships, if any, is measured by 5-fold
cross-validation against the rules (bench/actor_scorer_cv.py, docs/benchmarks/actors.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from silkwire.model import Article, CountryRef, Entity, Event, Place, Span
from silkwire.nlp import classifier
from silkwire.nlp.actor_mentions import Mention, Reading, Tree, office_of
from silkwire.nlp.actor_subjects import SUBJECTS, trigger_token
from silkwire.nlp.actors import article_reading
from silkwire.nlp.classifier import Model
from silkwire.nlp.kb import KnowledgeBase
from silkwire.nlp.spacy_model import ParsedToken

NAME = "actors"  # nlp/models/actors.npz: absent while the rules decide (service/train_actors.py)
CLASSES = ("neither", "source", "target")
MODES = ("rules", "scorer", "party", "fill", "prune")
_NAME_DEPS = frozenset({"flat:name", "flat", "flat:foreign", "fixed", "compound", "nummod"})
_CASES = frozenset({"a", "au", "aux", "avec", "contre", "depuis", "entre", "via", "de", "du", "des", "d'",
                    "en", "dans", "par", "pour", "vers", "sur", "chez", "aupres", "envers", "face", "selon",
                    "apres", "malgre", "pres", "sans", "lors", "sous"})

Parses = Mapping[Span, Sequence[ParsedToken]]


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    features: dict[str, float]


def _code_of(m: Mention, reading: Reading) -> str | None:
    if m.kind == "person" and m.entity:
        office = office_of(reading.kb, m.entity, reading.published) or reading.offices.get(m.entity)
        return office if office and len(office) == 2 else None
    return m.code


def _kind(m: Mention) -> str:
    if m.kind == "place":
        return "capital" if m.capital else "place"
    return m.kind


def _sentence(parses: Parses, pos: int) -> tuple[Span, Sequence[ParsedToken]] | None:
    return next(((s, toks) for s, toks in parses.items() if s[0] <= pos < s[1]), None)


def _phrase_head(tree: Tree, m: Mention) -> int | None:
    inside = [k for k, t in enumerate(tree.tokens) if t.start < m.end and m.start < t.end]
    if not inside:
        return None
    k = next((i for i in inside if tree.tokens[i].head not in inside or tree.tokens[i].head == i), inside[0])
    for _ in range(4):  # up the name: "Kassym-Jomart Tokaïev", "la République de Corée"
        tok = tree.tokens[k]
        if tok.dep in _NAME_DEPS and tok.head != k:
            k = tok.head
        else:
            break
    return k


def _path(tree: Tree, k: int, t: int) -> str:
    """How the phrase headed by ``k`` hangs from the trigger ``t``: the relation when it is the
    trigger's own dependent, "deep2"/"deep3" when further down, "above"/"apart" otherwise."""
    if k == t:
        return "self"
    steps, cur = 0, k
    while steps < 6:
        head = tree.tokens[cur].head
        if head == cur:
            break
        steps += 1
        if head == t:
            return "own" if steps == 1 else f"deep{min(steps, 3)}"
        cur = head
    cur = t
    for _ in range(6):  # the trigger under the mention ("la visite de Xi" read from "Xi")
        head = tree.tokens[cur].head
        if head == cur:
            break
        if head == k:
            return "above"
        cur = head
    return "apart"


def _case(tree: Tree, k: int) -> str:
    case = tree.case(k)
    first = case.split(" ")[0] if case else ""
    return first if first in _CASES else ("other" if first else "none")


def _mention_features(m: Mention, where: str, tree: Tree | None, trigger: int | None) -> list[str]:
    kind = _kind(m)
    out = [f"{where}:kind={kind}", f"kind={kind}", f"where={where}"]
    if tree is None:
        return [*out, f"{where}:noparse"]
    k = _phrase_head(tree, m)
    if k is None:
        return [*out, f"{where}:noparse"]
    tok = tree.tokens[k]
    dep = tok.dep.split(":")[0] if tok.dep != "nsubj:pass" else "nsubj:pass"
    case = _case(tree, k)
    if dep == "conj" and tok.head != k:  # "A et B": the first conjunct's relation
        head = tree.tokens[tok.head]
        dep = "conj>" + (head.dep.split(":")[0] if head.dep != "nsubj:pass" else "nsubj:pass")
        case = case if case != "none" else _case(tree, tok.head)
    up = tree.tokens[tok.head]
    out += [f"dep={dep}", f"case={case}", f"dep={dep}|case={case}", f"{where}:dep={dep}",
            f"up={up.pos}", f"dep={dep}|up={up.pos}"]
    if trigger is not None:
        path = _path(tree, k, trigger)
        side = "before" if tok.start < tree.tokens[trigger].start else "after"
        out += [f"path={path}", f"side={side}", f"path={path}|dep={dep}", f"path={path}|case={case}",
                f"side={side}|dep={dep}", f"{where}:path={path}"]
        if tok.dep in SUBJECTS and path not in ("own", "self"):
            out.append("subject-elsewhere")
    else:
        out.append(f"{where}:notrigger")
    if tok.head == k:
        out.append("root")
    return out


def candidates(text: str, event: Event, parses: Parses, reading: Reading) -> list[Candidate]:
    """The country candidates of the main event ``event`` (module doc), in first-mention order."""
    title_end = text.find("\n\n")
    lead_start = title_end + 2 if title_end > 0 else 0
    first_end = next((s[1] for s in sorted(parses) if s[0] >= lead_start), -1)
    if first_end < 0:
        dot = text.find(". ", lead_start)
        first_end = dot if dot > 0 else len(text)
    colon = text.find(":", 0, title_end) if title_end > 0 else -1
    found = _sentence(parses, event.trigger[0])
    trig_span = found[0] if found else None
    by_code: dict[str, list[str]] = {}
    order: list[str] = []
    trees: dict[Span, Tree] = {}
    for m in reading.mentions:
        if m.start >= first_end:
            break
        code = _code_of(m, reading)
        if not code:
            continue
        where = "lead" if m.start >= lead_start else ("rubric" if colon >= 0 and m.end <= colon else "title")
        sent = _sentence(parses, m.start)
        tree = None
        trigger = None
        if sent is not None:
            tree = trees.setdefault(sent[0], Tree(sent[1]))
            if trig_span == sent[0]:
                trigger = trigger_token(tree, event.trigger)
        if code not in by_code:
            order.append(code)
        by_code.setdefault(code, []).extend(_mention_features(m, where, tree, trigger))
    for code in (*event.source, *event.target):  # a side's country from further on
        if code not in by_code:
            order.append(code)
            by_code[code] = ["far"]
    n = len(order)
    source_empty, target_empty = not event.source, not event.target
    out = []
    for rank, code in enumerate(order):
        role = ("both" if code in event.source and code in event.target else "source" if code in event.source
                else "target" if code in event.target else "none")
        names = set(by_code[code])
        item = [f"type={event.type}", f"role={role}", f"type={event.type}|role={role}",
                f"countries={min(n, 4)}", f"rank={min(rank, 3)}", f"role={role}|countries={min(n, 4)}",
                f"src_empty={source_empty}", f"tgt_empty={target_empty}",
                f"role={role}|src_empty={source_empty}|tgt_empty={target_empty}"]
        if reading.rubric == code:
            item.append("rubric-country")
        pairs = [f for f in names if f.startswith(("dep=", "case=", "path=")) and "|" not in f]
        item += [f"type={event.type}|{f}" for f in pairs] + [f"role={role}|{f}" for f in pairs]
        out.append(Candidate(code, {f: 1.0 for f in sorted(names | set(item))}))
    return out


def sides(codes: Sequence[str], proba: np.ndarray, floor: float = 0.0,
          party: bool = False) -> tuple[list[str], list[str]]:
    """Source and target from each candidate's (neither, source, target) probabilities: its
    likeliest role, when its probability reaches ``floor``; two sources and no target act
    together (both ways, as the gold writes it), three or more are multilateral (no target).
    ``party``: a candidate is a party when neither is below one half, on its likelier side."""
    if party:
        best = [0 if p[0] >= 0.5 else 1 if p[1] >= p[2] else 2 for p in proba]
    else:
        best = [int(np.argmax(p)) for p in proba]
    source = [c for c, b, p in zip(codes, best, proba, strict=True) if b == 1 and p[1] >= floor]
    target = [c for c, b, p in zip(codes, best, proba, strict=True) if b == 2 and p[2] >= floor]
    if not target and len(source) == 2:
        target = list(source)
    if len(source) >= 3:
        target = []
    return source, target


def decide(mode: str, event: Event, codes: Sequence[str], proba: np.ndarray,
           floor: float = 0.5) -> tuple[list[str], list[str]]:
    """The main event's country sides (module doc, ``MODES``); ``floor``: the probability a
    scorer's role needs to change the rules' sides (fill, prune)."""
    rules = list(event.source), list(event.target)
    if mode == "rules" or not codes:
        return rules
    if mode in ("scorer", "party"):
        return sides(codes, proba, party=mode == "party")
    src, tgt = rules
    if mode == "prune":  # the rules' sides without the countries the scorer reads as neither
        gone = {c for c, p in zip(codes, proba, strict=True) if p[0] >= floor}
        return [c for c in src if c not in gone], [c for c in tgt if c not in gone]
    # fill: the rules' sides, a side they leave empty from the scorer
    source, target = sides(codes, proba, floor)
    if not src:
        src = [c for c in source if c not in tgt]
    if not tgt and set(src) != set(source):
        tgt = [c for c in target if c not in src]
    elif not tgt:
        tgt = [c for c in target if c not in src] or (list(src) if len(src) == 2 and len(source) == 2 else [])
    return src, tgt


def article_candidates(article: Article, event: Event, countries: Sequence[CountryRef], entities: Sequence[Entity],
                       places: Sequence[Place], kb: KnowledgeBase, parses: Parses) -> list[Candidate]:
    """:func:`candidates` from the pipeline's facts."""
    return candidates(article.text, event, parses, article_reading(article, countries, entities, places, kb))


def probabilities(model: Model, found: Sequence[Candidate]) -> np.ndarray:
    """Each candidate's (neither, source, target) probabilities, in ``CLASSES`` order."""
    cols = [model.classes.index(c) for c in CLASSES]
    return np.vstack([model.proba(c.features)[cols] for c in found]) if found else np.zeros((0, len(CLASSES)))


def rescore(article: Article, events: Sequence[Event], countries: Sequence[CountryRef], entities: Sequence[Entity],
            places: Sequence[Place], kb: KnowledgeBase, parses: Parses,
            model: Model | None = None) -> list[Event]:
    """The events, the main one's country sides decided as the shipped scorer's meta says
    (``mode``, ``floor``); unchanged when no scorer ships or its mode is "rules"."""
    model = model if model is not None else classifier.load(NAME)
    mode = str(model.meta.get("mode", "rules")) if model is not None else "rules"
    if model is None or mode == "rules" or not events:
        return list(events)
    main = events[0]
    found = article_candidates(article, main, countries, entities, places, kb, parses)
    source, target = decide(mode, main, [c.code for c in found], probabilities(model, found),
                            float(model.meta.get("floor", 0.5)))
    return [replace(main, source=tuple(source), target=tuple(target)), *events[1:]]
