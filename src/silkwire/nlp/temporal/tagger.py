"""``tag_dates``: find French time expressions and resolve them to DESIGN.md values.

Every family (absolute.py, relative.py) proposes matches on the normalised text; the longest
match wins where they overlap (ties: the earlier family), and its handler may still refuse it
(31 février, Vision 2030), which frees the room for a shorter one. A deadline prefix right
before a kept expression ("d'ici", "avant", "au plus tard", "jusqu'à") joins its span and makes
it a deadline. Spans are mapped back to the original text.

Speed (tens of µs per lead): a family only searches the windows around the trigger words it
needs (windows.py).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from operator import itemgetter
from typing import Final

from silkwire.model import TimeRef
from silkwire.nlp.temporal.calendar import Resolved, bounds
from silkwire.nlp.temporal.context import Context, lower_same_length
from silkwire.nlp.temporal.lexicon import DEADLINE_PREFIXES, alternation
from silkwire.nlp.temporal.news import revise
from silkwire.nlp.temporal.windows import FAMILIES, MIN_TRIGGERS, find_windows
from silkwire.textnorm import normalize

_DEADLINE_BEFORE: Final = re.compile(rf"(?<![\w'])(?:{alternation(DEADLINE_PREFIXES)})\s*$", re.IGNORECASE)
_DEADLINE_LAST_CHARS: Final = frozenset(prefix[-1].lower() for prefix in DEADLINE_PREFIXES)
# Characters normalisation would touch: when none is present the text is its own normal form,
# and the costly offset map is skipped (most leads).
_NEEDS_NORMALISING: Final = re.compile("[\u2019\u2018\u02bc\u2032\u00a0\u202f\u2007\u2009\u200a\u3000\u2011\u2010"
                                "\u00ab\u00bb\u201c\u201d\u201e\u2039\u203a\u1d49\u02b3\u02e2\u1d48\u1d50"
                                "\u1d52\u207f\u1d57\u1d43\u1d4d\u02e1\u200b\u200c\u200d\u2060\ufeff\u00ad]")


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
    if not text:
        return []
    if _NEEDS_NORMALISING.search(text) is None and unicodedata.is_normalized("NFC", text):
        work, norm = text, None
    else:
        norm = normalize(text)
        work = norm.text
    lowered = lower_same_length(work)
    windows = find_windows(lowered)
    ctx = Context(work, parse_published(published), lowered=lowered)
    refs: list[TimeRef] = []
    # news.py: the families news writes daily that the others miss ("la veille", "du 13 au 18").
    for start, end, found in revise(ctx, lowered, _select(ctx, lowered, windows) if windows is not None else []):
        if norm is not None:
            start, end = norm.to_original(start, end)
        # Resolved's grain, kind and anchor are plain str (its handlers build them from literals).
        value, grain, kind, anchor = found.value, found.grain, found.kind, found.anchor
        refs.append(TimeRef(text[start:end], (start, end), value, grain, kind, anchor))  # type: ignore[arg-type]
    return refs


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans
    spans.sort()
    out = [spans[0]]
    for start, end in spans[1:]:
        if start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _select(ctx: Context, lowered: str, windows: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int, Resolved]]:
    # (minus length, start, rank, end, match): sorted on the first three, longest first.
    candidates: list[tuple[int, int, int, int, re.Match[str]]] = []
    size = len(lowered)
    text = ctx.text
    for rank, spans in windows.items():
        if len(spans) < MIN_TRIGGERS[rank]:
            continue
        pattern = _PATTERNS[rank]
        for w_start, w_end in (_merged(spans) if len(spans) > 1 else spans):
            # What finditer would give, without its iterator (cheaper for the 0–2 matches of a
            # window): no family matches the empty string (a test checks it).
            pos = w_start
            while (match := pattern.search(lowered, pos, w_end)) is not None:
                start, end = match.span()
                pos = end  # where finditer would go on from
                if end == w_end < size:
                    # Cut by the window's end: what the full text says at this start wins.
                    full = pattern.match(lowered, start)
                    if full is None:
                        continue
                    match = full
                    end = full.end()
                # Trimmed of spaces around and a trailing comma (inlined: this runs per match).
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1] in " \t\n,":
                    end -= 1
                if end > start:
                    candidates.append((start - end, start, rank, end, match))
    if not candidates:
        return []
    if len(candidates) > 1:
        candidates.sort(key=_BY_LENGTH_START_RANK)
    taken: list[tuple[int, int, Resolved]] = []
    for _, start, rank, end, match in candidates:
        for t_start, t_end, _ in taken:
            if start < t_end and t_start < end:
                break
        else:
            found = _HANDLERS[rank](match, ctx)
            if found is not None:
                taken.append((start, end, found))
    if len(taken) > 1:
        taken.sort()  # the spans do not overlap: their starts differ, the values are never compared
        taken = _merge_ranges(text, taken)
    out = []
    floor = 0  # the end of the previous expression: a deadline prefix starts after it
    for span in taken:
        start, end, found = span
        # Cheap exact pre-check: a prefix ends, before spaces, on one of its last characters (any
        # non-ASCII character goes on to the regex: case-insensitive matching has its own rules).
        low = start - 30 if start - 30 > floor else floor
        last = start - 1
        while last >= low and text[last].isspace():
            last -= 1
        if (last >= low and found.kind != "recurrence"
                and (not text[last].isascii() or text[last].lower() in _DEADLINE_LAST_CHARS)):
            span = _with_deadline(text, span, low)
        out.append(span)
        floor = end
    return out


_BY_LENGTH_START_RANK: Final = itemgetter(0, 1, 2)
_PATTERNS: Final = [pattern for pattern, _ in FAMILIES]
_HANDLERS: Final = [handler for _, handler in FAMILIES]


# "de X à Y", "du lundi au mercredi", "entre X et Y", "X - Y": two expressions joined into one span.
_RANGE_JOINER: Final = re.compile(r"\s*(?:-|–|au|à|a|jusqu'à|jusqu'au|jusqu'a|et)\s*", re.IGNORECASE)
_RANGE_OPENER: Final = re.compile(r"(?<![\w'])(?:de|du|depuis|entre|d')\s*$", re.IGNORECASE)


def _merge_ranges(text: str, taken: list[tuple[int, int, Resolved]]) -> list[tuple[int, int, Resolved]]:
    merged: list[tuple[int, int, Resolved]] = []
    for start, end, found in taken:
        if merged:
            p_start, p_end, prev = merged[-1]
            joiner = _RANGE_JOINER.fullmatch(text, p_end, start)
            if joiner and _mergeable(prev, found) and (
                "et" not in joiner.group().lower() or _RANGE_OPENER.search(text, max(0, p_start - 10), p_start)
                or _consecutive_days(prev, found)
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


def _consecutive_days(first: Resolved, second: Resolved) -> bool:
    """"lundi et mardi": two days in a row joined by "et" are one span of days (two days apart,
    "lundi et mercredi", they stay two dates)."""
    if first.grain != "day" or first.value is None or second.value is None:
        return False
    a, b = bounds(first.value), bounds(second.value)
    return a is not None and b is not None and (b[0] - a[1]).days == 1


def _mergeable(first: Resolved, second: Resolved) -> bool:
    if "recurrence" in (first.kind, second.kind) or first.grain != second.grain:
        return False
    if first.value is None or second.value is None:
        return first.value is None and second.value is None  # unresolved both: still one range
    return first.value.split("/")[0] < second.value.split("/")[-1]


def _with_deadline(text: str, span: tuple[int, int, Resolved], floor: int) -> tuple[int, int, Resolved]:
    """``span`` joined with the deadline prefix ("d'ici", "avant"...) that ends right before it
    (searched from ``floor``), as a deadline; else ``span`` itself."""
    start, end, found = span
    prefix = _DEADLINE_BEFORE.search(text, floor, start)
    if prefix is None:
        return span
    return prefix.start(), end, Resolved(found.value, found.grain, "deadline", found.anchor)
