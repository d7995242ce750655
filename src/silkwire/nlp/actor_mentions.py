"""Who a phrase of a parsed sentence names: a state, a bloc, a person, a place — for event actors.

The pipeline's facts (countries, entities, places) are turned into :class:`Mention` rows, each
saying what its span stands for; :func:`phrase_actors` then reads one argument of a trigger (a
token of the parse and its name-like dependents) as :class:`Actor` values:

- a country name or a capital used for the state (the pipeline has already told "à Astana",
  a place, from "Astana a salué", the state) is the state;
- a demonym qualifies a state only on a state noun ("le président russe", "la police
  italienne"), never on another noun ("l'acteur américain", "le groupe kazakhstanais"); a
  state noun followed by "de" + a country is that country's ("le président de l'Ouzbékistan");
  a lone state noun ("le gouvernement") takes the country of the title's rubric ("Inde : ...");
- a known person holding an office (knowledge base roles, at the article's date when it has
  one) stands for the state or the organisation of that office, and is an actor entity;
  another person is an actor entity alone;
- an organisation, a bloc or a region (UE, Bruxelles, OTSC, C5+1, Asie centrale) is an actor
  with its own id, not its members;
- a place is an actor only as the host of a visit (decided by the caller).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

from silkwire.model import CountryRef, Entity, Place, Span
from silkwire.nlp.kb import KnowledgeBase
from silkwire.nlp.spacy_model import ParsedToken
from silkwire.nlp.textmatch import fold_same_length

WORD_CLASSES = ("state", "host", "motion", "party", "locative", "context", "absent", "patient", "meeting", "visit",
                "leg", "collective")
_NAME_DEPS = frozenset({"flat:name", "flat", "flat:foreign", "appos", "amod", "compound", "fixed", "nummod"})


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    kind: str  # state | demonym | people | place | person | org | region
    code: str | None = None  # the country it names or belongs to
    entity: str | None = None  # entity id (person, organisation, region)
    capital: bool = False  # a capital the pipeline read as a place: the state after "menaces du Caire"


@dataclass(frozen=True, slots=True)
class Actor:
    span: Span
    code: str | None = None  # a state (ISO code)
    entity: str | None = None  # a person, organisation or bloc id
    place: bool = False  # named as a place: a party only as the host of a visit
    bloc: bool = False  # an international organisation or a region: many states, none named
    capital: bool = False  # a place that is a capital: the state when it acts or is acted upon
    member: bool = False  # the state of an organisation, company or group: a target, never a source


def read_words(text: str) -> dict[str, frozenset[str]]:
    """Rows of ``data/actors_fr.tsv`` (class <TAB> words): folded words per class."""
    out: dict[str, set[str]] = {c: set() for c in WORD_CLASSES}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, words = line.partition("\t")
        if kind not in out or not words.strip():
            raise ValueError(f"actors_fr.tsv:{number}: unknown class {kind!r} or no words")
        out[kind].update(fold_same_length(w.strip()) for w in words.split("|") if w.strip())
    return {k: frozenset(v) for k, v in out.items()}


@functools.lru_cache(maxsize=1)
def words() -> dict[str, frozenset[str]]:
    return read_words((resources.files("silkwire.nlp") / "data" / "actors_fr.tsv").read_text(encoding="utf-8"))


def folded(token: ParsedToken) -> str:
    return fold_same_length(token.text)


# -- mentions -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _demonyms(kb: KnowledgeBase) -> frozenset[str]:
    return frozenset(fold_same_length(d) for c in kb.countries.values() for d in c.demonyms)


@functools.lru_cache(maxsize=4)
def _capitals(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    return {c.code: frozenset(fold_same_length(x) for x in c.capitals) for c in kb.countries.values()}


def build_mentions(text: str, countries: Sequence[CountryRef], entities: Sequence[Entity],
                   places: Sequence[Place], kb: KnowledgeBase) -> list[Mention]:
    """What each fact's span stands for (module doc), in text order."""
    place_spans = {s: p.country for p in places for s in p.spans}
    demonyms = _demonyms(kb)
    out: list[Mention] = []
    for c in countries:
        for s, e in c.spans:
            surface = text[s:e]
            if (s, e) in place_spans:
                capital = fold_same_length(surface) in _capitals(kb).get(c.code, ())
                out.append(Mention(s, e, "place", c.code, capital=capital))
            elif surface[:1].islower():  # an adjective or a compound's prefix ("indo-iranien")
                out.append(Mention(s, e, "demonym", c.code))
            elif fold_same_length(surface) in demonyms:  # "un Russe": a person; "les Palestiniens": the state
                out.append(Mention(s, e, "people", c.code))
            else:
                out.append(Mention(s, e, "state", c.code))
    for (s, e), code in place_spans.items():
        if not any(m.start == s and m.end == e for m in out):
            capital = code is not None and fold_same_length(text[s:e]) in _capitals(kb).get(code, ())
            out.append(Mention(s, e, "place", code, capital=capital))
    taken = [(m.start, m.end) for m in out if m.kind != "place"]
    for ent in entities:
        kind = {"PER": "person", "ORG": "org", "LOC": "region"}.get(ent.type)
        if kind is None:
            continue
        for s, e in ent.spans:
            if not any(a <= s and e <= b for a, b in taken):
                out.append(Mention(s, e, kind, ent.country, ent.id))
    return sorted(out, key=lambda m: (m.start, -m.end))


