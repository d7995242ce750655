"""The duplicate finder's memory in SQLite (migration 7): LSH bands as rows, the same answers
as the in-memory finder, nothing to rebuild in a new process, older databases migrated."""

from __future__ import annotations

import sqlite3
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from test_story_updates import downgrade_to_7

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.service import articles as service
from silkwire.service import duplicates
from silkwire.store import Store, drop_store, is_postgres, open_store
from silkwire.store.dedup_index import BAND_LAYOUT, StoredDedup
from silkwire.store.schema import LATEST
from silkwire.stories.dedup import DedupParams, DuplicateFinder, band_hashes
from silkwire.stories.seen import DedupState, MemorySeen

DEMO = Path(__file__).resolve().parents[2] / "src" / "silkwire" / "demo"


def demo_articles() -> list[Article]:
    """The demo corpus (no copies: each article once) and, for every fourth article, versions of
    it from other sources: a copy in other typography, an updated one, a lead-only listing item,
    a retitled copy, one published earlier (its group is relinked to it), and a rewritten version
    (same title, 70% of the text followed by another article's: Jaccard and containment < 0.9)."""
    paths = sorted(str(p) for p in DEMO.iterdir() if p.name.startswith(("news-", "listing-")))
    originals = [a for a in read_paths(paths) if isinstance(a, Article)]
    out = list(originals)
    for i, a in enumerate(originals[::4]):
        other = originals[(4 * i + 1) % len(originals)]
        lead = a.text.split(". ")[0] + "."
        earlier = f"{int(a.published[:4]) - 1}{a.published[4:]}" if a.published else None
        variants = [(a.title, a.text.replace("’", "'").upper()), (a.title, a.text + " Mise à jour : bilan revu."),
                    (a.title, lead), ("Autre titre " + str(i), a.text), (a.title, a.text + " "),
                    (a.title, a.text[: len(a.text) * 7 // 10] + " " + other.text)]
        for n, (title, text) in enumerate(variants):
            published = earlier if n == 4 else a.published
            out.append(Article(id=f"v{i}-{n}", source=f"copies-{n}", title=title, text=text, published=published))
    return out


def test_band_layout_is_datasketchs_optimum_and_its_candidates_are_datasketchs() -> None:
    datasketch = pytest.importorskip("datasketch")
    p = DedupParams()
    text = datasketch.MinHashLSH(threshold=0.7, num_perm=p.num_perm)
    head = datasketch.MinHashLSH(threshold=0.6, num_perm=p.head_perm)
    assert (text.b, text.r) == p.text_bands and (head.b, head.r) == p.head_bands
    # signatures sharing some bands with a query, others not: the same candidates both ways
    rng = np.random.default_rng(3)
    query = rng.integers(0, 1 << 32, p.num_perm, dtype=np.uint64).astype(np.uint32)
    seen = MemorySeen()
    for i in range(200):
        sig = rng.integers(0, 1 << 32, p.num_perm, dtype=np.uint64).astype(np.uint32)
        keep = rng.random(p.num_perm) < (0.93 if i % 3 == 0 else 0.5)
        sig[keep] = query[keep]
        text.insert(f"k{i}", datasketch.MinHash(p.num_perm, hashvalues=sig, scheme="affine32"), check_duplication=False)
        seen.arrival(f"k{i}")
        seen.add(f"k{i}", None, DedupState(b"%d" % i, 1, sig.tobytes(), b""),
                 band_hashes(sig.tobytes(), p.text_bands), 7, None, None)
    ours = {row[0] for row in seen.candidates(band_hashes(query.tobytes(), p.text_bands), [7], 1000)}
    theirs = set(text.query(datasketch.MinHash(p.num_perm, hashvalues=query, scheme="affine32")))
    assert theirs and len(theirs) < 200  # the check means something: some share a band, others not
    assert ours == theirs


def _groups(groups: list[list[str]]) -> set[tuple[str, tuple[str, ...]]]:
    return {(g[0], tuple(sorted(g[1:]))) for g in groups}


def test_stored_finder_links_what_the_memory_finder_links(db_target: str) -> None:
    articles = demo_articles()
    memory = DuplicateFinder()
    expected = [memory.add(a.id, a.text, a.published, a.title) for a in articles]
    with open_store(db_target) as store:
        store.add_articles(articles)

        def load(key: str) -> tuple[str | None, str]:
            article = store.get(key)
            return article.title, article.text

        # few samples in memory: most verifications re-read their text from the store
        stored = DuplicateFinder(DedupParams(keep_material=10), loader=load, seen=StoredDedup(store))
        with store.transaction():
            got = [stored.add(a.id, a.text, a.published, a.title) for a in articles]
        stored.flush()
        assert len(stored._material) <= 10
        assert got == expected
        # the check means something: copies, versions (similarity < 0.9) and relinks to find
        assert sum(r.duplicate_of is not None for r in got) > 100 and sum(r.previous is not None for r in got) > 10
        assert sum(0 < r.similarity < 1.0 for r in got) > 10  # versions and near copies, not only exact ones
        assert _groups(stored.groups()) == _groups(memory.groups())
        assert len(stored) == len(memory)
        banded = store.db.execute("SELECT count(DISTINCT article_rowid) FROM dedup_bands").fetchone()[0]
        assert 0 < banded < len(stored)  # copies have no bands


def test_the_batch_path_links_what_the_memory_finder_links(db_target: str) -> None:
    """As ingest runs it, batch by batch (``prefetch``, ``add``, ``save``): twins, candidates and
    rows answered from the batch's memory (store/dedup_batch.py), relinks inside a batch included,
    and the same rows and counts as the article-by-article path."""
    articles = demo_articles()
    memory = DuplicateFinder()
    expected = [memory.add(a.id, a.text, a.published, a.title, source=a.source) for a in articles]
    with open_store(db_target) as store:
        rowids = store.add_articles(articles)

        def load(key: str) -> tuple[str | None, str]:
            article = store.get(key)
            return article.title, article.text

        stored = DuplicateFinder(loader=load, seen=StoredDedup(store))
        got = []
        added = list(zip(rowids, articles, strict=True))
        for start in range(0, len(added), 40):
            chunk = added[start:start + 40]
            ready = stored.prepare_many([a.text for _, a in chunk], [a.title for _, a in chunk])
            with store.transaction():
                stored.prefetch([(r, a.published) for r, (_, a) in zip(ready, chunk, strict=True)])
                got += [stored.add(a.id, a.text, a.published, a.title, prepared=r, seq=rowid, source=a.source)
                        for r, (rowid, a) in zip(ready, chunk, strict=True)]
                stored.save()
        stored.flush()
        assert got == expected
        assert sum(r.previous is not None for r in got) > 10  # relinks to follow
        assert _groups(stored.groups()) == _groups(memory.groups())
        links = set(store.db.execute("SELECT article_rowid, duplicate_of, similarity, band_period FROM article_dedup"))
        counts = store.counts()
    if is_postgres(db_target):
        drop_store(db_target)
    else:
        Path(db_target).unlink()
    with open_store(db_target) as store:  # the same, article by article
        store.add_articles(articles)
        one = DuplicateFinder(seen=StoredDedup(store))
        with store.transaction():
            for a in articles:
                one.add(a.id, a.text, a.published, a.title, source=a.source)
        assert set(store.db.execute("SELECT article_rowid, duplicate_of, similarity, band_period "
                                    "FROM article_dedup")) == links
        assert store.counts() == counts


def test_a_writer_takes_up_the_bands_another_wrote_without_reading_the_period_again(db_target: str) -> None:
    """Between batches, a finder's filters learn the keys of the articles another process banded
    (computed from their stored signatures), instead of reading their periods again."""
    articles = [a for a in demo_articles() if a.published][:40]
    copy = Article(id="copy", source="elsewhere", title=articles[30].title, text=articles[30].text + " Fin.",
                   published=articles[30].published)
    with service.open_workspace(db_target, create=True) as first, service.open_workspace(db_target) as second:
        other = Article(id="other", source="s", title="Autre", text=" ".join(reversed(articles[5].text.split())),
                        published=articles[30].published)
        service.ingest_items(first, [*articles[:20], other])  # the filters of the copy's periods are built
        built = []
        real = first.store.period_bands
        first.store.period_bands = lambda period, *a: built.append(period) or real(period, *a)  # type: ignore
        duplicates.finder(first)._seen._cache._period_rows = first.store.period_bands  # type: ignore
        service.ingest_items(second, articles[20:])
        service.ingest_items(first, [copy])
        assert duplicates.article_links(first, "copy")["duplicate_of"] == articles[30].id
        assert built == []  # learnt, not read again


def test_a_new_process_finds_duplicates_without_rebuilding(db_target: str) -> None:
    articles = demo_articles()
    half = len(articles) // 2
    db = db_target
    with service.open_workspace(db, create=True) as ws:
        service.ingest_items(ws, articles[:half])
    with service.open_workspace(db) as ws:
        f = duplicates.finder(ws)
        assert len(f._material) == 0 and len(f) == half  # nothing loaded, everything known
        service.ingest_items(ws, articles[half:])
        stored = _groups(f.groups())
    memory = DuplicateFinder()
    for a in articles:
        memory.add(a.id, a.text, a.published, a.title)
    assert stored == _groups(memory.groups())


def _downgrade_to_6(db: str) -> None:
    """What a database written before migration 7 holds: the same article_dedup rows, no bands."""
    downgrade_to_7(db)
    con = sqlite3.connect(db)
    con.executescript("DROP TABLE dedup_bands; DROP INDEX article_dedup_digest; DROP INDEX stories_follows; "
                      f"DELETE FROM meta WHERE key = '{BAND_LAYOUT}'; DELETE FROM schema_version WHERE version = 7;")
    con.close()


# Bands per group: the fill bands what the finder restored before migration 7 did, the first of
# each digest in canonical-first order; at ingest, the first to arrive. Where an earlier copy
# arrived later (relinked), these two are exact copies with the same bands.
BANDS_BY_GROUP = ("SELECT b.band, b.hash, coalesce(d.duplicate_of, d.article_rowid) FROM dedup_bands b "
                  "JOIN article_dedup d ON d.article_rowid = b.article_rowid")


def test_migration_7_fills_the_bands_of_an_older_database(tmp_path: Path) -> None:
    articles = demo_articles()
    db = str(tmp_path / "old.db")
    with service.open_workspace(db, create=True) as ws:
        service.ingest_items(ws, articles)
        # an older database has no lead signatures: its refill has the text and head bands only
        p = DedupParams()
        fresh = {row for row in ws.store.db.execute(BANDS_BY_GROUP) if row[0] < p.text_bands[0] + p.head_bands[0]}
        links = set(ws.store.db.execute("SELECT article_rowid, duplicate_of, similarity FROM article_dedup"))
    _downgrade_to_6(db)
    with Store(db) as store:
        assert store.schema_version() == LATEST
        indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"article_dedup_digest", "stories_follows"} <= indexes
        plan = " ".join(str(r) for r in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM stories WHERE follows = ? ORDER BY first", ("s-x",)))
        assert "stories_follows" in plan
        assert store.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 0
    with service.open_workspace(db) as ws:
        duplicates.finder(ws)  # first use: bands computed from the stored signatures
        assert ws.store.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] > 0
        assert set(ws.store.db.execute(BANDS_BY_GROUP)) == fresh
        assert ws.store.get_meta(BAND_LAYOUT) == DedupParams().band_layout()
        copy = articles[0]
        again = Article(id="copy-of-first", source="other", text=copy.text, title=copy.title,
                        published=copy.published)
        service.ingest_items(ws, [again])
        canonical = duplicates.article_links(ws, "copy-of-first")["duplicate_of"]
        assert canonical == duplicates.finder(ws).canonical_of(copy.id)
        assert links <= set(ws.store.db.execute("SELECT article_rowid, duplicate_of, similarity FROM article_dedup"))


def test_a_rolled_back_batch_leaves_no_band(db_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = demo_articles()[:20]
    with service.open_workspace(db_target, create=True) as ws:
        real = StoredDedup.add
        calls: list[int] = []

        def failing(self: StoredDedup, *args: object, **kwargs: object) -> None:
            calls.append(1)
            if len(calls) == 15:
                raise RuntimeError("disk full")
            real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(StoredDedup, "add", failing)
        with pytest.raises(RuntimeError):
            service.ingest_items(ws, articles)
        assert ws.store.count() == 0
        assert ws.store.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 0
        assert ws.store.db.execute("SELECT count(*) FROM article_dedup").fetchone()[0] == 0


def test_one_dispatch_repeated_costs_a_bounded_number_of_verifications_in_the_store(
        db_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """As tests/test_dedup.py's in-memory check: near-identical copies get no bands, so each of N
    copies is verified against a few articles, not all earlier ones (O(N), not O(N²))."""
    from silkwire.stories import dedup

    words = ["Le", "Kazakhstan", "et", "l'Ouzbékistan", "ont", "signé", "à", "Tachkent", "un", "accord", "de",
             "coopération", "énergétique"]
    calls = []
    real = dedup.DuplicateFinder._verify
    monkeypatch.setattr(dedup.DuplicateFinder, "_verify", lambda self, *a: calls.append(1) or real(self, *a))
    n = 300
    articles = [Article(id=f"k{i}", source="s", title=f"Dépêche {i}",
                        text=" ".join(words[(i + j) % len(words)] for j in range(200)) + f" Article {i}.")
                for i in range(n)]
    with open_store(db_target) as store:
        store.add_articles(articles)
        finder = DuplicateFinder(seen=StoredDedup(store))
        with store.transaction():
            results = [finder.add(a.id, a.text, a.published, a.title) for a in articles]
        finder.flush()
        assert all(r.duplicate_of == "k0" for r in results[1:])
        assert len(calls) <= 4 * n
        assert store.db.execute("SELECT count(DISTINCT article_rowid) FROM dedup_bands").fetchone()[0] == 1


def test_each_batch_looks_for_articles_without_dedup_state_only_above_what_was_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catch-up of articles stored before duplicates existed looks below each batch's first
    rowid once: a scan of every earlier article per batch made the finder's cost per article grow
    with the corpus (issue 16)."""
    monkeypatch.setenv("SILKWIRE_INDEX", str(tmp_path / "index"))
    scanned: list[tuple[int, int]] = []
    with service.open_workspace(str(tmp_path / "db.db"), create=True) as ws:
        real = ws.store.undeduplicated

        def spy(limit: int, below: int | None = None, above: int = 0) -> list[int]:
            scanned.append((above, below if below is not None else 1 << 62))
            return real(limit, below, above)

        monkeypatch.setattr(ws.store, "undeduplicated", spy)
        report = service.ingest_items(ws, demo_articles(), batch_size=7)
        assert report.new > 100 and real(10**6) == []
    assert scanned and scanned[0][0] == 0
    # every rowid range is looked at once: the ranges follow each other, none starts at 0 again
    assert all(above >= prev_below - 1 for (_, prev_below), (above, _) in pairwise(scanned))
    assert sum(below - above for above, below in scanned) <= report.new + len(scanned)
