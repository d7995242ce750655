"""The main event's date of an undated article, from its estimated publication window.

"samedi", "hier" or "le 12 mars" mean one day only against a publication date. A listing item
has none, only silkwire's estimate of it (``estimate.py``): a window of days. When every day of
that window resolves the text to the same main event date ("samedi" read from any day of one
week, "le 12 mars" from any day of one year, before and after no 12 March), the window pins the
answer and it is kept — marked as resting on the estimate. When two days of the window give two
answers, nothing is pinned and the date stays unresolved: a guess is never presented as a
finding. Open windows (``2025-04-28/..``) and windows of more than a year pin nothing.

Not compiled (setup.py): it runs once per undated item after the listing's estimates, and calls
the compiled tagger once per day of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from silkwire.model import TimeRef
from silkwire.nlp.temporal.status import event_date_and_status
from silkwire.nlp.temporal.tagger import tag_dates

MAX_DAYS = 366  # the longest window tried: a year (beyond, "le 12 mars" has two answers anyway)


@dataclass(frozen=True)
class Pinned:
    """The main event's date pinned by a window: its value, the status the window agrees on (None
    when days disagree), and the time expression it was read from (its span is the evidence),
    with its resolved value and ``anchor="estimate"``."""

    event_date: str
    status: str | None
    evidence: TimeRef


def window_days(window: str | None) -> list[date] | None:
    """The days of an estimated publication value (``2025-07-30`` or ``2025-07-28/2025-07-30``),
    oldest first; None when it is open, unreadable or longer than ``MAX_DAYS``."""
    if not window or ".." in window:
        return None
    start_text, _, end_text = window.partition("/")
    try:
        start = date.fromisoformat(start_text[:10])
        end = date.fromisoformat((end_text or start_text)[:10])
    except ValueError:
        return None
    if end < start or (end - start).days >= MAX_DAYS:
        return None
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def pin_event_date(text: str, window: str | None) -> Pinned | None:
    """The main event's date that every publication day of ``window`` gives ``text``, with its
    evidence; None when the window is unusable, a day gives no date, or two days disagree."""
    days = window_days(window)
    if not days or not text:
        return None
    value: str | None = None
    statuses: set[str | None] = set()
    evidence: TimeRef | None = None
    # The window's two ends first: most windows that pin nothing differ there, at two taggings
    # instead of one per day.
    for day in [days[0], days[-1], *days[1:-1]] if len(days) > 1 else days:
        published = day.isoformat()
        refs = tag_dates(text, published)
        got, status = event_date_and_status(text, refs, published)
        if got is None or (value is not None and got != value):
            return None
        if value is None:
            value = got
            evidence = _evidence(refs, got)
        statuses.add(status if status in ("done", "planned") else None)
    if value is None or evidence is None:
        return None
    return Pinned(value, next(iter(statuses)) if len(statuses) == 1 else None, evidence)


def _evidence(refs: list[TimeRef], value: str) -> TimeRef | None:
    """The expression the main event's date was read from: the first of that value that rests on
    the publication date (a date the text states in full needs no window)."""
    for ref in refs:
        if ref.value == value and ref.anchor == "published":
            return TimeRef(text=ref.text, span=ref.span, value=ref.value, grain=ref.grain, kind=ref.kind,
                           anchor="estimate")
    return None
