"""Microsoft Recognizers-Text's French date specifications run through silkwire's temporal tagger.

Data: ``../shared/data/recognizers-text-fr/*.json`` (lists of cases: Input, Context
.ReferenceDateTime, Results with Text/Start/Type(Name)/Value or Resolution). The reference date
is passed as the publication date.

Files kept (the date part of the suite):
- DateExtractor, DatePeriodExtractor, HolidayExtractor, MergedExtractor, SetExtractor
  (extractor files: only spans are expected);
- DateParser, DatePeriodParser, HolidayParser, MergedParser, SetParser, DateTimeModel
  (parser / model files: spans and resolved values).
Files skipped: Time*, TimeZone*, DateTimeExtractor/Parser, DateTimePeriod* (times of day, time
zones, datetimes with hours: out of scope), Duration* (bare durations — "3 heures" — are not
anchored to a date and TimeRef has no duration form), DateTimeModelCalendarMode/
ComplexCalendar/ExperimentalMode/ExtendedTypes/SplitDateAndTime and MergedExtractorSkipFromTo
(every case there is marked NotSupported for python anyway).

Cases skipped inside kept files:
- marked ``NotSupported`` for python: the reference Python implementation itself fails them;
  they are scored separately as "supplementary", never mixed into the headline rate;
- any expected result of a time-of-day type (time, timerange, datetime, datetimerange), a
  duration, or a set whose timex has a time ("T09"), or extractor results with hour words.

Pass, honestly defined:
- span texts are compared after lower-casing, trimming, and dropping leading function words
  ("le", "pour le", "en", "du", "entre"...) and a trailing dot: DESIGN.md spans include the
  article ("Le 30 juillet 2025") where Recognizers sometimes includes "pour le" or nothing;
- extractor cases pass when our set of span texts equals the expected set (no more, no less);
- parser and model cases pass when, in addition, each expected result has one of ours with the
  same span text whose value covers the same days as the expected past OR future resolution
  (Recognizers gives both readings; we pick one from the tense) — a month ``2016-11`` equals
  start 2016-11-01 / end 2016-12-01; sets compare timex forms (P1W = R/P1W, XXXX-04-15 =
  --04-15); seasons without a resolved year compare months only.

Usage: python bench/temporal_peer.py [--verbose]
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from silkwire.nlp.temporal import tag_dates
from silkwire.nlp.temporal.calendar import bounds

# ../shared/data from the repository root; SILKWIRE_SHARED_DATA overrides it (a git worktree
# elsewhere than the main checkout has no ../shared beside it).
SHARED = Path(os.environ.get("SILKWIRE_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
DATA = SHARED / "recognizers-text-fr"
EXTRACTOR_FILES = ["DateExtractor", "DatePeriodExtractor", "HolidayExtractor", "MergedExtractor", "SetExtractor"]
PARSER_FILES = ["DateParser", "DatePeriodParser", "HolidayParser", "MergedParser", "SetParser", "DateTimeModel"]
OUT_OF_SCOPE_TYPES = ("time", "timerange", "datetime", "datetimerange", "duration", "timezone")
_HOUR_WORDS = re.compile(r"\d\s*(?:h|am|pm|heures?)\b|matin|apres-midi|après-midi|nuit|soir|\bà\s+\d|\ba\s+\d", re.I)
_LEADING = re.compile(r"^(?:(?:pour\s+le|pour|le|la|les|du|de|des|en|au|sur|entre|depuis|à|a|dans)\s+|[ld]'\s*)", re.I)
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


def load(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8-sig"))
    return cases


def norm_span(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").rstrip(".").strip()
    previous = None
    while previous != text:
        previous, text = text, _LEADING.sub("", text)
    return text


def result_type(result: dict[str, Any]) -> str:
    return str(result.get("Type") or result.get("TypeName") or "").replace("datetimeV2.", "")


def timexes(result: dict[str, Any]) -> list[str]:
    value = result.get("Value") or result.get("Resolution") or {}
    if "Timex" in value:
        return [value["Timex"]]
    return [v.get("timex", "") for v in value.get("values", [])]


def in_scope(case: dict[str, Any], extractor: bool) -> bool:
    for result in case["Results"]:
        kind = result_type(result)
        if kind in OUT_OF_SCOPE_TYPES:
            return False
        timed = any("T" in t for t in timexes(result)) or (extractor and _HOUR_WORDS.search(result["Text"]))
        if kind == "set" and timed:
            return False
    return True


def expected_readings(result: dict[str, Any]) -> list[tuple[str, Any]]:
    """("bounds", (first, last)) | ("months", (m1, m2)) | ("timex", form) readings, any may match."""
    readings: list[tuple[str, Any]] = []
    for timex in timexes(result):
        if result_type(result) == "set":
            readings.append(("timex", timex))
        season = re.fullmatch(r"(?:(\d{4})-)?(SP|SU|FA|WI)", timex)
        if season:
            first_month, last_month = _SEASON_MONTHS[season[2]]
            if season[1]:
                year = int(season[1])
                end_year = year + 1 if last_month < first_month else year
                last = date(end_year + (last_month == 12), last_month % 12 + 1, 1) - timedelta(days=1)
                readings.append(("bounds", (date(year, first_month, 1), last)))
            else:
                readings.append(("months", (first_month, last_month)))
    value = result.get("Value") or result.get("Resolution") or {}
    resolutions = [value.get("PastResolution") or {}, value.get("FutureResolution") or {}]
    resolutions += [v for v in value.get("values", []) if isinstance(v, dict)]
    day_range = any(re.search(r"P\d+[DW]\)$", t) for t in timexes(result))
    for res in resolutions:
        single = res.get("date") or res.get("value")
        if single and re.fullmatch(r"\d{4}-\d{2}-\d{2}", single):
            readings.append(("bounds", (date.fromisoformat(single), date.fromisoformat(single))))
        start, end = res.get("startDate") or res.get("start"), res.get("endDate") or res.get("end")
        if start and end and re.fullmatch(r"\d{4}-\d{2}-\d{2}", start) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", end):
            last = date.fromisoformat(end) - (timedelta(0) if day_range else timedelta(days=1))
            readings.append(("bounds", (date.fromisoformat(start), last)))
    return readings


def our_timex(value: str) -> str:
    if value.startswith("R/"):
        return value[2:]
    if value.startswith("--"):
        return "XXXX" + value[1:]
    return value


def value_matches(value: str | None, readings: list[tuple[str, Any]]) -> bool:
    if value is None:
        return False
    ours = bounds(value)
    for how, expected in readings:
        if how == "timex" and our_timex(value) == expected:
            return True
        if how == "bounds" and ours == expected:
            return True
        if how == "months" and ours is not None and (ours[0].month, ours[1].month) == expected:
            return True
    return False


def run_case(case: dict[str, Any], extractor: bool) -> bool:
    reference = (case.get("Context") or {}).get("ReferenceDateTime")
    found = tag_dates(case["Input"], reference[:10] if reference else None)
    ours = sorted(norm_span(ref.text) for ref in found)
    expected = sorted(norm_span(result["Text"]) for result in case["Results"])
    if ours != expected:
        return False
    if extractor:
        return True
    remaining = list(found)
    for result in case["Results"]:
        readings = expected_readings(result)
        text = norm_span(result["Text"])
        match = next((r for r in remaining if norm_span(r.text) == text and value_matches(r.value, readings)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def python_unsupported(case: dict[str, Any]) -> bool:
    return "python" in str(case.get("NotSupported", "")).lower()


def main(argv: list[str]) -> int:
    if not DATA.is_dir():
        print(f"skipped: Recognizers-Text French specs not found at {DATA} (../shared/data is absent)")
        return 0
    verbose = "--verbose" in argv
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    extra = [0, 0]
    failures: dict[str, list[str]] = defaultdict(list)
    skipped: dict[str, int] = defaultdict(int)
    for name in EXTRACTOR_FILES + PARSER_FILES:
        extractor = name in EXTRACTOR_FILES
        for case in load(name):
            if not in_scope(case, extractor):
                skipped[name] += 1
                continue
            passed = run_case(case, extractor)
            if python_unsupported(case):
                extra[0] += passed
                extra[1] += 1
                continue
            totals[name][0] += passed
            totals[name][1] += 1
            if not passed:
                failures[name].append(case["Input"])
    kept = sum(t[1] for t in totals.values())
    passed_all = sum(t[0] for t in totals.values())
    rate = 100 * passed_all / kept
    print(f"Recognizers-Text French date suite: {passed_all}/{kept} in-scope cases pass ({rate:.1f}%)")
    for name, (ok, n) in totals.items():
        print(f"  {name:22s} {ok:4d}/{n:<4d} {100 * ok / n:5.1f}%   (skipped out of scope: {skipped[name]})")
    if extra[1]:
        rate = 100 * extra[0] / extra[1]
        print(f"  supplementary, NotSupported-for-python cases: {extra[0]}/{extra[1]} ({rate:.1f}%)")
    failing = [name for name, (ok, n) in totals.items() if ok < n * 0.8]
    print("failing categories (< 80%):", ", ".join(failing) or "none")
    if verbose:
        for name, inputs in failures.items():
            for text in inputs:
                print(f"FAIL {name}: {text!r} -> {[(r.text, r.value) for r in tag_dates(text, '2016-11-07')]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
