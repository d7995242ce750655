"""The trigger search skips a lexicon row whose fixed strings a text lacks (nlp/event_triggers.py
``literals``): never a match lost, on every row and the demo corpus's texts."""

from __future__ import annotations

from silkwire.ingest import read_paths
from silkwire.model import Article
from silkwire.nlp import event_triggers as et
from silkwire.service.articles import demo_files


def _matches(text: str, rules: tuple[tuple[et.Trigger, object], ...], filtered: bool) -> list[tuple[int, int, int]]:
    folded = et.fold_same_length(et.normalize(text).text)
    return sorted((m.start(), m.end(), order) for order, (rule, pattern) in enumerate(rules)
                  if not filtered or all(part in folded for part in et.literals(rule))
                  for m in pattern.finditer(folded))  # type: ignore[attr-defined]


def test_the_literals_filter_keeps_every_match_of_every_row() -> None:
    rules = et.load_lexicon()
    texts = [a.text for a in read_paths(demo_files()) if isinstance(a, Article)]
    # each row's own trigger, spelled as a text: the row must still find itself
    texts += [f"Ils vont {rule.trigger.replace('...', 'à leur tour').replace('*', 'ent')} demain." for rule, _ in rules]
    found = 0
    for text in texts:
        full = _matches(text, rules, filtered=False)
        assert _matches(text, rules, filtered=True) == full, text
        found += len(full)
    assert found > len(rules)  # the texts do hold matches: the comparison is not empty


def test_literals_are_the_fixed_parts_of_each_word() -> None:
    assert et.literals(et.Trigger("signer", "VERB", "AGREE")) == ("sign",)
    assert et.literals(et.Trigger("reconn*", "VERB", "AGREE")) == ("reconn",)
    assert et.literals(et.Trigger("se retirer", "VERB", "RETREAT")) == ("retir",)
    assert et.literals(et.Trigger("mettre ... sur la table", "VERB", "CONSULT")) == ("mett", "sur", "la", "table")
    assert et.literals(et.Trigger("accord", "NOUN", "AGREE")) == ("accord",)
