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
from silkwire.service.event_eval import (  # silkwire eval --events lives in service/event_eval.py; re-exported
    EVENT_SETS,
    EventSetReport,
    GoldLabels,
    evaluate_events,
    event_sets,
    score_decisions,
)
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
    from silkwire.evaluation.actors import score_dyads
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
    scores.update(score_dyads(index, gold))  # who did what to whom: ordered and unordered dyads
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


def gold_from_corrections(ws: Workspace) -> list[dict[str, Any]]:
    """The corrected articles as gold lines for ``silkwire eval`` (demo/ANNOTATION.md): what the
    analyst left standing after review, keyed by article id, in the order of the first correction."""
    from silkwire.evaluation.events import event_dyads

    lines = []
    for article_id in ws.store.corrected_article_ids():
        article = ws.store.get(article_id)
        fields = ws.store.enrichment(ws.store.rowid_of(article.id)) or {}
        ents = fields.get("entities") or []
        events = fields.get("events") or []
        topics = fields.get("topics") or []
        lines.append({
            "key": {"id": article.id, **({"title": article.title} if article.title else {})},
            "source_file": article.source, "published": article.published,
            "countries": sorted(c["code"] for c in fields.get("countries") or ()),
            "persons": [e["name"] for e in ents if e["type"] == "PER"],
            "organisations": [e["name"] for e in ents if e["type"] == "ORG"],
            "places": [{"name": p["name"], "country": p.get("country")} for p in fields.get("places") or ()],
            "event_date": fields.get("event_date"), "status": fields.get("status"),
            "amounts": [{"text": a["text"], "value": a["value"], "unit": a["unit"]}
                        for a in fields.get("amounts") or () if a.get("kind") == "money"],
            "topic": topics[0]["code"] if topics else None,
            "event_types": list(dict.fromkeys(v["type"] for v in events)),
            "dyads": sorted([list(d) for d in event_dyads(events[0])]) if events else [],
        })
    return lines


__all__ = [
    "EVENT_SETS",
    "Evaluation",
    "EventSetReport",
    "GoldLabels",
    "evaluate",
    "evaluate_events",
    "evaluate_stories",
    "event_sets",
    "gold_from_corrections",
    "score_decisions",
]
