"""JSON endpoints for exploring: entities, countries, places (the map), feed facets, relations,
timeline, stories.

Same conventions as ``app.py``: plain ``def`` routes on the workspace pool, ``{"error": …}``
answers (400 bad parameter, 404 unknown id), limit/offset paging where lists can be long.
"""

# No "from __future__ import annotations": FastAPI reads the route annotations at run time.
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query
from fastapi.responses import RedirectResponse

from silkwire.api.explore_schemas import (
    CountryDetail,
    CountryOut,
    EntityDetail,
    EntityList,
    Facets,
    Matrix,
    PlaceOut,
    RelationOut,
    StoryDetail,
    StoryList,
    Timeline,
)
from silkwire.api.params import Countries, Events, EventSince, EventsOnly, EventUntil, Since, Until
from silkwire.api.schemas import ErrorOut
from silkwire.dates import parse_day
from silkwire.model import SearchFilters
from silkwire.service import entities as entity_ids
from silkwire.service import explore
from silkwire.service import relations as analysis
from silkwire.service import stories as storylines
from silkwire.service.pool import WorkspacePool

_400: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut, "description": "Malformed query or parameter"}}
_404: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such item"}, **_400}


def article_filters(
    since: Since = None,
    until: Until = None,
    by: Annotated[Literal["published", "event"], Query(description="Which date since/until apply to")] = "published",
    source: Annotated[list[str] | None, Query(description="Only these sources (any)")] = None,
    country: Countries = None,
    entity: Annotated[list[str] | None, Query(description="Naming these entity ids (all)")] = None,
    place: Annotated[list[str] | None, Query(description="Naming these places (all)")] = None,
    event: Events = None,
    topic: Annotated[list[str] | None, Query(description="On these IPTC topics, e.g. medtop:04000000 (all)")] = None,
) -> SearchFilters:
    return SearchFilters.from_params(since=since, until=until, by=by, sources=source, countries=country,
                                     entities=entity, places=place, events=event, topics=topic)


Filters = Annotated[SearchFilters, Depends(article_filters)]


