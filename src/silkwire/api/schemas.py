"""Request and response shapes: they validate input and document the API (OpenAPI)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong, in a sentence fit for the user")


class ArticleSummary(BaseModel):
    id: str
    source: str
    url: str | None
    published: str | None = Field(description="Publication date YYYY-MM-DD; when published_estimated, "
                                  "silkwire's estimate for an article that has none (a day, a window "
                                  "YYYY-MM-DD/YYYY-MM-DD, or open: YYYY-MM-DD/.. or ../YYYY-MM-DD)")
    published_estimated: bool = Field(False, description="published is an estimate, not the source's date")
    title: str | None
    snippet: str = Field(description="The start of the body, or with q the passage around the first match")
    score: float | None = Field(None, description="BM25 score (with q, sorted by relevance)")
    snippet_highlights: list[Span] | None = Field(None, description="Matches, as spans of snippet")
    highlights: list[Span] | None = Field(None, description="Matches, as spans of the article text")


class ArticleList(BaseModel):
    query: str | None
    sort: Literal["relevance", "date"]
    total: int = Field(description="Articles matching, all pages")
    offset: int
    limit: int
    items: list[ArticleSummary]
    next: str | None = Field(description="Path and query of the next page; null on the last")
    prev: str | None = Field(description="Path and query of the previous page; null on the first")


class ArticleRecord(BaseModel):
    """The article record of DESIGN.md. Fact fields appear once the pipeline builds them."""

    model_config = ConfigDict(extra="allow")

    id: str
    source: str
    url: str | None
    published: str | None
    published_estimated: bool | None = Field(None, description="published is silkwire's estimate (a day or a "
                                             "window) for an article that gives no date; absent before enrich")
    title: str | None
    text: str = Field(description="Exactly as ingested; every span indexes this string")
    ref: str | None = Field(None, description="The input's own id, when it had one")
    author: str | None = Field(None, description="As the feed or page names it, when it does")
    countries: list[dict[str, Any]] | None = None
    entities: list[dict[str, Any]] | None = None
    places: list[dict[str, Any]] | None = None
    dates: list[dict[str, Any]] | None = None
    event_date: str | None = None
    status: str | None = None
    amounts: list[dict[str, Any]] | None = None
    events: list[dict[str, Any]] | None = None
    topics: list[dict[str, Any]] | None = None
    duplicate_of: str | None = Field(None, description="The canonical (earliest) copy's id; null when "
                                     "this article is canonical")
    duplicates: list[dict[str, Any]] | None = Field(None, description="On a canonical article: its copies")
    story: str | None = Field(None, description="The story's id (s-…)")


class Stats(BaseModel):
    schema_version: int
    articles: int
    duplicates: int = Field(0, description="Articles linked to an earlier copy (kept, not counted twice)")
    stories: int = 0
    enriched: int
    with_title: int
    dated: int
    published_first: str | None
    published_last: str | None
    sources: dict[str, int]
    size_bytes: int
    indexed: int = Field(description="Articles the text index holds")


class ArticleIn(BaseModel):
    """One input record, as in the JSONL input format.

    Aliases are accepted as in files: heading/summary/description for lead, article/content for
    body, date/pubdate for published, link for url. Other fields are ignored.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [{"title": "Sommet de Bichkek", "lead": "Le sommet s'est tenu…",
                                         "published": "2025-08-22", "source": "exemple"}]},
    )

    title: str | None = None
    lead: str | None = None
    text: str | None = None
    body: str | None = None
    published: str | None = Field(None, description="ISO 8601 date or date-time")
    url: str | None = None
    source: str | None = Field(None, description="Outlet name; default: the source query parameter")
    id: str | int | None = Field(None, description="The input's own id, kept as ref")


class Problem(BaseModel):
    index: int = Field(description="Position of the record in the request (0-based)")
    error: str


class IngestOut(BaseModel):
    new: int
    duplicate: int
    ids: list[str | None] = Field(description="Per record, the article id; null when rejected")
    rejected: list[Problem]
    warnings: list[Problem]
