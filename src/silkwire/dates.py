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
