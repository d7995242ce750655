"""The tagger's speed path (trigger scan and windows) must never hide an expression."""

from __future__ import annotations

import pytest

from silkwire.nlp.temporal import tag_dates
from silkwire.nlp.temporal.lexicon import HOLIDAYS, MONTHS, RELATIVE, SEASONS, WEEKDAYS

PUB = "2025-07-30"


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
