"""Names the knowledge base does not know: filtering the statistical NER, typing, merging.

The NER of fr_core_news_sm/md is trained on Wikipedia-style text; on news listings it tags
capitalised common words at a sentence or title start ("Tennis", "Glaciers", "Installée"),
slogans in quotes ("Connecter"), role nouns ("Premier ministre") and demonyms ("tadjiks").
Every rule below removes one such family, by its form, never by a list of names:

- the span is trimmed of leading articles/elisions and trailing punctuation or prepositions;
- it must start with a capital (or a digit), except a natural feature or a square whose
  generic head is lower case ("lac Issyk-Koul", "place Rouge");
- a one-word span that is a common French word (the model's lemmatizer lexicon) is dropped,
  and so is a longer span at a sentence start whose first word is common and whose other
  words are all lower case ("Nucléaire civil", "Corridor transafghan");
- a person's name has every word capitalised, but for name particles (von, ibn, kyzy…);
- a span the knowledge base already explains (a country, demonym, capital, known person,
  organisation or place) is left to the knowledge base; a longer ORG/MISC span that contains
  such a hit ("Conseil de sécurité de l'ONU") is kept as its own name;
- the head noun fixes the type when the model hesitates: an "Agence", "Parti", "Conseil"…
  is an ORG, a "Forum", "Sommet", "Conférence"… is an event (MISC), so is a treaty ("Accord de
  Paris", "Traité de Rome"), a domain name is a medium; a person's name after a venue noun or
  a hyphenated one after "à" names a venue, a tournament or a prize ("le stade Pierre-Mauroy",
  "s'impose à Roland-Garros"): an event (MISC), not a person;
- a name that is a known person's in another spelling is that person (one entity for
  "Khachanov" and "Khatchanov").

Within one article, unknown names are merged when one is a variant of another: same letters
after transliteration folding (Djeyhoun/Jeyhun, Baïramov/Bayramov), a surname alone for a full
name, an acronym for the words it abbreviates (RSF, Reporters sans frontières).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

from silkwire.model import Entity, Span
from silkwire.nlp.kb import KnowledgeBase, Person
from silkwire.nlp.textmatch import fold_same_length
from silkwire.textnorm import normalize_text

_LEADING = re.compile(r"^(?:(?:l'|d'|le |la |les |du |des |de |au |aux |un |une )\s*)+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:[\s'\"\-–—,.:;!?()]+|\s+(?:de|du|des|d'|l'|la|le|et|à))+$", re.IGNORECASE)
_WORD = re.compile(r"[\w'.]+")
_NAMED_ARTICLE = re.compile(r"(?:Le|La|Les) |L'")
_PARTICLES = frozenset({"de", "du", "des", "d", "von", "van", "der", "den", "la", "le", "ibn", "bin",
                        "ben", "al", "el", "kyzy", "kizi", "uulu", "ogly", "oglu", "y", "da", "dos"})
# Lower-case generic heads that start a place name in French.
_PLACE_HEADS = frozenset({"lac", "mer", "mont", "monts", "fleuve", "rivière", "île", "îles", "place",
                          "vallée", "désert", "col", "plateau", "golfe", "détroit", "canal", "parc"})
# Head nouns that make a span an organisation, or an event, whatever label the model gave.
_ORG_HEADS = frozenset({"agence", "association", "assemblée", "banque", "comité", "commission",
                        "compagnie", "conseil", "cour", "fédération", "fondation", "fonds", "groupe",
                        "institut", "ministère", "organisation", "parti", "société", "tribunal",
                        "union", "université", "académie", "bureau", "centre", "chambre"})
_EVENT_HEADS = frozenset({"forum", "sommet", "conférence", "congrès", "festival", "exposition",
                          "année", "journée", "semaine", "championnat", "coupe", "jeux", "exercice",
                          "attentat", "session", "réunion", "dialogue",
                          # a treaty or text (MISC, like an event): "Accord de Paris", "Traité de Rome"
                          "accord", "accords", "traité", "protocole", "pacte", "charte", "convention"})
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,3})$")
_SENTENCE_BEFORE = re.compile(r"(?:^|[.!?:;\"«»(—–\n]\s*)$")


@dataclass(slots=True)
class Candidate:
    """One NER mention that survived the filters, in original-text coordinates."""

    start: int
    end: int
    label: str  # PER | ORG | LOC | MISC
    text: str
    confidence: float = 1.0  # KEPT, or PLAUSIBLE: a name the junk filters would have doubted


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentence_initial(text: str, start: int) -> bool:
    """Is ``start`` the first word of a sentence, a title, a quotation or an item after ":"?"""
    return _SENTENCE_BEFORE.search(normalize_text(text[max(0, start - 4):start])) is not None


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past leading articles and trailing punctuation/prepositions; a capitalised
    article away from a sentence start stays ("l'hebdomadaire Le Point", "chez Les Républicains")."""
    surface = text[start:end]
    norm = normalize_text(surface)
    if len(norm) != len(surface):  # rare (zero-width characters): keep the span as it is
        return start, end
    lead = _LEADING.match(norm)
    named = _NAMED_ARTICLE.match(norm)
    if lead and named and named.end() == lead.end() and not sentence_initial(text, start):
        lead = None  # a capitalised article inside a sentence is the name's: "l'hebdomadaire Le Point"
    if lead:
        start += lead.end()
    tail = _TRAILING.search(norm[lead.end() if lead else 0:])
    if tail:
        end -= len(norm) - (lead.end() if lead else 0) - tail.start()
    return start, max(start, end)


