"""The analyst's corrections over HTTP (``silkwire.service.corrections``).

- ``GET /api/corrections`` — the corrections, oldest first (``article``: of one article;
  ``all``: undone ones too);
- ``POST /api/corrections`` — make one (reject/add a fact in an article, merge/rename/identify an
  entity); ``POST /api/corrections/{n}/undo`` — undo one;
- ``GET /api/corrections/gold`` — the corrected articles as gold lines (JSONL) for ``silkwire eval``.

Writing needs the server's write token (the ingest token: ``Authorization: Bearer …``), as
ingest does.
"""

# No "from __future__ import annotations": FastAPI reads the route annotations at run time.
import json
import threading
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from silkwire.api.schemas import ErrorOut
from silkwire.model import Correction
from silkwire.service import corrections
from silkwire.service import evaluate as scoring
from silkwire.service.pool import WorkspacePool


class CorrectionIn(BaseModel):
    action: Literal["reject", "add", "merge", "rename", "wikidata"]
    kind: Literal["country", "entity", "place", "event", "topic", "date", "amount"] = "entity"
    article_id: str | None = Field(None, description="The article (reject, add); none for merge, rename, wikidata")
    fact: dict[str, Any] = Field(description='Which fact (reject: {"code": "KZ"}, {"id": "per:…"}, {"name": …}, '
                                 '{"type": "AGREE", "trigger": [s, e]}, {"span": [s, e]}), the fact to add with its '
                                 '"span", {"id", "into"} (merge), {"id", "name"} (rename), {"id", "wikidata"}')
    author: str = Field(min_length=1, max_length=200, description="Who corrects")
    reason: str | None = Field(None, max_length=2000, description="Why")


class CorrectionOut(BaseModel):
    id: int
    article_id: str | None
    action: str
    kind: str
    fact: dict[str, Any]
    author: str
    reason: str | None
    created_at: str | None
    undone_at: str | None = None
    undone_by: str | None = None


class UndoIn(BaseModel):
    author: str = Field(min_length=1, max_length=200)


_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A correction that cannot apply (no such fact, bad span, code…)"},
    401: {"model": ErrorOut, "description": "No bearer token"},
    403: {"model": ErrorOut, "description": "Writing disabled, or wrong token"},
    404: {"model": ErrorOut, "description": "No such article, entity or correction"},
}


def install_correction_routes(app: FastAPI, pool: WorkspacePool, check_token: Callable[..., None],
                              write_lock: threading.Lock, after_write: Callable[[], None]) -> None:
    @app.get("/api/corrections", response_model=list[CorrectionOut], tags=["corrections"],
             responses={404: {"model": ErrorOut, "description": "No such article"}})
    def list_corrections(
        article: Annotated[str | None, Query(description="Only this article's corrections")] = None,
        all: Annotated[bool, Query(description="Undone corrections too")] = False,
    ) -> list[dict[str, Any]]:
        """The corrections, oldest first: who, when, what, why."""
        with pool.take() as ws:
            return corrections.corrections(ws, article, include_undone=all)

    @app.post("/api/corrections", response_model=CorrectionOut, status_code=201, tags=["corrections"],
              dependencies=[Depends(check_token)], responses=_WRITE_ERRORS)
    def make(body: CorrectionIn) -> dict[str, Any]:
        """Make a correction; it is applied at once and after every re-enrichment."""
        kind = "entity" if body.action in corrections.ENTITY_WIDE else body.kind
        with write_lock, pool.take() as ws:
            done = corrections.correct(ws, Correction(body.action, kind, body.fact, body.author, body.reason,
                                                      body.article_id))
        after_write()
        return corrections.public(done)

    @app.post("/api/corrections/{number}/undo", response_model=CorrectionOut, tags=["corrections"],
              dependencies=[Depends(check_token)], responses=_WRITE_ERRORS)
    def undo(number: int, body: UndoIn) -> dict[str, Any]:
        """Undo a correction (it stays, stamped with who undid it and when)."""
        with write_lock, pool.take() as ws:
            done = corrections.undo(ws, number, body.author)
        after_write()
        return corrections.public(done)

    @app.get("/api/corrections/gold", response_class=Response, tags=["corrections"],
             responses={200: {"description": "JSON Lines, one gold line per corrected article",
                              "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}})
    def gold() -> Response:
        """The corrected articles as gold lines for `silkwire eval` (demo/ANNOTATION.md format)."""
        with pool.take() as ws:
            lines = scoring.gold_from_corrections(ws)
        body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        return Response(body, media_type="application/x-ndjson; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="corrections-gold.jsonl"'})
