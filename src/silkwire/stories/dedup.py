"""Exact and near-duplicate detection at ingest, across sources, online.

``DuplicateFinder.add`` takes articles one at a time and says, for each, which earlier-seen
article it duplicates: its group's *canonical* article, the earliest published (first seen on a
tie, undated after dated). Nothing is dropped: the caller keeps the duplicate and stores the link.

Layers:

1. **Exact**: a hash of the comparable form (``shingles.comparable``: folded case and accents,
   typography and spacing ignored). The same dispatch from two feeds -> same digest, O(1).
2. **Near**: MinHash LSH proposes candidates from two signatures, one over the character
   5-shingles of the whole text and one over those of the *head* (the title, or the first
   ``head_chars`` characters of an untitled text); each candidate is then verified on a
   bottom-k sample of the two shingle sets (exact for any text of at most ``sample`` shingles).

A pair is a duplicate when
- the texts are nearly the same (Jaccard >= ``min_jaccard``), whatever their titles: a copy
  retitled by another outlet; or
- the heads are alike (Jaccard >= ``min_head``) and the smaller text is at least
  ``min_containment`` contained in the larger one: versions of one dispatch (an update with a
  longer body, a corrected figure) and a lead-only listing item against the full article,
  published at most ``max_days`` apart.
So one shared sentence, or a recurring title over a new text ("le point sur la pandémie"), is
not a duplicate. Measured on OrangeSum (``bench/dedup_orangesum.py``, BENCHMARKS.md): the rule
on titles is what separates an updated dispatch (same title, half the body rewritten) from two
articles reusing paragraphs of one agency story under different titles.

LSH banding: a signature of ``num_perm`` values is cut into ``b`` bands of ``r`` values; two
articles are candidates when one band is equal. Each band is keyed by (band number, a 64-bit
hash of its values), so that a database can index it (``band_hashes``); (b, r) are datasketch's
optimum for a threshold of 0.7 on the text and 0.6 on the head (a test checks that they are, and
that the candidates are datasketch's). Copies (exact or near-identical) are not banded: their
twin stands for them, so one dispatch repeated N times costs O(N), not O(N²).

Work per article that does not grow with the corpus (issue 16): bands are filed under a
*period* of the publication date (``period_days``), and a new article looks only in its own
period and, near a period's edge, the neighbouring one: near duplicates are looked for within
``horizon_days`` of its publication, on either side, and verification refuses a pair further
apart, so what is found does not depend on where a period starts. Exact copies (the digest) are
found at any distance. Undated articles (listing items) are filed under a period of their own
(``UNDATED``), which every article looks in too, and look themselves in the periods of the
latest dated articles added (``recent_periods``): a listing item comes with the news of its
days, whether its page was read before or after the feed that dates them. Versions of one
dispatch run within days (``max_days``), and an explainer republished under a new title within
a week (BENCHMARKS.md); a copy republished months later is no longer linked unless it is exact.
Each lookup then reads a bounded region of the index (a period's bands, the latest ``max_verify``
of each bucket), whatever the size of the corpus, and the region written while an archive is
loaded in date order stays the same size.

The costly part of ``add`` (folding, shingles, MinHash, bands) needs no earlier article:
``prepare`` does it on its own, so that a caller can run it outside the store's transaction (or
in another process) and hand the result to ``add``.

Nothing here touches the database: what the finder remembers goes through a ``SeenArticles``
(``seen.py``): dictionaries by default, the store's tables at ingest. Texts of earlier articles
are re-read through ``loader`` only when one must be verified and its sample is not among the
latest ``keep_material`` kept in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from silkwire.stories.minhash import I64, Permutations, band_hashes, band_keys, estimate_overlap
from silkwire.stories.seen import Band, DedupState, MemorySeen, Seen, SeenArticles
from silkwire.stories.shingles import (
    U32,
    comparable,
    comparable_many,
    content_digest,
    shingle_hashes,
    shingle_hashes_many,
)

__all__ = ["AddResult", "DedupParams", "DedupState", "DuplicateFinder", "Prepared", "band_hashes", "estimate_overlap"]

# (title or None, text) of a stored article, to verify an earlier one
Loader = Callable[[str], tuple[str | None, str]]


UNDATED = -1  # the period of undated articles' bands
RECENT_PERIODS = 3  # the periods an undated article looks in: those of the latest dated articles


@dataclass(frozen=True, slots=True)
class DedupParams:
    shingle: int = 5
    num_perm: int = 128
    head_perm: int = 64
    # (bands, rows per band): datasketch's optimum for MinHashLSH(threshold=0.7, num_perm=128),
    # candidates for the near-identical rule (estimate noise below 0.9) ...
    text_bands: tuple[int, int] = (14, 9)
    # ... and for MinHashLSH(threshold=0.6, num_perm=64), candidates for the same-head rule
    head_bands: tuple[int, int] = (10, 6)
    sample: int = 256
    head_chars: int = 120  # the head of an untitled text: about a title's length
    min_jaccard: float = 0.9
    min_head: float = 0.8
    min_containment: float = 0.5
    max_verify: int = 64  # candidates verified per article, latest first (bounds recurring titles)
    keep_material: int = 5000  # samples kept in memory when texts can be re-read (loader)
    max_days: int = 2  # versions of one dispatch come out within days; a recurring title weeks apart
    horizon_days: int = 14  # near duplicates (not exact) are looked for this many days either side
    period_days: int = 64  # bands are filed by period of publication (module doc)
    seed: int = 20250730

    def band_layout(self) -> str:
        """What the stored band hashes depend on: when it changes, they must be recomputed."""
        return (f"text {self.text_bands[0]}x{self.text_bands[1]} of {self.num_perm}, "
                f"head {self.head_bands[0]}x{self.head_bands[1]} of {self.head_perm}, seed {self.seed}, fnv-fmix64, "
                f"periods of {self.period_days} days")

    def period(self, day: date | None) -> int:
        """The period the bands of an article published on ``day`` are filed under."""
        return UNDATED if day is None else day.toordinal() // self.period_days

    def probes(self, day: date | None, recent: Sequence[int] = ()) -> tuple[int, ...]:
        """The periods to look in for the near duplicates of an article of ``day``: its own, the
        neighbour within ``horizon_days`` when there is one (``horizon_days`` < ``period_days``)
        and the undated articles'; for an undated article, the ``recent`` periods and its own."""
        if day is None:
            return (*recent, UNDATED)
        n = day.toordinal()
        own = n // self.period_days
        out = [own]
        if (n - self.horizon_days) // self.period_days < own:
            out.append(own - 1)
        if (n + self.horizon_days) // self.period_days > own:
            out.append(own + 1)
        return (*out, UNDATED)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What ``DuplicateFinder.prepare`` computes from a text alone (no earlier article needed)."""

    state: DedupState
    sample: U32  # the bottom-k sample of the text's shingle hashes
    head: U32  # the head's shingle hashes
    bands: tuple[Band, ...]  # its LSH bands (text's, unless empty, then the head's)
    rows: I64  # the same (band, hash) pairs as an array of two columns (for lookups in bulk)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add`` decided: the canonical this article duplicates (None: it is canonical), the
    similarity that decided it (1.0 for an exact copy), and the other members whose canonical
    is now this article, because it is earlier than the group's previous canonical."""

    duplicate_of: str | None
    similarity: float = 0.0
    relinked: tuple[str, ...] = ()
    previous: str | None = None  # the group's canonical until now, when this article took its place


