"""The title's sentences without a trigger are parsed on demand (nlp/parsing.py, nlp/pipeline.py):
fewer sentences parsed, the same records as parsing every title up front."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from silkwire.model import Article, enrichment_fields
from silkwire.nlp import parsing, pipeline


def test_event_sentences_leave_out_a_title_without_trigger_only_when_asked() -> None:
    text = "Le temps qu'il fait\n\nLe Kazakhstan signe un accord avec la Chine. Il pleut."
    with_title = parsing.event_sentences(text)
    without = parsing.event_sentences(text, titles=False)
    assert with_title[0] == (0, len("Le temps qu'il fait"))
    assert with_title[1:] == without
    assert without and all(s[0] > text.find("\n\n") for s in without)
    assert parsing.title_sentences(text) == [with_title[0]]
    assert parsing.title_sentences("Un titre seul, sans corps") == []


ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"


@pytest.mark.slow
def test_titles_parsed_on_demand_give_the_records_of_titles_parsed_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """On 400 OrangeSum train items (title + lead): on the demo every main event is a lexicon
    hit, so no title is parsed on demand there."""
    from silkwire.evaluation.orangesum import read_articles, read_labels

    if not DATA.exists():
        pytest.skip(f"the OrangeSum text is not at {DATA} (../shared/data is absent)")
    ids = [item.id for item in read_labels(ROOT, ("train",))[:400]]
    found = read_articles(ids, DATA)
    articles: list[Article] = [found[i] for i in ids if i in found]
    parsed: list[int] = []
    real_parse = parsing.run_parse

    def counted(items: Any, **kw: Any) -> Any:
        for out in real_parse(items, **kw):
            parsed.append(1)
            yield out

    monkeypatch.setattr(parsing, "run_parse", counted)
    on_demand: list[int] = []
    real_titles = pipeline.with_titles

    def titles(text: str, parses: Any, **kw: Any) -> Any:
        out = real_titles(text, parses, **kw)
        on_demand.append(len(out) - len(parses))
        return out

    monkeypatch.setattr(pipeline, "with_titles", titles)
    lazy = [enrichment_fields(e) for e in pipeline.enrich(articles)]
    lazy_parsed = len(parsed)
    monkeypatch.setattr(pipeline, "titles_first", lambda probes=(): True)
    parsed.clear()
    eager = [enrichment_fields(e) for e in pipeline.enrich(articles)]
    assert sum(on_demand) > 0  # some main events are the model's: their titles were parsed then
    assert lazy_parsed < len(parsed)
    assert lazy == eager
