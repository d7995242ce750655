"""Duplicates at scale (issue 16): bands filed by period of publication and written many batches
at a time, features of a batch computed at once, nothing lost when a process dies before its
bands are written, near duplicates looked for within a horizon, exact copies at any distance."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from test_dedup_store import demo_articles

from silkwire.model import Article
from silkwire.service import articles as service
from silkwire.service import duplicates
from silkwire.store import Store
from silkwire.stories.dedup import DedupParams, DuplicateFinder
from silkwire.stories.minhash import Permutations
from silkwire.stories.shingles import comparable, comparable_many, shingle_hashes, shingle_hashes_many

LEAD = ("Le Kazakhstan et l'Ouzbékistan ont signé mardi à Tachkent un accord sur le partage des eaux du "
        "Syr-Daria, après deux ans de négociations, et créent une commission mixte chargée des débits.")
OTHER = ("Le festival de cinéma de Bichkek s'ouvre vendredi avec une sélection de films kirghiz et tadjiks "
         "devant dix mille spectateurs attendus dans les salles de la capitale pendant une semaine.")


def test_a_batch_computes_what_each_text_alone_computes() -> None:
    rng = random.Random(5)
    alphabet = list("abcdeéèàç  ,;.'’\u0301œŒßÆ") + ["  ", "\n", "Ü", "x", "中"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60))) for _ in range(500)]
    texts += ["", " ", "a", "  a  ", LEAD, OTHER, f"Titre\n\n{LEAD} {OTHER}", f"{OTHER}\n\n{LEAD}"]
    forms = comparable_many(texts)
    assert all(np.array_equal(comparable(t), f) for t, f in zip(texts, forms, strict=True))
    for size in (1, 5):
        assert all(np.array_equal(shingle_hashes(comparable(t), size), s)
                   for t, s in zip(texts, shingle_hashes_many(forms, size), strict=True))
    perm = Permutations(16, 3)
    hashes = shingle_hashes_many(forms, 5)
    assert np.array_equal(perm.signatures(hashes), np.array([perm.signature(h) for h in hashes]))
    finder = DuplicateFinder()
    titles = [None if i % 3 else t[:20] for i, t in enumerate(texts)]
    for one, many in zip([finder.prepare(t, ti) for t, ti in zip(texts, titles, strict=True)],
                         finder.prepare_many(texts, titles), strict=True):
        assert one.state == many.state and one.bands == many.bands
        assert np.array_equal(one.sample, many.sample) and np.array_equal(one.head, many.head)
        assert [tuple(r) for r in many.rows.tolist()] == list(many.bands)
        assert list(many.bands) == finder.bands(many.state)  # the bands computed again from the stored state
    kinds = {(ready.state.size > 0, bool(ready.state.lead_signature)) for ready in finder.prepare_many(texts, titles)}
    assert kinds == {(False, False), (True, False), (True, True)}  # no text bands; no lead bands; all


def test_near_duplicates_within_the_horizon_exact_copies_at_any_distance() -> None:
    f = DuplicateFinder()
    p = DedupParams()
    f.add("a", LEAD, "2025-03-01", "Accord sur l'eau")
    assert f.add("near", LEAD + " Mise à jour.", "2025-03-01", "Accord sur l'eau").duplicate_of == "a"
    later = f"2025-03-{1 + p.horizon_days + 1:02d}"
    assert f.add("too-late", LEAD + " Une autre mise à jour.", later, "Accord sur l'eau").duplicate_of is None
    assert f.add("exact", LEAD, "2026-09-01", "Accord sur l'eau").duplicate_of == "a"  # the digest
    # near a period's edge, the neighbouring period is looked in
    edge = (p.period(__import__("datetime").date(2025, 6, 1)) + 1) * p.period_days
    from datetime import date, timedelta

    before, after = date.fromordinal(edge - 3), date.fromordinal(edge + 3)
    assert p.period(before) != p.period(after)
    g = DuplicateFinder()
    g.add("x", OTHER, before.isoformat(), "Festival")
    assert g.add("y", OTHER + " Complet.", after.isoformat(), "Festival").duplicate_of == "x"
    assert g.add("z", OTHER + " Annulé.", (after + timedelta(days=p.horizon_days)).isoformat(),
                 "Festival").duplicate_of is None


def test_undated_items_meet_the_news_of_recent_periods_both_ways() -> None:
    f = DuplicateFinder()
    f.add("dated", LEAD + " " + OTHER, "2025-03-01", "Accord sur l'eau")
    assert f.add("listing", LEAD, None, "Accord sur l'eau").duplicate_of == "dated"
    g = DuplicateFinder()
    g.add("listing", LEAD, None, "Accord sur l'eau")  # read before the feed that dates it
    assert g.add("dated", LEAD + " " + OTHER, "2025-03-01", "Accord sur l'eau").previous == "listing"


def _bands(store: Store) -> set[tuple[int, int, int, int]]:
    return set(store.db.execute("SELECT period, band, hash, article_rowid FROM dedup_bands"))


def test_a_process_killed_before_writing_its_bands_loses_nothing(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    articles = demo_articles()
    half = len(articles) // 2
    with service.open_workspace(str(tmp_path / "whole.db"), create=True) as ws:
        service.ingest_items(ws, articles)
        whole = _bands(ws.store)
        links = set(ws.store.db.execute("SELECT article_rowid, duplicate_of, similarity FROM article_dedup"))
    db = str(tmp_path / "killed.db")
    with service.open_workspace(db, create=True) as ws:
        monkeypatch.setattr(duplicates, "flush_bands", lambda *a, **k: None)  # dies before any flush
        service.ingest_items(ws, articles[:half], batch_size=20)
        assert _bands(ws.store) == set() and ws.store.banded_through() == 0
        duplicates.forget_finder(ws)  # the process is gone, and its memory with it
    monkeypatch.undo()
    with service.open_workspace(db) as ws:  # the next process computes them from the signatures
        service.ingest_items(ws, articles[half:], batch_size=20)
        assert _bands(ws.store) == whole
        assert set(ws.store.db.execute("SELECT article_rowid, duplicate_of, similarity FROM article_dedup")) == links


def test_bands_are_written_many_batches_at_a_time_and_found_before(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    articles = demo_articles()
    writes: list[int] = []
    real = Store.save_bands

    def counted(self: Store, rows: object, through: int) -> None:
        writes.append(through)
        real(self, rows, through)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "save_bands", counted)
    monkeypatch.setattr(duplicates, "FLUSH_BANDS", 24 * 150)
    with service.open_workspace(str(tmp_path / "b.db"), create=True) as ws:
        service.ingest_items(ws, articles, batch_size=20)
        batches = -(-len(articles) // 20)
        assert 1 < len(writes) < batches / 3  # held over several batches, written at the end
        memory = DuplicateFinder()
        for a in articles:
            memory.add(a.id, a.text, a.published, a.title)
        # the same links as the in-memory finder: bands held in memory were found as written ones
        assert {a.id: duplicates.article_links(ws, a.id)["duplicate_of"] for a in articles} == \
            {a.id: memory.duplicate_of(a.id) for a in articles}


def test_a_lookup_reads_the_periods_it_looks_in_only(tmp_path: Path) -> None:
    """The work of a lookup follows its periods, not the corpus: articles of other periods add
    no SQL step to it (the filters answer "absent" without reading the table)."""
    def steps(n_far: int) -> int:
        store = Store(str(tmp_path / f"p{n_far}.db"))
        far = [Article(id=f"far{i}", source="s", title=f"Titre {i}", published=f"20{10 + i % 8}-0{1 + i % 9}-11",
                       text=f"Texte numéro {i} sur un sujet {i * 7919 % 1000} sans rapport aucun.") for i in range(n_far)]
        store.add_articles(far)
        finder = DuplicateFinder(seen=store.seen_articles())
        with store.transaction():
            for a in far:
                finder.add(a.id, a.text, a.published, a.title)
        finder.flush()
        new = Article(id="new", source="t", title="Accord sur l'eau", text=LEAD, published="2025-03-01")
        store.add_articles([new])
        count = 0

        def tick() -> int:
            nonlocal count
            count += 1
            return 0

        store.db.set_progress_handler(tick, 10)
        with store.transaction():
            finder.add(new.id, new.text, new.published, new.title)
        store.db.set_progress_handler(None, 0)
        store.close()
        return count

    assert steps(2000) <= 1.2 * steps(100) + 50
