"""The OrangeSum event corpus enriched once, with each item's main event also decided by an oracle.

The oracle gives the event layer the gold's main event type (``none`` included) and lets the
rest of the pipeline do its work as usual: the rules' event of that type in the title or the
lead's first sentence with the actors the parse reads, else the event read where the event
model's words weigh most for that type (nlp/decide.py, ``model`` mode with a one-hot reading).
Scoring the dyads of those events separates the actor layer's quality from the event model's
(bench/actors.py, bench/actors_errors.py). Enrichment output is unchanged: the oracle's events
are kept aside, by article id.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from silkwire.model import Article, Enrichment, Event, article_record, enrichment_fields
from silkwire.nlp import classifier, decide, pipeline
from silkwire.nlp.pipeline import enrich

ROOT = Path(__file__).resolve().parents[1]
ORANGESUM = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
ORANGESUM_GOLD = ROOT / "eval" / "gold" / "orangesum_events.jsonl"

_ORACLE: dict[str, list[Event]] = {}


def read_gold() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ORANGESUM_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def orangesum_articles(gold: list[dict[str, Any]]) -> list[Article]:
    sys.path.insert(0, str(ROOT / "tools"))
    from orangesum_show import article_text, load_items  # type: ignore[import-not-found]

    items = load_items([r["id"] for r in gold], ORANGESUM)
    return [Article(r["id"], "orangesum", items[r["id"]]["title"],
                    article_text(items[r["id"]]["title"], items[r["id"]]["heading"]),
                    published=(items[r["id"]]["date"] or "")[:10] or None) for r in gold]


def install_oracle(kinds: Mapping[str, str]) -> None:
    """Add an enricher after ``events`` that decides each listed article's main event as the
    gold's type (module doc) and keeps the result aside."""
    model = classifier.load("events")
    assert model is not None, "the event model is not installed"

    def oracle(ctx: pipeline.Context) -> None:
        kind = kinds.get(ctx.article.id)
        view = ctx.facts["model_view"]
        if kind is None or view is None:
            return
        if kind == decide.NONE or kind not in model.classes:
            _ORACLE[ctx.article.id] = []
            return
        onehot = np.zeros(len(model.classes))
        onehot[model.classes.index(kind)] = 1.0
        _ORACLE[ctx.article.id] = pipeline.events(ctx, replace(view, events=onehot), "model")

    if not any(e.name == "oracle" for e in pipeline.ENRICHERS):
        pipeline.ENRICHERS = (*pipeline.ENRICHERS, pipeline.Enricher("oracle", ("events",), oracle))


def records_with_oracle(articles: list[Article], kinds: Mapping[str, str]
                        ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(records as enriched, records whose events are the oracle's), by article id."""
    install_oracle(kinds)
    out: dict[str, dict[str, Any]] = {}
    oracle: dict[str, dict[str, Any]] = {}
    for article, enrichment in zip(articles, enrich(articles), strict=True):
        record = {**article_record(article), **enrichment_fields(enrichment)}
        out[article.id] = record
        events = _ORACLE.pop(article.id, list(enrichment.events or ()))
        shadow: Enrichment = replace(enrichment, events=tuple(events))
        oracle[article.id] = {**record, **enrichment_fields(shadow)}
    return out, oracle
