"""``event_date_and_status``: when the article's main event happens and whether it has happened.

The main event is the one the title is about (ANNOTATION.md §7), so:

1. a date of the title at the grain of a day, a week or a month wins (the first one): "reportée
   au 1er mai", "s'ouvre la semaine prochaine", "Navrouz"; a title's year or season ("depuis
   2022", "pour passer l'hiver") is mostly background and does not;
2. else the first day-precise date of the lead, else the first one at the grain of a week or a
   month, else the first of any grain: news put the event's date early, and a day beats a month.
   Deadlines ("d'ici 2060", "jusqu'en 2027", "à l'horizon 2030", "avant vendredi") and recurrences
   are never event dates (only the day a span ran until, "prolongées jusqu'à dimanche", when
   nothing else is given), and neither is a date of the background: a span back from now
   ("ces 80 dernières années", "depuis 30 ans", "depuis 1991"), the origin of an anniversary ("le 80e anniversaire
   de la victoire de 1945", "il y a 30 ans"), a date that belongs to another event named before
   it ("après la crise de 2022", "avant les élections de 2026"). A year that names an event
   ("Forum d'Astana 2025", "Jeux de 2028") is no date at all (news.py).
   A coarse title date is refined by the first finer lead date inside it ("accueillera cette
   semaine" + "du 29 au 31 mai" -> 29–31 May). A date followed by "à la veille du sommet" when
   the title's event is the summit dates the summit the next day ("au lendemain du": the day
   before). An open interval ("à partir du 8 mars") dates the event by its first day. Of two or
   more lead dates, the first that governs an event noun the title names ("présider mardi le
   sommet" under "… pour le deuxième sommet", data/event_nouns.tsv) dates the title's event,
   before the first-day rule ("effectuera à partir de lundi une visite d'État" is another leg).
   An expression that would be chosen but cannot be resolved ("a battu samedi", no publication
   date) leaves the date unknown: the next one ("son premier depuis avril 2024") is no answer.
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
from silkwire.nlp.temporal.lexicon import EVENT_NOUNS, alternation
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


_SPAN_BACK: Final = re.compile(r"^(?:depuis\b|il y a\s+\S+\s+(?:ans|années|décennies|siècles)\b|"
                               r"(?:ces|les|des)\s+(?:[\w-]+\s+)?(?:derni|années\b|ans\b|décennies\b|siècles\b))",
                               re.IGNORECASE)
_ANNIVERSARY: Final = re.compile(r"(?:anniversaire|centenaire|cinquantenaire|bicentenaire|commémor\w*|en souvenir)"
                                 r"[^.;!?]{0,50}\b(?:de|du|des|d'|en)\s*[^.;!?]{0,30}$"
                                 r"|il y a\s+\S+\s+ans?\b[^.;!?]{0,15}$", re.IGNORECASE)
_OTHER_EVENT: Final = re.compile(r"(?:après|avant|depuis)\s+(?:le|la|les|l'|son|sa|ses|leur|leurs|un|une)\s*"
                                 r"[^.;,!?]{0,40}?\b(?:de|du|des|d'|en)\s*$", re.IGNORECASE)
# "depuis 1991" (a year: the background), not "depuis lundi" (a measure taking effect)
_SINCE_YEAR: Final = re.compile(r"\bdepuis\s+(?:l'an\s+|l'année\s+)?$", re.IGNORECASE)
# "présidera mardi le sommet": a date governing an event noun (data/event_nouns.tsv) as the
# verb's object, right after it.
_EVENT_OBJECT: Final = re.compile(r"\s+(?:le|la|les|l'|l’)\s*(?:[\w-]+\s+)?(?P<noun>"
                                  + alternation(EVENT_NOUNS) + r")[sx]?(?![\w])", re.IGNORECASE)
_EVE_OF: Final = re.compile(r"\s*,?\s*(?:à la|la|au|le)\s+(?P<w>veille|lendemain)\s+(?:du|de la|de l'|des|de|d')\s*"
                            r"(?:\w+\s+){0,3}?(?P<noun>[\w-]{4,})", re.IGNORECASE)


def background(text: str, ref: TimeRef) -> bool:
    """A date of the background, not of an event the text reports (module doc, point 2)."""
    before = text[max(0, ref.span[0] - 70):ref.span[0]]
    return bool(_SPAN_BACK.match(ref.text) or _ANNIVERSARY.search(before) or _OTHER_EVENT.search(before[-45:])
                or (ref.grain in ("year", "decade") and _SINCE_YEAR.search(before)))


def _dated(dates: list[TimeRef], text: str = "", unresolved: bool = False) -> list[TimeRef]:
    """The dates that may date the event; with ``unresolved``, those the tagger found but could
    not resolve ("samedi" with no publication date) too."""
    return [d for d in dates if (d.value is not None or (unresolved and d.grain is not None))
            and d.kind in ("point", "interval") and not (text and background(text, d))]


def _opened(ref: TimeRef) -> TimeRef:
    """An open interval ("à partir du 8 mars": 2025-03-08/..) dates the event by its first day."""
    if ref.value is not None and ref.value.endswith("/.."):
        return TimeRef(ref.text, ref.span, ref.value[:-3], ref.grain, "point", ref.anchor)
    return ref


def _eve(text: str, ref: TimeRef, title_end: int) -> TimeRef:
    """"Le 1er avril, à la veille du sommet" when the title is about the summit: 2 April."""
    m = _EVE_OF.match(text, ref.span[1])
    span = bounds(ref.value or "")
    if m is None or span is None or span[0] != span[1] or title_end <= 0:
        return ref
    title = text[:title_end]
    headline = title[title.find(" :") + 2:] if " :" in title else title  # not a "Sommet X :" rubric
    if m["noun"].lower() not in headline.lower():
        return ref
    day = span[0] + timedelta(days=1 if m["w"].lower() == "veille" else -1)
    return TimeRef(ref.text, ref.span, day_value(day), "day", "point", ref.anchor)


def _main_date(text: str, dates: list[TimeRef], published: date | None) -> TimeRef | None:
    found = _main_ref(text, [_opened(d) for d in dates], published)
    if found is None:
        return None
    # "a battu samedi ..., son premier depuis avril 2024" with no publication date: given one,
    # "samedi" would date the event; without, it is unknown, and April 2024 is no answer.
    if published is None and found.value is not None:
        would = _main_ref(text, [_opened(d) for d in dates], published, unresolved=True)
        if would is not None and would.value is None:
            return None
    # "prononcé lundi" (no publication date to resolve it) in the first lead sentence dates the
    # event, unknown: a later sentence's "référendum en 2027" is another event's date.
    title_end = text.find("\n\n")
    stop = _SENTENCE_END.search(text, title_end + 2 if title_end >= 0 else 0)
    first_end = stop.start() if stop else len(text)
    if found.span[0] > first_end and any(d.value is None and d.span[1] <= first_end for d in dates):
        return None
    return _eve(text, found, title_end)


def _main_ref(text: str, dates: list[TimeRef], published: date | None, unresolved: bool = False
              ) -> TimeRef | None:
    title_end = text.find("\n\n")
    resolved = _dated(dates, text, unresolved)
    in_title = [d for d in resolved if d.span[1] <= title_end and d.grain in _TITLE_GRAINS]
    lead = [d for d in resolved if d.span[0] >= max(title_end, 0)] or resolved
    if in_title:
        return _refined(in_title[0], lead)
    tied = _title_event_dates(text, title_end, [d for d in lead if d.grain in _TITLE_GRAINS])
    if tied is not None:
        return tied
    for wanted in (("day",), ("week", "month")):
        found = [d for d in lead if d.grain in wanted]
        if found:
            return found[0]
    if lead:
        return lead[0]
    # The end of a span that ran ("négociations prolongées jusqu'à dimanche"), nothing else given;
    # a limit ahead ("d'ici 2060", "jusqu'en 2027", "avant vendredi") never dates the event.
    ends = [d for d in dates if d.value is not None and d.kind == "deadline" and d.grain == "day"
            and _UNTIL.match(d.text) and not background(text, d) and published is not None
            and (span := bounds(d.value)) is not None and span[1] <= published]
    return ends[0] if ends else None


def _title_event_dates(text: str, title_end: int, lead: list[TimeRef]) -> TimeRef | None:
    """Of two or more lead dates, the first that governs the title's event noun ("effectuera à
    partir de lundi une visite d'État, avant de présider mardi le sommet" under "attendu à Astana
    pour le deuxième sommet": Tuesday); None when none does."""
    if len(lead) < 2 or title_end <= 0:
        return None
    headline = text[:title_end].lower()
    for ref in lead:
        m = _EVENT_OBJECT.match(text, ref.span[1])
        if m is not None and re.search(rf"(?<![\w]){re.escape(m['noun'].lower())}[sx]?(?![\w])", headline):
            return ref
    return None


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
    pub = parse_published(published)
    main = _main_date(text, dates, pub)
    # The status of an event that runs "jusqu'au 13 juin" is that of its opening: open is done.
    value = _as_known(_until(text, main, dates)) if main is not None else None
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
    if not future and _PLANNED.search(_main_sentences(ctx.text, main)):
        future = True  # "un accord est en préparation", "pourrait être signé", "prévoit de"
    return value, ("planned" if future else "done")


# What makes the main event planned wherever its sentence puts the verb: preparation, condition,
# plan. Read in the title and the lead's first sentence (or the main date's sentence) only: a
# later "pourrait" comments on consequences ("le trafic pourrait quintupler").
_PLANNED: Final = re.compile(r"(?<![\w])(?:en (?:cours de )?préparation|pourrai(?:t|ent)|prévoi(?:t|ent) de|"
                             r"à l'étude|en projet)(?![\w])", re.IGNORECASE)


def _main_sentences(text: str, main: TimeRef | None) -> str:
    if main is not None:
        stop = _SENTENCE_END.search(text, main.span[1])
        start = max(text.rfind(". ", 0, main.span[0]), text.rfind("\n", 0, main.span[0]), 0)
        return text[start:stop.start() if stop else len(text)]
    title_end = text.find("\n\n")
    if title_end < 0:
        stop = _SENTENCE_END.search(text)
        return text[:stop.start() if stop else len(text)]
    stop = _SENTENCE_END.search(text, title_end + 2)
    return text[:stop.start() if stop else len(text)]
