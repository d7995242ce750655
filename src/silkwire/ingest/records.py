"""JSONL and CSV records: ``title?``, ``lead`` | ``text`` | ``body``, ``published?``, ``url?``,
``source?``, ``id?``. Extra fields are ignored.

A few common aliases are accepted so that exports of other tools go in as they are:
``heading``/``summary``/``description`` for the lead, ``article``/``content`` for the body,
``date``/``pubdate`` for the publication date, ``link`` for the url.

silkwire's own records (``silkwire export``, ``extract``, ``show --json``) go back in as the same
articles, with the same ids: their ``text`` already starts with the title, their ``id`` is
silkwire's (the input's own id is ``ref``), and an estimated ``published`` is not the source's.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, BinaryIO

from silkwire.dates import ISO_DAY
from silkwire.errors import InputError, InputWarning
from silkwire.ingest.articles import LONE_SURROGATE, make_article
from silkwire.ingest.limits import DEFAULT_LIMITS, Limits
from silkwire.ingest.lines import Line, buffered, raw_lines
from silkwire.model import Article

_LEAD = ("lead", "heading", "summary", "description")
_BODY = ("body", "article", "content")
_PUBLISHED = ("published", "date", "pubdate")
_URL = ("url", "link")

Item = Article | InputError | InputWarning


def _field(record: Mapping[str, Any], names: tuple[str, ...], origin: str) -> str | None:
    for name in names:
        value = record.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise InputError(origin, f"field '{name}': expected a string, got {type(value).__name__}")
        return value.strip()
    return None


_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_published(value: str, origin: str, field: str = "published") -> str:
    """An ISO 8601 date or date-time -> ``YYYY-MM-DD`` (publication dates are kept to the day);
    a month or a year alone (``2020-10``, ``2020``) is kept at that precision, never made a day."""
    m = ISO_DAY.fullmatch(value.strip())
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            pass
    partial = _PARTIAL.fullmatch(value.strip())
    if partial and int(partial[1]) >= 1000 and (partial[2] is None or 1 <= int(partial[2]) <= 12):
        return partial[0]
    raise InputError(origin, f"field '{field}': expected an ISO 8601 date (YYYY-MM-DD, or YYYY-MM, YYYY), "
                             f"got {value!r}")


def record_to_article(record: Mapping[str, Any], default_source: str, origin: str) -> Article:
    """One input record -> an ``Article``; raises ``InputError`` naming the field at fault."""
    title = _field(record, ("title",), origin)
    lead = _field(record, _LEAD, origin)
    body = _field(record, _BODY, origin)
    text = _field(record, ("text",), origin)
    parts = [p for p in (lead, body) if p] or ([text] if text else [])
    own = _own_record(title, text) if not (lead or body) else None
    if own is not None:
        parts = own
    elif not parts:
        raise InputError(origin, "no text: expected a non-empty field 'lead', 'text' or 'body'")
    # silkwire's exports: an estimated publication window is silkwire's guess, not the source's.
    estimated = record.get("published_estimated") in (True, "true")
    published_raw = None if estimated else _field(record, _PUBLISHED, origin)
    published = parse_published(published_raw, origin) if published_raw else None
    ref = record.get("ref") if record.get("ref") not in (None, "") else record.get("id")
    article = make_article(
        source=_field(record, ("source",), origin) or default_source,
        title=title,
        parts=parts,
        published=published,
        url=_field(record, _URL, origin),
        ref=str(ref) if ref is not None and ref != "" else None,
        origin=origin,
    )
    if article.ref == article.id:  # a silkwire record coming back: its id is not a foreign one
        article = replace(article, ref=None)
    return article


def _own_record(title: str | None, text: str | None) -> list[str] | None:
    """The body parts when ``text`` is a silkwire article text (the title, a blank line, the
    rest), as in silkwire's own records and exports; None otherwise."""
    if not title or not text:
        return None
    if text == title:
        return []
    if text.startswith(title + "\n\n"):
        rest = text[len(title) + 2:].strip()
        return [rest] if rest else None
    return None


