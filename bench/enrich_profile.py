"""Where one worker's enrichment time goes: spaCy's components and silkwire's own enrichers.

    python bench/enrich_profile.py [--items 2000] [--data corpus.jsonl]

Items: OrangeSum title + lead as ingest stores them (``bench/scale_corpus.py`` copy 0, the
corpus as it is), read by ``silkwire.ingest.read_paths``. One process, after a warm-up:

- the NER pipeline as the enrichment runs it (``spacy_model.load``: ner only), timed per step:
  tokenizer, then each enabled component over the same docs;
- the parse pipeline (``spacy_model.load_parser``: tok2vec, morphologizer, parser) on the
  sentences the enrichment parses (``parsing.event_sentences``: the sentences that hold a
  trigger, and the title's others where the enrichment parsed them on demand), timed per step,
  and how many sentences and characters that is against all;
- the whole ``pipeline.enrich`` with every enricher of ``ENRICHERS`` timed apart (a wrapper
  around each ``run``), the NER and parse stages timed as the remainder; inside ``model_view``,
  the models' inputs timed apart (wrappers in nlp/decide.py's namespace): the article's parts
  (``features.parts``), the word-level features (``part_features``, computed once for the
  category and event models), the whole sparse features (``features``: the word features and
  the rule, country features), the mean word vectors (``dense``), each model's probabilities;
- the garbage collector's time during the whole run (``gc.callbacks``).

Shares are of the whole ``enrich`` time. Absolute times depend on the machine's load (printed).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.nlp import classifier, decide, pipeline
from silkwire.nlp.enricher import Enricher
from silkwire.nlp.events import load_lexicon, split_sentences
from silkwire.nlp.kb import load_kb
from silkwire.nlp.parsing import event_sentences, title_sentences
from silkwire.nlp.spacy_model import _segments, load, load_parser
from silkwire.textnorm import normalize

ROOT = Path(__file__).resolve().parents[1]


def articles(path: Path | None, n: int) -> list[Article]:
    if path is None:
        path = Path(tempfile.mkdtemp()) / "items.jsonl"
        subprocess.run([sys.executable, str(ROOT / "bench" / "scale_corpus.py"), "--articles", str(n),
                        "--dups", "0", "--out", str(path)], check=True, capture_output=True)
    return [a for a in read_paths([str(path)]) if isinstance(a, Article)][:n]


def component_times(nlp: Any, texts: list[str], batch: int = 64) -> dict[str, float]:
    """Seconds per step of ``nlp`` over ``texts``: the tokenizer, then each enabled component."""
    out: dict[str, float] = {}
    t0 = time.process_time()
    docs = [nlp.make_doc(t) for t in texts]
    out["tokenizer"] = time.process_time() - t0
    for name, proc in nlp.pipeline:
        t0 = time.process_time()
        docs = list(proc.pipe(docs, batch_size=batch)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        out[name] = time.process_time() - t0
    return out


def timed_enrichers(times: dict[str, float]) -> tuple[Enricher, ...]:
    def wrap(e: Enricher) -> Enricher:
        def run(ctx: Any) -> Any:
            t0 = time.process_time()
            try:
                return e.run(ctx)
            finally:
                times[e.name] += time.process_time() - t0
        return Enricher(e.name, e.needs, run)
    return tuple(wrap(e) for e in pipeline.ENRICHERS)


def timed_model_inputs(times: dict[str, float]) -> list[tuple[Any, str, Any]]:
    """Wrap the model-input steps nlp/decide.py calls (module doc); returns what to restore."""
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, key: str) -> None:
        f = getattr(owner, name)

        def run(*a: Any, **kw: Any) -> Any:
            t0 = time.process_time()
            try:
                return f(*a, **kw)
            finally:
                times[key] += time.process_time() - t0
        saved.append((owner, name, f))
        setattr(owner, name, run)

    for name in ("parts", "part_features", "features", "dense"):
        if hasattr(decide, name):  # part_features: this branch's; main computes them in features
            wrap(decide, name, f"model inputs: {name}")
    proba = classifier.LinearModel.proba

    def timed_proba(self: Any, *a: Any) -> Any:
        t0 = time.process_time()
        try:
            return proba(self, *a)
        finally:
            times[f"model probabilities: {self.name}"] += time.process_time() - t0
    saved.append((classifier.LinearModel, "proba", proba))
    classifier.LinearModel.proba = timed_proba  # type: ignore[method-assign]
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=None, help="a JSONL of records (default: OrangeSum copy 0)")
    args = parser.parse_args()
    items = articles(args.data, args.items)
    n = len(items)
    list(pipeline.enrich(items[:30]))  # warm-up: models, lexicons, knowledge base
    load1 = os.getloadavg()[0]

    # the whole enrichment, each enricher timed apart
    times: dict[str, float] = defaultdict(float)
    saved, saved_titles = pipeline.ENRICHERS, pipeline.with_titles
    pipeline.ENRICHERS = timed_enrichers(times)
    demand: list[Article] = []  # the articles whose title the enrichment parsed on demand

    def with_titles(text: str, parses: Any, **kw: Any) -> Any:
        out = saved_titles(text, parses, **kw)
        if len(out) > len(parses):
            demand.append(next(a for a in items if a.text == text))
        return out

    pipeline.with_titles = with_titles
    inputs: dict[str, float] = defaultdict(float)
    restore = timed_model_inputs(inputs)
    collecting = [0.0, 0.0]  # start, total

    def on_gc(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            collecting[0] = time.process_time()
        else:
            collecting[1] += time.process_time() - collecting[0]

    gc.callbacks.append(on_gc)
    try:
        t0, w0 = time.process_time(), time.perf_counter()
        for _ in pipeline.enrich(items):
            pass
        whole, wall = time.process_time() - t0, time.perf_counter() - w0
    finally:
        pipeline.ENRICHERS, pipeline.with_titles = saved, saved_titles
        gc.callbacks.remove(on_gc)
        for owner, name, f in restore:
            setattr(owner, name, f)
    enrichers = sum(times.values())

    # the spaCy parts alone, on the texts the enrichment gives them
    ner_texts = [line for a in items for _, line in _segments(normalize(a.text).text)]
    triggers = load_lexicon(*load_kb().event_lexicons)
    titles_first = pipeline.titles_first()
    parsed = [normalize(a.text[s:e]).text for a in items for s, e in event_sentences(a.text, triggers, titles_first)]
    parsed += [normalize(a.text[s:e]).text for a in demand for s, e in title_sentences(a.text)
               if (s, e) not in event_sentences(a.text, triggers, False)]
    every = [a.text[s:e] for a in items for s, e in split_sentences(a.text)]
    ner = component_times(load(), ner_texts)
    parse = component_times(load_parser(), parsed)
    spacy_total = sum(ner.values()) + sum(parse.values())

    print(f"{n} items (OrangeSum title + lead); load average {load1:.2f} -> {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} cores")
    print(f"whole enrich: {whole:.2f} s CPU ({1000 * whole / n:.2f} ms/article, {n / wall:.0f} articles/s wall)")
    print(f"NER pipeline on {len(ner_texts)} lines (title, lead apart):")
    for k, v in ner.items():
        print(f"  {k:22s} {v:7.2f} s  {100 * v / whole:5.1f}%")
    print(f"parse pipeline on {len(parsed)} event sentences of {len(every)} (titles of {len(demand)} on demand) "
          f"({sum(len(s) for s in parsed)} of {sum(len(s) for s in every)} characters):")
    for k, v in parse.items():
        print(f"  {k:22s} {v:7.2f} s  {100 * v / whole:5.1f}%")
    print("silkwire's enrichers:")
    for k, v in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"  {k:22s} {v:7.2f} s  {100 * v / whole:5.1f}%")
    print("inside model_view (features inside the parts' and the word features' times):")
    for k, v in sorted(inputs.items()):
        print(f"  {k:36s} {v:7.2f} s  {100 * v / whole:5.1f}%  ({1000 * v / n:.3f} ms/article)")
    print(f"garbage collector (during the whole run) {collecting[1]:.2f} s {100 * collecting[1] / whole:.1f}%")
    rest = whole - enrichers - spacy_total
    print(f"spaCy (timed alone) {spacy_total:.2f} s {100 * spacy_total / whole:.1f}%; enrichers {enrichers:.2f} s "
          f"{100 * enrichers / whole:.1f}%; the rest (normalising, offsets, sentence split, batching) "
          f"{rest:.2f} s {100 * rest / whole:.1f}%")


if __name__ == "__main__":
    main()
