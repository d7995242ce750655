"""The story use case (service layer): cluster articles into stories, keep the stored stories up
to date as articles come, and read them back.

Stories are clustered as a whole (``rebuild_stories``) or, when new articles come after the
clustered ones in date order, the new ones are added to the stored stories (``update_stories``:
the cost of the recent window, not of the corpus), at the end of every ingest (text and dates
only, for what is not enriched yet) and of every enrich (its articles clustered again with
entities, countries and events). A whole clustering keeps stories independent of arrival order
(an earlier article that arrives late still opens its story) and refreshes the vocabulary; its
cost and an update's are measured in BENCHMARKS.md. Story ids are stable as long as a story's
earliest article stays.

A whole clustering costs ~0.35 ms per stored article (BENCHMARKS.md): minutes at 360k articles,
for every ``enrich`` of a handful of new ones. So ``update_stories`` adds articles to the stored
stories instead (``stories/incremental.py``) when it can: the new (and newly enriched) articles,
and every clustered article from the earliest of them onwards, are clustered again from the
stories of the ``window_days`` before, with the vocabulary of the last whole clustering. This
gives what a whole clustering with that vocabulary would, at a cost that follows the new
articles and the recent window, not the corpus. Everything is clustered again instead when:

- there are no stored stories, vocabulary or state (a database older than migration 8, or
  stories never built), or the clustering parameters changed;
- the articles re-clustered (from the earliest new one onwards) or those added since the last
  whole clustering exceed ``MAX_DRIFT`` (10%) of the articles it clustered: the vocabulary's
  frequencies have drifted, and an article that arrived late (far back in time) would re-cluster
  most of the corpus anyway;
- an article clustered as a canonical has become a copy (its group relinked to an earlier copy
  that arrived later: that one now stands for the group, earlier in time);
- ``silkwire stories --rebuild``.

Undated articles (no date, no estimate) come last in a whole clustering, compared with every
earlier article (no window bounds them): an update leaves them where they are, and a new one
has no story until the next whole clustering (``enrich`` usually gives it an estimate first).

Trade-offs of an increment against a whole clustering, measured in BENCHMARKS.md: the IDF is
the last whole clustering's (a word new since then weighs as a word seen once); a thread
(``follows``) is set for the stories an increment touches, against the stories that ended in the
``thread_days`` before them, and stories that followed a touched story keep their link; publication
estimates revised for older undated articles are taken up at the next whole clustering.

Functions for interfaces:
- ``stories(ws, since, until, country, min_articles)`` -> list of story summaries (dicts);
- ``story(ws, story_id)`` -> one story with its articles, entities and thread links.
"""

from __future__ import annotations

import dataclasses
import json
from array import array
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from silkwire.errors import NotFoundError
from silkwire.service.duplicates import with_estimates
from silkwire.service.workspace import Workspace
from silkwire.store import Store
from silkwire.store.stories import StoryRow
from silkwire.store.story_state import UNDATED, StoredState
from silkwire.stories.cluster import (
    Story,
    StoryItem,
    StoryParams,
    Vocabulary,
    day_of,
    may_follow,
)
from silkwire.stories.incremental import Member, extend, summaries, threads
from silkwire.stories.stream import StoryStream, bag
from silkwire.stories.words import CountedWords

MAX_DRIFT = 0.10
_CHUNK = 2000  # articles read at a time by a whole clustering
RETRIES = 3  # an increment made stale by another writer is computed again, at most this often


# -- reading -----------------------------------------------------------------------------------


def _summary(s: StoryRow) -> dict[str, Any]:
    return {"id": s.id, "label": s.label, "first": s.first, "last": s.last, "articles": s.articles,
            "entities": s.entities, "countries": s.countries, "follows": s.follows}


def stories(ws: Workspace, since: str | None = None, until: str | None = None, country: str | None = None,
            min_articles: int = 2) -> list[dict[str, Any]]:
    """Stories overlapping [since, until] (YYYY-MM-DD), naming ``country`` (ISO code) if given,
    with at least ``min_articles`` articles (duplicates included), latest first."""
    return [_summary(s) for s in ws.store.story_rows(since, until, country, min_articles)]


