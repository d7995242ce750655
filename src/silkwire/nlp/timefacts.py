"""Enricher: dates (resolved), the main event's date and status, and amounts.

Pure Python (no model): the temporal tagger and the amount finder work on the normalised copy
and return spans on the original text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from silkwire.model import Article, Enrichment
from silkwire.nlp.amounts import find_amounts
from silkwire.nlp.temporal import event_date_and_status, tag_dates


def add_time_facts(article: Article, enrichment: Enrichment) -> Enrichment:
    """``dates``, ``event_date``, ``status`` and ``amounts`` of one article."""
    dates = tag_dates(article.text, article.published)
    event_date, status = event_date_and_status(article.text, dates, article.published)
    return replace(
        enrichment,
        dates=tuple(dates),
        event_date=event_date,
        status=status if status in ("done", "planned") else None,  # type: ignore[arg-type]
        amounts=tuple(find_amounts(article.text)),
    )


def event_fields(text: str, published: str | None) -> dict[str, str | None]:
    """``event_date`` and ``status`` of a text resolved against ``published`` (the scorer asks
    this for articles whose source gives no publication date: silkwire.evaluation.time)."""
    event_date, status = event_date_and_status(text, tag_dates(text, published), published)
    return {"event_date": event_date, "status": status if status in ("done", "planned") else None}


def enrich_time_only(articles: Iterable[Article]) -> Iterator[Enrichment]:
    """The model-free part of the pipeline alone (for tests, and machines without the model)."""
    for article in articles:
        yield add_time_facts(article, Enrichment(article_id=article.id))
