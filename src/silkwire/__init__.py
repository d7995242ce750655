"""silkwire: an offline, French-native news intelligence engine for Central Asia.

This module is the public Python API: what the ``silkwire`` command does, callable from Python
(a notebook, a script, a pipeline). Open a database, put articles in, enrich them, ask::

    import silkwire

    with silkwire.open("news.db", create=True) as sw:
        sw.ingest(["listing.txt", "https://example.org/feed.xml"])
        sw.enrich()                                   # the NLP pipeline (loads spaCy once)
        for hit in sw.search("gaz ouzbek*", countries="UZ").hits:
            print(hit.article.id, hit.article.title)
        record = sw.show("b9f0bc1d")                  # the article record (docs/formats.md)
        sw.export("uz.parquet", countries="UZ")       # format from the extension

Everything else (``silkwire.service``, ``silkwire.store``, the engines) is internal: its names
and signatures change without notice. Importing ``silkwire`` is cheap: nothing below is imported
until it is used, and spaCy only loads when articles are enriched or extracted with NLP.

Errors are ``silkwire.SilkwireError`` subclasses with a message fit for a user:
``QueryError`` (a malformed query, date or code), ``NotFoundError`` (an unknown id),
``StoreError`` (a database that cannot be opened), ``InputError`` (an input that cannot be read).
Documentation with examples: ``docs/python-api.md``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

# The base layer: small modules that import nothing heavy (no engine, no store, no spaCy).
from silkwire.errors import InputError, InputWarning, NotFoundError, QueryError, SilkwireError, StoreError
from silkwire.python_args import (
    EXTENSIONS,
    ExportFormat,
    ExportWhat,
    PathLike,
    Strings,
    filters,
    input_format,
    many,
    paths,
)

if TYPE_CHECKING:
    from silkwire.model import Article, Enrichment, SearchFilters
    from silkwire.service.articles import Enricher, EnrichReport, IngestReport, RecordsReport
    from silkwire.service.evaluate import Evaluation
    from silkwire.service.export import ExportReport
    from silkwire.service.search import Hit, SearchResult
    from silkwire.service.workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "Article",
    "EnrichReport",
    "Enricher",
    "Enrichment",
    "Evaluation",
    "ExportReport",
    "Hit",
    "IngestReport",
    "InputError",
    "InputWarning",
    "NotFoundError",
    "QueryError",
    "RecordsReport",
    "SearchFilters",
    "SearchResult",
    "Silkwire",
    "SilkwireError",
    "StoreError",
    "__version__",
    "build_demo",
    "demo_files",
    "evaluate",
    "extract",
    "gold_files",
]
# ``silkwire.open`` is public too, but left out of __all__: ``from silkwire import *`` must not
# replace the builtin ``open``.

# The types the methods return, importable from here (``silkwire.SearchResult``) but loaded on
# first use (PEP 562), so that ``import silkwire`` stays cheap.
_LAZY_TYPES = {
    "Article": "silkwire.model",
    "Enrichment": "silkwire.model",
    "SearchFilters": "silkwire.model",
    "EnrichReport": "silkwire.service.articles",
    "Enricher": "silkwire.service.articles",
    "IngestReport": "silkwire.service.articles",
    "RecordsReport": "silkwire.service.articles",
    "Evaluation": "silkwire.service.evaluate",
    "ExportReport": "silkwire.service.export",
    "Hit": "silkwire.service.search",
    "SearchResult": "silkwire.service.search",
}



def __getattr__(name: str) -> Any:
    module = _LAZY_TYPES.get(name)
    if module is None:
        raise AttributeError(f"module 'silkwire' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def open(path: PathLike | None = None, *, create: bool = False) -> Silkwire:
    """Open a silkwire database: ``with silkwire.open("news.db") as sw: ...``.

    ``path``: the SQLite file (its text index lives beside it, in ``PATH.index/``); None means
    ``$SILKWIRE_DB``, else ``./silkwire.db``, as on the command line. ``create``: make the
    database when it does not exist (otherwise a missing file is a ``StoreError``). Opening
    brings the text index up to date after a crash or an upgrade.
    """
    return Silkwire(path, create=create)


class Silkwire:
    """One open silkwire database: the SQLite store and the text index derived from it.

    Make one with ``silkwire.open(path)`` and close it (``close()``, or use it as a context
    manager). One object holds one SQLite connection: use it from one thread at a time, and
    open one per thread or process (many readers, one writer at a time, as SQLite allows).

    Filters. ``search``, ``records`` and ``export`` take the filters of ``silkwire search``
    as keywords: ``since``/``until`` (``YYYY-MM-DD``; ``by="event"`` applies them to the main
    event's date instead of the publication date), and ``sources``, ``countries`` (ISO codes),
    ``entities`` (ids such as ``per:kassym-jomart-tokaiev``), ``places``, ``events`` (PLOVER
    types such as ``AGREE``), ``topics`` (IPTC codes such as ``medtop:04000000``) — each one
    value or several (all must match, except ``sources``: any of them).
    """

    def __init__(self, path: PathLike | None = None, *, create: bool = False) -> None:
        from silkwire.service import articles as service

        self.path = os.fspath(path) if path is not None else service.default_db_path()
        self._ws: Workspace = service.open_workspace(self.path, create=create)

    def __enter__(self) -> Silkwire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<silkwire.Silkwire {self.path!r}>"

    def close(self) -> None:
        """Close the database (uncommitted index writes are rolled back; the store is always
        committed batch by batch)."""
        self._ws.close()

    # -- putting articles in -------------------------------------------------------------------

    def ingest(self, inputs: PathLike | Iterable[PathLike], *, format: str = "auto",
               source: str | None = None, allow_private: bool = False) -> IngestReport:
        """Read files, directories, glob patterns and ``http(s)://`` URLs, and store their articles.

        ``format``: ``auto`` (by extension, or sniffed), ``listing``, ``jsonl``, ``csv``,
        ``feed`` or ``page``. ``source``: the outlet recorded on items that do not name one
        (default: the file name, or the URL's host). URLs go through the safe fetcher, which
        refuses private and loopback addresses unless ``allow_private``.

        Idempotent (the same article twice is stored once, counted in ``duplicate``); bad items
        are listed in ``rejected`` (an ``InputError`` each, with file and line) and the good ones
        still go in. Duplicates across sources are linked, stories updated.
        """
        from silkwire.service.articles import ingest

        return ingest(self._ws, paths(inputs), input_format(format), source, allow_private=allow_private)

    def ingest_records(self, records: Iterable[Mapping[str, Any]], *, source: str = "python") -> RecordsReport:
        """Store articles given as dicts with the fields of the JSONL input (docs/formats.md):
        ``title?``, ``lead`` | ``text`` | ``body``, ``published?`` (ISO date), ``url?``,
        ``source?`` (default ``source``), ``id?`` (kept as ``ref``).

        Returns counts and, per record in order, the id it is stored under (None when the record
        was rejected); ``rejected`` lists ``{"index": i, "error": message}``.
        """
        from silkwire.service.articles import ingest_records

        return ingest_records(self._ws, [dict(r) for r in records], source)

    def enrich(self, *, workers: int = 1, kb: Iterable[PathLike] = (), enricher: Enricher | None = None
               ) -> EnrichReport:
        """Run the NLP pipeline over every article not yet enriched by this pipeline version.

        Incremental (a second call does nothing); one transaction per batch. Then undated
        articles get publication estimates, and stories are updated with the new facts.
        ``workers``: processes for the pipeline. ``kb``: your knowledge-base files or folders,
        merged over the shipped one. ``enricher``: a callable (articles -> one ``Enrichment``
        per article) used instead of the pipeline — your own model, or a test's fake.
        """
        from silkwire.service import articles as service

        run = enricher or service.default_enricher(workers, [os.fspath(p) for p in kb])
        return service.enrich(self._ws, run)

    # -- reading -------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 10, offset: int = 0, duplicates: bool = False,
               since: str | None = None, until: str | None = None, by: str = "published",
               sources: Strings = (), countries: Strings = (), entities: Strings = (), places: Strings = (),
               events: Strings = (), topics: Strings = ()) -> SearchResult:
        """French full-text search, best first (BM25, title words weigh more), with highlights.

        The query syntax of ``silkwire search``: words (any case or accent, French stemming),
        ``"phrases"``, ``prefix*``, ``AND``/``OR``/``NOT`` (also ``OU``, ``SAUF``, ``-word``),
        parentheses. Returns ``SearchResult(query, total, hits)``; each ``Hit`` has the
        ``article`` (``silkwire.Article``), its ``score``, the highlight ``spans`` (offsets into
        ``article.text``) and a ``snippet``. Each group of duplicates shows once unless
        ``duplicates``. Raises ``QueryError`` on a malformed query (with the column).
        """
        from silkwire.service.search import search

        wanted = filters(since, until, by, sources, countries, entities, places, events, topics)
        return search(self._ws, query, wanted, limit, offset, duplicates=duplicates)

    def show(self, article_id: str) -> dict[str, Any]:
        """The article record (``silkwire show --json``): text, facts with their spans,
        ``duplicate_of``, ``story``. ``article_id``: an id or a unique prefix of 6+ characters.
        Raises ``NotFoundError``."""
        from silkwire.service.articles import show

        return show(self._ws, article_id)

    def records(self, query: str | None = None, *, since: str | None = None, until: str | None = None,
                by: str = "published", sources: Strings = (), countries: Strings = (), entities: Strings = (),
                places: Strings = (), events: Strings = (), topics: Strings = ()) -> Iterator[dict[str, Any]]:
        """The records of every matching article (all of them without ``query`` and filters), in
        input order, streamed a batch at a time: ``pandas.DataFrame(sw.records(countries="KZ"))``.
        Duplicates are included (each with its ``duplicate_of``)."""
        from silkwire.service.export import matching_records

        wanted = filters(since, until, by, sources, countries, entities, places, events, topics)
        return matching_records(self._ws, query, wanted)

    def stats(self) -> dict[str, Any]:
        """What the database holds: articles (titled, dated, duplicates), publication range,
        sources, size, and how many articles the text index holds (``indexed``)."""
        from silkwire.service.articles import stats

        return stats(self._ws)

    def entities(self, *, type: str | None = None, country: str | None = None,
                 limit: int = 50) -> list[dict[str, Any]]:
        """People, organisations, places and other entities with the number of (canonical)
        articles naming each, most named first: ``{"id", "type", "name", "country", "articles"}``.
        ``type``: PER, ORG, LOC or MISC; ``country``: the entity's own country."""
        from silkwire.service.articles import entities

        return entities(self._ws, type.upper() if type else None, country.upper() if country else None, limit)

    # -- events, stories -----------------------------------------------------------------------

    def relations(self, country: str, *, partner: str | None = None, since: str | None = None,
                  until: str | None = None, evidence: bool = True) -> list[dict[str, Any]]:
        """A country's partners in events, busiest first (``silkwire relations``): per partner
        the events, cooperative vs conflictual, counts by type and month, planned ones, money,
        the last event and (``evidence``) each event with its sentence. ``since``/``until``
        bound the events' dates."""
        from silkwire.service.relations import relations

        return relations(self._ws, country, partner, since, until, evidence)

    def timeline(self, *, country: str | None = None, entity: str | None = None, events: Strings = (),
                 since: str | None = None, until: str | None = None, sources: Strings = (),
                 limit: int = 50) -> list[dict[str, Any]]:
        """Events in date order (``silkwire timeline``), each with type, actors, date, status,
        place and the sentence that proves it. ``country``: an actor; ``entity``: named in the
        evidence; ``events``: PLOVER types; ``sources``: only those sources' articles."""
        from silkwire.service.relations import timeline

        return timeline(self._ws, country, entity, since, until, many(events), limit, many(sources))

    def stories(self, *, since: str | None = None, until: str | None = None, country: str | None = None,
                min_articles: int = 2) -> list[dict[str, Any]]:
        """Stories (articles about one real-world story) overlapping the period, latest first:
        ``{"id", "label", "first", "last", "articles", "entities", "countries", "follows"}``."""
        from silkwire.dates import parse_day
        from silkwire.service.stories import stories

        return stories(self._ws, parse_day(since, "since"), parse_day(until, "until"),
                       country.upper() if country else None, min_articles)

    def story(self, story_id: str) -> dict[str, Any]:
        """One story: its summary, ``articles_list`` in date order (duplicates marked),
        ``follows`` and ``followed_by``. Raises ``NotFoundError``."""
        from silkwire.service.stories import story

        return story(self._ws, story_id)

    def rebuild_stories(self) -> int:
        """Cluster every article into stories again (``silkwire stories --rebuild``); returns
        how many stories. Not needed in normal use: ingest and enrich keep stories up to date."""
        from silkwire.service.stories import rebuild_stories

        return rebuild_stories(self._ws)

    # -- out -----------------------------------------------------------------------------------

    def export(self, out: PathLike, *, format: ExportFormat | None = None,
               what: ExportWhat = "records", query: str | None = None,
               since: str | None = None, until: str | None = None, by: str = "published",
               sources: Strings = (), countries: Strings = (), entities: Strings = (), places: Strings = (),
               events: Strings = (), topics: Strings = ()) -> ExportReport:
        """Write the matching articles to ``out`` as ``records``, ``events`` or ``entities``
        (``silkwire export``; columns in docs/formats.md). ``format``: jsonl, csv, parquet or
        geojson; by default from the extension of ``out``. The file is replaced atomically, only
        once complete. Returns ``ExportReport(articles, rows, path)``."""
        from silkwire.service import export as exporting

        target = os.fspath(out)
        fmt = format or EXTENSIONS.get(os.path.splitext(target)[1].lower())
        if fmt is None:
            raise QueryError(f"{target}: give format= (jsonl, csv, parquet or geojson) or one of the "
                             f"extensions {', '.join(EXTENSIONS)}")
        exporting.check_format(fmt, what, flag="")
        wanted = filters(since, until, by, sources, countries, entities, places, events, topics)
        return exporting.export(self._ws, fmt, what, query, wanted, target)

    def digest(self, *, country: str | None = None, since: str | None = None, until: str | None = None,
               by: str = "published", sources: Strings = (), format: Literal["md", "html"] = "md",
               base_url: str = "http://127.0.0.1:8000") -> str:
        """A briefing of a period (``silkwire digest``) as Markdown or one self-contained HTML
        page: main stories, key events, new people and organisations, figures. The default
        period is the 7 days up to the newest matching article."""
        from silkwire.service import digest

        wanted = filters(since, until, by, sources, (country,) if country else ())
        if format not in ("md", "html"):
            raise QueryError(f"format {format!r}: expected md or html")
        built = digest.build(self._ws, country, wanted.since, wanted.until, by, base_url, wanted.sources)
        return digest.render(built, format)

    # -- scoring -------------------------------------------------------------------------------

    def evaluate(self, gold: PathLike | Iterable[PathLike]) -> Evaluation:
        """Score the stored facts against gold files (``silkwire eval --db``; format in
        ``src/silkwire/demo/ANNOTATION.md``): per field precision/recall/F1 or accuracy,
        publication-date estimates included. Gold rows are matched by article id or title."""
        from silkwire.service.evaluate import evaluate

        return evaluate(paths(gold), ws=self._ws)

    def evaluate_stories(self, gold: PathLike | Iterable[PathLike]) -> dict[str, Any]:
        """B-cubed precision, recall and F1 of the stored stories against the gold ``story``
        fields (``missing`` lists gold rows without an article)."""
        from silkwire.service.evaluate import evaluate_stories

        return evaluate_stories(self._ws, paths(gold))


# -- without a database ---------------------------------------------------------------------------


def extract(inputs: PathLike | Iterable[PathLike], *, format: str = "auto", source: str | None = None,
            nlp: bool = True, workers: int = 1, kb: Iterable[PathLike] = (),
            enricher: Enricher | None = None) -> Iterator[dict[str, Any] | InputError | InputWarning]:
    """Article records straight from files, in input order, without a database
    (``silkwire extract``). Items that cannot be read come as ``InputError`` (and oddities as
    ``InputWarning``) in their place in the stream, so check ``isinstance(item, dict)``.

    ``nlp=False`` skips the pipeline (and the model load). Publication estimates, duplicates
    and stories need a database: ``extract`` leaves them out.
    """
    from silkwire.service import articles as service

    run = enricher if enricher is not None else (
        service.default_enricher(workers, [os.fspath(p) for p in kb]) if nlp else None)
    return service.extract(paths(inputs), input_format(format), source, run)


def evaluate(gold: PathLike | Iterable[PathLike], inputs: PathLike | Iterable[PathLike],
             *, enricher: Enricher | None = None) -> Evaluation:
    """Enrich ``inputs`` now (no database) and score them against the gold files
    (``silkwire eval --input``). Publication estimates are not scored here: they need the stored
    listing (use ``Silkwire.evaluate``)."""
    from silkwire.service.evaluate import evaluate as score

    return score(paths(gold), paths(inputs), enricher=enricher)


def demo_files() -> list[str]:
    """The bundled demo corpus (listing pages and JSONL of French news on Central Asia)."""
    from silkwire.service.articles import demo_files as files

    return files()


def gold_files() -> list[str]:
    """The demo's gold annotations (for ``evaluate``)."""
    from silkwire.service.articles import gold_files as files

    return files()


def build_demo(path: PathLike = "silkwire-demo.db", *, enricher: Enricher | None = None
               ) -> tuple[IngestReport, EnrichReport]:
    """Build the demo database at ``path`` (replaced if it exists) from the bundled corpus,
    enriched (``silkwire demo --no-serve``). Then ``silkwire.open(path)``."""
    from silkwire.service.articles import build_demo as build

    return build(os.fspath(path), enricher)
