"""Highlights and snippets, computed on the original text with the query's terms.

FTS5 cannot highlight a contentless, pre-stemmed index, and we want spans on the original text
anyway (the same offsets as every other fact), so the few result rows are re-tokenised here.
"""

from __future__ import annotations

from dataclasses import dataclass

from silkwire.search.analyzer import tokens_with_spans
from silkwire.search.query import Query

Span = tuple[int, int]


def highlight_spans(text: str, query: Query) -> list[Span]:
    """Spans of ``text`` whose token matches a term or a prefix of the query."""
    spans: list[Span] = []
    for word, term, start, end in tokens_with_spans(text):
        if term in query.terms or any(word.startswith(p) for p in query.prefixes):
            spans.append((start, end))
    return spans


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    highlights: list[Span]  # relative to ``text``
    start: int  # where ``text`` starts in the article text (before the ellipsis, if any)


def make_snippet(text: str, spans: list[Span], offset: int = 0, width: int = 240) -> Snippet:
    """A window of ``text`` around its first highlight, cut at word boundaries, with "…" marks.

    ``offset`` is where ``text`` starts in the article text; ``spans`` index the article text.
    """
    local = [(s - offset, e - offset) for s, e in spans if s >= offset and e <= offset + len(text)]
    if len(text) <= width:
        return Snippet(text, local, offset)
    first = local[0][0] if local else 0
    begin = max(0, first - width // 4)
    if begin > 0:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - begin
    kept = [(s + shift, e + shift) for s, e in local if s >= begin and e <= end]
    return Snippet(prefix + text[begin:end] + suffix, kept, offset + begin)