def office_of(kb: KnowledgeBase, person: str, published: str | None) -> str | None:
    """The state (ISO code) or organisation id a known person acts for: the office the knowledge
    base gives on the article's date, or the latest one when the article has no date."""
    record = kb.people.get(person)
    if record is None or not record.roles:
        return None
    if published:
        day = dt.date.fromisoformat(published[:10])
        current = [r for r in record.roles if r.covers(day)]
        return current[0].of if current else None
    return max(record.roles, key=lambda r: r.start or "").of


_RUBRIC = re.compile(r"^\s*([^:\n]{2,40}?)\s*:")


def rubric_country(text: str, mentions: Sequence[Mention]) -> str | None:
    """The country of a "Pays :" rubric at the head of the title, if any."""
    m = _RUBRIC.match(text)
    if m is None:
        return None
    inside = [x for x in mentions if x.start >= m.start(1) and x.end <= m.end(1) and x.kind in ("state", "place")]
    codes = {x.code for x in inside}
    return inside[0].code if len(codes) == 1 else None


# -- phrases --------------------------------------------------------------------------------------


class Tree:
    """A parsed sentence with its children lists."""

    def __init__(self, tokens: Sequence[ParsedToken]) -> None:
        self.tokens = tuple(tokens)
        self.children: list[list[int]] = [[] for _ in self.tokens]
        for i, t in enumerate(self.tokens):
            if t.head != i and 0 <= t.head < len(self.tokens):
                self.children[t.head].append(i)

    def kids(self, i: int, *deps: str) -> list[int]:
        return [k for k in self.children[i] if not deps or self.tokens[k].dep in deps]

    def case(self, i: int) -> str:
        """The folded preposition(s) of a nominal ("à l'encontre", "au", "de"), "" when none."""
        marks = [k for k in self.children[i] if self.tokens[k].dep in ("case", "mark") and k < i]
        if not marks:
            return ""
        words = [folded(self.tokens[k]) for k in marks]
        fixed = [folded(self.tokens[f]) for k in marks for f in self.kids(k, "fixed")]
        return " ".join(words + fixed).replace("' ", "'").replace(" '", "'")

    def subtree(self, i: int) -> list[int]:
        out, todo = [], [i]
        while todo:
            k = todo.pop()
            out.append(k)
            todo.extend(self.children[k])
        return sorted(out)

    def text(self, i: int) -> str:
        toks = [self.tokens[k] for k in self.subtree(i)]
        return " ".join(fold_same_length(t.text) for t in toks)


def _name_tokens(tree: Tree, i: int) -> list[int]:
    out, todo = [], [i]
    while todo:
        k = todo.pop()
        out.append(k)
        todo.extend(c for c in tree.children[k] if tree.tokens[c].dep in _NAME_DEPS)
    return out


def _covering(mentions: Sequence[Mention], token: ParsedToken) -> list[Mention]:
    return [m for m in mentions if m.start < token.end and token.start < m.end]


@dataclass(frozen=True, slots=True)
class Reading:
    """What the phrase readers need besides the parse."""

    text: str
    mentions: Sequence[Mention]
    kb: KnowledgeBase
    published: str | None
    rubric: str | None
    offices: Mapping[str, str] = field(default_factory=dict)  # person id -> the state the text gives its office


def phrase_actors(tree: Tree, i: int, reading: Reading, coordinated: bool = True) -> list[Actor]:
    """The actors named by the argument headed by token ``i`` and its coordinated ones (module doc)."""
    found = _one_phrase(tree, i, reading)
    if coordinated:
        for k in tree.kids(i, "conj"):
            found += phrase_actors(tree, k, reading)
        found += [a for a in chained(reading, found) if a not in found and not _other_subject(tree, i, a)]
    return found


