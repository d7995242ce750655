"""Cheap checks that let the tagger skip a family which cannot match anywhere in a text.

Four families open a window around most month, year and weekday triggers but rarely match:
month first ("Oct. 2"), day ranges ("du 3 au 5 mars"), numeric dates ("30/07/2025") and ordinal
weekdays ("le premier vendredi de juillet"). Each check below
looks, at one trigger, for characters every match of its family must consume there; a family is
skipped only when no trigger of the text passes (all or nothing: when it runs, it runs over the
very windows it had before, so its matches are unchanged). The checks read the full text and
test consumed characters only, never what a lookahead peeks at, so a match found in a window
always passes. Run on the lower-cased text, like the families.
"""

from __future__ import annotations

import re
from typing import Final

from silkwire.nlp.numbers_fr import CARDINAL_WORD_RE, number_words
from silkwire.nlp.temporal.lexicon import WEEKDAYS, alternation

_CARDINALS: Final = [word for word, number in number_words().items() if number.role != "ordinal"]
# absolute.MONTH_DAY: after the month (an abbreviation's dot), "-" or "/", "entre", then a day:
# one or two digits (a longer run is a year or a count), "premier", or a number word.
_MONTH_DAY_TAIL: Final = re.compile(rf"\.?\s*[-/]?\s*(?:entre\s+)?(?:\d{{1,2}}(?!\d)|premier|{CARDINAL_WORD_RE})")
# absolute.DAY_RANGE, read backwards from its second month (on the reversed text): "de", the
# second day and, when that day is in digits, the joiner before it ("-", "au", "à", "et le"...).
# A day in words ("vingt-trois mai", "premier") is let through with its joiner unchecked.
_DAY_RANGE_BEFORE: Final = re.compile(
    rf"(?:\s+ed)?\s+(?:(?:er|re|e)?\d{{1,2}}(?!\d)(?:\s+(?:{alternation([w[::-1] for w in WEEKDAYS])}))?"
    rf"\s*(?:-|–|—|ua|à|a|el\s+te|te)|{alternation([w[::-1] for w in [*_CARDINALS, 'premier']])})"
)
# absolute.NUMERIC_DATE around a year: a separator or a digit before it ("30.07.2025", "07 /
# 2025", "30 07 2025", "1/5, 2025"), or a separator after it ("2025-07-30", "2025 / 07"). A day
# or month in digits right before a separator is a trigger of its own (tagger.py, "numsep").
_YEAR_BEFORE: Final = re.compile(r"\s*[-/.,\d]")
_YEAR_AFTER: Final = re.compile(r"\s*[-/.]")
# relative.NTH_WEEKDAY, read backwards from the weekday: an ordinal word or a digit 1-5 with its
# ordinal mark right before the spaces ("premier vendredi", "3e mardi").
_ORDINALS: Final = [word for word, number in number_words().items() if number.role == "ordinal"]
_NTH_BEFORE: Final = re.compile(rf"\s+(?:{alternation([w[::-1] for w in _ORDINALS])}|(?:er|re|e|emè|eme|dn|edn)[1-5])")


def month_day_possible(lowered: str, month_end: int) -> bool:
    return _MONTH_DAY_TAIL.match(lowered, month_end) is not None


def day_range_possible(backwards: str, month_start: int) -> bool:
    """``backwards`` is the lower-cased text reversed."""
    return _DAY_RANGE_BEFORE.match(backwards, len(backwards) - month_start) is not None


def numeric_date_possible(lowered: str, backwards: str, year_start: int, year_end: int) -> bool:
    return (_YEAR_BEFORE.match(backwards, len(backwards) - year_start) is not None
            or _YEAR_AFTER.match(lowered, year_end) is not None)


def nth_weekday_possible(backwards: str, weekday_start: int) -> bool:
    """``backwards`` is the lower-cased text reversed."""
    return _NTH_BEFORE.match(backwards, len(backwards) - weekday_start) is not None
