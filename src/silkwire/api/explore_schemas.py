"""Response shapes of the exploration endpoints (entities, countries, places, facets)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EntityOut(BaseModel):
    id: str = Field(description="Canonical id, e.g. per:kassym-jomart-tokaiev")
    type: str = Field(description="PER | ORG | LOC | MISC")
    name: str
    country: str | None = Field(description="ISO 3166-1 alpha-2 code of the entity's country")
    articles: int = Field(description="Articles naming it")


class EntityList(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[EntityOut]


class EntityDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    type: str
    name: str
    country: str | None
    aliases: list[str] = Field(description="Aliases the knowledge base gives it")
    spellings: list[dict[str, Any]] = Field(description="How the articles write it, with counts")
    roles: list[dict[str, Any]] = Field(description="Roles the articles give it (role, of: country), with counts")
    known_roles: list[dict[str, Any]] = Field(description="Offices the knowledge base gives it, with dates")
    articles: int
    months: list[dict[str, Any]] = Field(description="Articles naming it per month of publication")
    countries: list[dict[str, Any]] = Field(description="Countries of the articles naming it, with counts")
    latest: list[dict[str, Any]] = Field(description="The newest articles naming it")


class CountryOut(BaseModel):
    code: str
    name: str = Field(description="French name")
    articles: int
    central_asia: bool = Field(description="One of KZ UZ TJ KG TM")


class CountryDetail(BaseModel):
    """Fields events/event_months/topics appear once the pipeline stores events and topics."""

    model_config = ConfigDict(extra="allow")

    code: str
    name: str
    articles: int
    months: list[dict[str, Any]]
    partners: list[dict[str, Any]] = Field(description="Countries named in the same articles, with counts")
    people: list[dict[str, Any]]
    organisations: list[dict[str, Any]]
    places: list[dict[str, Any]]
    latest: list[dict[str, Any]] = Field(description="Newest articles with their main event date and status")


class PlaceOut(BaseModel):
    name: str
    geonameid: int | None
    country: str | None
    lat: float
    lon: float
    articles: int


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class Facets(BaseModel):
    partial: bool = Field(description="With q: counted over the best 1000 hits only")
    country: list[FacetValue]
    entity: list[FacetValue]
    place: list[FacetValue]
    source: list[FacetValue]


class RelationOut(BaseModel):
    """One partner of a country (silkwire.service.relations.relations)."""

    model_config = ConfigDict(extra="allow")

    country: str
    partner: str
    events: int
    cooperative: int
    conflictual: int
    by_type: dict[str, int] = Field(description="Events per PLOVER type")
    by_month: dict[str, dict[str, int]] = Field(description="Events per month (YYYY-MM) and type")
    planned: int
    amounts: dict[str, float] = Field(description="Money in the evidence, summed per ISO 4217 currency")
    last: dict[str, Any] | None = Field(description="The latest event, with its evidence")
    evidence: list[dict[str, Any]] | None = Field(None, description="Every event (with evidence=true)")


class Cell(BaseModel):
    events: int
    cooperative: int
    conflictual: int
    planned: int


class Matrix(BaseModel):
    rows: list[str] = Field(description="KZ UZ TJ KG TM")
    columns: list[str] = Field(description="The five, then the busiest partners")
    names: dict[str, str] = Field(description="French names of the codes")
    cells: dict[str, dict[str, Cell]] = Field(description="row -> column -> counts (absent: no event)")
    since: str | None
    until: str | None


class EventOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    article: str = Field(description="Article id")
    n: int = Field(description="Position of the event in its article (0 = main event)")
    type: str = Field(description="PLOVER type")
    source: list[str]
    target: list[str]
    date: str | None
    status: str | None = Field(description="done | planned")
    evidence: list[int] = Field(description="Span of the article text that states it")
    evidence_text: str


class Timeline(BaseModel):
    offset: int
    limit: int
    more: bool = Field(description="Whether later pages exist")
    items: list[EventOut]


class StoryOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(description="Stable while the story's earliest article stays (s-…)")
    label: str | None
    first: str | None = Field(description="Date of its first article")
    last: str | None = Field(description="Date of its last article")
    articles: int = Field(description="Articles, duplicates included")
    entities: list[dict[str, Any]] = Field(description="Main entities: id, name, articles")
    countries: list[str]
    follows: str | None = Field(description="The story this one continues, if any")


class StoryList(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[StoryOut]


class StoryDetail(StoryOut):
    articles_list: list[dict[str, Any]] = Field(description="Its articles in date order, duplicates marked")
    followed_by: list[str] = Field(description="Stories that continue this one")
