"""The search use case: French full-text search over a workspace, best first or newest first,
with highlights and snippets, duplicates collapsed; and the feed without a query (``list_articles``,
the same filters). ``silkwire.service.articles`` re-exports ``search`` (the Python API's one entry
point).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from silkwire.model import Article, SearchFilters
from silkwire.search import Snippet, highlight_spans, make_snippet, parse_query
from silkwire.service.duplicates import collapsed_ranking
from silkwire.service.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Hit:
    article: Article
    score: float
    title_highlights: list[tuple[int, int]]  # spans in the title
    snippet: Snippet  # from the body
    spans: list[tuple[int, int]]  # every highlight, as spans of article.text
    published_estimate: str | None = None  # silkwire's estimate, for an article without a date of its own


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit]


def search(
    ws: Workspace,
    query: str,
    filters: SearchFilters | None = None,
    limit: int = 10,
    offset: int = 0,
    duplicates: bool = False,
    newest_first: bool = False,
) -> SearchResult:
    """French full-text search, best first (BM25), with highlights. Raises ``QueryError``.

    Duplicates are collapsed (each group shows once) unless ``duplicates`` is true. With
    ``newest_first``, hits are ordered by publication date, newest first (undated last).
    """
    parsed = parse_query(query)
    assert parsed.node is not None  # parse_query raises on an empty query
    if duplicates:
        ranked, total = ws.index.search(parsed.node, filters or SearchFilters(), limit, offset,
                                        newest_first=newest_first)
    else:
        ranked, total = collapsed_ranking(ws, parsed.node, filters or SearchFilters(), limit, offset, newest_first)
    articles = ws.store.by_rowids([rowid for rowid, _ in ranked])
    estimates = ws.store.published_estimates([a.id for a in articles if a.published is None])
    hits = []
    for article, (_, score) in zip(articles, ranked, strict=False):
        spans = highlight_spans(article.text, parsed)
        title_len = len(article.title) if article.title else 0
        body_start = len(article.text) - len(article.body)
        hits.append(
            Hit(
                article=article,
                score=score,
                title_highlights=[s for s in spans if s[1] <= title_len],
                snippet=make_snippet(article.body, spans, offset=body_start),
                spans=spans,
                published_estimate=estimates.get(article.id),
            )
        )
    return SearchResult(query=query, total=total, hits=hits)


def hit_record(hit: Hit) -> dict[str, Any]:
    a = hit.article
    return {
        "id": a.id,
        "source": a.source,
        # As in the article record: an estimated window stands in for a missing date, flagged.
        "published": a.published or hit.published_estimate,
        "published_estimated": a.published is None and hit.published_estimate is not None,
        "title": a.title,
        "score": round(hit.score, 4),
        "snippet": hit.snippet.text,
        "snippet_highlights": [list(s) for s in hit.snippet.highlights],
        "highlights": [list(s) for s in hit.spans],
    }


def search_newest_first(ws: Workspace, query: str, filters: SearchFilters, limit: int, offset: int,
                        duplicates: bool = False) -> SearchResult:
    """``search`` with hits ordered by publication date, newest first."""
    return search(ws, query, filters, limit, offset, duplicates, newest_first=True)


# -- the feed: browsing without a query ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    articles: list[Article]
    estimates: dict[str, str] = field(default_factory=dict)  # id -> estimated publication, for undated ones


def list_articles(ws: Workspace, filters: SearchFilters, limit: int, offset: int, duplicates: bool = True) -> Page:
    """Articles matching the filters, newest published first, undated ones last.

    Ties (same day) go by rowid ascending: listing pages are read newest first, so within a day
    the earlier stored article is the newer one. Facet filters (country, entity, place) must
    all match, as in search. Without ``duplicates``, each duplicate group shows once (its
    earliest article), as search does by default.
    """
    total, rowids = ws.store.newest_first(filters, limit, offset, duplicates)
    articles = ws.store.by_rowids(rowids)
    return Page(total, articles, ws.store.published_estimates([a.id for a in articles if a.published is None]))


def summary(article: Article, estimate: str | None = None) -> dict[str, Any]:
    """What a list shows of an article: its fields and the start of its body. As in the
    article record, an ``estimate`` of its publication stands in for a missing date, flagged."""
    return {
        "id": article.id,
        "source": article.source,
        "url": article.url,
        "published": article.published or estimate,
        "published_estimated": article.published is None and estimate is not None,
        "title": article.title,
        "snippet": make_snippet(article.body, []).text,
    }
