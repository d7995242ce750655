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


class CountOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    articles: int


class EntityDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    type: str
    name: str
    country: str | None
    aliases: list[str] = Field(description="Aliases the knowledge base gives it")
    spellings: list[dict[str, Any]] = Field(description="How the articles write it, with counts")
    roles: list[dict[str, Any]] = Field(description="Roles the articles give it (role, of: country), with counts")
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
