"""The bundled demo corpus and its gold annotations are complete and consistent."""

import json
import re
from collections import Counter

import pytest

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.service import articles as service

PLOVER = set(["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"])
ISO_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-[HQ]\d|-W\d{2})?(/\d{4}(-\d{2}(-\d{2})?)?)?$")


@pytest.fixture(scope="module")
def corpus():
    items = list(read_paths(service.demo_files()))
    problems = [i for i in items if not isinstance(i, Article)]
    assert not problems, problems[:5]
    return items


@pytest.fixture(scope="module")
def gold():
    rows = []
    for path in service.gold_files():
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def test_size_and_formats(corpus):
    assert len(corpus) >= 150
    files = service.demo_files()
    assert any(f.endswith(".txt") for f in files) and any(f.endswith(".jsonl") for f in files)
    assert len({a.id for a in corpus}) == len(corpus)
    jsonl = [a for a in corpus if a.ref]
    assert all(a.published and "2024-01-01" <= a.published <= "2025-12-31" for a in jsonl)
    assert all(a.title for a in corpus)


def test_covers_the_five_republics_and_partners(corpus):
    text = " ".join(a.text for a in corpus)
    for name in ("Kazakhstan", "Ouzbékistan", "Tadjikistan", "Kirghizstan", "Turkménistan", "Russie",
                 "Chine", "Turquie", "États-Unis", "Iran", "Afghanistan", "Inde", "Japon"):
        assert name in text, name


def test_gold_matches_the_corpus(corpus, gold):
    assert len(gold) >= 40
    titles = Counter(a.title for a in corpus)
    by_title = {a.title: a for a in corpus}
    for row in gold:
        title = row["key"]["title"]
        assert titles[title] == 1, f"gold key {title!r} matches {titles[title]} articles"
        text = by_title[title].text
        for amount in row["amounts"]:
            assert amount["text"] in text, f"{amount['text']!r} not in the text of {title!r}"
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in row["countries"]), row["countries"]
        assert set(row["event_types"]) <= PLOVER, row["event_types"]
        assert row["event_date"] is None or ISO_VALUE.match(row["event_date"]), row["event_date"]
        assert row["status"] in ("done", "planned", None)
        assert re.fullmatch(r"medtop:\d{8}", row["topic"]), row["topic"]
        for amount in row["amounts"]:
            assert isinstance(amount["value"], int | float) and re.fullmatch(r"[A-Z]{3}", amount["unit"])
    stories = Counter(r["story"] for r in gold if r["story"])
    assert sum(1 for n in stories.values() if n >= 2) >= 3, "gold needs multi-article stories"
