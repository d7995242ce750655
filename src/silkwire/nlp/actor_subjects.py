"""Who a trigger's verb says acts, in the dependency parse: its subject — own, inherited from
the verb it depends on, or put after a verb of saying — and its passive agent, for
:mod:`silkwire.nlp.actor_roles`, which reads the rest of the trigger's arguments.

- a verb's subject acts — its passive agent ("par ...") when the verb is passive, the subject
  then being acted upon; a conjoined or controlled verb inherits its head's subject ("A accuse
  B et demande à C", "demande à Moscou de reconnaître"); the parser's frequent slips (the first
  conjunct of "A et B signent" left as a root, "Donald Trump accueilli" with the name as an
  adverb, the agent hung on a nearby adjunct) are read back;
- "« ... », accuse Téhéran": the name after a verb of saying behind a quote is its subject.
"""

from __future__ import annotations

from silkwire.model import Span
from silkwire.nlp.actor_mentions import Tree, folded, words

SUBJECTS = ("nsubj", "nsubj:pass", "csubj")
_RELATIVE = frozenset({"qui", "lequel", "laquelle", "lesquels", "lesquelles"})


def trigger_token(tree: Tree, span: Span) -> int | None:
    """The token of the trigger that governs the others ("met" in "met en cause")."""
    inside = [i for i, t in enumerate(tree.tokens) if t.start < span[1] and span[0] < t.end]
    if not inside:
        return None
    tops = [i for i in inside if tree.tokens[i].head not in inside or tree.tokens[i].head == i]
    return next((i for i in tops if tree.tokens[i].pos in ("VERB", "NOUN", "AUX")), tops[0] if tops else inside[0])


def is_passive(tree: Tree, v: int) -> bool:
    tok = tree.tokens[v]
    if folded(tok) in words()["motion"] or tree.kids(v, "expl:comp", "expl:pv", "expl:pass", "expl"):
        return False
    if tree.kids(v, "aux:pass"):
        return True
    participle = "VerbForm=Part" in tok.morph and "Tense=Past" in tok.morph
    return participle and not tree.kids(v, "aux:tense", "aux") and (tok.dep in ("acl", "ROOT", "parataxis", "advcl")
                                                                    or "Voice=Pass" in tok.morph)


def own_subjects(tree: Tree, v: int) -> list[int]:
    out = []
    for s in tree.kids(v, *SUBJECTS):  # "qui" of a relative clause is its antecedent
        relative = tree.tokens[s].pos == "PRON" and folded(tree.tokens[s]) in _RELATIVE
        out.append(tree.tokens[v].head if relative and tree.tokens[v].dep == "acl:relcl" else s)
    return out


def subject_candidates(tree: Tree, v: int) -> list[list[int]]:
    """The trigger's own subject, else the subjects it inherits, nearest first: the head's of a
    conjoined or subordinate verb, the controller of an infinitive ("demande à Moscou de
    reconnaître"), the noun a participle qualifies ("un opposant condamné")."""
    own = own_subjects(tree, v)
    if own:
        return [own]
    out: list[list[int]] = []
    current = v
    for _ in range(5):
        tok = tree.tokens[current]
        if tok.head == current:
            break
        if tok.dep in ("acl", "acl:relcl"):
            out.append([tok.head])
            head = tree.tokens[tok.head]
            if tok.dep == "acl" and "VerbForm=Part" in tok.morph and "Tense=Pres" in tok.morph \
                    and head.pos == "NOUN" and head.head != tok.head and tree.tokens[head.head].pos == "VERB":
                # ", menaçant d'une intervention" hung on the object of the main verb: that verb's subject
                out.append(own_subjects(tree, head.head))
            break
        if tok.dep == "xcomp":  # object control first
            controller = [k for k in tree.kids(tok.head, "obj", "iobj", "obl:arg", "obl:mod")
                          if tree.case(k) in ("", "a", "au", "aux")]
            if controller:
                out.append(controller)
        elif tok.dep not in ("conj", "ccomp", "parataxis") and not tok.dep.startswith("advcl"):
            break
        current = tok.head
        if own_subjects(tree, current):
            out.append(own_subjects(tree, current))
    # The parser often leaves the first conjunct of "A et B signent" as a root of its own, or
    # hangs the subject on the verb by another relation ("Donald Trump accueilli ...").
    tok = tree.tokens[v]
    if tok.dep in ("flat:name", "flat", "appos", "nmod", "amod", "dep") and tok.head < v:
        out.append([tok.head])
    orphans = [k for k in range(v) if tree.tokens[k].pos in ("PROPN", "NOUN") and not tree.case(k)
               and (tree.tokens[k].head == k or (tree.tokens[k].head == v and tree.tokens[k].dep in ("advmod", "dep")))]
    if orphans:
        out.append(orphans[-1:])
    return out


def inverted_subject(tree: Tree, v: int) -> int | None:
    """The subject a verb of saying puts after itself behind a quote or a comma, which the parser
    reads as its object ("« ... », accuse Téhéran", "..., estime Moscou")."""
    tok = tree.tokens[v]
    if v == 0 or own_subjects(tree, v) or tree.tokens[v - 1].pos != "PUNCT" or \
            tok.dep not in ("advcl", "parataxis", "conj", "ROOT", "ccomp") or tok.head > v:
        return None
    objects = tree.kids(v, "obj")
    if len(objects) != 1 or tree.tokens[objects[0]].pos != "PROPN":
        return None
    k = objects[0]
    between = range(v + 1, k)
    return k if all(tree.tokens[i].pos == "DET" for i in between) and len(between) <= 1 else None


def passive_agents(tree: Tree, v: int) -> list[int]:
    """The passive agent ("par ..."), also where the parser hung it on a nearby adjunct."""
    own = tree.kids(v, "obl:agent")
    if own or not is_passive(tree, v):
        return own
    near = [k for o in tree.kids(v, "obl:mod", "obj", "obl") for k in [o, *tree.kids(o, "nmod")]]
    return [k for k in near if tree.case(k) == "par"][:1]
