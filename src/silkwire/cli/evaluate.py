"""``silkwire eval``: the evaluation use case (silkwire.service.evaluate) on the command line."""

# No "from __future__ import annotations": typer reads the annotations, which use names local to register().
import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text


def _headline(s: dict[str, float]) -> float:
    return s["f1"] if "f1" in s else s["accuracy"]


def register(app: typer.Typer) -> None:
    from silkwire.cli.common import MAX_LISTED_ERRORS, DbOption, JsonFlag, err, fail, open_db, out

    @app.command(name="eval")
    def evaluate(
        gold: Annotated[list[str] | None, typer.Argument(help="Gold files (JSONL, see demo/ANNOTATION.md)")] = None,
        db: DbOption = None,
        inputs: Annotated[list[str] | None, typer.Option("--input", help="Enrich these inputs now instead "
                                                          "of reading the database (repeatable)")] = None,
        floors: Annotated[str | None, typer.Option(help="A floors file (TOML) to check against")] = None,
        floor_set: Annotated[str, typer.Option("--set", help="Which table of the floors file")] = "demo",
        events: Annotated[bool, typer.Option(
            "--events", help="Main event type and topics (rules vs model vs combined) and who did what to whom "
            "(country sets, actors, ordered and unordered dyads, end to end and given the gold's event type) "
            "on the OrangeSum test split, test2, dev and train + dev, the demo and the seed")] = False,
        on: Annotated[str, typer.Option(help="With --events: the sets, comma-separated (test, test2, dev, "
                                        "traindev, train, demo, seed)")] = "test,test2,dev,traindev,demo,seed",
        root: Annotated[str, typer.Option(help="With --events: the repository (eval/gold/orangesum, "
                                          "tests/gold; ../shared/data beside it)")] = ".",
        as_json: JsonFlag = False,
    ) -> None:
        """Score the facts against gold annotations: P/R/F1 per field; exit 1 below the floors."""
        from silkwire.service import evaluate as scoring

        if events:
            from silkwire.cli.event_report import report_events
            from silkwire.service.event_eval import KNOWN_SETS

            names = [s.strip() for s in on.split(",") if s.strip()]
            unknown = [n for n in names if n not in KNOWN_SETS]
            if unknown or not names:
                fail(f"--on {on!r}: expected sets among {', '.join(KNOWN_SETS)}")
            report_events(root, names, floors, as_json)
            return
        if not gold:
            fail("give gold files, or --events")
            return

        if inputs:
            result = scoring.evaluate(gold, inputs)
        else:
            with open_db(db) as ws:
                result = scoring.evaluate(gold, ws=ws)
        if result.articles == 0:  # scores over nothing would read as a result
            fail(f"none of the {len(result.missing)} gold articles is in "
                 + ("these inputs" if inputs else "the database")
                 + " (a gold row names its article by id or exact title): ingest and enrich the corpus the gold "
                 "annotates, or score inputs with --input")
        if as_json:
            out.print_json(json.dumps({"articles": result.articles, "missing": result.missing,
                                       "scores": result.scores}, ensure_ascii=False))
        else:
            table = Table("field", "precision", "recall", "F1 / accuracy", "counts",
                          title=f"{result.articles} articles")
            for name, s in result.scores.items():
                if "f1" in s:
                    table.add_row(name, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                                  f"tp {s['tp']} fp {s['fp']} fn {s['fn']}")
                else:
                    table.add_row(name, "", "", f"{s['accuracy']:.3f}", f"{s['right']}/{s['total']}")
            out.print(table)
            for key in result.missing[:MAX_LISTED_ERRORS]:
                err.print(Text(f"missing: no article for gold key {key}", style="yellow"))
        if floors:
            import tomllib

            with open(floors, "rb") as fh:
                wanted = tomllib.load(fh).get(floor_set, {})
            below = [f"{name} {_headline(result.scores[name]):.3f} < {floor}"
                     for name, floor in wanted.items() if name in result.scores
                     and _headline(result.scores[name]) < floor]
            for line in below:
                err.print(Text(f"below the floor: {line}", style="red"))
            if below:
                raise typer.Exit(1)
