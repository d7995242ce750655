"""Test databases from rows the test owns: a JSONL file ingested, then enriched (usually by a
fake enricher, so no NLP model is loaded)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from silkwire.service import articles as service


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def enriched_db(directory: Path, rows: Iterable[dict[str, Any]], enricher: service.Enricher | None = None,
                name: str = "items") -> str:
    """A database at ``directory/NAME.db`` holding ``rows`` (NAME.jsonl), enriched; its path."""
    items = write_jsonl(directory / f"{name}.jsonl", rows)
    db_path = str(directory / f"{name}.db")
    with service.open_workspace(db_path, create=True) as ws:
        service.ingest(ws, [items])
        service.enrich(ws, enricher=enricher)
    return db_path
