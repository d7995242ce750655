"""The web pages (French, server-rendered Jinja2) on the API's FastAPI app.

``install(app, pool)`` adds the page routes and ``/static``; the app's workspace pool serves
both. Templates autoescape everything (``autoescape=True`` for every template, not by file
suffix), so article text, entity names and query strings always show as text.

Paths are French, as the labels: ``/`` (fil), ``/articles/{id}``, ``/pays``, ``/pays/{code}``,
``/relations``, ``/relations/{a}/{b}``, ``/histoires``, ``/histoires/{id}``, ``/entites``,
``/entites/{id}``, ``/carte``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader

from silkwire.dates import french_range
from silkwire.errors import SilkwireError, StoreError
from silkwire.model import SearchFilters
from silkwire.nlp.kb.files import country_names
from silkwire.service import articles as service
from silkwire.service import entities, explore
from silkwire.service import relations as analysis
from silkwire.service import search as searching
from silkwire.service import stories as storylines
from silkwire.service.pool import WorkspacePool
from silkwire.web import charts, desk, geo, highlight, labels

HERE = Path(__file__).parent
PAGE_SIZE = 20
STORIES_PAGE = 100  # the most recent stories a page lists (the API pages through all)
STORIES_ON_COUNTRY = 8
FACET_TTL = 30.0  # seconds a feed's facet counts may be reused (they cost more than the page itself)
FILTERS = ("country", "entity", "place", "event", "topic", "source")


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(kinds=highlight.KINDS, country_name=explore.country_name, event_label=labels.event_label,
                       event_tone=labels.event_tone, actors=labels.actors, month_label=charts.month_label,
                       day_label=labels.day_label, published_label=labels.published_label, word=labels.word,
                       decimal=labels.decimal, range_label=french_range, form_day=labels.form_day)
    env.filters.update(country_label=explore.country_name, http_url=_http_url)
    return env


def _http_url(url: str | None) -> bool:
    """Only http(s) links: a record's url could be ``javascript:…``, which escaping does not stop."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