def install_explore_routes(app: FastAPI, pool: WorkspacePool, settings: Any) -> None:
    max_limit = settings.max_limit

    @app.get("/api/facets", response_model=Facets, responses=_400, tags=["articles"])
    def facets(filters: Filters,
               q: Annotated[str | None, Query(max_length=1000, description="Search query, as for /api/articles")]
               = None,
               per_kind: Annotated[int, Query(ge=1, le=50, description="Values per facet")] = 8) -> dict[str, Any]:
        """Counts of countries, entities, places and sources among the articles matching q and filters."""
        query = q.strip() if q and q.strip() else None
        with pool.take() as ws:
            return explore.facet_counts(ws, query, filters, per_kind)

    @app.get("/api/entities", response_model=EntityList, responses=_400, tags=["entities"])
    def entities(
        q: Annotated[str | None, Query(max_length=200, description="Part of the name")] = None,
        type: Annotated[Literal["PER", "ORG", "LOC", "MISC"] | None, Query(description="Entity type")] = None,
        country: Annotated[str | None, Query(min_length=2, max_length=2, description="Entity's country")] = None,
        limit: Annotated[int, Query(ge=1, le=max_limit)] = 50,
        offset: Annotated[int, Query(ge=0, le=settings.max_offset)] = 0,
    ) -> dict[str, Any]:
        """Entities with the number of articles naming them, most named first."""
        with pool.take() as ws:
            total, items = explore.list_entities(ws, q, type, country, limit, offset)
        return {"total": total, "offset": offset, "limit": limit, "items": items}

    @app.get("/api/entities/{entity_id}", response_model=EntityDetail, responses=_404, tags=["entities"])
    def entity(entity_id: str) -> Any:
        """One entity: names, aliases, roles, mentions per month, linked articles. An old id (renamed,
        or merged by an analyst into another) answers 301 to the entity's current id."""
        with pool.take() as ws:
            moved = entity_ids.current_id(ws, entity_id)
            if moved is not None:
                return RedirectResponse(f"/api/entities/{quote(moved)}", status_code=301)
            return explore.entity_detail(ws, entity_id)

    @app.get("/api/countries", response_model=list[CountryOut], responses=_400, tags=["countries"])
    def countries() -> list[dict[str, Any]]:
        """Every country the articles refer to, with article counts."""
        with pool.take() as ws:
            return explore.countries(ws)

    @app.get("/api/countries/{code}", response_model=CountryDetail, responses=_404, tags=["countries"])
    def country(code: str) -> dict[str, Any]:
        """A country's overview: coverage per month, partners, people, organisations, places, latest."""
        with pool.take() as ws:
            return explore.country_overview(ws, code)

    @app.get("/api/places", response_model=list[PlaceOut], responses=_400, tags=["countries"])
    def places(
        country: Annotated[str | None, Query(min_length=2, max_length=2, description="Places in this country")]
        = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 300,
    ) -> list[dict[str, Any]]:
        """Places with GeoNames coordinates and the number of articles naming them (the map)."""
        with pool.take() as ws:
            return explore.places(ws, country, limit)


    @app.get("/api/relations", response_model=list[RelationOut], response_model_exclude_unset=True, responses=_400,
             tags=["relations"])
    def relations(
        country: Annotated[str, Query(min_length=2, max_length=2, description="ISO code, e.g. KZ")],
        with_: Annotated[str | None, Query(alias="with", min_length=2, max_length=2,
                                           description="Only this partner")] = None,
        since: EventSince = None,
        until: EventUntil = None,
        evidence: Annotated[bool, Query(description="Include every event with its evidence")] = False,
    ) -> list[dict[str, Any]]:
        """A country's partners in events (dyads): counts by type and month, cooperative vs conflictual."""
        with pool.take() as ws:
            since_day, until_day = parse_day(since, "since"), parse_day(until, "until")
            return analysis.relations(ws, country, with_, since_day, until_day, evidence)

    @app.get("/api/relations/matrix", response_model=Matrix, responses=_400, tags=["relations"])
    def matrix(since: EventSince = None, until: EventUntil = None,
               partners: Annotated[int, Query(ge=1, le=50, description="Partner columns after the five")] = 12,
               ) -> dict[str, Any]:
        """The five republics against their busiest partners: events per pair, cooperative vs conflictual."""
        with pool.take() as ws:
            return explore.relation_matrix(ws, parse_day(since, "since"), parse_day(until, "until"), partners)

    @app.get("/api/timeline", response_model=Timeline, responses=_400, tags=["relations"])
    def timeline(
        country: Annotated[str | None, Query(min_length=2, max_length=2, description="Events with this actor")]
        = None,
        entity: Annotated[str | None, Query(description="Events whose evidence names this entity id")] = None,
        event: EventsOnly = None,
        since: EventSince = None,
        until: EventUntil = None,
        limit: Annotated[int, Query(ge=1, le=max_limit)] = settings.default_limit,
        offset: Annotated[int, Query(ge=0, le=settings.max_offset)] = 0,
    ) -> dict[str, Any]:
        """Events in date order (undated ones at their article's publication date), with evidence."""
        with pool.take() as ws:
            found = analysis.timeline(ws, country, entity, parse_day(since, "since"), parse_day(until, "until"),
                                      [e.upper() for e in event or ()], limit=offset + limit + 1)
        return {"offset": offset, "limit": limit, "more": len(found) > offset + limit,
                "items": found[offset:offset + limit]}


def install_story_routes(app: FastAPI, pool: WorkspacePool, settings: Any) -> None:
    @app.get("/api/stories", response_model=StoryList, responses=_400, tags=["stories"])
    def stories(
        since: Annotated[str | None, Query(description="Stories still running on or after (YYYY-MM-DD)")] = None,
        until: Annotated[str | None, Query(description="Stories begun on or before (YYYY-MM-DD)")] = None,
        country: Annotated[str | None, Query(min_length=2, max_length=2, description="Naming this country")] = None,
        min_articles: Annotated[int, Query(ge=1, le=1000, description="At least this many articles")] = 2,
        limit: Annotated[int, Query(ge=1, le=settings.max_limit)] = settings.default_limit,
        offset: Annotated[int, Query(ge=0, le=settings.max_offset)] = 0,
    ) -> dict[str, Any]:
        """Stories (articles that follow one subject, duplicates included), latest first."""
        with pool.take() as ws:
            found = storylines.stories(ws, parse_day(since, "since"), parse_day(until, "until"),
                                       country.upper() if country else None, min_articles)
        return {"total": len(found), "offset": offset, "limit": limit, "items": found[offset:offset + limit]}

    @app.get("/api/stories/{story_id}", response_model=StoryDetail, responses=_404, tags=["stories"])
    def story(story_id: str) -> dict[str, Any]:
        """One story: label, dates, entities, countries, its articles in date order, its thread."""
        with pool.take() as ws:
            return storylines.story(ws, story_id)