def story(ws: Workspace, story_id: str) -> dict[str, Any]:
    """One story: its summary, its articles in date order, and its thread (follows / followed by)."""
    row = ws.store.story_row(story_id)
    if row is None:
        raise NotFoundError(f"{story_id}: no story with this id")
    out = _summary(row)
    # Dated articles in date order, then the undated ones by their estimated window (an open
    # window "2025-03-01/.." is only a bound: after the closed ones), never mixed: an estimate
    # is not a date to sort among dates.
    members = with_estimates(ws, ws.store.story_members(story_id))
    dated = [m for m in members if m.get("published") and not m.get("published_estimated")]
    undated = sorted((m for m in members if m not in dated), key=_window_order)
    out["articles_list"] = dated + undated
    out["followed_by"] = ws.store.follow_ups(story_id)
    return out


def _window_order(item: dict[str, Any]) -> tuple[int, str, str]:
    start, _, end = str(item.get("published") or "").partition("/")
    if not start:
        return (2, "", "")  # no estimate at all: last
    return (1 if ".." in (start, end) else 0, start if start != ".." else end, end)


# -- clustering ----------------------------------------------------------------------------------


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


def story_row(s: Story) -> StoryRow:
    return StoryRow(s.id, s.label, s.first, s.last, len(s.keys),
                    [{"id": i, "name": n, "articles": c} for i, n, c in s.entities], s.countries, s.follows)


def params_key(params: StoryParams | None = None) -> str:
    """The clustering parameters as stored with the state (a change means a whole clustering)."""
    return json.dumps(dataclasses.asdict(params or StoryParams()), sort_keys=True)


def rebuild_stories(ws: Workspace) -> int:
    """Cluster every canonical article into stories and store them, with the day each was
    clustered on and the vocabulary (one transaction). Returns how many stories.

    Streamed, window by window (``stories/stream.py``): a first pass reads every article's words
    and day (the vocabulary and the date order: 28 bytes an article; each dated article's counted
    words go to a temporary file, ``stories/words.py``, so that the second pass does not count
    them again), a second takes them in date order, a chunk at a time, and writes each story as
    it closes; memory follows the window, not the corpus. The stories are those of the whole
    clustering (``cluster.cluster``; B-cubed 0.9999 against it on OrangeSum, BENCHMARKS.md)."""
    with CountedWords() as words:
        return _rebuild(ws.store, StoryParams(), words)


def _rebuild(store: Store, p: StoryParams, words: CountedWords) -> int:
    days, dated, places, undated = array("q"), array("q"), array("q"), []
    n, after = 0, 0
    while rows := store.clustering_scan(after, 5000):
        for row in rows:
            item = _item(*row)
            day = day_of(item.day)
            place = words.add(bag(item, p.text_chars), keep=day is not None)
            if day is None:
                undated.append(row[0])
            else:
                days.append(day.toordinal())
                dated.append(row[0])
                places.append(place)
        n, after = n + len(rows), rows[-1][0]
    vocab = Vocabulary(n, words.frequencies())
    by_date = np.lexsort((np.frombuffer(dated, dtype=np.int64), np.frombuffer(days, dtype=np.int64)))
    order = np.frombuffer(dated, dtype=np.int64)[by_date].tolist()
    order_places = np.frombuffer(places, dtype=np.int64)[by_date].tolist()
    del days, dated, places, by_date
    last = {r[0]: _item(*r) for r in store.clustering_rows_of(undated)}  # come last, compared with all

    def fetch(rowids: Sequence[int]) -> dict[int, tuple[StoryItem, str]]:
        found = store.stories_of(rowids)
        return {r[0]: (_item(*r), found[r[0]]) for r in store.clustering_rows_of(rowids) if r[0] in found}

    def members(story_id: str) -> list[tuple[int, StoryItem]]:
        rowids = store.story_member_rowids(story_id)
        found = {r[0]: _item(*r) for r in store.clustering_rows_of(rowids)}
        return [(r, found[r]) for r in rowids]

    probe = StoryStream(vocab, p)
    keys = {k for r, it in last.items() for k in probe.probe_keys(probe.article(r, it))}
    stream = StoryStream(vocab, p, fetch, members, keys)
    with store.transaction():
        store.clear_stories()
        for start in range(0, len(order), _CHUNK):
            chunk = order[start:start + _CHUNK]
            items = {r[0]: _item(*r) for r in store.clustering_rows_of(chunk)}
            counted = order_places[start:start + _CHUNK]
            _write(store, [e for r, place in zip(chunk, counted, strict=True)
                           for e in stream.add(r, items[r], words.bag(place))])
        for rowid in undated:  # one at a time: the next may read this one's story back
            _write(store, list(stream.add(rowid, last[rowid])))
        _write(store, list(stream.finish()))
        store.attach_copies(every_story=True)
        store.save_story_vocabulary(vocab.df)
        store.save_story_state(StoredState(vocab.n, params_key(), 0))
    return stream.made


