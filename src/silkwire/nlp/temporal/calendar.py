"""Calendar arithmetic and the DESIGN.md value syntax (ISO 8601 forms and intervals).

Value forms written here: ``2025-07-30`` (day), ``2025-W14`` (ISO week), ``2025-10`` (month),
``2025-Q3`` (quarter), ``2025-H1`` (half), ``2025`` (year), ``start/end`` intervals whose two
ends are themselves values (both ends included), and for recurrences ``R/P1Y`` (every year),
``--05-01`` (every 1 May), ``XXXX-WXX-1`` (every Monday, the TIMEX3 form).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from datetime import date, timedelta
from typing import Final

Grain = str  # day | week | month | quarter | half | season | year | decade


class Resolved:
    """What one time expression resolves to (value None when it cannot be resolved). A plain
    class with slots: compiled (setup.py) it is built by a native call, where a named tuple's
    constructor is interpreted Python."""

    __slots__ = ("anchor", "grain", "kind", "value")

    def __init__(self, value: str | None, grain: Grain | None, kind: str = "point", anchor: str = "text") -> None:
        self.value = value
        self.grain = grain
        self.kind = kind  # point | interval | deadline | recurrence
        self.anchor = anchor  # text | published | none

    def __repr__(self) -> str:
        return f"Resolved({self.value!r}, {self.grain!r}, {self.kind!r}, {self.anchor!r})"


def day_value(d: date) -> str:
    return d.isoformat()


def month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def week_value(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def interval(start: str, end: str) -> str:
    return start if start == end else f"{start}/{end}"


# Days per month, February of a common year (calendar.monthrange also computes the weekday the
# month opens on, which costs more than the rest of a handler).
_MONTH_DAYS: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= last_day(year, month)


def last_day(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise _stdlib_calendar.IllegalMonthError(month)
    if month == 2 and _stdlib_calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def shift(anchor: date, unit: str, offset: int) -> tuple[str, str]:
    """The value and grain of the unit ``offset`` steps from ``anchor`` (offset 0: this unit)."""
    if unit == "day":
        return day_value(anchor + timedelta(days=offset)), "day"
    if unit == "week":
        return week_value(anchor + timedelta(weeks=offset)), "week"
    if unit == "weekend":
        saturday = anchor + timedelta(days=5 - anchor.weekday() + 7 * offset)
        return interval(day_value(saturday), day_value(saturday + timedelta(days=1))), "day"
    if unit == "month":
        y, m = add_months(anchor.year, anchor.month, offset)
        return month_value(y, m), "month"
    return f"{anchor.year + offset:04d}", "year"


def weekday_near(anchor: date, weekday: int, future: bool, include_anchor: bool = True) -> date:
    """The closest date with ISO ``weekday`` on or before ``anchor`` (after it when ``future``)."""
    delta = weekday - anchor.isoweekday()
    if future:
        delta = delta % 7
        if delta == 0 and not include_anchor:
            delta = 7
    else:
        delta = -((-delta) % 7)
        if delta == 0 and not include_anchor:
            delta = -7
    return anchor + timedelta(days=delta)


# Where "début", "mi-" and "fin" fall: in a month, by thirds (1–10, 11–20, 21–end); in a year,
# by months (début: January–March, mi-: June–July, fin: October–December).
_PART_OF_YEAR: Final = {"début": (1, 3), "mi": (6, 7), "fin": (10, 12)}
_PART_OF_MONTH: Final = {"début": (1, 10), "mi": (11, 20), "fin": (21, 31)}


def part_of_year(year: int, part: str) -> str:
    first, last = _PART_OF_YEAR[part]
    return interval(month_value(year, first), month_value(year, last))


def part_of_month(year: int, month: int, part: str) -> str:
    first, last = _PART_OF_MONTH[part]
    last = min(last, last_day(year, month))
    return interval(day_value(date(year, month, first)), day_value(date(year, month, last)))


def season_value(year: int, first_month: int, last_month: int) -> str:
    end_year = year + 1 if last_month < first_month else year
    return interval(month_value(year, first_month), month_value(end_year, last_month))


_DAY: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")
_YEAR: Final = re.compile(r"(\d{4})")
_PART: Final = re.compile(r"(\d{4})-([QH])(\d)")
_WEEK: Final = re.compile(r"(\d{4})-W(\d{2})")


def bounds(value: str) -> tuple[date, date] | None:
    """First and last day (both included) a value covers; None for recurrences and unknowns."""
    if "/" in value:
        start, _, end = value.partition("/")
        first, last = bounds(start), bounds(end)
        if first is None or last is None:
            return None
        return first[0], last[1]
    # A day or a month, the values most asked about, read without a regex (isdecimal: what \d
    # matches); everything else goes through the patterns below.
    if len(value) == 10 and value[4] == value[7] == "-" and value[:4].isdecimal() and value[5:7].isdecimal() \
            and value[8:].isdecimal():
        d = date(int(value[:4]), int(value[5:7]), int(value[8:]))
        return d, d
    if len(value) == 7 and value[4] == "-" and value[:4].isdecimal() and value[5:].isdecimal():
        y, mo = int(value[:4]), int(value[5:])
        return date(y, mo, 1), date(y, mo, last_day(y, mo))
    if m := _DAY.fullmatch(value):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    if m := _WEEK.fullmatch(value):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return monday, monday + timedelta(days=6)
    if m := _MONTH.fullmatch(value):
        y, mo = int(m[1]), int(m[2])
        return date(y, mo, 1), date(y, mo, last_day(y, mo))
    if m := _PART.fullmatch(value):
        y, n = int(m[1]), int(m[3])
        size = 3 if m[2] == "Q" else 6
        first_month = (n - 1) * size + 1
        last_month = first_month + size - 1
        return date(y, first_month, 1), date(y, last_month, last_day(y, last_month))
    if m := _YEAR.fullmatch(value):
        y = int(m[1])
        return date(y, 1, 1), date(y, 12, 31)
    return None


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm of Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holiday_date(year: int, month: int, rule: str) -> date | None:
    """The day of a holiday in ``year`` (rules: data/holidays.tsv); None for an invalid rule."""
    if rule.isdigit():
        return date(year, month, int(rule)) if valid_day(year, month, int(rule)) else None
    if rule.startswith("easter"):
        return easter(year) + timedelta(days=int(rule[6:]))
    if rule == "fr-mothers":
        last = date(year, 5, 31)
        sunday = last - timedelta(days=(last.isoweekday() % 7))
        return sunday + timedelta(days=7) if sunday == easter(year) + timedelta(days=49) else sunday
    weekday, _, nth = rule.partition("#")
    return nth_weekday_of(year, month, int(weekday), int(nth))


def nth_weekday_of(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The ``nth`` (1–5; -1: the last) ``weekday`` (1 = Monday) of a month; None if there is none."""
    if nth == -1:
        last = date(year, month, last_day(year, month))
        return last - timedelta(days=(last.isoweekday() - weekday) % 7)
    first = date(year, month, 1)
    found = first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    return found if found.month == month else None
