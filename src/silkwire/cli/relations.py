"""``silkwire relations`` and ``silkwire timeline``: the analysis use cases (silkwire.service.relations)
on the command line."""

# No "from __future__ import annotations": typer reads the annotations, which use names local to register().

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text


def register(app: typer.Typer) -> None:
    from silkwire.cli.common import DbOption, JsonFlag, country_option, known_countries, open_db, out, published_text
    from silkwire.service import relations as analysis

    Since = Annotated[str | None, typer.Option(help="Events dated on or after (YYYY-MM-DD)")]
    Until = Annotated[str | None, typer.Option(help="Events dated on or before (YYYY-MM-DD)")]

    @app.command()
    def relations(
        country: Annotated[str, typer.Argument(callback=known_countries, help="ISO country code, e.g. KZ")],
        with_: Annotated[str | None, typer.Option("--with", callback=known_countries,
                                                  help="Only this partner (ISO code)")] = None,
        since: Since = None,
        until: Until = None,
        db: DbOption = None,
        as_json: JsonFlag = False,
    ) -> None:
        """A country's partners in events: counts by type, cooperative vs conflictual, last event."""
        with open_db(db) as ws:
            rows = analysis.relations(ws, country, with_, since, until, evidence=as_json or with_ is not None)
        if as_json:
            out.print_json(json.dumps(rows, ensure_ascii=False))
            return
        if not rows:
            out.print(f"no events between {country.upper()} and {'any partner' if not with_ else with_.upper()}")
            return
        table = Table("partner", "events", "coop.", "confl.", "by type", "planned", "amounts", "last event",
                      title=f"Relations of {country.upper()}")
        for r in rows:
            last = r["last"]
            table.add_row(r["partner"], str(r["events"]), str(r["cooperative"]), str(r["conflictual"]),
                          ", ".join(f"{t} {n}" for t, n in r["by_type"].items()), str(r["planned"]),
                          ", ".join(f"{v:,.0f} {u}" for u, v in r["amounts"].items()),
                          Text(f"{last['date'] or published_text(last['published'], last['published_estimated'])} "
                               f"{last['type']}: {last['title'] or ''}" if last else ""))
        out.print(table)
        if with_ is not None:
            for r in rows:
                for e in r["evidence"]:
                    _print_event(out, e)

    @app.command()
    def timeline(
        country: Annotated[str | None, country_option("Events with this country as an actor (ISO code)")] = None,
        entity: Annotated[str | None, typer.Option(help="Events whose evidence names this entity id")] = None,
        event: Annotated[list[str] | None, typer.Option(help="Only this PLOVER type (repeatable)")] = None,
        since: Since = None,
        until: Until = None,
        limit: Annotated[int, typer.Option(min=1, max=10_000, help="Number of events")] = 50,
        db: DbOption = None,
        as_json: JsonFlag = False,
    ) -> None:
        """Events in date order, each with its status and the sentence that proves it."""
        with open_db(db) as ws:
            rows = analysis.timeline(ws, country, entity, since, until, event or (), limit)
        if as_json:
            out.print_json(json.dumps(rows, ensure_ascii=False))
            return
        if not rows:
            out.print("no events")
            return
        for e in rows:
            _print_event(out, e)


def _print_event(out: Any, e: dict[str, Any]) -> None:
    from silkwire.cli.common import published_text

    published = published_text(e["published"], e.get("published_estimated"))
    when = e["date"] or (f"(published {published})" if published else "(undated)")
    actors = f"{','.join(e['source']) or '?'} -> {','.join(e['target']) or '?'}"
    head = Text(f"{when}  {e['type']:<9} {actors}  {e['status'] or ''}", style="bold")
    out.print(head + Text(f"  [{e['article']}]", style="dim"))
    out.print(Text("   " + e["evidence_text"].replace("\n\n", " — ")))
