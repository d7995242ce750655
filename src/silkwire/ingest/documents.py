"""Documents fetched or read whole: which kind a body is (feed or page), and reading it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from silkwire.errors import InputError, InputWarning
from silkwire.ingest.feeds import read_feed
from silkwire.ingest.pages import read_page
from silkwire.model import Article

Item = Article | InputError | InputWarning
_FEED_TYPES = ("rss", "atom", "rdf", "xml")
_FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
_PAGE_SUFFIXES = (".html", ".htm")
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")


def document_kind(data: bytes, content_type: str | None, name: str | None, declared: str = "auto") -> str | None:
    """'feed' or 'page' (``declared`` rss/atom/feed -> feed, page -> page), or None when the
    body is neither XML nor HTML.

    Auto: the content type when it says html or xml/rss/atom; then the markup the body starts
    with; then the file or URL name's extension.
    """
    if declared in ("rss", "atom", "feed"):
        return "feed"
    if declared == "page":
        return "page"
    ctype = (content_type or "").split(";")[0].strip().lower()
    if "html" in ctype:
        return "page"
    if any(t in ctype for t in _FEED_TYPES):
        return "feed"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(_FEED_ROOTS):
        return "page" if b"<html" in head and not any(r in head for r in _FEED_ROOTS) else "feed"
    if head.startswith((b"<!doctype html", b"<html", b"<!--")) or b"<html" in head[:512]:
        return "page"
    suffix = Path((name or "").split("?")[0]).suffix.lower()
    if head.startswith(b"<") and suffix in _FEED_SUFFIXES:
        return "feed"
    if head.startswith(b"<") and suffix in _PAGE_SUFFIXES:
        return "page"
    return None


def describe_body(data: bytes, content_type: str | None) -> str:
    """What a body that is neither feed nor page looks like, for the error message."""
    if content_type:
        return f"content type {content_type.split(';')[0].strip()}"
    return "its content" if data else "an empty body"


def read_document(data: bytes, kind: str, source: str, origin: str, url: str | None = None) -> Iterator[Item]:
    if not data.strip():
        yield InputError(origin, "the document is empty: expected an RSS/Atom feed or an HTML page")
    elif kind == "page":
        yield from read_page(data, source, origin, url)
    else:
        yield from read_feed(data, source, origin, url)