def _other_subject(tree: Tree, i: int, actor: Actor) -> bool:
    """A name the text lists after the phrase that is the subject of another clause ("les
    accusations de Berlin, Washington accuse à son tour"): no part of the list."""
    k = next((n for n, t in enumerate(tree.tokens) if t.start <= actor.span[0] < t.end), None)
    if k is None or k == i:
        return False
    tok = tree.tokens[k]
    return tok.dep in ("nsubj", "nsubj:pass") and tok.head not in (i, tree.tokens[i].head)


_JOIN = re.compile(r"\s*(?:,|,?\s*et|-|–|—|/)\s*(?:(?:le|la|les|son|sa|ses)\s+|l['’]\s*)?", re.IGNORECASE)
_PARTIES = frozenset({"state", "person", "org", "region"})


def _mention_actors(m: Mention, reading: Reading) -> list[Actor]:
    span = (m.start, m.end)
    if m.kind in ("state", "demonym"):
        return [Actor(span, code=m.code)]
    if m.kind == "person" and m.entity:
        office = office_of(reading.kb, m.entity, reading.published) or reading.offices.get(m.entity)
        first = [] if not office else [Actor(span, code=office) if len(office) == 2
                                       else Actor(span, entity=office, bloc=True)]
        return [*first, Actor(span, entity=m.entity)]
    if m.kind in ("org", "region") and m.entity:  # "les talibans" (AF), "Rosatom" (RU): their state too
        own = [Actor(span, code=m.code, member=True)] if m.code else []
        return [*own, Actor(span, entity=m.entity, bloc=m.code is None)]
    return []


def chained(reading: Reading, found: Sequence[Actor]) -> list[Actor]:
    """Mentions coordinated in the text with those found ("Bakou, Astana et Tachkent",
    "arméno-azerbaïdjanais"), whatever the parser made of the list."""
    ms = [m for m in reading.mentions if m.kind in _PARTIES or m.kind == "demonym"]
    spans = {a.span for a in found}
    index = [n for n, m in enumerate(ms) if (m.start, m.end) in spans]
    out: list[Actor] = []
    for n in index:
        family = ms[n].kind == "demonym"
        for step in (-1, 1):
            k = n
            while 0 <= k + step < len(ms):
                a, b = (ms[k + step], ms[k]) if step < 0 else (ms[k], ms[k + step])
                nxt = ms[k + step]
                if (nxt.kind == "demonym") != family or not _JOIN.fullmatch(reading.text[a.end:b.start]):
                    break
                out += _mention_actors(nxt, reading)
                k += step
    return out


def _one_phrase(tree: Tree, i: int, reading: Reading) -> list[Actor]:
    head = tree.tokens[i]
    state_noun = folded(head) in words()["state"]
    out: list[Actor] = []
    for k in _name_tokens(tree, i):
        modifier = tree.tokens[k].dep == "amod"
        for m in _covering(reading.mentions, tree.tokens[k]):
            span = (m.start, m.end)
            if any(a.span == span for a in out):
                continue
            if (m.kind == "state" and not modifier) or (m.kind == "demonym" and state_noun and k != i):
                out.append(Actor(span, code=m.code))
            elif m.kind == "place" and not modifier:
                out.append(Actor(span, code=m.code, place=True, capital=m.capital))
            elif m.kind == "people" and reading.text[m.start:m.end].endswith(("s", "x")) and k == i:
                out.append(Actor(span, code=m.code))  # "les Palestiniens menacent"
            elif m.kind in ("person", "org", "region") and m.entity and not modifier:
                out += _mention_actors(m, reading)
    if state_noun:
        for k in tree.kids(i, "nmod"):
            if tree.case(k) in ("de", "du", "des", "d'", "de la", "de l'"):
                # "le gouvernement de Tripoli", "le président de l'Ouzbékistan", "les militaires du
                # Bélarus, du Kazakhstan et de Russie": those states
                out += [Actor(a.span, a.code, a.entity, bloc=a.bloc) for a in phrase_actors(tree, k, reading)]
        if not any(a.code for a in out) and reading.rubric and head.pos == "NOUN":
            out.append(Actor((head.start, head.end), code=reading.rubric))
    return out


def is_collective(tree: Tree, i: int) -> bool:
    """Does the argument headed by ``i`` name many unnamed parties (module data: collective)?"""
    phrase = tree.text(i)
    return any(re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", phrase) for w in words()["collective"])
