"""Stories: online clustering of articles into real-world stories, and threads between stories.

Articles are taken in date order; each joins the story it is most similar to, or starts one.
Similarity of an article to a story is the best over the story's articles within ``window_days``
of it (single link: a story moves over time, announcement -> event -> aftermath), and mixes:

- TF-IDF cosine over stemmed, accent-folded words of the title and text (the issue measured that
  TF-IDF separates related from unrelated seed items where spaCy vectors do not);
- shared entities and places (Jaccard of entity ids and place names: +0.009 demo F1 measured)
  and shared countries (Jaccard of ISO codes), when the enrichment found them;
- a shared event type (PLOVER), when the enrichment has events.

An article joins when the mix reaches ``join``; or, without enrichment, when the cosine alone
reaches ``join_text`` (text is then all we have, so the bar is the same evidence in one feature).
Afterwards a story *follows up* an earlier one (a thread: a proposal in March, its adoption in
July) when their main entities overlap and their texts are alike, but they were too far apart
or too different to be one story.

Pure: values in, values out; no database (``service/stories.py`` feeds it from the store).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import Stemmer

from silkwire.stories.scoring import centrality
from silkwire.stories.scoring import cosine as _cosine  # the stream's, compiled: the same floats
from silkwire.textnorm import fold, normalize_text

_WORD = re.compile(r"[^\W\d_]{3,}")  # words of 3+ letters: drops l', d', numbers, most short stop words
_STEMMER = Stemmer.Stemmer("french")


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One (canonical) article as clustering sees it."""

    key: str
    text: str
    day: str | None = None  # YYYY-MM-DD: published, or its estimate, or the event date
    entities: tuple[tuple[str, str], ...] = ()  # (id, display name)
    countries: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # PLOVER types
    places: tuple[str, ...] = ()  # place names: they weigh with the entities (Samarcande, Bichkek)
    title: str | None = None
    enriched: bool = False


@dataclass(frozen=True, slots=True)
class StoryParams:
    window_days: int = 45
    join: float = 0.30
    join_text: float = 0.25
    w_text: float = 0.70
    w_entities: float = 0.10
    w_countries: float = 0.10
    w_event: float = 0.05  # small: CONSULT or AGREE is shared by most diplomatic news
    text_chars: int = 800  # the title and lead say what a story is; a long body adds noise and time
    thread_days: int = 400
    # A thread link needs this text cosine. Measured on the demo (every candidate pair printed
    # with its cosine and read): the links at 0.26 and above are all follow-ups (Temirov Live's
    # raid then trial 0.36, the CEI summits 0.34, the OTS summits 0.33, the railway agreement
    # then its works 0.30); below 0.24 most are not (a trade record "following" a cancelled
    # Japanese tour 0.15, a CEI summit a plane crash 0.22). Clusters, hence B-cubed, are unchanged.
    thread_text: float = 0.25
    thread_entities: float = 0.3
    max_df: float = 0.5  # words in more than half of the articles say nothing about a story
    probe_terms: int = 12  # candidates: articles sharing one of these strongest terms...
    probe_postings: int = 300  # ...among the latest articles having it...
    probe_candidates: int = 60  # ...most shared first


@dataclass
class Story:
    id: str
    keys: list[str]
    label: str
    first: str | None
    last: str | None
    entities: list[tuple[str, str, int]]  # (id, name, articles), most named first
    countries: list[str]
    follows: str | None = None
    _members: list[int] = field(default_factory=list, repr=False)


_KEPT = 262_144  # words whose term is kept (then the dictionary starts again: memory stays bounded)
_TERMS: dict[str, str] = {}


def _term(word: str) -> str:
    if len(_TERMS) >= _KEPT:
        _TERMS.clear()
    found = _TERMS[word] = fold(_STEMMER.stemWord(word.lower()))
    return found


