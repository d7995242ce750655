"""Features of the title's main predicate, read off the dependency parse, for the event model
(nlp/features.py group ``parse``).

The annotation guide makes the title carry the main event (docs/annotation-events.md §4), and
the title is always parsed (nlp/parsing.py). From its main predicate (nlp/actors.py
``predicate``: the verb after a rubric's colon, else the first verb root) the features are:

- ``p:l=<lemma>``: the predicate's lemma (the lemma table's, folded), and ``p:pos=<POS>``;
- ``p:pass``: the predicate is passive (an ``aux:pass`` dependent, or a bare past participle
  as headline French writes it: "Le président kazakh reçu à Moscou");
- ``p:<role>=<kind>`` for the subject (``subj``), the object (``obj``) and the arguments after
  "à", "avec" and "contre", where ``kind`` says what the argument names: ``country`` (a country,
  its capital or a demonym), ``person``, ``org`` (an organisation, a bloc, a region) or ``other``;
  ``p:subj=none`` / ``p:obj=none`` when there is none;
- ``p:<lemma>|<role>=<kind>``: the lemma conjoined with each argument's kind;
- ``p:mod=<lemma>`` (only with ``follow_modals``): the title's root was a modal or support verb
  ("veut", "doit", "va", "décide de", ``SUPPORT``) with an infinitive ``xcomp`` ("veut signer"):
  the infinitive is the predicate (its lemma, object and arguments), the support verb a
  feature, the subject the support verb's (measured in bench/parse_features.py, off);
- ``p:trig=<TYPE>``: the predicate is a trigger of the event lexicon of that type; and
  ``p:lead=<TYPE>``: the lead's first sentence has its own predicate, and it is a trigger of
  that type (the lead's first sentence is parsed only when it holds a trigger: nlp/parsing.py).

:func:`read` returns the feature names and the predicate's lower-case word (the vector of which
is the ``p:vec`` dense block). It needs the parse, the pipeline's countries and entities and the
rule layer's trigger hits; spaCy is not imported here (the parse is plain tokens).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from silkwire.model import CountryRef, Entity, Span
from silkwire.nlp.actor_mentions import Tree
from silkwire.nlp.actors import predicate
from silkwire.nlp.spacy_model import ParsedToken
from silkwire.nlp.textmatch import fold_same_length as fold

Lemmatizer = Callable[[str], str]
_SUBJECTS = ("nsubj", "nsubj:pass", "csubj")
_OBJECTS = ("obj", "ccomp", "xcomp")
_PREPOSITIONS = {"a": "a", "au": "a", "aux": "a", "avec": "avec", "contre": "contre"}
_NAME_DEPS = frozenset({"flat:name", "flat", "flat:foreign", "appos", "amod", "compound", "fixed", "nmod"})
_ENTITY_KIND = {"PER": "person", "ORG": "org", "LOC": "org"}
# Modal and support verbs followed to their infinitive (folded; the lemma table's lemma or, where
# it has none, the headline's form: "doit", "compte", "tente" come back unchanged).
SUPPORT = frozenset({"vouloir", "veut", "veulent", "devoir", "doit", "doivent", "aller", "va", "vont", "pouvoir",
                     "peut", "peuvent", "decider", "decide", "decident", "souhaiter", "compter", "compte",
                     "comptent", "esperer", "espere", "envisager", "tenter", "tente", "tentent", "chercher",
                     "cherche", "appreter", "apprete", "falloir", "faut", "venir", "vient", "promettre",
                     "promet", "s'apprete"})


@dataclass(frozen=True, slots=True)
class Predicate:
    names: tuple[str, ...] = ()  # feature names (module doc)
    word: str = ""  # the title predicate's lower-case form ("" when there is none)


def _kinds(countries: Sequence[CountryRef], entities: Sequence[Entity]) -> list[tuple[int, int, str]]:
    out = [(s, e, "country") for c in countries for s, e in c.spans]
    out += [(s, e, kind) for ent in entities if (kind := _ENTITY_KIND.get(ent.type)) for s, e in ent.spans]
    return out


def _phrase(tree: Tree, i: int) -> list[int]:
    """The argument's head and its name-like dependents, two levels down ("le président de l'Ouzbékistan")."""
    out, todo = [i], [(i, 0)]
    while todo:
        k, depth = todo.pop()
        if depth >= 2:
            continue
        for c in tree.kids(k, *_NAME_DEPS, "case", "det"):
            out.append(c)
            todo.append((c, depth + 1))
    return out


def argument_kind(tree: Tree, i: int, spans: Sequence[tuple[int, int, str]]) -> str:
    """What the argument headed by token ``i`` names (module doc): the first kind of country,
    person, org found among its name tokens, else ``other``."""
    found: set[str] = set()
    for k in _phrase(tree, i):
        tok = tree.tokens[k]
        found.update(kind for s, e, kind in spans if s < tok.end and tok.start < e)
    return next((kind for kind in ("country", "person", "org") if kind in found), "other")


