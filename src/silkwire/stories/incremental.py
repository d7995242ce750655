"""Adding articles to stories made before, without clustering everything again.

Clustering (``cluster.py``) is online in date order, so its state just before an article's
position (day, input order) depends only on the articles before it. Articles that come at or
after the latest clustered one can therefore be clustered onto the stored stories: the state is
rebuilt from the articles of the last ``window_days`` (older ones are never candidates), with
the IDF of the last whole clustering (``Vocabulary``), and the loop goes on from there. With
the same vocabulary this assigns every new article as a whole clustering would; what drifts is
the vocabulary itself (new words, new frequencies), which is why the caller re-clusters
everything when many articles came since (``service/stories.py``: ``update_stories``).

Pure: values in, values out; no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from silkwire.stories.cluster import (
    Features,
    Story,
    StoryItem,
    StoryParams,
    Vocabulary,
    assign,
    date_order,
    follow_up,
    probe_keys,
    story_of,
)


@dataclass(frozen=True, slots=True)
class Member:
    """A clustered article and its story (for the recent articles an increment starts from)."""

    item: StoryItem
    story: str


def extend(recent: Sequence[Member], new: Sequence[StoryItem], vocab: Vocabulary,
           params: StoryParams | None = None) -> dict[str, str]:
    """The story id of each new article (key -> id): an existing story's, or a new story's.

    ``recent`` are the clustered articles of the ``window_days`` before the first new one, and
    ``new`` come after all of them (both in input order: ties of day keep it). A new story's id
    is that of its earliest article, as in a whole clustering.
    """
    p = params or StoryParams()
    items = [m.item for m in recent] + list(new)
    f = Features(items, p, vocab)
    groups: list[list[int]] = []
    group_of: dict[int, int] = {}
    ids: list[str] = []
    index_of: dict[str, int] = {}
    postings: dict[str, list[int]] = defaultdict(list)
    for i in date_order(f, range(len(recent))):
        sid = recent[i].story
        if sid not in index_of:
            index_of[sid] = len(ids)
            ids.append(sid)
            groups.append([])
        groups[index_of[sid]].append(i)
        group_of[i] = index_of[sid]
        for key in probe_keys(f, i):
            postings[key].append(i)
    known = len(groups)
    assign(f, date_order(f, range(len(recent), len(items))), groups, group_of, postings)
    for g in range(known, len(groups)):
        ids.append("s-" + items[groups[g][0]].key[:16])
    return {items[i].key: ids[group_of[i]] for i in range(len(recent), len(items))}


def summaries(members: Sequence[Member], vocab: Vocabulary, params: StoryParams | None = None) -> list[Story]:
    """The stories of ``members`` (every canonical article of each, in input order) summarised as
    a whole clustering does: label, first and last days, entities, countries (no threads)."""
    p = params or StoryParams()
    f = Features([m.item for m in members], p, vocab)
    by_story: dict[str, list[int]] = defaultdict(list)
    for i in date_order(f, range(len(members))):
        by_story[members[i].story].append(i)
    return [story_of(f, indices) for indices in by_story.values()]


def threads(stories: Sequence[Story], members: Sequence[Member], earlier: Sequence[Story],
            earlier_members: Sequence[Member], vocab: Vocabulary, params: StoryParams | None = None) -> None:
    """Set ``follows`` on ``stories`` against themselves and the ``earlier`` stories (oldest first,
    each with up to 20 of its first articles in ``earlier_members``), by the rule of a whole
    clustering (``cluster.follow_up``)."""
    p = params or StoryParams()
    everything = list(members) + list(earlier_members)
    f = Features([m.item for m in everything], p, vocab)
    by_story: dict[str, list[int]] = defaultdict(list)
    for i in date_order(f, range(len(everything))):
        by_story[everything[i].story].append(i)
    mine = {s.id for s in stories}
    candidates = [t for t in earlier if t.id not in mine and by_story.get(t.id)]
    for s in [*candidates, *stories]:
        s._members = by_story.get(s.id, [])
    for s in stories:
        best = follow_up(f, s, [*candidates, *stories], p)
        s.follows = best.id if best is not None else None
