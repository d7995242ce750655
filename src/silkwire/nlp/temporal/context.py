"""What a time expression is resolved against: the publication date, the tense of its sentence,
and the years the article itself gives.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import date
from typing import Final

from silkwire.nlp.numbers_fr import parse_ordinal, parse_words
from silkwire.nlp.temporal.lexicon import TENSE_MARKERS, alternation

# Run on the lower-cased copy: case-insensitive matching costs about twice as much.
# The start of a word is a character matched before the marker (run on " " + the text): a pattern
# opening on a lookbehind is tried at every position, one opening on a character class is
# scanned for in C.
# The opening character is tested the ASCII way, cheaper (see windows.TRIGGERS): a non-ASCII
# letter or digit it lets through is refused by _sentence_marks, which searches again one further.
_MARKERS: Final = re.compile(rf"(?a:[^\w'])(?:{alternation(list(TENSE_MARKERS))})(?![\w'])")  # no group: it costs
# The simple future of regular verbs (effectuera, accueillera, dureront, signeront) and the
# periphrastic future (va signer, vont accueillir). The stem length keeps "extra", "Sahara" out.
# Irregular stems (rendra, tiendra, permettra, recevra, saura) end in -dra, -tra, -vra, -ura, -rra;
# plain "-ra" is left out on purpose: Ankara, Sahara, Samara.
# Speed: every such ending is "r" + "a"/"ont" at a word's end, and the periphrastic future starts
# with "v": a pattern opening on one literal letter is scanned for in C, ~15x faster than one
# opening on a word boundary; the letter before the "r" and the stem length are checked by hand.
_FUTURE_R: Final = re.compile(r"r(?:a|ont)\b")
_FUTURE_GO: Final = re.compile(r"v(?:a|ont)\s+\w+(?:er|ir|re)\b")
_STEM_BEFORE: Final = {"e": 3, "i": 3, "d": 2, "t": 2, "v": 2, "r": 2, "u": 2}  # minimum stem before e/i/d...
# A sentence ends at ".!?;" and a space, or at a line break: "[.!?;]\s|\n" written to open on one
# character class, which the engine scans for in C (an alternation is tried at every position).
_SENTENCE_END: Final = re.compile(r"[.!?;\n](?:(?<=\n)|\s)")
# Matched on the reversed 40 characters before a day (anchored: fast; see absolute._word_before).
_LEAD_IN_REVERSED: Final = re.compile(r"\s+(?:\s*(?:à|ua|a)'uqsuj\s+)?(?P<w>[^\W\d_]+)(?![\w'])")
# Past participles of the verbs news use before a day ("ouvert", "signé", "tenue", "réunis",
# "élu", "prolongées"); words of these shapes that are no participles are listed.
_PARTICIPLE: Final = re.compile(r"(?:é|ée|és|ées|ert|erte|erts|ertes|enu|enue|enus|enues|is|ise|ies|lu|lue|lus|lues)$")
_NOT_PARTICIPLES: Final = frozenset(["puis", "plus", "jusqu", "dès", "depuis", "mais", "pris", "après", "près", "assis",
                              "parmi", "tandis", "jadis", "alors", "lorsque"])
_YEAR_IN: Final = re.compile(r"(?<![\d-])(?:19|20)\d{2}(?!\d)")


# Every Latin-1 character lower-cases to one Latin-1 character: for a text within Latin-1 (most
# French news once typography is normalised) a byte table does what str.lower does, ~2x faster
# (str.lower looks each non-ASCII character up in the Unicode tables).
_LATIN1_LOWER: Final = bytes(ord(chr(code).lower()) for code in range(256))


def lower_same_length(text: str) -> str:
    """``text`` lower-cased, keeping its length (a few characters lengthen, İ): offsets stay valid."""
    try:
        return text.encode("latin-1").translate(_LATIN1_LOWER).decode("latin-1")
    except UnicodeEncodeError:
        pass  # a character beyond Latin-1 (œ, €, Cyrillic): the general way
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower()[0] for ch in text)
    return lowered


class Context:
    """Everything a handler needs besides its match (built per text; caches what it computes)."""

    __slots__ = ("_ends", "_lowered", "_marks", "_spaced", "_starts", "_years", "published", "text")

    def __init__(
        self, text: str, published: date | None, years: tuple[tuple[int, int], ...] | None = None,
        lowered: str | None = None,
    ) -> None:
        self.text = text  # the normalised text
        self.published = published
        self._years = years
        self._lowered = lowered
        self._marks: dict[tuple[int, int], list[tuple[int, int, bool | None]]] = {}
        self._spaced: str | None = None  # " " + the lower-cased text, for the tense markers
        self._starts: list[int] | None = None  # where each sentence end starts, and ends
        self._ends: list[int] = []

    @property
    def years(self) -> tuple[tuple[int, int], ...]:
        """(offset, year) of the explicit years the text gives (found once, when first asked)."""
        if self._years is None:
            self._years = text_years(self.text)
        return self._years

    @property
    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = lower_same_length(self.text)
        return self._lowered

    def fallback_year(self, offset: int) -> int | None:
        """The explicit year nearest before ``offset`` in the text, else the nearest after it."""
        years = self.years
        before = [year for pos, year in years if pos <= offset]
        if before:
            return before[-1]
        return years[0][1] if years else None

    def is_future(self, start: int, end: int) -> bool:
        """Whether the sentence around ``start:end`` speaks of the future (nearest marker wins;
        no marker at all: the past, as news report what happened)."""
        return self.tense(start, end) is True

    def tense(self, start: int, end: int) -> bool | None:
        """True (future) or False (past) from the nearest tense marker of the sentence around
        ``start:end``; None when the sentence has none (a headline in the present: "reportée au
        1er mai", "fixées au 30 novembre")."""
        left, right = self.sentence(start, end)
        best: tuple[int, bool] | None = None
        for m_start, m_end, future in self._sentence_marks(left, right):
            if future is not None and start <= m_start < end:
                continue  # the expression's own words ("dernier", "prochain") are handled by it
            best = _nearer(best, m_start, m_end, start, end, future is not False)
        return best[1] if best else None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around ``start:end``: from the last sentence end before ``start`` to the
        first one at or after ``end`` (the text's sentence ends are found once)."""
        if self._starts is None:
            spans = [m.span() for m in _SENTENCE_END.finditer(self.text)]
            self._starts = [span[0] for span in spans]
            self._ends = [span[1] for span in spans]
        before = bisect_right(self._ends, start)
        left = self._ends[before - 1] if before else 0
        after = bisect_left(self._starts, end)
        right = self._starts[after] if after < len(self._starts) else len(self.text)
        return left, right

    def past_lead_in(self, start: int) -> bool:
        """Whether the words right before ``start`` put it in the past: "depuis", or a past
        participle ("ouverte lundi", "réunis lundi", "prolongées jusqu'à dimanche")."""
        before = _LEAD_IN_REVERSED.match(self.lowered[max(0, start - 40):start][::-1])
        if before is None:
            return False
        word = before["w"][::-1]
        return word == "depuis" or (word not in _NOT_PARTICIPLES and _PARTICIPLE.search(word) is not None)

    def _sentence_marks(self, left: int, right: int) -> list[tuple[int, int, bool | None]]:
        """Tense markers (future: True/False) and future verbs (None) of one sentence."""
        key = (left, right)
        marks = self._marks.get(key)
        if marks is None:
            text = self.lowered
            if self._spaced is None:
                self._spaced = " " + text
            # On " " + the text (offsets one further), one pass: the character each marker
            # opens on must not be a word character or an apostrophe ("sont", "imprévues").
            spaced = self._spaced
            marks = []
            pos, stop = left, right + 1
            while (found := _MARKERS.search(spaced, pos, stop)) is not None:
                start, end = found.span()
                opener = spaced[start]
                if opener >= "\x80" and opener.isalnum():
                    pos = start + 1
                    continue
                marks.append((start, end - 1, TENSE_MARKERS[spaced[start + 1:end]] == "future"))
                pos = end
            for m in _FUTURE_R.finditer(text, left, right):
                before = m.start() - 1
                need = _STEM_BEFORE.get(text[before]) if before >= left else None
                if need is None:
                    continue
                word_start = before
                while word_start > 0 and _is_word_char(text[word_start - 1]):
                    word_start -= 1
                if before - word_start >= need:
                    marks.append((word_start, m.end(), None))
            # Every periphrastic future holds "va" or "vont": most sentences have neither (a
            # substring test is far cheaper than starting the scan).
            if text.find("va", left, right) >= 0 or text.find("vont", left, right) >= 0:
                for m in _FUTURE_GO.finditer(text, left, right):
                    if m.start() == 0 or not _is_word_char(text[m.start() - 1]):
                        marks.append((m.start(), m.end(), None))
            self._marks[key] = marks
        return marks


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


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
    # Digits alone are the common case: read at once (what parse_ordinal would return for them).
    value = int(text) if text.isdecimal() else parse_ordinal(text)
    if value is None:
        value = parse_words(text)
    return value if value is not None and 1 <= value <= 31 else None


def infer_year(month: int, ctx: Context, offset: int, future: Callable[[], bool | None]) -> tuple[int | None, str]:
    """The year of a month given without one, and what it was inferred from (the anchor).

    Against the publication date: in a past-tense sentence a month after the publication month
    is last year's; in a future-tense one a month before it is next year's; in a sentence with
    no tense marker, the year that puts the month nearest the publication date. Without a
    publication date, the nearest year the article gives; else unknown.
    """
    if ctx.published is not None:
        year = ctx.published.year
        # The tense is asked only when the month differs from the publication month (it costs).
        if month == ctx.published.month:
            return year, "published"
        tense = future()
        if tense is None:
            # No tense in the sentence: the reading nearest the publication date ("reportée au
            # 1er mai" in March is this May; "le 20 décembre" in January is last December).
            if (month - ctx.published.month) % 12 < 6:  # the next such month is under six months away
                return (year + 1 if month < ctx.published.month else year), "published"
            return (year - 1 if month > ctx.published.month else year), "published"
        if month > ctx.published.month and not tense:
            year -= 1
        elif month < ctx.published.month and tense:
            year += 1
        return year, "published"
    fallback = ctx.fallback_year(offset)
    if fallback is not None:
        return fallback, "text"
    return None, "none"
