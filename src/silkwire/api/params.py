"""Query parameters the routes share, with what the OpenAPI schema states about their values:
dates are ``format: date`` (YYYY-MM-DD; anything else is a 400 naming the parameter), country
codes ISO 3166-1 alpha-2 (two letters, any case), event types the 16 PLOVER types of DESIGN.md
(any case). Schema clients and fuzzers (schemathesis) build valid requests from these."""

from typing import Annotated

from fastapi import Query

from silkwire.service.explore import PLOVER_TYPES

_DAY = {"format": "date", "examples": ["2025-07-30"]}
_COUNTRY = {"type": "string", "pattern": "^[A-Za-z]{2}$"}

Since = Annotated[str | None, Query(description="On or after this date (YYYY-MM-DD)", json_schema_extra=_DAY)]
Until = Annotated[str | None, Query(description="On or before this date (YYYY-MM-DD)", json_schema_extra=_DAY)]
EventSince = Annotated[str | None, Query(description="Events dated on or after (YYYY-MM-DD)", json_schema_extra=_DAY)]
EventUntil = Annotated[str | None, Query(description="Events dated on or before (YYYY-MM-DD)",
                                         json_schema_extra=_DAY)]
Countries = Annotated[list[str] | None, Query(description="About these countries, ISO 3166-1 codes (all)",
                                              json_schema_extra={"items": _COUNTRY})]
Events = Annotated[list[str] | None, Query(description="With events of these PLOVER types (all)",
                                           json_schema_extra={"items": {"type": "string",
                                                                        "enum": list(PLOVER_TYPES)}})]
EventsOnly = Annotated[list[str] | None, Query(description="Only these PLOVER types",
                                               json_schema_extra={"items": {"type": "string",
                                                                            "enum": list(PLOVER_TYPES)}})]
