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

Nothing here touches the database: what the finder remembers goes through a ``SeenArticles``
(``seen.py``): dictionaries by default, the store's tables at ingest. Texts of earlier articles
are re-read through ``loader`` only when one must be verified and its sample is not among the
latest ``keep_material`` kept in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from silkwire.stories.seen import Band, DedupState, MemorySeen, Seen, SeenArticles
from silkwire.stories.shingles import U32, comparable, content_digest, shingle_hashes

__all__ = ["AddResult", "DedupParams", "DedupState", "DuplicateFinder", "band_hashes", "estimate_overlap"]

# (title or None, text) of a stored article, to verify an earlier one
Loader = Callable[[str], tuple[str | None, str]]


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
    seed: int = 20250730

    def band_layout(self) -> str:
        """What the stored band hashes depend on: when it changes, they must be recomputed."""
        return (f"text {self.text_bands[0]}x{self.text_bands[1]} of {self.num_perm}, "
                f"head {self.head_bands[0]}x{self.head_bands[1]} of {self.head_perm}, seed {self.seed}, blake2b-64")


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


class _Permutations:
    """Affine permutations h -> a*h + b mod 2^32 with odd a (bijections), datasketch's
    "affine32" scheme with our own seed, so signatures stay stable across library releases."""

    def __init__(self, n: int, seed: int) -> None:
        rng = np.random.RandomState(seed)
        a = rng.randint(0, 1 << 31, n, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = rng.randint(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32)
        self.pair = np.array([a, b])
        self._a = a.reshape(-1, 1)
        self._b = b.reshape(-1, 1)

    def signature(self, hashes: U32) -> U32:
        if not hashes.size:
            return np.full(self._a.shape[0], 0xFFFFFFFF, dtype=np.uint32)
        with np.errstate(over="ignore"):
            values: U32 = (self._a * hashes + self._b).min(axis=1)
        return values


def band_hashes(signature: bytes, layout: tuple[int, int], first: int = 0) -> list[Band]:
    """(band number, hash) of each band of a signature (uint32 values, as stored), numbered from
    ``first``. The hash is 64 bits of BLAKE2b over the band's values, as a signed integer (an
    SQLite INTEGER): two bands collide by chance with probability 2^-64, and a collision only
    adds a candidate, which verification then rejects."""
    bands, rows = layout
    width = 4 * rows
    return [(first + i, int.from_bytes(hashlib.blake2b(signature[i * width:(i + 1) * width], digest_size=8).digest(),
                                       "little", signed=True)) for i in range(bands)]


class DuplicateFinder:
    """Online duplicate detection; see the module doc. Not thread-safe (one writer)."""

    def __init__(self, params: DedupParams | None = None, loader: Loader | None = None,
                 seen: SeenArticles | None = None) -> None:
        """``seen``: where earlier articles are remembered (default: in memory, for this finder)."""
        self.params = p = params or DedupParams()
        for (bands, rows), perm in ((p.text_bands, p.num_perm), (p.head_bands, p.head_perm)):
            if bands < 2 or bands * rows > perm:
                raise ValueError(f"LSH bands {bands}x{rows}: need at least 2 bands of at most {perm} values")
        self._loader = loader
        self._seen: SeenArticles = seen if seen is not None else MemorySeen()
        self._text_perm = _Permutations(p.num_perm, p.seed)
        self._head_perm = _Permutations(p.head_perm, p.seed + 1)
        # key -> (bottom-k sample, head hashes); without a loader every one is kept
        self._material: dict[str, tuple[U32, U32]] = {}

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

    def add(self, key: str, text: str, published: str | None = None, title: str | None = None) -> AddResult:
        """Index one article and say what it duplicates. The same key again changes nothing."""
        known = self._seen.get(key)
        if known is not None:
            return AddResult(None if known[4] == key else known[4])
        p = self.params
        cps = comparable(text)
        hashes = shingle_hashes(cps, p.shingle)
        head = self._head_hashes(cps, title)
        sample = hashes[: p.sample].copy()  # a copy: a slice would keep every hash alive
        state = DedupState(content_digest(cps), int(hashes.size), self._text_perm.signature(hashes).tobytes(),
                           self._head_perm.signature(head).tobytes())
        doc = Seen(key, self._seen.arrival(key), published, state.size, key)
        twin = self._seen.twin(state.digest)
        bands = self.bands(state)
        match: Seen | None = None if twin is None else Seen(*twin)
        similarity = 1.0
        if match is None:
            match, similarity = self._best_candidate(bands, doc, sample, head)
        self._keep(key, sample, head)
        if match is not None and similarity >= p.min_jaccard:
            bands = []  # a copy adds nothing to find: its twin stands for it
        if match is None:
            self._seen.add(key, published, state, bands, None, None)
            return AddResult(None)
        canonical_row = self._seen.get(match.canonical)
        assert canonical_row is not None, match.canonical
        canonical = Seen(*canonical_row)
        if _order(doc) < _order(canonical):
            self._seen.add(key, published, state, bands, None, None)
            relinked = self._seen.relink(key, canonical.key, similarity)
            return AddResult(None, similarity, relinked, canonical.key)
        self._seen.add(key, published, state, bands, canonical.key, similarity)
        return AddResult(canonical.key, similarity)

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

    def _best_candidate(self, bands: Sequence[Band], doc: Seen, sample: U32, head: U32) -> tuple[Seen | None, float]:
        best: Seen | None = None
        best_sim = 0.0
        latest = sorted((Seen(*row) for row in self._seen.candidates(bands, self.params.max_verify)),
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
        sample_b, head_b = self._material_of(other.key)
        jaccard, containment = estimate_overlap(sample, doc.size, sample_b, other.size, p.sample)
        if jaccard >= p.min_jaccard:
            return jaccard
        if containment < p.min_containment or _days_apart(doc.published, other.published) > p.max_days:
            return 0.0
        heads, _ = estimate_overlap(head, head.size, head_b, head_b.size, 1 << 30)
        return containment if heads >= p.min_head else 0.0


def _days_apart(a: str | None, b: str | None) -> int:
    """Days between two publication dates; 0 when one is unknown (nothing says they differ)."""
    if not a or not b:
        return 0
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return 0


def estimate_overlap(a: U32, size_a: int, b: U32, size_b: int, k: int) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set) of two shingle sets from their bottom-k samples.

    Exact when both samples are complete. Both are cut at the smaller of their largest kept
    hashes, so they sample the same region of the hash space: the kept part of the union is a
    uniform sample of the union, and the kept part of the smaller set one of that set.
    """
    if not a.size or not b.size:
        same = 1.0 if a.size == b.size else 0.0
        return same, same
    cut = min(a[-1] if size_a > k else np.uint32(0xFFFFFFFF), b[-1] if size_b > k else np.uint32(0xFFFFFFFF))
    a = a[a <= cut]
    b = b[b <= cut]
    inter = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - inter
    smaller = a.size if size_a <= size_b else b.size
    return (inter / union if union else 0.0), (inter / smaller if smaller else 0.0)
