"""Dates as the rest of silkwire compares them: ISO values -> sortable day numbers, and the one
parser of date parameters (``--since``, ``?since=``) that every interface uses.

A stored date value is ISO 8601 at any grain (2025-07-30, 2025-07, 2025, 2025-Q3, 2025-H1, an
interval a/b, a recurrence R/P1Y). Comparisons use ``start_day``: YYYYMMDD of its first day.
"""

from __future__ import annotations

import re
from datetime import date

from silkwire.errors import QueryError

# A date or date-time, kept to the day (ingest.records reads publication dates with it too).
ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def start_day(iso: str) -> int:
    """YYYYMMDD of the first day of an ISO value (2025-07-30, 2025-07, 2025, 2025-Q3, a/b)."""
    start = iso.split("/")[0]
    year = int(start[:4])
    rest = start[5:]
    if rest[:1] in ("Q", "H"):
        month = 1 + (int(rest[1]) - 1) * (3 if rest[0] == "Q" else 6)
        return year * 10000 + month * 100 + 1
    if rest[:1] == "W":
        return year * 10000 + 101  # week grain: the year is the best cheap bound
    month = int(rest[:2]) if len(rest) >= 2 else 1
    day = int(rest[3:5]) if len(rest) >= 5 else 1
    return year * 10000 + month * 100 + day


def first_day(value: str | None) -> int | None:
    """``start_day`` of a stored date value, or None when it has no first day: no value, a
    recurrence ("chaque année" -> R/P1Y) or anything unparseable. Callers that store or compare
    dates use this one, so a recurrence never stops an enrichment or a page."""
    if not value:
        return None
    try:
        return start_day(value)
    except (ValueError, IndexError):
        return None


def parse_day(value: str | None, name: str) -> str | None:
    """A date parameter (``since``/``until``; an ISO date or date-time) -> ``YYYY-MM-DD``; empty
    -> None; anything else is a ``QueryError`` naming the parameter (exit 2, HTTP 400)."""
    if value is None or not value.strip():
        return None
    m = ISO_DAY.fullmatch(value.strip())
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            pass
    raise QueryError(f"{name}: expected a date YYYY-MM-DD, got {value!r}")


# -- French wording of date values (pages, digests): Babel's CLDR data, no month table here ------

_FR_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_FR_PART = re.compile(r"(\d{4})-([QHW])(\d{1,2})")
_EVERY = {"D": "tous les jours", "W": "toutes les semaines", "M": "tous les mois", "Y": "tous les ans"}


def _ordinal(n: int, word: str) -> str:
    return f"{n}{'er' if n == 1 else 'e'} {word}"


def _first_of_month(text: str) -> str:
    """CLDR writes "1 octobre"; French writes "1er octobre" (and "1er–3 oct.")."""
    return re.sub(r"(?<!\d)1(?= [^\d\s–-]|–)", "1er", text)


def french_date(value: str | None) -> str:
    """A stored date value in French words: ``2025-07-30`` -> ``30 juillet 2025``, ``2025-07`` ->
    ``juillet 2025``, ``2025-Q3`` -> ``3e trimestre 2025``, ``2025-10-25/2025-10-31`` ->
    ``25–31 oct. 2025``, ``R/P1Y`` -> ``tous les ans``; an unknown form comes back as it is."""
    from babel.dates import format_date, format_interval

    if not value:
        return "date inconnue"
    if value.startswith("R/"):
        return _EVERY.get(value[-1:], "périodiquement") if value[3:-1] in ("1", "") else f"récurrent ({value})"
    if "/" in value:
        start, _, end = value.partition("/")
        if start == "..":
            return f"jusqu’au {french_date(end)}"
        if end == "..":
            return f"à partir du {french_date(start)}"
        a, b = _FR_DAY.fullmatch(start), _FR_DAY.fullmatch(end)
        if a and b:
            return _first_of_month(format_interval(_day(a), _day(b), "yMMMd", locale="fr"))
        a, b = _FR_MONTH.fullmatch(start), _FR_MONTH.fullmatch(end)
        if a and b:
            return format_interval(date(int(a[1]), int(a[2]), 1), date(int(b[1]), int(b[2]), 1), "yMMMM",
                                   locale="fr")
        return f"{french_date(start)} – {french_date(end)}"
    if m := _FR_DAY.fullmatch(value):
        return _first_of_month(format_date(_day(m), "d MMMM y", locale="fr"))
    if m := _FR_MONTH.fullmatch(value):
        return format_date(date(int(m[1]), int(m[2]), 1), "MMMM y", locale="fr")
    if m := _FR_PART.fullmatch(value):
        n = int(m[3])
        word = {"Q": "trimestre", "H": "semestre", "W": "semaine"}[m[2]]
        return f"{_ordinal(n, word)} {m[1]}" if m[2] != "W" else f"semaine {n} de {m[1]}"
    return value


def french_range(since: str | None, until: str | None) -> str:
    """A period between two days in French: ``du 25 au 31 octobre 2025``, ``depuis le …``."""
    from babel.dates import format_date

    def day(v: str) -> str:
        m = _FR_DAY.fullmatch(v)
        return _first_of_month(format_date(_day(m), "d MMMM y", locale="fr")) if m else french_date(v)

    if since and until:
        if since == until:
            return f"le {day(since)}"
        a, b = _FR_DAY.fullmatch(since), _FR_DAY.fullmatch(until)
        if a and b and a[1] == b[1]:
            first = day(since).rsplit(" ", 2 if a[2] == b[2] else 1)[0]  # the month and year once
            return f"du {first} au {day(until)}"
        return f"du {day(since)} au {day(until)}"
    if since:
        return f"depuis le {day(since)}"
    if until:
        return f"jusqu’au {day(until)}"
    return "toute la période"


def _day(m: re.Match[str]) -> date:
    return date(int(m[1]), int(m[2]), int(m[3]))
