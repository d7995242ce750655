"""Publication dates estimated for the items of a listing that gives none.

A listing (DESIGN.md "Input formats") runs newest first, so an undated item was published on or
before the nearest dated item above it (newer) and on or after the nearest dated item below it
(older). Its own text can narrow that: an event it reports as done happened before it was
written, so publication is on or after the first day of the latest such event.

Values, in the DESIGN.md syntax for dates (ISO 8601), marked ``published_estimated: true``:

- ``2025-07-30``: both bounds fall on the same day;
- ``2025-07-28/2025-07-30``: published within that window (both ends included);
- ``2025-07-28/..`` and ``../2025-07-30``: one bound only (ISO 8601-2 open interval: the top of a
  listing has no newer neighbour, the bottom no older one);
- ``None`` (not estimated): nothing bounds it — a listing with no date at all.

When the bounds disagree (a text date after the newer neighbour, or neighbours out of order),
the listing's order is trusted over the tagger: the text bound is dropped, and neighbours out of
order give the window between the two dates, whichever comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from silkwire.model import TimeRef
from silkwire.nlp.temporal.calendar import bounds
from silkwire.nlp.temporal.context import Context
from silkwire.nlp.temporal.tagger import parse_published
from silkwire.textnorm import normalize_text

Item = tuple[str | None, Sequence[TimeRef] | None]  # (publication date if known, done-event dates)


def done_dates(text: str, refs: Sequence[TimeRef]) -> list[TimeRef]:
    """The dates of ``refs`` that the text reports as done, usable as lower bounds of publication.

    Only dates the text states in full (anchor "text": not resolved against a publication date
    we do not have) and that name a time, not a deadline or a recurrence; the tense of the
    sentence around each decides, as for the main event's status.
    """
    ctx = Context(normalize_text(text), None)
    return [
        ref for ref in refs
        if ref.anchor == "text" and ref.value is not None and ref.kind in ("point", "interval")
        and not ctx.is_future(ref.span[0], ref.span[1])
    ]


def estimate_published(items: Sequence[Item]) -> list[tuple[str | None, bool]]:
    """For each item, in listing order (newest first): its publication value and whether it is an
    estimate. ``items`` holds each item's publication date (None when unknown) and the dates its
    text reports as done (see ``done_dates``; None or empty when there are none)."""
    known = [parse_published(published) for published, _ in items]
    newer = _nearest(known)
    older = list(reversed(_nearest(list(reversed(known)))))
    out: list[tuple[str | None, bool]] = []
    for (published, dates), day, upper, lower in zip(items, known, newer, older, strict=True):
        if day is not None:
            out.append((published, False))
            continue
        if upper is not None and lower is not None and lower > upper:
            lower, upper = upper, lower  # neighbours out of order: the window between them
        from_text = _latest_done(dates)
        if from_text is not None and (lower is None or from_text > lower) and (upper is None or from_text <= upper):
            lower = from_text
        out.append((_window(lower, upper), lower is not None or upper is not None))
    return out


def _nearest(known: list[date | None]) -> list[date | None]:
    """For each position, the nearest known date strictly before it in the list."""
    out: list[date | None] = []
    last: date | None = None
    for day in known:
        out.append(last)
        if day is not None:
            last = day
    return out


def _latest_done(dates: Sequence[TimeRef] | None) -> date | None:
    firsts = [span[0] for ref in dates or () if ref.value is not None and (span := bounds(ref.value)) is not None]
    return max(firsts, default=None)


def _window(lower: date | None, upper: date | None) -> str | None:
    if lower is None and upper is None:
        return None
    if lower == upper:
        return lower.isoformat() if lower else None
    start = lower.isoformat() if lower else ".."
    end = upper.isoformat() if upper else ".."
    return f"{start}/{end}"
