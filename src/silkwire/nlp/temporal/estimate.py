"""Publication dates estimated for the items of a listing that gives none.

A listing (DESIGN.md "Input formats") runs newest first, so an undated item was published on or
before the nearest dated item above it (newer) and on or after the nearest dated item below it
(older). Its own text can narrow that: an event it reports as done happened before it was
written, so publication is on or after the first day of the latest such event — and so is the
publication of every newer item above it: a bound from the text carries up the listing (done
events) or down it (announced ones), but only once a second item confirms it (the second
highest of the done dates below, the second lowest of the announced dates above), so that one
misread tense does not move its neighbours; the main event
of an article that announces it (status "planned": "se tiendra du 30 octobre au 13 novembre
2025") had not begun when it was written, so publication is on or before its first day. Only the
main event, and only a day or a month: other dates of a future sentence are often past ("une
première depuis 1985"), and a year alone often a reference ("son niveau de 2022").

Values, in the DESIGN.md syntax for dates (ISO 8601), marked ``published_estimated: true``:

- ``2025-07-30``: both bounds fall on the same day;
- ``2025-07-28/2025-07-30``: published within that window (both ends included);
- ``2025-07-28/..`` and ``../2025-07-30``: one bound only (ISO 8601-2 open interval: the top of a
  listing has no newer neighbour, the bottom no older one);
- ``None`` (not estimated): nothing bounds it — a listing with no date at all.

When the bounds disagree (a text date after the newer neighbour, or neighbours out of order),
the listing's order is trusted over the tagger: the text bound is dropped, and neighbours out of
order give the window between the two dates, whichever comes first. When the text's own bounds
disagree (a done event after an announced one: one of the two tenses was misread), both are
dropped.
"""

from __future__ import annotations

import re
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
    we do not have) and that name a time, not a deadline, a recurrence or an open interval (a year
    that names an event, "les Jeux de 2028", is no date at all: news.py); the tense of the
    sentence around each decides, as for the main event's status. A date of the background
    ("depuis 1991", "la victoire de 1945") is past too: a true lower bound, kept.
    """
    ctx = Context(normalize_text(text), None)
    return [
        ref for ref in refs
        if ref.anchor == "text" and ref.value is not None and ref.kind in ("point", "interval")
        and "/.." not in ref.value
        and not ctx.is_future(ref.span[0], ref.span[1]) and not _conditional(ctx, ref.span[0], ref.span[1])
    ]


# A conditional in the sentence ("la réforme pourrait être soumise à référendum en 2027", "il
# serait arrivé") makes its date no sure past: a lower bound is only taken from plain statements.
# (As a tense marker for the main event's status it was measured worse: kept to estimates.)
_CONDITIONAL = re.compile(r"(?<![\w'])(?:pourrai|serai|aurai|devrai)(?:t|ent)(?![\w'])", re.IGNORECASE)


def _conditional(ctx: Context, start: int, end: int) -> bool:
    """Whether the sentence around ``start:end`` (as the tense reads it) holds a conditional verb."""
    left, right = ctx.sentence(start, end)
    return _CONDITIONAL.search(ctx.text, left, right) is not None


def estimate_published(items: Sequence[Item], planned: Sequence[str | None] | None = None,
                       ) -> list[tuple[str | None, bool]]:
    """For each item, in listing order (newest first): its publication value and whether it is an
    estimate. ``items`` holds each item's publication date (None when unknown) and the dates its
    text reports as done (see ``done_dates``; None or empty when there are none); ``planned``,
    when given, each item's main event date when its status is "planned" (else None)."""
    known = [parse_published(published) for published, _ in items]
    newer = _nearest(known)
    older = list(reversed(_nearest(list(reversed(known)))))
    announced = planned if planned is not None else [None] * len(items)
    own_after = [_latest_done(dates) for _, dates in items]
    own_before = [_earliest_planned(value) for value in announced]
    # From the other items: the done dates below (older items), the announced ones above (newer).
    below = list(reversed(_confirmed(list(reversed(own_after)), later=True)))
    above = _confirmed(own_before, later=False)
    out: list[tuple[str | None, bool]] = []
    for i, ((published, _), day, upper, lower) in enumerate(zip(items, known, newer, older, strict=True)):
        if day is not None:
            out.append((published, False))
            continue
        if upper is not None and lower is not None and lower > upper:
            lower, upper = upper, lower  # neighbours out of order: the window between them
        after = max((d for d in (own_after[i], below[i]) if d is not None), default=None)
        before = min((d for d in (own_before[i], above[i]) if d is not None), default=None)
        if after is not None and before is not None and after > before:
            after = before = None  # the text contradicts itself: a tense was misread
        if after is not None and (lower is None or after > lower) and (upper is None or after <= upper):
            lower = after
        if before is not None and (upper is None or before < upper) and (lower is None or before >= lower):
            upper = before
        out.append((_window(lower, upper), lower is not None or upper is not None))
    return out


def _confirmed(bounds_in_order: list[date | None], later: bool) -> list[date | None]:
    """For each position, the second latest (``later``) or second earliest of the bounds strictly
    before it: a bound two items agree on (one alone may be a misread tense)."""
    out: list[date | None] = []
    best: list[date] = []  # the two best so far, best first
    for bound in bounds_in_order:
        out.append(best[1] if len(best) == 2 else None)
        if bound is not None:
            best = sorted([*best, bound], reverse=later)[:2]
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


def _earliest_planned(value: str | None) -> date | None:
    # Only a scheduled day or month ("du 30 octobre au 13 novembre 2025", "en mai 2026"): a year
    # alone in an announcing article is as often a reference ("le double de son niveau de 2022").
    if not value or not _DAY_OR_MONTH.match(value):
        return None
    span = bounds(value)
    return span[0] if span is not None else None


_DAY_OR_MONTH = re.compile(r"\d{4}-\d{2}(?:-\d{2})?(?:/|$)")


def _window(lower: date | None, upper: date | None) -> str | None:
    if lower is None and upper is None:
        return None
    if lower == upper:
        return lower.isoformat() if lower else None
    start = lower.isoformat() if lower else ".."
    end = upper.isoformat() if upper else ".."
    return f"{start}/{end}"
