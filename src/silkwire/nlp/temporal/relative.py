"""Families of expressions that need the publication date or name no calendar unit directly:
seasons, semesters and quarters, weekdays, relative words (hier, la semaine dernière), counted
offsets (il y a trois ans, dans deux semaines) and recurrences (chaque 1er mai, tous les ans).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from silkwire.nlp.numbers_fr import parse_ordinal, parse_words
from silkwire.nlp.temporal.absolute import FLAGS, Handler
from silkwire.nlp.temporal.calendar import (
    Resolved,
    add_months,
    day_value,
    holiday_date,
    last_day,
    nth_weekday_of,
    season_value,
    shift,
    weekday_near,
)
from silkwire.nlp.temporal.context import Context, infer_year, parse_day
from silkwire.nlp.temporal.lexicon import (
    DAY,
    HOLIDAY,
    HOLIDAYS,
    MONTH_ANY,
    NUMBER_WORDS,
    ORDINAL_WORD,
    RELATIVE,
    RELATIVE_PHRASE,
    SEASON,
    SEASONS,
    UNIT,
    UNITS,
    WEEKDAY,
    YEAR,
    month_number,
    weekday_number,
)

# Longest first: the regex takes the first alternative that matches ("derniere" before "dernier").
_MOD: Final = r"(?:\s+(?P<mod>dernière|derniere|dernier|prochaine|prochain|passé|précédent))?"


def _offset_of(mod: str | None) -> int | None:
    if not mod:
        return None
    return 1 if mod.lower().startswith("prochain") else -1


# -- seasons: "l'été 2025", "cet automne", "au printemps dernier". Alone, "été" is mostly the
# participle ("a été signé"), so a determiner, a year or a modifier is required.
SEASON_RE: Final = re.compile(
    rf"(?:(?P<det>l'|cet|cette|ce|le|au|en|à\s+l'|pendant\s+l'|durant\s+l'|dès\s+l'|(?P<pre>prochain|dernier|derniere|dernière))\s*)?"
    rf"(?<![\w])(?P<s>{SEASON})(?![\w])"
    rf"(?:\s+(?:de\s+)?(?P<y>{YEAR})|{_MOD})",
    FLAGS,
)


def season(m: re.Match[str], ctx: Context) -> Resolved | None:
    det, year_text, mod = (m["det"] or "").lower(), m["y"], m["mod"] or m["pre"]
    if not (det or year_text or mod):
        return None
    first, last = SEASONS[m["s"].lower()]
    if year_text:
        return Resolved(season_value(int(year_text), first, last), "season", "interval", "text")
    published = ctx.published
    if published is None:
        fallback = ctx.fallback_year(m.start())
        if fallback is None or mod:
            return Resolved(None, "season", "interval", "none")
        return Resolved(season_value(fallback, first, last), "season", "interval", "text")
    offset = _offset_of(mod)
    years = range(published.year - 2, published.year + 2)
    spans = [(y, *_season_days(y, first, last)) for y in years]
    if offset == 1:
        year = next(y for y, start, _ in spans if start > published)
    elif offset == -1:
        year = [y for y, _, end in spans if end < published][-1]
    elif det.startswith(("cet", "ce")):
        # "cet été": this year's (in November, the summer just past); a winter that began last
        # December is still "cet hiver" in January.
        year = published.year - 1 if first > last and published.month <= last else published.year
    elif ctx.is_future(m.start(), m.end()):
        year = next(y for y, _, end in spans if end >= published)
    else:
        year = [y for y, start, _ in spans if start <= published][-1]
    return Resolved(season_value(year, first, last), "season", "interval", "published")


def _season_days(year: int, first: int, last: int) -> tuple[date, date]:
    end_year = year + 1 if last < first else year
    end_y, end_m = add_months(end_year, last, 1)
    return date(year, first, 1), date(end_y, end_m, 1) - timedelta(days=1)


# -- semesters and quarters: "au premier semestre 2025", "le troisième trimestre", "T3 2025"
PERIOD: Final = re.compile(
    rf"(?:(?:au|le|du|ce|au\s+cours\s+du)\s+)?(?P<ord>{ORDINAL_WORD}|\d(?:er|e|ème|nd)?)\s+(?P<unit>semestre|trimestre|quart)"
    rf"(?:\s+(?:de\s+l'année\s+|de\s+|d')?(?P<y>{YEAR})|\s+(?P<rel>de\s+l'année\s+(?:dernière|prochaine)|de\s+(?:l'|cette\s+)année|dernier|prochain))?"
    rf"|(?<![\w])(?P<code>[tqsh])(?P<n>[1-4])\s+(?P<y2>{YEAR})",
    FLAGS,
)


def period(m: re.Match[str], ctx: Context) -> Resolved | None:
    if m["code"]:
        letter = "Q" if m["code"] in "tq" else "H"
        n, year_text = int(m["n"]), m["y2"]
    else:
        letter = "H" if m["unit"].lower() == "semestre" else "Q"
        rank = parse_ordinal(m["ord"])
        if rank is None or rank == -1:
            return None
        n, year_text = rank, m["y"]
    grain = "half" if letter == "H" else "quarter"
    if n > (2 if letter == "H" else 4) or n < 1:
        return None
    if year_text:
        return Resolved(f"{year_text}-{letter}{n}", grain, "point", "text")
    rel = (m["rel"] or "").lower()
    offset = 1 if "prochain" in rel else -1 if "derni" in rel else 0
    if ctx.published is not None:
        return Resolved(f"{ctx.published.year + offset}-{letter}{n}", grain, "point", "published")
    fallback = ctx.fallback_year(m.start())
    if fallback is not None and offset == 0:
        return Resolved(f"{fallback}-{letter}{n}", grain, "point", "text")
    return Resolved(None, grain, "point", "none")


# -- weekdays: "mardi", "ce vendredi", "dimanche dernier"
WEEKDAY_RE: Final = re.compile(
    rf"(?:(?P<det>ce|cette)\s+)?(?<![\w])(?P<wd>{WEEKDAY})(?![\w])(?:"
    rf"\s+(?:de\s+)?(?P<week>cette\s+semaine|la\s+semaine\s+(?:prochaine|prochain|dernière|derniere|dernier|passée))|{_MOD})",
    FLAGS,
)


def weekday(m: re.Match[str], ctx: Context) -> Resolved | None:
    number = weekday_number(m["wd"])
    if number is None:
        return None
    if ctx.published is None:
        return Resolved(None, "day", "point", "none")
    offset = _offset_of(m["mod"])
    if m["week"]:
        week = m["week"].lower()
        shift_weeks = 1 if "prochain" in week else -1 if ("derni" in week or "pass" in week) else 0
        monday = ctx.published - timedelta(days=ctx.published.weekday()) + timedelta(weeks=shift_weeks)
        found = monday + timedelta(days=number - 1)
    elif offset == 1:
        # "dimanche prochain": the one of next week.
        monday_next = ctx.published + timedelta(days=7 - ctx.published.weekday())
        found = monday_next + timedelta(days=number - 1)
    elif offset == -1:
        found = weekday_near(ctx.published, number, future=False, include_anchor=False)
    elif m["det"]:
        found = weekday_near(ctx.published, number, future=True)
    elif number == ctx.published.isoweekday():
        # The publication's own weekday is the publication day, past or future: the sentence's
        # tense (the costly part) is not asked. Two weekdays in three in news leads.
        found = ctx.published
    else:
        # "ouverte lundi", "depuis mercredi": the past, whatever the rest of the sentence says
        # ("ouverte lundi, se poursuit jusqu'au 13 juin").
        future = not ctx.past_lead_in(m.start()) and ctx.is_future(m.start(), m.end())
        found = weekday_near(ctx.published, number, future)
    return Resolved(day_value(found), "day", "point", "published")


# -- ordinal weekdays: "le premier vendredi de juillet", "le troisième mardi du mois prochain",
# "le dernier dimanche de mai", "1er dimanche" (of the publication month)
NTH_WEEKDAY: Final = re.compile(
    rf"(?:le\s+)?(?P<ord>{ORDINAL_WORD}|[1-5](?:er|re|e|ème|eme|nd|nde))\s+(?P<wd>{WEEKDAY})(?![\w])"
    rf"(?:\s+(?:(?:de|d')\s*)?(?:(?P<m>{MONTH_ANY})(?:\s+(?P<y>{YEAR}))?"
    rf"|(?P<rel>(?:de\s+)?(?:ce|cette)\s+mois|du\s+mois(?:\s+(?:prochain|dernier))?|mois\s+(?:prochain|dernier))))?",
    FLAGS,
)


def nth_weekday(m: re.Match[str], ctx: Context) -> Resolved | None:
    rank, number = parse_ordinal(m["ord"]), weekday_number(m["wd"])
    if rank is None or number is None or not (rank == -1 or 1 <= rank <= 5):
        return None
    if rank == -1 and not (m["m"] or m["rel"]):
        return None  # "dernier vendredi" alone is "vendredi dernier" misspelt, or a rank
    anchor = "published"
    if m["m"]:
        month_no = month_number(m["m"])
        assert month_no is not None
        if m["y"]:
            year: int | None = int(m["y"])
            anchor = "text"
        else:
            year, anchor = infer_year(month_no, ctx, m.start(), lambda: ctx.tense(m.start(), m.end()))
    elif ctx.published is None:
        return Resolved(None, "day", "point", "none")
    else:
        rel = (m["rel"] or "").lower()
        year, month_no = add_months(ctx.published.year, ctx.published.month,
                                    1 if "prochain" in rel else -1 if "dernier" in rel else 0)
    if year is None:
        return Resolved(None, "day", "point", "none")
    found = nth_weekday_of(year, month_no, number, rank)
    if found is None:
        return None
    return Resolved(day_value(found), "day", "point", anchor)


# -- a day of the month alone: "le 27." (at a sentence's end: elsewhere "le 27" is mostly a rank,
# a score or a number), "le 20 du mois prochain", "le 15 de ce mois"
DAY_ALONE: Final = re.compile(
    r"le\s+(?P<d>[0-3]?\d)(?:er|e)?(?:\s+(?P<rel>(?:du\s+|de\s+)?(?:ce|cette)\s+mois(?:-ci)?"
    r"|du\s+mois(?:\s+(?:prochain|dernier))?|(?:du\s+)?mois\s+(?:prochain|dernier))|(?=\s*(?:[.!?]|$)))",
    FLAGS,
)


def day_alone(m: re.Match[str], ctx: Context) -> Resolved | None:
    day = int(m["d"])
    if not 1 <= day <= 31:
        return None
    if ctx.published is None:
        return Resolved(None, "day", "point", "none")
    pub = ctx.published
    rel = (m["rel"] or "").lower()
    if rel:
        offset = 1 if "prochain" in rel else -1 if "dernier" in rel else 0
    else:
        tense = ctx.tense(m.start(), m.end()) if day != pub.day else None
        offset = -1 if tense is False and day > pub.day else 1 if tense and day < pub.day else 0
    year, month_no = add_months(pub.year, pub.month, offset)
    if day > last_day(year, month_no):
        return None
    return Resolved(day_value(date(year, month_no, day)), "day", "point", "published")


# -- relative words: "hier", "la semaine dernière", "l'an prochain", "ce mois-ci"
RELATIVE_RE: Final = re.compile(rf"(?<![\w'-])(?:{RELATIVE_PHRASE})", FLAGS)


def relative(m: re.Match[str], ctx: Context) -> Resolved | None:
    unit, offset = RELATIVE[m.group().lower()]
    if ctx.published is None:
        return Resolved(None, "week" if unit == "weekend" else unit, "point", "none")
    value, grain = shift(ctx.published, unit, offset)
    kind = "interval" if "/" in value else "point"
    return Resolved(value, grain, kind, "published")


# -- counted offsets: "il y a trois ans", "dans deux semaines", "les six derniers mois"
_COUNT: Final = rf"(?:\d+|{NUMBER_WORDS}|quelques)"
COUNTED: Final = re.compile(
    rf"(?P<dir>il\s+y\s+a|voici|dans|d'ici)\s+(?P<n>{_COUNT})\s+(?P<u>{UNIT})(?!\s+(?:de|d')\s)"
    rf"|(?:(?:au\s+cours\s+des|durant\s+les|pendant\s+les|ces|les)\s+)(?P<n2>{_COUNT})\s+(?P<dir2>derniers|dernières|prochains|prochaines)\s+(?P<u2>{UNIT})"
    rf"|(?P<n3>{_COUNT})\s+(?P<u3>{UNIT})\s+plus\s+tard",
    FLAGS,
)


def _count(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text.lower() == "quelques":
        return 3
    return parse_words(text)


def counted(m: re.Match[str], ctx: Context) -> Resolved | None:
    if m["n"]:
        n, unit_word, direction = _count(m["n"]), m["u"], m["dir"].lower()
        sign = -1 if direction in {"voici"} or direction.startswith("il") else 1
        kind = "deadline" if direction == "d'ici" else "point"
    elif m["n2"]:
        n, unit_word, sign, kind = _count(m["n2"]), m["u2"], (1 if "prochain" in m["dir2"].lower() else -1), "interval"
    else:
        n, unit_word, sign, kind = _count(m["n3"]), m["u3"], 1, "point"
    if n is None or n <= 0:
        return None
    unit = UNITS[unit_word.lower()]
    if ctx.published is None:
        return Resolved(None, unit, kind, "none")
    target, grain = shift(ctx.published, unit, sign * n)
    if kind == "interval":
        # "les six derniers mois": from exactly six months before the publication date to it.
        other = day_value(_shift_date(ctx.published, unit, sign * n))
        here = day_value(ctx.published)
        return Resolved(f"{other}/{here}" if sign < 0 else f"{here}/{other}", "day", kind, "published")
    return Resolved(target, grain, kind, "published")


def _shift_date(anchor: date, unit: str, n: int) -> date:
    if unit == "day":
        return anchor + timedelta(days=n)
    if unit == "week":
        return anchor + timedelta(weeks=n)
    months = n if unit == "month" else 12 * n
    y, mo = add_months(anchor.year, anchor.month, months)
    return date(y, mo, min(anchor.day, last_day(y, mo)))


# -- recurrences: "chaque 1er mai", "tous les ans", "tous les deux ans", "chaque lundi", "les vendredis"
RECURRENCE: Final = re.compile(
    rf"(?:chaque|tous\s+les|toutes\s+les)\s+(?:(?P<n>\d+|{NUMBER_WORDS})\s+)?(?:"
    rf"(?P<d>{DAY})\s+(?P<m>{MONTH_ANY})|(?P<nd>\d{{1,2}})/(?P<nm>\d{{1,2}})(?![\d/])|(?P<wd>{WEEKDAY})s?(?![\w])|(?P<u>{UNIT}))"
    rf"|(?P<adv>annuellement|quotidiennement|journellement|mensuellement|hebdomadairement)"
    rf"|(?<![\w])(?:les\s+)?(?P<wds>{WEEKDAY})s(?![\w])",
    FLAGS,
)
ADVERB_PERIOD: Final = {
    "annuellement": "P1Y",
    "quotidiennement": "P1D",
    "journellement": "P1D",
    "mensuellement": "P1M",
    "hebdomadairement": "P1W",
}
_UNIT_LETTER: Final = {"day": "D", "week": "W", "month": "M", "year": "Y"}


def recurrence(m: re.Match[str], ctx: Context) -> Resolved | None:
    if m["adv"]:
        period_code = ADVERB_PERIOD[m["adv"].lower()]
        grain = {"Y": "year", "D": "day", "M": "month", "W": "week"}[period_code[-1]]
        return Resolved(f"R/{period_code}", grain, "recurrence", "text")
    if m["d"]:
        day, month_no = parse_day(m["d"]), month_number(m["m"])
        if day is None or month_no is None:
            return None
        return Resolved(f"--{month_no:02d}-{day:02d}", "day", "recurrence", "text")
    if m["nd"]:
        day, month_no = int(m["nd"]), int(m["nm"])
        if not (1 <= month_no <= 12 and 1 <= day <= 31):
            return None
        return Resolved(f"--{month_no:02d}-{day:02d}", "day", "recurrence", "text")
    weekday_word = m["wd"] or m["wds"]
    if weekday_word:
        return Resolved(f"XXXX-WXX-{weekday_number(weekday_word)}", "day", "recurrence", "text")
    count = _count(m["n"]) if m["n"] else 1
    if count is None or count <= 0:
        return None
    unit = UNITS[m["u"].lower()]
    return Resolved(f"R/P{count}{_UNIT_LETTER[unit]}", unit, "recurrence", "text")


# -- holidays: "à Noël", "le Nouvel An 2025", "Nowruz", "Thanksgiving", "le Vendredi saint",
# "Halloween l'année prochaine"
HOLIDAY_RE: Final = re.compile(
    rf"(?<![\w])(?:(?:la|le|l')\s*)?(?P<h>{HOLIDAY})(?:\s+(?:de\s+|d')?(?P<y>{YEAR})"
    rf"|\s+(?:d'|de\s+l')?(?P<rel>(?:cette\s+)?ann[ée]e(?:\s+(?:prochaine?|dernière|derniere|dernier))?))?",
    FLAGS,
)


def holiday(m: re.Match[str], ctx: Context) -> Resolved | None:
    month_no, rule = HOLIDAYS[m["h"].lower()]
    year: int | None
    if m["y"]:
        year, anchor = int(m["y"]), "text"
    elif m["rel"] and ctx.published is not None:
        rel = m["rel"].lower()
        year = ctx.published.year + (1 if "prochain" in rel else -1 if "dern" in rel else 0)
        anchor = "published"
    else:
        year, anchor = infer_year(month_no, ctx, m.start(), lambda: ctx.tense(m.start(), m.end()))
    if year is None:
        return Resolved(None, "day", "point", "none")
    found = holiday_date(year, month_no, rule)
    if found is None:
        return None
    return Resolved(day_value(found), "day", "point", anchor)


FAMILIES: Final[list[tuple[re.Pattern[str], Handler]]] = [
    (HOLIDAY_RE, holiday),
    (SEASON_RE, season),
    (PERIOD, period),
    (WEEKDAY_RE, weekday),
    (NTH_WEEKDAY, nth_weekday),
    (DAY_ALONE, day_alone),
    (RELATIVE_RE, relative),
    (COUNTED, counted),
    (RECURRENCE, recurrence),
]
