"""What an enricher of the pipeline (nlp/pipeline.py) is given and what it is: one article on its
way through the enrichers, and an enricher's declaration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from silkwire.model import Article
from silkwire.nlp import decide
from silkwire.nlp.kb import KnowledgeBase
from silkwire.nlp.parsing import Parses
from silkwire.nlp.spacy_model import DEFAULT_MODEL, NerSpan


@dataclass(slots=True)
class Context:
    """One article on its way through the enrichers: its inputs and the facts found so far."""

    article: Article
    kb: KnowledgeBase
    ner: list[NerSpan]  # in original-text coordinates
    is_common: Callable[[str], bool]
    facts: dict[str, Any] = field(default_factory=dict)
    words: Any = None  # the spaCy lexicon: lemmas and vectors for the models (nlp/spacy_model.py)
    mode: str = decide.DEFAULT_MODE  # who decides the main event and the topics (nlp/decide.py)
    parses: Parses = field(default_factory=dict)  # event sentences -> dependency parse (nlp/parsing.py)
    parse_model: str = DEFAULT_MODEL  # the model that parses (a title parsed on demand: nlp/pipeline.py)


@dataclass(frozen=True, slots=True)
class Enricher:
    name: str  # the fact it adds to Context.facts
    needs: tuple[str, ...]  # facts it reads
    run: Callable[[Context], Any]
