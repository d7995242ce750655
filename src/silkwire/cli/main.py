"""The ``silkwire`` command line: the core commands (ingest, search, enrich, show, entities, stats,
extract, demo, serve); the other groups live in their own modules and join the app here.

Exit codes: 0 success; 1 the command ran but some input was rejected (the rest went in);
2 the command could not run (bad query, missing database, bad option).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from silkwire.cli import correct as cli_correct
from silkwire.cli import evaluate as cli_eval
from silkwire.cli import export as cli_export
from silkwire.cli import relations as cli_analysis
from silkwire.cli import stories as cli_stories
from silkwire.cli import train as cli_train
from silkwire.cli import watch as cli_watch
from silkwire.cli.common import (
    DbOption,
    InputFormat,
    JsonFlag,
    KbOption,
    SourceOption,
    app,
    country_option,
    err,
    fail,
    open_db,
    out,
    parse_input_format,
    print_problems,
    progress,
    published_text,
    whole_ids,
)
from silkwire.errors import InputError, QueryError, SilkwireError
from silkwire.ingest.limits import DEFAULT_LIMITS, Limits
from silkwire.model import SearchFilters
from silkwire.service import articles as service


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, http(s) URLs; - for stdin")],
    db: DbOption = None,
    input_format: InputFormat = "auto",
    source: SourceOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, summary only")] = False,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Let URLs reach private, loopback and "
                                                "link-local addresses (refused by default)")] = False,
    max_line_bytes: Annotated[int, typer.Option(min=1, help="Longest line read (bytes); a longer one is "
                                                "rejected")] = DEFAULT_LIMITS.max_line_bytes,
    max_article_chars: Annotated[int, typer.Option(min=1, help="Longest article text (characters); a longer "
                                                   "one is rejected")] = DEFAULT_LIMITS.max_article_chars,
    max_uncompressed: Annotated[int, typer.Option(min=1, help="Bytes a .gz file may unpack to; reading stops "
                                                  "there")] = DEFAULT_LIMITS.max_uncompressed,
    max_document_bytes: Annotated[int, typer.Option(min=1, help="Largest feed or HTML page file (bytes)")]
    = DEFAULT_LIMITS.max_document_bytes,
) -> None:
    """Read listing pages, JSONL, CSV, RSS/Atom feeds, HTML pages (files or URLs); store their articles.

    Any input streams in bounded memory: an item over a limit is rejected with its file and line."""
    fmt = parse_input_format(input_format)
    limits = Limits(max_line_bytes, max_article_chars, max_uncompressed, max_document_bytes)
    with open_db(db, create=True) as ws, progress("ingest", None, quiet) as advance:
        report = service.ingest(ws, paths, fmt, source, on_batch=lambda r: advance(r.seen),
                                allow_private=allow_private, limits=limits)
    print_problems(report)
    out.print(
        f"{report.new} new, {report.duplicate} duplicate, {len(report.rejected)} rejected"
        + (f", {len(report.warnings)} warnings" if report.warnings else "")
    )
    if report.rejected:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, "phrases", prefix*, AND/OR/NOT, ( )')],
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD)")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeatable)")] = None,
    country: Annotated[list[str] | None, country_option("About this country, ISO code (repeatable: all)")] = None,
    entity: Annotated[list[str] | None, typer.Option(help="Naming this entity id, e.g. per:… (repeatable)")] = None,
    place: Annotated[list[str] | None, typer.Option(help="Articles naming this place (repeatable)")] = None,
    event: Annotated[list[str] | None, typer.Option(help="With an event of this PLOVER type, e.g. AGREE "
                                                    "(repeatable: all)")] = None,
    topic: Annotated[list[str] | None, typer.Option(help="On this IPTC topic, e.g. medtop:04000000 "
                                                    "(repeatable: all)")] = None,
    by: Annotated[str, typer.Option(help="What --since/--until apply to: published or event (date)")] = "published",
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Number of results")] = 10,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many results")] = 0,
    duplicates: Annotated[bool, typer.Option("--duplicates", help="Show every copy (default: each "
                                             "duplicate group once)")] = False,
    as_json: JsonFlag = False,
) -> None:
    """French full-text search: accents, plurals and apostrophes do not get in the way."""

    try:
        filters = SearchFilters.from_params(since=since, until=until, by=by, sources=source, countries=country,
                                            entities=entity, places=place, events=event, topics=topic,
                                            names=("--since", "--until", "--by"))
    except QueryError as exc:
        fail(str(exc))
        return
    with open_db(db) as ws:
        result = service.search(ws, query, filters, limit, offset, duplicates=duplicates)
    if as_json:
        payload = {"query": result.query, "total": result.total, "hits": [service.hit_record(h) for h in result.hits]}
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    if not result.hits:
        out.print(f"no results for {query!r}")
        return
    for rank, hit in enumerate(result.hits, start=offset + 1):
        a = hit.article
        title = Text(a.title or "(sans titre)", style="bold")
        for s, e in hit.title_highlights:
            title.stylize("reverse", s, e)
        meta = " · ".join(x for x in (a.source, published_text(a.published or hit.published_estimate,
                                                              a.published is None)) if x)
        out.print(Text(f"{rank}. ") + title + Text(f"  [{a.id}] {meta}", style="dim"))
        snippet = Text(hit.snippet.text)
        for s, e in hit.snippet.highlights:
            snippet.stylize("reverse", s, e)
        out.print(Text("   ") + snippet)
    shown = offset + len(result.hits)
    out.print(Text(f"{offset + 1}–{shown} of {result.total} results", style="dim"))


@app.command()
def enrich(
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for the NLP [default: 1; on Ray, one per CPU of the cluster]", show_default=False)]
    = None,
    kb: KbOption = None,
    engine: Annotated[str, typer.Option(help="Where the NLP runs: local (processes here) or ray (a Ray cluster)")]
    = "local",
    address: Annotated[str | None, typer.Option(
        help="The Ray cluster: auto (this machine's), ray://HOST:10001; none: a local one")] = None,
) -> None:
    """Find the facts (countries, people, places, dates, amounts…) of articles not yet enriched."""
    if engine not in ("local", "ray"):
        fail(f"--engine: expected local or ray, got {engine!r}")
    if address and engine != "ray":
        fail("--address is for --engine ray")
    with open_db(db) as ws, progress("enrich", service.pending_enrichment(ws)) as advance:
        if engine == "ray":
            from silkwire.service.distributed import enrich_on_ray

            report = enrich_on_ray(ws, address, workers, kb_paths=kb or (),
                                   on_batch=lambda r, _: advance(r.enriched))
        else:
            enricher = service.default_enricher(workers or 1, kb or ())
            try:
                report = service.enrich(ws, enricher, on_batch=lambda r: advance(r.enriched))
            finally:
                close = getattr(enricher, "close", None)
                if close is not None:
                    close()
    out.print(f"{report.enriched} articles enriched (pipeline {report.version})")


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of it)")],
    db: DbOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Show one article with everything known about it."""
    with open_db(db) as ws:
        record = service.show(ws, article_id)
    if as_json:
        out.print_json(json.dumps(record, ensure_ascii=False))
        return
    table = Table(show_header=False, box=None)
    for key in ("id", "source", "published", "url", "ref", "event_date", "status"):
        if record.get(key) is not None:
            value = published_text(record[key], record.get("published_estimated")) if key == "published" \
                else str(record[key])
            table.add_row(Text(key, style="dim"), Text(value))
    out.print(table)
    out.print(Text(record["text"]))
    _print_facts(record)
    cli_stories.print_links(record)



