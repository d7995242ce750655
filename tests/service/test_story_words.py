"""The word bags of a whole clustering counted once (issue 16): the first pass's bags, kept in a
temporary file (``stories/words.py``), are what the stream would count again, term for term and
in the same order, and the stored stories are the same, every column, as when it counts again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from silkwire.service import articles as service
from silkwire.service import stories as storylines
from silkwire.stories.cluster import StoryParams
from silkwire.stories.stream import bag
from silkwire.stories.words import CountedWords


def _tables(ws: Any) -> tuple[list[tuple[Any, ...]], ...]:
    db = ws.store.db
    return (list(db.execute("SELECT * FROM stories ORDER BY id")),
            list(db.execute("SELECT * FROM story_articles ORDER BY article_rowid")),
            list(db.execute("SELECT * FROM story_vocabulary ORDER BY 1")))


def test_a_kept_bag_is_the_bag_counted_again(tmp_path: Path) -> None:
    with service.open_workspace(str(tmp_path / "d.db"), create=True) as ws:
        service.ingest(ws, service.demo_files())
        items = [storylines._item(*r) for r in ws.store.clustering_rows()]
    p = StoryParams()
    with CountedWords() as words:
        places = [words.add(bag(it, p.text_chars), keep=i % 3 != 0) for i, it in enumerate(items)]
        df = words.frequencies()
        for i, (it, place) in enumerate(zip(items, places, strict=True)):
            if i % 3 == 0:
                assert place == -1
                continue
            again = bag(it, p.text_chars)
            kept = words.bag(place)
            assert list(kept.items()) == list(again.items())  # same terms, counts and order
    expected: Counter[str] = Counter()
    for it in items:
        expected.update(bag(it, p.text_chars).keys())
    assert df == dict(expected)


def test_stories_with_the_bags_counted_once_are_those_counted_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with service.open_workspace(str(tmp_path / "d.db"), create=True) as ws:
        service.ingest(ws, service.demo_files())
        made = storylines.rebuild_stories(ws)
        once = _tables(ws)
        with monkeypatch.context() as m:  # the stream counts every bag again, as before
            m.setattr(CountedWords, "bag", lambda self, place: None)
            assert storylines.rebuild_stories(ws) == made
        assert _tables(ws) == once
        assert len(once[0]) > 10 and len(once[1]) > 50
