"""``tag_dates``: find French time expressions and resolve them to DESIGN.md values.

Every family (absolute.py, relative.py) proposes matches on the normalised text; the longest
match wins where they overlap (ties: the earlier family), and its handler may still refuse it
(31 février, Vision 2030), which frees the room for a shorter one. A deadline prefix right
before a kept expression ("d'ici", "avant", "au plus tard", "jusqu'à") joins its span and makes
it a deadline. Spans are mapped back to the original text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from silkwire.model import TimeRef
from silkwire.nlp.temporal import absolute, relative
from silkwire.nlp.temporal.calendar import Resolved
from silkwire.nlp.temporal.context import Context, text_years
from silkwire.nlp.temporal.lexicon import DEADLINE_PREFIXES, alternation
from silkwire.textnorm import normalize

# Every expression starts at a word boundary: checking it first lets the engine skip the inside
# of words at once instead of trying each family's alternations there.
_FAMILIES = [(re.compile(r"\b(?:" + pattern.pattern + ")", pattern.flags), handler)
             for pattern, handler in absolute.FAMILIES + relative.FAMILIES]
# Speed: a family only runs in windows around the words it cannot do without (a month name, a
# digit, a weekday...), found by one cheap scan. Windows reach far enough back for the longest
# optional lead-in ("au cours des", "entre le") and forward for the longest tail.
_TRIGGERS = re.compile(
    r"(?P<digit>\d+)"
    r"|\b(?:(?P<month>janv|jan|févr|fevr|fév|fev|mars|avr|mai|juin|jun|juil|jul|août|aout|sep|oct|nov|déc|dec)"
    r"|(?P<weekday>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
    r"|(?P<unit>hier|demain|aujourd|avant-hier|lendemain|semaine|mois|ans?\b|ann[ée]e|week|jours?\b|ce\s+jour)"
    r"|(?P<season>été|ete\b|automne|hiver|printemps)"
    r"|(?P<every>chaque|tous|toutes|\w+ment\b)"
    r"|(?P<holiday>no[eë]l|nouvel|saint-sylvestre|r[ée]veillon|yuandan|f[êe]te|journée|nowruz|navruz|norouz|nooruz|nauryz)"
    r"|(?P<part>semestre|trimestre|quart))"
)
_NEEDS = [
    ("month", "unit"), ("month",), ("month",), ("digit",), ("month",), ("month",), ("digit",), ("digit",),
    ("unit",), ("holiday",), ("season",), ("part", "digit"), ("weekday",), ("unit",), ("unit",), ("every", "weekday"),
]
_BACK, _AHEAD = 45, 60
_DEADLINE_BEFORE = re.compile(rf"(?<![\w'])(?:{alternation(DEADLINE_PREFIXES)})\s*$", re.IGNORECASE)
# Characters normalisation would touch: when none is present the text is its own normal form,
# and the costly offset map is skipped (most leads).
_NEEDS_NORMALISING = re.compile("[\u2019\u2018\u02bc\u2032\u00a0\u202f\u2007\u2009\u200a\u3000\u2011\u2010"
                                "\u00ab\u00bb\u201c\u201d\u201e\u2039\u203a\u1d49\u02b3\u02e2\u1d48\u1d50"
                                "\u1d52\u207f\u1d57\u1d43\u1d4d\u02e1\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Nothing to find without a digit or one of these stems: skip the families altogether.
_WORTH_A_LOOK = re.compile(
    r"\d|janv|févr|fevr|mars|avril|mai|juin|juil|août|aout|sept|octo|novem|décem|decem|lundi|mardi|mercredi|jeudi"
    r"|vendredi|samedi|dimanche|hier|demain|aujourd|semaine|mois|an|été|ete|automne|hiver|printemps|semestre"
    r"|trimestre|lendemain|chaque|tous|toutes|ment|veille|premier",
    re.IGNORECASE,
)


def parse_published(published: str | None) -> date | None:
    """The publication date from an ISO string ("2025-07-30", "2025-07-30T10:00:00"), else None."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def tag_dates(text: str, published: str | None = None) -> list[TimeRef]:
    """The time expressions of ``text``, in text order, resolved against ``published``."""
    if not text or not _WORTH_A_LOOK.search(text):
        return []
    if _NEEDS_NORMALISING.search(text) is None and unicodedata.is_normalized("NFC", text):
        work, norm = text, None
    else:
        norm = normalize(text)
        work = norm.text
    ctx = Context(work, parse_published(published), text_years(work))
    lowered = work.lower()
    if len(lowered) != len(work):  # a few characters lengthen when lower-cased (İ): keep offsets right
        lowered = "".join(ch.lower()[0] for ch in work)
    refs: list[TimeRef] = []
    for start, end, found in _select(ctx, lowered):
        if norm is not None:
            start, end = norm.to_original(start, end)
        refs.append(TimeRef(text[start:end], (start, end), found.value, found.grain, found.kind, found.anchor))  # type: ignore[arg-type]
    return refs