def _order(doc: Seen) -> tuple[int, str, int]:
    """Sort key for 'earliest': dated before undated, then date, then first seen."""
    return (0, doc.published, doc.seq) if doc.published else (1, "", doc.seq)


class DuplicateFinder:
    """Online duplicate detection; see the module doc. Not thread-safe (one writer)."""

    def __init__(self, params: DedupParams | None = None, loader: Loader | None = None,
                 seen: SeenArticles | None = None) -> None:
        """``seen``: where earlier articles are remembered (default: in memory, for this finder)."""
        self.params = p = params or DedupParams()
        for (bands, rows), perm in ((p.text_bands, p.num_perm), (p.head_bands, p.head_perm)):
            if bands < 2 or bands * rows > perm:
                raise ValueError(f"LSH bands {bands}x{rows}: need at least 2 bands of at most {perm} values")
        if not 0 <= p.horizon_days < p.period_days:
            raise ValueError(f"horizon of {p.horizon_days} days: must be shorter than a period ({p.period_days} days)")
        self._loader = loader
        self._seen: SeenArticles = seen if seen is not None else MemorySeen()
        self._text_perm = Permutations(p.num_perm, p.seed)
        self._head_perm = Permutations(p.head_perm, p.seed + 1)
        # key -> (bottom-k sample, head hashes); without a loader every one is kept
        self._material: dict[str, tuple[U32, U32]] = {}
        # the periods of the latest dated articles, latest first (where undated ones look)
        self._recent_periods: list[int] = list(self._seen.recent_periods(RECENT_PERIODS))

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._seen.get(key) is not None

    def canonical_of(self, key: str) -> str:
        """The canonical article of ``key``'s group (``key`` itself when it is canonical)."""
        seen = self._seen.get(key)
        if seen is None:
            raise KeyError(key)
        return seen[4]

    def duplicate_of(self, key: str) -> str | None:
        canonical = self.canonical_of(key)
        return None if canonical == key else canonical

    def groups(self) -> list[list[str]]:
        """Every group of two or more articles, canonical first."""
        return self._seen.groups()

    @property
    def pending(self) -> int:
        """Band rows held by the memory of earlier articles, not written yet."""
        return self._seen.pending

    def flush(self) -> None:
        """Write the bands held (the store's memory holds them back to write many at once)."""
        self._seen.flush()

    def sync(self) -> None:
        """Take up what other writers stored since the last batch (nothing pending then)."""
        self._seen.sync()

    def prefetch(self, items: Sequence[tuple[Prepared, str | None]]) -> None:
        """Tell the memory of earlier articles which lookups the next ``add`` calls will make
        ((prepared, published) of each, in order): a store answers them in one go."""
        p = self.params
        self._seen.prefetch([(ready.rows, p.probes(_day(published), self._recent_periods))
                             for ready, published in items], p.max_verify)

    def bands(self, state: DedupState) -> list[Band]:
        """The LSH bands of an article: its head's, and its text's unless it is empty (every
        empty text would share them). Text bands are numbered first, then the head's."""
        p = self.params
        head = band_hashes(state.head_signature, p.head_bands, p.text_bands[0])
        return (band_hashes(state.signature, p.text_bands) if state.size else []) + head

    def is_banded(self, duplicate_of: str | None, similarity: float | None) -> bool:
        """Whether a stored article with this link has bands: not when it is a near-identical
        copy, whose twin stands for it (exact copies: only the first of a digest has)."""
        return duplicate_of is None or (similarity or 0.0) < self.params.min_jaccard

    # -- adding ---------------------------------------------------------------------------

    def prepare(self, text: str, title: str | None = None) -> Prepared:
        """Everything ``add`` computes from the text alone: folding, shingles, MinHash, bands."""
        return self.prepare_many([text], [title])[0]

    def prepare_many(self, texts: Sequence[str], titles: Sequence[str | None]) -> list[Prepared]:
        """``prepare`` of many texts at once (each step over the whole batch: numpy's cost per
        call is then paid once, not per text; the same values)."""
        p = self.params
        forms = comparable_many(texts)
        hashes = shingle_hashes_many(forms, p.shingle)
        titled = dict(zip([i for i, t in enumerate(titles) if t], comparable_many([t for t in titles if t]),
                          strict=True))
        heads = shingle_hashes_many([titled.get(i, cps[: p.head_chars]) for i, cps in enumerate(forms)], p.shingle)
        signatures = self._text_perm.signatures(hashes)
        head_signatures = self._head_perm.signatures(heads)
        text_array = band_keys(signatures, p.text_bands)
        head_array = band_keys(head_signatures, p.head_bands)
        text_keys, head_keys = text_array.tolist(), head_array.tolist()
        numbers = np.arange(p.text_bands[0] + p.head_bands[0], dtype=np.int64)
        first = p.text_bands[0]
        out = []
        for i, cps in enumerate(forms):
            size = int(hashes[i].size)
            state = DedupState(content_digest(cps), size, signatures[i].tobytes(), head_signatures[i].tobytes())
            bands = [*enumerate(text_keys[i])] if size else []
            bands += [(first + b, k) for b, k in enumerate(head_keys[i])]
            values = np.concatenate([text_array[i], head_array[i]]) if size else head_array[i]
            rows = np.stack([numbers[first:] if not size else numbers, values], axis=1)
            out.append(Prepared(state, hashes[i][: p.sample].copy(), heads[i], tuple(bands), rows))
        return out

    def add(self, key: str, text: str, published: str | None = None, title: str | None = None, *,
            prepared: Prepared | None = None, seq: int | None = None) -> AddResult:
        """Index one article and say what it duplicates. The same key again changes nothing.

        ``prepared``: ``prepare(text, title)`` computed beforehand; ``seq``: its arrival number
        when the caller knows it is new (the store's rowid of an article it has just stored: the
        key is then not looked up)."""
        if seq is None:
            known = self._seen.get(key)
            if known is not None:
                return AddResult(None if known[4] == key else known[4])
        p = self.params
        ready = prepared or self.prepare(text, title)
        state = ready.state
        day = _day(published)
        if day is not None:
            self._recent(p.period(day))
        doc = Seen(key, self._seen.arrival(key, seq), published, state.size, key)
        twin = self._seen.twin(state.digest)
        match: Seen | None = None if twin is None else Seen(*twin)
        similarity = 1.0
        if match is None:
            match, similarity = self._best_candidate(ready.bands, p.probes(day, self._recent_periods), doc,
                                                     ready.sample, ready.head)
        self._keep(key, ready.sample, ready.head)
        bands: Sequence[Band] = ready.bands
        if match is not None and similarity >= p.min_jaccard:
            bands = ()  # a copy adds nothing to find: its twin stands for it
        period = p.period(day) if bands else None
        if match is None:
            self._seen.add(key, published, state, bands, period, None, None)
            return AddResult(None)
        canonical_row = self._seen.get(match.canonical)
        assert canonical_row is not None, match.canonical
        canonical = Seen(*canonical_row)
        if _order(doc) < _order(canonical):
            self._seen.add(key, published, state, bands, period, None, None)
            relinked = self._seen.relink(key, canonical.key, similarity)
            return AddResult(None, similarity, relinked, canonical.key)
        self._seen.add(key, published, state, bands, period, canonical.key, similarity)
        return AddResult(canonical.key, similarity)

    def _recent(self, period: int) -> None:
        """``period`` is that of the latest dated article: first among the recent ones."""
        if self._recent_periods[:1] != [period]:
            self._recent_periods = [period, *(q for q in self._recent_periods if q != period)][:RECENT_PERIODS]

    def _head_hashes(self, cps: U32, title: str | None) -> U32:
        p = self.params
        head = comparable(title) if title else cps[: p.head_chars]
        return shingle_hashes(head, p.shingle)

    def _keep(self, key: str, sample: U32, head: U32) -> None:
        """With a loader, keep the samples of the latest ``keep_material`` articles only (memory
        stays bounded: older ones are re-read from their text when a candidate needs them)."""
        self._material[key] = (sample, head)
        if self._loader is not None:
            while len(self._material) > self.params.keep_material:
                del self._material[next(iter(self._material))]  # the oldest (dicts keep insertion order)

    # -- verifying ------------------------------------------------------------------------

    def _best_candidate(self, bands: Sequence[Band], periods: Sequence[int], doc: Seen, sample: U32,
                        head: U32) -> tuple[Seen | None, float]:
        best: Seen | None = None
        best_sim = 0.0
        latest = sorted((Seen(*row) for row in self._seen.candidates(bands, periods, self.params.max_verify)),
                        key=lambda c: c.seq)
        for other in latest:
            sim = self._verify(doc, sample, head, other)
            if sim > best_sim or (sim == best_sim and best is not None and _order(other) < _order(best)):
                best, best_sim = other, sim
        return best, best_sim

    def _material_of(self, key: str) -> tuple[U32, U32]:
        kept = self._material.get(key)
        if kept is not None:
            return kept
        if self._loader is None:
            raise RuntimeError(f"{key}: an earlier article without a loader to read its text")
        title, text = self._loader(key)
        cps = comparable(text)
        sample = shingle_hashes(cps, self.params.shingle)[: self.params.sample].copy()
        head = self._head_hashes(cps, title)
        self._keep(key, sample, head)
        return sample, head

    def _verify(self, doc: Seen, sample: U32, head: U32, other: Seen) -> float:
        """The similarity that makes the pair a duplicate (>0), or 0.0 when it is not one."""
        p = self.params
        apart = _days_apart(doc.published, other.published)
        if apart > p.horizon_days:  # beyond the horizon: only an exact copy (the digest) links
            return 0.0
        sample_b, head_b = self._material_of(other.key)
        jaccard, containment = estimate_overlap(sample, doc.size, sample_b, other.size, p.sample)
        if jaccard >= p.min_jaccard:
            return jaccard
        if containment < p.min_containment or apart > p.max_days:
            return 0.0
        heads, _ = estimate_overlap(head, head.size, head_b, head_b.size, 1 << 30)
        return containment if heads >= p.min_head else 0.0


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _days_apart(a: str | None, b: str | None) -> int:
    """Days between two publication dates; 0 when one is unknown (nothing says they differ)."""
    day_a, day_b = _day(a), _day(b)
    return abs((day_a - day_b).days) if day_a and day_b else 0
