"""The listing format: a news site's list page, one title line then one lead line per item.

Newest first; the first line may be a lead whose title fell on the previous page. Telling a
title from a lead does not rely on counting lines: each line gets a title-vs-lead score from its
shape (titles are short and rarely end with a period; leads are sentences), and a two-state
Viterbi decoder finds the most likely labelling, where a title is normally followed by its lead.
So a missing title, a title without lead, or blank lines between items do not shift the pairing
of everything after them.

The decoder runs online: once the best paths ending in either state agree on a prefix, that
prefix is final and its items are emitted, so a file of any size streams in bounded memory.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from silkwire.errors import InputError, InputWarning
from silkwire.ingest.articles import make_article
from silkwire.ingest.lines import Line
from silkwire.model import Article

TITLE, LEAD = 0, 1

# Transition costs (negative log-probabilities, in nats). A title followed by another title, or
# a lead by another lead, happens (a lost line, a page break) but is unlikely.
_SAME_TWICE = 4.0
_START_WITH_LEAD = 1.5  # an orphan lead at the top of a page is common
_END_WITH_TITLE = 3.0
_WINDOW = 512  # lines decoded before we look for a settled prefix

_SENTENCE_END = re.compile(r"[.!?…](?:\s*[»\"”’)])?$")
_INNER_SENTENCE = re.compile(r"[.!?…]\s+[«\"“]?[A-ZÀ-ÖØ-Þ]")


def lead_log_odds(line: str) -> float:
    """How much more a line looks like a lead than like a title (log-odds)."""
    score = 2.5 if _SENTENCE_END.search(line) else -1.5
    score += max(-3.0, min(3.0, (len(line) - 110) / 30))
    if _INNER_SENTENCE.search(line):
        score += 1.0
    if " : " in line and len(line) < 120:
        score -= 1.0  # "Sujet : ce qui s'est passé", the usual shape of a title
    return score


def _costs(line: str) -> tuple[float, float]:
    z = lead_log_odds(line)
    # -log sigmoid, computed stably
    as_title = max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    as_lead = max(-z, 0.0) + math.log1p(math.exp(-abs(z)))
    return as_title, as_lead


def decode(lines: list[str], start: int | None, final: bool) -> tuple[list[int], list[int]]:
    """Viterbi over ``lines``; ``start`` is the settled state before them (None at the top).

    Returns the best paths ending in TITLE and in LEAD (with end costs when ``final``).
    """
    start_costs = {None: (0.0, _START_WITH_LEAD), LEAD: (0.0, _SAME_TWICE), TITLE: (_SAME_TWICE, 0.0)}
    prev = list(start_costs[start])
    back: list[tuple[int, int]] = []
    for line in lines:
        cost_t, cost_l = _costs(line)
        from_t = (prev[TITLE] + _SAME_TWICE, prev[LEAD])  # into TITLE from T, from L
        from_l = (prev[TITLE], prev[LEAD] + _SAME_TWICE)  # into LEAD from T, from L
        bt = TITLE if from_t[0] <= from_t[1] else LEAD
        bl = TITLE if from_l[0] <= from_l[1] else LEAD
        prev = [from_t[bt] + cost_t, from_l[bl] + cost_l]
        back.append((bt, bl))
    if final:
        prev[TITLE] += _END_WITH_TITLE
    paths = []
    for end in (TITLE, LEAD):
        state, path = end, []
        for bt, bl in reversed(back):
            path.append(state)
            state = bt if state == TITLE else bl
        path.reverse()
        paths.append(path)
    if final and prev[LEAD] <= prev[TITLE]:
        paths.reverse()  # best path first
    return paths[0], paths[1]


@dataclass
class _Pending:
    lines: list[Line]
    state_before: int | None


def read_listing(
    items: Iterable[Line | InputError], source: str, origin: str, max_chars: int | None = None
) -> Iterator[Article | InputError | InputWarning]:
    """Articles (and errors) from the decoded lines of one listing file, in file order.

    A line over ``max_chars`` is rejected before decoding (its article would be): the decoder
    holds up to ``2 * _WINDOW`` lines, so this bounds its memory by the article limit."""
    pending = _Pending([], None)
    for item in items:
        if isinstance(item, InputError):
            yield item
            continue
        if not item.text.strip():
            continue
        if max_chars is not None and len(item.text) > max_chars:
            yield InputError(f"{origin}:{item.number}", f"line of {len(item.text):,} characters, more than "
                                                        f"{max_chars:,} (--max-article-chars); skipped")
            continue
        pending.lines.append(Line(item.number, item.text.strip()))
        if len(pending.lines) >= 2 * _WINDOW:
            yield from _settle(pending, source, origin, final=False)
    yield from _settle(pending, source, origin, final=True)


def _settle(pending: _Pending, source: str, origin: str, final: bool) -> Iterator[Article | InputError | InputWarning]:
    texts = [line.text for line in pending.lines]
    best, other = decode(texts, pending.state_before, final)
    if final:
        settled = len(best)
    else:
        # Both survivors share every state up to their last agreement: that prefix is final.
        agree = max((i for i in range(len(best)) if best[i] == other[i]), default=-1)
        # Stop after a lead, so no item is split between two decodings.
        settled = next((i + 1 for i in range(agree, -1, -1) if best[i] == LEAD), 0)
    labels, lines = best[:settled], pending.lines[:settled]
    yield from _items(lines, labels, pending.state_before, source, origin)
    if settled:
        pending.state_before = labels[-1]
    pending.lines = pending.lines[settled:]


def _items(
    lines: list[Line], labels: list[int], state_before: int | None, source: str, origin: str
) -> Iterator[Article | InputError | InputWarning]:
    i = 0
    while i < len(lines):
        line = lines[i]
        if labels[i] == TITLE:
            if i + 1 < len(lines) and labels[i + 1] == LEAD:
                lead = lines[i + 1]
                yield make_article(source=source, title=line.text, parts=[lead.text], origin=f"{origin}:{line.number}")
                i += 2
                continue
            yield InputWarning(
                f"{origin}:{line.number}", "a title without its lead; kept as an article with a title only"
            )
            yield make_article(source=source, title=line.text, parts=[], origin=f"{origin}:{line.number}")
        else:
            is_first = i == 0 and state_before is None
            if not is_first:
                yield InputWarning(
                    f"{origin}:{line.number}", "a lead without its title; kept as an article without title"
                )
            yield make_article(source=source, title=None, parts=[line.text], origin=f"{origin}:{line.number}")
        i += 1
