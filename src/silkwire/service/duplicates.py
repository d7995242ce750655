"""The duplicate use case (service layer): find duplicates as articles are stored, and read the
links back.

Duplicates are found at ingest, inside each batch's transaction (``link_duplicates``, called by
``articles.ingest``): a duplicate is stored like any article and linked to its group's canonical
(earliest) article. What needs no earlier article (folding, shingles, MinHash, bands:
``prepare``) is computed before the transaction. The finder's memory is the store (tables
``article_dedup``, written with each batch, and ``dedup_bands``, derived from it and written many
batches at a time: ``flush_bands``; with each batch on a store of several writers), so a process
starts with nothing to rebuild and memory does not grow with the corpus.

Functions for interfaces:
- ``article_links(ws, article_id)`` -> ``{"duplicate_of", "duplicates", "story"}`` of an article;
- ``with_links(ws, record)`` -> the article record with those fields;
- ``collapsed_ranking(ws, node, filters, limit, offset)`` -> search ranking without duplicates.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from silkwire.model import Article, SearchFilters
from silkwire.search.query import Node
from silkwire.service.workspace import Workspace
from silkwire.store import Store

if TYPE_CHECKING:  # imported when a finder is made: readers of the links (search, show, the web
    # pages) need none of it at start-up
    from silkwire.stories.dedup import DuplicateFinder, Prepared

_FINDERS: weakref.WeakKeyDictionary[Store, DuplicateFinder] = weakref.WeakKeyDictionary()
# every article up to this rowid has its dedup state (``_backfill`` checked, in this process)
_CHECKED: weakref.WeakKeyDictionary[Store, int] = weakref.WeakKeyDictionary()
_BACKFILL_BATCH = 500
FLUSH_BANDS = 25_000 * 24  # band rows held before they are written: ~25k articles, ~60 MB


def finder(ws: Workspace) -> DuplicateFinder:
    """This workspace's duplicate finder. What it knows of earlier articles lives in the store
    (``store.dedup_index``: rows and LSH bands, queried per article), so other writers' articles
    are seen at once and nothing is rebuilt; the finder itself keeps only the latest samples and
    the bands it has not written yet. Bands another process did not get to write (killed before
    its flush), or of a database older than migration 9, are computed here from the stored
    signatures, once."""
    from silkwire.stories.dedup import DuplicateFinder

    made = _FINDERS.get(ws.store)
    if made is None:
        def load(key: str) -> tuple[str | None, str]:
            article = ws.store.get(key)
            return article.title, article.text

        made = DuplicateFinder(loader=load, seen=ws.store.seen_articles())
        _fill_bands(ws, made)
        _FINDERS[ws.store] = made
    return made


def _fill_bands(ws: Workspace, f: DuplicateFinder) -> None:
    """The bands of every stored article, unless they are there for this layout already; then
    those past the watermark (one transaction, no text read)."""
    from silkwire.stories.seen import DedupState

    if ws.store.band_layout() != f.params.band_layout():
        _refill(ws, f)
        return
    after = ws.store.banded_through()
    rows: list[tuple[int, int, int, int]] = []
    top = after
    for rowid, period, size, signature, head_signature, lead_signature in ws.store.banded_after(after):
        state = DedupState(b"", size, signature, head_signature, lead_signature)
        rows += [(period, band, value, rowid) for band, value in f.bands(state)]
        top = rowid
    if top > after:
        ws.store.save_bands(sorted(rows), top)


def _refill(ws: Workspace, f: DuplicateFinder) -> None:
    """Every band from the stored signatures (a new layout, or a database older than migration
    9). The articles banded are those the finder banded as they came: the first of each digest in
    canonical-first order, unless a near-identical copy; each filed under the period of its
    publication day."""
    from silkwire.stories.seen import DedupState

    p = f.params
    with ws.store.transaction():
        if ws.store.band_layout() == p.band_layout():  # another writer did it meanwhile
            return
        ws.store.clear_bands()
        digests: set[bytes] = set()
        periods: list[tuple[int | None, int]] = []
        rows: list[tuple[int, int, int, int]] = []
        top = 0
        for row in ws.store.dedup_rows():  # canonical articles first
            first = row.digest not in digests
            digests.add(row.digest)
            period = None
            if first and f.is_banded(row.duplicate_of, row.similarity):
                period = p.period(_day(row.published))
                state = DedupState(row.digest, row.size, row.signature, row.head_signature)
                rows += [(period, band, value, row.rowid) for band, value in f.bands(state)]
            periods.append((period, row.rowid))
            top = max(top, row.rowid)
            if len(rows) >= FLUSH_BANDS:
                ws.store.save_bands(sorted(rows), 0)
                rows.clear()
        ws.store.save_bands(sorted(rows), top)
        ws.store.set_band_periods(periods)
        ws.store.set_band_layout(p.band_layout())


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def forget_finder(ws: Workspace) -> None:
    """Drop the finder's samples and unwritten bands (after a rolled-back batch: the store is the
    truth; the bands of the batches committed before are computed again from their signatures)."""
    _FINDERS.pop(ws.store, None)
    _CHECKED.pop(ws.store, None)


def prepare(ws: Workspace, articles: Sequence[Article]) -> dict[str, Prepared]:
    """What the finder computes from each text alone, by article id: run it before the batch's
    transaction (the writer lock is held for the writes only)."""
    f = finder(ws)
    return dict(zip([a.id for a in articles], f.prepare_many([a.text for a in articles], [a.title for a in articles]),
                    strict=True))


def preparer(ws: Workspace) -> Callable[[Sequence[Article]], dict[str, Prepared]]:
    """``prepare`` bound to this workspace's finder, made here: the callable touches no store, so
    another thread may run it (``ingest_ahead``) while this one writes."""
    prints = finder(ws).prepare_many

    def run(articles: Sequence[Article]) -> dict[str, Prepared]:
        return dict(zip([a.id for a in articles], prints([a.text for a in articles], [a.title for a in articles]),
                        strict=True))

    return run


def link_duplicates(ws: Workspace, added: Sequence[tuple[int, Article]],
                    prepared: Mapping[str, Prepared] | None = None) -> int:
    """Find the duplicates among newly stored articles and store their links; returns how many.

    Runs inside the caller's transaction (one per ingest batch): links and articles commit
    together. ``prepared``: ``prepare`` of these articles, computed beforehand. Articles stored
    before duplicates existed (an older database) are caught up first.
    """
    f = finder(ws)
    if ws.store.shared:
        catch_up(ws)  # under the write lock: what the other writers committed, filters included
    if added:
        _backfill(ws, f, below=min(rowid for rowid, _ in added))
    found = _link(f, added, prepared or {}, new=True)
    if ws.store.shared:
        # Several writers (PostgreSQL): the bands are written with the batch, as the links are,
        # so that the next writer's lookups see them (held back, they would be seen by no one
        # else until a flush: links missed). The filters learn what another writer banded since
        # (``StoredDedup.sync``, from its articles' signatures): with one writer, as on SQLite.
        f.flush()
    return found


def flush_bands(ws: Workspace, at_least: int = 0) -> None:
    """Write the bands the finder holds when there are ``at_least`` rows of them (all: 0)."""
    made = _FINDERS.get(ws.store)
    if made is not None and made.pending >= max(at_least, 1):
        made.flush()


def catch_up(ws: Workspace) -> None:
    """Before an ingest: the bands other processes stored, or left to compute (killed before
    their flush), taken up by this workspace's finder, if it has one (else it does at its start)."""
    made = _FINDERS.get(ws.store)
    if made is not None:
        _fill_bands(ws, made)
        made.sync()


