"""The whole clustering of ``cluster.py``, streamed: articles in date order, memory bounded by the
window, not by the corpus.

``cluster.assign`` compares an article only with articles of the ``window_days`` before it (a
candidate further back is skipped), so an article can be forgotten once the stream has moved
``window_days`` past it, and a story can be summarised and written once it has no article left
in the window (no later article can join it). ``StoryStream`` does that: ``add`` takes each
article in date order (ties in input order) with the vocabulary of the whole corpus (a first
pass over it), and gives back the memberships as it goes and each story as it closes.

What it keeps: the articles of the window (their vectors and facts), the open stories (counts,
and the first 50 members' vectors for the label), the posting lists of the keys used in the last
``thread_days`` (400), and for threads the closed stories that could still be followed (their
first 20 members' vectors, the latest 60 per main entity). The result is that of
``cluster.cluster`` on the same articles, but for three things, measured in BENCHMARKS.md: a
posting list not added to for ``thread_days`` is dropped (the whole clustering kept it: its
articles, long out of the window, took places among the 60 candidates compared, then were
skipped; on OrangeSum, 5 articles of 32,582 in another story, B-cubed 0.9998 against the whole
clustering; kept for 45 days only, 0.989); threads are looked for among the *latest* 60
stories of each main entity, where the whole clustering took the first 60 of the corpus (years
before, at scale: no thread); and a story that an undated article joins at the end is summarised
again with it, but its thread is not looked for again.

Undated articles (no date, no estimate) come last, compared with every earlier article (no
window), as in the whole clustering: the keys they will probe (known from the first pass) keep
their whole posting lists, and an article that has left the window is read back through
``fetch`` when one of them needs it.

Pure: values in, values out; the store is reached through the ``fetch`` callable only.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from silkwire.stories.cluster import Story, StoryItem, StoryParams, Vocabulary, day_of, terms
from silkwire.stories.scoring import centrality, cosine, cosines, post, strongest

# rowids -> (item, story id) of articles met before (those that left the window)
Fetch = Callable[[Sequence[int]], dict[int, tuple[StoryItem, str]]]
# story id -> (rowid, item) of its articles met so far, in stream order
Members = Callable[[str], list[tuple[int, StoryItem]]]
_SAMPLE = 50  # members whose centrality picks the label (cluster.story_of)
_THREAD_MEMBERS = 20  # members compared for a thread (cluster.follow_up)


def bag(item: StoryItem, chars: int) -> Counter[str]:
    """The terms of an article as ``cluster`` weighs them (the title counts twice)."""
    return Counter(terms(f"{item.title or ''} {item.title or ''} {item.text[:chars]}"))


def most_common(hits: Counter[int], n: int, most: int = 1 << 62) -> list[int]:
    """``[m for m, _ in hits.most_common(n)]``, the same order (count, then first counted), with a
    stable sort in numpy: ~2x faster over the thousands of candidates an article counts. ``most``:
    no count is above it (the number of posting lists counted, where an article is once at most);
    under 2**15 the counts are sorted as 16-bit integers, by numpy's radix sort (~4x faster than
    its stable sort of 64-bit ones, the same order)."""
    keys = list(hits)
    if len(keys) <= n:
        return [m for m, _ in hits.most_common(n)]
    counts: npt.NDArray[np.signedinteger[Any]] = np.fromiter(
        hits.values(), dtype=np.int16 if most < 1 << 15 else np.int64, count=len(keys))
    return [keys[i] for i in np.argsort(-counts, kind="stable")[:n].tolist()]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(slots=True)
class _Article:
    rowid: int
    item: StoryItem
    vector: dict[str, float]
    entities: frozenset[str]
    countries: frozenset[str]
    events: frozenset[str]
    day: date | None
    story: int = -1


@dataclass(slots=True)
class _Open:
    """A story being built: what ``cluster.story_of`` needs of it, without its members."""

    n: int  # its number in the stream
    id: str
    first_day: date | None
    last_day: date | None
    articles: int = 0
    named: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    countries: Counter[str] = field(default_factory=Counter)
    # the first members: (vector, label text, rowid: input order breaks a tie of centrality)
    sample: list[tuple[dict[str, float], str, int]] = field(default_factory=list)
    reopened: bool = False  # closed, then joined by an undated article: summarised again from its members


class StoryStream:
    """See the module doc. Feed ``add`` in date order, then ``finish``."""

    def __init__(self, vocab: Vocabulary, params: StoryParams | None = None, fetch: Fetch | None = None,
                 members: Members | None = None, undated_keys: Iterable[str] = ()) -> None:
        self.p = params or StoryParams()
        self.vocab = vocab
        self._fetch = fetch
        self._members = members
        self._limit = self.p.max_df * vocab.n if vocab.n >= 20 else vocab.n
        self._idf: dict[str, float] = {}  # term -> its weight, as terms come
        self._live: dict[int, _Article] = {}
        self._window: deque[tuple[date, int]] = deque()
        self._postings: dict[str, list[int]] = {}
        self._touched: dict[str, int] = {}  # key -> the day (ordinal) of its latest posting
        # the whole posting lists of the keys undated articles probe
        self._long: dict[str, list[int]] = {k: [] for k in undated_keys}
        self._stories: dict[int, _Open] = {}
        self._closing: list[tuple[date, int]] = []  # (last day, story) heap, entries may be stale
        self._threads: dict[str, deque[Story]] = defaultdict(lambda: deque(maxlen=self.p.probe_candidates))
        self._thread_vectors: dict[str, list[dict[str, float]]] = {}
        self._count = 0
        self.made = 0  # stories made
        self._swept: date | None = None
        self._day: date | None = None

    # -- features -------------------------------------------------------------------------

    def article(self, rowid: int, item: StoryItem, counted: Mapping[str, int] | None = None) -> _Article:
        """An article's features, as ``cluster.Features`` computes them; ``counted``: its
        ``bag``, counted before (``stories/words.py``), in the bag's order."""
        idf = self._idf
        vec = {}
        for t, c in (bag(item, self.p.text_chars) if counted is None else counted).items():
            weight = idf.get(t)
            if weight is None:
                weight = idf[t] = self._weight(t)
            if weight:
                vec[t] = (1 + math.log(c)) * weight
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return _Article(rowid, item, {t: v / norm for t, v in vec.items()},
                        frozenset([*(i for i, _ in item.entities), *(f"place:{x}" for x in item.places)]),
                        frozenset(item.countries), frozenset(item.events), day_of(item.day))

    def _weight(self, term: str) -> float:
        """The IDF factor of ``cluster._vectors`` (the same float), 0.0 for a term it leaves out."""
        n, df = self.vocab.n, self.vocab.df.get(term, 1)
        return 0.0 if df > self._limit else 1 + math.log((1 + n) / (1 + df))

    def _similarity(self, a: _Article, b: _Article, cos: float) -> float:
        """``cluster.Features.similarity`` given the two vectors' cosine (``scoring.cosines``)."""
        p = self.p
        if not (a.item.enriched and b.item.enriched):
            return cos * p.join / p.join_text
        return (p.w_text * cos + p.w_entities * _jaccard(a.entities, b.entities)
                + p.w_countries * _jaccard(a.countries, b.countries)
                + p.w_event * (1.0 if a.events & b.events else 0.0))

    def probe_keys(self, a: _Article) -> list[str]:
        return strongest(a.vector, self.p.probe_terms) + [f"@{e}" for e in a.entities]

    # -- the stream -----------------------------------------------------------------------

    def add(self, rowid: int, item: StoryItem,
            counted: Mapping[str, int] | None = None) -> Iterator[tuple[int, str, date | None] | Story]:
        """Cluster one article (after every earlier one in date order), with its ``bag`` if it was
        counted before. Yields its membership (rowid, story id, day) and the stories that closed."""
        a = self.article(rowid, item, counted)
        if a.day is not None:
            yield from self._advance(a.day)
        yield self._assign(a)

    def _advance(self, day: date) -> Iterator[Story]:
        """The stream reaches ``day``: articles and stories older than the window leave it."""
        if self._day == day:
            return
        self._day = day
        cutoff = day.toordinal() - self.p.window_days
        while self._window and self._window[0][0].toordinal() < cutoff:
            del self._live[self._window.popleft()[1]]
        while self._closing and self._closing[0][0].toordinal() < cutoff:
            last, sid = heapq.heappop(self._closing)
            s = self._stories.get(sid)
            if s is not None and s.last_day == last:
                yield self._close(sid)
        if self._swept is None or (day - self._swept).days > self.p.window_days:
            self._sweep(day)

    def _sweep(self, day: date) -> None:
        """Drop the posting lists not added to for ``thread_days`` (their articles are long out
        of the window: they only took places among the candidates compared, then were skipped),
        and the stories that no later story can follow any more."""
        self._swept = day
        stale = day.toordinal() - self.p.thread_days
        touched = self._touched
        for key in [k for k, last in touched.items() if last < stale]:
            del touched[key]
            self._postings.pop(key, None)
        open_first = min((s.first_day for s in self._stories.values() if s.first_day), default=day)
        oldest = min(open_first, day).toordinal() - self.p.window_days - self.p.thread_days
        for key in list(self._threads):
            kept = self._threads[key]
            while kept and kept[0].last is not None and date.fromisoformat(kept[0].last).toordinal() < oldest:
                kept.popleft()
            if not kept:
                del self._threads[key]
        alive = {t.id for kept in self._threads.values() for t in kept}
        for sid in [s for s in self._thread_vectors if s not in alive]:
            del self._thread_vectors[sid]

    def _assign(self, a: _Article) -> tuple[int, str, date | None]:
        """``cluster.assign`` for one article."""
        p = self.p
        keys = self.probe_keys(a)
        undated = a.day is None
        lists = self._long if undated else self._postings
        last = p.probe_postings
        found = [lists[key] for key in keys if key in lists]
        hits = Counter(chain.from_iterable(postings[-last:] for postings in found))
        candidates = most_common(hits, p.probe_candidates, len(found))
        known = self._recall([m for m in candidates if m not in self._live]) if undated else {}
        others = []
        for m in candidates:
            other = self._live.get(m) or known.get(m)
            if other is None:
                continue  # left the window: further back than window_days
            if a.day is not None and other.day is not None and abs((a.day - other.day).days) > p.window_days:
                continue
            others.append(other)
        best, best_score = -1, 0.0
        for other, cos in zip(others, cosines(a.vector, [o.vector for o in others]), strict=True):
            score = self._similarity(a, other, cos)
            if score > best_score:
                best, best_score = other.story, score
        if best < 0 or best_score < p.join:
            best = self._count
            self._count += 1
            self.made += 1
            self._stories[best] = _Open(best, "s-" + a.item.key[:16], a.day, a.day)
        a.story = best
        self._join(self._stories[best], a)
        # only the last ``probe_postings`` of a list are read: longer lists are cut
        post(self._postings, self._touched, self._long, keys, a.rowid,
             a.day.toordinal() if a.day is not None else None, p.probe_postings)
        self._live[a.rowid] = a
        if a.day is not None:
            self._window.append((a.day, a.rowid))
        return a.rowid, self._stories[best].id, a.day

    def _recall(self, rowids: Sequence[int]) -> dict[int, _Article]:
        """Articles that left the window, read back (an undated article compares with any)."""
        if not rowids or self._fetch is None:
            return {}
        ids = {s.id: sid for sid, s in self._stories.items()}
        out = {}
        for rowid, (item, story_id) in self._fetch(rowids).items():
            other = self.article(rowid, item)
            if story_id not in ids:  # closed and written: open it again to take the article
                ids[story_id] = self._reopen(story_id)
            other.story = ids[story_id]
            out[rowid] = other
        return out

    def _reopen(self, story_id: str) -> int:
        sid = self._count
        self._count += 1
        self._stories[sid] = _Open(sid, story_id, None, None, reopened=True)
        return sid

    def _join(self, s: _Open, a: _Article) -> None:
        s.articles += 1
        s.named.update(i for i, _ in a.item.entities)
        s.names.update(a.item.entities)
        s.countries.update(a.item.countries)
        if len(s.sample) < _SAMPLE:
            s.sample.append((a.vector, a.item.title or a.item.text.split("\n", 1)[0][:100], a.rowid))
        if a.day is not None:
            s.first_day = a.day if s.first_day is None else min(s.first_day, a.day)
            if s.last_day is None or a.day > s.last_day:
                s.last_day = a.day
            heapq.heappush(self._closing, (a.day, s.n))

    def _close(self, sid: int) -> Story:
        s = self._stories.pop(sid)
        if s.reopened and self._members is not None:  # every article it took, summarised again
            s = _Open(sid, s.id, None, None)
            for rowid, item in self._members(s.id):
                self._join(s, self.article(rowid, item))
        story = summary(s)
        vectors = [v for v, _, _ in s.sample[:_THREAD_MEMBERS]]
        if story.entities:
            story.follows = self._follow(story, vectors)
            self._thread_vectors[story.id] = vectors
            for i, _, _ in story.entities[:5]:
                self._threads[i].append(story)
        return story

    def _follow(self, s: Story, vectors: list[dict[str, float]]) -> str | None:
        """``cluster.follow_up`` among the latest stories of its main entities (module doc)."""
        p = self.p
        candidates = {t.id: t for i, _, _ in s.entities[:5] for t in self._threads.get(i, ())}
        best, best_score = None, 0.0
        for t in candidates.values():
            shared = _may_follow(s, t, p)
            if shared is None:
                continue
            theirs = self._thread_vectors.get(t.id, [])
            text = max((cosine(a, b) for a in vectors for b in theirs), default=0.0)
            if text >= p.thread_text and shared + text > best_score:
                best, best_score = t, shared + text
        return best.id if best is not None else None

    def finish(self) -> Iterator[Story]:
        """Close every story left (the stream is over), the earliest ending first; a story that
        was written and then joined by an undated article comes out again, summarised with every
        article it took (read back through ``members``)."""
        order = sorted(self._stories.values(), key=lambda s: (s.last_day or date.max, s.n))
        for s in order:
            yield self._close(s.n)


def _may_follow(s: Story, t: Story, p: StoryParams) -> float | None:
    if t.id == s.id or not s.first or not t.last or t.last > s.first:
        return None
    if (date.fromisoformat(s.first) - date.fromisoformat(t.last)).days > p.thread_days:
        return None
    shared = _jaccard(frozenset(i for i, _, _ in s.entities[:5]), frozenset(i for i, _, _ in t.entities[:5]))
    return shared if shared >= p.thread_entities else None


def summary(s: _Open) -> Story:
    """``cluster.story_of`` from what an open story kept."""
    sample = s.sample
    sums = centrality([v for v, _, _ in sample])
    central = max(range(len(sample)), key=lambda m: (sums[m], -sample[m][2]))
    named = sorted(s.named.items(), key=lambda x: (-x[1], s.names[x[0]]))[:8]
    return Story(id=s.id, keys=[], label=sample[central][1],
                 first=s.first_day.isoformat() if s.first_day else None,
                 last=s.last_day.isoformat() if s.last_day else None,
                 entities=[(i, s.names[i], c) for i, c in named],
                 countries=[c for c, _ in sorted(s.countries.items(), key=lambda x: (-x[1], x[0]))])
