"""The trigger lexicon of the events (nlp/events.py): its rows, their patterns, and their hits.

Triggers (``data/plover_fr.tsv``, users can extend it) are matched on a folded copy of the
normalised text (lower case, no accents, same length), so inflections are generated from the
lemma instead of asking a lemmatiser. Overlapping triggers: the longest wins, so "lever
l'interdiction" (CONCEDE) beats "interdiction" (COERCE) and a NONE phrase ("signer la loi")
cancels what it covers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from silkwire.nlp.prefilter import index_of
from silkwire.nlp.textmatch import fold_same_length
from silkwire.textnorm import normalize

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
_ENDINGS = {
    "er": ("er", "e", "es", "ent", "ons", "ez", "ee", "ees", "ait", "ais", "aient", "a", "ai", "ant",
           "era", "erai", "eront", "erait", "eraient", "erons", "erez", "erent"),
    "ir": ("ir", "i", "is", "it", "ie", "ies", "issent", "issait", "issaient", "issant", "ira", "iront",
           "irait", "e", "es", "ent", "era", "eront", "erait", "ait", "aient"),
    "re": ("re", "s", "t", "", "ent", "u", "ue", "us", "ues", "ait", "aient", "ant", "ra", "ront", "rait"),
}
_PRONOUN = r"(?:se|s')(?:\s*(?:est|sont|etait|etaient|sera|seront)\s+)?"
_SEP = r"[\s'\-]+"
_GAP = r"(?:[\s'\-]+[\w-]+){0,8}?[\s'\-]+"  # "retire à son tour les talibans de sa liste"


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lexicon row: the surface it matches and the event it signals."""

    trigger: str
    pos: str
    type: str
    mode: str | None = None
    needs: str | None = None


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # original-text offsets
    end: int
    rule: Trigger
    order: int  # lexicon row, for ties


# -- lexicon ------------------------------------------------------------------------------------


def _word_pattern(word: str, pos: str, first: bool) -> str:
    if word == "se":
        return _PRONOUN
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[\w-]*"
    if pos == "VERB" and len(word) > 3 and word[-2:] in _ENDINGS:
        stem = re.escape(word[:-2])
        return stem + "(?:" + "|".join(sorted(_ENDINGS[word[-2:]], key=len, reverse=True)) + ")"
    if pos in ("NOUN", "ADJ") or not first:
        extra = "(?:e|es|s|x)?" if pos == "ADJ" else "(?:s|x)?"
        return re.escape(word) + extra
    return re.escape(word)


def compile_trigger(rule: Trigger) -> re.Pattern[str]:
    """The regular expression of a lexicon row, on folded text (module doc)."""
    parts: list[str] = []
    previous = ""
    for i, word in enumerate(fold_same_length(rule.trigger).split()):
        if word == "...":
            parts.append(_GAP)
        else:
            if parts and previous != "...":
                parts.append(r"\s*" if previous == "se" else _SEP)
            parts.append(_word_pattern(word, rule.pos, i == 0))
        previous = word
    return re.compile(r"(?<![\w-])" + "".join(parts) + r"(?![\w])")


def read_lexicon(path: str | Path) -> list[Trigger]:
    """Rows of a trigger file (format in data/plover_fr.tsv); bad rows raise ValueError with the line."""
    rules: list[Trigger] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") + [""] * 5
        trigger, pos, kind, mode, needs = (c.strip() for c in cols[:5])
        if pos not in ("VERB", "NOUN", "ADJ") or (kind not in PLOVER_TYPES and kind != "NONE"):
            raise ValueError(f"{path}:{number}: bad POS {pos!r} or type {kind!r}")
        if needs not in ("", "money"):
            raise ValueError(f"{path}:{number}: unknown needs {needs!r}")
        rules.append(Trigger(trigger, pos, kind, mode or None, needs or None))
    return rules


@functools.lru_cache(maxsize=8)
def load_lexicon(*extra: str) -> tuple[tuple[Trigger, re.Pattern[str]], ...]:
    """The shipped lexicon plus ``extra`` files (user additions), compiled once per process."""
    shipped = resources.files("silkwire.nlp") / "data" / "plover_fr.tsv"
    rules = read_lexicon(str(shipped))
    for path in extra:
        rules.extend(read_lexicon(path))
    return tuple((r, compile_trigger(r)) for r in rules)


# -- hits ------------------------------------------------------------------------------------------


def find_triggers(text: str, lexicon: Sequence[tuple[Trigger, re.Pattern[str]]] | None = None) -> list[_Hit]:
    """Non-overlapping trigger hits in ``text`` (original offsets), longest first; NONE dropped.
    Cached per (text, lexicon): the events and their actors (nlp/actors.py) ask the same twice."""
    rules = load_lexicon() if lexicon is None else lexicon
    key = (text, id(rules))
    cached = _RECENT.get(key)
    if cached is None or cached[0] is not rules:
        cached = (rules, tuple(_find_triggers(text, rules)))
        _RECENT[key] = cached
        if len(_RECENT) > 256:
            del _RECENT[next(iter(_RECENT))]
    return list(cached[1])


_RECENT: dict[tuple[str, int], tuple[object, tuple[_Hit, ...]]] = {}  # find_triggers' last answers


@functools.lru_cache(maxsize=4096)
def literals(rule: Trigger) -> tuple[str, ...]:
    """Strings that every match of the row's pattern (:func:`compile_trigger`) contains on the
    folded text: each word's fixed part (a verb's stem, the part before a "*", the word itself;
    not "se" nor a gap). A text that lacks one is not searched with the pattern: the same hits,
    in a fraction of the time (most rows have no chance in a given text)."""
    out = []
    for word in fold_same_length(rule.trigger).split():
        if word in ("...", "se"):
            continue
        if word.endswith("*"):
            word = word[:-1]
        elif rule.pos == "VERB" and len(word) > 3 and word[-2:] in _ENDINGS:
            word = word[:-2]
        if word:
            out.append(word)
    return tuple(out)


def _row_literals(row: tuple[Trigger, re.Pattern[str]]) -> tuple[str, ...]:
    return literals(row[0])


def _find_triggers(text: str, rules: Sequence[tuple[Trigger, re.Pattern[str]]]) -> list[_Hit]:
    norm = normalize(text)
    folded = fold_same_length(norm.text)
    hits: list[_Hit] = []
    for order in index_of(rules, _row_literals).rows(folded):  # the rows whose literals the text holds
        rule, pattern = rules[order]
        for m in pattern.finditer(folded):
            s, e = norm.to_original(m.start(), m.end())
            hits.append(_Hit(s, e, rule, order))
    hits.sort(key=lambda h: (-(h.end - h.start), h.order))
    kept: list[_Hit] = []
    for h in hits:
        if not any(h.start < k.end and k.start < h.end for k in kept):
            kept.append(h)
    return sorted((h for h in kept if h.rule.type != "NONE"), key=lambda h: h.start)
