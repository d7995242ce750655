"""The features of the trained event and topic models (nlp/classifier.py), in plain Python.

The trainer (service/train.py) and the pipeline compute them with this one module, so a model
sees at run time exactly what it was trained on. An article is read in three parts, each with
its own feature names, because the annotation guide makes the title carry the main event: the
title (``t``), the lead's first sentence (``l``) and the rest of the lead (``r``). Groups (the
model file says which ones it was trained with, chosen by dev measurement: bench/train_events.py):

- ``words``: folded words (lower case, no accents; digits as ``#``) and word bigrams per part;
- ``lemmas``: the lemma of each title and first-sentence word, from the French lemma lookup
  table of the spaCy model the pipeline already loads (no tagging: a table look-up);
- ``chars``: character 3-5-grams of the title's words;
- ``rules``: the rule layer's findings: the trigger types of the lexicon (nlp/events.py) hit in
  the title and in the lead, the rules' main event type, and the topic cue shares
  (nlp/topics.py);
- ``countries``: how many countries the article names, whether one is not France, the pair of
  the first two;
- ``parse``: the title's main predicate read off the dependency parse, its lemma, voice and
  arguments' kinds, and whether it (or the lead's first sentence's) is a trigger
  (nlp/predicate_features.py, computed by the caller into ``Signals.parse``).

Values are 1 (a cue share for the cue features), and each part's words are scaled to unit
length so a long lead does not outweigh a title.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from silkwire.nlp.textmatch import fold_same_length as fold
from silkwire.textnorm import normalize

GROUPS = ("words", "lemmas", "chars", "rules", "countries", "parse")
_WORD = re.compile(r"[^\W_]+")
# Function words carry no topic: left out of the mean vectors (the sparse features keep them).
STOP = frozenset(("le", "la", "les", "un", "une", "des", "de", "du", "d", "l", "a", "au", "aux", "et", "en",
                  "dans", "pour", "par", "sur", "avec", "est", "sont", "qui", "que", "qu", "ce", "se", "sa",
                  "son", "ses", "il", "elle", "ils", "on", "ne", "pas", "plus", "apres", "avant", "selon"))
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ\"«“'])")  # as tools/orangesum_show.py

Lemmatizer = Callable[[str], str]
Vectors = Callable[[str], Any]  # lower-case word -> numpy vector or None
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Token:
    form: str  # folded, digits as "#"
    lower: str  # lower case with accents (the lemma table's key)
    start: int  # original-text offsets
    end: int


@dataclass(frozen=True, slots=True)
class Signals:
    """What the rule layer and the knowledge base found in the article (all optional)."""

    triggers: tuple[tuple[str, int], ...] = ()  # (PLOVER type, start offset) of each trigger hit
    rule_event: str = "none"  # the rules' main event type, or "none"
    cue_scores: tuple[tuple[str, float], ...] = ()  # topic code -> raw cue score (nlp/topics.py)
    countries: tuple[str, ...] = ()  # ISO codes, in order of first mention
    parse: tuple[str, ...] = ()  # the title predicate's features (nlp/predicate_features.py)
    predicate: str = ""  # the title predicate's lower-case word (its vector: the ``p:vec`` block)


@dataclass(frozen=True, slots=True)
class Parts:
    """The article's title, lead first sentence and the rest, as token lists, with their spans."""

    spans: tuple[Span, ...]  # sentence spans: title (or the first sentence), then the lead's
    title: tuple[Token, ...]
    first: tuple[Token, ...]
    rest: tuple[Token, ...]


def sentence_spans(text: str) -> list[Span]:
    """S0 (the title line) and the lead's sentences, as the annotation tool numbers them; a text
    without a blank line (no title) is all lead, and its first sentence stands for the title."""
    if "\n\n" in text:
        title, lead = text.split("\n\n", 1)
        spans = [(0, len(title))]
        offset = len(title) + 2
    else:
        spans, lead, offset = [], text, 0
    start = 0
    for m in [*_SENTENCE_END.finditer(lead), None]:
        end, after = (m.start(), m.end()) if m is not None else (len(lead), len(lead))
        piece = lead[start:end]
        if piece.strip():
            left = len(piece) - len(piece.lstrip())
            spans.append((offset + start + left, offset + start + len(piece.rstrip())))
        start = after
    return spans or [(0, len(text))]


def tokenize(text: str, span: Span | None = None) -> list[Token]:
    """The words of ``text`` (or of ``span`` of it), original offsets kept."""
    s0, s1 = span if span is not None else (0, len(text))
    norm = normalize(text[s0:s1])
    folded = fold(norm.text)
    out = []
    for m in _WORD.finditer(norm.text):
        start, end = norm.to_original(m.start(), m.end())
        form = folded[m.start():m.end()]
        if form.isdigit():
            form = "#"
        out.append(Token(form, m.group().lower(), s0 + start, s0 + end))
    return out


