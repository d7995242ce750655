"""The public Python API's arguments (``silkwire/__init__.py``): their types, and their conversion to
what the use cases take, checked as the command line checks them.

Cheap to import (``import silkwire`` imports it): only the standard library at the top; what
checks a value is imported when a value is checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, cast

from silkwire.errors import QueryError

if TYPE_CHECKING:
    from silkwire.ingest import Format
    from silkwire.model import SearchFilters

PathLike = str | os.PathLike[str]
Strings = str | Iterable[str]  # one value, or several (a lone string is one value, not its letters)
ExportFormat = Literal["jsonl", "csv", "parquet", "geojson"]
ExportWhat = Literal["records", "events", "entities"]
EXTENSIONS: dict[str, ExportFormat] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
                                        ".parquet": "parquet", ".geojson": "geojson"}


def paths(value: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def many(value: Strings) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def input_format(value: str) -> Format:
    from silkwire.ingest import FORMATS

    if value not in FORMATS:
        raise QueryError(f"format {value!r}: expected {', '.join(FORMATS)}")
    return cast("Format", value)


def filters(since: str | None, until: str | None, by: str, sources: Strings = (), countries: Strings = (),
             entities: Strings = (), places: Strings = (), events: Strings = (), topics: Strings = ()
             ) -> SearchFilters:
    """The keyword filters -> ``SearchFilters``, checked as the command line checks them (one value
    or several for each list; a lone string is one value)."""
    from silkwire.model import SearchFilters
    from silkwire.service.export import check_filters

    filters = SearchFilters.from_params(
        since=since, until=until, by=by, sources=many(sources), countries=many(countries),
        entities=many(entities), places=many(places), events=many(events), topics=many(topics))
    check_filters(filters, flag="")
    return filters
