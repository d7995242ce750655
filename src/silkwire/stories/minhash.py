"""MinHash signatures, their LSH band keys, and overlap estimates from bottom-k samples: the
arithmetic of duplicate detection (``dedup.py``), one text or a batch of texts at a time.

Pure numpy, no state: the same input gives the same values in any process, so that signatures
and band keys can be stored and compared across runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from silkwire.stories.shingles import U32

I64 = npt.NDArray[np.int64]
_P64 = np.uint64(0x100000001B3)  # FNV-64 prime: the band's values folded into one word


class Permutations:
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

    def signatures(self, many: Sequence[U32]) -> U32:
        """``signature`` of each hash set, one row each. Text by text: the arithmetic (128 products
        per shingle) is the cost, and blocks of many texts measured slower (their temporaries
        leave the CPU's caches). Each text's products go into one reused buffer, a shingle a row,
        and the minimum is taken down the rows (numpy's reduction over contiguous rows): ~25%
        less CPU than ``signature``'s fresh temporaries and a minimum along each row."""
        n = self._a.shape[0]
        out = np.empty((len(many), n), dtype=np.uint32)
        buffer = np.empty(n * max((h.size for h in many), default=0), dtype=np.uint32)
        a, b = self._a.ravel(), self._b.ravel()
        for i, hashes in enumerate(many):
            if not hashes.size:
                out[i] = 0xFFFFFFFF
                continue
            products = buffer[: n * hashes.size].reshape(hashes.size, n)
            np.multiply(hashes[:, None], a, out=products)  # uint32 products wrap: mod 2^32, as in ``signature``
            products += b
            products.min(axis=0, out=out[i])
        return out


def _fmix64(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser: every input bit moves every output bit (a bijection)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xFF51AFD7ED558CCD)
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xC4CEB9FE1A85EC53)
        return h ^ (h >> np.uint64(33))


def band_keys(signatures: U32, layout: tuple[int, int]) -> I64:
    """The 64-bit key of each band of each signature (one row per signature): the band's ``rows``
    values folded FNV-style and mixed, as a signed integer (an SQLite INTEGER). Two different
    bands collide by chance with probability 2^-64, and a collision only adds a candidate, which
    verification then rejects."""
    bands, rows = layout
    values = signatures[:, : bands * rows].reshape(len(signatures), bands, rows).astype(np.uint64)
    h = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            h = h * _P64 + values[:, :, j]
    return _fmix64(h).view(np.int64)


def band_hashes(signature: bytes, layout: tuple[int, int], first: int = 0) -> list[tuple[int, int]]:
    """(band number, key) of each band of one signature (uint32 values, as stored), numbered
    from ``first``."""
    keys = band_keys(np.frombuffer(signature, dtype=np.uint32).reshape(1, -1), layout)[0]
    return [(first + i, int(k)) for i, k in enumerate(keys.tolist())]


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