def _windows(lowered: str) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for match in _TRIGGERS.finditer(lowered):
        kind = match.lastgroup
        assert kind is not None
        found.setdefault(kind, []).append((max(0, match.start() - _BACK), match.end() + _AHEAD))
    return found


def _merged(spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return [(start, min(end, limit)) for start, end in out]


def _select(ctx: Context, lowered: str) -> list[tuple[int, int, Resolved]]:
    candidates: list[tuple[int, int, int, re.Match[str]]] = []
    windows = _windows(lowered)
    for rank, (pattern, _) in enumerate(_FAMILIES):
        spans = [span for kind in _NEEDS[rank] for span in windows.get(kind, ())]
        for match in (m for start, end in _merged(spans, len(lowered)) for m in pattern.finditer(lowered, start, end)):
            start, end = _trimmed(ctx.text, match.start(), match.end())
            if end > start:
                candidates.append((start, end, rank, match))
    candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    taken: list[tuple[int, int, Resolved]] = []
    for start, end, rank, match in candidates:
        if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            continue
        found = _FAMILIES[rank][1](match, ctx)
        if found is None:
            continue
        taken.append((start, end, found))
    taken.sort(key=lambda t: t[0])
    taken = _merge_ranges(ctx.text, taken)
    return [_with_deadline(ctx.text, taken, i) for i in range(len(taken))]


# "de X à Y", "du lundi au mercredi", "entre X et Y", "X - Y": two expressions joined into one span.
_RANGE_JOINER = re.compile(r"\s*(?:-|–|au|à|a|jusqu'à|jusqu'au|jusqu'a|et)\s*", re.IGNORECASE)
_RANGE_OPENER = re.compile(r"(?<![\w'])(?:de|du|depuis|entre|d')\s*$", re.IGNORECASE)


def _merge_ranges(text: str, taken: list[tuple[int, int, Resolved]]) -> list[tuple[int, int, Resolved]]:
    merged: list[tuple[int, int, Resolved]] = []
    for start, end, found in taken:
        if merged:
            p_start, p_end, prev = merged[-1]
            joiner = _RANGE_JOINER.fullmatch(text, p_end, start)
            if joiner and _mergeable(prev, found) and (
                "et" not in joiner.group().lower() or _RANGE_OPENER.search(text, max(0, p_start - 10), p_start)
            ):
                opener = _RANGE_OPENER.search(text, max(0, p_start - 10), p_start)
                new_start = opener.start() if opener else p_start
                anchors = (prev.anchor, found.anchor)
                anchor = "none" if "none" in anchors else "published" if "published" in anchors else "text"
                value = None
                if prev.value is not None and found.value is not None:
                    value = f"{prev.value.split('/')[0]}/{found.value.split('/')[-1]}"
                merged[-1] = (new_start, end, Resolved(value, prev.grain, "interval", anchor))
                continue
        merged.append((start, end, found))
    return merged


def _mergeable(first: Resolved, second: Resolved) -> bool:
    if "recurrence" in (first.kind, second.kind) or first.grain != second.grain:
        return False
    if first.value is None or second.value is None:
        return first.value is None and second.value is None  # unresolved both: still one range
    return first.value.split("/")[0] < second.value.split("/")[-1]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    return start, end


def _with_deadline(text: str, taken: list[tuple[int, int, Resolved]], i: int) -> tuple[int, int, Resolved]:
    start, end, found = taken[i]
    if found.kind == "recurrence":
        return taken[i]
    floor = taken[i - 1][1] if i else 0
    prefix = _DEADLINE_BEFORE.search(text, max(floor, start - 30), start)
    if prefix is None:
        return taken[i]
    return prefix.start(), end, Resolved(found.value, found.grain, "deadline", found.anchor)