def _link(f: DuplicateFinder, added: Sequence[tuple[int, Article]], prepared: Mapping[str, Prepared],
          new: bool = False) -> int:
    found = 0
    f.prefetch([(prepared[a.id], a.published) for _, a in added if a.id in prepared])
    for rowid, article in added:
        if not new and article.id in f:  # already known: its stored row stands
            continue
        result = f.add(article.id, article.text, article.published, article.title, prepared=prepared.get(article.id),
                       seq=rowid if new else None, source=article.source)  # writes its rows
        found += result.duplicate_of is not None or result.previous is not None
    f.save()  # the rows held back for the batch, in its transaction
    return found


def _backfill(ws: Workspace, f: DuplicateFinder, below: int | None = None) -> None:
    """Articles stored before duplicates existed (below ``below``), caught up. Looked for once
    per store and process below what was checked already: every batch since writes its articles'
    dedup rows in its own transaction, so no article without them appears below a checked rowid
    (looking below every batch's first rowid anew was a scan of the whole corpus per batch: the
    finder's cost per article grew with the corpus: 70 ms of CPU a batch at 100k articles)."""
    after = _CHECKED.get(ws.store, 0)
    if below is not None and below <= after + 1:
        return
    while rowids := ws.store.undeduplicated(_BACKFILL_BATCH, below, after):
        _link(f, list(zip(rowids, ws.store.by_rowids(rowids), strict=True)), {})
    if below is not None:
        _CHECKED[ws.store] = below - 1