def _print_facts(record: dict[str, Any]) -> None:
    """The facts of a record, each with the exact text it came from."""
    text = record["text"]
    facts = Table("fact", "value", "evidence", box=None, title="Facts")
    for c in record.get("countries", []):
        facts.add_row("country", c["code"], Text(" | ".join(text[s:e] for s, e in c["spans"])))
    for x in record.get("entities", []):
        facts.add_row(x["type"].lower(), Text(f"{x['name']} ({x['id']})"),
                      Text(" | ".join(text[s:e] for s, e in x["spans"])))
    for p in record.get("places", []):
        facts.add_row("place", Text(f"{p['name']} {p.get('geonameid') or ''}".strip()),
                      Text(" | ".join(text[s:e] for s, e in p["spans"])))
    for d in record.get("dates", []):
        facts.add_row("date", Text(f"{d['value']} ({d['kind']})"), Text(text[d["span"][0]:d["span"][1]]))
    for a in record.get("amounts", []):
        facts.add_row(a["kind"], Text(f"{a['value']:g} {a['unit'] or ''}".strip()),
                      Text(text[a["span"][0]:a["span"][1]]))
    for n, v in enumerate(record.get("events", [])):
        actors = f"{','.join(v['source']) or '?'} -> {','.join(v['target']) or '?'}"
        when = " ".join(x for x in (v.get("date"), v.get("status"), v.get("place")) if x)
        facts.add_row("main event" if n == 0 else "event", Text(f"{v['type']} {actors} {when}".strip()),
                      Text(text[v["evidence"][0]:v["evidence"][1]]))
    for t in record.get("topics", []):
        facts.add_row("topic", Text(f"{t['code']} {t['label']}"), Text(f"score {t['score']:.2f}"))
    if facts.row_count:
        out.print(facts)


