"""Building ``Article`` values from the parts a reader found, with their stable ids."""

from __future__ import annotations

import hashlib

from silkwire.model import Article
from silkwire.textnorm import normalize_text


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
    title = title or None
    text = compose_text(title, parts)
    return Article(
        id=article_id(source, text),
        source=source,
        title=title,
        text=text,
        published=published,
        url=url,
        ref=ref,
        origin=origin,
        author=author,
    )
