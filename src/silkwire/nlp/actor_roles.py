"""The arguments of an event's trigger in the dependency parse: who acts, on whom, with whom,
where (:class:`Roles`), for :mod:`silkwire.nlp.actors`, which turns them into the event's sides.

- a verb's subject acts — its passive agent ("par ...") when the verb is passive, the subject
  then being acted upon; a conjoined or controlled verb inherits its head's subject
  (:mod:`silkwire.nlp.actor_subjects`, whose ``trigger_token`` is re-exported here);
- the object and the arguments after a party preposition ("à Moscou", "avec la Chine", "contre
  Kiev") are acted upon; an object that names nobody lends its own complements ("signe un accord
  avec la Chine", "dénonce les accusations de Berlin", "annule son déplacement au Kazakhstan");
- a noun trigger takes its complements ("les sanctions de l'UE contre la Russie", "la frappe
  israélienne", "un accord entre A et B", "le sommet de Bichkek") and the subject of the verb
  it is the object of ("A signe un accord avec B");
- a route or backdrop preposition ("depuis le sol russe", "via la Russie", "entre Chine et
  Russie" on another word than the trigger) makes no party; a place is only ever a host.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from silkwire.nlp.actor_mentions import Actor, Reading, Tree, chained, folded, is_collective, phrase_actors, words
from silkwire.nlp.actor_subjects import (
    SUBJECTS,
    inverted_subject,
    is_passive,
    own_subjects,
    passive_agents,
    subject_candidates,
    trigger_token,
)
from silkwire.nlp.events import SYMMETRIC

# Types whose noun's "de" complement is acted upon ("l'arrestation de X"); else it acts ("la visite de X").
_DE_PATIENT = frozenset({"COERCE", "ASSAULT", "RETREAT", "CONCEDE"})
_OF = frozenset({"de", "du", "des", "d'", "de la", "de l'"})
_TO_PATIENT = frozenset({"AID"})  # where it is sent receives it: "envoie des secouristes en Turquie"
# Types whose "au X" is addressed, however the parser hangs it ("demande des garanties au Turkménistan").
_ADDRESSED = frozenset({"REQUEST", "THREATEN", "AID"})
_ABOUT = frozenset({"SUPPORT", "ACCUSE", "REQUEST", "THREATEN", "REJECT"})  # "X estime que Y...": Y is the target


@dataclass(slots=True)
class Roles:
    """The trigger's arguments, read off the parse."""

    agents: list[Actor] = field(default_factory=list)
    patients: list[Actor] = field(default_factory=list)
    partners: list[Actor] = field(default_factory=list)  # both sides of a joint act ("entre A et B")
    hosts: list[Actor] = field(default_factory=list)  # where a visit or meeting happens
    collective: bool = False

    def empty(self) -> bool:
        return not (self.agents or self.patients or self.partners)


__all__ = ["Roles", "add", "after_colon", "read_roles", "trigger_token"]  # trigger_token: actor_subjects.py


def _states(found: list[Actor]) -> list[Actor]:
    """The parties among ``found``: no place, but a capital standing for its state ("du Caire")."""
    return [Actor(a.span, a.code, a.entity, bloc=a.bloc, member=a.member) if a.capital else a
            for a in found if not a.place or a.capital]


def add(target: list[Actor], found: list[Actor]) -> None:
    target.extend(a for a in found if a not in target)


