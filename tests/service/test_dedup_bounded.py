"""Near-duplicate candidates cost the same whatever a band bucket holds (issue 18, point 8):
templated items share head bands, and reading whole buckets made ingest quadratic."""

from __future__ import annotations

from silkwire.ingest.articles import make_article
from silkwire.store import Store
from silkwire.stories.seen import DedupState


def steps_for_candidates(tmp_path, bucket: int) -> tuple[int, list[int]]:
    store = Store(str(tmp_path / f"b{bucket}.db"), create=True)
    try:
        articles = [make_article(source="s", title=f"Cours du jour {i}", parts=[f"Bulletin {i}."]) for i in
                    range(bucket)]
        seen = store.seen_articles()
        with store.transaction():
            store.add_articles(articles)
            for i, a in enumerate(articles):
                seen.add(a.id, None, DedupState(i.to_bytes(8, "little"), 3, b"", b""), [(0, 42), (1, 42)], 7, None,
                         None)
        seen.flush()  # written: the lookup below reads the table
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        lookups = store.seen_articles()
        lookups.candidates([(0, 42)], [7], 64)  # the period's filter is built once, from its rows (issue 16)
        store.db.set_progress_handler(count, 10)  # one call per 10 SQLite VM instructions
        found = lookups.candidates([(0, 42), (1, 42), (2, 7)], [7], 64)
        store.db.set_progress_handler(None, 0)
        return steps, sorted(r[1] for r in found)
    finally:
        store.close()


def test_candidates_are_the_latest_and_their_cost_does_not_follow_the_bucket(tmp_path):
    small_steps, small = steps_for_candidates(tmp_path, 200)
    big_steps, big = steps_for_candidates(tmp_path, 4000)
    assert small == list(range(137, 201)) and big == list(range(3937, 4001))  # the 64 latest rowids
    assert big_steps < 1.5 * small_steps, (small_steps, big_steps)