_VENUE_BEFORE = re.compile(
    r"(?:\b(?:tournoi|stade|court|prix|trophée|coupe|open|aéroport|rue|avenue|boulevard|quai|pont|place|"
    r"lycée|collège|université|hôpital|station|porte|salle|théâtre|musée|fondation|institut|centre|"
    r"gare|parc|circuit|complexe|palais|arena)(?:\s+(?:de|du|des|d'|de la|de l'))?|\bà)\s*$", re.IGNORECASE)
# Nouns of a competition's time or stage: "les quarts de finale de Roland-Garros", "à un mois de
# Roland-Garros", "vainqueur de Roland-Garros" (a hyphenated name only, as after "à").
_STAGE_OF = re.compile(r"\b(?:finales?|édition|mois|semaines?|jours|veille|vainqueure?|titre|championne?|"
                       r"lauréate?|tableau|qualifications)\s+(?:de|du|d')\s*$", re.IGNORECASE)


def venue_name(text: str, start: int, end: int) -> bool:
    """A person's name used for a venue, a tournament or a prize ("à Roland-Garros", "le stade
    Pierre-Mauroy", "le prix Goncourt", "quarts de finale de Roland-Garros"): after a venue noun,
    or a hyphenated name after "à" or a noun of a competition's stage."""
    before = normalize_text(text[max(0, start - 30):start])
    hyphenated = "-" in text[start:end] and " " not in text[start:end]
    if hyphenated and _STAGE_OF.search(before):
        return True
    m = _VENUE_BEFORE.search(before)
    if m is None:
        return False
    return not m.group(0).strip().lower().endswith("à") or hyphenated


@functools.lru_cache(maxsize=1)
def org_context() -> dict[str, frozenset[str]]:
    """``data/org_context_fr.tsv``: class -> its words, lower case."""
    out: dict[str, set[str]] = {"before": set(), "suffix": set(), "body": set(), "qualifier": set(),
                                "reported": set()}
    text = (resources.files("silkwire.nlp") / "data" / "org_context_fr.tsv").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, found = line.partition("\t")
        if kind not in out or not found.strip():
            raise ValueError(f"org_context_fr.tsv:{number}: unknown class {kind!r} or no words")
        out[kind].update(w.strip().lower() for w in found.split("|") if w.strip())
    return {k: frozenset(v) for k, v in out.items()}


