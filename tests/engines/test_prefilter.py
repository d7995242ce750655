"""The k-gram index of the trigger and cue lexicons (nlp/prefilter.py) reaches exactly the rows
whose literals a text holds: the rows the search used to check one by one, on the demo's texts,
each row's own spelling and hand-made edge cases."""

from __future__ import annotations

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.nlp import event_triggers as et
from silkwire.nlp import prefilter, topics
from silkwire.nlp.textmatch import fold_same_length
from silkwire.service.articles import demo_files
from silkwire.textnorm import normalize


def _every_row(literals: list[tuple[str, ...]], folded: str) -> list[int]:
    return [row for row, lits in enumerate(literals) if all(part in folded for part in lits)]


def _texts() -> list[str]:
    texts = [a.text for a in read_paths(demo_files()) if isinstance(a, Article)]
    texts += [f"Ils vont {rule.trigger.replace('...', 'à leur tour').replace('*', 'ent')} demain."
              for rule, _ in et.load_lexicon()]
    texts += [f"Titre\n\nLe {cue.cue.replace('*', 's')} du jour." for cue, _ in topics.load_cues()]
    return texts


def test_the_index_reaches_the_rows_of_a_full_scan_on_both_lexicons() -> None:
    lexicons = [[et.literals(rule) for rule, _ in et.load_lexicon()],
                [(topics._literal(cue.cue),) for cue, _ in topics.load_cues()]]
    reached = 0
    for literals in lexicons:
        index = prefilter.LiteralIndex(literals)
        for text in _texts():
            folded = fold_same_length(normalize(text).text)
            rows = index.rows(folded)
            assert rows == _every_row(literals, folded), text
            reached += len(rows)
    assert reached > 1000  # the texts do reach rows: the comparison is not empty


def test_short_empty_and_shared_literals() -> None:
    literals = [("ab",), (), ("abc", "x"), ("abcd",), ("zzabc",), ("abc", "de")]
    index = prefilter.LiteralIndex(literals)
    for text in ("", "ab", "abc", "x abc", "abcd", "zzabcd de", "a b c", "de abc"):
        assert index.rows(text) == _every_row(literals, text), text
    assert index.rows("zzabcd x") == [0, 1, 2, 3, 4]
    assert index.rows("abd de") == [0, 1]


def test_index_of_caches_tuples_only() -> None:
    rows = (("alpha",), ("beta",))
    assert prefilter.index_of(rows, lambda r: r) is prefilter.index_of(rows, lambda r: r)
    listed = [("alpha",)]
    first = prefilter.index_of(listed, lambda r: r)
    listed.append(("gamma",))
    assert prefilter.index_of(listed, lambda r: r).rows("gamma") == [1]
    assert first.rows("gamma") == []
