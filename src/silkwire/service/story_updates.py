"""Use case: keep the stored stories up to date as articles come (service layer).

A whole clustering (``storylines.rebuild_stories``) costs ~0.35 ms per stored article
(BENCHMARKS.md): minutes at 360k articles, for every ``enrich`` of a handful of new ones. So
``update_stories`` adds articles to the stored stories instead (``stories/incremental.py``)
when it can: the new (and newly enriched) articles, and every clustered article from the
earliest of them onwards, are clustered again from the stories of the ``window_days`` before,
with the vocabulary of the last whole clustering. This gives what a whole clustering with that
vocabulary would, at a cost that follows the new articles and the recent window, not the
corpus. Everything is clustered again instead when:

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
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import date, timedelta

from silkwire.service.stories import _item, rebuild_stories, story_row
from silkwire.service.workspace import Workspace
from silkwire.store import stories as tables
from silkwire.store import story_state
from silkwire.stories.cluster import Story, StoryItem, StoryParams, Vocabulary, day_of, may_follow
from silkwire.stories.incremental import Member, extend, summaries, threads

MAX_DRIFT = 0.10


def params_key(params: StoryParams | None = None) -> str:
    """The clustering parameters as stored with the state (a change means a whole clustering)."""
    return json.dumps(dataclasses.asdict(params or StoryParams()), sort_keys=True)


def update_stories(ws: Workspace, changed: Iterable[int] = (), max_drift: float | None = None) -> str:
    """Bring the stories up to date with the articles in none (new) and the ``changed`` ones
    (rowids: newly enriched). Returns what was done: "none", "increment" or "rebuild"."""
    store = ws.store
    saved = story_state.state(store)
    built = store.db.execute("SELECT 1 FROM stories LIMIT 1").fetchone() is not None
    if saved is None or saved.params != params_key() or not built or story_state.relinked(store):
        rebuild_stories(ws)
        return "rebuild"
    pending = story_state.unclustered(store)
    canonical = set(pending) | set(changed)
    if canonical:  # copies are not clustered: they follow their canonical
        canonical -= tables.duplicate_rowids(store) if len(canonical) > 50 else {
            r for r in canonical if tables.duplicate_of(store, r) is not None}
    if not canonical:
        tables.attach_copies(store)
        return "none"
    limit = (MAX_DRIFT if max_drift is None else max_drift) * max(saved.n, 1)
    if len(canonical) > limit:  # e.g. everything enriched again by a new pipeline version
        rebuild_stories(ws)
        return "rebuild"
    rows = story_state.clustering_rows_of(store, sorted(canonical))
    # undated articles come last in a whole clustering, compared with every article: an update
    # leaves them as they are (a new one waits, with no story, for the next whole clustering)
    items = {row[0]: item for row in rows if day_of((item := _item(*row)).day) is not None}
    if not items:
        tables.attach_copies(store)
        return "none"
    if saved.added + len([r for r in pending if r in items]) > limit:
        rebuild_stories(ws)
        return "rebuild"
    start = min(items, key=lambda r: (day_of(items[r].day) or date.min, r))
    first_day = day_of(items[start].day) or date.min
    later = story_state.clustered_from(store, first_day.isoformat(), start)
    if len(set(r for r, _ in later) | set(items)) > limit:
        rebuild_stories(ws)
        return "rebuild"
    _increment(ws, saved, items, later, first_day, start)
    return "increment"


def _increment(ws: Workspace, saved: story_state.StoredState, items: dict[int, StoryItem],
               later: list[tuple[int, str]], first_day: date, start: int) -> None:
    store, p = ws.store, StoryParams()
    before = {rowid: sid for rowid, sid in later}  # the stories the re-clustered articles leave
    tail_ids = sorted(set(items) | set(before))
    tail = {r[0]: _item(*r) for r in story_state.clustering_rows_of(store, tail_ids)}
    since = (first_day - timedelta(days=p.window_days)).isoformat()
    window = story_state.clustered_between(store, since, first_day.isoformat(), start)
    window_rows = {r[0]: _item(*r) for r in story_state.clustering_rows_of(store, [r for r, _ in window])}
    recent = [Member(window_rows[r], sid) for r, sid in window]
    new = [tail[r] for r in tail_ids]
    # the stored frequencies, read for the terms the articles at hand use
    vocab = Vocabulary(saved.n, {}, lambda wanted: story_state.vocabulary(store, wanted))
    joined = extend(recent, new, vocab, p)
    rowid_of = {it.key: r for r, it in tail.items()}
    touched = set(before.values()) | set(joined.values())
    # every canonical article of the touched stories, as they are now, summarised again
    kept = [(r, sid) for r, sid in story_state.canonical_members(store, touched) if r not in tail]
    members_rows = {r[0]: _item(*r) for r in story_state.clustering_rows_of(store, [r for r, _ in kept])}
    everyone = sorted([(r, sid) for r, sid in kept] + [(rowid_of[k], sid) for k, sid in joined.items()])
    members = [Member(members_rows[r] if r in members_rows else tail[r], sid) for r, sid in everyone]
    stories = summaries(members, vocab, p)
    _threads(ws, stories, members, vocab, p)
    alive = {s.id for s in stories}
    emptied = sorted(touched - alive)
    days = {r: (d.isoformat() if (d := day_of(it.day)) else story_state.UNDATED) for r, it in tail.items()}
    with store.transaction():
        if story_state.state(store) != saved:  # another writer updated the stories meanwhile: its
            return  # stories stand, and what this one saw is stale (the next update takes it up)
        joins = [(rowid_of[k], sid, days[rowid_of[k]]) for k, sid in joined.items()]
        story_state.apply_increment(store, tail_ids, joins, [story_row(s) for s in stories], emptied)
        added = len([r for r in items if r not in before])
        story_state.save_state(store, dataclasses.replace(saved, added=saved.added + added))


def _threads(ws: Workspace, stories: list[Story], members: list[Member],
             vocab: Vocabulary, p: StoryParams) -> None:
    firsts = [s.first for s in stories if s.first]
    mains = {i for s in stories for i, _, _ in s.entities[:5]}
    if not firsts or not mains:
        return
    since = (date.fromisoformat(min(firsts)) - timedelta(days=p.thread_days)).isoformat()
    mine = {s.id for s in stories}
    rows = [t for t in story_state.thread_candidates(ws.store, since, max(firsts), mains) if t.id not in mine]
    candidates = [Story(t.id, [], t.label, t.first, t.last, [(e["id"], e["name"], e["articles"]) for e in t.entities],
                        t.countries) for t in rows]
    # only the stories one of these could follow (entities, dates): their articles are read
    candidates = [t for t in candidates if any(may_follow(s, t, p) is not None for s in stories)]
    by_story: dict[str, list[int]] = {}
    for r, sid in sorted(story_state.canonical_members(ws.store, [t.id for t in candidates])):
        by_story.setdefault(sid, []).append(r)
    # a story's first articles: rowid order stands in for date order to pick the 20 compared
    picked = [(r, sid) for sid, rs in by_story.items() for r in rs[:20]]
    found = {r[0]: _item(*r) for r in story_state.clustering_rows_of(ws.store, [r for r, _ in picked])}
    earlier_members = [Member(found[r], sid) for r, sid in sorted(picked)]
    threads(stories, members, candidates, earlier_members, vocab, p)
