"""Use cases for duplicates and stories (service layer): what the CLI, the API and the web call.

Duplicates are found at ingest, inside each batch's transaction (``link_duplicates``, called by
``service.ingest``): a duplicate is stored like any article and linked to its group's canonical
(earliest) article. The finder's memory is the store (tables ``article_dedup`` and
``dedup_bands``, written as each article is added), so a process starts with nothing to rebuild
and memory does not grow with the corpus.

Stories are clustered as a whole (``rebuild_stories``) or, when new articles come after the
clustered ones in date order, the new ones are added to the stored stories (``story_updates``:
the cost of the recent window, not of the corpus), at the end of every ingest (text and dates
only, for what is not enriched yet) and of every enrich (its articles clustered again with
entities, countries and events). A whole clustering keeps stories independent of arrival order
(an earlier article that arrives late still opens its story) and refreshes the vocabulary; its
cost and an update's are measured in BENCHMARKS.md. Story ids are stable as long as a story's
earliest article stays.

Functions for interfaces:
- ``stories(ws, since, until, country, min_articles)`` -> list of story summaries (dicts);
- ``story(ws, story_id)`` -> one story with its articles, entities and thread links;
- ``article_links(ws, article_id)`` -> ``{"duplicate_of", "duplicates", "story"}`` of an article;
- ``collapsed_ranking(ws, node, filters, limit, offset)`` -> search ranking without duplicates.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from silkwire.errors import NotFoundError
from silkwire.model import Article
from silkwire.service.workspace import Workspace
from silkwire.store import Store, dedup_index
from silkwire.store import stories as tables
from silkwire.stories.cluster import Story, StoryItem, cluster_with_vocabulary, day_of

if TYPE_CHECKING:  # imported when a finder is made: readers of the links (search, show, the web
    # pages) need none of it at start-up
    from silkwire.stories.dedup import DuplicateFinder

_FINDERS: weakref.WeakKeyDictionary[Store, DuplicateFinder] = weakref.WeakKeyDictionary()
_BACKFILL_BATCH = 500


# -- duplicates --------------------------------------------------------------------------------


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

        made = DuplicateFinder(loader=load, seen=dedup_index.StoredDedup(ws.store))
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
    if ws.store.get_meta(dedup_index.BAND_LAYOUT) == layout:
        return
    with ws.store.transaction():
        if ws.store.get_meta(dedup_index.BAND_LAYOUT) == layout:  # another writer did it meanwhile
            return
        dedup_index.clear_bands(ws.store)
        digests: set[bytes] = set()
        for row in tables.dedup_rows(ws.store):  # canonical articles first
            first = row.digest not in digests
            digests.add(row.digest)
            if first and f.is_banded(row.duplicate_of, row.similarity):
                state = DedupState(row.digest, row.size, row.signature, row.head_signature)
                dedup_index.save_bands(ws.store, [(band, value, row.rowid) for band, value in f.bands(state)])
        ws.store.set_meta(dedup_index.BAND_LAYOUT, layout)


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
    while rowids := tables.undeduplicated(ws.store, _BACKFILL_BATCH, below):
        _link(f, list(zip(rowids, ws.store.by_rowids(rowids), strict=True)))


def catch_up(ws: Workspace) -> None:
    """Give every stored article its duplicate link (after an upgrade), one transaction."""
    try:
        with ws.store.transaction():
            _backfill(ws, finder(ws))
    except BaseException:
        forget_finder(ws)
        raise


def article_links(ws: Workspace, article_id: str) -> dict[str, Any]:
    """What an article is linked to: its canonical (``duplicate_of``), its duplicates, its story.

    Keys are absent when the database has no such data yet (no dedup state for this article:
    run ``silkwire ingest`` once to catch up; no stories built). ``story`` is null for an
    article alone (a story of one) or not clustered yet.
    """
    rowid = ws.store.rowid_of(ws.store.get(article_id).id)
    out: dict[str, Any] = {}
    if ws.store.db.execute("SELECT 1 FROM article_dedup WHERE article_rowid = ?", (rowid,)).fetchone():
        out["duplicate_of"] = tables.duplicate_of(ws.store, rowid)
        out["duplicates"] = with_estimates(ws, tables.duplicates(ws.store, rowid))
    if ws.store.db.execute("SELECT 1 FROM stories LIMIT 1").fetchone():
        # an article alone is no story (null), as in the gold (demo/ANNOTATION.md §12)
        out["story"] = tables.story_of(ws.store, rowid, min_articles=2)
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


def collapsed_ranking(ws: Workspace, node: Any, filters: Any, limit: int, offset: int
                      ) -> tuple[list[tuple[int, float]], int]:
    """The index's ranking with duplicates folded into their best-ranked group member.

    Each duplicate group shows once, at the rank of its best-matching member (usually the
    canonical). The ranking is read in growing windows until the page is full; ``total`` is
    exact when the whole ranking was read (up to 10,000 hits), otherwise the matches minus the
    duplicates seen so far (an upper bound).
    """
    wanted = offset + limit
    window = max(2 * wanted, 50)
    while True:
        ranked, total = ws.index.search(node, filters, window, 0)
        canon = tables.canonical_rowids(ws.store, [r for r, _ in ranked])
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


# -- stories -----------------------------------------------------------------------------------


def _item(rowid: int, key: str, published: str | None, title: str | None, text: str,
          fields: dict[str, Any] | None) -> StoryItem:
    fields = fields or {}
    # An undated article's day: its estimate when the window is closed, else its main event's
    # date; never where an open estimate starts ("2025-03-01/.."): a lower bound only, often far
    # from the story (demo stories B-cubed 0.887 with it, 0.911 without).
    estimate = fields.get("published")
    closed = estimate if isinstance(estimate, str) and ".." not in estimate else None
    day = published or _start(closed) or _start(fields.get("event_date"))
    return StoryItem(
        key=key, text=text, title=title, day=day, enriched=bool(fields),
        entities=tuple((e["id"], e["name"]) for e in fields.get("entities", ())),
        countries=tuple(c["code"] for c in fields.get("countries", ())),
        events=tuple(e["type"] for e in fields.get("events", ())),
        places=tuple(p["name"] for p in fields.get("places", ())),
    )


def _start(value: Any) -> str | None:
    """The first day of an ISO value of day grain (2025-04-04, 2025-04-01/2025-04-10), else None."""
    if not isinstance(value, str):
        return None
    start = value.split("/")[0]
    return start if len(start) == 10 and start[4] == "-" and start[7] == "-" else None


def after_ingest(ws: Workspace) -> str:
    """Stories after an ingest (text and dates only, for what is not enriched yet): new articles
    that come after the clustered ones are added to the stored stories (cheap); otherwise, or
    after many new articles, every article is clustered again (``story_updates``). Returns
    what was done: "none", "increment" or "rebuild"."""
    from silkwire.service.story_updates import update_stories

    return update_stories(ws)


def rebuild_stories(ws: Workspace) -> int:
    """Cluster every canonical article into stories and store them, with the day each was
    clustered on and the vocabulary (one transaction). Returns how many stories."""
    from silkwire.service.story_updates import params_key
    from silkwire.store import story_state

    rows = tables.clustering_rows(ws.store)
    items = [_item(*row) for row in rows]
    rowid_of = {row[1]: row[0] for row in rows}
    found, vocab = cluster_with_vocabulary(items)
    days = {it.key: (d.isoformat() if (d := day_of(it.day)) else story_state.UNDATED) for it in items}
    stored = [story_row(s) for s in found]
    members = [(rowid_of[k], s.id, days[k]) for s in found for k in s.keys]
    with ws.store.transaction():
        tables.replace_stories(ws.store, stored, members)
        story_state.save_vocabulary(ws.store, vocab.df)
        story_state.save_state(ws.store, story_state.StoredState(vocab.n, params_key(), 0))
    return len(found)


def story_row(s: Story) -> tables.StoryRow:
    return tables.StoryRow(s.id, s.label, s.first, s.last, len(s.keys),
                           [{"id": i, "name": n, "articles": c} for i, n, c in s.entities], s.countries, s.follows)


def _summary(s: tables.StoryRow) -> dict[str, Any]:
    return {"id": s.id, "label": s.label, "first": s.first, "last": s.last, "articles": s.articles,
            "entities": s.entities, "countries": s.countries, "follows": s.follows}


def stories(ws: Workspace, since: str | None = None, until: str | None = None, country: str | None = None,
            min_articles: int = 2) -> list[dict[str, Any]]:
    """Stories overlapping [since, until] (YYYY-MM-DD), naming ``country`` (ISO code) if given,
    with at least ``min_articles`` articles (duplicates included), latest first."""
    return [_summary(s) for s in tables.story_rows(ws.store, since, until, country, min_articles)]


def story(ws: Workspace, story_id: str) -> dict[str, Any]:
    """One story: its summary, its articles in date order, and its thread (follows / followed by)."""
    row = tables.story_row(ws.store, story_id)
    if row is None:
        raise NotFoundError(f"{story_id}: no story with this id")
    out = _summary(row)
    out["articles_list"] = with_estimates(ws, tables.story_members(ws.store, story_id))
    out["followed_by"] = tables.follow_ups(ws.store, story_id)
    return out


# -- evaluation ----------------------------------------------------------------------------------


def evaluate_stories(ws: Workspace, gold_paths: Sequence[str]) -> dict[str, Any]:
    """B-cubed precision/recall/F1 of the stored stories against gold ``story`` fields.

    Gold rows (the demo/seed gold format) are keyed by exact title or by article id; a ``null``
    story is an article alone. Rows without a ``story`` field, or without a stored article, are
    not scored (``missing`` lists the latter).
    """
    import json

    from silkwire.evaluation.bcubed import bcubed

    gold: dict[str, Any] = {}
    predicted: dict[str, Any] = {}
    missing: list[dict[str, Any]] = []
    for path in gold_paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                if "story" not in row:
                    continue
                key = row["key"]
                ids = [key["id"]] if "id" in key else ws.store.ids_by_title(key.get("title", ""))
                if not ids:
                    missing.append(key)
                    continue
                for article_id in ids[:1]:
                    gold[article_id] = row["story"]
                    rowid = ws.store.rowid_of(article_id)
                    # a story of one is "alone" on the predicted side too
                    sid = tables.story_of(ws.store, rowid)
                    predicted[article_id] = sid
    sizes: dict[Any, int] = {}
    for sid in predicted.values():
        sizes[sid] = sizes.get(sid, 0) + 1
    predicted = {k: (v if v is not None and sizes[v] > 1 else None) for k, v in predicted.items()}
    return {**bcubed(predicted, gold), "missing": missing}
