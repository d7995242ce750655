"""Evaluation use case: silkwire's facts scored against gold annotations (ANNOTATION.md)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from silkwire.errors import NotFoundError
from silkwire.ingest import read_paths
from silkwire.model import Article, article_record, enrichment_fields
from silkwire.service.articles import Enricher, default_enricher, show
from silkwire.service.workspace import Workspace


@dataclass
class Evaluation:
    articles: int
    missing: list[dict[str, Any]]  # gold keys with no article
    scores: dict[str, dict[str, float]]  # per field: precision/recall/f1 or accuracy


def evaluate(
    gold_paths: Sequence[str],
    inputs: Sequence[str] = (),
    ws: Workspace | None = None,
    enricher: Enricher | None = None,
) -> Evaluation:
    """Score silkwire's records against gold files (ANNOTATION.md).

    With ``inputs``, the articles are read from them and enriched now (no database); otherwise
    the gold's articles are looked up in the workspace (by id, else by exact title) and their
    stored facts are scored.
    """
    from silkwire.evaluation.events import score_events
    from silkwire.evaluation.facts import gold_key, index_records, read_gold, score
    from silkwire.evaluation.time import score_estimates, score_time

    gold = read_gold(gold_paths)
    records: list[dict[str, Any]] = []
    if inputs:
        articles = [a for a in read_paths(inputs) if isinstance(a, Article)]
        run = enricher or default_enricher()
        records = [{**article_record(a), **enrichment_fields(e)}
                   for a, e in zip(articles, run(articles), strict=True)]
    elif ws is not None:
        for row in gold:
            key = row["key"]
            ids = [key["id"]] if "id" in key else ws.store.ids_by_title(key.get("title", ""))
            for article_id in ids[:1]:
                with contextlib.suppress(NotFoundError):  # a gold row without its article is reported as missing
                    records.append(show(ws, article_id))
    index = index_records(records)
    missing = [row["key"] for row in gold if gold_key(row) not in index]
    scores = {**score(index, gold), **score_time(index, gold, retime=_retime), **score_events(index, gold)}
    if ws is not None and not inputs:  # estimates exist for stored articles only (the whole listing)
        scores.update(score_estimates(index, gold))
    return Evaluation(len(gold) - len(missing), missing, scores)


def _retime(record: Mapping[str, Any], published: str) -> dict[str, str | None]:
    from silkwire.nlp.timefacts import event_fields

    return event_fields(str(record["text"]), published)


def evaluate_stories(ws: Workspace, gold_paths: Sequence[str]) -> dict[str, Any]:
    """B-cubed precision/recall/F1 of the stored stories against gold ``story`` fields.

    Gold rows (the demo/seed gold format) are keyed by exact title or by article id; a ``null``
    story is an article alone. Rows without a ``story`` field, or without a stored article, are
    not scored (``missing`` lists the latter).
    """
    import json

    from silkwire.evaluation.bcubed import bcubed

    gold: dict[str, Any] = {}
    predicted: dict[str, Any] = {}
    missing: list[dict[str, Any]] = []
    for path in gold_paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                if "story" not in row:
                    continue
                key = row["key"]
                ids = [key["id"]] if "id" in key else ws.store.ids_by_title(key.get("title", ""))
                if not ids:
                    missing.append(key)
                    continue
                for article_id in ids[:1]:
                    gold[article_id] = row["story"]
                    # a story of one is "alone" on the predicted side too
                    predicted[article_id] = ws.store.story_of(ws.store.rowid_of(article_id))
    sizes: dict[Any, int] = {}
    for sid in predicted.values():
        sizes[sid] = sizes.get(sid, 0) + 1
    predicted = {k: (v if v is not None and sizes[v] > 1 else None) for k, v in predicted.items()}
    return {**bcubed(predicted, gold), "missing": missing}
