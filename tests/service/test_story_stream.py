"""Stories clustered window by window (issue 16): the stored stories of a streamed whole
clustering are those of ``cluster.cluster`` on the same articles, undated articles included (one
joining a story closed long before), while what the stream holds follows the window."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from localdb import write_jsonl as write

from silkwire.service import articles as service
from silkwire.service import stories as storylines
from silkwire.stories.cluster import StoryItem, StoryParams, cluster_with_vocabulary, vocabulary_of
from silkwire.stories.stream import StoryStream, bag


def _whole(ws: Any) -> tuple[dict[str, str], dict[str, tuple[Any, ...]]]:
    items = [storylines._item(*r) for r in ws.store.clustering_rows()]
    stories, _ = cluster_with_vocabulary(items)
    return ({k: s.id for s in stories for k in s.keys},
            {s.id: (s.label, s.first, s.last, [list(e) for e in s.entities], s.countries) for s in stories})


def _stored(ws: Any) -> tuple[dict[str, str], dict[str, tuple[Any, ...]]]:
    members = {r[0]: r[1] for r in ws.store.db.execute(
        "SELECT a.id, s.story_id FROM story_articles s JOIN articles a ON a.rowid = s.article_rowid "
        "WHERE s.day IS NOT NULL")}
    rows = ws.store.db.execute("SELECT id, label, first, last, entities, countries FROM stories")
    return members, {r[0]: (r[1], r[2], r[3], [[e["id"], e["name"], e["articles"]] for e in json.loads(r[4])],
                            json.loads(r[5])) for r in rows}


def test_the_demo_streamed_is_the_whole_clustering(tmp_path: Path) -> None:
    with service.open_workspace(str(tmp_path / "d.db"), create=True) as ws:
        service.ingest(ws, service.demo_files())  # listings: undated articles among dated ones
        storylines.rebuild_stories(ws)
        assert _stored(ws) == _whole(ws)


def test_an_undated_article_joins_a_story_closed_long_before(tmp_path: Path) -> None:
    lead = ("Le Kazakhstan et l'Ouzbékistan ont signé à Tachkent un accord sur le partage des eaux du Syr-Daria "
            "et la gestion du barrage de Chardara pendant l'irrigation.")
    records = [{"title": "Accord sur le Syr-Daria", "lead": lead, "published": "2025-01-10", "source": "a"},
               {"title": "Syr-Daria : l'accord de Tachkent", "lead": lead + " Les débits seront publiés.",
                "published": "2025-01-12", "source": "b"}]
    start = date(2025, 2, 1)
    records += [{"title": f"Chronique {i} du festival de Bichkek",
                 "lead": f"Le festival de cinéma numéro {i} de Bichkek présente des films kirghiz et tadjiks {i}.",
                 "published": (start + timedelta(days=7 * i)).isoformat(), "source": "c"} for i in range(30)]
    records.append({"title": "Syr-Daria : l'accord de Tachkent signé", "lead": lead, "source": "listing"})
    with service.open_workspace(str(tmp_path / "u.db"), create=True) as ws:
        service.ingest(ws, [write(tmp_path / "in.jsonl", records)])
        storylines.rebuild_stories(ws)
        members, stories = _stored(ws)
        assert (members, stories) == _whole(ws)
        listing = next(a for a in members if ws.store.get(a).source == "listing")
        assert len([a for a, s in members.items() if s == members[listing]]) == 3  # the story of January


def _word(n: int) -> str:
    return "".join("bcdfghjklmnpqrstvz"[int(d)] for d in f"{n:04d}")


def _item(i: int, day: date) -> StoryItem:
    topic = _word(i // 5)  # five articles a story, a story every half day
    return StoryItem(f"k{i:06d}", f"{topic}a {topic}e {topic}o réunion {_word(i)}u", day.isoformat(),
                     title=f"{topic}i {topic}y")


def test_what_the_stream_holds_follows_the_window_not_the_corpus() -> None:
    p = StoryParams()
    items = [_item(i, date(2020, 1, 1) + timedelta(days=i // 10)) for i in range(6000)]  # 10 a day, 600 days
    vocab = vocabulary_of([bag(it, p.text_chars) for it in items])
    stream = StoryStream(vocab, p)
    held: list[tuple[int, int, int]] = []
    made = {}
    for n, it in enumerate(items):
        for event in stream.add(n, it):
            if isinstance(event, tuple):
                made[it.key] = event[1]
        if n % 500 == 499:
            held.append((len(stream._live), len(stream._stories), len(stream._postings)))
    list(stream.finish())
    window = 10 * (p.window_days + 1)
    assert max(live for live, _, _ in held) <= window
    assert max(open_ for _, open_, _ in held) <= window // 5 + 10  # stories of the window
    # posting lists: the keys used in the last thread_days (400 days: 4,000 articles), no more
    assert held[-1][2] <= held[len(held) * 400 // 600][2] * 1.1
    whole, _ = cluster_with_vocabulary(items, p)
    assert made == {k: s.id for s in whole for k in s.keys}
    assert len(set(made.values())) < len(items) / 4  # the check means something: stories form


def test_the_scoring_gives_the_floats_of_the_sums_it_replaces() -> None:
    # stories/scoring.py (compiled by setup.py) replaced Python sums: the same floats, to the bit,
    # or the stories would change where a score ties or sits at a threshold.
    from story_scores import vectors

    from silkwire.stories.scoring import centrality, cosine, cosines

    def summed(a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum([v * b[t] for t, v in a.items() if t in b])

    vs = vectors()
    same_length = sum(len(a) == len(b) for a in vs for b in vs if a is not b)
    assert len(vs) > 100 and same_length > 100  # both orders of equal-length pairs are checked
    for a in vs:
        assert [cosine(a, b) for b in vs] == cosines(a, vs) == [summed(a, b) for b in vs]
    for k in (1, 2, 7, 50, len(vs)):
        sample = vs[:k]
        assert centrality(sample) == [sum(summed(m, o) for o in sample) for m in sample]
    assert sum(summed(a, b) > 0.2 for a in vs for b in vs if a is not b) > 50


def test_the_candidates_are_ranked_as_counter_ranks_them() -> None:
    # stream.most_common sorts the counts in numpy (16-bit when the lists counted are fewer than
    # 2**15): most counted first, ties in the order first counted, as Counter.most_common.
    import random
    from collections import Counter

    from silkwire.stories.stream import most_common

    rng = random.Random(16)
    for lists in (3, 12, 40):
        for _ in range(50):
            postings = [[rng.randrange(2000) for _ in range(rng.randrange(300))] for _ in range(lists)]
            hits = Counter(m for p in postings for m in set(p))
            expected = [m for m, _ in hits.most_common(60)]
            assert len(hits) > 60 and len(set(hits.values())) > 1
            assert most_common(hits, 60, lists) == expected == most_common(hits, 60)


def test_the_probe_keys_and_posting_updates_are_the_loops_they_replace() -> None:
    # stories/scoring.py's strongest and post (compiled by setup.py) replaced two loops of
    # StoryStream._assign: the same keys in the same order, the same posting lists.
    import random
    from collections import defaultdict

    from story_scores import vectors

    from silkwire.stories.scoring import post, strongest

    vs = vectors()
    ties = sum(len(set(v.values())) < len(v) for v in vs)
    assert ties > 10  # equal weights: their order is the vector's, as a stable sort keeps it
    for v in vs:
        for k in (0, 1, 12, 1000):
            assert strongest(v, k) == [t for t, _ in sorted(v.items(), key=lambda x: -x[1])[:k]]

    def replaced(postings: dict[str, list[int]], touched: dict[str, int], long: dict[str, list[int]],
                 keys: list[str], rowid: int, today: int | None, keep: int) -> None:
        for key in keys:
            postings[key].append(rowid)
            if today is not None:
                touched[key] = today
            if len(postings[key]) > 2 * keep:
                del postings[key][:-keep]
            if key in long:
                long[key].append(rowid)
                if len(long[key]) > 2 * keep:
                    del long[key][:-keep]

    rng = random.Random(17)
    words = [f"w{i}" for i in range(40)]
    mine: tuple[dict[str, list[int]], dict[str, int], dict[str, list[int]]] = ({}, {}, {"w1": [], "w7": []})
    theirs: tuple[dict[str, list[int]], dict[str, int], dict[str, list[int]]] = (
        defaultdict(list), {}, {"w1": [], "w7": []})
    for rowid in range(3000):
        keys = rng.sample(words, 12)
        today = None if rowid % 10 == 0 else 700_000 + rowid // 30
        post(*mine, keys, rowid, today, 25)
        replaced(*theirs, keys, rowid, today, 25)
    assert mine == (dict(theirs[0]), theirs[1], theirs[2])
    assert max(len(p) for p in mine[0].values()) == 50 and len(mine[2]["w1"]) > 25  # lists were cut


def test_terms_are_kept_in_a_bounded_dictionary(monkeypatch: Any) -> None:
    # cluster.terms reads each word's term from a dictionary (it was an lru_cache): the same
    # terms, and the dictionary starts again when full.
    from silkwire.stories import cluster
    from silkwire.textnorm import fold, normalize_text

    text = "Les négociations reprennent à Tachkent ; les négociateurs ouzbeks et kazakhs négocient. " * 3
    expected = [fold(cluster._STEMMER.stemWord(w.lower())) for w in cluster._WORD.findall(normalize_text(text))]
    monkeypatch.setattr(cluster, "_TERMS", {})
    assert cluster.terms(text) == expected == cluster.terms(text)
    assert len(cluster._TERMS) == len(set(cluster._WORD.findall(normalize_text(text))))
    monkeypatch.setattr(cluster, "_KEPT", 3)
    monkeypatch.setattr(cluster, "_TERMS", {})
    assert cluster.terms(text) == expected and len(cluster._TERMS) <= 3
