"""Commands for following outlets: ``silkwire sources``, ``silkwire watch``, ``silkwire alert``.

A thin layer over ``silkwire.service.watch``, ``silkwire.service.sources`` and ``silkwire.service.alerts``.
"""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import replace
from types import FrameType
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from silkwire.cli.common import DbOption, country_option
from silkwire.errors import InputError, QueryError
from silkwire.model import SearchFilters
from silkwire.service import alerts as alerting
from silkwire.service import articles as service
from silkwire.service import watch as watching
from silkwire.service.sources import (
    KINDS,
    Source,
    add_source,
    format_interval,
    load_sources,
    parse_interval,
    remove_source,
    sources_path,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


SourcesOption = Annotated[
    str | None,
    typer.Option("--sources", help="Sources file [default: $SILKWIRE_SOURCES, else beside the database: "
                                   "silkwire.db -> silkwire.sources.toml]", show_default=False),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]
AllowPrivate = Annotated[bool, typer.Option("--allow-private", help="Allow private, loopback and link-local "
                                                                   "addresses (refused by default)")]

sources_app = typer.Typer(help="The outlets 'silkwire watch' follows (a TOML file).", no_args_is_help=True,
                          rich_markup_mode=None)
alert_app = typer.Typer(help="Saved searches whose new matches are printed (and posted to a webhook) once.",
                        no_args_is_help=True, rich_markup_mode=None)


def fail(message: str, code: int = 2) -> None:
    err.print(Text(f"error: {message}", style="red"))
    raise typer.Exit(code)


def _paths(db: str | None, sources: str | None) -> tuple[str, str]:
    db_path = db or service.default_db_path()
    return db_path, sources_path(db_path, sources)


def _problem(item: InputError) -> None:
    err.print(Text(f"error: {item}", style="red"))


# -- sources ------------------------------------------------------------------------------------


@sources_app.command("list")
def sources_list(db: DbOption = None, sources: SourcesOption = None, as_json: JsonFlag = False) -> None:
    """The sources of the sources file."""
    _, path = _paths(db, sources)
    items = load_sources(path)
    good = [s for s in items if isinstance(s, Source)]
    for item in items:
        if isinstance(item, InputError):
            _problem(item)
    if as_json:
        out.print_json(json.dumps([_source_record(s) for s in good], ensure_ascii=False))
    elif not good:
        out.print(f"no sources in {path} (add one with: silkwire sources add NAME URL)")
    else:
        table = Table("name", "kind", "url", "lang", "country", "every", "private", title=path)
        for s in good:
            table.add_row(Text(s.name), s.kind, Text(s.url), s.language, s.country or "", format_interval(s.interval),
                          "allowed" if s.allow_private else "")
        out.print(table)
    if len(good) < len(items):
        raise typer.Exit(1)


def _source_record(s: Source) -> dict[str, Any]:
    return {"name": s.name, "url": s.url, "kind": s.kind, "language": s.language, "country": s.country,
            "interval": s.interval, "allow_private": s.allow_private}


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="A unique name: the source recorded on its articles")],
    url: Annotated[str, typer.Argument(help="The feed or page URL (http or https)")],
    db: DbOption = None,
    sources: SourcesOption = None,
    kind: Annotated[str, typer.Option(help="rss, atom, page or auto")] = "auto",
    language: Annotated[str, typer.Option(help="The outlet's language")] = "fr",
    country: Annotated[str | None, country_option("The country it mainly covers (ISO code)")] = None,
    interval: Annotated[str, typer.Option(help="Polling interval: seconds, or 90s, 30m, 2h, 1d")] = "1h",
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Let this source reach private addresses")]
    = False,
) -> None:
    """Add a source to the sources file (created if missing)."""
    from silkwire.service.sources import validate

    _, path = _paths(db, sources)
    if kind not in KINDS:
        fail(f"--kind {kind!r}: expected {', '.join(KINDS)}")
    table: dict[str, Any] = {"name": name, "url": url, "kind": kind, "language": language,
                             "interval": parse_interval(interval, "--interval"), "allow_private": allow_private}
    if country:
        table["country"] = country
    add_source(path, validate(table, "arguments"))
    out.print(f"added {name} to {path}")


@sources_app.command("remove")
def sources_remove(
    name: Annotated[str, typer.Argument(help="The source's name")],
    db: DbOption = None,
    sources: SourcesOption = None,
) -> None:
    """Remove a source from the sources file (its articles stay in the database)."""
    _, path = _paths(db, sources)
    remove_source(path, name)
    out.print(f"removed {name} from {path}")