def _oblique(tree: Tree, k: int, kind: str, roles: Roles, reading: Reading, bare: bool = False,
             deep: bool = False) -> None:
    """One prepositional argument of the trigger (or of its support verb; ``deep``: of a verb the
    trigger governs, whose "au X" is a place unless the parser makes it an argument)."""
    case = tree.case(k)
    first = case.split(" ")[0] if case else ""
    if case in words()["context"] or first in words()["context"]:
        return
    found = phrase_actors(tree, k, reading)
    dep = tree.tokens[k].dep
    if kind in SYMMETRIC and (not case or case in words()["party"] or first in words()["party"]):
        roles.collective |= is_collective(tree, k)  # "réunit les présidents des cinq républiques"
    if case == "en" and tree.tokens[k].pos == "NOUN":
        # a locution's noun ("met en garde Israël", "met en cause Moscou"): its bare complement is the target
        bare_complement = [a for c in tree.kids(k, "nmod", "appos", "flat:name") if not tree.case(c) and c > k
                           for a in _states(phrase_actors(tree, c, reading))]
        if bare_complement:
            add(roles.patients, bare_complement)
            return
    if not found:
        return
    if not case and bare:  # a misparsed object: "a réuni mardi à Astana les présidents"
        add(roles.partners if kind in SYMMETRIC else roles.patients, [a for a in found if not a.place])
    elif case in words()["party"] or first in words()["party"]:
        add(roles.partners if kind in SYMMETRIC else roles.patients, found)
    elif case in words()["locative"] or first in ("a", "au", "aux", "en", "dans"):
        if kind == "CONSULT" or kind == "AGREE":
            add(roles.hosts, found)
        elif kind in _TO_PATIENT and first in ("a", "au", "aux", "en"):
            add(roles.patients, _states(found))
        elif case == "a" or (first in ("au", "aux")
                             and (dep in ("obl:arg", "iobj") or (kind in _ADDRESSED and not deep))):
            # "demande à Moscou", "livre des armes au Mali", "un ultimatum à Moscou" (not "arrêté à Moscou")
            near = dep in ("nmod", "obl:arg", "iobj")
            add(roles.patients, _states(found) if near else [a for a in found if not a.place])
    elif case in _OF and dep == "obl:arg":
        add(roles.patients, [a for a in found if not a.place])  # "se retire de l'OMS"


def _verbal(tree: Tree, v: int, kind: str, roles: Roles, reading: Reading, objects_only: bool = False) -> None:
    host_verb = folded(tree.tokens[v]) in words()["host"]
    passive = is_passive(tree, v)
    inverted = None if objects_only else inverted_subject(tree, v)
    if inverted is not None:  # « ... », accuse Téhéran
        add(roles.agents, phrase_actors(tree, inverted, reading))
        head = tree.tokens[v].head
        if kind in _ABOUT and head < v:  # the quoted clause's subject is what is spoken of
            for s in own_subjects(tree, head):
                add(roles.patients, [a for a in phrase_actors(tree, s, reading) if not a.place]
                    or _demonyms(tree, s, reading))
    elif not objects_only:
        subjects: list[Actor] = []
        for candidates in subject_candidates(tree, v):  # the nearest that names an actor
            subjects = [a for s in candidates for a in phrase_actors(tree, s, reading)]
            roles.collective |= any(is_collective(tree, s) for s in candidates)
            if subjects or candidates == own_subjects(tree, v):
                break
        agents = [a for k in passive_agents(tree, v) for a in phrase_actors(tree, k, reading)]
        if passive:
            subjects, agents = agents, subjects
        if host_verb:  # the subject of "recevoir" is the host; a passive "reçu" has the visitor as subject
            add(roles.hosts, subjects)
            add(roles.agents, agents)
        else:
            add(roles.agents, subjects)
            add(roles.patients, agents)
    for k in tree.kids(v, "obj", "iobj"):
        if k == inverted:
            continue
        found = phrase_actors(tree, k, reading)
        roles.collective |= bool(found) and is_collective(tree, k)
        add(roles.agents if host_verb else roles.patients, [a for a in found if not a.place])
        if not found:  # "signe un accord avec la Chine", "impose des sanctions contre la Russie"
            _event_noun(tree, k, kind, roles, reading, host_verb, deep=objects_only)
    for k in tree.kids(v, "obl", "obl:arg", "obl:mod"):
        if host_verb and tree.case(k) in ("des", "de", "du") and folded(tree.tokens[k]) in words()["meeting"]:
            _event_noun(tree, k, kind, roles, reading, host_verb)  # "accueille des pourparlers ..."
        else:
            _oblique(tree, k, kind, roles, reading, bare=k > v and not objects_only, deep=objects_only)
    for k in tree.kids(v, "advmod"):  # "hausse le ton vis-à-vis de la Russie": the parser's adverb
        if folded(tree.tokens[k]) in words()["party"]:
            for c in tree.kids(k, "nmod", "obl", "obl:arg", "obl:mod"):
                add(roles.partners if kind in SYMMETRIC else roles.patients, _states(phrase_actors(tree, c, reading)))
    for k in tree.kids(v, "xcomp", "acl"):
        if tree.tokens[k].pos == "VERB" and k > v:  # "menace de frapper X", "veut signer un accord avec Y"
            _verbal(tree, k, kind, roles, reading, objects_only=True)
    if not objects_only and not roles.patients and kind in _ABOUT:  # "convaincu que Loukachenko surmontera"
        for k in tree.kids(v, "ccomp"):
            add(roles.patients, [a for s in own_subjects(tree, k) for a in phrase_actors(tree, s, reading)
                                 if not a.place])