def terms(text: str) -> list[str]:
    """Stemmed, accent-folded words of 3+ letters (news vocabulary repeats: each word's term is
    kept in a dictionary, read inline: ~12% less CPU than an ``lru_cache``'s call per word)."""
    kept = _TERMS
    return [kept.get(w) or _term(w) for w in _WORD.findall(normalize_text(text))]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Document frequencies of the terms over ``n`` articles: the IDF of a full clustering, kept
    so that articles clustered later (``stories/incremental.py``) get the same weights."""

    n: int
    df: dict[str, int]
    # where the frequencies of terms not in ``df`` yet are read (a stored vocabulary, read
    # term by term as articles need them); what it returns is kept in ``df``
    lookup: Callable[[set[str]], dict[str, int]] | None = None

    def covering(self, bags: Sequence[Counter[str]]) -> Vocabulary:
        if self.lookup is not None:
            missing = {t for bag in bags for t in bag if t not in self.df}
            if missing:
                self.df.update(self.lookup(missing))
        return self


def _bags(items: Sequence[StoryItem], chars: int) -> list[Counter[str]]:
    # the title counts twice: it is the densest statement of what the article is about
    return [Counter(terms(f"{it.title or ''} {it.title or ''} {it.text[:chars]}")) for it in items]


def vocabulary_of(bags: Sequence[Counter[str]]) -> Vocabulary:
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    return Vocabulary(len(bags), dict(df))


def _vectors(bags: Sequence[Counter[str]], vocab: Vocabulary, max_df: float) -> list[dict[str, float]]:
    n, df = vocab.n, vocab.df
    limit = max_df * n if n >= 20 else n  # on a handful of articles document frequency says nothing
    vectors = []
    for bag in bags:
        # a term the vocabulary lacks (an article clustered after it was made) weighs as if once seen
        vec = {t: (1 + math.log(c)) * (1 + math.log((1 + n) / (1 + df.get(t, 1)))) for t, c in bag.items()
               if df.get(t, 1) <= limit}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def day_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class Features:
    def __init__(self, items: Sequence[StoryItem], params: StoryParams, vocab: Vocabulary | None = None) -> None:
        self.items = items
        bags = _bags(items, params.text_chars)
        self.vocabulary = vocab.covering(bags) if vocab else vocabulary_of(bags)
        self.vectors = _vectors(bags, self.vocabulary, params.max_df)
        self.entities = [frozenset([*(i for i, _ in it.entities), *(f"place:{n}" for n in it.places)])
                         for it in items]
        self.countries = [frozenset(it.countries) for it in items]
        self.events = [frozenset(it.events) for it in items]
        self.days = [day_of(it.day) for it in items]
        self.params = params

    def similarity(self, i: int, j: int) -> float:
        p = self.params
        cos = _cosine(self.vectors[i], self.vectors[j])
        if not (self.items[i].enriched and self.items[j].enriched):
            return cos * p.join / p.join_text
        return (p.w_text * cos + p.w_entities * _jaccard(self.entities[i], self.entities[j])
                + p.w_countries * _jaccard(self.countries[i], self.countries[j])
                + p.w_event * (1.0 if self.events[i] & self.events[j] else 0.0))

    def days_apart(self, i: int, j: int) -> int:
        a, b = self.days[i], self.days[j]
        return abs((a - b).days) if a and b else 0


def cluster(items: Sequence[StoryItem], params: StoryParams | None = None) -> list[Story]:
    """Stories of ``items`` (every item is in exactly one story; a lone article is a story of one)."""
    return cluster_with_vocabulary(items, params)[0]


def cluster_with_vocabulary(items: Sequence[StoryItem], params: StoryParams | None = None
                            ) -> tuple[list[Story], Vocabulary]:
    """``cluster``, and the vocabulary its TF-IDF weights came from."""
    p = params or StoryParams()
    f = Features(items, p)
    groups: list[list[int]] = []
    group_of: dict[int, int] = {}
    assign(f, date_order(f, range(len(items))), groups, group_of, defaultdict(list))
    stories = [story_of(f, members) for members in groups]
    link_threads(f, stories, p)
    return stories, f.vocabulary


def date_order(f: Features, indices: Iterable[int]) -> list[int]:
    """Date order (undated last, then input order): "online" in the order events happened."""
    return sorted(indices, key=lambda i: (f.days[i] is None, f.days[i] or date.min, i))


def probe_keys(f: Features, i: int) -> list[str]:
    """The posting keys of article ``i``: its strongest terms and its entities."""
    keys = [t for t, _ in sorted(f.vectors[i].items(), key=lambda x: -x[1])[: f.params.probe_terms]]
    return keys + [f"@{e}" for e in f.entities[i]]


def assign(f: Features, order: Sequence[int], groups: list[list[int]], group_of: dict[int, int],
           postings: dict[str, list[int]]) -> None:
    """Put each article of ``order`` into the group it is most similar to, or a new one.

    ``groups``, ``group_of`` and ``postings`` are the state so far (empty for a whole clustering;
    the recent articles and their stories when articles are added to stored stories).
    Candidates come from an inverted index over each article's strongest terms and its
    entities, recent postings first: comparing with every story would be quadratic.
    """
    p = f.params
    for i in order:
        keys = probe_keys(f, i)
        hits: Counter[int] = Counter()
        for key in keys:
            hits.update(postings[key][-p.probe_postings:])
        best, best_score = -1, 0.0
        for m, _ in hits.most_common(p.probe_candidates):
            if f.days_apart(i, m) > p.window_days:
                continue
            score = f.similarity(i, m)
            if score > best_score:
                best, best_score = group_of[m], score
        if best >= 0 and best_score >= p.join:
            groups[best].append(i)
            group_of[i] = best
        else:
            group_of[i] = len(groups)
            groups.append([i])
        for key in keys:
            postings[key].append(i)


def story_of(f: Features, members: list[int]) -> Story:
    items = f.items
    days = sorted(d for d in (f.days[m] for m in members) if d)
    named: Counter[str] = Counter()
    names: dict[str, str] = {}
    countries: Counter[str] = Counter()
    for m in members:
        named.update(i for i, _ in items[m].entities)
        names.update((i, n) for i, n in items[m].entities)
        countries.update(items[m].countries)
    # the label: the title of the most central article (closest to all the others)
    sample = members[:50]  # centrality on the first 50 is plenty and keeps big stories linear
    sums = centrality([f.vectors[m] for m in sample])
    central = sample[max(range(len(sample)), key=lambda k: (sums[k], -sample[k]))]
    it = items[central]
    label = it.title or it.text.split("\n", 1)[0][:100]
    first_item = min(members, key=lambda m: (f.days[m] or date.max, m))
    return Story(
        id="s-" + items[first_item].key[:16],
        keys=[items[m].key for m in members],
        label=label,
        first=days[0].isoformat() if days else None,
        last=days[-1].isoformat() if days else None,
        entities=[(i, names[i], c) for i, c in sorted(named.items(), key=lambda x: (-x[1], names[x[0]]))[:8]],
        countries=[c for c, _ in sorted(countries.items(), key=lambda x: (-x[1], x[0]))],
        _members=members,
    )


def link_threads(f: Features, stories: list[Story], p: StoryParams) -> None:
    """A story follows the latest earlier story with the same main actors and related text."""
    by_entity: dict[str, list[Story]] = defaultdict(list)
    for s in stories:
        for i, _, _ in s.entities[:5]:
            by_entity[i].append(s)
    for s in stories:
        candidates = {id(t): t for i, _, _ in s.entities[:5] for t in by_entity[i][: p.probe_candidates]}
        best = follow_up(f, s, candidates.values(), p)
        if best is not None:
            s.follows = best.id


def may_follow(s: Story, t: Story, p: StoryParams) -> float | None:
    """The main-entity overlap (Jaccard) when ``s`` could follow ``t`` (ended before it, within
    ``thread_days``, enough main entities shared), else None; the text decides (``follow_up``)."""
    if t is s or not s.first or not t.last or t.last > s.first:
        return None
    if (date.fromisoformat(s.first) - date.fromisoformat(t.last)).days > p.thread_days:
        return None
    shared = _jaccard(frozenset(i for i, _, _ in s.entities[:5]), frozenset(i for i, _, _ in t.entities[:5]))
    return shared if shared >= p.thread_entities else None


def follow_up(f: Features, s: Story, candidates: Iterable[Story], p: StoryParams) -> Story | None:
    """The story ``s`` follows among ``candidates``: the best by shared entities + text cosine."""
    best, best_score = None, 0.0
    for t in candidates:
        shared = may_follow(s, t, p)
        if shared is None:
            continue
        text = max(_cosine(f.vectors[a], f.vectors[b]) for a in s._members[:20] for b in t._members[:20])
        if text >= p.thread_text and shared + text > best_score:
            best, best_score = t, shared + text
    return best