def article_links(ws: Workspace, article_id: str) -> dict[str, Any]:
    """What an article is linked to: its canonical (``duplicate_of``), its duplicates, its story.

    Keys are absent when the database has no such data yet (no dedup state for this article:
    run ``silkwire ingest`` once to catch up; no stories built). ``story`` is null for an
    article alone (a story of one) or not clustered yet.
    """
    rowid = ws.store.rowid_of(ws.store.get(article_id).id)
    out: dict[str, Any] = {}
    if ws.store.has_dedup_state(rowid):
        out["duplicate_of"] = ws.store.duplicate_of(rowid)
        out["duplicates"] = with_estimates(ws, ws.store.duplicates(rowid))
    if ws.store.has_stories():
        # an article alone is no story (null), as in the gold (demo/ANNOTATION.md §12)
        out["story"] = ws.store.story_of(rowid, min_articles=2)
    return out


def with_estimates(ws: Workspace, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Article summaries (``id``, ``published``) with ``published_estimated``: as in the article
    record, an undated article's estimated publication stands in for its date, flagged."""
    found = ws.store.published_estimates([i["id"] for i in items if i.get("published") is None])
    return [{**i, "published": i.get("published") or found.get(i["id"]), "published_estimated": i["id"] in found}
            for i in items]


def with_links(ws: Workspace, record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with the DESIGN.md fields ``duplicate_of`` and ``story`` (when this database
    has them) and, on a canonical article with copies, ``duplicates``."""
    links = article_links(ws, record["id"])
    for key in ("duplicate_of", "story"):
        if key in links:
            record.setdefault(key, links[key])  # a field the record already has is kept
    if links.get("duplicates"):
        record["duplicates"] = links["duplicates"]
    return record


def collapsed_ranking(ws: Workspace, node: Node, filters: SearchFilters, limit: int, offset: int,
                      newest_first: bool = False) -> tuple[list[tuple[int, float]], int]:
    """The index's ranking (by relevance, or by date with ``newest_first``) with duplicates
    folded into their best-ranked group member.

    Each duplicate group shows once, at the rank of its best-matching member (usually the
    canonical). The ranking is read in growing windows until the page is full; ``total`` is
    exact when the whole ranking was read (up to 10,000 hits), otherwise the matches minus the
    duplicates seen so far (an upper bound).
    """
    wanted = offset + limit
    window = max(2 * wanted, 50)
    while True:
        ranked, total = ws.index.search(node, filters, window, 0, newest_first=newest_first)
        canon = ws.store.canonical_rowids([r for r, _ in ranked])
        seen: set[int] = set()
        kept: list[tuple[int, float]] = []
        for rowid, score in ranked:
            group = canon.get(rowid, rowid)
            if group not in seen:
                seen.add(group)
                kept.append((rowid, score))
        complete = len(ranked) >= total
        if len(kept) >= wanted or complete or window >= 10_000:
            collapsed = total - (len(ranked) - len(kept))
            return kept[offset:wanted], collapsed
        window = min(window * 4, 10_000)