def _demonyms(tree: Tree, k: int, reading: Reading) -> list[Actor]:
    """The states of the demonyms qualifying a noun that names no actor ("l'offensive turque")."""
    if phrase_actors(tree, k, reading, coordinated=False):
        return []
    return [Actor((m.start, m.end), code=m.code) for a in tree.kids(k, "amod") for m in reading.mentions
            if m.kind == "demonym" and m.start < tree.tokens[a].end and tree.tokens[a].start < m.end]


def _event_noun(tree: Tree, k: int, kind: str, roles: Roles, reading: Reading, host_verb: bool,
                deep: bool = False) -> None:
    """The object of the trigger verb names no actor: read its own complements ("un accord avec
    la Chine"); after "accueillir", its parties are the visitors ("des pourparlers arméno-azerbaïdjanais").
    ``deep``: the object of a verb the trigger governs, whose place ("à Hong Kong") is only a place."""
    if host_verb and folded(tree.tokens[k]) in words()["meeting"]:
        inner = Roles()
        _nominal(tree, k, kind, inner, reading, support=False)
        add(roles.agents, inner.agents + inner.partners + inner.patients)
        return
    if folded(tree.tokens[k]) in words()["visit"]:  # "annule son déplacement au Kazakhstan et en Ouzbékistan"
        inner = Roles()
        _nominal(tree, k, "CONSULT", inner, reading, support=False)
        add(roles.hosts if kind in SYMMETRIC else roles.patients, inner.hosts)
    add(roles.patients, _demonyms(tree, k, reading))  # "condamne l'offensive turque"
    for c in tree.kids(k, "nmod"):
        if tree.case(c) in _OF:  # "dénonce les accusations de Berlin", "la cessation de l'offensive turque"
            add(roles.patients, _states(phrase_actors(tree, c, reading)) or _demonyms(tree, c, reading))
        elif deep and tree.case(c).split(" ")[0] in ("a", "au", "aux", "en", "dans"):
            continue  # "demande à la Chine de respecter les journalistes à Hong Kong"
        else:
            _oblique(tree, c, kind, roles, reading)
    for c in tree.kids(k, "acl"):  # "lève l'interdiction visant les talibans"
        for o in tree.kids(c, "obj"):
            add(roles.patients, [a for a in phrase_actors(tree, o, reading) if not a.place])


_POSSESSIVES = frozenset({"son", "sa", "ses", "leur", "leurs"})


def _possessive(tree: Tree, n: int) -> bool:
    """The noun or its "de" complement is owned by someone the sentence named ("son retrait",
    "le retrait de leurs troupes")."""
    nouns = [n, *[k for k in tree.kids(n, "nmod") if tree.case(k) in _OF]]
    return any(folded(tree.tokens[d]) in _POSSESSIVES for k in nouns for d in tree.kids(k, "det", "nmod:poss"))


def _topic(tree: Tree) -> int:
    """The sentence's first nominal that is a root or a subject: what it is about."""
    return next((k for k, t in enumerate(tree.tokens) if t.pos in ("PROPN", "NOUN")
                 and (t.head == k or t.dep in SUBJECTS)), 0)


