"""``silkwire export`` and ``silkwire digest``: thin commands over ``exporting`` and ``digest``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from silkwire.cli.common import DbOption, country_option
from silkwire.errors import QueryError, SilkwireError
from silkwire.model import SearchFilters
from silkwire.service import articles as service

Db = DbOption
Since = Annotated[str | None, typer.Option(help="On or after this date (YYYY-MM-DD)")]
Until = Annotated[str | None, typer.Option(help="On or before this date (YYYY-MM-DD)")]
By = Annotated[str, typer.Option(help="What --since/--until apply to: published or event (date)")]
Out = Annotated[str | None, typer.Option("--out", "-o", help="Write to this file (atomically) [default: stdout]")]


@contextmanager
def _user_errors() -> Iterator[None]:
    """A user-facing error -> one line on stderr and exit 2 (as cli.main does for the core commands)."""
    try:
        yield
    except SilkwireError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


def filters(since: str | None, until: str | None, by: str, sources: list[str] | None = None,
            countries: list[str] | None = None, entities: list[str] | None = None,
            places: list[str] | None = None, events: list[str] | None = None,
            topics: list[str] | None = None) -> SearchFilters:
    """The search filters from command-line values; a bad one is a ``QueryError`` (exit 2)."""
    for code in countries or ():  # before check_filters, so the message shows the code as typed
        if len(code) != 2 or not code.isalpha():
            raise QueryError(f"--country {code!r}: expected an ISO 3166-1 alpha-2 code such as KZ")
    from silkwire.service.export import check_filters

    wanted = SearchFilters.from_params(since=since, until=until, by=by, sources=sources, countries=countries,
                                       entities=entities, places=places, events=events, topics=topics,
                                       names=("--since", "--until", "--by"))
    check_filters(wanted)  # since after until, country, event type and topic codes
    return wanted


def register(app: typer.Typer) -> None:
    @app.command()
    def export(
        query: Annotated[str | None, typer.Argument(help="Optional search query (same syntax as search)")] = None,
        output_format: Annotated[str, typer.Option("--format", help="jsonl, csv, parquet or geojson")] = "jsonl",
        what: Annotated[str, typer.Option(help="records, events or entities")] = "records",
        db: Db = None,
        since: Since = None,
        until: Until = None,
        by: By = "published",
        source: Annotated[list[str] | None, typer.Option(help="Only this source (repeatable)")] = None,
        country: Annotated[list[str] | None, country_option("About this country (repeatable: all)")] = None,
        entity: Annotated[list[str] | None, typer.Option(help="Naming this entity id (repeatable)")] = None,
        place: Annotated[list[str] | None, typer.Option(help="Naming this place (repeatable)")] = None,
        event: Annotated[list[str] | None, typer.Option(help="With an event of this PLOVER type (repeatable)")] = None,
        topic: Annotated[list[str] | None, typer.Option(help="On this IPTC topic code (repeatable)")] = None,
        out: Out = None,
    ) -> None:
        """Export the matching articles as records, events or entities (JSONL, CSV, Parquet, GeoJSON)."""
        from silkwire.service import export as exporting

        with _user_errors():
            wanted = filters(since, until, by, source, country, entity, place, event, topic)
            exporting.check_request(output_format, what, out)
            with service.open_workspace(db or service.default_db_path()) as ws:
                try:
                    report = exporting.export(ws, output_format, what, query, wanted, out)
                except BrokenPipeError:  # `silkwire export | head`: the reader left, which is fine
                    sys.stderr.close()
                    raise typer.Exit(0) from None
        if out is not None:
            typer.echo(f"{report.rows} {what if output_format != 'geojson' else 'features'} from "
                       f"{report.articles} articles written to {out}", err=True)

    @app.command()
    def digest(
        db: Db = None,
        country: Annotated[str | None, country_option("About this country (ISO code, e.g. KZ)")] = None,
        source: Annotated[list[str] | None, typer.Option(help="Only this source's articles (repeatable)")] = None,
        since: Since = None,
        until: Until = None,
        by: By = "published",
        output_format: Annotated[str, typer.Option("--format", help="md or html")] = "md",
        base_url: Annotated[str, typer.Option("--base-url", help="Web UI address for the links")] = (
            "http://127.0.0.1:8000"),
        out: Out = None,
    ) -> None:
        """A briefing of the period: main stories, key events, new people and organisations, figures."""
        from silkwire.export.writers import atomic_output
        from silkwire.service import digest as digests

        with _user_errors():
            if output_format not in ("md", "html"):
                raise QueryError(f"--format {output_format!r}: expected md or html")
            wanted = filters(since, until, by, source, countries=[country] if country else None)
            with service.open_workspace(db or service.default_db_path()) as ws:
                d = digests.build(ws, country, wanted.since, wanted.until, by, base_url, wanted.sources)
            page = digests.render(d, output_format)
            with atomic_output(out, binary=False) as stream:
                stream.write(page)
        if out is not None:
            typer.echo(f"digest of {d.articles} articles written to {out}", err=True)
