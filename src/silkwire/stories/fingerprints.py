"""What duplicate detection computes from one text alone: its parameters (``DedupParams``), and
its fingerprints (``Fingerprints.prepare_many``): comparable form, digest, shingles, MinHash
signatures of the whole text, of its head (the title) and of its lead (the first paragraph after
the title), and their LSH band keys. No earlier article is needed, so a batch is computed at once,
outside the store's transaction (``dedup.py`` compares; ``service/duplicates.py`` wires both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from silkwire.stories.minhash import I64, Permutations, band_hashes, band_keys
from silkwire.stories.seen import Band, DedupState
from silkwire.stories.shingles import U32, comparable_many, content_digest, shingle_hashes_many

UNDATED = -1  # the period of undated articles' bands


@dataclass(frozen=True, slots=True)
class DedupParams:
    shingle: int = 5
    num_perm: int = 128
    head_perm: int = 64
    lead_perm: int = 64
    # (bands, rows per band): datasketch's optimum for MinHashLSH(threshold=0.7, num_perm=128),
    # candidates for the near-identical rule (estimate noise below 0.9) ...
    text_bands: tuple[int, int] = (14, 9)
    # ... and for MinHashLSH(threshold=0.6, num_perm=64), candidates for the same-head rule ...
    head_bands: tuple[int, int] = (10, 6)
    # ... and, for the same-lead rule (0.9), 8 bands of 8: a lead pair at 0.9 is a candidate 99
    # times in 100, at 0.5 three times in 100
    lead_bands: tuple[int, int] = (8, 8)
    sample: int = 256
    head_chars: int = 120  # the head of an untitled text: about a title's length
    lead_chars: int = 400  # the lead: the first paragraph after the title, at most this long
    min_jaccard: float = 0.9
    min_head: float = 0.8
    min_containment: float = 0.5
    min_lead: float = 0.9  # two outlets' write-ups of one dispatch open with the same lead
    min_lead_shingles: int = 75  # ~80 characters: a one-line standfirst says too little
    max_verify: int = 64  # candidates verified per article, latest first (bounds recurring titles)
    keep_material: int = 20_000  # samples kept in memory when texts can be re-read (loader): ~40 MB
    max_days: int = 2  # versions of one dispatch come out within days; a recurring title weeks apart
    horizon_days: int = 14  # near duplicates (not exact) are looked for this many days either side
    period_days: int = 64  # bands are filed by period of publication (dedup.py's module doc)
    seed: int = 20250730

    def band_layout(self) -> str:
        """What the stored band hashes depend on: when it changes, they must be recomputed."""
        return (f"text {self.text_bands[0]}x{self.text_bands[1]} of {self.num_perm}, "
                f"head {self.head_bands[0]}x{self.head_bands[1]} of {self.head_perm}, "
                f"lead {self.lead_bands[0]}x{self.lead_bands[1]} of {self.lead_perm}, seed {self.seed}, "
                f"fnv-fmix64, periods of {self.period_days} days")

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
    """What ``Fingerprints.prepare_many`` computes from a text alone (no earlier article needed)."""

    state: DedupState
    sample: U32  # the bottom-k sample of the text's shingle hashes
    head: U32  # the head's shingle hashes
    lead: U32  # the lead's shingle hashes
    bands: tuple[Band, ...]  # its LSH bands: text's (unless empty), head's, lead's (unless empty)
    rows: I64  # the same (band, hash) pairs as an array of two columns (for lookups in bulk)


def lead_of(text: str, title: str | None, chars: int) -> str:
    """The first paragraph after the title (the whole start of an untitled text), cut at ``chars``."""
    body = text[len(title):] if title and text.startswith(title) else text
    return body.strip().split("\n\n", 1)[0][:chars]


class Fingerprints:
    """The permutations of ``DedupParams`` and what they compute (see the module doc)."""

    def __init__(self, params: DedupParams) -> None:
        self.params = p = params
        self._text = Permutations(p.num_perm, p.seed)
        self._head = Permutations(p.head_perm, p.seed + 1)
        self._lead = Permutations(p.lead_perm, p.seed + 2)

    def heads(self, forms: Sequence[U32], titles: Sequence[str | None]) -> list[U32]:
        """The head shingles: the title's, or the start of an untitled text's comparable form."""
        p = self.params
        titled = dict(zip([i for i, t in enumerate(titles) if t], comparable_many([t for t in titles if t]),
                          strict=True))
        return shingle_hashes_many([titled.get(i, cps[: p.head_chars]) for i, cps in enumerate(forms)], p.shingle)

    def leads(self, texts: Sequence[str], titles: Sequence[str | None]) -> list[U32]:
        p = self.params
        return shingle_hashes_many(comparable_many([lead_of(t, ti, p.lead_chars) for t, ti in
                                                    zip(texts, titles, strict=True)]), p.shingle)

    def prepare_many(self, texts: Sequence[str], titles: Sequence[str | None]) -> list[Prepared]:
        """Each text's fingerprints, every step over the whole batch (numpy's cost per call is
        then paid once, not per text; the same values as one text at a time)."""
        p = self.params
        forms = comparable_many(texts)
        hashes = shingle_hashes_many(forms, p.shingle)
        heads, leads = self.heads(forms, titles), self.leads(texts, titles)
        signatures = self._text.signatures(hashes)
        head_signatures = self._head.signatures(heads)
        lead_signatures = self._lead.signatures(leads)
        keys = [band_keys(signatures, p.text_bands), band_keys(head_signatures, p.head_bands),
                band_keys(lead_signatures, p.lead_bands)]
        # every text's bands as one array (text's, head's, lead's): a text without shingles has no
        # text bands, a short lead no lead bands, so each text's bands are one slice of its row
        text, head = p.text_bands[0], p.text_bands[0] + p.head_bands[0]
        values = np.concatenate(keys, axis=1)
        numbers = np.arange(values.shape[1], dtype=np.int64)
        rows = np.empty((*values.shape, 2), dtype=np.int64)
        rows[:, :, 0] = numbers
        rows[:, :, 1] = values
        all_numbers, all_values = numbers.tolist(), values.tolist()
        out = []
        for i, cps in enumerate(forms):
            # a lead too short to decide anything (a one-line standfirst) gets no lead bands
            led = leads[i].size >= p.min_lead_shingles
            size = int(hashes[i].size)
            state = DedupState(content_digest(cps), size, signatures[i].tobytes(),
                               head_signatures[i].tobytes(), lead_signatures[i].tobytes() if led else b"")
            lo, hi = (0 if size else text), (len(all_numbers) if led else head)
            out.append(Prepared(state, hashes[i][: p.sample].copy(), heads[i], leads[i],
                                tuple(zip(all_numbers[lo:hi], all_values[i][lo:hi], strict=True)), rows[i, lo:hi]))
        return out

    def bands(self, state: DedupState) -> list[Band]:
        """The LSH bands of a stored state: its text's unless it is empty (every empty text would
        share them), its head's, its lead's when it has one; numbered in that order."""
        p = self.params
        text = band_hashes(state.signature, p.text_bands) if state.size else []
        head = band_hashes(state.head_signature, p.head_bands, p.text_bands[0])
        lead = band_hashes(state.lead_signature, p.lead_bands, p.text_bands[0] + p.head_bands[0]) \
            if state.lead_signature else []
        return text + head + lead

    def material(self, text: str, title: str | None) -> tuple[U32, U32, U32]:
        """(sample, head, lead) of a stored text read back, as ``prepare_many`` gives them."""
        ready = self.prepare_many([text], [title])[0]
        return ready.sample, ready.head, ready.lead


__all__ = ["UNDATED", "DedupParams", "Fingerprints", "Prepared", "lead_of"]
