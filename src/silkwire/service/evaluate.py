"""Evaluation use case: silkwire's facts scored against gold annotations (ANNOTATION.md)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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


# -- what happened and what about: rules vs model vs combined (silkwire eval --events) ---------------

EVENT_SETS = ("test", "test2", "dev", "demo", "seed")
SEED_LISTING = ("..", "shared", "data", "seeds", "002_0afaed159990aab2.txt")
SEED_GOLD = ("tests", "gold", "seed-002.jsonl")


@dataclass
class GoldLabels:
    """One article's gold for the event/topic report, whichever gold it comes from."""

    events: tuple[str, ...]  # acceptable main event types ("none" when there is no event)
    topic: str | None  # the primary topic
    topics: tuple[str, ...] = ()  # every gold topic, the primary first


@dataclass
class EventSetReport:
    name: str
    articles: int = 0
    skipped: str | None = None  # why the set could not be scored
    modes: dict[str, dict[str, Any]] = field(default_factory=dict)  # mode -> event / topic / topic_any


def _orangesum_set(root: Path, split: str, data: Path | None) -> list[tuple[Article, GoldLabels]]:
    from silkwire.evaluation import orangesum

    return [(a, GoldLabels((g.event,), g.topic, (g.topic, *g.topics))) for g, a in orangesum.load(root, (split,), data)]


def _gold_set(inputs: Sequence[str], golds: Sequence[str]) -> list[tuple[Article, GoldLabels]]:
    from silkwire.evaluation.facts import gold_key, read_gold

    articles = [a for a in read_paths(inputs) if isinstance(a, Article)]
    by_key = {**{a.title: a for a in articles if a.title}, **{a.id: a for a in articles}}
    out = []
    for row in read_gold(golds):
        article = by_key.get(gold_key(row))
        if article is not None and "event_types" in row:
            topic = row.get("topic")
            out.append((article, GoldLabels(tuple(row["event_types"] or ()) or ("none",), topic,
                                            (topic,) if topic else ())))
    return out


def event_sets(root: Path, names: Sequence[str] = EVENT_SETS, data: Path | None = None) -> dict[str, Any]:
    """name -> [(article, gold)] or the reason it is absent (str), for the event/topic report."""
    from silkwire.evaluation.orangesum import MissingData
    from silkwire.service.articles import demo_files, gold_files

    out: dict[str, Any] = {}
    for name in names:
        if name in ("test", "test2", "dev", "train"):
            try:
                out[name] = _orangesum_set(root, name, data)
            except MissingData as exc:
                out[name] = str(exc)
        elif name == "demo":
            out[name] = _gold_set(demo_files(), gold_files())
        elif name == "seed":
            listing = root.joinpath(*SEED_LISTING)
            out[name] = _gold_set([str(listing)], [str(root.joinpath(*SEED_GOLD))]) if listing.exists() \
                else f"the seed listing is not at {listing} (../shared/data is absent)"
        else:
            raise ValueError(f"unknown set {name!r}: expected {', '.join(EVENT_SETS)}")
    return out


Decisions = Mapping[str, tuple[Sequence[Any], Sequence[Any]]]  # mode -> (events, topics)


def score_decisions(items: Sequence[tuple[Article, GoldLabels]],
                    decisions: Sequence[Decisions]) -> dict[str, dict[str, Any]]:
    """Per mode: main event type and primary topic tables (evaluation/events.py ``label_scores``)
    and ``topic_any``, the share of articles whose primary topic is one of the gold's topics."""
    from silkwire.evaluation.events import gold_label, label_scores

    out: dict[str, dict[str, Any]] = {}
    for mode in decisions[0] if decisions else ():
        event_pairs, topic_pairs, anywhere = [], [], 0
        for (_, gold), decided in zip(items, decisions, strict=True):
            events, topics = decided[mode]
            kind = events[0].type if events else "none"
            event_pairs.append((gold_label(kind, gold.events), kind))
            if gold.topic:
                code = topics[0].code if topics else "none"
                topic_pairs.append((gold.topic, code))
                anywhere += code in gold.topics
        out[mode] = {"event": label_scores(event_pairs), "topic": label_scores(topic_pairs),
                     "topic_any": {"accuracy": anywhere / len(topic_pairs) if topic_pairs else 0.0,
                                   "right": anywhere, "total": len(topic_pairs)}}
    return out


def evaluate_events(root: Path = Path("."), names: Sequence[str] = EVENT_SETS, data: Path | None = None,
                    model: str | None = None) -> list[EventSetReport]:
    """The main event type and the topics of every set, as the rules, the models and the two
    combined decide them, side by side, from one enrichment per set (nlp/decide.py)."""
    from silkwire.nlp.pipeline import enrich
    from silkwire.nlp.spacy_model import DEFAULT_MODEL

    reports = []
    for name, items in event_sets(root, names, data).items():
        report = EventSetReport(name)
        if isinstance(items, str):
            report.skipped = items
        else:
            run = enrich([a for a, _ in items], compare=True, model=model or DEFAULT_MODEL)
            decisions = [e.extra["decisions"] for e in run]
            report.articles = len(items)
            report.modes = score_decisions(items, decisions)
        reports.append(report)
    return reports
