"""Which sense a name the knowledge base matched has where it stands: context cues.

The dictionary matcher (:mod:`silkwire.nlp.gazetteer`) knows forms, not senses. Three families
of forms mean something else than the knowledge base lists them as, and the words around them
say so; the cue words are data (``data/senses_fr.tsv``), the rules are here:

1. A language is not a country. A demonym written in lower case is the name of a language
   when it follows "en" ("en russe"), a masculine singular determiner ("le russe", "l'anglais",
   "traduit du français", "préfèrent l'anglais au russe"), a language noun with optional
   adjectives ("la langue russe", "les langues officielles kazakhe"), a verb of speaking ("il
   parle couramment russe") or a learning noun + de ("cours de russe", "maîtrise du kazakh"),
   or when it is coordinated with such a language ("en kazakh et russe"). Languages are
   masculine: but after "langue", a feminine or plural form is no language ("une dérive à
   l'américaine", "les russes" are the people). Not a language: a
   capitalised national ("le Russe Khatchanov", French capitalises nationals and not
   languages); a demonym after a determiner followed by a name, the press's short for "the
   Russian company" ("le russe Rosatom", "du turc Hepsiburada"); every adjective after a noun
   ("le ministre français", "les autorités russes"), which stays a country. Words in -phone
   ("russophone") are not in the knowledge base at all.
2. A treaty or text named after a city ("l'accord de Paris", "les accords d'Alma-Ata", "la
   convention de Vienne") names neither a place nor the city's state. "avec l'accord de
   Moscou" is the state's consent, and stays the state.
3. A capital shares its name with a place of another country ("Vienne", Vienna and the French
   department and river): the capital wins, unless the name follows the article "la" ("dans la
   Vienne"; French cities take no article, departments and rivers do) or stands alone in
   parentheses after a place name, the French way of naming a town's department ("Poitiers
   (Vienne)"). Not read: the town of Vienne in Isère ("le parquet de Vienne" is Vienna here).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from silkwire.nlp.textmatch import fold_same_length

_FILE = Path(__file__).parent / "data" / "senses_fr.tsv"
KINDS = ("language_determiner", "language_noun", "language_modifier", "language_verb",
         "learning_noun", "document_noun", "consent_before")
_WINDOW = 60  # characters of context read before a name
# A capitalised word right after the name, on the same line: "le russe Rosatom".
_NAME_AFTER = re.compile(r"[ \t]+[A-ZÀ-ÖØ-Þ]")
_COORDINATION = re.compile(r"\s*(?:,|et|ou|,\s*et|,\s*ou)\s*")
_ARTICLE_LA = re.compile(r"(?<![\w'])la\s+$")
# "Poitiers (Vienne)": a region in parentheses qualifies the town before it.
_QUALIFIED_BEFORE = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'-]*\s*\(\s*$")
_CLOSING = re.compile(r"\s*\)")
_DE_BEFORE = re.compile(r"(?i:\bde\s+|\bd'\s*)$")


def read_cues(path: Path = _FILE) -> dict[str, tuple[str, ...]]:
    """kind -> folded words; a bad row raises ValueError naming the file and line."""
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        row = line.split("\t")
        if len(row) != 2 or row[0] not in out or not row[1].strip():
            raise ValueError(f"{path}:{number}: expected 'kind<TAB>word' with kind one of {', '.join(KINDS)}")
        out[row[0]].append(fold_same_length(row[1].strip()))
    return {kind: tuple(words) for kind, words in out.items()}


def _alternation(words: tuple[str, ...]) -> str:
    # Longest first; a word ending in an apostrophe ("l'") needs no space after it.
    parts = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts)


def _ending(words: tuple[str, ...], tail: str = "") -> re.Pattern[str]:
    """``words`` (then ``tail``) ending the text, each word whole: the context before a name."""
    spaced = [w for w in words if not w.endswith("'")]
    elided = [w for w in words if w.endswith("'")]
    options = []
    if spaced:
        options.append(rf"(?:{_alternation(tuple(spaced))})\s+")
    if elided:
        options.append(rf"(?:{_alternation(tuple(elided))})\s*")
    return re.compile(rf"(?<!\w)(?P<cue>{'|'.join(options)}){tail}$")


@dataclass(frozen=True, slots=True)
class Cues:
    determiner: re.Pattern[str]
    noun: re.Pattern[str]
    verb: re.Pattern[str]
    learning: re.Pattern[str]
    document: re.Pattern[str]
    consent: re.Pattern[str]


@functools.lru_cache(maxsize=1)
def cues() -> Cues:
    words = read_cues()
    modifiers = rf"(?:(?:{_alternation(words['language_modifier'])})\s+){{0,2}}"
    return Cues(
        determiner=_ending(words["language_determiner"]),
        noun=_ending(words["language_noun"], modifiers),
        verb=_ending(words["language_verb"], r"(?:\w+ment\s+)?"),
        learning=_ending(words["learning_noun"], r"(?:de\s+l'\s*|de\s+|d'\s*|du\s+)"),
        document=_ending(words["document_noun"], r"(?:de\s+|d'\s*)"),
        consent=_ending(words["consent_before"], r"l'\s*"),
    )


def _before(text: str, start: int) -> str:
    return fold_same_length(text[max(0, start - _WINDOW):start])


def language_use(text: str, start: int, end: int, masculine_singular: bool = True) -> bool:
    """Is the demonym at ``text[start:end]`` the name of a language here (rule 1)?

    ``masculine_singular``: is the form the masculine singular (the caller knows the other
    forms): a language noun is one ("le russe", "en kazakh"), so "à l'américaine" is not; after
    "langue" it agrees ("la langue kazakhe", "les langues russe et anglaise")."""
    if not text[start:start + 1].islower():
        return False
    before = _before(text, start)
    c = cues()
    if c.noun.search(before):
        return True
    if not masculine_singular:
        return False
    det = c.determiner.search(before)
    if det:
        return det.group("cue").strip() == "en" or not _NAME_AFTER.match(text, end)
    return c.verb.search(before) is not None or c.learning.search(before) is not None


def coordinated(text: str, left_end: int, start: int) -> bool:
    """Are the names ending at ``left_end`` and starting at ``start`` coordinated ("X et Y")?"""
    return text[start:start + 1].islower() and _COORDINATION.fullmatch(text, left_end, start) is not None


def names_document(text: str, start: int) -> bool:
    """Does the city name at ``start`` end the name of a treaty or text (rule 2)?"""
    if not _DE_BEFORE.search(text, max(0, start - 4), start):  # most places: no "de" before
        return False
    before = _before(text, start)
    c = cues()
    m = c.document.search(before)
    if m is None:
        return False
    # "avec l'accord de Moscou" is Moscow's consent, not a treaty.
    return not (m.group("cue").strip() == "accord" and c.consent.search(before, 0, m.start()))


def not_the_capital(text: str, start: int, end: int) -> bool:
    """Does the context say that the capital's name at ``text[start:end]`` is its homonym
    (rule 3): after the article "la", or alone in parentheses after a place name?"""
    if _ARTICLE_LA.search(_before(text, start)):
        return True
    return _QUALIFIED_BEFORE.search(text, max(0, start - _WINDOW), start) is not None and (
        _CLOSING.match(text, end) is not None)
