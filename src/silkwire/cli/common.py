"""What every command group shares: the app, the consoles, common options, one way to fail, one way
to open a database.

Exit codes: 0 success; 1 the command ran but some input was rejected (the rest went in);
2 the command could not run (bad query, missing database, bad option).
"""

from __future__ import annotations

from typing import Annotated

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

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database file [default: $SILKWIRE_DB or ./silkwire.db]", show_default=False),
]
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
