"""``event_date_and_status``: when the article's main event happens and whether it has happened.

The main event date is the first resolved point or interval of the article (title first, then
lead), preferring day-precise ones: news put the event's date early, and a day beats a month.
Deadlines and recurrences are not event dates; a deadline is used only when nothing else is.

Status: with a publication date, an event date wholly after it is "planned" and one wholly
before it "done". When the date does not settle it (same day, no date, no publication date),
the tense of the sentence does: simple or periphrastic future, "prévu", "devrait",
"prochainement"... -> "planned"; otherwise "done" (news reports what happened).
"""

from __future__ import annotations

from silkwire.model import TimeRef
from silkwire.nlp.temporal.calendar import bounds
from silkwire.nlp.temporal.context import Context
from silkwire.nlp.temporal.tagger import parse_published
from silkwire.textnorm import normalize_text

_GRAIN_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "half": 4, "year": 5, "decade": 6}


def _main_date(dates: list[TimeRef]) -> TimeRef | None:
    resolved = [d for d in dates if d.value is not None and d.kind in ("point", "interval")]
    if resolved:
        # The first day-precise date; else the finest grain, earliest first.
        return min(resolved, key=lambda d: (_GRAIN_RANK.get(d.grain or "year", 6) > 0, d.span[0]))
    deadlines = [d for d in dates if d.value is not None and d.kind == "deadline"]
    return deadlines[0] if deadlines else None


def event_date_and_status(text: str, dates: list[TimeRef], published: str | None) -> tuple[str | None, str | None]:
    """The date of the article's main event (DESIGN.md value syntax) and "done" | "planned"."""
    if not text.strip():
        return None, None
    main = _main_date(dates)
    pub = parse_published(published)
    if main is not None and main.value is not None and pub is not None:
        span = bounds(main.value)
        if span is not None:
            if span[0] > pub:
                return main.value, "planned"
            if span[1] < pub and main.kind != "deadline":
                return main.value, "done"
    # The copy keeps its length only for most texts; offsets are used as a position hint only.
    ctx = Context(normalize_text(text), pub, ())
    if main is not None:
        future = ctx.is_future(main.span[0], main.span[1])
    else:
        future = ctx.is_future(0, 0) or ctx.is_future(len(ctx.text), len(ctx.text))
    if main is not None and main.kind == "deadline":
        future = True
    return (main.value if main else None), ("planned" if future else "done")
