"""The OrangeSum event corpus enriched once, with each item's main event also decided by an oracle.

The oracle (nlp/oracle.py, the probe ``silkwire eval --events`` uses too) gives the event layer
the gold's main event type (``none`` included) and lets the rest of the pipeline do its work as
usual. Scoring the dyads of those events separates the actor layer's quality from the event
model's (bench/actors.py, bench/actors_errors.py). Enrichment output is unchanged: the oracle's
events are kept aside, by article id.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from silkwire.model import Article, article_record, enrichment_fields
from silkwire.nlp.oracle import NAME, gold_event
from silkwire.nlp.pipeline import enrich

ROOT = Path(__file__).resolve().parents[1]
ORANGESUM = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
ORANGESUM_GOLD = ROOT / "eval" / "gold" / "orangesum_events.jsonl"


def read_gold() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ORANGESUM_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def orangesum_articles(gold: list[dict[str, Any]]) -> list[Article]:
    sys.path.insert(0, str(ROOT / "tools"))
    from orangesum_show import article_text, load_items  # type: ignore[import-not-found]

    items = load_items([r["id"] for r in gold], ORANGESUM)
    return [Article(r["id"], "orangesum", items[r["id"]]["title"],
                    article_text(items[r["id"]]["title"], items[r["id"]]["heading"]),
                    published=(items[r["id"]]["date"] or "")[:10] or None) for r in gold]


def records_with_oracle(articles: list[Article], kinds: Mapping[str, str]
                        ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(records as enriched, records whose events are the oracle's), by article id."""
    out: dict[str, dict[str, Any]] = {}
    oracle: dict[str, dict[str, Any]] = {}
    for article, enrichment in zip(articles, enrich(articles, probes=(gold_event(kinds),)), strict=True):
        record = {**article_record(article), **enrichment_fields(enrichment)}
        out[article.id] = record
        decided = enrichment.extra.get(NAME)
        shadow = enrichment if decided is None else replace(enrichment, events=tuple(decided))
        oracle[article.id] = {**record, **enrichment_fields(shadow)}
    return out, oracle
