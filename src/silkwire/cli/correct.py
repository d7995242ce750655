"""``silkwire correct``: an analyst's corrections (``service/corrections.py``) on the command line.

    silkwire correct reject ARTICLE country KZ --why "Astana n'est qu'un nom d'hôtel ici"
    silkwire correct add ARTICLE entity "Chemins de fer kazakhs" --type ORG --at "KTZ"
    silkwire correct merge org:khatchanov per:karen-khatchanov
    silkwire correct list | undo 12 | gold > corrections-gold.jsonl

Who made a correction: ``--by``, else ``$SILKWIRE_AUTHOR``, else the login name.
"""
# No "from __future__ import annotations": typer reads the annotations of the commands defined in
# register(), whose option types are local names there.

import getpass
import json
import os
import sys
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

KINDS = "country, entity, place, event, topic, date or amount"


def _author(by: str | None) -> str:
    if by:
        return by
    try:
        return os.environ.get("SILKWIRE_AUTHOR") or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container)
        return "?"


def _span(span: str | None, at: str | None, text: str, fail: Any) -> list[int] | None:
    """``--span 12:25`` (offsets into the text), or ``--at WORDS`` (their first occurrence)."""
    if span:
        try:
            start, end = (int(x) for x in span.replace("-", ":").split(":"))
        except ValueError:
            fail(f"--span {span!r}: expected START:END (character offsets)")
        return [start, end]
    if at:
        where = text.find(at)
        if where < 0:
            fail(f"--at {at!r}: not in the article's text")
        return [where, where + len(at)]
    return None