_NAME_LIST = re.compile(r"(?:[A-ZÀ-Ý][\w.'’-]*(?:\s+[A-ZÀ-Ý][\w.'’-]*)*\s*(?:,|\bet\b)\s*)*$")


def organisation_name(text: str, start: int, end: int) -> bool:
    """A name that context makes an organisation (``data/org_context_fr.tsv``): it ends with a
    company word ("Centerra Gold", "Temirov Live"), or follows a noun of a kind of body, alone or
    in a list ("les universités Westminster, Webster et Inha", "l'agence Reuters")."""
    ws = words(normalize_text(text[start:end]))
    ctx = org_context()
    if len(ws) > 1 and ws[-1].lower() in ctx["suffix"]:
        return True
    before = normalize_text(text[max(0, start - 80):start])
    listed = _NAME_LIST.search(before)
    if listed and listed.group(0).rstrip().endswith(",") and not re.match(r"\s*(?:,|et\b)", text[end:]):
        return False  # "le journal Libération, Nicolas Hulot a…": no list goes on after the name
    head = before[:listed.start() if listed else len(before)].rstrip()
    last = head.rsplit(None, 1)[-1].lower() if head else ""
    last = last.split("'")[-1]
    return bool(last) and last in ctx["before"]


def reported_by(text: str, start: int) -> bool:
    """A name right after a verb of reporting ("rapporte La Montagne", "selon L'Express"):
    a medium when the NER calls it an event or a work (``org_context_fr.tsv``, class reported)."""
    before = normalize_text(text[max(0, start - 30):start]).rstrip()
    last = before.rsplit(None, 1)[-1].lower() if before else ""
    return last in org_context()["reported"] or last.replace("’", "'") in org_context()["reported"]


def retype(label: str, surface: str) -> str:
    """The type the span's head noun or form implies (module doc)."""
    ws = words(normalize_text(surface))
    head = ws[0].lower() if ws else ""
    if _DOMAIN.search(surface):
        return "ORG"
    if len(ws) == 1 and ws[0].isupper() and ws[0].isalpha() and label in ("PER", "MISC", "LOC"):
        # an acronym is not a person, far more often a body than an event, and a place the
        # knowledge base does not know by its initials is rare ("RN", "Pnat" are parties, courts)
        return "ORG"
    if head in _ORG_HEADS and len(ws) > 1:
        return "ORG"
    if head in _EVENT_HEADS:
        return "MISC"
    return label


KEPT, PLAUSIBLE, DROPPED = 1.0, 0.5, 0.0
WordKind = Callable[[str], str]  # "vocabulary" | "lemma" | "either" | "name" | "" (spacy_model.Lexicon.kind)


def _elided_capital(word: str) -> bool:
    """"d'Oise", "l'Intérieur": an elided particle before a capital."""
    head, _, rest = word.replace("’", "'").partition("'")
    return bool(rest) and len(head) == 1 and rest[0].isupper()


def _name_token(token: str) -> bool:
    """A word of a person's name: capitalised ("Geun-hye", "Mittenaere"), a particle ("de",
    "kyzy") or a particle elided before a capital ("d'Estaing")."""
    low = token.lower()
    if token[0].isupper() or low.strip("'") in _PARTICLES:
        return True
    head, _, rest = token.replace("’", "'").partition("'")
    return bool(rest) and head.lower() in _PARTICLES and rest[0].isupper()


