"""The duplicate use case (service layer): find duplicates as articles are stored, and read the
links back.

Duplicates are found at ingest, inside each batch's transaction (``link_duplicates``, called by
``articles.ingest``): a duplicate is stored like any article and linked to its group's canonical
(earliest) article. The finder's memory is the store (tables ``article_dedup`` and
``dedup_bands``, written as each article is added), so a process starts with nothing to rebuild
and memory does not grow with the corpus.

Functions for interfaces:
- ``article_links(ws, article_id)`` -> ``{"duplicate_of", "duplicates", "story"}`` of an article;
- ``with_links(ws, record)`` -> the article record with those fields;
- ``collapsed_ranking(ws, node, filters, limit, offset)`` -> search ranking without duplicates.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from silkwire.model import Article, SearchFilters
from silkwire.search.query import Node
from silkwire.service.workspace import Workspace
from silkwire.store import Store

if TYPE_CHECKING:  # imported when a finder is made: readers of the links (search, show, the web
    # pages) need none of it at start-up
    from silkwire.stories.dedup import DuplicateFinder

_FINDERS: weakref.WeakKeyDictionary[Store, DuplicateFinder] = weakref.WeakKeyDictionary()
_BACKFILL_BATCH = 500


def finder(ws: Workspace) -> DuplicateFinder:
    """This workspace's duplicate finder. What it knows of earlier articles lives in the store
    (``store.dedup_index``: rows and LSH bands, queried per article), so other writers' articles
    are seen at once and nothing is rebuilt; the finder itself keeps only the latest samples.
    Articles deduplicated before the bands were stored (schema < 7) get theirs here, once."""
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
    """Compute the LSH bands of every stored article from its stored signatures, unless they are
    there for this layout already (one transaction, no text read). The articles banded are those
    the in-memory finder indexed when it restored itself from these rows (before schema 7): the
    first of each digest in canonical-first order, unless a near-identical copy."""
    from silkwire.stories.dedup import DedupState

    layout = f.params.band_layout()
    if ws.store.band_layout() == layout:
        return
    with ws.store.transaction():
        if ws.store.band_layout() == layout:  # another writer did it meanwhile
            return
        ws.store.clear_bands()
        digests: set[bytes] = set()
        for row in ws.store.dedup_rows():  # canonical articles first
            first = row.digest not in digests
            digests.add(row.digest)
            if first and f.is_banded(row.duplicate_of, row.similarity):
                state = DedupState(row.digest, row.size, row.signature, row.head_signature)
                ws.store.save_bands([(band, value, row.rowid) for band, value in f.bands(state)])
        ws.store.set_band_layout(layout)


def forget_finder(ws: Workspace) -> None:
    """Drop the finder's samples (after a rolled-back batch: the store is the truth)."""
    _FINDERS.pop(ws.store, None)


def link_duplicates(ws: Workspace, added: Sequence[tuple[int, Article]]) -> int:
    """Find the duplicates among newly stored articles and store their links; returns how many.

    Runs inside the caller's transaction (one per ingest batch): links, bands and articles
    commit together. Articles stored before duplicates existed (an older database) are caught
    up first.
    """
    f = finder(ws)
    if added:
        _backfill(ws, f, below=min(rowid for rowid, _ in added))
    return _link(f, added)


def _link(f: DuplicateFinder, added: Sequence[tuple[int, Article]]) -> int:
    found = 0
    for _, article in added:
        if article.id in f:  # already known: its stored row stands
            continue
        result = f.add(article.id, article.text, article.published, article.title)  # writes its rows
        found += result.duplicate_of is not None or result.previous is not None
    return found


def _backfill(ws: Workspace, f: DuplicateFinder, below: int | None = None) -> None:
    while rowids := ws.store.undeduplicated(_BACKFILL_BATCH, below):
        _link(f, list(zip(rowids, ws.store.by_rowids(rowids), strict=True)))


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