def register(app: typer.Typer) -> None:
    from silkwire.cli.common import DbOption, JsonFlag, country_option, fail, open_db, out, whole_ids

    group = typer.Typer(help="Correct the facts: reject or add one in an article, merge, rename or identify "
                             "an entity; corrections survive re-enrichment and can be undone.",
                        no_args_is_help=True)
    app.add_typer(group, name="correct")
    By = Annotated[str | None, typer.Option("--by", help="Who corrects [default: $SILKWIRE_AUTHOR or login]")]
    Why = Annotated[str | None, typer.Option("--why", help="Why (kept with the correction)")]
    Span = Annotated[str | None, typer.Option("--span", help="Where in the text: START:END character offsets")]
    At = Annotated[str | None, typer.Option("--at", help="Where in the text: these words (first occurrence)")]

    def run(action: str, kind: str, fact: dict[str, Any], by: str | None, why: str | None, article: str | None,
            db: str | None, as_json: bool) -> None:
        from silkwire.model import Correction
        from silkwire.service import corrections

        with open_db(db) as ws:
            done = corrections.correct(ws, Correction(action, kind, fact, _author(by), why, article))  # type: ignore[arg-type]
        if as_json:
            out.print_json(json.dumps(corrections.public(done), ensure_ascii=False))
        else:
            out.print(f"correction {done.id}: {action} {kind} {_fact_text(done.fact)}"
                      + (f" in {done.article_id}" if done.article_id else ""))

    def article_text(db: str | None, article: str) -> str:
        from silkwire.service import articles as service

        with open_db(db) as ws:
            return str(service.show(ws, article)["text"])

    @group.command()
    def reject(
        article: Annotated[str, typer.Argument(help="Article id (or a unique prefix)")],
        kind: Annotated[str, typer.Argument(help=f"What: {KINDS}")],
        value: Annotated[str | None, typer.Argument(help="Which: country code, entity id, place name, event "
                                                    "type, topic code, date or amount value")] = None,
        span: Span = None, at: At = None, by: By = None, why: Why = None, db: DbOption = None,
        as_json: JsonFlag = False,
    ) -> None:
        """Reject a fact the pipeline found in an article (a date or an amount: by --span/--at or value)."""
        from silkwire.service.corrections import fact_of

        where = _span(span, at, article_text(db, article), fail) if span or at else None
        run("reject", kind, fact_of("reject", kind, value, where), by, why, article, db, as_json)

    @group.command()
    def add(
        article: Annotated[str, typer.Argument(help="Article id (or a unique prefix)")],
        kind: Annotated[str, typer.Argument(help=f"What: {KINDS}")],
        value: Annotated[str | None, typer.Argument(help="Country code, entity or place name (default: the "
                                                    "words at the span), event type, topic code, date value "
                                                    "(2025-07, 2025-07-11/2025-07-12…), amount")] = None,
        span: Span = None, at: At = None,
        type_: Annotated[str | None, typer.Option("--type", help="Entity type: PER, ORG, LOC or MISC")] = None,
        country: Annotated[str | None, country_option("An entity's or place's country (ISO code)")] = None,
        wikidata: Annotated[str | None, typer.Option(help="An entity's Wikidata QID")] = None,
        unit: Annotated[str | None, typer.Option(help="An amount's unit: ISO 4217 code, %, or the noun")] = None,
        source: Annotated[list[str] | None, country_option("An event's source country (repeatable)")] = None,
        target: Annotated[list[str] | None, country_option("An event's target country (repeatable)")] = None,
        grain: Annotated[str | None, typer.Option(help="A date's grain: day, month, year…")] = None,
        by: By = None, why: Why = None, db: DbOption = None, as_json: JsonFlag = False,
    ) -> None:
        """Add a fact the pipeline missed, with the span of text it stands on."""
        from silkwire.service.corrections import fact_of

        where = _span(span, at, article_text(db, article), fail)
        if where is None and kind != "topic":
            fail("give where it is in the text: --span START:END or --at WORDS")
        amount_kind = ("percent" if unit == "%" else "money" if unit and len(unit) == 3 and unit.isupper()
                       else "count") if kind == "amount" else None
        fact = fact_of("add", kind, value, where, type=type_ and type_.upper(), country=country and country.upper(),
                       wikidata=wikidata, unit=unit, kind=amount_kind, grain=grain,
                       source=[c.upper() for c in source or ()], target=[c.upper() for c in target or ()])
        run("add", kind, fact, by, why, article, db, as_json)

    @group.command()
    def merge(
        entity: Annotated[str, typer.Argument(help="The entity id that is a variant (it disappears)")],
        into: Annotated[str, typer.Argument(help="The entity id it is the same as (it stays)")],
        by: By = None, why: Why = None, db: DbOption = None, as_json: JsonFlag = False,
    ) -> None:
        """Merge two entities everywhere (Khachanov = Khatchanov): the first becomes the second."""
        run("merge", "entity", {"id": entity, "into": into}, by, why, None, db, as_json)

    @group.command()
    def rename(
        entity: Annotated[str, typer.Argument(help="Entity id")],
        name: Annotated[str, typer.Argument(help="Its canonical name from now on")],
        by: By = None, why: Why = None, db: DbOption = None, as_json: JsonFlag = False,
    ) -> None:
        """Rename an entity everywhere (its id stays)."""
        run("rename", "entity", {"id": entity, "name": name}, by, why, None, db, as_json)

    @group.command()
    def wikidata(
        entity: Annotated[str, typer.Argument(help="Entity id")],
        qid: Annotated[str, typer.Argument(help="Wikidata QID, e.g. Q7747")],
        by: By = None, why: Why = None, db: DbOption = None, as_json: JsonFlag = False,
    ) -> None:
        """Set an entity's Wikidata QID everywhere."""
        run("wikidata", "entity", {"id": entity, "wikidata": qid}, by, why, None, db, as_json)

    @group.command(name="list")
    def list_corrections(
        article: Annotated[str | None, typer.Argument(help="Only this article's")] = None,
        every: Annotated[bool, typer.Option("--all", help="Undone corrections too")] = False,
        db: DbOption = None, as_json: JsonFlag = False,
    ) -> None:
        """The corrections, oldest first: number, who, when, what, why."""
        from silkwire.service import corrections

        with open_db(db) as ws:
            rows = corrections.corrections(ws, article, include_undone=every)
        if as_json:
            out.print_json(json.dumps(rows, ensure_ascii=False))
            return
        table = Table("n", "when", "who", "action", "kind", "fact", "article", "why")
        for r in rows:
            undone = f" (undone {r['undone_at'][:10]} by {r['undone_by']})" if r.get("undone_at") else ""
            table.add_row(str(r["id"]), (r["created_at"] or "")[:10], Text(r["author"]), r["action"] + undone,
                          r["kind"], Text(_fact_text(r["fact"])), Text(r["article_id"] or "(everywhere)"),
                          Text(r["reason"] or ""))
        out.print(whole_ids(table, "article"))

    @group.command()
    def undo(
        number: Annotated[int, typer.Argument(help="The correction's number (silkwire correct list)")],
        by: By = None, db: DbOption = None,
    ) -> None:
        """Undo a correction: the facts go back to what the pipeline found (the correction stays, stamped)."""
        from silkwire.service import corrections

        with open_db(db) as ws:
            done = corrections.undo(ws, number, _author(by))
        out.print(f"correction {done.id} undone")

    @group.command()
    def gold(db: DbOption = None) -> None:
        """Print the corrected articles as gold lines (JSONL) for silkwire eval."""
        from silkwire.service import evaluate

        with open_db(db) as ws:
            for line in evaluate.gold_from_corrections(ws):
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


def _fact_text(fact: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in fact.items() if k != "previous")
