"""Families of calendar expressions: day dates, day ranges, numeric dates, months, years.

Each family is a compiled regex and a handler ``(match, context) -> Resolved | None``; a handler
returns None when the match is not a date after all (31 février, a plan name like Vision 2030).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Final

from silkwire.nlp.temporal.calendar import (
    Resolved,
    add_months,
    day_value,
    interval,
    month_value,
    part_of_month,
    part_of_year,
    valid_day,
)
from silkwire.nlp.temporal.context import Context, infer_year, parse_day
from silkwire.nlp.temporal.lexicon import (
    DAY,
    MONTH_ANY,
    MONTH_FULL,
    NAME_PREFIXES,
    WEEKDAY,
    YEAR,
    month_number,
)

Handler = Callable[[re.Match[str], Context], Resolved | None]
# Patterns run on a lower-cased copy (tagger.py): case-insensitive matching costs ~2x.
FLAGS: Final = 0

# "début", "mi-", "fin" before a month or a year ("fin 2025", "mi-juin", "au début de mars").
POS: Final = (
    r"(?:(?:au|à\s+la|a\s+la|la|en|dès\s+la|dès|dès\s+le)\s+)?"
    r"(?P<pos>début|debut|mi|milieu|fin)(?:\s+d[e']\s*|\s*-\s*|\s+)"
)
_REL_MONTH: Final = r"(?P<rel>(?:de\s+|du\s+)?(?:ce|cette)\s+mois(?:-ci)?|(?:du\s+)?mois\s+(?:prochain|dernier))"
_MOD: Final = r"(?:\s+(?P<mod>dernier|dernière|prochain|prochaine|passé))?"


def _part(word: str) -> str:
    word = word.lower()
    return {"debut": "début", "milieu": "mi"}.get(word, word)


def _modifier(m: re.Match[str]) -> str:
    """The "mod" or "pre" group, lower-cased ("" when absent; looked up by name: groupdict would
    build a dict of every group per call)."""
    # Keyed by the pattern's id: hashing a Pattern hashes its whole compiled program (~0.7 µs);
    # the patterns are module constants, so their ids never change.
    key = id(m.re)
    groups = _MODIFIER_GROUPS.get(key)
    if groups is None:  # once per pattern: groupindex builds a mapping at every access
        names = m.re.groupindex
        groups = _MODIFIER_GROUPS[key] = ("mod" in names, "pre" in names)
    return ((m["mod"] if groups[0] else None) or (m["pre"] if groups[1] else None) or "").lower()


_MODIFIER_GROUPS: Final[dict[int, tuple[bool, bool]]] = {}  # id(pattern) -> (has "mod", has "pre")


def _direction(m: re.Match[str], ctx: Context) -> bool | None:
    """Future reading? An explicit "prochain"/"dernier" wins over the sentence's tense (None:
    the sentence has none)."""
    mod = _modifier(m)
    if mod.startswith("prochain"):
        return True
    if mod:
        return False
    return ctx.tense(m.start(), m.end())


def _month_year_with_modifier(month: int, m: re.Match[str], ctx: Context) -> tuple[int | None, str]:
    mod = _modifier(m)
    if not mod:  # what _direction would say without a modifier: the sentence's tense
        return infer_year(month, ctx, m.start(), lambda: ctx.tense(m.start(), m.end()))
    if ctx.published is not None:
        p = ctx.published
        if mod.startswith("prochain"):
            return (p.year if month > p.month else p.year + 1), "published"
        return (p.year if month < p.month else p.year - 1), "published"
    return infer_year(month, ctx, m.start(), lambda: _direction(m, ctx))


def _relative_month(word: str, published: date) -> tuple[int, int]:
    word = word.lower()
    offset = 1 if "prochain" in word else -1 if "dernier" in word else 0
    return add_months(published.year, published.month, offset)


# -- day ranges and lists: "du 3 au 5 mars", "les 21-22 août 2025", "entre le 1er janvier et le 30 juin"
DAY_RANGE: Final = re.compile(
    rf"(?:(?:du|entre\s+le|entre|les|le)\s+)?(?:{WEEKDAY}\s+)?(?P<d1>{DAY})"
    rf"(?:\s+(?P<m1>{MONTH_ANY})(?:\s+(?P<y1>{YEAR}))?)?"
    rf"\s*(?:-|–|—|au|à|a|et(?:\s+le)?|jusqu'au|jusqu'à|jusqu'a)\s*(?:{WEEKDAY}\s+)?(?P<d2>{DAY})"
    rf"\s+(?:(?:de\s+)?(?P<m2>{MONTH_ANY})(?:,?\s+(?P<y2>{YEAR}))?|{_REL_MONTH})",
    FLAGS,
)


def day_range(m: re.Match[str], ctx: Context) -> Resolved | None:
    d1, d2 = parse_day(m["d1"]), parse_day(m["d2"])
    if d1 is None or d2 is None:
        return None
    anchor = "text"
    if m["rel"]:
        if ctx.published is None:
            return Resolved(None, "day", "interval", "none")
        y2, m2 = _relative_month(m["rel"], ctx.published)
        anchor = "published"
    else:
        month = month_number(m["m2"])
        assert month is not None
        m2 = month
        if m["y2"]:
            y2 = int(m["y2"])
        else:
            year, anchor = infer_year(m2, ctx, m.start(), lambda: ctx.tense(m.start(), m.end()))
            if year is None:
                return Resolved(None, "day", "interval", "none")
            y2 = year
    m1 = month_number(m["m1"]) if m["m1"] else m2
    assert m1 is not None
    y1 = int(m["y1"]) if m["y1"] else (y2 if m1 <= m2 else y2 - 1)
    if not (valid_day(y1, m1, d1) and valid_day(y2, m2, d2)) or (y1, m1, d1) >= (y2, m2, d2):
        return None
    return Resolved(interval(day_value(date(y1, m1, d1)), day_value(date(y2, m2, d2))), "day", "interval", anchor)


# -- one day: "le 30 juillet 2025", "mardi 12 mars", "le 1er avril", "le 5 mai dernier"
DAY_DATE: Final = re.compile(
    rf"(?:(?P<wd>{WEEKDAY})\s+)?(?:le\s+)?(?P<d>{DAY})\s+(?P<m>{MONTH_ANY})(?:,?\s+(?P<y>{YEAR}))?{_MOD}",
    FLAGS,
)


def day_date(m: re.Match[str], ctx: Context) -> Resolved | None:
    day = parse_day(m["d"])
    month = month_number(m["m"])
    if day is None or month is None:
        return None
    if m["y"]:
        year: int | None = int(m["y"])
        anchor = "text"
    else:
        year, anchor = _month_year_with_modifier(month, m, ctx)
    if year is None:
        return Resolved(None, "day", "point", "none") if day <= 31 else None
    if not valid_day(year, month, day):
        return None
    return Resolved(day_value(date(year, month, day)), "day", "point", anchor)


# -- numeric dates: 30/07/2025, 30.07.2025, 2025-07-30, 22/04, 07/2025, 2025-07
NUMERIC_DATE: Final = re.compile(
    r"(?<![\d/.,-])(?:"
    r"(?P<y1>(?:19|20)\d{2})(?P<s1>[-/.])(?P<m1>[01]?\d)(?P=s1)(?P<d1>[0-3]?\d)"
    r"|(?P<d2>[0-3]?\d)(?P<s2>[/.-])(?P<m2>[01]?\d)(?P=s2)(?P<y2>(?:19|20)\d{2}|\d{2})"
    r"|(?P<m3>[01]?\d)\s*[/-]\s*(?P<y3>(?:19|20)\d{2})"
    r"|(?P<y4>(?:19|20)\d{2})\s*[/-]\s*(?P<m4>[01]?\d)"
    r"|(?P<d6>[0-3]?\d)/(?P<m6>[0-3]?\d),\s*(?P<y6>(?:19|20)\d{2}|\d{2})"
    r"|(?P<d7>[0-3]\d) (?P<m7>[01]\d) (?P<y7>(?:19|20)\d{2})"
    r"|(?P<d5>[0-3]?\d)/(?P<m5>[0-3]?\d)"
    r")(?![\d/]|[.,-]\d)",
)


def numeric_date(m: re.Match[str], ctx: Context) -> Resolved | None:
    if m["d1"] or m["d2"] or m["d6"] or m["d7"]:
        if m["d1"]:
            year, month, day = int(m["y1"]), int(m["m1"]), int(m["d1"])
        else:
            key = "2" if m["d2"] else "6" if m["d6"] else "7"
            year, month, day = int(m["y" + key]), int(m["m" + key]), int(m["d" + key])
            if year < 100:  # two-digit years: up to 40 is this century
                year += 2000 if year <= 40 else 1900
        if not valid_day(year, month, day):
            if not valid_day(year, day, month):
                return None
            month, day = day, month  # month first: American wire copy (02/22/2016)

        return Resolved(day_value(date(year, month, day)), "day", "point", "text")
    if m["m3"] or m["m4"]:
        year, month = (int(m["y3"]), int(m["m3"])) if m["m3"] else (int(m["y4"]), int(m["m4"]))
        if not 1 <= month <= 12:
            return None
        return Resolved(month_value(year, month), "month", "point", "text")
    day, month = int(m["d5"]), int(m["m5"])
    if month > 12 and day <= 12:
        day, month = month, day  # month first: American wire copy (4/22)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    inferred, anchor = infer_year(month, ctx, m.start(), lambda: ctx.tense(m.start(), m.end()))
    if inferred is None:
        return Resolved(None, "day", "point", "none")
    if not valid_day(inferred, month, day):
        return None
    return Resolved(day_value(date(inferred, month, day)), "day", "point", anchor)


# -- months: "en octobre 2025", "octobre dernier", "fin mars", "cette septembre", "mi-juin 2025"
MONTH: Final = re.compile(
    rf"(?:{POS}|(?P<pre>prochain|dernier)\s+|(?:(?:ce|cette)\s+)?(?:(?:le\s+)?mois\s+d[e']\s*)?)"
    rf"(?P<m>{MONTH_ANY})(?:,?\s+(?:de\s+)?(?P<y>{YEAR}))?{_MOD}",
    FLAGS,
)


def month(m: re.Match[str], ctx: Context) -> Resolved | None:
    number = month_number(m["m"])
    assert number is not None
    alone = not m["y"] and not m["pos"]
    # Capitalised and alone, "Mars" is the planet (or a name), not the month.
    if alone and ctx.text[m.start("m")] == "M" and m["m"] == "mars":
        return None
    # Alone, "sept" is seven.
    if alone and m["m"].lower().rstrip(".") == "sept":
        return None
    lowered = m.group().lower()
    if m["y"]:
        year: int | None = int(m["y"])
        anchor = "text"
    elif lowered.startswith(("ce ", "cette ")) and ctx.published is not None:
        year, anchor = ctx.published.year, "published"
    else:
        year, anchor = _month_year_with_modifier(number, m, ctx)
    if m["pos"]:
        if year is None:
            return Resolved(None, "day", "interval", "none")
        return Resolved(part_of_month(year, number, _part(m["pos"])), "day", "interval", anchor)
    if year is None:
        return Resolved(None, "month", "point", "none")
    return Resolved(month_value(year, number), "month", "point", anchor)


# -- month ranges: "de janvier à mars 2025", "entre mai et juin"
MONTH_RANGE: Final = re.compile(
    rf"(?:(?:de|d'|entre)\s*)?(?P<m1>{MONTH_FULL})(?:\s+(?P<y1>{YEAR}))?"
    rf"\s*(?:-|–|à|a|et|jusqu'à|jusqu'en)\s*(?P<m2>{MONTH_FULL})(?:\s+(?P<y2>{YEAR}))?",
    FLAGS,
)


def month_range(m: re.Match[str], ctx: Context) -> Resolved | None:
    m1, m2 = month_number(m["m1"]), month_number(m["m2"])
    assert m1 is not None and m2 is not None
    if m["y2"]:
        y2: int | None = int(m["y2"])
        anchor = "text"
    else:
        y2, anchor = infer_year(m2, ctx, m.start(), lambda: ctx.tense(m.start(), m.end()))
    if y2 is None:
        return Resolved(None, "month", "interval", "none")
    y1 = int(m["y1"]) if m["y1"] else (y2 if m1 <= m2 else y2 - 1)
    if (y1, m1) >= (y2, m2):
        return None
    return Resolved(interval(month_value(y1, m1), month_value(y2, m2)), "month", "interval", anchor)


# -- years: "en 2024", "fin 2025", "l'année 2024", "de 2020 à 2025", "2024-2025"
YEAR_RANGE: Final = re.compile(
    rf"(?<![\w-])(?:(?:de|entre|du)\s+)?(?P<y1>{YEAR})\s*(?:-|–|à|a|au|et|jusqu'en|jusqu'à)\s*(?P<y2>{YEAR})",
    FLAGS,
)


def year_range(m: re.Match[str], ctx: Context) -> Resolved | None:
    y1, y2 = int(m["y1"]), int(m["y2"])
    if y1 >= y2 or _is_name(ctx.text, m.start("y1")):
        return None
    return Resolved(interval(str(y1), str(y2)), "year", "interval", "text")


YEAR_ALONE: Final = re.compile(
    rf"(?:{POS}|(?P<pre>(?:l'année|l'an|de\s+l'année|année)\s+))?(?<![\w])(?P<y>{YEAR})(?![\w-])",
    FLAGS,
)
# A plural noun right after a bare number makes it a count ("2000 soldats"), not a year.
_COUNT_AFTER: Final = re.compile(r"\s+(?P<w>[a-zéèêàâîôûç]+[sx])\b")
_FUNCTION_WORDS: Final = frozenset(
    [
        "les", "des", "ses", "ces", "mes", "nos", "vos", "leurs", "aux", "dans", "sous", "vers", "depuis", "puis",
        "plus", "moins", "mais", "après", "très", "lors", "tous", "toutes", "nous", "vous", "pas", "alors", "ainsi",
        "aussi", "jamais", "toujours", "plusieurs",
    ]
)
# Matched on the reversed 30 characters before a year: anchored, where a search for
# "word, separator, end" in the window would try (and backtrack from) every start (~10x slower).
_WORD_BEFORE_REVERSED: Final = re.compile(r"(?P<sep>[\s-]+)(?P<w>[\w']+)")


def _word_before(text: str, start: int) -> tuple[str, str] | None:
    """The word and the separator ("Vision", " ") right before ``start``."""
    found = _WORD_BEFORE_REVERSED.match(text[max(0, start - 30):start][::-1])
    return (found["w"][::-1], found["sep"][::-1]) if found else None


def _is_name(text: str, year_start: int) -> bool:
    """Whether the year at ``year_start`` is part of a name (Vision 2030, Khamkorlik-2025)."""
    before = _word_before(text, year_start)
    if before is None:
        return False
    word, sep = before
    if "-" in sep and not word.isdigit():
        return word.lower() not in NAME_PREFIXES
    return word[0].isupper() and word.lower() not in NAME_PREFIXES and not word.isdigit()


def _after_preposition(text: str, year_start: int) -> bool:
    before = _word_before(text, year_start)
    return before is not None and before[0].lower() in NAME_PREFIXES


def year_alone(m: re.Match[str], ctx: Context) -> Resolved | None:
    if _is_name(ctx.text, m.start("y")):
        return None
    year = int(m["y"])
    if not m["pos"] and not m["pre"] and not _after_preposition(ctx.text, m.start("y")):
        after = _COUNT_AFTER.match(ctx.text, m.end())
        if after and after["w"].lower() not in _FUNCTION_WORDS:
            return None
    if m["pos"]:
        return Resolved(part_of_year(year, _part(m["pos"])), "month", "interval", "text")
    return Resolved(str(year), "year", "point", "text")


# -- parts of relative years and months: "fin de l'année", "début de l'année prochaine",
# "depuis le début du mois", "à la fin de ce mois", "mi-mois"
PART_OF_RELATIVE_YEAR: Final = re.compile(
    rf"{POS}(?:(?P<year>l'année|l'an|cette\s+année)(?:\s+(?P<rel>dernière|derniere|passée|prochaine|en\s+cours))?"
    rf"|(?:du\s+|de\s+ce\s+|ce\s+)?(?P<month>mois)(?:\s+(?P<mrel>dernier|passé|prochain|en\s+cours))?(?![\w-]|\s+d[e']\s))",
    FLAGS,
)


def part_of_relative_year(m: re.Match[str], ctx: Context) -> Resolved | None:
    if m["month"]:
        rel = (m["mrel"] or "").lower()
        if ctx.published is None:
            return Resolved(None, "day", "interval", "none")
        year, month_no = add_months(ctx.published.year, ctx.published.month,
                                    1 if rel.startswith("prochain") else -1 if rel[:4] in ("dern", "pass") else 0)
        return Resolved(part_of_month(year, month_no, _part(m["pos"])), "day", "interval", "published")
    rel = (m["rel"] or "").lower()
    offset = 1 if rel.startswith("prochain") else -1 if rel.startswith(("derni", "pass")) else 0
    if ctx.published is not None:
        return Resolved(part_of_year(ctx.published.year + offset, _part(m["pos"])), "month", "interval", "published")
    fallback = ctx.fallback_year(m.start())
    if fallback is not None and offset == 0:
        return Resolved(part_of_year(fallback, _part(m["pos"])), "month", "interval", "text")
    return Resolved(None, "month", "interval", "none")


# -- month first (wire copy, headlines): "Oct. 2", "Novembre 19-20", "mai vingt et un"
MONTH_DAY: Final = re.compile(
    rf"(?:(?:entre|de|du)\s+)?(?P<m>{MONTH_ANY})\s*[-/]?\s*(?:entre\s+)?(?P<d>\d{{1,2}}(?![\d,.:]?\d)|{DAY})"
    rf"(?:\s*(?:-|–|au|à|a|et|jusqu'à|jusqu'a|jusqu'au)\s*(?:(?P<m2>{MONTH_ANY})\s*)?(?P<d2>\d{{1,2}}(?!\d)))?"
    rf"(?!\s*(?:[^\W\d_]|%|\d))",
    FLAGS,
)


def month_day(m: re.Match[str], ctx: Context) -> Resolved | None:
    number, day = month_number(m["m"]), parse_day(m["d"])
    if number is None or day is None:
        return None
    second = month_number(m["m2"]) if m["m2"] else number
    year, anchor = infer_year(number, ctx, m.start(), lambda: ctx.tense(m.start(), m.end()))
    if year is None:
        return Resolved(None, "day", "interval" if m["d2"] else "point", "none")
    if not valid_day(year, number, day):
        return None
    first = day_value(date(year, number, day))
    if not m["d2"]:
        return Resolved(first, "day", "point", anchor)
    end_day = int(m["d2"])
    if second is None or not valid_day(year, second, end_day) or (second, end_day) <= (number, day):
        return None
    return Resolved(interval(first, day_value(date(year, second, end_day))), "day", "interval", anchor)


FAMILIES: Final[list[tuple[re.Pattern[str], Handler]]] = [
    (DAY_RANGE, day_range),
    (MONTH_DAY, month_day),
    (DAY_DATE, day_date),
    (NUMERIC_DATE, numeric_date),
    (MONTH_RANGE, month_range),
    (MONTH, month),
    (YEAR_RANGE, year_range),
    (YEAR_ALONE, year_alone),
    (PART_OF_RELATIVE_YEAR, part_of_relative_year),
]