def passive(tree: Tree, v: int) -> bool:
    tok = tree.tokens[v]
    if tree.kids(v, "aux:pass"):
        return True
    participle = "VerbForm=Part" in tok.morph and "Tense=Past" in tok.morph
    return participle and not tree.kids(v, "aux:tense", "aux") and tok.dep in ("ROOT", "acl", "parataxis")


def _preposition(tree: Tree, k: int) -> str | None:
    marks = [fold(tree.tokens[c].text.lower()) for c in tree.kids(k, "case") if c < k]
    return next((_PREPOSITIONS[m] for m in marks if m in _PREPOSITIONS), None)


def arguments(tree: Tree, v: int, spans: Sequence[tuple[int, int, str]]) -> dict[str, str]:
    """Role -> kind of the predicate's subject, object and "à"/"avec"/"contre" arguments."""
    out: dict[str, str] = {}
    for k in tree.kids(v):
        dep = tree.tokens[k].dep
        role = ("subj" if dep in _SUBJECTS else "obj" if dep in _OBJECTS
                else _preposition(tree, k) if dep.startswith(("obl", "iobj", "nmod")) else None)
        if role is not None and role not in out:
            out[role] = argument_kind(tree, k, spans)
    out.setdefault("subj", "none")
    out.setdefault("obj", "none")
    return out


def _tree(parses: Mapping[Span, Sequence[ParsedToken]], span: Span) -> Tree | None:
    inside = [toks for s, toks in parses.items() if span[0] <= s[0] < span[1]]
    return Tree(max(inside, key=lambda toks: (any(t.pos == "VERB" for t in toks), len(toks)))) if inside else None


def _trigger_type(token: ParsedToken, triggers: Sequence[tuple[str, int]]) -> str | None:
    return next((kind for kind, start in triggers if token.start <= start < token.end), None)


def follow_support(tree: Tree, v: int, lemma: Lemmatizer | None) -> tuple[int, str | None]:
    """(the predicate, the support verb's folded lemma or None): from a modal or support verb
    (``SUPPORT``) down its infinitive ``xcomp``, at most twice ("veut pouvoir signer")."""
    support = None
    for _ in range(2):
        tok = tree.tokens[v]
        word = fold(tok.text.lower())
        lem = fold(lemma(tok.text.lower())) if lemma is not None else word
        if lem not in SUPPORT and word not in SUPPORT:
            break
        inf = next((k for k in tree.kids(v, "xcomp") if "VerbForm=Inf" in tree.tokens[k].morph), None)
        if inf is None:
            break
        support, v = support or lem, inf
    return v, support


def read(parses: Mapping[Span, Sequence[ParsedToken]], spans: Sequence[Span], countries: Sequence[CountryRef],
         entities: Sequence[Entity], triggers: Sequence[tuple[str, int]],
         lemma: Lemmatizer | None = None, follow_modals: bool = False) -> Predicate:
    """The parse features of an article (module doc): ``spans`` are its title (or first
    sentence) and lead sentences (nlp/features.py ``sentence_spans``), ``triggers`` the (type,
    start) of the event lexicon's hits."""
    if not spans:
        return Predicate()
    names: list[str] = []
    kinds = _kinds(countries, entities)
    word = ""
    tree = _tree(parses, spans[0])
    top = predicate(tree) if tree is not None else None
    if tree is not None and top is not None:
        head, support = follow_support(tree, top, lemma) if follow_modals else (top, None)
        tok = tree.tokens[head]
        word = tok.text.lower()
        lem = fold(lemma(word) if lemma is not None else word)
        names += [f"p:l={lem}", f"p:pos={tok.pos}"]
        if support is not None:
            names.append(f"p:mod={support}")
        if passive(tree, head):
            names += ["p:pass", f"p:{lem}|pass"]
        args = arguments(tree, head, kinds)
        if support is not None and args["subj"] == "none":  # the subject hangs on the support verb
            args["subj"] = arguments(tree, top, kinds)["subj"]
        for role, kind in args.items():
            names += [f"p:{role}={kind}", f"p:{lem}|{role}={kind}"]
        names.append(f"p:trig={_trigger_type(tok, triggers) or 'none'}")
    if len(spans) > 1:
        lead = _tree(parses, spans[1])
        top = predicate(lead) if lead is not None else None
        lead_kind = _trigger_type(lead.tokens[top], triggers) if lead is not None and top is not None else None
        if lead_kind:
            names.append(f"p:lead={lead_kind}")
    return Predicate(tuple(dict.fromkeys(names)), word)
