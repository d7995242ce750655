"""Exact and near-duplicate detection at ingest, across sources, online.

``DuplicateFinder.add`` takes articles one at a time and says, for each, which earlier-seen
article it duplicates: its group's *canonical* article, the earliest published (first seen on a
tie, undated after dated). Nothing is dropped: the caller keeps the duplicate and stores the link.

Layers:

1. **Exact**: a hash of the comparable form (``shingles.comparable``: folded case and accents,
   typography and spacing ignored). The same dispatch from two feeds -> same digest, O(1).
2. **Near**: MinHash LSH (datasketch) proposes candidates from two signatures, one over the
   character 5-shingles of the whole text and one over those of the *head* (the title, or the
   first ``head_chars`` characters of an untitled text); each candidate is then verified on a
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

Nothing here touches the database: ``state`` says what to persist for an article and
``restore`` puts it back, so the caller keeps the finder's state across runs; texts of restored
articles are fetched through ``loader`` only when one of them must be verified.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
from datasketch import MinHash, MinHashLSH

from silkwire.stories.shingles import U32, comparable, content_digest, shingle_hashes

# (title or None, text) of a stored article, to verify a restored one
Loader = Callable[[str], tuple[str | None, str]]


@dataclass(frozen=True, slots=True)
class DedupParams:
    shingle: int = 5
    num_perm: int = 128
    head_perm: int = 64
    lsh_threshold: float = 0.7  # candidates for the near-identical rule (estimate noise below 0.9)
    head_threshold: float = 0.6  # candidates for the same-head rule
    sample: int = 256
    head_chars: int = 120  # the head of an untitled text: about a title's length
    min_jaccard: float = 0.9
    min_head: float = 0.8
    min_containment: float = 0.5
    max_verify: int = 64  # candidates verified per article, latest first (bounds recurring titles)
    keep_material: int = 5000  # samples kept in memory when texts can be re-read (loader)
    max_days: int = 2  # versions of one dispatch come out within days; a recurring title weeks apart
    seed: int = 20250730


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add`` decided: the canonical this article duplicates (None: it is canonical), the
    similarity that decided it (1.0 for an exact copy), and the other members whose canonical
    is now this article, because it is earlier than the group's previous canonical."""

    duplicate_of: str | None
    similarity: float = 0.0
    relinked: tuple[str, ...] = ()  # the members this finder remembers (all, unless it forgets copies)
    previous: str | None = None  # the group's canonical until now, when this article took its place


@dataclass(frozen=True, slots=True)
class DedupState:
    """What to persist of one article so that ``restore`` needs no text."""

    digest: bytes
    size: int
    signature: bytes
    head_signature: bytes


@dataclass(slots=True)
class _Doc:
    seq: int
    published: str | None
    group: int
    size: int  # number of distinct shingles
    indexed: bool  # False for exact and near-identical copies: their twin stands for them
    sample: U32 | None  # bottom-k of the sorted shingle hashes; None until needed (restored)
    head: U32 | None  # the head's shingle hashes; None until needed (restored)


def _order(doc: _Doc) -> tuple[int, str, int]:
    """Sort key for 'earliest': dated before undated, then date, then first seen."""
    return (0, doc.published, doc.seq) if doc.published else (1, "", doc.seq)


class _Permutations:
    """Affine permutations h -> a*h + b mod 2^32 with odd a (bijections), datasketch's
    "affine32" scheme with our own seed, so signatures stay stable across datasketch releases."""

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

    def minhash(self, signature: U32) -> MinHash:
        return MinHash(len(signature), hashvalues=signature, permutations=self.pair, scheme="affine32")