@sources_app.command("check")
def sources_check(db: DbOption = None, sources: SourcesOption = None, as_json: JsonFlag = False) -> None:
    """Each source's last fetch, status, new items, errors and next poll (from the database)."""
    db_path, path = _paths(db, sources)
    rows = watching.check_sources(db_path, path)
    bad = 0
    records = []
    for item, state in rows:
        if isinstance(item, InputError):
            _problem(item)
            bad += 1
            continue
        record: dict[str, Any] = {"name": item.name, "url": item.url, "polled": state is not None}
        if state is not None:
            record.update(last_fetch=state.last_fetch, status=state.last_status, http_status=state.http_status,
                          last_new=state.last_new, total_new=state.total_new, last_new_at=state.last_new_at,
                          failures=state.failures, error=state.last_error, next_due=state.next_due)
            bad += state.last_status == "error"
        records.append(record)
    if as_json:
        out.print_json(json.dumps(records, ensure_ascii=False))
    elif not records:
        out.print(f"no sources in {path}")
    else:
        table = Table("name", "last fetch", "status", "new", "total", "failures", "next due", "error")
        for r in records:
            if not r["polled"]:
                table.add_row(Text(r["name"]), "never", "", "", "", "", "now", "")
                continue
            status = f"{r['status']} ({r['http_status']})" if r["http_status"] else str(r["status"])
            table.add_row(Text(r["name"]), r["last_fetch"] or "", Text(status, style="red" if r["status"] == "error"
                          else ""), str(r["last_new"] or 0), str(r["total_new"]), str(r["failures"]),
                          r["next_due"] or "", Text(r["error"] or ""))
        out.print(table)
    if bad:
        raise typer.Exit(1)


# -- watch --------------------------------------------------------------------------------------


def watch(
    db: DbOption = None,
    sources: SourcesOption = None,
    once: Annotated[bool, typer.Option("--once", help="One pass over the sources that are due, then exit")] = False,
    force: Annotated[bool, typer.Option("--force", help="Poll every source now, due or not")] = False,
    allow_private: AllowPrivate = False,
    timeout: Annotated[float, typer.Option(min=0.01, help="Seconds one fetch may take in all (connect, headers, "
                                                          "body, redirects, retries)")] = 30.0,
    max_bytes: Annotated[int, typer.Option(min=1, help="Largest response accepted (decoded bytes)")] = 10_000_000,
    retries: Annotated[int, typer.Option(min=0, help="Extra attempts on 5xx, timeouts, connection errors")] = 2,
    per_host_delay: Annotated[float, typer.Option(min=0.0, help="Seconds between two requests to one host")] = 1.0,
    parallel: Annotated[int, typer.Option(min=1, help="Hosts fetched at once (one request at a time per host)")]
    = 8,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors")] = False,
) -> None:
    """Poll each source on its interval and store new items (state in the database; Ctrl-C stops)."""
    db_path, path = _paths(db, sources)
    if not [s for s in load_sources(path) if isinstance(s, Source)]:
        for item in load_sources(path):
            if isinstance(item, InputError):
                _problem(item)
        fail(f"no usable sources in {path}: add one with 'silkwire sources add NAME URL'")
    stop = {"now": False}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop["now"] = True

    previous = signal.signal(signal.SIGTERM, on_signal)
    failed = 0
    polled = {"sources": 0, "new": 0}

    def on_poll(result: watching.PollResult) -> None:
        nonlocal failed
        polled["sources"] += 1
        polled["new"] += result.new
        if result.status == "error":
            failed += 1
            err.print(Text(f"{result.source}: error: {result.error}", style="red"))
            return
        for label, problems in (("rejected", result.rejected), ("warning", result.warnings)):
            for problem in problems[:5]:
                err.print(Text(f"{result.source}: {label}: {problem}", style="yellow"))
        if not quiet:
            what = ("not modified" if result.status == "not_modified"
                    else f"{result.new} new, {result.duplicate} duplicate, {len(result.rejected)} rejected")
            out.print(f"{result.source}: {what} (HTTP {result.http_status})")

    # --timeout is the wall-clock deadline of one fetch; a single socket operation gets as long.
    policy = watching.FetchPolicy(timeout=timeout, total_timeout=timeout, max_bytes=max_bytes, retries=retries,
                                  per_host_delay=per_host_delay)
    options = watching.WatchOptions(once=once, force=force, allow_private=allow_private, policy=policy,
                                    parallel=parallel)
    try:
        watching.watch(db_path, path, options, on_poll=on_poll, on_problem=_problem, should_stop=lambda: stop["now"])
    except KeyboardInterrupt:
        err.print("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
    if once and not quiet:
        _said_what_it_did(db_path, path, polled, failed)
    if once and failed:
        raise typer.Exit(1)


def _said_what_it_did(db_path: str, path: str, polled: dict[str, int], failed: int) -> None:
    """``watch --once`` always ends with one line: what it polled, or why it polled nothing."""
    if polled["sources"]:
        out.print(f"one pass: {polled['sources']} source(s) polled, {polled['new']} new article(s)"
                  + (f", {failed} failed" if failed else ""))
        return
    due = sorted((state.next_due, source.name) for source, state in watching.check_sources(db_path, path)
                 if isinstance(source, Source) and state is not None and state.next_due)
    nxt = f"; the next is {due[0][1]} at {due[0][0][:16].replace('T', ' ')} UTC" if due else ""
    out.print(f"nothing due: every source was polled within its interval{nxt} (--force polls them now)")


# -- alerts -------------------------------------------------------------------------------------


@alert_app.command("add")
def alert_add(
    name: Annotated[str, typer.Argument(help="A name for the alert")],
    query: Annotated[str, typer.Argument(help="A search query (the syntax of 'silkwire search')")],
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD)")] = None,
    by: Annotated[str, typer.Option(help="What --since/--until apply to: published or event")] = "published",
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeatable)")] = None,
    country: Annotated[list[str] | None, country_option("About this country, ISO code (repeatable: all)")] = None,
    entity: Annotated[list[str] | None, typer.Option(help="Naming this entity id (repeatable)")] = None,
    place: Annotated[list[str] | None, typer.Option(help="Naming this place (repeatable)")] = None,
    webhook: Annotated[str | None, typer.Option(help="POST new matches (JSON) to this http(s) URL")] = None,
    include_existing: Annotated[bool, typer.Option("--include-existing", help="Also match the articles already "
                                                   "stored (default: only those stored from now on)")] = False,
) -> None:
    """Save a search; 'silkwire alert run' then reports its new matches."""
    try:
        filters = SearchFilters.from_params(since=since, until=until, by=by, sources=source, countries=country,
                                            entities=entity, places=place, names=("--since", "--until", "--by"))
    except QueryError as exc:
        fail(str(exc))
        return
    if not (since or until):
        filters = replace(filters, by="published")
    with service.open_workspace(db or service.default_db_path(), create=True) as ws:
        alert = alerting.add_alert(ws, name, query, filters, webhook, include_existing)
    out.print(f"alert {alert.name} saved" + (f" (webhook {webhook})" if webhook else ""))