def _write(store: Store, events: Sequence[tuple[int, str, date | None] | Story]) -> None:
    """Memberships and closed stories from the stream, written in the caller's transaction."""
    members = [(e[0], e[1], e[2].isoformat() if e[2] else UNDATED) for e in events if isinstance(e, tuple)]
    stories = [story_row(e) for e in events if isinstance(e, Story)]
    if members:
        store.add_story_members(members)
    if stories:
        store.put_stories(stories)


def after_ingest(ws: Workspace) -> str:
    """Stories after an ingest (text and dates only, for what is not enriched yet): new articles
    that come after the clustered ones are added to the stored stories (cheap); otherwise, or
    after many new articles, every article is clustered again. Returns what was done: "none",
    "increment" or "rebuild"."""
    return update_stories(ws)


def update_stories(ws: Workspace, changed: Iterable[int] = (), max_drift: float | None = None) -> str:
    """Bring the stories up to date with the articles in none (new) and the ``changed`` ones
    (rowids: newly enriched). Returns what was done: "none", "increment" or "rebuild".

    An increment is computed outside the write transaction and written only if no other writer
    updated the stories meanwhile (several writers share a PostgreSQL store); if one did, it is
    computed again from the stories as they are now, up to ``RETRIES`` times (then the next
    update takes these articles up)."""
    changed = list(changed)
    for _ in range(RETRIES):
        done = _update(ws, changed, max_drift)
        if done != "stale":
            return done
    return "none"


def _update(ws: Workspace, changed: list[int], max_drift: float | None) -> str:
    store = ws.store
    saved = store.story_state()
    if saved is None or saved.params != params_key() or not store.has_stories() or store.relinked():
        rebuild_stories(ws)
        return "rebuild"
    pending = store.unclustered()
    canonical = set(pending) | set(changed)
    if canonical:  # copies are not clustered: they follow their canonical
        canonical -= store.duplicate_rowids() if len(canonical) > 50 else {
            r for r in canonical if store.duplicate_of(r) is not None}
    if not canonical:
        store.attach_copies()
        return "none"
    limit = (MAX_DRIFT if max_drift is None else max_drift) * max(saved.n, 1)
    if len(canonical) > limit:  # e.g. everything enriched again by a new pipeline version
        rebuild_stories(ws)
        return "rebuild"
    rows = store.clustering_rows_of(sorted(canonical))
    # undated articles come last in a whole clustering, compared with every article: an update
    # leaves them as they are (a new one waits, with no story, for the next whole clustering)
    items = {row[0]: item for row in rows if day_of((item := _item(*row)).day) is not None}
    if not items:
        store.attach_copies()
        return "none"
    if saved.added + len([r for r in pending if r in items]) > limit:
        rebuild_stories(ws)
        return "rebuild"
    start = min(items, key=lambda r: (day_of(items[r].day) or date.min, r))
    first_day = day_of(items[start].day) or date.min
    later = store.clustered_from(first_day.isoformat(), start)
    if len(set(r for r, _ in later) | set(items)) > limit:
        rebuild_stories(ws)
        return "rebuild"
    return "increment" if _increment(ws, saved, items, later, first_day, start) else "stale"


