"""The OrangeSum entity check (docs/annotation-entities.md, silkwire.evaluation.ner): silkwire's
relaxed F1 per type on the dev and the test items against the ``orangesum_ner_<split>`` tables of
eval/floors.toml (bench/entities_orangesum.py prints the same figures beside the bare model's).
The text is read from ../shared/data: without it the test skips."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from silkwire.evaluation import ner

ROOT = Path(__file__).resolve().parents[2]
FLOORS = tomllib.loads((ROOT / "eval" / "floors.toml").read_text(encoding="utf-8"))
DATA = ROOT.parent / "shared" / "data" / "orangesum" / "orangesum.jsonl.gz"
SPLITS = ("dev", "test")


def test_every_split_has_its_floors() -> None:
    for split in SPLITS:
        assert set(FLOORS[f"orangesum_ner_{split}"]) == {"per", "loc", "org"}


@pytest.mark.slow
@pytest.mark.parametrize("split", SPLITS)
def test_entities_on_orangesum_meet_the_floors(split: str) -> None:
    pytest.importorskip("spacy")
    if not DATA.exists():
        pytest.skip(f"the OrangeSum text is not at {DATA} (../shared/data is absent)")
    from silkwire.evaluation.orangesum import read_articles
    from silkwire.nlp.kb import load_kb
    from silkwire.nlp.pipeline import enrich
    from silkwire.nlp.textmatch import fold_same_length

    rows, gold = ner.load_gold(ROOT / ner.GOLD_DIR)
    ids = [r["id"] for r in rows if r["split"] == split and r["id"] in gold]
    if not ids:
        pytest.skip(f"no OrangeSum entity labels for {split} in {ner.GOLD_DIR}")
    articles = read_articles(ids, DATA)
    items = [articles[i] for i in ids if i in articles]
    kb = load_kb()
    places = {fold_same_length(n) for c in kb.countries.values() for n in (c.name, *c.aliases, *c.capitals)}
    pairs = []
    for article, enrichment in zip(items, enrich(items, model="md"), strict=True):
        title = article.title or ""
        located = ner.locate(article.text, ner.sentence_spans(title, article.text[len(title) + 2:]), gold[article.id])
        pairs.append((located, ner.enrichment_mentions(article.text, enrichment, places, fold_same_length)))
    got = ner.score(pairs)["relaxed"]
    below = {t: (round(got[t.upper()]["f1"], 3), v) for t, v in FLOORS[f"orangesum_ner_{split}"].items()
             if got[t.upper()]["f1"] < v}
    assert not below, f"{split}: relaxed F1 below the floor (measured, floor): {below}"
