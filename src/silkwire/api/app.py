"""The REST API: ``create_app(settings)`` builds a FastAPI app over one silkwire database.

No module-level state: everything an app holds (its workspace pool, its write lock) lives in
the ``create_app`` closure, so two apps on two databases can run in one process (the tests do).

Routes (all JSON, schema at ``/api/openapi.json``):
- ``GET /api/articles`` — newest first, or with ``q`` a French full-text search (relevance or
  date order); filters since/until/by/source/country/entity/place/event/topic; limit/offset paging;
- ``GET /api/articles/{id}`` — the article record with its facts and spans;
- ``GET /api/stats`` — what the database holds;
- ``GET /api/export`` — ``silkwire export`` streamed (``export_routes.py``);
- ``POST /api/articles`` — ingest records; 403 unless the server was given an ingest token,
  then 401 without a bearer token and 403 with a wrong one, checked before the body is read
  (``guard.py``, which also caps every body at ``max_body_bytes``: 413 beyond, and sets the
  security headers of every response);
- ``/api/corrections`` — the analyst's corrections (``correction_routes.py``), written with the
  same token.

Errors are ``{"error": message}``: 400 for a bad query or parameter (never a 500), 404 for an
unknown id or path, 503 when the database cannot be read.
"""

# No "from __future__ import annotations": FastAPI reads the route annotations at run time, and
# they refer to this module's closure (settings.max_limit), which strings could not resolve.
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from starlette.routing import Match

from silkwire.api.correction_routes import install_correction_routes
from silkwire.api.explore_routes import install_explore_routes, install_story_routes
from silkwire.api.export_routes import install_export_routes
from silkwire.api.guard import Guard, token_refusal
from silkwire.api.params import Countries, Events, Since, Until
from silkwire.api.schemas import ArticleIn, ArticleList, ArticleRecord, ErrorOut, IngestOut, Stats
from silkwire.errors import NotFoundError, QueryError, SilkwireError, StoreError
from silkwire.model import SearchFilters
from silkwire.service import articles as service
from silkwire.service import search as searching
from silkwire.service.pool import WorkspacePool


@dataclass(frozen=True, slots=True)
class ApiSettings:
    db_path: str
    ingest_token: str | None = None  # None: POST /api/articles is refused (403)
    default_limit: int = 20
    max_limit: int = 100
    max_offset: int = 10_000  # deep pages cost the index O(offset); nobody pages that far by hand
    max_ingest: int = 1000  # records per POST
    max_body_bytes: int = 10_000_000  # a request body (1,000 records of 10 KB); 413 beyond, unread
    pool_size: int = 8  # workspaces = requests that read in parallel
    source: str = "api"  # source of posted records that do not name one
    web: bool = True  # the French web pages (silkwire.web) on the same app, at / ; the JSON stays under /api

    def __post_init__(self) -> None:
        if not 1 <= self.default_limit <= self.max_limit:
            raise ValueError(f"default_limit {self.default_limit}: expected 1..max_limit ({self.max_limit})")
        if self.ingest_token == "":
            raise ValueError("ingest_token: an empty token would let anyone in; use None to disable ingest")


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Malformed query or parameter"},
    503: {"model": ErrorOut, "description": "Database unavailable or busy"},
}


