"""CLI commands for stories: ``silkwire stories`` and ``silkwire story ID`` (over ``service/stories.py``)."""
# No "from __future__ import annotations": typer reads the annotations of the commands defined in
# register(), whose option types are local names there.


import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text


def register(app: typer.Typer) -> None:
    from silkwire.cli.common import DbOption, JsonFlag, country_option, fail, open_db, out, whole_ids

    @app.command(name="stories")
    def list_stories(
        db: DbOption = None,
        since: Annotated[str | None, typer.Option(help="Stories still running on or after (YYYY-MM-DD)")] = None,
        until: Annotated[str | None, typer.Option(help="Stories started on or before (YYYY-MM-DD)")] = None,
        country: Annotated[str | None, country_option("Stories naming this country (ISO code)")] = None,
        min_articles: Annotated[int, typer.Option("--min-articles", min=1,
                                                  help="Only stories with this many articles")] = 2,
        rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-cluster every article first")] = False,
        as_json: JsonFlag = False,
    ) -> None:
        """Stories (articles about one real-world story, duplicates included), latest first."""
        from silkwire.dates import parse_day
        from silkwire.errors import QueryError
        from silkwire.service import stories as storylines

        try:
            bounds = [parse_day(since, "--since"), parse_day(until, "--until")]
        except QueryError as exc:
            fail(str(exc))
            return
        with open_db(db) as ws:
            if rebuild:
                storylines.rebuild_stories(ws)
            rows = storylines.stories(ws, bounds[0], bounds[1], country.upper() if country else None, min_articles)
        if as_json:
            out.print_json(json.dumps(rows, ensure_ascii=False))
            return
        table = Table("articles", "first", "last", "story", "countries", "id", "follows")
        for s in rows:
            table.add_row(str(s["articles"]), s["first"] or "", s["last"] or "", Text(s["label"]),
                          " ".join(s["countries"][:4]), Text(s["id"], style="dim"),
                          Text(s["follows"] or "", style="dim"))
        out.print(whole_ids(table, "id", "follows"))
        out.print(Text(f"{len(rows)} stories", style="dim"))

    @app.command(name="story")
    def show_story(
        story_id: Annotated[str, typer.Argument(help="Story id (s-…), from 'silkwire stories' or 'silkwire show'")],
        db: DbOption = None,
        as_json: JsonFlag = False,
    ) -> None:
        """One story: its articles in date order, main entities and thread (follows / followed by)."""
        from silkwire.service import stories as storylines

        with open_db(db) as ws:
            data = storylines.story(ws, story_id)
        if as_json:
            out.print_json(json.dumps(data, ensure_ascii=False))
            return
        out.print(Text(data["label"], style="bold"))
        out.print(Text(f"{data['id']} · {data['first'] or '?'} – {data['last'] or '?'} · {data['articles']} articles"
                       f" · {' '.join(data['countries'])}", style="dim"))
        if data["entities"]:
            out.print("entities: " + ", ".join(f"{e['name']} ({e['articles']})" for e in data["entities"]))
        for a in data["articles_list"]:
            dup = f"  (duplicate of {a['duplicate_of']})" if a["duplicate_of"] else ""
            out.print(Text(f"  {a['published'] or '????-??-??'}  ") + Text(a["title"] or "(sans titre)")
                      + Text(f"  [{a['id']}] {a['source']}{dup}", style="dim"))
        if data["follows"]:
            out.print(f"follows: {data['follows']}")
        if data["followed_by"]:
            out.print(f"followed by: {', '.join(data['followed_by'])}")


def print_links(record: dict[str, Any]) -> None:
    """``silkwire show``: the article's canonical, its duplicates and its story."""
    from silkwire.cli.common import out

    if record.get("duplicate_of"):
        out.print(Text(f"duplicate of {record['duplicate_of']} (the earliest copy)", style="yellow"))
    for d in record.get("duplicates", []):
        out.print(Text(f"duplicate: [{d['id']}] {d['source']} {d['published'] or ''} {d['title'] or ''}".rstrip()))
    if record.get("story"):
        out.print(Text(f"story: {record['story']} (silkwire story {record['story']})"))
