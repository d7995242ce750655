"""An oracle for the event layer: each article's main event decided as the gold's type says.

The gold's type (``none`` included) replaces the event model's reading and the rest of the
pipeline does its work as usual: the rules' event of that type in the title or the lead's first
sentence with the actors the parse reads, else the event read where the event model's words
weigh most for that type (nlp/decide.py, ``model`` mode with a one-hot reading). Scoring the
dyads of those events separates the actor layer's quality from the event model's (silkwire eval
--events, service/event_eval.py; bench/actors_errors.py).

:func:`gold_event` is a probe for :func:`silkwire.nlp.pipeline.enrich`: the shipped facts are
unchanged, the oracle's events go to ``Enrichment.extra["gold_event"]`` (None for an article the
gold does not type).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from silkwire.model import Event
from silkwire.nlp import classifier, decide, pipeline

NAME = "gold_event"


def gold_event(kinds: Mapping[str, str]) -> pipeline.Enricher:
    """A probe deciding the main event of each article of ``kinds`` (id -> gold type) as that type."""
    model = classifier.load("events")

    def run(ctx: pipeline.Context) -> list[Event] | None:
        kind = kinds.get(ctx.article.id)
        view = ctx.facts["model_view"]
        if kind is None or view is None or model is None:
            return None  # no gold type, or no event model: nothing to decide
        if kind == decide.NONE or kind not in model.classes:
            return []
        onehot = np.zeros(len(model.classes))
        onehot[model.classes.index(kind)] = 1.0
        return pipeline.events(ctx, replace(view, events=onehot), "model")

    return pipeline.Enricher(NAME, ("events",), run)
