"""Readers: listing pages, JSONL and CSV files, RSS/Atom feeds and article HTML pages -> a
stream of articles, errors and warnings.

Everything streams: an input of any size is read in bounded memory (``limits.py``: the longest
line, article, unpacked .gz and document kept). A reader never raises for bad input; it yields
an ``InputError`` naming the file and line, and goes on.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from silkwire.errors import InputError, InputWarning
from silkwire.ingest.documents import document_kind, read_document
from silkwire.ingest.limits import DEFAULT_LIMITS, Limits, checked
from silkwire.ingest.lines import READ_ERRORS, open_binary, origin_name, read_error, read_lines
from silkwire.ingest.listing import read_listing
from silkwire.ingest.records import read_csv, read_jsonl
from silkwire.model import Article

Format = Literal["auto", "listing", "jsonl", "csv", "feed", "page"]
FORMATS: tuple[str, ...] = ("auto", "listing", "jsonl", "csv", "feed", "page")
Item = Article | InputError | InputWarning

__all__ = ["FORMATS", "Format", "Item", "Limits", "document_kind", "read_document", "read_file", "read_paths"]

_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".txt": "listing",
               ".xml": "xml", ".rss": "feed", ".atom": "feed", ".rdf": "feed", ".html": "page", ".htm": "page"}
_SUFFIXES = (".gz", ".jsonl", ".ndjson", ".json", ".csv", ".txt", ".xml", ".rss", ".atom", ".rdf", ".html", ".htm")


def expand_paths(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Files named directly, files under directories (known extensions), and glob patterns."""
    for path in paths:
        if path == "-":
            yield path
        elif os.path.isdir(path):
            found = sorted(str(p) for p in Path(path).rglob("*") if p.is_file() and _format_of(str(p)) != "?")
            if not found:
                yield InputError(path, "no .txt, .jsonl, .csv, .xml, .rss, .atom, .html (or .gz of them) files "
                                       "in this directory")
            yield from found
        elif os.path.exists(path):
            yield path
        elif glob.has_magic(path):
            matches = sorted(m for m in glob.glob(path, recursive=True) if os.path.isfile(m))
            if not matches:
                yield InputError(path, "no file matches this pattern")
            yield from matches
        else:
            yield InputError(path, "no such file or directory")


def _format_of(path: str) -> str:
    name = path[:-3] if path.endswith(".gz") else path
    return _EXTENSIONS.get(Path(name).suffix.lower(), "?")


def default_source(path: str) -> str:
    """The source recorded for items that do not name one: the file name without extensions."""
    if path == "-":
        return "stdin"
    name = Path(path).name
    for suffix in _SUFFIXES:
        name = name.removesuffix(suffix)
    return name or "input"


def read_file(path: str, fmt: Format = "auto", source: str | None = None,
              limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    origin = origin_name(path)
    for item in _read_file(path, fmt, source, limits, origin):
        yield checked(item, limits, origin) if isinstance(item, Article) else item


def _read_file(path: str, fmt: Format, source: str | None, limits: Limits, origin: str) -> Iterator[Item]:
    kind = fmt if fmt != "auto" else _format_of(path)
    try:
        stream = open_binary(path, limits)
    except OSError as exc:
        yield InputError(origin, f"cannot open ({exc.strerror})")
        return
    try:
        if kind == "?" or (kind == "listing" and path == "-" and fmt == "auto"):
            kind = _sniff(stream)
        src = source or default_source(path)
        if kind in ("feed", "page", "xml"):
            # Feeds and pages are parsed whole (feedparser, trafilatura); .xml is sniffed.
            try:
                data = stream.read(limits.max_document_bytes + 1)
            except READ_ERRORS as exc:
                yield read_error(origin, 1, exc)
                return
            if len(data) > limits.max_document_bytes:
                yield InputError(origin, f"document larger than {limits.max_document_bytes:,} bytes "
                                         "(--max-document-bytes); skipped")
                return
            found = "feed" if kind == "xml" else document_kind(data, None, path, kind)
            yield from read_document(data, found or "feed", src, origin)
        elif kind == "csv":
            yield from read_csv(stream, src, origin, limits)
        elif kind == "jsonl":
            yield from read_jsonl(read_lines(stream, origin, limits), src, origin)
        else:
            yield from read_listing(read_lines(stream, origin, limits), src, origin, limits.max_article_chars)
    finally:
        if path != "-":
            stream.close()


def _sniff(stream: object) -> str:
    """JSONL if the first non-blank byte opens an object, a feed or page by its markup, else a listing."""
    peek = getattr(stream, "peek", None)
    try:
        head = peek(2048) if peek else b""
    except READ_ERRORS:
        return "listing"  # the reader reports the error with its line
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    return document_kind(head, None, None, "auto") or "listing"


def read_paths(paths: Iterable[str], fmt: Format = "auto", source: str | None = None,
               limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """All items of all inputs, in input order."""
    for path in expand_paths(paths):
        if isinstance(path, InputError):
            yield path
        else:
            yield from read_file(path, fmt, source, limits)