class DuplicateFinder:
    """Online duplicate detection; see the module doc. Not thread-safe (one writer)."""

    def __init__(self, params: DedupParams | None = None, loader: Loader | None = None,
                 remember_copies: bool = True) -> None:
        """``remember_copies=False``: exact and near-identical duplicates that are not canonical
        are not kept in memory (they are never candidates: their twin stands for them), so memory
        grows with the distinct articles only; the caller keeps the links (the store does)."""
        self.params = p = params or DedupParams()
        self._loader = loader
        self._remember_copies = remember_copies
        self._text_perm = _Permutations(p.num_perm, p.seed)
        self._head_perm = _Permutations(p.head_perm, p.seed + 1)
        self._lsh = MinHashLSH(threshold=p.lsh_threshold, num_perm=p.num_perm)
        self._head_lsh = MinHashLSH(threshold=p.head_threshold, num_perm=p.head_perm)
        self._docs: dict[str, _Doc] = {}
        self._exact: dict[bytes, str] = {}
        self._groups: dict[int, list[str]] = {}
        self._canonical: dict[int, str] = {}
        self._states: dict[str, DedupState] = {}
        self._recent: deque[tuple[str, _Doc]] = deque()
        self._seq = 0  # arrival order, for "first seen" ties

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, key: object) -> bool:
        return key in self._docs

    def canonical_of(self, key: str) -> str:
        """The canonical article of ``key``'s group (``key`` itself when it is canonical)."""
        return self._canonical[self._docs[key].group]

    def duplicate_of(self, key: str) -> str | None:
        canonical = self.canonical_of(key)
        return None if canonical == key else canonical

    def groups(self) -> list[list[str]]:
        """Every group of two or more articles, canonical first."""
        out = []
        for gid, members in self._groups.items():
            if len(members) > 1:
                canonical = self._canonical[gid]
                out.append([canonical, *(m for m in members if m != canonical)])
        return out

    def state(self, key: str) -> DedupState:
        """What to store for ``key`` (added in this run) so that ``restore`` can bring it back."""
        return self._states[key]

    def pop_states(self) -> Iterator[tuple[str, DedupState]]:
        """The states of the articles added since the last call (then forgotten: they are stored)."""
        states, self._states = self._states, {}
        yield from states.items()

    # -- adding ---------------------------------------------------------------------------

    def add(self, key: str, text: str, published: str | None = None, title: str | None = None) -> AddResult:
        """Index one article and say what it duplicates. The same key again changes nothing."""
        if key in self._docs:
            return AddResult(self.duplicate_of(key))
        p = self.params
        cps = comparable(text)
        digest = content_digest(cps)
        hashes = shingle_hashes(cps, p.shingle)
        head = self._head_hashes(cps, title)
        sample = hashes[: p.sample].copy()  # a copy: a slice would keep every hash alive
        signature = self._text_perm.signature(hashes)
        head_signature = self._head_perm.signature(head)
        self._states[key] = DedupState(digest, int(hashes.size), signature.tobytes(), head_signature.tobytes())
        twin = self._exact.get(digest)
        doc = _Doc(self._seq, published, -1, int(hashes.size), False, sample, head)
        self._seq += 1
        match: str | None = twin
        similarity = 1.0
        if twin is None:
            match, similarity = self._best_candidate(signature, head_signature, doc)
        copy = match is not None and similarity >= p.min_jaccard  # a copy adds nothing to find
        if copy and not self._remember_copies:
            assert match is not None
            canonical = self._canonical[self._docs[match].group]
            if _order(doc) > _order(self._docs[canonical]):
                return AddResult(canonical, similarity)  # linked by the caller, forgotten here
        if twin is None:
            self._exact[digest] = key
        self._docs[key] = doc
        if not copy:
            self._index(key, doc, signature, head_signature)
        self._forget_material(key, doc)
        return self._join(key, doc, match, similarity)

    def restore(self, key: str, published: str | None, state: DedupState, canonical: str | None,
                similarity: float | None = None) -> None:
        """Put back an article added in an earlier run, with its stored link; no text needed.

        Restore canonical articles before their duplicates (e.g. in insertion order).
        """
        if key in self._docs:
            return
        near_identical = canonical is not None and (similarity or 0.0) >= self.params.min_jaccard
        if near_identical and not self._remember_copies:
            return
        doc = _Doc(self._seq, published, -1, state.size, False, None, None)
        self._seq += 1
        twin = self._exact.get(state.digest)
        self._docs[key] = doc
        if twin is None:
            self._exact[state.digest] = key
        if twin is None and not near_identical:
            signature = np.frombuffer(state.signature, dtype=np.uint32)
            head_signature = np.frombuffer(state.head_signature, dtype=np.uint32)
            self._index(key, doc, signature, head_signature)
        if canonical is None or canonical not in self._docs:
            doc.group = len(self._canonical)
            self._groups[doc.group] = [key]
            self._canonical[doc.group] = key
        else:
            doc.group = self._docs[canonical].group
            self._groups[doc.group].append(key)

    def _head_hashes(self, cps: U32, title: str | None) -> U32:
        p = self.params
        head = comparable(title) if title else cps[: p.head_chars]
        return shingle_hashes(head, p.shingle)

    def _forget_material(self, key: str, doc: _Doc) -> None:
        """With a loader, keep the samples of the latest ``keep_material`` articles only (memory
        stays bounded: older ones are re-read from their text when a candidate needs them)."""
        if self._loader is None:
            return
        self._recent.append((key, doc))
        if len(self._recent) > self.params.keep_material:
            _, old = self._recent.popleft()
            old.sample = old.head = None

    def _index(self, key: str, doc: _Doc, signature: U32, head_signature: U32) -> None:
        doc.indexed = True
        if doc.size:
            self._lsh.insert(key, self._text_perm.minhash(signature), check_duplication=False)
        self._head_lsh.insert(key, self._head_perm.minhash(head_signature), check_duplication=False)

    def _join(self, key: str, doc: _Doc, match: str | None, similarity: float) -> AddResult:
        if match is None:
            doc.group = len(self._canonical)
            self._groups[doc.group] = [key]
            self._canonical[doc.group] = key
            return AddResult(None)
        gid = doc.group = self._docs[match].group
        self._groups[gid].append(key)
        previous = self._canonical[gid]
        if _order(doc) < _order(self._docs[previous]):
            self._canonical[gid] = key
            relinked = tuple(m for m in self._groups[gid] if m != key)
            return AddResult(None, similarity, relinked, previous)
        return AddResult(previous, similarity)

    # -- verifying ------------------------------------------------------------------------

    def _best_candidate(self, signature: U32, head_signature: U32, doc: _Doc) -> tuple[str | None, float]:
        candidates = set(self._head_lsh.query(self._head_perm.minhash(head_signature)))
        if doc.size:
            candidates.update(self._lsh.query(self._text_perm.minhash(signature)))
        best: str | None = None
        best_sim = 0.0
        latest = sorted(candidates, key=lambda c: -self._docs[c].seq)[: self.params.max_verify]
        for cand in sorted(latest, key=lambda c: self._docs[c].seq):
            other = self._docs[cand]
            sim = self._verify(doc, cand, other)
            if sim > best_sim or (sim == best_sim and best is not None and _order(other) < _order(self._docs[best])):
                best, best_sim = cand, sim
        return best, best_sim

    def _material(self, key: str, doc: _Doc) -> tuple[U32, U32]:
        if doc.sample is None or doc.head is None:
            if self._loader is None:
                raise RuntimeError(f"{key}: restored article without a loader to read its text")
            title, text = self._loader(key)
            cps = comparable(text)
            doc.sample = shingle_hashes(cps, self.params.shingle)[: self.params.sample].copy()
            doc.head = self._head_hashes(cps, title)
        return doc.sample, doc.head

    def _verify(self, doc: _Doc, key: str, other: _Doc) -> float:
        """The similarity that makes the pair a duplicate (>0), or 0.0 when it is not one."""
        p = self.params
        sample_b, head_b = self._material(key, other)
        assert doc.sample is not None and doc.head is not None
        jaccard, containment = estimate_overlap(doc.sample, doc.size, sample_b, other.size, p.sample)
        if jaccard >= p.min_jaccard:
            return jaccard
        if containment < p.min_containment or _days_apart(doc.published, other.published) > p.max_days:
            return 0.0
        heads, _ = estimate_overlap(doc.head, doc.head.size, head_b, head_b.size, 1 << 30)
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