def confidence(text: str, start: int, end: int, label: str, is_common: Callable[[str], bool],
               word_kind: WordKind | None = None) -> float:
    """The junk filters of the module doc (the knowledge-base overlap test is separate): DROPPED,
    KEPT, or PLAUSIBLE for a one-word name that the model's word lists know but as a name more
    than a word (``word_kind`` "name": "David", "Marseille", "Nagui"; "either" away from a
    sentence start: "Brooklyn"); a plain word form or lemma ("Haute", "Tennis", "Victoire") is
    dropped. Without ``word_kind``, every common word is a word form."""
    surface = normalize_text(text[start:end])
    ws = words(surface)
    if not ws or len(ws) > 8 or "\n" in surface:
        return DROPPED
    first = ws[0]
    place_head = label == "LOC" and first.lower() in _PLACE_HEADS and len(ws) > 1 and ws[1][0].isupper()
    if not (first[0].isupper() or first[0].isdigit() or place_head):
        return DROPPED
    if len(ws) == 1:
        kind = word_kind(first) if word_kind is not None else ("vocabulary" if is_common(first) else "")
        if first.isupper() and len(first) > 1:  # an acronym, not a word in capitals ("VIDÉO", "MONDE")
            return DROPPED if word_kind is not None and kind in ("vocabulary", "lemma") and len(first) >= 5 else KEPT
        if not kind:
            return KEPT
        if kind == "either":  # "Brooklyn" or "Inquiet": a name, unless it starts the sentence
            return DROPPED if sentence_initial(text, start) else PLAUSIBLE
        return PLAUSIBLE if kind == "name" else DROPPED
    rest_lower = all(not (w[0].isupper() or _elided_capital(w)) for w in ws[1:])  # "Val-d'Oise": no
    if rest_lower and sentence_initial(text, start) and is_common(first):
        return DROPPED
    if label == "PER":
        return KEPT if all(_name_token(t) for t in surface.split()) else DROPPED
    if rest_lower and label != "ORG" and first.lower() not in _PLACE_HEADS and is_common(first):
        return DROPPED
    return KEPT


def keep(text: str, start: int, end: int, label: str, is_common: Callable[[str], bool]) -> bool:
    """``confidence`` above DROPPED, every common word taken for a word form."""
    return confidence(text, start, end, label, is_common) > DROPPED


# -- merging ------------------------------------------------------------------------------------

_TRANSLIT = [("dzh", "j"), ("dj", "j"), ("zh", "j"), ("tch", "ch"), ("sh", "ch"), ("kh", "h"), ("ou", "u"),
             ("yo", "io"), ("ya", "ia"), ("yu", "iu"), ("y", "i"), ("w", "v"), ("q", "k"),
             ("ck", "k"), ("ph", "f")]


def translit_key(name: str) -> str:
    """A folded form under which French, English and local transliterations coincide."""
    key = fold_same_length(name)
    for old, new in _TRANSLIT:
        key = key.replace(old, new)
    key = re.sub(r"[^a-z0-9]+", " ", key)
    return re.sub(r"(.)\1+", r"\1", key).strip()


def _initials(name: str) -> str:
    return "".join(w[0] for w in words(name) if w[0].isalpha()).upper()


def _acronym_of(short: str, long: str) -> bool:
    if not (short.isupper() and 2 <= len(short) <= 6 and len(words(long)) >= len(short)):
        return False
    ws = words(long)
    content = [w for w in ws if w[0].isupper() or len(w) > 3]
    return _initials(long) == short or "".join(w[0] for w in content).upper() == short


@dataclass(slots=True)
class Group:
    label: str
    mentions: list[Candidate] = field(default_factory=list)

    @property
    def name(self) -> str:
        return max(self.mentions, key=lambda m: (len(words(m.text)), len(m.text))).text

    @property
    def confidence(self) -> float:
        return max(m.confidence for m in self.mentions)


def _variant(a: Group, m: Candidate) -> bool:
    ka, km = translit_key(a.name), translit_key(m.text)
    if ka == km:
        return True
    if a.label == "PER" and m.label == "PER":
        wa, wm = ka.split(), km.split()
        shorter, longer = (wm, wa) if len(wm) <= len(wa) else (wa, wm)
        return len(shorter) == 1 and shorter[0] == longer[-1] and len(shorter[0]) > 2
    if a.label == m.label == "ORG":
        return _acronym_of(m.text, a.name) or _acronym_of(a.name, m.text)
    return False


