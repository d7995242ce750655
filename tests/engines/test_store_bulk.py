"""Writes of many rows at once (PostgreSQL: by COPY and one upsert, ``store/pg_bulk.py``) leave
the rows that one statement per row leaves, on both stores: a key met twice in a call keeps its
last row, a pending article keeps the highest flag, small calls and large ones alike."""

import pytest

from silkwire.ingest.articles import make_article
from silkwire.store import open_store
from silkwire.store.stories import StoryRow


@pytest.fixture
def store(db_target):
    with open_store(db_target) as s:
        yield s


def story(n, label="x", articles=1):
    return StoryRow(f"s{n}", f"{label} {n}", "2024-01-01", f"2024-02-{n % 28 + 1:02d}", articles,
                    [{"id": f"e{n}", "name": "Astana"}], ["KZ"], f"s{n - 1}" if n % 5 == 0 else None)


@pytest.mark.parametrize("size", [10, 200])
def test_bulk_writes_keep_the_row_by_row_meaning(store, size):
    rowids = [r for r in store.add_articles([make_article(source="s", title=f"Titre {i}", parts=[f"Texte {i}."])
                                             for i in range(size)]) if r]
    assert len(rowids) == size
    with store.transaction():
        store.mark_stories_pending(rowids[: size // 2], enriched=True)
    with store.transaction():
        store.mark_stories_pending(rowids + rowids[:3], enriched=False)  # a flag set stays set
    assert store.stories_pending() == [(r, i < size // 2) for i, r in enumerate(rowids)]
    store.clear_stories_pending(rowids[1::2])
    assert store.stories_pending() == [(r, i < size // 2) for i, r in enumerate(rowids) if i % 2 == 0]

    store.put_stories([story(n) for n in range(size)] + [story(1, "again", 7)])  # the last one stays
    store.put_stories([story(n, "new") for n in range(0, size, 3)])
    got = {s.id: s for s in store.story_rows()}
    expected = {s.id: s for s in [story(n, "new" if n % 3 == 0 else "x", 1) for n in range(size)]}
    expected["s1"] = story(1, "again", 7)
    assert got == expected

    members = [(r, f"s{i % 7}", f"2024-01-{i % 28 + 1:02d}") for i, r in enumerate(rowids)]
    store.add_story_members(members + [(rowids[0], "s3", "2024-03-01")])
    store.add_story_members([(r, "s1", "2024-04-01") for r in rowids[5:9]])
    expected_of = {r: s for r, s, _ in members} | {rowids[0]: "s3"} | dict.fromkeys(rowids[5:9], "s1")
    assert store.stories_of(rowids) == expected_of
    days = {r: d for r, _, d in members} | {rowids[0]: "2024-03-01"}
    assert store.story_member_rowids("s3") == sorted((r for r in rowids if expected_of[r] == "s3"),
                                                     key=lambda r: (days[r], r))

    vocabulary = {f"mot{i}": i + 1 for i in range(size)}
    with store.transaction():
        store.save_story_vocabulary({"vieux": 3})
    with store.transaction():
        store.save_story_vocabulary(vocabulary)
    assert store.story_vocabulary(["vieux", *vocabulary]) == vocabulary


def test_bands_written_again_are_kept_once(store):
    import numpy as np

    rows = np.array([(p, b, h, r) for r in range(1, 40) for p, b, h in ((r % 3, r % 24, -r * 7919), (1, 5, 2**62 + r))],
                    dtype=np.int64)
    store.save_band_array(rows[:50], 20)
    store.save_band_array(rows[30:], 39)  # rows 30-49 again (PostgreSQL: the COPY fails, the upsert keeps them once)
    store.save_band_array(rows[:0], 10)  # nothing, and the watermark does not go back
    stored = store.db.execute("SELECT period, band, hash, article_rowid FROM dedup_bands "
                              "ORDER BY period, band, hash, article_rowid").fetchall()
    assert [tuple(r) for r in stored] == sorted(map(tuple, rows.tolist()))
    assert store.banded_through() == 39
