"""What a time expression is resolved against: the publication date, the tense of its sentence,
and the years the article itself gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from silkwire.nlp.numbers_fr import parse_ordinal, parse_words
from silkwire.nlp.temporal.lexicon import TENSE_MARKERS, alternation

_MARKERS = re.compile(rf"(?<![\w'])(?:{alternation(list(TENSE_MARKERS))})(?![\w'])", re.IGNORECASE)
# The simple future of regular verbs (effectuera, accueillera, dureront, signeront) and the
# periphrastic future (va signer, vont accueillir). The stem length keeps "extra", "Sahara" out.
# Irregular stems (rendra, tiendra, permettra, recevra, saura) end in -dra, -tra, -vra, -ura, -rra;
# plain "-ra" is left out on purpose: Ankara, Sahara, Samara.
_FUTURE_VERB = re.compile(
    r"\b\w{3,}(?:eront|iront|era|ira)\b|\b\w{2,}(?:dra|dront|tra|tront|vra|vront|rra|rront|ura|uront)\b"
    r"|\b(?:va|vont)\s+\w+(?:er|ir|re)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")
_YEAR_IN = re.compile(r"(?<![\d-])(?:19|20)\d{2}(?!\d)")


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a handler needs besides its match."""

    text: str  # the normalised text
    published: date | None
    years: tuple[tuple[int, int], ...]  # (offset, year) of the explicit years the text gives

    def fallback_year(self, offset: int) -> int | None:
        """The explicit year nearest before ``offset`` in the text, else the nearest after it."""
        before = [year for pos, year in self.years if pos <= offset]
        if before:
            return before[-1]
        return self.years[0][1] if self.years else None

    def is_future(self, start: int, end: int) -> bool:
        """Whether the sentence around ``start:end`` speaks of the future (nearest marker wins)."""
        left = max((m.end() for m in _SENTENCE_END.finditer(self.text, 0, start)), default=0)
        stop = _SENTENCE_END.search(self.text, end)
        right = stop.start() if stop else len(self.text)
        best: tuple[int, bool] | None = None
        for match in _MARKERS.finditer(self.text, left, right):
            if start <= match.start() < end:
                continue  # the expression's own words ("dernier", "prochain") are handled by it
            future = TENSE_MARKERS[match.group().lower()] == "future"
            best = _nearer(best, match.start(), match.end(), start, end, future)
        for match in _FUTURE_VERB.finditer(self.text, left, right):
            best = _nearer(best, match.start(), match.end(), start, end, True)
        return best[1] if best else False


def _nearer(
    best: tuple[int, bool] | None, m_start: int, m_end: int, start: int, end: int, future: bool
) -> tuple[int, bool]:
    distance = start - m_end if m_end <= start else max(0, m_start - end)
    if best is None or distance < best[0] or (distance == best[0] and future):
        return distance, future
    return best


def text_years(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), int(m.group())) for m in _YEAR_IN.finditer(text))


def parse_day(text: str) -> int | None:
    """A day of the month from "1er", "premier", "21", "vingt et un"; None outside 1–31."""
    value = parse_ordinal(text)
    if value is None:
        value = parse_words(text)
    return value if value is not None and 1 <= value <= 31 else None


def infer_year(month: int, ctx: Context, offset: int, future: bool) -> tuple[int | None, str]:
    """The year of a month given without one, and what it was inferred from (the anchor).

    Against the publication date: in a past-tense sentence a month after the publication month
    is last year's; in a future-tense one a month before it is next year's. Without a
    publication date, the nearest year the article gives; else unknown.
    """
    if ctx.published is not None:
        year = ctx.published.year
        if not future and month > ctx.published.month:
            year -= 1
        elif future and month < ctx.published.month:
            year += 1
        return year, "published"
    fallback = ctx.fallback_year(offset)
    if fallback is not None:
        return fallback, "text"
    return None, "none"