def merge(candidates: Sequence[Candidate]) -> list[Group]:
    """Group the mentions of one article that name the same thing (module doc)."""
    ordered = sorted(candidates, key=lambda c: (-len(words(c.text)), c.start))
    groups: list[Group] = []
    for cand in ordered:
        for group in groups:
            if (group.label == cand.label or {group.label, cand.label} <= {"ORG", "MISC"}) and _variant(group, cand):
                group.mentions.append(cand)
                break
            if {group.label, cand.label} == {"PER", "LOC"} and translit_key(group.name) == translit_key(cand.text):
                group.mentions.append(cand)  # "Khachanov" (LOC for the model) and "Khatchanov" (PER): a person
                group.label = "PER"
                break
        else:
            groups.append(Group(cand.label, [cand]))
    return groups


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_same_length(name)).strip("-")


def to_entity(group: Group, country: str | None = None) -> Entity:
    name = group.name
    spans: tuple[Span, ...] = tuple(sorted((m.start, m.end) for m in group.mentions))
    aliases = tuple(dict.fromkeys(m.text for m in group.mentions if m.text != name))
    kind: Literal["PER", "ORG", "LOC", "MISC"] = (
        "PER" if group.label == "PER" else "ORG" if group.label == "ORG" else "LOC" if group.label == "LOC" else "MISC")
    # The id is the name's folded spelling, readable and pasteable ("misc:sommet-de-bichkek"); the
    # same name spelled the French, English or local way in another article becomes the same
    # entity in the store, which maps each transliteration key (``identity_key``) to the first id
    # it met (service/corrections.save_enrichments).
    return Entity(entity_id(kind, name), kind, name, spans, country, None, aliases, group.confidence)


def entity_id(kind: str, name: str) -> str:
    """``misc:sommet-de-bichkek``: the type, then the name's folded spelling."""
    return f"{kind.lower()}:{slug(name)}"


def identity_key(kind: str, name: str) -> str:
    """What two spellings of one name share (``translit_key``), with the type."""
    return f"{kind.lower()}:{slug(translit_key(name))}"


@functools.lru_cache(maxsize=4)
def _known_people(kb: KnowledgeBase) -> dict[str, Person]:
    """Transliteration key -> the known person: full names and aliases, and surnames that name
    one person only (two Berdimuhamedovs: the bare surname is left alone)."""
    out: dict[str, Person] = {}
    surnames: dict[str, set[str]] = {}
    for person in kb.people.values():
        for name in (person.name, *person.aliases):
            out.setdefault(translit_key(name), person)
        for surname in person.surnames:
            surnames.setdefault(translit_key(surname), set()).add(person.id)
    for key, ids in surnames.items():
        if len(ids) == 1:
            out.setdefault(key, kb.people[next(iter(ids))])
    return out


def add_known_person(found: list[Entity], entity: Entity, kb: KnowledgeBase) -> list[Entity]:
    """``found`` with ``entity`` added: a name the NER found that is a known person's in another
    spelling ("Serdar Berdimoukhamedov" for Berdimuhamedov, "Karen Khatchanov" for Khachanov)
    becomes that person, merged with the known entity when the article names it too."""
    person = _known_people(kb).get(translit_key(entity.name)) if entity.type == "PER" else None
    if person is None:
        return [*found, entity]
    for n, e in enumerate(found):
        if e.id == person.id:
            merged = Entity(e.id, e.type, e.name, tuple(sorted({*e.spans, *entity.spans})), e.country, e.wikidata,
                            tuple(dict.fromkeys((*e.aliases, entity.name, *entity.aliases))))
            return [*found[:n], merged, *found[n + 1:]]
    return [*found, Entity(person.id, "PER", person.name, entity.spans, person.country, person.wikidata,
                           tuple(dict.fromkeys((entity.name, *entity.aliases))))]