def create_app(settings: ApiSettings) -> FastAPI:
    # Without a token the server is read-only, so a missing database is an error, not a new one.
    pool = WorkspacePool(settings.db_path, settings.pool_size, create=settings.ingest_token is not None)
    write_lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        title="silkwire",
        summary="French news on Central Asia: search and evidence-linked facts",
        version="0.1.0",
        # Swagger UI and ReDoc load their scripts from a CDN: not for an offline tool.
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(Guard, token=settings.ingest_token, max_body=settings.max_body_bytes,
                       needs_token=_needs_token)
    _install_error_handlers(app)
    bearer = HTTPBearer(auto_error=False, description="The ingest token the server was started with")

    # exclude_unset: score and highlights only appear on search hits, absent rather than null.
    @app.get("/api/articles", response_model=ArticleList, response_model_exclude_unset=True, responses=_ERRORS,
             tags=["articles"])
    def list_articles(
        request: Request,
        q: Annotated[str | None, Query(max_length=1000,  # bounds the parse and highlight work
                                       description='Search: words, "phrases", prefix*, AND/OR/NOT, ( )')] = None,
        sort: Annotated[Literal["relevance", "date"] | None,
                        Query(description="Default: relevance with q, date without")] = None,
        since: Since = None,
        until: Until = None,
        by: Annotated[Literal["published", "event"],
                      Query(description="Which date since/until apply to")] = "published",
        source: Annotated[list[str] | None, Query(description="Only these sources (any)")] = None,
        country: Countries = None,
        entity: Annotated[list[str] | None, Query(description="Naming these entity ids (all)")] = None,
        place: Annotated[list[str] | None, Query(description="Naming these places (all)")] = None,
        event: Events = None,
        topic: Annotated[list[str] | None, Query(description="On these IPTC topics, e.g. medtop:04000000 (all)")]
        = None,
        duplicates: Annotated[bool, Query(description="Also list duplicates (by default each group of copies "
                                                      "shows once)")] = False,
        limit: Annotated[int, Query(ge=1, le=settings.max_limit)] = settings.default_limit,
        offset: Annotated[int, Query(ge=0, le=settings.max_offset)] = 0,
    ) -> dict[str, Any]:
        """Articles, newest first; with `q`, those matching a French full-text search. Duplicates collapsed."""
        query = q.strip() if q and q.strip() else None
        order = sort or ("relevance" if query else "date")
        if order == "relevance" and query is None:
            raise QueryError("sort=relevance needs a query q")
        filters = SearchFilters.from_params(
            since=since, until=until, by=by, sources=source, countries=country, entities=entity, places=place,
            events=event, topics=topic,
        )
        with pool.take() as ws:
            if query is None:
                page = searching.list_articles(ws, filters, limit, offset, duplicates)
                total, items = page.total, [searching.summary(a, page.estimates.get(a.id)) for a in page.articles]
            else:
                search = service.search if order == "relevance" else searching.search_newest_first
                result = search(ws, query, filters, limit, offset, duplicates)
                total, items = result.total, [_hit(h, order) for h in result.hits]
        return {
            "query": query, "sort": order, "total": total, "offset": offset, "limit": limit, "items": items,
            "next": _page_link(request, offset + limit) if offset + limit < total else None,
            "prev": _page_link(request, max(0, offset - limit)) if offset > 0 else None,
        }

    @app.get("/api/articles/{article_id}", response_model=ArticleRecord, response_model_exclude_unset=True,
             responses={404: {"model": ErrorOut, "description": "No such article"}, **_ERRORS}, tags=["articles"])
    def get_article(article_id: str) -> dict[str, Any]:
        """One article (id, or a unique prefix of at least 6 characters) with all its facts."""
        with pool.take() as ws:
            return service.show(ws, article_id)

    @app.get("/api/stats", response_model=Stats, responses=_ERRORS, tags=["database"])
    def stats() -> dict[str, Any]:
        """What the database holds: articles, dates, sources, size, index."""
        with pool.take() as ws:
            data = service.stats(ws)
        data.pop("database", None)  # the server's file path is none of the client's business
        return data

    def check_token(request: Request,
                    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        # The guard refused a bad token before the body was read; this check stays for the schema
        # (the route's security scheme) and for an app mounted without the guard.
        refusal = token_refusal(request.headers.get("Authorization"), settings.ingest_token)
        if refusal:
            raise HTTPException(*refusal)

    @app.post("/api/articles", response_model=IngestOut, dependencies=[Depends(check_token)], tags=["articles"],
              responses={401: {"model": ErrorOut, "description": "No bearer token"},
                         403: {"model": ErrorOut, "description": "Ingest disabled, or wrong token"},
                         413: {"model": ErrorOut, "description": "Too many records, or a body over the size "
                                                                 "limit"}, **_ERRORS})
    def post_articles(
        records: ArticleIn | list[ArticleIn],
        source: Annotated[str | None, Query(description="Source of records that do not name one")] = None,
    ) -> dict[str, Any]:
        """Store one record or a list (the JSONL input format). Idempotent; bad records are listed."""
        items = records if isinstance(records, list) else [records]
        if len(items) > settings.max_ingest:
            raise HTTPException(413, f"{len(items)} records: at most {settings.max_ingest} per request")
        plain = [r.model_dump(exclude_none=True) for r in items]
        with write_lock, pool.take() as ws:
            report = service.ingest_records(ws, plain, source or settings.source)
        if facet_cache is not None:
            facet_cache.clear()  # the feed's counts must show the new articles at once
        return {"new": report.new, "duplicate": report.duplicate, "ids": report.ids,
                "rejected": report.rejected, "warnings": report.warnings}

    def clear_facets() -> None:
        if facet_cache is not None:
            facet_cache.clear()  # the feed's counts must show the change at once

    install_correction_routes(app, pool, check_token, write_lock, clear_facets)
    install_explore_routes(app, pool, settings)
    install_story_routes(app, pool, settings)
    install_export_routes(app, pool)
    facet_cache = None
    if settings.web:
        from silkwire import web  # here: an API-only app never loads the templates

        facet_cache = web.install(app, pool, settings.ingest_token, write_lock)
    app.openapi = _openapi_without_422(app)  # type: ignore[method-assign]
    return app


def _needs_token(method: str, path: str) -> bool:
    """The writes of the API: ingest and corrections (the web's correction form carries its token
    in its body, read after the guard's size cap)."""
    return method == "POST" and (path.rstrip("/") == "/api/articles" or path.startswith("/api/corrections"))


def _hit(hit: service.Hit, order: str) -> dict[str, Any]:
    record = service.hit_record(hit)
    record["url"] = hit.article.url
    if order != "relevance":
        del record["score"]  # ranked by date: a BM25 score would suggest otherwise
    return record


def _page_link(request: Request, offset: int) -> str:
    """A relative link (path + query), right behind any proxy, with only the offset changed."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    return f"{request.url.path}?{urlencode([*params, ('offset', str(offset))])}"


# -- errors ---------------------------------------------------------------------------------


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _answer(request: Request, status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """JSON under /api (and without the web pages); elsewhere the web's HTML error page."""
    page = getattr(request.app.state, "web_error_page", None)
    if page is None or request.url.path.startswith("/api"):
        return _error(status, message, headers)
    try:
        response: Response = page(request, status, message)
    except Exception:  # the page itself failed: an error must still get an answer
        return _error(status, message, headers)
    if headers:
        response.headers.update(headers)
    return response


def _install_error_handlers(app: FastAPI) -> None:
    async def silkwire_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, NotFoundError):
            return _answer(request, 404, str(exc))
        if isinstance(exc, StoreError):
            return _answer(request, 503, str(exc))
        return _answer(request, 400, str(exc))  # QueryError, InputError: the request was at fault

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        headers = exc.headers
        if exc.status_code == 405:  # Starlette's Allow names the first route of the path only
            headers = {**(headers or {}), "Allow": ", ".join(_allowed(request))}
        return _answer(request, exc.status_code, str(exc.detail), headers)

    async def validation_error(request: Request, exc: Exception) -> Response:
        # FastAPI answers 422 with pydantic's error list; a client wants one line, and a bad
        # parameter is a plain 400 like a bad query.
        assert isinstance(exc, RequestValidationError)
        return _answer(request, 400, "; ".join(_describe(e) for e in exc.errors()[:5]))

    async def unexpected(request: Request, exc: Exception) -> Response:
        return _answer(request, 500, "internal error: see the server log")

    app.add_exception_handler(SilkwireError, silkwire_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)


def _allowed(request: Request) -> list[str]:
    """Every method some route of this path answers."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _describe(error: Any) -> str:
    loc = [str(p) for p in error.get("loc", ())]
    if loc and loc[0] in ("query", "path"):
        loc = loc[1:]
    where = ".".join(loc) or "request"
    return f"{where}: {error.get('msg', 'invalid')}"


def _openapi_without_422(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The schema minus FastAPI's automatic 422 responses, since validation errors are 400s here."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi
