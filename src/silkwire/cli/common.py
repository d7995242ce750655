"""What every command group shares: the app, the consoles, common options, one way to fail, one way
to open a database.

Exit codes: 0 success; 1 the command ran but some input was rejected (the rest went in);
2 the command could not run (bad query, missing database, bad option).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from silkwire.ingest import FORMATS, Format
from silkwire.service import articles as service

app = typer.Typer(
    help="silkwire: French news on Central Asia -> an evidence-linked, searchable knowledge base.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DB_HELP = "Database: a file, or postgresql://user@host:port/dbname [default: $SILKWIRE_DB or ./silkwire.db]"
DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP, show_default=False)]
InputFormat = Annotated[str, typer.Option("--input-format", "-f",
                                          help="Input format: auto, listing, jsonl, csv, feed or page")]
SourceOption = Annotated[
    str | None,
    typer.Option("--source", help="Source (outlet) name for items that do not give one [default: the file name]"),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]
KbOption = Annotated[
    list[str] | None,
    typer.Option("--kb", help="Your knowledge-base file or folder, merged over the shipped one (repeatable)"),
]
MAX_LISTED_ERRORS = 20


def whole_ids(table: Table, *headers: str) -> Table:
    """Never cut or wrap these columns (ids are pasted into --entity, show, story…): rich shrinks
    the other columns instead, however narrow the terminal."""
    for column in table.columns:
        if column.header in headers:
            column.no_wrap = True
            column.overflow = "ignore"
            column.min_width = max((len(str(c)) for c in column.cells), default=0)
    return table


@contextmanager
def progress(what: str, total: int | None, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal (count, rate, elapsed, and with a total the
    bar and the time left); nothing otherwise. Yields ``advance_to(done)``."""
    if quiet or not err.is_terminal:
        yield lambda done: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [SpinnerColumn(), TextColumn(what)]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn(), TaskProgressColumn()]
    else:
        columns.append(TextColumn("{task.completed} articles"))
    columns += [TextColumn("{task.fields[rate]}"), TimeElapsedColumn()]
    if total is not None:
        columns += [TextColumn("reste"), TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total, rate="")

        def advance_to(done: int) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, completed=done, rate=f"{speed:,.0f}/s" if speed else "")

        yield advance_to


def known_countries(value: Any) -> Any:
    """Typer callback of every country option: ISO codes upper-cased, and an unknown code refused
    the same way by every command (exit 2, "ZZ: not an ISO 3166-1 alpha-2 country code…")."""
    from silkwire.errors import NotFoundError
    from silkwire.service.explore import check_country

    if value is None:
        return None
    codes = value if isinstance(value, list) else [value]
    for code in codes:
        try:
            check_country(code)
        except NotFoundError:
            fail(f"{code}: not an ISO 3166-1 alpha-2 country code silkwire knows")
    return [c.strip().upper() for c in codes] if isinstance(value, list) else value.strip().upper()


def country_option(help: str) -> Any:
    """A country option (``--country``, ``--source``…): checked by ``known_countries``."""
    return typer.Option(callback=known_countries, help=help)


def fail(message: str, code: int = 2) -> None:
    err.print(Text(f"error: {message}", style="red"))
    raise typer.Exit(code)


def parse_input_format(value: str) -> Format:
    if value not in FORMATS:
        fail(f"--input-format {value!r}: expected {', '.join(FORMATS)}")
    return value  # type: ignore[return-value]


def open_db(db: str | None, create: bool = False) -> service.Workspace:
    return service.open_workspace(db or service.default_db_path(), create=create)


def print_problems(report: service.IngestReport) -> None:
    for label, items in (("rejected", report.rejected), ("warning", report.warnings)):
        for problem in items[:MAX_LISTED_ERRORS]:
            err.print(Text(f"{label}: {problem}", style="yellow"))
        if len(items) > MAX_LISTED_ERRORS:
            err.print(f"… and {len(items) - MAX_LISTED_ERRORS} more {label} lines")



def published_text(value: str | None, estimated: bool | None = False) -> str:
    """A publication date as printed: silkwire's estimate (``published_estimated``) is marked,
    ``≈ 2025-05-03/2025-05-05 (estimated)``, never shown as the source's date."""
    if not value:
        return ""
    return f"≈ {value} (estimated)" if estimated else value
