"""The temporal lexicons (``data/*.tsv``) and the regex fragments built from them, loaded once."""

from __future__ import annotations

from pathlib import Path

from silkwire.nlp.numbers_fr import NUMBER_WORDS_RE, ORDINAL_WORD_RE, read_tsv, trie_alternation

_DATA = Path(__file__).parent / "data"


def _table(name: str) -> list[list[str]]:
    return read_tsv(_DATA / name)


def alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first (so "janvier" beats "jan"), as a trie."""
    return trie_alternation(words)


MONTHS: dict[str, int] = {row[0]: int(row[1]) for row in _table("months.tsv")}
WEEKDAYS: dict[str, int] = {row[0]: int(row[1]) for row in _table("weekdays.tsv")}
SEASONS: dict[str, tuple[int, int]] = {row[0]: (int(row[1]), int(row[2])) for row in _table("seasons.tsv")}
RELATIVE: dict[str, tuple[str, int]] = {row[0]: (row[1], int(row[2])) for row in _table("relative.tsv")}
UNITS: dict[str, str] = {row[0]: row[1] for row in _table("units.tsv")}
TENSE_MARKERS: dict[str, str] = {row[0]: row[1] for row in _table("tense_markers.tsv")}
DEADLINE_PREFIXES: list[str] = [row[0] for row in _table("deadline_prefixes.tsv")]
HOLIDAYS: dict[str, tuple[int, str]] = {row[0]: (int(row[1]), row[2]) for row in _table("holidays.tsv")}
NAME_PREFIXES: frozenset[str] = frozenset(row[0] for row in _table("name_prefixes.tsv"))
EVENT_NOUNS: list[str] = [row[0] for row in _table("event_nouns.tsv")]

# Abbreviations ("janv", "sept", "oct") are months only next to a day number: alone, "sept" is
# seven. Full names may stand alone ("en mars").
_FULL_MONTHS = [row[0] for row in _table("months.tsv") if row[2] == "full"]
_ABBREVIATIONS = [row[0] for row in _table("months.tsv") if row[2] == "abbr"]
# The dot belongs to an abbreviation ("janv."), never to a full name (a sentence's full stop).
MONTH_ANY = rf"(?:(?:{alternation(_FULL_MONTHS)})(?![\w])|(?:{alternation(_ABBREVIATIONS)})(?![\w])\.?)"
MONTH_FULL = rf"(?:{alternation(_FULL_MONTHS)})(?![\w])"
WEEKDAY = rf"(?:{alternation(list(WEEKDAYS))})"
HOLIDAY = rf"(?:{alternation(list(HOLIDAYS))})(?![\w])"
SEASON = rf"(?:{alternation(list(SEASONS))})"
UNIT = rf"(?:{alternation(list(UNITS))})(?![\w])"
RELATIVE_PHRASE = rf"(?:{alternation(list(RELATIVE))})(?![\w-])"
NUMBER_WORDS = NUMBER_WORDS_RE
ORDINAL_WORD = ORDINAL_WORD_RE

# A day of the month: digits (with the ordinal mark of the 1st), or words ("premier",
# "vingt et un"); the handlers check the range 1–31.
DAY = rf"(?:\d{{1,2}}(?:er|re|e)?(?!\d)|premier|{NUMBER_WORDS})"
YEAR = r"(?:19|20)\d{2}(?!\d)"


def month_number(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip("."))


def weekday_number(word: str) -> int | None:
    return WEEKDAYS.get(word.lower().rstrip("s"))
