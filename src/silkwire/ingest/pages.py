"""Article HTML pages (trafilatura) -> one article: title, lead, body, date, author.

The lead is the page's own summary (meta description / og:description) when it has one, else
the first paragraph of the main text; the body is the rest of the main text (menus, footers and
comments left out by trafilatura). The date is the page's publication date as its metadata
states it (no guessing from the text: ``extensive_search`` is off), to the day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from silkwire.errors import InputError, InputWarning
from silkwire.ingest.articles import make_article
from silkwire.model import Article

Item = Article | InputError | InputWarning
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_page(data: bytes | str, source: str, origin: str, url: str | None = None) -> Iterator[Item]:
    import trafilatura  # here: a heavy import that only page reading needs

    try:
        doc = trafilatura.bare_extraction(
            data, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError) as exc:  # lxml gives up on some inputs
        yield InputError(origin, f"not a readable HTML page ({exc})")
        return
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        yield InputError(origin, "no article text found in this HTML page")
        return
    title = (getattr(doc, "title", None) or "").strip() or None
    paragraphs = [" ".join(p.split()) for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # the <h1> repeated at the top of the main text
    description = " ".join((getattr(doc, "description", None) or "").split())
    if description and paragraphs and paragraphs[0].startswith(description.rstrip("…. ")):
        lead = paragraphs.pop(0)
    elif description:
        lead = description
    else:
        lead = paragraphs.pop(0) if paragraphs else ""
    if not lead and not paragraphs:
        yield InputError(origin, "no article text found in this HTML page")
        return
    day = getattr(doc, "date", None)
    yield make_article(
        source=source,
        title=title,
        parts=[lead, "\n".join(paragraphs)],
        published=day[:10] if isinstance(day, str) and _ISO_DAY.match(day) else None,
        url=url or getattr(doc, "url", None) or None,
        origin=origin,
        author=(getattr(doc, "author", None) or "").strip() or None,
    )