def _increment(ws: Workspace, saved: StoredState, items: dict[int, StoryItem],
               later: list[tuple[int, str]], first_day: date, start: int) -> bool:
    store, p = ws.store, StoryParams()
    before = {rowid: sid for rowid, sid in later}  # the stories the re-clustered articles leave
    tail_ids = sorted(set(items) | set(before))
    tail = {r[0]: _item(*r) for r in store.clustering_rows_of(tail_ids)}
    since = (first_day - timedelta(days=p.window_days)).isoformat()
    window = store.clustered_between(since, first_day.isoformat(), start)
    window_rows = {r[0]: _item(*r) for r in store.clustering_rows_of([r for r, _ in window])}
    recent = [Member(window_rows[r], sid) for r, sid in window]
    new = [tail[r] for r in tail_ids]
    # the stored frequencies, read for the terms the articles at hand use
    vocab = Vocabulary(saved.n, {}, store.story_vocabulary)
    joined = extend(recent, new, vocab, p)
    rowid_of = {it.key: r for r, it in tail.items()}
    touched = set(before.values()) | set(joined.values())
    # every canonical article of the touched stories, as they are now, summarised again
    kept = [(r, sid) for r, sid in store.canonical_members(touched) if r not in tail]
    members_rows = {r[0]: _item(*r) for r in store.clustering_rows_of([r for r, _ in kept])}
    everyone = sorted([(r, sid) for r, sid in kept] + [(rowid_of[k], sid) for k, sid in joined.items()])
    members = [Member(members_rows[r] if r in members_rows else tail[r], sid) for r, sid in everyone]
    stories = summaries(members, vocab, p)
    _threads(ws, stories, members, vocab, p)
    alive = {s.id for s in stories}
    emptied = sorted(touched - alive)
    days = {r: (d.isoformat() if (d := day_of(it.day)) else UNDATED) for r, it in tail.items()}
    with store.transaction():
        if store.story_state() != saved:  # another writer updated the stories meanwhile: its
            return False  # stories stand, and what this one saw is stale
        joins = [(rowid_of[k], sid, days[rowid_of[k]]) for k, sid in joined.items()]
        store.apply_increment(tail_ids, joins, [story_row(s) for s in stories], emptied)
        added = len([r for r in items if r not in before])
        store.save_story_state(dataclasses.replace(saved, added=saved.added + added))
    return True


def _threads(ws: Workspace, stories: list[Story], members: list[Member],
             vocab: Vocabulary, p: StoryParams) -> None:
    firsts = [s.first for s in stories if s.first]
    mains = {i for s in stories for i, _, _ in s.entities[:5]}
    if not firsts or not mains:
        return
    since = (date.fromisoformat(min(firsts)) - timedelta(days=p.thread_days)).isoformat()
    mine = {s.id for s in stories}
    rows = [t for t in ws.store.thread_candidates(since, max(firsts), mains) if t.id not in mine]
    candidates = [Story(t.id, [], t.label, t.first, t.last, [(e["id"], e["name"], e["articles"]) for e in t.entities],
                        t.countries) for t in rows]
    # only the stories one of these could follow (entities, dates): their articles are read
    candidates = [t for t in candidates if any(may_follow(s, t, p) is not None for s in stories)]
    by_story: dict[str, list[int]] = {}
    for r, sid in sorted(ws.store.canonical_members([t.id for t in candidates])):
        by_story.setdefault(sid, []).append(r)
    # a story's first articles: rowid order stands in for date order to pick the 20 compared
    picked = [(r, sid) for sid, rs in by_story.items() for r in rs[:20]]
    found = {r[0]: _item(*r) for r in ws.store.clustering_rows_of([r for r, _ in picked])}
    earlier_members = [Member(found[r], sid) for r, sid in sorted(picked)]
    threads(stories, members, candidates, earlier_members, vocab, p)
