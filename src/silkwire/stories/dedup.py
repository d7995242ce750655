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

from silkwire.stories.fingerprints import UNDATED, DedupParams, Fingerprints, Prepared
from silkwire.stories.minhash import band_hashes, estimate_overlap
from silkwire.stories.seen import Band, DedupState, MemorySeen, Seen, SeenArticles
from silkwire.stories.shingles import U32

__all__ = ["UNDATED", "AddResult", "DedupParams", "DedupState", "DuplicateFinder", "Prepared", "band_hashes",
           "estimate_overlap"]

# (title or None, text) of a stored article, to verify an earlier one
Loader = Callable[[str], tuple[str | None, str]]
# (bottom-k sample, head hashes, lead hashes) of an article
Material = tuple[U32, U32, U32]

RECENT_PERIODS = 3  # the periods an undated article looks in: those of the latest dated articles


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
        self._prints = Fingerprints(p)
        # key -> its material; without a loader every one is kept
        self._material: dict[str, Material] = {}
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

    def save(self) -> None:
        """The batch of ``add`` calls announced by ``prefetch`` is done: what the memory of
        earlier articles held back is written (before the batch commits)."""
        self._seen.save()

    def sync(self) -> None:
        """Take up what other writers stored since the last batch (nothing pending then)."""
        self._seen.sync(self._stored_bands)

    def _stored_bands(self, size: int, signature: bytes, head_signature: bytes, lead_signature: bytes) -> list[Band]:
        return self._prints.bands(DedupState(b"", size, signature, head_signature, lead_signature))

    def prefetch(self, items: Sequence[tuple[Prepared, str | None]]) -> None:
        """Tell the memory of earlier articles which lookups the next ``add`` calls will make
        ((prepared, published) of each, in order): a store answers them in one go; ``save``
        when they are done."""
        p = self.params
        self._seen.prefetch([(ready.rows, p.probes(_day(published), self._recent_periods))
                             for ready, published in items], p.max_verify,
                            [ready.state.digest for ready, _ in items])

    def bands(self, state: DedupState) -> list[Band]:
        """The LSH bands of a stored state (``Fingerprints.bands``)."""
        return self._prints.bands(state)

    def is_banded(self, duplicate_of: str | None, similarity: float | None) -> bool:
        """Whether a stored article with this link has bands: not when it is a near-identical
        copy, whose twin stands for it (exact copies: only the first of a digest has)."""
        return duplicate_of is None or (similarity or 0.0) < self.params.min_jaccard

    # -- adding ---------------------------------------------------------------------------

    def prepare(self, text: str, title: str | None = None) -> Prepared:
        """Everything ``add`` computes from the text alone (``fingerprints.py``)."""
        return self._prints.prepare_many([text], [title])[0]

    def prepare_many(self, texts: Sequence[str], titles: Sequence[str | None]) -> list[Prepared]:
        """``prepare`` of many texts at once (the same values, a fraction of the time)."""
        return self._prints.prepare_many(texts, titles)

    def add(self, key: str, text: str, published: str | None = None, title: str | None = None, *,
            prepared: Prepared | None = None, seq: int | None = None, source: str = "") -> AddResult:
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
        doc = Seen(key, self._seen.arrival(key, seq), published, state.size, key, source)
        twin = self._seen.twin(state.digest)
        match: Seen | None = None if twin is None else Seen(*twin)
        similarity = 1.0
        mine = (ready.sample, ready.head, ready.lead)
        if match is None:
            match, similarity = self._best_candidate(ready.bands, p.probes(day, self._recent_periods), doc, mine)
        self._keep(key, mine)
        bands: Sequence[Band] = ready.bands
        if match is not None and similarity >= p.min_jaccard:
            bands = ()  # a copy (or a text the other holds nearly whole) adds nothing: its twin stands for it
        period = p.period(day) if bands else None
        if match is None:
            self._seen.add(key, published, state, bands, period, None, None, source)
            return AddResult(None)
        canonical_row = self._seen.get(match.canonical)
        assert canonical_row is not None, match.canonical
        canonical = Seen(*canonical_row)
        if _order(doc) < _order(canonical):
            self._seen.add(key, published, state, bands, period, None, None, source)
            relinked = self._seen.relink(key, canonical.key, similarity)
            return AddResult(None, similarity, relinked, canonical.key)
        self._seen.add(key, published, state, bands, period, canonical.key, similarity, source)
        return AddResult(canonical.key, similarity)

    def _recent(self, period: int) -> None:
        """``period`` is that of the latest dated article: first among the recent ones."""
        if self._recent_periods[:1] != [period]:
            self._recent_periods = [period, *(q for q in self._recent_periods if q != period)][:RECENT_PERIODS]

    def _keep(self, key: str, material: Material) -> None:
        """With a loader, keep the material of the latest ``keep_material`` articles only (memory
        stays bounded: older ones are re-read from their text when a candidate needs them)."""
        self._material[key] = material
        if self._loader is not None:
            while len(self._material) > self.params.keep_material:
                del self._material[next(iter(self._material))]  # the oldest (dicts keep insertion order)

    # -- verifying ------------------------------------------------------------------------

    def _best_candidate(self, bands: Sequence[Band], periods: Sequence[int], doc: Seen,
                        mine: Material) -> tuple[Seen | None, float]:
        best: Seen | None = None
        best_sim = 0.0
        latest = sorted((Seen(*row) for row in self._seen.candidates(bands, periods, self.params.max_verify)),
                        key=lambda c: c.seq)
        for other in latest:
            sim = self._verify(doc, mine, other)
            if sim > best_sim or (sim == best_sim and best is not None and _order(other) < _order(best)):
                best, best_sim = other, sim
        return best, best_sim

    def _material_of(self, key: str) -> Material:
        kept = self._material.get(key)
        if kept is not None:
            return kept
        if self._loader is None:
            raise RuntimeError(f"{key}: an earlier article without a loader to read its text")
        title, text = self._loader(key)
        material = self._prints.material(text, title)
        self._keep(key, material)
        return material

    def _verify(self, doc: Seen, mine: Material, other: Seen) -> float:
        """The similarity that makes the pair a duplicate (>0; 0.0: not one). Three rules, in
        order: nearly the same text; the same
        head and most of the smaller text (versions of one dispatch); two outlets opening with the
        same lead (their write-ups of one dispatch, titled and cut each its way), published within
        ``max_days``: on OrangeSum, each article under its own source, this last rule took the
        recall of the authors' groups of at most 10 from 0.944 to 0.9xx (BENCHMARKS)."""
        p = self.params
        apart = _days_apart(doc.published, other.published)
        if apart > p.horizon_days:  # beyond the horizon: only an exact copy (the digest) links
            return 0.0
        sample, head, lead = mine
        sample_b, head_b, lead_b = self._material_of(other.key)
        jaccard, containment = estimate_overlap(sample, doc.size, sample_b, other.size, p.sample)
        if jaccard >= p.min_jaccard:
            return jaccard
        if apart > p.max_days:
            return 0.0
        if containment >= p.min_containment:
            heads, _ = estimate_overlap(head, head.size, head_b, head_b.size, 1 << 30)
            if heads >= p.min_head:
                return containment
        if doc.source != other.source and min(lead.size, lead_b.size) >= p.min_lead_shingles:
            leads, _ = estimate_overlap(lead, lead.size, lead_b, lead_b.size, 1 << 30)
            if leads >= p.min_lead:  # its similarity: how much of the texts they share, as versions
                return max(containment, 0.01)
        return 0.0


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _days_apart(a: str | None, b: str | None) -> int:
    """Days between two publication dates; 0 when one is unknown (nothing says they differ)."""
    day_a, day_b = _day(a), _day(b)
    return abs((day_a - day_b).days) if day_a and day_b else 0
