"""French full-text search: analyser, query language, highlights (no storage here)."""

from silkwire.search.analyzer import index_columns
from silkwire.search.highlight import Snippet, highlight_spans, make_snippet
from silkwire.search.query import Query, parse_query

__all__ = ["Query", "Snippet", "highlight_spans", "index_columns", "make_snippet", "parse_query"]
