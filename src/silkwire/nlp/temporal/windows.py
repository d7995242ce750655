"""Where the temporal families are worth searching: the trigger words a family cannot do without
(a month name, a year, a weekday...) found in one scan, and the windows around them.

A family runs only in windows around its triggers, reaching back over its longest optional
lead-in and forward over its longest tail, cut to the run of expression words around the
trigger; four families that rarely match are skipped when no trigger can start one (guards.py).
tagger.py searches the windows and selects among the matches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Final, NamedTuple

from silkwire.nlp.numbers_fr import number_words, trie_alternation
from silkwire.nlp.temporal import absolute, guards, relative
from silkwire.nlp.temporal.lexicon import (
    DEADLINE_PREFIXES,
    HOLIDAYS,
    MONTHS,
    RELATIVE,
    SEASONS,
    UNITS,
    WEEKDAYS,
)

# Every expression starts at a word boundary: checking it first lets the engine skip the inside
# of words at once instead of trying each family's alternations there.
FAMILIES: Final = [(re.compile(r"\b(?:" + pattern.pattern + ")", pattern.flags), handler)
            for pattern, handler in absolute.FAMILIES + relative.FAMILIES]
# Speed (the budget is tens of µs per lead): one cheap scan finds the trigger words a family
# cannot do without (a month name, a year, a weekday...); a family runs only in windows around
# its triggers, reaching back over its longest optional lead-in ("au cours des quatre-vingts
# derniers", "entre le mercredi") and forward over its longest tail. (needs, back, ahead) per
# family, in FAMILIES order; a test checks that each lexicon entry holds a trigger of its family.
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
assert len(_SPECS) == len(FAMILIES)


class Feed(NamedTuple):
    """The families a trigger opens a window for: (rank, back, ahead) each, and the shortest reach
    back and ahead among them (a run within both gives every family the same window)."""

    reaches: tuple[tuple[int, int, int], ...]
    back: int
    ahead: int
    ranks: tuple[int, ...]


MIN_TRIGGERS: Final = [max(needs.count(kind) for kind in needs) for needs, _, _ in _SPECS]


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


TRIGGER_WORDS: Final = _trigger_words()
_WORD_FEEDS: Final = {word: _feeds(kinds) for word, kinds in TRIGGER_WORDS.items()}
_NUMSEP_FEEDS: Final = _feeds(frozenset(["numsep"]))
_DAY_ALONE_FEEDS: Final = {  # by (followed by a separator and a digit)
    numsep: _feeds(frozenset(["dayalone", *(["numsep"] if numsep else [])])) for numsep in (False, True)
}
_YEAR_FEEDS: Final = {  # by (after a quarter code, followed by a separator and a digit)
    (code, numsep): _feeds(frozenset(["year", *(["code"] if code else []), *(["numsep"] if numsep else [])]))
    for code in (False, True) for numsep in (False, True)
}
_MONTH_WORDS: Final = frozenset(word for word, kinds in TRIGGER_WORDS.items() if "month" in kinds)
_RANK_OF: Final = {handler.__name__: rank for rank, (_, handler) in enumerate(FAMILIES)}
_DAY_RANGE: Final = _RANK_OF["day_range"]
_MONTH_DAY: Final = _RANK_OF["month_day"]
_NUMERIC_DATE: Final = _RANK_OF["numeric_date"]
_NTH_WEEKDAY: Final = _RANK_OF["nth_weekday"]


def _vocabulary() -> set[str]:
    """Every word an expression can be made of: the lexicons, the number words, the literal words
    of the family patterns (their tries add harmless fragments)."""
    words: set[str] = set()
    sources = [*MONTHS, *WEEKDAYS, *SEASONS, *UNITS, *HOLIDAYS, *RELATIVE, *DEADLINE_PREFIXES, *number_words()]
    sources += [re.sub(r"\?P<\w+>|\\[a-zA-Z]", " ", pattern.pattern) for pattern, _ in FAMILIES]
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
# a match: find_windows skips those. Skipping gives what the Unicode pattern finds because the rest
# of the pattern is Unicode and every trigger is made of word characters (a test checks it): no
# Unicode match can start inside a skipped one.
TRIGGERS: Final = re.compile(rf"(?a:\W)(?:\d+|(?:{trie_alternation(TRIGGER_WORDS)})(?![\w]))")
_NUMBER_SEPARATORS: Final = frozenset("/.-")


def find_windows(lowered: str) -> dict[int, list[tuple[int, int]]] | None:
    """Per family rank, the text windows to search (a family absent cannot match); None: no trigger."""
    windows: dict[int, list[tuple[int, int]]] | None = None
    size = len(lowered)
    backwards = ""
    run_end = first = last = -1
    month_day_ok = day_range_ok = numeric_ok = nth_ok = False  # guards.py: may these families match at all?
    spaced = " " + lowered
    for match in TRIGGERS.finditer(spaced):
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
                code = after_quarter_code(lowered, start)
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


def after_quarter_code(lowered: str, start: int) -> bool:
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
