"""``GET /api/export``: ``silkwire export`` over HTTP, streamed.

Same formats, ``what`` and filters as the command (``silkwire.service.export``). Everything that can
be refused (format, what, filters, query) is refused before the first byte, as a JSON 400; the
first chunk is produced before the response starts too, so an error there is still a JSON
answer. The workspace is held by the stream until it ends (or the client leaves): rows are read
and sent a batch at a time, never the whole export in memory.
"""

# No "from __future__ import annotations": FastAPI reads the route annotations at run time.
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query
from fastapi.responses import StreamingResponse

from silkwire.api.explore_routes import Filters
from silkwire.api.schemas import ErrorOut
from silkwire.service import export as exporting
from silkwire.service.pool import WorkspacePool

_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The export, streamed: JSON Lines, CSV (with a header), GeoJSON FeatureCollection or "
                         "Parquet, as a file to save (Content-Disposition)",
          "content": {media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                      for media in exporting.MEDIA_TYPES.values()}},
    400: {"model": ErrorOut, "description": "Unknown format or what, a format that cannot hold it, a bad filter "
                                            "or query"},
    503: {"model": ErrorOut, "description": "Database unavailable or busy"},
}


def install_export_routes(app: FastAPI, pool: WorkspacePool) -> None:
    @app.get("/api/export", response_class=StreamingResponse, responses=_ANSWERS, tags=["articles"])
    def export(
        filters: Filters,
        format: Annotated[Literal["jsonl", "csv", "parquet", "geojson"],
                          Query(description="jsonl, csv, parquet or geojson (places and events)")] = "jsonl",
        what: Annotated[Literal["records", "events", "entities"],
                        Query(description="records (one per article), events or entities")] = "records",
        q: Annotated[str | None, Query(max_length=1000, description="Search query, as for /api/articles: every "
                                                                     "hit is exported")] = None,
    ) -> StreamingResponse:
        """`silkwire export`: the matching articles (all of them, in input order) as records, event rows or
        entity counts, with the filters of `/api/articles`. Duplicates are included, as in the command."""
        exporting.check_format(format, what, flag="")
        exporting.check_filters(filters, flag="")
        query = q.strip() if q and q.strip() else None
        stack = ExitStack()
        try:
            ws = stack.enter_context(pool.take())
            chunks = exporting.export_chunks(ws, format, what, query, filters)
            first = next(chunks)  # a bad query raises here, while a 400 can still be answered
        except BaseException:
            stack.close()
            raise

        def body() -> Iterator[bytes]:
            try:
                yield first
                yield from chunks
            finally:
                chunks.close()
                stack.close()  # the workspace goes back to the pool

        name = f"silkwire-{what}.{exporting.EXTENSIONS[format]}"
        return StreamingResponse(body(), media_type=exporting.MEDIA_TYPES[format],
                                 headers={"Content-Disposition": f'attachment; filename="{name}"'})