def _nominal(tree: Tree, n: int, kind: str, roles: Roles, reading: Reading, support: bool = True) -> None:
    noun = folded(tree.tokens[n])
    has_agent = any(tree.case(k) == "par" for k in tree.kids(n, "nmod"))
    modifiers = tree.kids(n, "amod") + [a for k in tree.kids(n, "nmod") if tree.case(k) in _OF and not
                                         phrase_actors(tree, k, reading) for a in tree.kids(k, "amod")]
    for k in modifiers:  # "la frappe israélienne", "des exercices russo-ouzbeks", "pourparlers de paix arméno-..."
        found = [a for a in phrase_actors(tree, k, reading, coordinated=False) if a.code]
        demonyms = [m for m in reading.mentions if m.kind == "demonym" and m.start < tree.tokens[k].end
                    and tree.tokens[k].start < m.end]
        if folded(tree.tokens[k]).startswith("anti-"):  # "les sanctions anti-Iran", "des mesures anti-russes"
            tok = tree.tokens[k]
            add(roles.patients, [Actor((m.start, m.end), code=m.code) for m in reading.mentions
                                 if m.code and m.kind in ("state", "demonym", "people")
                                 and m.start < tok.end and tok.start < m.end])
        elif demonyms:
            codes = [Actor((m.start, m.end), code=m.code) for m in demonyms]
            codes += [a for a in chained(reading, codes) if a.code and a not in codes]
            add(roles.partners if len(codes) >= 2 else roles.agents, codes)
        else:
            add(roles.agents, found)
    for a in tree.kids(n, "amod"):  # "un affrontement meurtrier entre l'Inde et la Chine": the adjective took it
        for k in tree.kids(a, "obl:mod", "obl", "nmod"):
            if tree.case(k) == "entre":
                add(roles.partners, [x for x in phrase_actors(tree, k, reading) if not x.place])
    for k in tree.kids(n, "nmod"):
        case = tree.case(k)
        if folded(tree.tokens[k]) in words()["absent"]:
            continue  # "un sommet en l'absence de l'Arménie"
        found = phrase_actors(tree, k, reading)
        if not found and case and case not in _OF and case not in words()["context"]:
            # "son soutien à la souveraineté de l'Irak", "l'offensive contre le régime syrien"
            inner = [a for c in tree.kids(k, "nmod") if tree.case(c) in _OF
                     for a in _states(phrase_actors(tree, c, reading))] or _demonyms(tree, k, reading)
            add(roles.partners if kind in SYMMETRIC else roles.patients, inner)
            continue
        if not found:
            continue
        if case in _OF and kind in SYMMETRIC and all(a.place for a in found):
            add(roles.hosts, found)  # "le sommet de Bichkek"
        elif case in _OF:
            patient = kind in _DE_PATIENT or noun in words()["patient"] or has_agent
            add(roles.patients if patient else roles.agents, _states(found))  # "les menaces du Caire"
        elif case == "par":
            add(roles.agents, found)
        elif case == "entre" or (case == "" and tree.tokens[k].pos == "PROPN" and not tree.kids(k, "det")):
            add(roles.partners, [a for a in found if not a.place])
        else:
            _oblique(tree, k, kind, roles, reading)
    tok = tree.tokens[n]
    head = tok.head
    if noun in words()["visit"] and head != n and folded(tree.tokens[head]) in words()["leg"]:
        leg = tree.tokens[head]  # "attendu à Achgabat, première étape d'une tournée": Achgabat is a leg
        if leg.dep in ("conj", "appos") and leg.head != head:
            add(roles.hosts, phrase_actors(tree, leg.head, reading, coordinated=False))
    if not support:
        return
    if head != n and tree.tokens[head].pos in ("PROPN", "NOUN") and tree.case(n) in ("en", "", "pour"):
        add(roles.agents, phrase_actors(tree, head, reading))  # "Xi Jinping en visite à Douchanbé"
        if kind in SYMMETRIC and noun in words()["visit"]:  # "Un ministre japonais à Astana pour une visite"
            for k in tree.kids(head, "nmod"):
                if k != n and tree.case(k) in ("a", "au", "aux", "en"):
                    add(roles.hosts, phrase_actors(tree, k, reading))
    if not roles.agents and _possessive(tree, n):  # "les Etats-Unis ... le retrait de leurs troupes"
        add(roles.agents, [a for a in phrase_actors(tree, _topic(tree), reading) if not a.place])
    at = n  # the word that hangs on the support verb: a quantity's ("livre cinquante tonnes d'aide")
    if head != n and tree.tokens[head].pos == "NOUN" and tok.dep == "nmod" and tree.case(n) in _OF \
            and tree.kids(head, "nummod") and tree.tokens[head].head != head:
        at, head = head, tree.tokens[head].head
        tok = tree.tokens[at]
    if head != at and _misread_verb(tree, head) and tok.dep in ("obj", "nmod") and not tree.case(at):
        _verbal(tree, head, kind, roles, reading)  # "l'Ouzbékistan livre (tagged a noun) cinquante tonnes d'aide"
    elif head != at and tree.tokens[head].pos == "VERB":
        if tok.dep == "obj" or tok.dep.startswith("obl"):  # support verb: "A signe un accord", "A participe au sommet"
            _verbal(tree, head, kind, roles, reading)
        elif tok.dep in SUBJECTS:  # "l'accord signé par A", "le sommet s'ouvre à Samarcande"
            for k in tree.kids(head, "obl:agent"):
                add(roles.agents, phrase_actors(tree, k, reading))
            for k in tree.kids(head, "obl", "obl:mod", "obl:arg"):
                _oblique(tree, k, kind, roles, reading)
    for k in tree.kids(n, "acl", "acl:relcl"):  # "un accord signé par A et B", "le sommet, qui s'est tenu à Bichkek"
        if tree.tokens[k].pos == "VERB":
            for a in tree.kids(k, "obl:agent"):
                add(roles.agents, phrase_actors(tree, a, reading))
            for o in tree.kids(k, "obl", "obl:mod", "obl:arg"):
                _oblique(tree, o, kind, roles, reading)


def after_colon(tree: Tree, n: int) -> int | None:
    """The verb of "Exercices militaires : le Pakistan et le Tadjikistan affûtent leurs forces"."""
    colon = next((k for k in range(n + 1, len(tree.tokens)) if tree.tokens[k].text == ":"), None)
    if colon is None:
        return None
    return next((k for k in range(colon + 1, len(tree.tokens)) if tree.tokens[k].pos == "VERB"
                 and tree.tokens[k].dep in ("ROOT", "parataxis", "conj", "dep")), None)


def _misread_verb(tree: Tree, t: int) -> bool:
    """A verb the tagger took for a noun: it has a subject and no determiner ("Le Pakistan
    menace Israël", "Trump juge Pékin responsable")."""
    tok = tree.tokens[t]
    return tok.pos == "NOUN" and bool(tree.kids(t, "nsubj")) and not tree.kids(t, "det", "case")


def _bare(tree: Tree, k: int, reading: Reading) -> list[Actor]:
    """The parties a name-like dependent names, whatever relation the parser gave it."""
    found = phrase_actors(tree, k, reading)
    if not found:
        tok = tree.tokens[k]
        found = [Actor((m.start, m.end), code=m.code) for m in reading.mentions
                 if m.kind == "state" and m.start < tok.end and tok.start < m.end]
    return [a for a in _states(found)]


def read_roles(tree: Tree, t: int, kind: str, reading: Reading) -> Roles:
    """The arguments of the trigger token ``t`` of an event of type ``kind`` (module doc)."""
    roles = Roles()
    if tree.tokens[t].pos in ("VERB", "AUX"):
        _verbal(tree, t, kind, roles, reading)
    elif _misread_verb(tree, t):
        _verbal(tree, t, kind, roles, reading)
        for k in tree.kids(t, "flat:name", "amod", "nmod", "appos", "obj"):
            if k > t and not tree.case(k):
                add(roles.partners if kind in SYMMETRIC else roles.patients, _bare(tree, k, reading))
    else:
        _nominal(tree, t, kind, roles, reading)
        verb = after_colon(tree, t) if tree.tokens[t].head == t and roles.empty() else None
        if verb is not None:
            inner = Roles()
            _verbal(tree, verb, kind, inner, reading)
            add(roles.agents, inner.agents)
    return roles