def parts(text: str) -> Parts:
    spans = sentence_spans(text)
    title = tokenize(text, spans[0])
    first = tokenize(text, spans[1]) if len(spans) > 1 else []
    rest = [t for s in spans[2:] for t in tokenize(text, s)]
    return Parts(tuple(spans), tuple(title), tuple(first), tuple(rest))


def _unit(names: Iterable[str]) -> dict[str, float]:
    keys = set(names)
    if not keys:
        return {}
    value = 1.0 / math.sqrt(len(keys))
    return dict.fromkeys(keys, value)


def word_features(tokens: Sequence[Token], part: str) -> list[str]:
    forms = [t.form for t in tokens if len(t.form) > 1 or t.form == "#"]
    return [f"{part}:{w}" for w in forms] + [f"{part}:{a} {b}" for a, b in itertools.pairwise(forms)]


def lemma_features(tokens: Sequence[Token], part: str, lemma: Lemmatizer) -> list[str]:
    return [f"{part}m:{fold(lemma(t.lower))}" for t in tokens if len(t.form) > 1]


def char_features(tokens: Sequence[Token], part: str) -> list[str]:
    out: list[str] = []
    for t in tokens:
        w = f"<{t.form}>"
        out.extend(f"{part}c:{w[i:i + n]}" for n in (3, 4, 5) for i in range(len(w) - n + 1))
    return out


def rule_features(signals: Signals, p: Parts) -> dict[str, float]:
    out: dict[str, float] = {f"rule:{signals.rule_event}": 1.0}
    title_end = p.spans[0][1]
    first_end = p.spans[1][1] if len(p.spans) > 1 else title_end
    for kind, start in signals.triggers:
        where = "t" if start < title_end else "l" if start < first_end else "r"
        out[f"trig{where}:{kind}"] = 1.0
    total = sum(score for _, score in signals.cue_scores) or 1.0
    for code, score in signals.cue_scores:
        out[f"cue:{code}"] = score / total
    return out


def country_features(signals: Signals) -> dict[str, float]:
    codes = list(dict.fromkeys(signals.countries))
    out = {f"nc:{min(len(codes), 3)}": 1.0}
    if any(c != "FR" for c in codes):
        out["foreign"] = 1.0
    if len(codes) >= 2:
        out["pair:" + "-".join(sorted(codes[:2]))] = 1.0
    return out


WORD_GROUPS = ("words", "lemmas", "chars")  # the groups read off the parts' words alone


def part_features(p: Parts, groups: Sequence[str] = GROUPS, lemma: Lemmatizer | None = None) -> dict[str, float]:
    """The word-level features of ``features`` (the ``WORD_GROUPS`` of ``groups``), part by part,
    in the order ``features`` puts them first."""
    out: dict[str, float] = {}
    for part, tokens in (("t", p.title), ("l", p.first), ("r", p.rest)):
        names: list[str] = []
        if "words" in groups:
            names += word_features(tokens, part)
        if "lemmas" in groups and lemma is not None and part != "r":
            names += lemma_features(tokens, part, lemma)
        if "chars" in groups and part == "t":
            names += char_features(tokens, part)
        out.update(_unit(names))
    return out


def features(text: str, signals: Signals, groups: Sequence[str] = GROUPS,
             lemma: Lemmatizer | None = None, p: Parts | None = None,
             words: dict[str, float] | None = None) -> dict[str, float]:
    """Feature name -> value for one article (module doc); ``p``: its parts when already read;
    ``words``: its ``part_features`` for these groups when already read (another model's)."""
    p = p if p is not None else parts(text)
    out = dict(words) if words is not None else part_features(p, groups, lemma)
    if "rules" in groups:
        out.update(rule_features(signals, p))
    if "countries" in groups:
        out.update(country_features(signals))
    if "parse" in groups:
        out.update(dict.fromkeys(signals.parse, 1.0))
    return out


def sentence_features(tokens: Sequence[Token], part: str, groups: Sequence[str],
                      lemma: Lemmatizer | None = None) -> list[str]:
    """The word-level feature names of one sentence read as ``part`` (for the evidence)."""
    names = word_features(tokens, part) if "words" in groups else []
    if "lemmas" in groups and lemma is not None:
        names += lemma_features(tokens, part, lemma)
    return names


def dense(p: Parts, vector: Vectors, width: int, blocks: Sequence[str]) -> np.ndarray:
    """The word-vector blocks of an article, each of unit length: ``t:mean`` is the mean vector
    of the title's content words, ``l:max`` the element-wise maximum over the lead's first
    sentence, ``r:mean`` the rest of the lead (zeros when no word has a vector)."""
    tokens = {"t": p.title, "l": p.first, "r": p.rest}
    out = []
    for block in blocks:
        part, how = block.split(":")
        rows = [v for t in tokens[part] if len(t.form) > 1 and t.form not in STOP
                for v in (vector(t.lower),) if v is not None]
        x = np.zeros(width, dtype=np.float32)
        if rows:
            stack = np.asarray(rows, dtype=np.float32)
            x = stack.mean(axis=0) if how == "mean" else stack.max(axis=0)
            norm = float(np.linalg.norm(x))
            x = x / norm if norm else x
        out.append(x)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)