class FacetCache:
    """Facet counts per (query, filters), kept ``FACET_TTL`` seconds, at most ``size`` entries."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Any, tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()  # pages render on a thread pool

    def get(self, key: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and now - hit[0] < FACET_TTL:
                self._items.move_to_end(key)
                return hit[1]
        value = compute()  # outside the lock: two threads may both compute a cold entry, never wait
        with self._lock:
            self._items[key] = (now, value)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def install(app: FastAPI, pool: WorkspacePool, token: str | None = None,
            write_lock: threading.Lock | None = None) -> FacetCache:
    """Add the pages to ``app``; returns the facet cache (the API clears it after an ingest).
    ``token``: the server's write token; with one, the article pages have a correction form."""
    env = environment()
    facets_cache = FacetCache()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
        try:
            with pool.take() as ws:
                span = service.published_span(ws)
        except SilkwireError:
            span = (None, None)
        html = env.get_template(template).render(
            request=request, path=request.url.path,
            published_label=lambda value, estimated=False: labels.published_label(value, estimated, span), **context)
        return HTMLResponse(html, status_code=http_status)

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        french = {404: "Page ou objet introuvable", 400: "Requête incorrecte", 503: "Base indisponible"}
        return page(request, "error.html", status, title=french.get(status, "Erreur"), status=status,
                    message=message)

    app.state.web_error_page = error_page  # the app's error handlers answer pages in HTML with it

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def feed(request: Request) -> HTMLResponse:
        params = request.query_params
        q = (params.get("q") or "").strip() or None
        offset = _int(params.get("offset"), 0, 0, 10_000)
        chosen = {k: params.getlist(k) for k in FILTERS}
        error = None
        sort = params.get("sort") if params.get("sort") in ("date", "relevance") else None
        try:
            # The page's date fields take JJ/MM/AAAA as well as ISO (labels.form_date).
            filters = SearchFilters.from_params(
                since=labels.form_date(params.get("since"), "depuis"),
                until=labels.form_date(params.get("until"), "jusqu’au"), sources=chosen["source"],
                countries=chosen["country"], entities=chosen["entity"], places=chosen["place"],
                events=chosen["event"], topics=chosen["topic"], names=("depuis", "jusqu’au", "selon"))
            with pool.take() as ws:
                items, total = _feed_items(ws, q, sort, filters, offset)
                key = (q, filters)
                facets = facets_cache.get(key, lambda: _labelled(explore.facet_counts(ws, q, filters)))
                names = explore.entity_names(ws, chosen["entity"])
        except SilkwireError as exc:
            if isinstance(exc, StoreError):
                raise
            error, items, total, facets, names = str(exc), [], 0, {}, {}
        chosen_labels = {"country": {c: explore.country_name(c.upper()) for c in chosen["country"]},
                         "entity": {i: names.get(i, (i,))[0] for i in chosen["entity"]},
                         "event": {e: labels.event_label(e.upper()) for e in chosen["event"]},
                         "topic": {t: explore.topic_names().get(t, t) for t in chosen["topic"]}}
        return page(request, "feed.html", 400 if error else 200, title="Fil", q=q or "", sort=sort, items=items,
                    total=total,
                    offset=offset, page_size=PAGE_SIZE, facets=facets, chosen=chosen, chosen_labels=chosen_labels,
                    since=params.get("since") or "", until=params.get("until") or "", error=error,
                    toggle=lambda kind, value: _toggle(request, kind, value),
                    page_link=lambda off: _with(request, offset=str(off)))

    def show_article(request: Request, article_id: str, http_status: int = 200, message: str | None = None,
                     form: dict[str, str] | None = None) -> HTMLResponse:
        with pool.take() as ws:
            record = service.show(ws, article_id)
            story = explore.story_summary(ws, record["story"]) if record.get("story") else None
        text, title = record["text"], record.get("title")
        marks = highlight.marks_of(record, explore.country_name, labels.event_label)
        body_start = len(title) + 2 if title and len(text) > len(title) else (len(text) if title else 0)
        title_pieces = highlight.pieces(text, marks, 0, len(title)) if title else []
        body_pieces = highlight.pieces(text, marks, body_start)
        shown = {p.mark.kind for p in title_pieces + body_pieces if p.mark}  # the legend lists what is visible
        return page(request, "article.html", http_status, title=title or "Article sans titre", record=record,
                    title_pieces=title_pieces, body_pieces=body_pieces,
                    legend=sorted(shown, key=list(highlight.KINDS).index),
                    facts=labels.fact_rows(record, explore.country_name), context=highlight.context, story=story,
                    amount_label=highlight.amount_label, can_write=token is not None, message=message,
                    form=form or {}, choices=desk.reject_choices(record, explore.country_name, labels.event_label),
                    kind_labels=desk.KIND_LABELS, action_labels=desk.ACTION_LABELS,
                    event_types=labels.event_labels(), topics=explore.topic_names())

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, article_id: str) -> HTMLResponse:
        return show_article(request, article_id)

    desk.install_desk(app, pool, token, write_lock or threading.Lock(), show_article, page, facets_cache.clear)

    @app.get("/pays", response_class=HTMLResponse, include_in_schema=False)
    def country_index(request: Request) -> HTMLResponse:
        with pool.take() as ws:
            rows = explore.countries(ws)
        return page(request, "countries.html", title="Pays", countries=rows, central=explore.CENTRAL_ASIA)

    @app.get("/pays/{code}", response_class=HTMLResponse, include_in_schema=False)
    def country(request: Request, code: str) -> HTMLResponse:
        with pool.take() as ws:
            data = explore.country_overview(ws, code)
            stories = storylines.stories(ws, country=data["code"])[:STORIES_ON_COUNTRY]
        if "event_months" in data:
            chart = charts.monthly_bars("Événements par mois et par type",
                                        [(r["month"], r["type"], r["events"]) for r in data["event_months"]],
                                        labels.event_labels())
        else:
            chart = charts.monthly_bars("Articles par mois", [(r["month"], "articles", r["articles"])
                                                              for r in data["months"]])
        return page(request, "country.html", title=data["name"], c=data, chart=chart, stories=stories)

    @app.get("/entites", response_class=HTMLResponse, include_in_schema=False)
    def entity_index(request: Request) -> HTMLResponse:
        params = request.query_params
        q = (params.get("q") or "").strip() or None
        type_ = params.get("type") if params.get("type") in explore.ENTITY_TYPES else None
        offset = _int(params.get("offset"), 0, 0, 10_000)
        with pool.take() as ws:
            total, rows = explore.list_entities(ws, q, type_, None, 50, offset)
        return page(request, "entities.html", title="Entités", entities=rows, total=total, q=q or "",
                    type=type_ or "", offset=offset, page_size=50,
                    page_link=lambda off: _with(request, offset=str(off)))

    @app.get("/entites/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity(request: Request, entity_id: str) -> Response:
        with pool.take() as ws:
            moved = entities.current_id(ws, entity_id)  # renamed, or merged into another by an analyst
            if moved is not None:
                return RedirectResponse(f"/entites/{quote(moved)}", status_code=301)
            data = explore.entity_detail(ws, entity_id)
        chart = charts.monthly_bars("Articles par mois", [(r["month"], "articles", r["articles"])
                                                          for r in data["months"]])
        return page(request, "entity.html", title=data["name"], e=data, chart=chart)

    @app.get("/carte", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request) -> HTMLResponse:
        with pool.take() as ws:
            counts = {c["code"]: c["articles"] for c in explore.countries(ws)}
            places = explore.places(ws)
        width, height, shapes, dots = geo.map_svg(counts, places, country_names())
        return page(request, "map.html", title="Carte", width=width, height=height, shapes=shapes, dots=dots,
                    shades=geo.SHADES, peak=max(counts.values(), default=0), origin=geo.boundaries()["origin_fr"],
                    places=places[:40])

    @app.get("/relations", response_class=HTMLResponse, include_in_schema=False)
    def relations(request: Request) -> HTMLResponse:
        since, until = _dates(request)
        with pool.take() as ws:
            matrix = explore.relation_matrix(ws, since, until)
        return page(request, "relations.html", title="Relations", m=matrix, since=since or "", until=until or "",
                    shade=labels.relation_shade)

    @app.get("/relations/{country}/{partner}", response_class=HTMLResponse, include_in_schema=False)
    def relation(request: Request, country: str, partner: str) -> HTMLResponse:
        since, until = _dates(request)
        with pool.take() as ws:
            found = analysis.relations(ws, explore.check_country(country), explore.check_country(partner),
                                       since, until)
        rel = found[0] if found else None
        a, b = country.upper(), partner.upper()
        return page(request, "relation.html", title=f"{explore.country_name(a)} — {explore.country_name(b)}",
                    a=a, b=b, rel=rel, since=since or "", until=until or "")

    @app.get("/histoires", response_class=HTMLResponse, include_in_schema=False)
    def story_index(request: Request) -> HTMLResponse:
        since, until = _dates(request)
        country = (request.query_params.get("country") or "").strip().upper() or None
        with pool.take() as ws:
            if country:
                explore.check_country(country)
            found = storylines.stories(ws, since, until, country)
            choices = [(c["code"], c["name"]) for c in explore.countries(ws)]
        return page(request, "stories.html", title="Histoires", stories=found[:STORIES_PAGE], total=len(found),
                    countries=choices, country=country or "", since=since or "", until=until or "")

    @app.get("/histoires/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        with pool.take() as ws:
            found = storylines.story(ws, story_id)
        return page(request, "story.html", title=found["label"] or found["id"], s=found)

    return facets_cache


def _dates(request: Request) -> tuple[str | None, str | None]:
    params = request.query_params
    return (labels.form_date(params.get("since"), "depuis"), labels.form_date(params.get("until"), "jusqu’au"))


def _labelled(facets: dict[str, Any]) -> dict[str, Any]:
    for f in facets.get("event", ()):
        f["label"] = labels.event_label(f["value"])
    return facets


def _feed_items(ws: service.Workspace, q: str | None, sort: str | None, filters: SearchFilters,
                offset: int) -> tuple[list[dict[str, Any]], int]:
    # Duplicates collapsed: each group of copies shows once, through its earliest article, which
    # says how many copies it has.
    if q is None:
        listing = searching.list_articles(ws, filters, PAGE_SIZE, offset, duplicates=False)
        items = [{**searching.summary(a, listing.estimates.get(a.id)), "snippet_pieces": None}
                 for a in listing.articles]
        return _with_copies(ws, items), listing.total
    search = searching.search_newest_first if sort == "date" else service.search
    result = search(ws, q, filters, PAGE_SIZE, offset)
    items = []
    for hit in result.hits:
        a = hit.article
        items.append({"id": a.id, "source": a.source, "published": a.published or hit.published_estimate,
                      "published_estimated": a.published is None and hit.published_estimate is not None,
                      "title": a.title, "url": a.url,
                      "title_pieces": highlight.search_pieces(a.title or "", hit.title_highlights),
                      "snippet_pieces": highlight.search_pieces(hit.snippet.text, hit.snippet.highlights)})
    return _with_copies(ws, items), result.total


def _with_copies(ws: service.Workspace, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    copies = explore.copies(ws, [i["id"] for i in items])
    return [{**i, "copies": copies.get(i["id"], 0)} for i in items]


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(value))) if value is not None else default
    except ValueError:
        return default


def _with(request: Request, **changes: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, v) for k, v in changes.items() if v]
    return f"{request.url.path}?{urlencode(params)}" if params else request.url.path


def _toggle(request: Request, kind: str, value: str) -> str:
    """The feed's link with this facet value added (or removed, when already chosen), first page."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    if (kind, value) in items:
        items.remove((kind, value))
    else:
        items.append((kind, value))
    return f"/?{urlencode(items)}" if items else "/"
