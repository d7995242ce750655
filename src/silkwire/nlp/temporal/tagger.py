"""``tag_dates``: find French time expressions and resolve them to DESIGN.md values.

Every family (absolute.py, relative.py) proposes matches on the normalised text; the longest
match wins where they overlap (ties: the earlier family), and its handler may still refuse it
(31 février, Vision 2030), which frees the room for a shorter one. A deadline prefix right
before a kept expression ("d'ici", "avant", "au plus tard", "jusqu'à") joins its span and makes
it a deadline. Spans are mapped back to the original text.

Speed (tens of µs per lead): a family only searches windows around the trigger words it needs,
and four that rarely match are skipped when no trigger can start one (guards.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import date
from operator import itemgetter
from typing import Final, NamedTuple

from silkwire.model import TimeRef
from silkwire.nlp.numbers_fr import number_words, trie_alternation
from silkwire.nlp.temporal import absolute, guards, relative
from silkwire.nlp.temporal.calendar import Resolved, bounds
from silkwire.nlp.temporal.context import Context, lower_same_length
from silkwire.nlp.temporal.lexicon import (
    DEADLINE_PREFIXES,
    HOLIDAYS,
    MONTHS,
    RELATIVE,
    SEASONS,
    UNITS,
    WEEKDAYS,
    alternation,
)
from silkwire.textnorm import normalize

# Every expression starts at a word boundary: checking it first lets the engine skip the inside
# of words at once instead of trying each family's alternations there.
_FAMILIES: Final = [(re.compile(r"\b(?:" + pattern.pattern + ")", pattern.flags), handler)
             for pattern, handler in absolute.FAMILIES + relative.FAMILIES]
# Speed (the budget is tens of µs per lead): one cheap scan finds the trigger words a family
# cannot do without (a month name, a year, a weekday...); a family runs only in windows around
# its triggers, reaching back over its longest optional lead-in ("au cours des quatre-vingts
# derniers", "entre le mercredi") and forward over its longest tail. (needs, back, ahead) per
# family, in _FAMILIES order; a test checks that each lexicon entry holds a trigger of its family.
# A kind listed twice is needed twice (a range of months names two months), "code" is a year
# right after a quarter code ("T3 2024").
_SPECS: Final[list[tuple[tuple[str, ...], int, int]]] = [
    (("month", "mois"), 45, 50),  # day_range
    (("month",), 10, 45),  # month_day
    (("month",), 35, 25),  # day_date
    (("year", "numsep"), 12, 14),  # numeric_date
    (("month", "month"), 30, 35),  # month_range
    (("month",), 25, 22),  # month
    (("year", "year"), 25, 25),  # year_range
    (("year",), 25, 2),  # year_alone
    (("unit",), 25, 15),  # part_of_relative_year
    (("holiday",), 5, 50),  # holiday
    (("season",), 15, 15),  # season
    (("part", "code"), 30, 30),  # period
    (("weekday",), 8, 30),  # weekday
    (("weekday",), 22, 30),  # nth_weekday
    (("dayalone",), 3, 30),  # day_alone
    (("rel",), 10, 25),  # relative
    (("unit",), 45, 15),  # counted
    (("every", "weekdays"), 25, 45),  # recurrence
]
assert len(_SPECS) == len(_FAMILIES)


class Feed(NamedTuple):
    """The families a trigger opens a window for: (rank, back, ahead) each, and the shortest reach
    back and ahead among them (a run within both gives every family the same window)."""

    reaches: tuple[tuple[int, int, int], ...]
    back: int
    ahead: int
    ranks: tuple[int, ...]


_MIN_TRIGGERS: Final = [max(needs.count(kind) for kind in needs) for needs, _, _ in _SPECS]


def _feeds(kinds: frozenset[str]) -> Feed | None:
    reaches = tuple((rank, back, ahead) for rank, (needs, back, ahead) in enumerate(_SPECS) if kinds & set(needs))
    if not reaches:
        return None
    return Feed(reaches, min(back for _, back, _ in reaches), min(ahead for _, _, ahead in reaches),
                tuple(rank for rank, _, _ in reaches))


def _trigger_words() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {}

    def add(kind: str, words: list[str]) -> None:
        for word in words:
            kinds.setdefault(word, set()).add(kind)

    add("month", list(MONTHS))
    add("weekday", list(WEEKDAYS))
    add("weekdays", [w + "s" for w in WEEKDAYS])  # "les vendredis": a recurrence
    add("season", list(SEASONS))
    add("unit", list(UNITS))
    add("rel", [*UNITS, "aujourd", "hier", "demain", "lendemain", "week", "weekend"])
    add("mois", ["mois"])
    # A holiday is found from its first word ("veille" de Noël, "jour" de l'an, "saint"-Sylvestre).
    add("holiday", [re.findall(r"\w+", name)[0] for name in HOLIDAYS])
    add("every", ["chaque", "tous", "toutes", *relative.ADVERB_PERIOD])
    add("part", ["semestre", "trimestre", "quart", "semestres", "trimestres", "quarts"])
    return {word: frozenset(found) for word, found in kinds.items()}


_TRIGGER_WORDS: Final = _trigger_words()
_WORD_FEEDS: Final = {word: _feeds(kinds) for word, kinds in _TRIGGER_WORDS.items()}
_NUMSEP_FEEDS: Final = _feeds(frozenset(["numsep"]))
_DAY_ALONE_FEEDS: Final = {  # by (followed by a separator and a digit)
    numsep: _feeds(frozenset(["dayalone", *(["numsep"] if numsep else [])])) for numsep in (False, True)
}
_YEAR_FEEDS: Final = {  # by (after a quarter code, followed by a separator and a digit)
    (code, numsep): _feeds(frozenset(["year", *(["code"] if code else []), *(["numsep"] if numsep else [])]))
    for code in (False, True) for numsep in (False, True)
}
_MONTH_WORDS: Final = frozenset(word for word, kinds in _TRIGGER_WORDS.items() if "month" in kinds)
_RANK_OF: Final = {handler.__name__: rank for rank, (_, handler) in enumerate(_FAMILIES)}
_DAY_RANGE: Final = _RANK_OF["day_range"]
_MONTH_DAY: Final = _RANK_OF["month_day"]
_NUMERIC_DATE: Final = _RANK_OF["numeric_date"]
_NTH_WEEKDAY: Final = _RANK_OF["nth_weekday"]


def _vocabulary() -> set[str]:
    """Every word an expression can be made of: the lexicons, the number words, the literal words
    of the family patterns (their tries add harmless fragments)."""
    words: set[str] = set()
    sources = [*MONTHS, *WEEKDAYS, *SEASONS, *UNITS, *HOLIDAYS, *RELATIVE, *DEADLINE_PREFIXES, *number_words()]
    sources += [re.sub(r"\?P<\w+>|\\[a-zA-Z]", " ", pattern.pattern) for pattern, _ in _FAMILIES]
    for source in sources:
        words.update(re.findall(r"[^\W\d_]+", source))
    return words


# An expression is a run of such words, digits and punctuation around its trigger: the run's ends
# (found once per trigger, backwards on the reversed text) bound the windows far more tightly
# than the fixed reach — the regex engine pays for every position it is asked to try.
_VOCABULARY: Final = _vocabulary()
# Ahead, the run and the word after it in one match: the run's end is where that word starts
# (the word can be empty, so the greedy run is never given back).
_RUN_AHEAD: Final = re.compile(rf"(?:\W+|\d+|(?:{trie_alternation(_VOCABULARY)})(?![^\W\d]))*(\w*)")
_RUN_BACK: Final = re.compile(rf"(?:\W+|\d+|(?:{trie_alternation(w[::-1] for w in _VOCABULARY)})(?![^\W\d]))*")
# Run on " " + the lower-cased text: a pattern opening on a character class is scanned for in C,
# faster than one opening on a word-boundary assertion tried at every position.
# No capturing groups: each one costs at every position tried; a digit opens a number.
# The opening non-word character is tested the ASCII way ("(?a:...)": a table lookup instead of
# Unicode category calls, half the scan's time), which also lets a non-ASCII letter or digit open
# a match: _windows skips those. Skipping gives what the Unicode pattern finds because the rest
# of the pattern is Unicode and every trigger is made of word characters (a test checks it): no
# Unicode match can start inside a skipped one.
_TRIGGERS: Final = re.compile(rf"(?a:\W)(?:\d+|(?:{trie_alternation(_TRIGGER_WORDS)})(?![\w]))")
_NUMBER_SEPARATORS: Final = frozenset("/.-")
_DEADLINE_BEFORE: Final = re.compile(rf"(?<![\w'])(?:{alternation(DEADLINE_PREFIXES)})\s*$", re.IGNORECASE)
_DEADLINE_LAST_CHARS: Final = frozenset(prefix[-1].lower() for prefix in DEADLINE_PREFIXES)
# Characters normalisation would touch: when none is present the text is its own normal form,
# and the costly offset map is skipped (most leads).
_NEEDS_NORMALISING: Final = re.compile("[\u2019\u2018\u02bc\u2032\u00a0\u202f\u2007\u2009\u200a\u3000\u2011\u2010"
                                "\u00ab\u00bb\u201c\u201d\u201e\u2039\u203a\u1d49\u02b3\u02e2\u1d48\u1d50"
                                "\u1d52\u207f\u1d57\u1d43\u1d4d\u02e1\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def parse_published(published: str | None) -> date | None:
    """The publication date from an ISO string ("2025-07-30", "2025-07-30T10:00:00"), else None."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def tag_dates(text: str, published: str | None = None) -> list[TimeRef]:
    """The time expressions of ``text``, in text order, resolved against ``published``."""
    if not text:
        return []
    if _NEEDS_NORMALISING.search(text) is None and unicodedata.is_normalized("NFC", text):
        work, norm = text, None
    else:
        norm = normalize(text)
        work = norm.text
    lowered = lower_same_length(work)
    windows = _windows(lowered)
    if windows is None:
        return []
    ctx = Context(work, parse_published(published), lowered=lowered)
    refs: list[TimeRef] = []
    for start, end, found in _select(ctx, lowered, windows):
        if norm is not None:
            start, end = norm.to_original(start, end)
        # Resolved's grain, kind and anchor are plain str (its handlers build them from literals).
        value, grain, kind, anchor = found.value, found.grain, found.kind, found.anchor
        refs.append(TimeRef(text[start:end], (start, end), value, grain, kind, anchor))  # type: ignore[arg-type]
    return refs