def read_jsonl(lines: Iterable[Line | InputError], source: str, origin: str) -> Iterator[Item]:
    """Each line parsed and validated on its own: nothing one line holds (nesting deep enough to
    exhaust the parser's recursion, a lone surrogate, a value of the wrong type) gets past it."""
    for line in lines:
        if isinstance(line, InputError):
            yield line
            continue
        if not line.text.strip():
            continue
        yield from _jsonl_line(line.text, source, f"{origin}:{line.number}")


def _jsonl_line(text: str, source: str, where: str) -> Iterator[Item]:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        yield InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
        return
    except RecursionError:
        yield InputError(where, "JSON nested too deeply (arrays or objects inside one another); the line was skipped")
        return
    yield from read_record(record, source, where)


def read_record(record: Any, source: str, where: str) -> Iterator[Item]:
    """One parsed record (a JSONL line, an API request's item) -> its article or its error, and
    a warning when text had to be made valid. Never raises."""
    if not isinstance(record, dict):
        yield InputError(where, f"expected a JSON object, got {type(record).__name__}")
        return
    replaced = sorted(k for k, v in record.items() if isinstance(v, str) and LONE_SURROGATE.search(v))
    if replaced:
        # JSON can escape half of a UTF-16 pair (\ud800) alone: not a character, so no valid text.
        # feedparser's way: keep the item, mark the spot (U+FFFD), say so.
        record = {k: LONE_SURROGATE.sub("\ufffd", v) if k in replaced else v for k, v in record.items()}
        yield InputWarning(where, f"field {', '.join(repr(k) for k in replaced)}: a lone UTF-16 surrogate (\\ud800"
                                  "-\\udfff) is no character; replaced by U+FFFD")
    try:
        yield record_to_article(record, source, where)
    except InputError as exc:
        yield exc
    except Exception as exc:  # whatever else one line holds stays with that line
        yield InputError(where, f"cannot read this record ({type(exc).__name__}: {exc}); the line was skipped")


def read_csv(stream: BinaryIO, source: str, origin: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """CSV with a header row. Invalid UTF-8 rejects the row it is in, not the file; a line over
    ``max_line_bytes`` is dropped unread (so a row spanning it is cut, and rejected if then bad)."""
    problems: list[InputError] = []
    reader = csv.DictReader(_csv_lines(stream, origin, limits, problems))
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        yield InputError(origin, f"not a CSV file ({exc})")
        return
    yield from problems
    problems.clear()
    if not header:
        yield InputError(origin, "the file is empty: expected a CSV header row")
        return
    if not set(header) & {"lead", "text", "body", *_LEAD, *_BODY}:
        yield InputError(f"{origin}:1", f"CSV header {header}: expected a column 'lead', 'text' or 'body'")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            yield from problems
            return
        except csv.Error as exc:  # the reader starts afresh at the next line
            yield from problems
            problems.clear()
            yield InputError(f"{origin}:{reader.line_num}", f"malformed CSV ({exc}); the row was skipped")
            continue
        yield from problems
        problems.clear()
        where = f"{origin}:{reader.line_num}"
        if any(_has_surrogates(v) for v in row.values() if isinstance(v, str)):
            yield InputError(where, "invalid UTF-8 in this row; the row was skipped")
            continue
        if None in row:
            yield InputWarning(where, "more cells than header columns; the extra cells were ignored")
        try:
            yield record_to_article({k: v for k, v in row.items() if k is not None}, source, where)
        except InputError as exc:
            yield exc


def _csv_lines(stream: BinaryIO, origin: str, limits: Limits, problems: list[InputError]) -> Iterator[str]:
    """The file's lines for ``csv`` (one string per line, so its line numbers are the file's);
    a line too long or unreadable goes to ``problems`` and comes as an empty line."""
    for item in raw_lines(buffered(stream), origin, limits):
        if isinstance(item, InputError):
            problems.append(item)
            yield "\n"
            continue
        number, raw = item
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        yield raw.decode("utf-8", "surrogateescape") + "\n"


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
