"""Training use case: the actor role scorer (nlp/actor_scorer.py), a step of ``silkwire train``.

The country candidates of each annotated train + dev item's main event (the pipeline as shipped,
end to end, the rules' sides as features), labelled from the gold (source, target, neither), fit
a logistic regression (service/train.py's ``fit``: seeded, the weights rounded as they ship),
written to ``nlp/models/actors.npz`` with the decision mode in its meta. The test and test2
splits are never read.

The recipe switch is ``SCORER_META["mode"]``: "rules", the shipped setting, trains nothing and
writes no file, so the rules decide the sides. Measured by 5-fold cross-validation on train + dev
(bench/actor_scorer_cv.py, docs/benchmarks/actors.md): the scorer alone (C 0.1) lifts OrangeSum's
ordered dyads 0.417 -> 0.455 but takes the demo gold from 0.941 to 0.545 (floor 0.90); the modes
that keep the demo (fill or prune at a 0.9 floor) change OrangeSum by +0.000-0.002. Flip it to
"scorer", "party", "fill" or "prune" (and ``floor``) to ship one after measuring again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from silkwire.nlp.classifier import LinearModel

SCORER_META: dict[str, Any] = {"C": 0.1, "min_df": 2, "mode": "rules", "floor": 0.5}


def label(event: str, source: Sequence[str], target: Sequence[str], code: str) -> str:
    """A candidate's gold role: source, target or neither (no event: neither)."""
    if event == "none":
        return "neither"
    return "source" if code in source else "target" if code in target else "neither"


SEED = 13  # service/train.py's


def fit_scorer(examples: Sequence[tuple[Sequence[str], str]], c: float | None = None,
               meta: Mapping[str, Any] | None = None) -> LinearModel:
    """A scorer from (feature names, label) pairs: logistic regression as service/train.py fits
    the event model (seeded; the weights rounded to float16 as they ship)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from silkwire.service.train_data import matrix, vocabulary

    settings = {**SCORER_META, **(meta or {}), **({"C": c} if c is not None else {})}
    rows: list[Mapping[str, float]] = [{f: 1.0 for f in feats} for feats, _ in examples]
    index = vocabulary(rows, int(settings["min_df"]))
    est = LogisticRegression(C=float(settings["C"]), max_iter=5000, random_state=SEED)
    est.fit(matrix(rows, [None] * len(rows), index), np.asarray([lab for _, lab in examples]))
    weights = np.asarray(est.coef_, dtype=np.float32).T.astype(np.float16).astype(np.float32)
    return LinearModel("actors", tuple(str(x) for x in est.classes_), index, weights,
                       np.asarray(est.intercept_, dtype=np.float32), dict(settings))


def candidate_probe() -> Any:
    """A pipeline probe (nlp/pipeline.py ``enrich(probes=...)``): the main event's type, rules'
    sides and country candidates, or None when the article has no main event."""
    from silkwire.nlp import actor_scorer, pipeline

    def run(ctx: pipeline.Context) -> dict[str, Any] | None:
        events = pipeline.events(ctx, scorer=False)
        if not events:
            return None
        main = events[0]
        places, _ = ctx.facts["places"]
        found = actor_scorer.article_candidates(ctx.article, main, ctx.facts["countries"], ctx.facts["entities"],
                                                places, ctx.kb, ctx.parses)
        return {"type": main.type, "source": list(main.source), "target": list(main.target),
                "trigger": list(main.trigger), "cands": [[c.code, sorted(c.features)] for c in found]}

    return pipeline.Enricher("actor_candidates", ("events",), run)


def step(root: Path, data: Path | None, out: Path, log: Callable[[str], None] = lambda _m: None) -> dict[str, int]:
    """The recipe's actor step (module doc): {path: bytes} of the file written, {} when off."""
    if SCORER_META["mode"] == "rules":
        log("actor scorer: off (the rules decide the sides; service/train_actors.py)")
        return {}
    from silkwire.evaluation import orangesum
    from silkwire.nlp import classifier
    from silkwire.nlp.pipeline import enrich

    log("actor scorer: the train and dev items' country candidates, through the pipeline")
    pairs = list(orangesum.load(root, ("train", "dev"), data))
    examples: list[tuple[Sequence[str], str]] = []
    for (gold, _), e in zip(pairs, enrich([a for _, a in pairs], probes=(candidate_probe(),)), strict=True):
        main = e.extra["actor_candidates"]
        for code, feats in (main or {}).get("cands", []):
            examples.append((feats, label(gold.event, gold.source, gold.target, code)))
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one thread: the same floating-point sums on every machine (service/train.py)
        model = fit_scorer(examples, meta={"trained_on": f"OrangeSum train + dev ({len(pairs)} items, "
                                                         f"{len(examples)} candidates)"})
    path = out / "actors.npz"
    classifier.save(model, path)
    classifier.load.cache_clear()
    return {str(path): path.stat().st_size}
