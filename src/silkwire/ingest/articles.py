"""Building ``Article`` values from the parts a reader found, with their stable ids."""

from __future__ import annotations

import hashlib
import re

from silkwire.model import Article
from silkwire.textnorm import normalize_text

# Half of a UTF-16 pair alone: Python strings can hold one (from a JSON escape, a decoder with
# surrogateescape), but it is no character and cannot be encoded, hashed or stored as UTF-8.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(value: str | None) -> str | None:
    """``value`` with every lone surrogate replaced by U+FFFD (readers warn when they do it)."""
    return LONE_SURROGATE.sub("\ufffd", value) if value and LONE_SURROGATE.search(value) else value


def compose_text(title: str | None, parts: list[str]) -> str:
    """DESIGN.md: the title, a blank line, then the lead/body (the lead alone without title)."""
    body = "\n\n".join(p for p in parts if p)
    if title and body:
        return f"{title}\n\n{body}"
    return title or body


def article_id(source: str, text: str) -> str:
    """A stable id: the hash of the normalised content and the source.

    Normalisation (typography, white space) means the same item copied with ’ instead of ' or
    with other line breaks keeps its id, so re-ingesting it is recognised.
    """
    content = " ".join(normalize_text(text).split())
    digest = hashlib.sha256(f"{source}\x1f{content}".encode()).hexdigest()
    return digest[:16]


def make_article(
    *,
    source: str,
    title: str | None,
    parts: list[str],
    published: str | None = None,
    url: str | None = None,
    ref: str | None = None,
    origin: str | None = None,
    author: str | None = None,
) -> Article:
    # Every reader's articles come through here: no text that cannot be stored gets past.
    title = valid_text(title) or None
    text = valid_text(compose_text(title, parts)) or ""
    source = valid_text(source) or source
    return Article(
        id=article_id(source, text),
        source=source,
        title=title,
        text=text,
        published=published,
        url=valid_text(url),
        ref=valid_text(ref),
        origin=origin,
        author=valid_text(author),
    )
