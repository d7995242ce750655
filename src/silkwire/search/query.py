"""The user's search syntax, parsed into a small query tree for the index.

Syntax: words (implicit AND), ``"exact phrases"``, prefixes ``kazakh*``, ``AND`` / ``OR`` /
``NOT`` (also French ``ET`` / ``OU`` / ``SAUF``; upper case only, so "et" stays a word),
``-word`` for NOT, parentheses. Words go through the same analyser as the index (accents,
stemming, apostrophes), stop words are dropped outside phrases. The tree holds analysed terms
only, so no user input is ever interpreted as index syntax; a malformed query raises
``QueryError`` with the column where it went wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from silkwire.errors import QueryError
from silkwire.search.analyzer import TOKEN, analyse_token, stopwords
from silkwire.textnorm import normalize_text

_OPERATORS = {"AND": "AND", "ET": "AND", "OR": "OR", "OU": "OR", "NOT": "NOT", "SAUF": "NOT"}
_LEXER = re.compile(r'\s*(?:(?P<quote>")|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+))')
MIN_PREFIX = 2
# Parentheses nest at most this deep: the parser and every walk of the tree recurse once per
# level, and no one writes more than a few by hand ('('*400 must be a clear error, not a crash).
MAX_DEPTH = 20


@dataclass(frozen=True, slots=True)
class Phrase:
    """One term, or several in a row (an exact phrase), in the title or the body."""

    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prefix:
    """Folded words in a row, the last one a prefix (kazakh*, "sino-kaz"*)."""

    words: tuple[str, ...]
    prefix: str


@dataclass(frozen=True, slots=True)
class And:
    must: tuple[Node, ...]
    must_not: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Or:
    any: tuple[Node, ...]


Node = Phrase | Prefix | And | Or


@dataclass
class Query:
    """A parsed query: its tree and what to highlight."""

    text: str
    node: Node | None
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)


@dataclass
class _Token:
    kind: str  # word | phrase | op | open | close
    value: str
    column: int


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _LEXER.match(text, pos)
        if not m or m.end() == pos:
            break
        col = m.start(m.lastgroup or 0) + 1
        if m.group("quote"):
            end = text.find('"', m.end())
            if end < 0:
                raise QueryError(f'unclosed quote (") at column {col}: close the phrase with "')
            tokens.append(_Token("phrase", text[m.end() : end], col))
            pos = end + 1
            continue
        if m.group("open"):
            tokens.append(_Token("open", "(", col))
        elif m.group("close"):
            tokens.append(_Token("close", ")", col))
        else:
            word = m.group("word")
            if word in _OPERATORS:
                tokens.append(_Token("op", _OPERATORS[word], col))
            elif word.startswith("-") and len(word) > 1:
                tokens.append(_Token("op", "NOT", col))
                tokens.append(_Token("word", word[1:], col + 1))
            else:
                tokens.append(_Token("word", word, col))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _lex(text)
        self.i = 0
        self.depth = 0
        self.query = Query(text=text, node=None)

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Query:
        if not self.tokens:
            raise QueryError("empty query: type words to search for")
        expr = self.or_expr()
        tok = self.peek()
        if tok is not None:
            raise QueryError(f"unexpected '{tok.value}' at column {tok.column}")
        if expr is None:
            raise QueryError("nothing to search for: the query has only stop words (le, de, et…)")
        self.query.node = expr
        return self.query

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while (tok := self.peek()) and tok.kind == "op" and tok.value == "OR":
            self.i += 1
            if self.peek() is None:
                raise QueryError(f"'OR' at column {tok.column} needs a term after it")
            parts.append(self.and_expr())
        kept = [p for p in parts if p]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def and_expr(self) -> Node | None:
        positives: list[Node] = []
        negatives: list[Node] = []
        first = self.peek()
        while (tok := self.peek()) is not None and tok.kind != "close":
            if tok.kind == "op" and tok.value == "OR":
                break
            if tok.kind == "op" and tok.value == "AND":
                self.i += 1
                if not positives and not negatives:
                    raise QueryError(f"'AND' at column {tok.column} needs a term before it")
                nxt = self.peek()
                if nxt is None or nxt.kind == "close" or (nxt.kind == "op" and nxt.value != "NOT"):
                    raise QueryError(f"'AND' at column {tok.column} needs a term after it")
                continue
            if tok.kind == "op" and tok.value == "NOT":
                self.i += 1
                if self.peek() is None or self.peek().kind in ("op", "close"):  # type: ignore[union-attr]
                    raise QueryError(f"'NOT' at column {tok.column} needs a term after it")
                neg = self.atom(negated=True)
                if neg:
                    negatives.append(neg)
                continue
            pos = self.atom(negated=False)
            if pos:
                positives.append(pos)
        if first is not None and first.kind == "op" and first.value == "OR":
            raise QueryError(f"'OR' at column {first.column} needs a term before it")
        if negatives and not positives:
            raise QueryError("a query cannot only exclude: add a term to search for, e.g. 'kazakh NOT tennis'")
        if not positives:
            return None
        if len(positives) == 1 and not negatives:
            return positives[0]
        return And(tuple(positives), tuple(negatives))

    def atom(self, negated: bool) -> Node | None:
        tok = self.tokens[self.i]
        self.i += 1
        if tok.kind == "open":
            if self.depth >= MAX_DEPTH:
                raise QueryError(f"parentheses nested too deeply at column {tok.column}: at most {MAX_DEPTH} levels")
            self.depth += 1
            inner = self.or_expr()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != "close":
                raise QueryError(f"unclosed parenthesis at column {tok.column}")
            self.i += 1
            return inner
        if tok.kind == "close":
            raise QueryError(f"unexpected ')' at column {tok.column}")
        if tok.kind == "phrase":
            return self.phrase(tok, negated)
        return self.word(tok, negated)

    def phrase(self, tok: _Token, negated: bool) -> Node | None:
        terms = [analyse_token(t)[1] for t in TOKEN.findall(normalize_text(tok.value))]
        if not terms:
            raise QueryError(f"empty phrase at column {tok.column}")
        if not negated:
            self.query.terms.update(terms)
        return Phrase(tuple(terms))

    def word(self, tok: _Token, negated: bool) -> Node | None:
        raw = tok.value
        is_prefix = raw.endswith("*")
        pairs = [analyse_token(t) for t in TOKEN.findall(normalize_text(raw.rstrip("*")))]
        if not pairs:
            if is_prefix:
                raise QueryError(f"'{raw}' at column {tok.column}: a prefix needs letters before *")
            return None  # punctuation only
        if is_prefix:
            words = [w for w, _ in pairs]
            if len(words[-1]) < MIN_PREFIX:
                raise QueryError(f"'{raw}' at column {tok.column}: a prefix needs at least {MIN_PREFIX} letters")
            if not negated:
                self.query.prefixes.add(words[-1])
                self.query.terms.update(t for _, t in pairs[:-1])
            return Prefix(tuple(words[:-1]), words[-1])
        if len(pairs) > 1:  # one word that the analyser splits (sino-kazakh, L'Ouzbékistan)
            content = [t for w, t in pairs if w not in stopwords()]
            terms = [t for _, t in pairs] if len(content) > 1 else content
        else:
            terms = [] if pairs[0][0] in stopwords() else [pairs[0][1]]
        if not terms:
            return None
        if not negated:
            self.query.terms.update(terms)
        return Phrase(tuple(terms))


def parse_query(text: str) -> Query:
    """Parse the user's query; raises ``QueryError`` with a clear message when malformed."""
    return _Parser(text).parse()