def _windows(lowered: str) -> dict[int, list[tuple[int, int]]] | None:
    """Per family rank, the text windows to search (a family absent cannot match); None: no trigger."""
    windows: dict[int, list[tuple[int, int]]] | None = None
    size = len(lowered)
    backwards = ""
    run_end = first = last = -1
    month_day_ok = day_range_ok = numeric_ok = nth_ok = False  # guards.py: may these families match at all?
    spaced = " " + lowered
    for match in _TRIGGERS.finditer(spaced):
        start, end = match.span()  # the trigger's offsets in ``lowered`` (one leading space, one \W)
        opener = spaced[start]
        if opener >= "\x80" and opener.isalnum():  # a word character for Unicode: no trigger here
            continue
        end -= 1
        year = False
        if not lowered[start].isdecimal():  # a word (what \d matches is what isdecimal accepts)
            word = lowered[start:end]
            feeds = _WORD_FEEDS[word]
        else:
            digits = lowered[start:end]
            word = ""
            numsep = end + 1 < size and lowered[end] in _NUMBER_SEPARATORS and lowered[end + 1].isdigit()
            numeric_ok = numeric_ok or numsep
            if len(digits) == 4 and (digits.startswith("19") or digits.startswith("20")):  # (?:19|20)\d\d
                code = _after_quarter_code(lowered, start)
                feeds = _YEAR_FEEDS[code, numsep]
                year = True
            else:
                feeds = _NUMSEP_FEEDS if numsep else None
                if len(digits) <= 2 and lowered[max(0, start - 3):start] == "le ":
                    feeds = _DAY_ALONE_FEEDS[numsep]  # "le 27.": a day alone (relative.DAY_ALONE)
        if feeds is None:
            continue
        if windows is None:
            windows = defaultdict(list)
            backwards = lowered[::-1]
        if word in _MONTH_WORDS:
            month_day_ok = month_day_ok or guards.month_day_possible(lowered, end)
            day_range_ok = day_range_ok or guards.day_range_possible(backwards, start)
        elif word == "mois":
            day_range_ok = True
        elif word in WEEKDAYS:
            nth_ok = nth_ok or guards.nth_weekday_possible(backwards, start)
        elif year and not numeric_ok:
            numeric_ok = guards.numeric_date_possible(lowered, backwards, start, end)
        if end > run_end:
            # A run is a sequence of whole tokens (non-word runs, digit runs, letter runs that
            # are vocabulary words), so its ends do not depend on which of its triggers it is
            # scanned from: a trigger inside the previous trigger's run reuses its ends.
            first = size - _end_of(_RUN_BACK.match(backwards, size - start))
            run_ahead = _RUN_AHEAD.match(lowered, end)
            assert run_ahead is not None  # the pattern matches the empty string: it always matches
            run_end = run_ahead.start(1)
            # The word after the run too: the patterns' lookaheads peek at it, and a modifier
            # glued to it by a lost space ("l'été dernierCette") still belongs to the expression.
            last = run_ahead.end() + 1
        high = min(size, last)
        if start - feeds.back <= first and end + feeds.ahead >= high:
            window = (first, high)  # the run bounds every family's window (most triggers)
            for rank in feeds.ranks:
                windows[rank].append(window)
            continue
        for rank, back, ahead in feeds.reaches:
            windows[rank].append((max(first, start - back), min(high, end + ahead)))
    if windows is not None:
        if not day_range_ok:
            windows.pop(_DAY_RANGE, None)
        if not month_day_ok:
            windows.pop(_MONTH_DAY, None)
        if not numeric_ok:
            windows.pop(_NUMERIC_DATE, None)
        if not nth_ok:
            windows.pop(_NTH_WEEKDAY, None)
    return windows


