"""Character shingles of a text, vectorised: the raw material of duplicate detection.

The text is reduced to its *comparable form* before shingling, so that two copies of one dispatch
that differ only in typography compare equal: lower case, accents dropped (é -> e, combining
marks removed), typographic apostrophes, quotes, dashes and every other non-alphanumeric run
collapsed to one space. This is the base layer's folding (``silkwire.textnorm.fold``, which search uses too) done
with a code-point lookup table in numpy instead of per-character Python, because the OrangeSum
evaluation (36k articles, 126M characters) must fit in a one-minute budget and per-character
Python costs ~1 s per pass over that corpus on the reference machine.

Shingles are hashed to 32 bits with a polynomial rolling hash over the code points, then mixed
with the MurmurHash3 finaliser (a bijection), so their values are uniform: the bottom-k sample
taken in ``dedup.py`` is then a uniform random sample of the shingle set, the same for every
document (consistent sampling).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from silkwire.textnorm import fold, normalize_text

U32 = npt.NDArray[np.uint32]

_TABLE_SIZE = 0x3000  # Latin, Greek, Cyrillic, punctuation and symbols; beyond: kept as they are
_SPACE = 32
_DROP = 0
_LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"))  # cœur and coeur are one word
_MULT = np.uint32(0x01000193)  # FNV prime: odd, with well-spread bits


def _build_table() -> U32:
    table = np.empty(_TABLE_SIZE, dtype=np.uint32)
    for cp in range(_TABLE_SIZE):
        ch = chr(cp)
        if unicodedata.combining(ch):
            table[cp] = _DROP  # decomposed accents: "e" + U+0301 compares as "e"
            continue
        folded = fold(normalize_text(ch))
        if len(folded) == 1 and folded.isalnum():
            table[cp] = ord(folded)
        elif len(folded) > 1 and folded.isalnum():
            table[cp] = ord(ch.lower())  # other multi-letter folds (ß): one letter, consistently
        else:
            table[cp] = _SPACE
    return table


_FOLD = _build_table()


def comparable(text: str) -> U32:
    """The comparable form of ``text`` as code points: folded, one space between words."""
    for ligature, letters in _LIGATURES:
        if ligature in text:  # one code point for two letters: the table cannot say it
            text = text.replace(ligature, letters)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    inside = cps < _TABLE_SIZE
    mapped: U32 = np.where(inside, _FOLD[np.where(inside, cps, 0)], cps)
    mapped = mapped[mapped != _DROP]
    space = mapped == _SPACE
    # keep a space only when it follows a non-space: runs collapse, a leading space goes
    keep = ~space
    keep[1:] |= space[1:] & ~space[:-1]
    out: U32 = mapped[keep]
    if out.size and out[-1] == _SPACE:
        out = out[:-1]
    return out


def content_digest(cps: U32) -> bytes:
    """Hash of the comparable form: equal for copies that differ only in typography."""
    return hashlib.blake2b(cps.tobytes(), digest_size=16).digest()


def _fmix32(h: U32) -> U32:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hashes(cps: U32, size: int) -> U32:
    """Sorted unique 32-bit hashes of the ``size``-character shingles of a comparable form."""
    n = cps.size - size + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint32)
    with np.errstate(over="ignore"):
        h = cps[:n].copy()
        for j in range(1, size):
            h = h * _MULT + cps[j : j + n]
        h = np.sort(_fmix32(h))
    # sort + neighbour test: np.unique's hash-based path is ~10x slower on these arrays
    keep = np.empty(h.size, dtype=bool)
    keep[0] = True
    np.not_equal(h[1:], h[:-1], out=keep[1:])
    return h[keep]


# -- many texts at once -------------------------------------------------------------------------
# An ingest batch holds hundreds of short texts (title + lead: ~300 characters); numpy's cost per
# call then outweighs its cost per character, so the batch goes through each step as one array,
# with each element's document alongside. Same values as the functions above, text by text.


def _split(values: npt.NDArray[Any], doc: npt.NDArray[np.int64], n: int) -> list[npt.NDArray[Any]]:
    """``values`` (grouped by document, in order) cut into one array per document."""
    ends = np.cumsum(np.bincount(doc, minlength=n)).tolist()
    return [values[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def comparable_many(texts: Sequence[str]) -> list[U32]:
    """``comparable`` of each text."""
    if not texts:
        return []
    arrays = []
    for text in texts:
        for ligature, letters in _LIGATURES:
            if ligature in text:
                text = text.replace(ligature, letters)
        arrays.append(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
    cps = np.concatenate(arrays)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), [a.size for a in arrays])
    inside = cps < _TABLE_SIZE
    mapped: U32 = np.where(inside, _FOLD[np.where(inside, cps, 0)], cps)
    kept = mapped != _DROP
    mapped, doc = mapped[kept], doc[kept]
    space = mapped == _SPACE
    # a space is kept when it follows a non-space of its own document (runs collapse; a
    # document's leading spaces go), then a document's trailing space goes
    after_space = np.ones(mapped.size, dtype=bool)
    after_space[1:] = space[:-1] | (doc[1:] != doc[:-1])
    keep = ~space | ~after_space
    out, doc = mapped[keep], doc[keep]
    last = np.ones(out.size, dtype=bool)
    last[:-1] = doc[1:] != doc[:-1]
    trailing = last & (out == _SPACE)
    return _split(out[~trailing], doc[~trailing], len(texts))


def shingle_hashes_many(forms: Sequence[U32], size: int) -> list[U32]:
    """``shingle_hashes`` of each comparable form."""
    if not forms:
        return []
    cps = np.concatenate(forms)
    doc = np.repeat(np.arange(len(forms), dtype=np.int64), [f.size for f in forms])
    n = cps.size - size + 1
    if n <= 0:
        return [np.empty(0, dtype=np.uint32) for _ in forms]
    with np.errstate(over="ignore"):
        h = cps[:n].copy()
        for j in range(1, size):
            h = h * _MULT + cps[j : j + n]
        h = _fmix32(h)
    inside = doc[:n] == doc[size - 1:]  # the shingle lies within one document
    keys = np.sort((doc[:n][inside].astype(np.uint64) << np.uint64(32)) | h[inside].astype(np.uint64))
    if keys.size:
        unique = np.empty(keys.size, dtype=bool)
        unique[0] = True
        np.not_equal(keys[1:], keys[:-1], out=unique[1:])
        keys = keys[unique]
    owner = (keys >> np.uint64(32)).astype(np.int64)
    return _split((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), owner, len(forms))
