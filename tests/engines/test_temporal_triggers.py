"""The tagger's speed path (trigger scan and windows) must never hide an expression."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkwire.nlp.temporal import guards, tag_dates
from silkwire.nlp.temporal.lexicon import HOLIDAYS, MONTHS, RELATIVE, SEASONS, WEEKDAYS

PUB = "2025-07-30"
# Compiled (setup.py), the tagger calls guards' functions directly: monkeypatching them changes
# nothing, so those tests run interpreted (tests/test_compiled.py runs this file that way).
_guards_compiled = pytest.mark.skipif(
    not (guards.__file__ or "").endswith(".py"), reason="guards is compiled: run interpreted by test_compiled.py")


@pytest.mark.parametrize(
    ("lexicon", "frame"),
    [
        (list(RELATIVE), "Il a parlé {}, à Astana."),
        (list(HOLIDAYS), "Le défilé de {} 2024 a eu lieu à Tachkent."),
        ([m for m in MONTHS if len(m) > 4], "Le forum s'est tenu le 3 {} 2024 à Astana."),
        (list(WEEKDAYS), "Le ministre est arrivé {} dernier."),
        (list(SEASONS), "La récolte de l'{} 2024 a été bonne."),
    ],
)
def test_every_lexicon_entry_is_found_in_a_sentence(lexicon: list[str], frame: str) -> None:
    # Each entry must carry a trigger word of its family, or the windows never open around it.
    for entry in lexicon:
        text = frame.format(entry)
        assert [r for r in tag_dates(text, PUB) if entry in r.text.lower()], text


def test_matches_are_not_cut_by_the_window_end() -> None:
    # A window that ends inside "déclenchés" must not leave "déc" (December) behind.
    text = "Un pompier a été écroué pour 13 incendies déclenchés entre 2017 et 2019."
    assert [(r.text, r.value) for r in tag_dates(text, "2019-07-08")] == [("entre 2017 et 2019", "2017/2019")]


def test_long_lead_ins_and_tails_stay_inside_the_windows() -> None:
    text = "Entre le mercredi vingt et un mai et le vendredi vingt-trois mai 2025, un forum."
    assert [r.value for r in tag_dates(text, PUB)] == ["2025-05-21/2025-05-23"]
    text = "Au cours des quatre-vingt-dix derniers jours, les prix ont monté."
    assert [r.value for r in tag_dates(text, PUB)] == ["2025-05-01/2025-07-30"]
    text = "Le glissement s'est produit l'été dernierCette année encore."  # a lost space
    assert tag_dates(text, PUB)[0].text == "l'été dernier"


def test_a_year_after_a_quarter_code_opens_the_period_family() -> None:
    assert [(r.text, r.value) for r in tag_dates("Les résultats du T3 2024 sont bons.", PUB)] == [("T3 2024", "2024-Q3")]
    assert [r.value for r in tag_dates("Le premier quartier d'affaires a rouvert.", PUB)] == []


_GUARDED_TEXTS = [
    "Le forum se tiendra du 3 au 5 mars à Bichkek.",
    "Les 21-22 août 2025, les ministres se réunissent.",
    "Entre le 1er janvier et le 30 juin, les exportations ont doublé.",
    "Le sommet a lieu les 29 et 30 mai, puis le mercredi 4 et le jeudi 5 juin.",
    "Du lundi 2 au vendredi 6 juin, puis jusqu'au 13 juin.",
    "Du vingt et un au vingt-trois mai, un festival ; le premier juin, un autre.",
    "Oct. 2, Novembre 19-20, mai vingt et un, juin - 3, juillet/4.",
    "Rendez-vous entre le 10 et le 15 de ce mois, puis du 3 au 5 du mois prochain.",
    "Publié le 30/07/2025, mis à jour le 2025-07-31, puis 07/2025.",
    "Le bilan de 07 / 2025 est paru.",  # only the year's own neighbours open numeric dates here
    "Le bilan de 2025 / 08 est paru.",
    "La séance du 30 07 2025 est close.",
    "Le 30 juillet 2025, le président a signé ; en octobre 2025 il reviendra.",
    "Un accord du 12.03.2024 et un autre de 2024-2025, pour 2000 soldats.",
    "Le premier vendredi de juillet, un festival ; le dernier dimanche de mai, une course.",
    "Le 3e mardi du mois prochain, une réunion.",
]


@_guards_compiled
@pytest.mark.parametrize("text", _GUARDED_TEXTS)
def test_the_family_guards_never_hide_a_match(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # guards.py lets the tagger skip four families; with every check forced to pass (the
    # families always run) the result must be the same.
    guarded = [(r.text, r.value) for r in tag_dates(text, PUB)]
    for name in ("month_day_possible", "day_range_possible", "numeric_date_possible", "nth_weekday_possible"):
        monkeypatch.setattr(guards, name, lambda *_: True)
    assert [(r.text, r.value) for r in tag_dates(text, PUB)] == guarded
    assert guarded  # each text has dates the guarded families find


@_guards_compiled
def test_the_family_guards_never_hide_a_match_in_the_gold(monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    from pathlib import Path

    rows = [json.loads(line) for line in (Path(__file__).parents[1] / "fixtures" / "temporal_gold.jsonl").read_text(
        encoding="utf-8").splitlines()]
    guarded = [[(r.text, r.value) for r in tag_dates(row["text"], row["published"])] for row in rows]
    for name in ("month_day_possible", "day_range_possible", "numeric_date_possible", "nth_weekday_possible"):
        monkeypatch.setattr(guards, name, lambda *_: True)
    assert [[(r.text, r.value) for r in tag_dates(row["text"], row["published"])] for row in rows] == guarded


def test_no_family_matches_the_empty_string() -> None:
    # tagger._select walks a window with search() from the end of each match, as finditer would:
    # that is only the same (and only ends) when no family pattern can match the empty string.
    from re import _parser  # type: ignore[attr-defined]

    from silkwire.nlp.temporal import absolute, relative

    for pattern, handler in absolute.FAMILIES + relative.FAMILIES:
        assert _parser.parse(pattern.pattern, pattern.flags).getwidth()[0] > 0, handler.__name__


def test_every_trigger_word_is_made_of_word_characters() -> None:
    # windows.find_windows skips a trigger opened by a non-ASCII word character without searching again
    # inside it: that is only what the Unicode pattern finds when no trigger holds a non-word
    # character (a space, an apostrophe, a hyphen) where another trigger could start.
    import re

    from silkwire.nlp.temporal import windows

    assert all(re.fullmatch(r"\w+", word) for word in windows.TRIGGER_WORDS)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="tqshTQ1234 \t\u00a0\u2009x5é", max_size=12), st.integers(min_value=0, max_value=12))
def test_the_quarter_code_check_says_what_its_regex_says(text: str, start: int) -> None:
    import re

    from silkwire.nlp.temporal import windows

    start = min(start, len(text))
    expected = re.compile(r"[tqsh][1-4]\s+$").search(text, max(0, start - 6), start) is not None
    assert windows.after_quarter_code(text, start) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" éèàïç'-.,2019juilletmaiété", max_size=40))
def test_non_ascii_letters_never_open_a_trigger(text: str) -> None:
    # The trigger scan tests its opening character the ASCII way: a trigger glued to an accented
    # letter ("émai", "é2025") must still not be one; the Unicode pattern is the reference.
    import re

    from silkwire.nlp.temporal import windows

    unicode_scan = re.compile(windows.TRIGGERS.pattern.replace("(?a:\\W)", "\\W", 1))
    spaced = " " + text
    expected = [m.span() for m in unicode_scan.finditer(spaced)]
    found = [m.span() for m in windows.TRIGGERS.finditer(spaced)
             if not (spaced[m.start()] >= "\x80" and spaced[m.start()].isalnum())]
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30) | st.text(alphabet="AÀÉÈÇÎÔÛÜŸÆŒẞİµßÿaéz É-'", max_size=30))
def test_lowering_keeps_length_and_agrees_with_str_lower(text: str) -> None:
    # lower_same_length lowers Latin-1 texts through a byte table, others through str.lower.
    from silkwire.nlp.temporal.context import lower_same_length

    lowered = lower_same_length(text)
    assert len(lowered) == len(text)
    if text.lower() == "".join(ch.lower()[0] for ch in text):
        assert lowered == text.lower()


def test_the_latin1_table_is_what_str_lower_says() -> None:
    from silkwire.nlp.temporal.context import lower_same_length

    latin1 = "".join(chr(code) for code in range(256))
    assert lower_same_length(latin1) == latin1.lower()
