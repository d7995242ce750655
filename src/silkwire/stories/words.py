"""The words of every article, counted once for a whole clustering (``service/stories.py``).

A whole clustering reads the corpus twice: a first pass for the vocabulary (document frequencies)
and the date order, a second, in date order, for the vectors. Counting the words (``stream.bag``:
the text normalised, split, stemmed) is the costly part of each; ``CountedWords`` keeps what the
first pass counted so that the second does not count again: each term gets a number, and each
article's bag is written as term numbers (int32) and counts (uint16) to an unnamed temporary file,
read back article by article in date order and given to ``StoryStream.add``.
Memory holds the vocabulary and 12 bytes an article (where its bag starts, how many terms); the
bags themselves, ~0.3 kB an article (title and lead: ~45 distinct terms), stay on disk, in the
temporary folder, until the clustering ends.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections import Counter
from types import TracebackType

import numpy as np


class CountedWords:
    def __init__(self) -> None:
        self.terms: list[str] = []  # term number -> term
        self._number: dict[str, int] = {}
        self._df = np.zeros(0, dtype=np.int64)
        self._pending = array("i")  # term numbers not yet added to the document frequencies
        self._ids_file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(), the object's lifetime)
        self._counts_file = tempfile.TemporaryFile()  # noqa: SIM115
        self._ids, self._counts = array("i"), array("H")
        self._start, self._length = array("q"), array("i")
        self._written = 0
        self._sealed = False  # every bag written out: read back from here on

    def add(self, bag: Counter[str], keep: bool) -> int:
        """Count ``bag`` in the document frequencies; if ``keep``, store it too and return its
        place (for ``bag``), else -1."""
        number = self._number
        found = list(map(number.get, bag))
        ids: list[int] = (found if None not in found  # type: ignore[assignment]
                          else [number[t] if t in number else self._new(t) for t in bag])
        self._pending.extend(ids)
        if len(self._pending) > 1 << 20:
            self._count()
        if not keep:
            return -1
        self._start.append(self._written + len(self._ids))
        self._length.append(len(ids))
        self._ids.extend(ids)
        counts = list(bag.values())
        self._counts.extend(counts if max(counts, default=0) <= 65535 else [min(c, 65535) for c in counts])
        if len(self._ids) > 1 << 20:
            self._flush()
        return len(self._start) - 1

    def _new(self, term: str) -> int:
        self._number[term] = len(self.terms)
        self.terms.append(term)
        return len(self.terms) - 1

    def _count(self) -> None:
        counted = np.bincount(np.frombuffer(self._pending, dtype=np.int32), minlength=len(self.terms))
        self._df = np.concatenate((self._df, np.zeros(len(counted) - len(self._df), dtype=np.int64))) + counted
        self._pending = array("i")

    def _flush(self) -> None:
        self._ids_file.write(self._ids.tobytes())
        self._counts_file.write(self._counts.tobytes())
        self._written += len(self._ids)
        self._ids, self._counts = array("i"), array("H")

    def frequencies(self) -> dict[str, int]:
        """Each term's document frequency over every bag added (the last call of ``add``: the
        numbering by term is let go)."""
        self._count()
        self._number = {}
        return dict(zip(self.terms, self._df.tolist(), strict=True))

    def bag(self, place: int) -> dict[str, int]:
        """A stored bag: term -> count, in the order the bag was counted (``StoryStream.article``
        sums in that order: the same floats as a bag counted again). Read from the files with
        ``pread``: their pages stay in the kernel's cache, not in the process (a memory map's
        pages would count in its resident memory and grow with the corpus)."""
        if not self._sealed:
            self._flush()
            self._ids_file.flush()
            self._counts_file.flush()
            self._sealed = True
        start, n = self._start[place], self._length[place]
        ids, counts = array("i"), array("H")
        ids.frombytes(os.pread(self._ids_file.fileno(), 4 * n, 4 * start))
        counts.frombytes(os.pread(self._counts_file.fileno(), 2 * n, 2 * start))
        return dict(zip(map(self.terms.__getitem__, ids), counts, strict=True))

    def close(self) -> None:
        self._ids_file.close()
        self._counts_file.close()

    def __enter__(self) -> CountedWords:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
