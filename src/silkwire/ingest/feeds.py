"""RSS 0.9x / 1.0 / 2.0 and Atom feeds (feedparser) -> articles.

Each item gives: its title, its summary as the lead (HTML stripped to text), the full content
as the body when the feed carries one (without the paragraphs that repeat the summary), its link
(relative ones resolved against the feed's URL, or its channel <link>), its
publication date (or, failing that, its update date) to the day, its author, and its guid as
``ref``. A feed feedparser had to repair (``bozo``) still gives the items it could read, with a
warning; one it could read nothing from is an error.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from silkwire.errors import InputError, InputWarning
from silkwire.ingest.articles import make_article
from silkwire.ingest.html_text import html_to_text
from silkwire.model import Article

Item = Article | InputError | InputWarning


def read_feed(data: bytes, source: str, origin: str, url: str | None = None) -> Iterator[Item]:
    import feedparser  # here, so that commands that read no feed do not import it

    headers = {"content-location": url} if url else None  # base for relative links
    # A stream, never bytes or str: feedparser opens a str/bytes that names a file (or a URL) and
    # reads *that*, so a body "/etc/…" would read a local file.
    parsed: Any = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True,
                                   resolve_relative_uris=True)
    entries = parsed.get("entries", [])
    problem = parsed.get("bozo_exception")
    if isinstance(problem, feedparser.NonXMLContentType):
        # About the headers (none, or text/plain), not the body: a well-formed feed served
        # without an XML content type is just a feed.
        problem = None
    if not entries:
        if problem is not None:
            yield InputError(origin, f"not a readable RSS/Atom feed ({_describe(problem)})")
        elif not parsed.get("version"):
            yield InputError(origin, "not an RSS/Atom feed: expected <rss>, <rdf:RDF> or <feed>")
        return  # a well-formed feed with no items is just empty
    if problem is not None:
        yield InputWarning(origin, f"malformed feed, read as far as possible ({_describe(problem)})")
    base = url or parsed.get("feed", {}).get("link") or None
    for number, entry in enumerate(entries, start=1):
        where = f"{origin} item {number}"
        try:
            yield _entry_article(entry, source, where, base)
        except InputError as exc:
            yield exc


def _entry_article(entry: Any, source: str, where: str, base: str | None) -> Article:
    title = html_to_text(entry.get("title", "")) or None
    lead, body = _lead_and_body(html_to_text(entry.get("summary", "")), _content(entry))
    if not title and not lead:
        raise InputError(where, "empty item: expected a <title> or a summary/description")
    link = entry.get("link") or None
    if link and base and not urlsplit(link).scheme:
        link = urljoin(base, link)  # a relative link in a file: the channel's <link> is its base
    return make_article(
        source=source,
        title=title,
        parts=[lead, body],
        published=_day(entry),
        url=link,
        ref=entry.get("id") or None,
        origin=where,
        author=html_to_text(entry.get("author", "")) or None,
    )


def _norm(text: str) -> str:
    return " ".join(text.split())


def _lead_and_body(summary: str, content: str) -> tuple[str, str]:
    """The summary is the lead; the content is the body, minus what repeats the summary."""
    paragraphs = [p for p in content.split("\n") if p.strip()]
    if not paragraphs:
        return summary, ""
    if not summary:
        return paragraphs[0], "\n".join(paragraphs[1:])
    lead = [p for p in summary.split("\n") if p.strip()]
    if [_norm(p) for p in paragraphs[: len(lead)]] == [_norm(p) for p in lead]:
        return summary, "\n".join(paragraphs[len(lead):])  # the content opens with the summary
    cut = _norm(summary).rstrip("…. ")
    if _norm(content).startswith(cut):
        return paragraphs[0], "\n".join(paragraphs[1:])  # the summary was a cut of the opening
    if cut.startswith(_norm(content)):
        return summary, ""  # the content is a cut of the summary
    return summary, content


def _content(entry: Any) -> str:
    """The item's full text (Atom <content>, RSS content:encoded), if any."""
    for block in entry.get("content", []) or []:
        value = block.get("value") if isinstance(block, dict) else None
        if value:
            return html_to_text(str(value))
    return ""


def _day(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return None


def _describe(problem: BaseException) -> str:
    message = getattr(problem, "getMessage", lambda: str(problem))()
    line = getattr(problem, "getLineNumber", lambda: None)()
    return f"line {line}: {message}" if line else str(message)