def _after_quarter_code(lowered: str, start: int) -> bool:
    """Whether a quarter code and spaces end at ``start`` ("T3 2024"): what ``[tqsh][1-4]\\s+$``
    searched in the 6 characters before would say, without a regex call."""
    low = max(0, start - 6)
    last = start - 1
    while last >= low and lowered[last].isspace():
        last -= 1
    return last < start - 1 and last - 1 >= low and lowered[last] in "1234" and lowered[last - 1] in "tqsh"


def _end_of(match: re.Match[str] | None) -> int:
    assert match is not None  # these patterns match the empty string: they always match
    return match.end()


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans
    spans.sort()
    out = [spans[0]]
    for start, end in spans[1:]:
        if start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _select(ctx: Context, lowered: str, windows: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int, Resolved]]:
    # (minus length, start, rank, end, match): sorted on the first three, longest first.
    candidates: list[tuple[int, int, int, int, re.Match[str]]] = []
    size = len(lowered)
    text = ctx.text
    for rank, spans in windows.items():
        if len(spans) < _MIN_TRIGGERS[rank]:
            continue
        pattern = _PATTERNS[rank]
        for w_start, w_end in (_merged(spans) if len(spans) > 1 else spans):
            # What finditer would give, without its iterator (cheaper for the 0–2 matches of a
            # window): no family matches the empty string (a test checks it).
            pos = w_start
            while (match := pattern.search(lowered, pos, w_end)) is not None:
                start, end = match.span()
                pos = end  # where finditer would go on from
                if end == w_end < size:
                    # Cut by the window's end: what the full text says at this start wins.
                    full = pattern.match(lowered, start)
                    if full is None:
                        continue
                    match = full
                    end = full.end()
                # Trimmed of spaces around and a trailing comma (inlined: this runs per match).
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1] in " \t\n,":
                    end -= 1
                if end > start:
                    candidates.append((start - end, start, rank, end, match))
    if not candidates:
        return []
    if len(candidates) > 1:
        candidates.sort(key=_BY_LENGTH_START_RANK)
    taken: list[tuple[int, int, Resolved]] = []
    for _, start, rank, end, match in candidates:
        for t_start, t_end, _ in taken:
            if start < t_end and t_start < end:
                break
        else:
            found = _HANDLERS[rank](match, ctx)
            if found is not None:
                taken.append((start, end, found))
    if len(taken) > 1:
        taken.sort()  # the spans do not overlap: their starts differ, the values are never compared
        taken = _merge_ranges(text, taken)
    out = []
    floor = 0  # the end of the previous expression: a deadline prefix starts after it
    for span in taken:
        start, end, found = span
        # Cheap exact pre-check: a prefix ends, before spaces, on one of its last characters (any
        # non-ASCII character goes on to the regex: case-insensitive matching has its own rules).
        low = start - 30 if start - 30 > floor else floor
        last = start - 1
        while last >= low and text[last].isspace():
            last -= 1
        if (last >= low and found.kind != "recurrence"
                and (not text[last].isascii() or text[last].lower() in _DEADLINE_LAST_CHARS)):
            span = _with_deadline(text, span, low)
        out.append(span)
        floor = end
    return out