@alert_app.command("list")
def alert_list(db: DbOption = None, as_json: JsonFlag = False) -> None:
    """The saved alerts."""
    with service.open_workspace(db or service.default_db_path()) as ws:
        rows = alerting.list_alerts(ws)
    records: list[dict[str, Any]] = [{"name": a.name, "query": a.query, "filters": a.filters, "webhook": a.webhook,
                "created_at": a.created_at, "last_run": a.last_run} for a in rows]
    if as_json:
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    table = Table("name", "query", "filters", "webhook", "last run")
    for r in records:
        filters = " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in r["filters"].items())
        table.add_row(Text(r["name"]), Text(r["query"]), Text(filters), Text(r["webhook"] or ""), r["last_run"] or "")
    out.print(table)


@alert_app.command("remove")
def alert_remove(name: Annotated[str, typer.Argument(help="The alert's name")], db: DbOption = None) -> None:
    """Delete an alert and what it remembers."""
    with service.open_workspace(db or service.default_db_path()) as ws:
        alerting.remove_alert(ws, name)
    out.print(f"alert {name} removed")


@alert_app.command("run")
def alert_run(
    names: Annotated[list[str] | None, typer.Argument(help="Only these alerts [default: all]")] = None,
    db: DbOption = None,
    allow_private: AllowPrivate = False,
) -> None:
    """Print the new matches since the last run as JSON lines; post them to the alert's webhook."""
    with service.open_workspace(db or service.default_db_path()) as ws:
        runs = alerting.run_alerts(ws, names or None, allow_private)
    failed = 0
    for run in runs:
        for match in run.matches:
            sys.stdout.write(json.dumps(match, ensure_ascii=False) + "\n")
        line = f"{run.alert}: {len(run.matches)} new"
        if run.delivered:
            line += f", {run.delivered} delivered to the webhook"
        err.print(line)
        if run.error:
            failed += 1
            err.print(Text(f"{run.alert}: {run.error} ({run.pending} matches will be sent at the next run)",
                           style="red"))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.command(name="watch")(watch)
    app.add_typer(alert_app, name="alert")
