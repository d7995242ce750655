"""The French text analyser shared by indexing, querying and highlighting.

A token is a run of letters and digits of the normalised text (so ’ and ' both split
"L’Ouzbékistan" into "l" + "ouzbékistan", and hyphens split "sino-kazakh"). Each token gives:
- its *word*: lower case, accents folded (œ -> oe) — for prefix queries;
- its *term*: the Snowball French stem of the lower-case word, then folded — for everything else.
  Stemming before folding matters: the French stemmer reads accents (é, è) in its rules.

One derivational rule on top of Snowball: country names in -(i)stan share the term of their
people's name (Ouzbékistan, ouzbek, ouzbèkes -> "ouzbek"; Kazakhstan, kazakhstanais -> "kazakh"),
because a reader searching "ouzbek" means the country as much as the adjective. Quoted phrases
use the same terms, so the rule applies there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import Stemmer

from silkwire.textnorm import fold, normalize, normalize_text

TOKEN = re.compile(r"[^\W_]+")
_STEMMER = Stemmer.Stemmer("french")
_STAN = re.compile(r"^(.{4,}?)(?<!i)(?:istan|stan)$")
@lru_cache(maxsize=262_144)
def analyse_token(token: str) -> tuple[str, str]:
    """(word, term) of one token; cached, since news vocabulary repeats a lot."""
    lower = token.lower()
    word = fold(lower)
    term = fold(_STEMMER.stemWord(lower))
    stan = _STAN.match(term)
    if stan:
        term = stan.group(1)
    return word, term


def index_columns(title: str | None, body: str) -> tuple[str, str, str]:
    """The three full-text columns of an article: title terms, body terms, words (for prefixes)."""
    title_tokens = TOKEN.findall(normalize_text(title)) if title else []
    body_tokens = TOKEN.findall(normalize_text(body))
    title_pairs = [analyse_token(t) for t in title_tokens]
    body_pairs = [analyse_token(t) for t in body_tokens]
    return (
        " ".join(term for _, term in title_pairs),
        " ".join(term for _, term in body_pairs),
        " ".join(word for word, _ in title_pairs + body_pairs),
    )


def tokens_with_spans(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(word, term, start, end) for each token, spans indexing the original ``text``."""
    norm = normalize(text)
    for m in TOKEN.finditer(norm.text):
        word, term = analyse_token(m.group())
        start, end = norm.to_original(m.start(), m.end())
        yield word, term, start, end


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    data = resources.files("silkwire.search").joinpath("stopwords-fr.txt").read_text("utf-8")
    return frozenset(line.strip() for line in data.splitlines() if line.strip() and not line.startswith("#"))
