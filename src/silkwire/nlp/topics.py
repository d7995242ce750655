"""What an article is about: IPTC Media Topics (top level), multi-label, primary first.

The rule side of the topics (the pipeline combines it with the trained topic model:
nlp/decide.py). A lexicon classifier: ``data/iptc_cues_fr.tsv`` holds weighted French cue words per
topic (users extend it like the event lexicon), matched on a folded copy of the text (lower
case, no accents, same length). A topic's raw score is the sum of its cue weights, doubled in
the title (a headline states the subject; a lead wanders into background). Politics gets a
small prior: the corpus is foreign-affairs news about Central Asia, where the guide's default
topic is politics, and listing every diplomatic word as a cue would drown the other topics
whenever a minister is quoted. Scores are shares of the total raw score (so they sum to 1 over
the topics returned); a topic is returned when its share is at least ``MIN_SHARE``.

Codes and labels are the IPTC NewsCodes ones (``data/iptc_topics_fr.tsv``): note that in IPTC
``medtop:02000000`` is crime, law and justice, ``03000000`` disasters and accidents and
``16000000`` conflict, war and peace.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from silkwire.model import Topic
from silkwire.nlp.prefilter import index_of
from silkwire.nlp.textmatch import fold_same_length
from silkwire.textnorm import normalize

POLITICS = "medtop:11000000"
PRIORS = {POLITICS: 1.5}
TITLE_WEIGHT = 2.0
MIN_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class Cue:
    code: str
    cue: str
    weight: float


def _data(name: str) -> str:
    return str(resources.files("silkwire.nlp") / "data" / name)


def _rows(path: str) -> list[tuple[int, list[str]]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [(n, line.split("\t")) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    """IPTC top-level code -> French label."""
    out: dict[str, str] = {}
    for n, cols in _rows(_data("iptc_topics_fr.tsv")):
        if len(cols) != 2 or not re.fullmatch(r"medtop:\d{8}", cols[0]):
            raise ValueError(f"iptc_topics_fr.tsv:{n}: expected 'medtop:NNNNNNNN<TAB>label'")
        out[cols[0]] = cols[1].strip()
    return out


def read_cues(path: str) -> list[Cue]:
    """Rows of a cue file (format in data/iptc_cues_fr.tsv); bad rows raise ValueError."""
    known = labels()
    cues: list[Cue] = []
    for n, cols in _rows(path):
        try:
            code, cue, weight = cols[0].strip(), cols[1].strip(), float(cols[2])
        except (IndexError, ValueError):
            raise ValueError(f"{path}:{n}: expected 'code<TAB>cue<TAB>weight'") from None
        if code not in known:
            raise ValueError(f"{path}:{n}: unknown topic {code!r}")
        cues.append(Cue(code, cue, weight))
    return cues


def _pattern(cue: str) -> str:
    words = fold_same_length(cue).split()
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[\w-]*")
        else:
            parts.append(re.escape(word) + r"(?:e|es|s|x)?")
    return r"(?<![\w-])" + r"[\s'\-]+".join(parts) + r"(?![\w])"


@functools.lru_cache(maxsize=4096)
def _literal(cue: str) -> str:
    """A substring every match of the cue contains: its first word, without a trailing '*'."""
    return fold_same_length(cue).split()[0].rstrip("*")


def _row_literal(row: tuple[Cue, re.Pattern[str]]) -> tuple[str]:
    return (_literal(row[0].cue),)


@functools.lru_cache(maxsize=8)
def load_cues(*extra: str) -> tuple[tuple[Cue, re.Pattern[str]], ...]:
    """The shipped cues plus ``extra`` files, compiled once per process."""
    cues = read_cues(_data("iptc_cues_fr.tsv"))
    for path in extra:
        cues.extend(read_cues(path))
    return tuple((c, re.compile(_pattern(c.cue))) for c in cues)


def raw_scores(text: str, cues: Sequence[tuple[Cue, re.Pattern[str]]] | None = None) -> dict[str, float]:
    """Topic -> summed cue weights (title doubled) plus priors (module doc)."""
    folded = fold_same_length(normalize(text).text)
    title_end = folded.find("\n\n")
    scores: dict[str, float] = dict(PRIORS)
    lexicon = load_cues() if cues is None else cues
    for row in index_of(lexicon, _row_literal).rows(folded):  # the cues whose literal the text holds (~5 of 409)
        cue, pattern = lexicon[row]
        for m in pattern.finditer(folded):
            weight = cue.weight * (TITLE_WEIGHT if m.start() < title_end else 1.0)
            scores[cue.code] = scores.get(cue.code, 0.0) + weight
    return scores


def from_scores(scores: dict[str, float]) -> list[Topic]:
    """The topics of raw scores (``raw_scores``): shares of the total, primary first, those of at
    least ``MIN_SHARE`` (never empty: politics is the fallback through its prior)."""
    total = sum(scores.values())
    names = labels()
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    out = [Topic(code, names[code], round(score / total, 3)) for code, score in ranked
           if score / total >= MIN_SHARE]
    return out or [Topic(ranked[0][0], names[ranked[0][0]], round(ranked[0][1] / total, 3))]


def classify(text: str, cues: Sequence[tuple[Cue, re.Pattern[str]]] | None = None) -> list[Topic]:
    """The article's IPTC topics with scores, the primary one first (``from_scores``)."""
    return from_scores(raw_scores(text, cues))
