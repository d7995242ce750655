"""Time expressions news writes every day that the families of absolute.py and relative.py miss
or misread, read in one pass over what they found (``revise``, called by tagger.tag_dates).

- **Anchored relatives**: "la veille", "le lendemain du 13 février", "deux jours après", "une
  semaine plus tard", "le jour d'avant", "trois jours avant le 13 février". Anchored on the date
  they name, else on the nearest day the text gave before them, else ("la veille", "le
  lendemain" alone) on the publication date; "la veille du sommet" (an event, no date) and
  "deux jours après" with no day before it cannot be resolved and have no value.
- **Ranges with the month implied**: "du 13 au 18", "entre le 13 et le 18": the month of the
  nearest date before them, else the publication's (the next one when a future sentence's range
  has passed, the previous one when a past sentence's has not come).
- **Parts of periods**: "en fin de semaine" (Friday–Sunday), "en début de mois" (1–10), "en
  milieu d'année" (June–July), "la première quinzaine d'avril" (1–15), with "prochain(e)" or
  "dernier/dernière" moving the period.
- **Weeks**: "la semaine du 6 octobre" (the ISO week of that day), "la première semaine
  d'octobre" (1–7), "la dernière semaine de mars" (its last seven days).
- **Lunar feasts** (``data/lunar_feasts.tsv``): "l'Aïd el-Fitr", "l'Aïd el-Kébir", "l'Aïd"
  alone (the nearer of the two), at the occurrence the tense points to.
- **Open intervals**: "à partir du 8 mars", "dès le 8 mars", "à compter du 1er juillet":
  ``2025-03-08/..`` (ISO 8601-2: no end).
- **Years in a name** are no dates: "Forum d'Astana 2025", "Expo 2017", "les Jeux de 2028",
  "la Coupe du monde 2026" name an event; a date the article is about is not read from them.

Interpreted Python (not compiled with the rest of the tagger): it runs only when one of its
trigger words is in the text.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from silkwire.nlp.numbers_fr import parse_words, read_tsv
from silkwire.nlp.temporal.calendar import (
    Resolved,
    add_months,
    bounds,
    day_value,
    interval,
    last_day,
    month_value,
    part_of_month,
    part_of_year,
    week_value,
)
from silkwire.nlp.temporal.context import Context
from silkwire.nlp.temporal.lexicon import MONTH_FULL, YEAR, month_number

Found = list[tuple[int, int, Resolved]]

_NUMBER: Final = r"\d{1,3}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quelques"
_ANCHORED: Final = re.compile(
    r"(?<![\w'])(?:(?P<word>l'avant-veille|la veille|le lendemain|le surlendemain|le jour d'avant|le jour d'après|"
    r"le jour suivant|le jour précédent)|(?P<n>" + _NUMBER + r")\s+(?P<unit>jours?|semaines?|mois|ans|années?)\s+"
    r"(?P<dir>plus tard|après|avant|auparavant|plus tôt))(?![\w])")
_WORD_DAYS: Final = {"l'avant-veille": -2, "la veille": -1, "le lendemain": 1, "le surlendemain": 2,
                     "le jour d'avant": -1, "le jour d'après": 1, "le jour suivant": 1, "le jour précédent": -1}
_LINK: Final = re.compile(r"\s*(?:de la|de l'|du|des|de|d'|le|la|l')?\s*")
_DAYS_ONLY: Final = re.compile(r"(?<![\w'])(?:du|entre le)\s+(?P<a>\d{1,2})(?:er)?\s+(?:au|et le)\s+"
                               r"(?P<b>\d{1,2})(?:er)?(?![\w])(?!\s*(?:,\s*)?(?:" + MONTH_FULL + r"|\d|%|h\b|heures))")
_PART: Final = re.compile(r"(?<![\w'])(?:en|au|à la)\s+(?P<part>fin|début|milieu)\s+(?:de la\s+|de l'|de\s+|d')"
                          r"(?P<unit>semaine|mois|année)(?:\s+(?P<rel>prochaine|prochain|dernière|dernier|passée|passé)"
                          r"|\s+(?P<year>" + YEAR + r"))?(?![\w])")
_FORTNIGHT: Final = re.compile(r"(?<![\w'])(?:la\s+)?(?P<which>première|1re|1ère|seconde|deuxième|2e|dernière)\s+"
                               r"quinzaine\s+(?:de\s+|d')(?=" + MONTH_FULL + ")")
_NTH_WEEK: Final = re.compile(r"(?<![\w'])la\s+(?P<which>première|1re|1ère|deuxième|2e|seconde|troisième|3e|"
                              r"quatrième|4e|dernière)\s+semaine\s+(?:de\s+|d')")
_WEEK_OF: Final = re.compile(r"(?<![\w'])la semaine du\s+")
_OPEN: Final = re.compile(r"(?<![\w'])(?:à partir du|à partir de|à compter du|à compter de|dès le|dès)\s+")
# (the tagger's span may start at the article: "dès le 1er avril" has "le 1er avril")
_FEAST: Final = re.compile(r"(?<![\w])a[iï]d(?:[\s-]+(?:el|al)[\s-]+(?P<which>fitr|kébir|kebir|adha|séghir|seghir))?"
                           r"(?:\s+(?P<year>" + YEAR + r"))?(?![\w])")
_NAME_BEFORE: Final = re.compile(
    r"(?:(?<![.!?:;]\s)(?<![.!?:;])(?<!^)\b(?P<name>[A-ZÀ-Þ][\w'-]*)|(?i:\b(?:jeux(?:\s+\w+)?|jo|mondial|euro|expo|"
    r"exposition universelle|coupe du monde|championnats? du monde|olympiades?)))(?:\s+(?:de|d'))?\s+$")
_NOT_NAMES: Final = frozenset(["En", "Depuis", "Dès", "Avant", "Après", "Fin", "Début", "Mi", "Vers", "Pour", "Dans",
                               "Entre", "Jusqu'en", "Au", "Le", "La", "Les", "De", "Du", "Et", "Or", "Mais", "Ici"])
_NTH: Final = {"première": 1, "1re": 1, "1ère": 1, "deuxième": 2, "2e": 2, "seconde": 2, "troisième": 3, "3e": 3,
               "quatrième": 4, "4e": 4, "dernière": -1}
_FEASTS: Final = [(row[0], date.fromisoformat(row[1])) for row in read_tsv(Path(__file__).parent / "data"
                                                                          / "lunar_feasts.tsv")]


# Each family runs only when words it cannot do without are in the text: plain substring tests,
# which run in C (a regex alternation over the whole text cost more than the families themselves;
# the tagger's budget is tens of µs per lead).
def _families(low: str) -> list[str]:
    """The families worth running on a lower-cased text, in the order they run."""
    out = []
    if "partir d" in low or "dès" in low or "compter d" in low:
        out.append("open")
    if "semaine" in low:
        out.append("weeks")
    if "quinzaine" in low:
        out.append("fortnights")
    if "fin d" in low or "début d" in low or "milieu d" in low:
        out.append("parts")
    if ("veille" in low or "lendemain" in low or "jour d'" in low or "jour suivant" in low
            or "jour précédent" in low or (("après" in low or "avant" in low or "plus t" in low or "auparavant" in low)
                                            and ("jour" in low or "semaine" in low or "mois" in low or "an" in low))):
        out.append("anchored")
    if "entre le " in low or (" au " in low and "du " in low):
        out.append("days_only")
    if "aïd" in low or "aid" in low:
        out.append("feasts")
    return out


def revise(ctx: Context, lowered: str, found: Found) -> Found:
    """``found`` (work-text spans, no overlaps, in order) with the families of the module doc."""
    out = found
    for _, _, r in found:
        if r.grain == "year":
            out = _drop_name_years(ctx.text, found)
            break
    for name in _families(lowered):
        out = _READERS[name](ctx, lowered, out)
    return out


# -- helpers --------------------------------------------------------------------------------------


def _put(found: Found, start: int, end: int, resolved: Resolved) -> Found:
    """``found`` with ``start:end`` in place of every span it overlaps."""
    kept = [f for f in found if f[1] <= start or end <= f[0]]
    kept.append((start, end, resolved))
    kept.sort(key=lambda f: f[0])
    return kept


def _at(found: Found, pos: int) -> tuple[int, int, Resolved] | None:
    return next((f for f in found if f[0] == pos and f[2].value is not None), None)


_ARTICLE: Final = re.compile(r"(?:le|la|les|l'|du|de la|de l'|de|d')\s*")


def _after(found: Found, lowered: str, pos: int) -> tuple[int, int, Resolved] | None:
    """The expression that starts at ``pos``, or right after an article there ("dès le 1er
    avril": the tagger's span may hold "le" or not)."""
    while pos < len(lowered) and lowered[pos].isspace():
        pos += 1
    ref = _at(found, pos)
    if ref is None and (m := _ARTICLE.match(lowered, pos)) is not None and m.end() > pos:
        ref = _at(found, m.end())
    if ref is None:
        back = lowered.rfind(" ", 0, max(0, pos - 1)) + 1  # "dès le" read up to "le": the span may start there
        ref = _at(found, back) if lowered[back:pos].strip() in ("le", "la", "l'") else None
    return ref


def _free(found: Found, start: int, end: int) -> bool:
    """No span found covers ``start:end`` wholly (a longer expression was read there)."""
    return not any(f[0] <= start and end <= f[1] and (f[0], f[1]) != (start, end) for f in found)


def _day_before(found: Found, pos: int) -> date | None:
    """The first day of the nearest resolved day or span of days before ``pos``."""
    for start, _, r in reversed(found):
        if start < pos and r.value and r.grain == "day" and "/.." not in r.value:
            span = bounds(r.value)
            if span is not None:
                return span[0]
    return None


def _month_before(found: Found, pos: int) -> tuple[int, int] | None:
    for start, _, r in reversed(found):
        if start < pos and r.value and r.grain in ("day", "month") and "/.." not in r.value:
            span = bounds(r.value)
            if span is not None and (span[0].year, span[0].month) == (span[1].year, span[1].month):
                return span[0].year, span[0].month
    return None


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else parse_words(word) if word != "quelques" else None


# -- families --------------------------------------------------------------------------------------


def _drop_name_years(text: str, found: Found) -> Found:
    out = []
    for start, end, r in found:
        if r.grain == "year" and re.fullmatch(YEAR, text[start:end]):
            m = _NAME_BEFORE.search(text, max(0, start - 40), start)
            if m is not None and (m["name"] is None
                                  or (m["name"] not in _NOT_NAMES and month_number(m["name"]) is None)):
                continue  # "Forum d'Astana 2025", "les Jeux de 2028": a name, not a date
        out.append((start, end, r))
    return out


_ANCHOR_KEY: Final = re.compile(r"veille|lendemain|jour (?:d'avant|d'après|suivant|précédent)|plus tard|plus tôt|"
                                 r"après|avant|auparavant")


def _anchored_matches(lowered: str) -> list[re.Match[str]]:
    """The anchored expressions, searched only in a window before each key word."""
    out: list[re.Match[str]] = []
    for key in _ANCHOR_KEY.finditer(lowered):
        m = _ANCHORED.search(lowered, max(0, key.start() - 30), min(len(lowered), key.end() + 1))
        if m is not None and m.end() == key.end() and (not out or m.start() >= out[-1].end()):
            out.append(m)
    return out


def _anchored(ctx: Context, lowered: str, found: Found) -> Found:
    for m in _anchored_matches(lowered):
        if not _free(found, m.start(), m.end()):
            continue
        if m["word"]:
            days, unit, sign = _WORD_DAYS[m["word"]], "jours", 1
        else:
            n = _count(m["n"])
            days, unit = (n if n is not None else 0), m["unit"]
            sign = 1 if m["dir"] in ("plus tard", "après") else -1
            if n is None:
                found = _put(found, m.start(), m.end(), Resolved(None, "day"))  # "quelques jours après"
                continue
        link = _LINK.match(lowered, m.end())
        after = link.end() if link else m.end()
        named = _after(found, lowered, m.end()) if link and link.group().strip() else None
        if named is None:  # the tagger read "avant le 5 mars" as a deadline: the anchor is its day
            named = next((f for f in found if m.start() < f[0] < m.end() < f[1] and f[2].value), None)
        end, anchor_kind = m.end(), "text"
        if named is not None and (span := bounds(named[2].value or "")) is not None:
            anchor: date | None = span[1] if sign * days > 0 and m["word"] else span[0]
            end = named[1]
        elif link and link.group().strip() and re.match(r"[\w]", lowered[after:after + 1]):
            found = _put(found, m.start(), m.end(), Resolved(None, "day"))  # "la veille du sommet": another event
            continue
        else:
            anchor = _day_before(found, m.start())
            if anchor is None and m["word"]:  # "la veille": the day before publication
                anchor, anchor_kind = ctx.published, "published"
        if anchor is None:
            found = _put(found, m.start(), end, Resolved(None, "day", "point", "none"))
            continue
        found = _put(found, m.start(), end, Resolved(_shifted(anchor, unit, sign * days), "day", "point", anchor_kind))
    return found


def _shifted(anchor: date, unit: str, offset: int) -> str:
    if unit.startswith("jour"):
        return day_value(anchor + timedelta(days=offset))
    if unit.startswith("semaine"):
        return day_value(anchor + timedelta(weeks=offset))
    months = offset if unit == "mois" else 12 * offset
    y, mo = add_months(anchor.year, anchor.month, months)
    return day_value(date(y, mo, min(anchor.day, last_day(y, mo))))


def _days_only(ctx: Context, lowered: str, found: Found) -> Found:
    for m in _DAYS_ONLY.finditer(lowered):
        a, b = int(m["a"]), int(m["b"])
        if not 1 <= a < b <= 31 or not _free(found, m.start(), m.end()):
            continue
        month = _month_before(found, m.start())
        kind = "text"
        if month is None:
            pub = ctx.published
            if pub is None:
                continue
            month, kind = (pub.year, pub.month), "published"
            tense = ctx.tense(m.start(), m.end())
            if tense is True and b < pub.day:
                month = add_months(*month, 1)
            elif tense is False and a > pub.day:
                month = add_months(*month, -1)
        y, mo = month
        if b > last_day(y, mo):
            continue
        value = interval(day_value(date(y, mo, a)), day_value(date(y, mo, b)))
        found = _put(found, m.start(), m.end(), Resolved(value, "day", "interval", kind))
    return found


def _parts(ctx: Context, lowered: str, found: Found) -> Found:
    for m in _PART.finditer(lowered):
        pub = ctx.published
        if not _free(found, m.start(), m.end()) or (pub is None and not m["year"]):
            continue
        step = 1 if m["rel"] in ("prochaine", "prochain") else -1 if m["rel"] else 0
        part = {"milieu": "mi"}.get(m["part"], m["part"])
        if m["unit"] == "semaine" and pub is not None:
            monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
            first, last = {"début": (0, 1), "mi": (2, 3), "fin": (4, 6)}[part]
            value = interval(day_value(monday + timedelta(days=first)), day_value(monday + timedelta(days=last)))
            grain = "day"
        elif m["unit"] == "mois" and pub is not None:
            y, mo = add_months(pub.year, pub.month, step)
            value, grain = part_of_month(y, mo, part), "day"
        else:
            year = int(m["year"]) if m["year"] else pub.year + step  # type: ignore[union-attr]
            value, grain = part_of_year(year, part), "month"
        anchor = "text" if m["year"] else "published"
        found = _put(found, m.start(), m.end(), Resolved(value, grain, "interval", anchor))
    return found


def _month_ref(found: Found, pos: int) -> tuple[int, int, Resolved] | None:
    """The month the tagger read at ``pos`` ("avril", "octobre 2025"), if any."""
    ref = _at(found, pos)
    if ref is None:
        return None
    span = bounds(ref[2].value or "")
    return ref if span is not None and (span[0].year, span[0].month) == (span[1].year, span[1].month) else None


def _fortnights(ctx: Context, lowered: str, found: Found) -> Found:
    for m in _FORTNIGHT.finditer(lowered):
        ref = _month_ref(found, m.end())
        span = bounds(ref[2].value or "") if ref else None
        if ref is None or span is None:
            continue
        y, mo = span[0].year, span[0].month
        first, last = (1, 15) if _NTH.get(m["which"], 2) == 1 else (16, last_day(y, mo))
        value = interval(day_value(date(y, mo, first)), day_value(date(y, mo, last)))
        found = _put(found, m.start(), ref[1], Resolved(value, "day", "interval", ref[2].anchor))
    return found


def _weeks(ctx: Context, lowered: str, found: Found) -> Found:
    for m in _WEEK_OF.finditer(lowered):
        ref = _at(found, m.end())
        span = bounds(ref[2].value or "") if ref else None
        if ref is not None and span is not None and ref[2].grain == "day":
            found = _put(found, m.start(), ref[1], Resolved(week_value(span[0]), "week", "point", ref[2].anchor))
    for m in _NTH_WEEK.finditer(lowered):
        ref = _month_ref(found, m.end())
        span = bounds(ref[2].value or "") if ref else None
        if ref is None or span is None:
            continue
        y, mo = span[0].year, span[0].month
        nth = _NTH[m["which"]]
        first = last_day(y, mo) - 6 if nth == -1 else 7 * (nth - 1) + 1
        value = interval(day_value(date(y, mo, first)), day_value(date(y, mo, first + 6)))
        found = _put(found, m.start(), ref[1], Resolved(value, "day", "interval", ref[2].anchor))
    return found


def _open(ctx: Context, lowered: str, found: Found) -> Found:
    for m in _OPEN.finditer(lowered):
        ref = _after(found, lowered, m.end())
        if ref is None or ref[2].kind not in ("point", "interval") or "/.." in (ref[2].value or ""):
            continue
        first = (ref[2].value or "").split("/")[0]
        found = _put(found, m.start(), ref[1], Resolved(f"{first}/..", ref[2].grain, "interval", ref[2].anchor))
    return found


def _feasts(ctx: Context, lowered: str, found: Found) -> Found:
    for m in _FEAST.finditer(lowered):
        if not _free(found, m.start(), m.end()):
            continue
        which = {"kébir": "adha", "kebir": "adha", "séghir": "fitr", "seghir": "fitr"}.get(m["which"] or "",
                                                                                         m["which"] or "")
        days = [d for name, d in _FEASTS if not which or name == which]
        if m["year"]:
            days = [d for d in days if d.year == int(m["year"])]
        pub = ctx.published
        if not m["year"]:
            if pub is None:
                continue
            future = ctx.tense(m.start(), m.end()) is True
            days = [d for d in days if (d > pub if future else d <= pub)]
            days = sorted(days, key=lambda d: abs((d - pub).days))[:1]
        if days:
            value = day_value(days[0]) if len(days) == 1 else month_value(days[0].year, days[0].month)
            anchor = "text" if m["year"] else "published"
            found = _put(found, m.start(), m.end(), Resolved(value, "day", "point", anchor))
    return found


_READERS: Final = {"open": _open, "weeks": _weeks, "fortnights": _fortnights, "parts": _parts,
                   "anchored": _anchored, "days_only": _days_only, "feasts": _feasts}
