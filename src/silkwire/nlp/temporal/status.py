"""``event_date_and_status``: when the article's main event happens and whether it has happened.

The main event is the one the title is about (ANNOTATION.md §7), so:

1. a date of the title at the grain of a day, a week or a month wins (the first one): "reportée
   au 1er mai", "s'ouvre la semaine prochaine", "Navrouz"; a title's year or season ("depuis
   2022", "pour passer l'hiver") is mostly background and does not;
2. else the first day-precise date of the lead, else the first one at the grain of a week or a
   month, else the first of any grain: news put the event's date early, and a day beats a month.
   Deadlines and recurrences are not event dates; a deadline is used only when nothing else is.
   A coarse title date is refined by the first finer lead date inside it ("accueillera cette
   semaine" + "du 29 au 31 mai" -> 29–31 May).
3. An opening day followed in its sentence by "jusqu'au 13 juin" is the span of the event
   ("ouverte lundi, se poursuit jusqu'au 13 juin" -> Monday/13 June) when that span is at most a
   month; a longer run (an exhibition until November) keeps its opening day. So is an opening
   day followed by its length ("a entamé vendredi deux jours de négociations").
4. The value is written at the grain the event is known to (ANNOTATION.md §7): a week, or the
   beginning, middle or end of a month, that lies within one month is that month ("cette
   semaine" -> 2025-10, "à la mi-novembre" -> 2025-11).

Status: with a publication date, an event (at its finest: the week, not the month it became;
its opening day, not the run until "jusqu'au 13 juin") wholly after it is "planned", one wholly
before it "done", one on the publication day itself "done" (a rule that applies "à partir de ce
mardi", a conference that opens today). Otherwise —
the date spans the publication day, or there is no date or no publication date — the tense of
the sentence decides: simple or periphrastic future, "prévu", "devrait", "prochainement"... ->
"planned"; otherwise "done" (news reports what happened).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from silkwire.model import TimeRef
from silkwire.nlp.numbers_fr import parse_words
from silkwire.nlp.temporal.calendar import bounds, day_value, month_value
from silkwire.nlp.temporal.context import Context
from silkwire.nlp.temporal.tagger import parse_published
from silkwire.textnorm import normalize_text

_TITLE_GRAINS: Final = frozenset(["day", "week", "month"])
_UNTIL: Final = re.compile(r"^(?:jusqu'au|jusqu'à|jusqu’au|jusqu’à)\s", re.IGNORECASE)
_PART_OF_MONTH: Final = re.compile(r"(?<![\w])(?:début|debut|mi|milieu|fin)(?![\w])", re.IGNORECASE)
# A conference, a festival, games run for days or weeks and are dated by their whole span; an
# exhibition that runs for months is dated by its opening.
_LONGEST_RUN: Final = 31
# "a entamé vendredi deux jours de négociations": the run of days the event opens.
_DAYS_OF: Final = re.compile(
    r"(?<![\w-])(?P<n>\d{1,2}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+jours\s+(?:de|d')", re.IGNORECASE)
_SENTENCE_END: Final = re.compile(r"[.!?;]\s|\n")


def _dated(dates: list[TimeRef]) -> list[TimeRef]:
    return [d for d in dates if d.value is not None and d.kind in ("point", "interval")]


def _main_date(text: str, dates: list[TimeRef]) -> TimeRef | None:
    title_end = text.find("\n\n")
    resolved = _dated(dates)
    in_title = [d for d in resolved if d.span[1] <= title_end and d.grain in _TITLE_GRAINS]
    lead = [d for d in resolved if d.span[0] >= max(title_end, 0)] or resolved
    if in_title:
        return _refined(in_title[0], lead)
    for wanted in (("day",), ("week", "month")):
        found = [d for d in lead if d.grain in wanted]
        if found:
            return found[0]
    if lead:
        return lead[0]
    deadlines = [d for d in dates if d.value is not None and d.kind == "deadline"]
    return deadlines[0] if deadlines else None


def _refined(title: TimeRef, lead: list[TimeRef]) -> TimeRef:
    """The title's date, or the first finer date of the lead inside it ("accueillera cette
    semaine" then "du 29 au 31 mai")."""
    outer = bounds(title.value or "")
    if outer is None or title.grain == "day":
        return title
    for ref in lead:
        inner = bounds(ref.value or "")
        if inner is not None and outer[0] <= inner[0] and inner[1] <= outer[1] and inner != outer:
            return ref
    return title


def _until(text: str, main: TimeRef, dates: list[TimeRef]) -> TimeRef:
    """The main day stretched to the "jusqu'au X" or the "N jours de" of its sentence (point 3 of
    the module doc)."""
    first = bounds(main.value or "")
    if main.grain != "day" or first is None:
        return main
    stop = _SENTENCE_END.search(text, main.span[1])
    sentence_end = stop.start() if stop else len(text)
    run = _DAYS_OF.search(text, main.span[1], min(sentence_end, main.span[1] + 60))
    days = (int(run["n"]) if run["n"].isdigit() else parse_words(run["n"])) if run is not None else None
    if days is not None and 1 < days <= _LONGEST_RUN:
        end = first[0] + timedelta(days=days - 1)
        return TimeRef(main.text, main.span, f"{day_value(first[0])}/{day_value(end)}", "day", "interval",
                       main.anchor)
    for ref in dates:
        if ref.span[0] < main.span[1] or ref.span[0] >= sentence_end:
            continue
        last = bounds(ref.value or "")
        if (ref.kind == "deadline" and ref.grain == "day" and _UNTIL.match(ref.text) and last
                and 0 < (last[1] - first[1]).days <= _LONGEST_RUN):
            return TimeRef(main.text, main.span, f"{day_value(first[0])}/{day_value(last[1])}", "day", "interval",
                           main.anchor)
    return main


def _as_known(ref: TimeRef) -> str | None:
    """The value at the grain the event is known to (point 4 of the module doc)."""
    value = ref.value
    span = bounds(value or "")
    if value is None or span is None or (span[0].year, span[0].month) != (span[1].year, span[1].month):
        return value
    if ref.grain == "week" or (ref.kind == "interval" and _PART_OF_MONTH.search(ref.text)):
        return month_value(span[0].year, span[0].month)
    return value


def _status_from_date(main: TimeRef, pub: date) -> str | None:
    span = bounds(main.value or "")
    if span is None:
        return None
    if span[0] > pub:
        return "planned"
    if span[1] < pub or span == (pub, pub):
        return "done"
    return None


def event_date_and_status(text: str, dates: list[TimeRef], published: str | None) -> tuple[str | None, str | None]:
    """The date of the article's main event (DESIGN.md value syntax) and "done" | "planned"."""
    if not text.strip():
        return None, None
    main = _main_date(text, dates)
    # The status of an event that runs "jusqu'au 13 juin" is that of its opening: open is done.
    value = _as_known(_until(text, main, dates)) if main is not None else None
    pub = parse_published(published)
    if main is not None and pub is not None and (status := _status_from_date(main, pub)) is not None:
        return value, status
    # The copy keeps its length only for most texts; offsets are used as a position hint only.
    ctx = Context(normalize_text(text), pub, ())
    if main is not None:
        future = ctx.is_future(main.span[0], main.span[1])
    else:
        future = ctx.is_future(0, 0) or ctx.is_future(len(ctx.text), len(ctx.text))
    if main is not None and main.kind == "deadline":
        future = True
    return value, ("planned" if future else "done")