@app.command(name="entities")
def list_entities(
    db: DbOption = None,
    type_: Annotated[str | None, typer.Option("--type", help="PER, ORG, LOC or MISC")] = None,
    country: Annotated[str | None, country_option("The entity's country (ISO code)")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """People, organisations and other entities, with the number of articles naming them."""
    if type_ and type_.upper() not in ("PER", "ORG", "LOC", "MISC"):
        fail(f"--type {type_!r}: expected PER, ORG, LOC or MISC")
    with open_db(db) as ws:
        rows = service.entities(ws, type_.upper() if type_ else None, country.upper() if country else None, limit)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("articles", "type", "name", "country", "id")
    for r in rows:
        table.add_row(str(r["articles"]), r["type"], Text(r["name"]), r["country"] or "", Text(r["id"], style="dim"))
    out.print(whole_ids(table, "id"))


@app.command()
def stats(db: DbOption = None, as_json: JsonFlag = False) -> None:
    """What the database holds: articles, sources, dates, size."""
    with open_db(db) as ws:
        data = service.stats(ws)
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(show_header=False, box=None)
    for key, value in data.items():
        if key != "sources":
            table.add_row(Text(key, style="dim"), Text(str(value)))
    out.print(table)
    sources = Table("source", "articles")
    for name, count in data["sources"].items():
        sources.add_row(Text(name), str(count))
    out.print(sources)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs; - for stdin")],
    output_format: Annotated[str, typer.Option("--format", help="Output format: jsonl")] = "jsonl",
    input_format: InputFormat = "auto",
    source: SourceOption = None,
    nlp: Annotated[bool, typer.Option("--nlp/--no-nlp", help="Enrich the records (loads the NLP model)")] = True,
    workers: Annotated[int, typer.Option(min=1, help="Processes for the NLP")] = 1,
    kb: KbOption = None,
) -> None:
    """Print one article record per article, in input order (no database)."""
    if output_format != "jsonl":
        fail(f"--format {output_format!r}: expected jsonl")
    enricher = service.default_enricher(workers, kb or ()) if nlp else None
    rejected = 0
    for item in service.extract(paths, parse_input_format(input_format), source, enricher=enricher):
        if isinstance(item, dict):
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
        else:
            rejected += isinstance(item, InputError)
            err.print(Text(f"{'rejected' if isinstance(item, InputError) else 'warning'}: {item}", style="yellow"))
    if rejected:
        raise typer.Exit(1)


@app.command()
def demo(
    out_path: Annotated[str, typer.Option(
        "--out", help="Database to (re)create: a file, or a postgresql:// URL")] = service.DEMO_DB,
    serve_it: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="Serve the database once built (until Ctrl-C); --no-serve only builds it")] = True,
    host: Annotated[str, typer.Option(help="Address the server listens on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the server listens on")] = 8000,
) -> None:
    """Build a fresh database from the bundled demo corpus, then serve it (web pages + API) until Ctrl-C."""
    report, enriched = service.build_demo(out_path)
    print_problems(report)
    out.print(
        f"Demo database {out_path}: {report.new} articles "
        f"({report.duplicate} duplicate, {len(report.rejected)} rejected), {enriched.enriched} enriched."
    )
    out.print("Try:")
    for example in (
        f'silkwire search "ouzbek" --db {out_path}',
        f'silkwire search "sommet* AND Samarcande" --db {out_path}',
        f'silkwire search "gaz OR pétrole" --since 2025-01-01 --db {out_path}',
        f'silkwire search "visite OR sommet" --by event --since 2025-10-01 --db {out_path}',
        f"silkwire stats --db {out_path}",
    ):
        out.print(f"  {example}")
    if report.rejected:
        raise typer.Exit(1)
    # The README's first line says `./dev demo` serves: it does, with or without a terminal
    # (a script that only wants the database says --no-serve).
    if serve_it:
        from silkwire.api.serve import serve as run

        out.print(f"Web interface: http://{host}:{port}/ (API: http://{host}:{port}/api/openapi.json); "
                  "Ctrl-C stops it.")
        run(host, port, out_path, log_level="warning")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the JSON API (OpenAPI at /api/openapi.json); POST /api/articles needs $SILKWIRE_INGEST_TOKEN."""
    from silkwire.api.serve import serve as run

    run(host, port, db or service.default_db_path())



cli_eval.register(app)
cli_analysis.register(app)
cli_watch.register(app)
cli_export.register(app)
cli_stories.register(app)
cli_correct.register(app)
cli_train.register(app)


def main() -> None:
    """Console entry point: user-facing errors become one clear line, never a traceback."""
    try:
        app()
    except SilkwireError as exc:
        err.print(Text(f"error: {exc}", style="red"))
        sys.exit(2)
