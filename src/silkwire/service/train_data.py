"""The training data of the event and topic models (service/train.py): the annotated OrangeSum
items and the demo gold read through the pipeline with the rules deciding (their trigger hits, cue
scores and countries are features: nlp/features.py), and the scikit-learn matrices of their
features. The ``test`` split and the seed listing are never read here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from silkwire.evaluation import orangesum
from silkwire.model import Article, Topic
from silkwire.nlp import decide
from silkwire.nlp.features import Parts, Signals, parts


@dataclass
class Example:
    article: Article
    split: str  # train | dev | demo
    events: tuple[str, ...]  # the acceptable main event types ("none": no event)
    topic: str  # the primary topic
    signals: Signals
    parts: Parts
    rule_confidence: float = 0.0  # the confidence of the rules' main event (nlp/events.py)
    rule_topic: Topic | None = None  # the cue lexicon's primary topic
    cats: np.ndarray | None = None
    other_topics: tuple[str, ...] = ()  # the gold's other topics


def lexicon() -> Any:
    from silkwire.nlp.spacy_model import lexicon

    return lexicon()


def read(items: Sequence[tuple[Article, str, tuple[str, ...], str, tuple[str, ...]]],
         parse: bool = False, follow_modals: bool = False) -> list[Example]:
    """(article, split, acceptable event types, topic, other topics), with what the rules find in
    each (step 2); ``parse``: also the parse features of its title's predicate
    (nlp/predicate_features.py: one more parse pass over the items; ``follow_modals``: from a
    modal or support verb to its infinitive)."""
    from silkwire.nlp import predicate_features
    from silkwire.nlp.events import load_lexicon
    from silkwire.nlp.kb import load_kb
    from silkwire.nlp.parsing import Parses, with_parses
    from silkwire.nlp.pipeline import enrich
    from silkwire.nlp.topics import from_scores, raw_scores

    articles = [i[0] for i in items]
    parsed: Iterable[tuple[Article, Parses]] = (
        with_parses(articles, lambda a: a.text, load_lexicon(*load_kb().event_lexicons)) if parse
        else ((a, {}) for a in articles))
    lemma = lexicon().lemma if parse else None
    out = []
    for (article, split, events, topic, other), e, (_, parses) in zip(items, enrich(articles, mode="rules"), parsed,
                                                                       strict=True):
        scores = raw_scores(article.text)
        p = parts(article.text)
        pred = None
        if parse:
            triggers = tuple((ev.type, ev.trigger[0]) for ev in e.events or ())
            pred = predicate_features.read(parses, p.spans, e.countries or (), e.entities or (), triggers, lemma,
                                           follow_modals)
        sig = decide.signals(e.events or (), scores, e.countries or (), pred)
        out.append(Example(article, split, events, topic, sig, p,
                           e.events[0].confidence if e.events else 0.0, from_scores(scores)[0],
                           other_topics=other))
    return out


def prepare(root: Path, data: Path | None, splits: Sequence[str], parse: bool = False,
            follow_modals: bool = False) -> list[Example]:
    """The annotated OrangeSum items of ``splits``, read by the rules (``parse``, ``follow_modals``:
    ``read``)."""
    return read([(a, g.split, (g.event,), g.topic, g.topics) for g, a in orangesum.load(root, splits, data)], parse,
                follow_modals)


def prepare_demo(parse: bool = False, follow_modals: bool = False) -> list[Example]:
    """The demo gold, read by the rules: the constraint of step 4 (module doc)."""
    from silkwire.service.evaluate import event_sets

    demo = event_sets(Path("."), ("demo",))["demo"]
    return read([(a, "demo", g.events, g.topic or "", ()) for a, g in demo], parse, follow_modals)


def inputs(meta: Mapping[str, Any], examples: Sequence[Example],
           words: Any) -> tuple[list[dict[str, float]], list[np.ndarray | None]]:
    rows = [decide.inputs(meta, x.article.text, x.signals, x.parts, words, x.cats) for x in examples]
    return [r[0] for r in rows], [r[1] for r in rows]


def matrix(rows: Sequence[Mapping[str, float]], dense: Sequence[np.ndarray | None],
           index: Mapping[str, int]) -> Any:
    """The scikit-learn input: sparse features (``index`` order) then the dense blocks."""
    import scipy.sparse as sp

    r, c, v = [], [], []
    for i, row in enumerate(rows):
        for name, value in row.items():
            j = index.get(name)
            if j is not None:
                r.append(i)
                c.append(j)
                v.append(value)
    x = sp.csr_matrix((np.asarray(v, dtype=np.float64), (np.asarray(r, dtype=np.int32), np.asarray(c, dtype=np.int32))),
                      shape=(len(rows), len(index)))
    if dense and dense[0] is not None:
        x = sp.hstack([x, sp.csr_matrix(np.vstack([d for d in dense if d is not None]))]).tocsr()
    x.indices = x.indices.astype(np.int32)  # scikit-learn's liblinear/lbfgs want 32-bit indices
    x.indptr = x.indptr.astype(np.int32)
    return x


def vocabulary(rows: Sequence[Mapping[str, float]], min_df: int) -> dict[str, int]:
    df: dict[str, int] = {}
    for row in rows:
        for name in row:
            df[name] = df.get(name, 0) + 1
    return {name: i for i, name in enumerate(sorted(n for n, c in df.items() if c >= min_df))}



def label(name: str, x: Example) -> str:
    return x.events[0] if name == "events" else x.topic