_BY_LENGTH_START_RANK: Final = itemgetter(0, 1, 2)
_PATTERNS: Final = [pattern for pattern, _ in _FAMILIES]
_HANDLERS: Final = [handler for _, handler in _FAMILIES]


# "de X à Y", "du lundi au mercredi", "entre X et Y", "X - Y": two expressions joined into one span.
_RANGE_JOINER: Final = re.compile(r"\s*(?:-|–|au|à|a|jusqu'à|jusqu'au|jusqu'a|et)\s*", re.IGNORECASE)
_RANGE_OPENER: Final = re.compile(r"(?<![\w'])(?:de|du|depuis|entre|d')\s*$", re.IGNORECASE)


def _merge_ranges(text: str, taken: list[tuple[int, int, Resolved]]) -> list[tuple[int, int, Resolved]]:
    merged: list[tuple[int, int, Resolved]] = []
    for start, end, found in taken:
        if merged:
            p_start, p_end, prev = merged[-1]
            joiner = _RANGE_JOINER.fullmatch(text, p_end, start)
            if joiner and _mergeable(prev, found) and (
                "et" not in joiner.group().lower() or _RANGE_OPENER.search(text, max(0, p_start - 10), p_start)
                or _consecutive_days(prev, found)
            ):
                opener = _RANGE_OPENER.search(text, max(0, p_start - 10), p_start)
                new_start = opener.start() if opener else p_start
                anchors = (prev.anchor, found.anchor)
                anchor = "none" if "none" in anchors else "published" if "published" in anchors else "text"
                value = None
                if prev.value is not None and found.value is not None:
                    value = f"{prev.value.split('/')[0]}/{found.value.split('/')[-1]}"
                merged[-1] = (new_start, end, Resolved(value, prev.grain, "interval", anchor))
                continue
        merged.append((start, end, found))
    return merged


def _consecutive_days(first: Resolved, second: Resolved) -> bool:
    """"lundi et mardi": two days in a row joined by "et" are one span of days (two days apart,
    "lundi et mercredi", they stay two dates)."""
    if first.grain != "day" or first.value is None or second.value is None:
        return False
    a, b = bounds(first.value), bounds(second.value)
    return a is not None and b is not None and (b[0] - a[1]).days == 1


def _mergeable(first: Resolved, second: Resolved) -> bool:
    if "recurrence" in (first.kind, second.kind) or first.grain != second.grain:
        return False
    if first.value is None or second.value is None:
        return first.value is None and second.value is None  # unresolved both: still one range
    return first.value.split("/")[0] < second.value.split("/")[-1]


def _with_deadline(text: str, span: tuple[int, int, Resolved], floor: int) -> tuple[int, int, Resolved]:
    """``span`` joined with the deadline prefix ("d'ici", "avant"...) that ends right before it
    (searched from ``floor``), as a deadline; else ``span`` itself."""
    start, end, found = span
    prefix = _DEADLINE_BEFORE.search(text, floor, start)
    if prefix is None:
        return span
    return prefix.start(), end, Resolved(found.value, found.grain, "deadline", found.anchor)
