"""Text normalisation for processing, on a copy, with a map back to the original offsets.

French news text carries typography that trips tokenisers and models: the typographic
apostrophe (’), no-break spaces around « guillemets » and before ``:;?!``, the non-breaking
hyphen U+2011, superscript ordinals (1ᵉʳ), zero-width characters and decomposed accents.
``normalize`` returns a cleaned copy plus, for each character of the copy, the original span it
came from, so every span found on the copy can be reported on the original text.

This module is in the base layer (imports nothing from silkwire): ingest uses it for stable
ids, search for indexing, and the NLP for its input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# One character in, one (or zero) out: what the NLP and the index should see instead.
_REPLACEMENTS: dict[str, str] = {
    # apostrophes
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2032": "'",
    # spaces
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u3000": " ",
    # hyphens
    "\u2011": "-",
    "\u2010": "-",
    # quotation marks
    "\u00ab": '"',
    "\u00bb": '"',
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2039": '"',
    "\u203a": '"',
    # superscript letters of French ordinals and abbreviations (1ᵉʳ, 2ᵉ, Mᵐᵉ, nᵒ)
    "\u1d49": "e",
    "\u02b3": "r",
    "\u02e2": "s",
    "\u1d48": "d",
    "\u1d50": "m",
    "\u1d52": "o",
    "\u207f": "n",
    "\u1d57": "t",
    "\u1d43": "a",
    "\u1d4d": "g",
    "\u02e1": "l",
    # zero-width and invisible characters: dropped
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\u00ad": "",
}
# str.translate with a dict is slow on non-ASCII text; a regex touches only what must change.
_SPECIAL = re.compile("[" + "".join(_REPLACEMENTS) + "]")


def _replace(match: re.Match[str]) -> str:
    return _REPLACEMENTS[match.group()]


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(word: str) -> str:
    """Lower case without diacritics: Ouzbékistan -> ouzbekistan, cœur -> coeur.

    Shared by the search analyser and duplicate detection, so both compare words alike.
    """
    decomposed = unicodedata.normalize("NFD", word.lower().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_text(text: str) -> str:
    """The normalised copy alone (fast path for hashing and indexing)."""
    return unicodedata.normalize("NFC", _SPECIAL.sub(_replace, text))


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised copy of ``original`` and the original span of each of its characters."""

    original: str
    text: str
    # starts[i] / ends[i]: the original span of copy character i; None when every character
    # maps to itself (the usual case: all replacements are one character for one).
    starts: tuple[int, ...] | None
    ends: tuple[int, ...] | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the copy to the span of the original it came from."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside the text of length {len(self.text)}")
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


# Characters whose replacement is empty: only they (and NFC composition) shift offsets.
_DROPPED = re.compile("[" + "".join(k for k, v in _REPLACEMENTS.items() if not v) + "]")


def normalize(text: str) -> Normalized:
    """Normalise ``text`` (see module doc) and keep the offset map back to it."""
    if not _DROPPED.search(text):
        copy = _SPECIAL.sub(_replace, text)
        if unicodedata.is_normalized("NFC", copy):
            return Normalized(text, copy, None, None)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        rep = _REPLACEMENTS.get(ch, ch)
        if rep:
            chars.append(rep)
            starts.append(i)
            ends.append(i + 1)
    copy = "".join(chars)
    if unicodedata.is_normalized("NFC", copy):
        return Normalized(text, copy, tuple(starts), tuple(ends))
    return _compose(text, chars, starts, ends)


def _compose(original: str, chars: list[str], starts: list[int], ends: list[int]) -> Normalized:
    """NFC per cluster (a starter and the combining marks after it), keeping the offset map."""
    out_chars: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    i = 0
    n = len(chars)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(chars[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", "".join(chars[i:j]))
        same_length = len(cluster) == j - i
        for k, ch in enumerate(cluster):
            out_chars.append(ch)
            # A cluster that composed maps, character by character, to the whole original cluster.
            out_starts.append(starts[i + k] if same_length else starts[i])
            out_ends.append(ends[i + k] if same_length else ends[j - 1])
        i = j
    return Normalized(original, "".join(out_chars), tuple(out_starts), tuple(out_ends))
