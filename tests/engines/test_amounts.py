"""Money, counts and percentages, and the French number-word parser they share with dates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkwire.nlp.amounts import find_amounts
from silkwire.nlp.numbers_fr import parse_digits, parse_ordinal, parse_words


def amounts(text: str) -> list[tuple[str, float, str | None, str]]:
    return [(a.text, a.value, a.unit, a.kind) for a in find_amounts(text)]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,5 milliard d'euros", 1.5e9, "EUR"),
        ("1,5 milliard d’euros", 1.5e9, "EUR"),
        ("500 millions de dollars", 5e8, "USD"),
        ("2 mds $", 2e9, "USD"),
        ("120 milliards de tenge", 1.2e11, "KZT"),
        ("3 000 milliards de soums", 3e12, "UZS"),
        ("3\u00a0000 milliards de soums", 3e12, "UZS"),
        ("$500 millions", 5e8, "USD"),
        ("USD 20 millions", 2e7, "USD"),
        ("5 M€", 5e6, "EUR"),
        ("100 roubles", 100, "RUB"),
        ("40 yuans", 40, "CNY"),
        ("10 000 somoni", 1e4, "TJS"),
        ("50 manats", 50, "TMT"),
        ("300 soms", 300, "KGS"),
        ("20 livres sterling", 20, "GBP"),
        ("1 000 yens", 1000, "JPY"),
        ("5 wons", 5, "KRW"),
        ("7 dirhams", 7, "AED"),
        ("9 riyals", 9, "SAR"),
        ("trois millions de dollars", 3e6, "USD"),
    ],
)
def test_money_with_iso_4217(text: str, value: float, unit: str) -> None:
    assert amounts(f"Un prêt de {text} a été accordé.") == [(text, value, unit, "money")]


def test_counts_carry_the_counted_noun() -> None:
    assert amounts("Le pays compte 7,5 millions d'étrangers.") == [("7,5 millions d'étrangers", 7.5e6, "étrangers", "count")]
    assert amounts("Le pays réunit 130 ethnies.") == [("130 ethnies", 130, "ethnies", "count")]
    assert amounts("Plus de 2 000 personnes ont manifesté.") == [("2 000 personnes", 2000, "personnes", "count")]
    assert amounts("Une population en hausse de 600.000.") == [("600.000", 600000, None, "count")]


@pytest.mark.parametrize(
    ("text", "value", "noun"),
    [
        ("treize pays", 13, "pays"),
        ("quinze ministres", 15, "ministres"),
        ("dix accords", 10, "accords"),
        ("deux cents personnes", 200, "personnes"),
        ("vingt et un projets", 21, "projets"),
        ("quatre-vingt-dix soldats", 90, "soldats"),
        ("trois millions de touristes", 3e6, "touristes"),
    ],
)
def test_counts_in_words(text: str, value: float, noun: str) -> None:
    assert amounts(f"Selon le rapport, {text} sont concernés.") == [(text, value, noun, "count")]


def test_percentages() -> None:
    assert amounts("Inflation de 12 % et croissance de 12,5 pour cent.") == [
        ("12 %", 12, "%", "percent"),
        ("12,5 pour cent", 12.5, "%", "percent"),
    ]
    assert amounts("Hausse de 3%.") == [("3%", 3, "%", "percent")]


@pytest.mark.parametrize(
    "text",
    [
        "En 2025, la réforme a été adoptée.",
        "La COP29 s'est tenue à Bakou.",
        "L'ATP 250 d'Astana a commencé.",
        "La 43e session s'est ouverte.",
        "La stratégie Vision 2030 a été présentée.",
        "Le sommet a eu lieu le 30 juillet.",
        "Il y a trois ans, les émeutes.",
        "Un accord a été signé.",
        "Appelez le +996 312 62 45 67.",
    ],
)
def test_not_amounts(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("treize", 13),
        ("quinze", 15),
        ("dix", 10),
        ("deux cents", 200),
        ("trois millions", 3_000_000),
        ("vingt et un", 21),
        ("quatre-vingt-dix", 90),
        ("quatre-vingts", 80),
        ("soixante-dix-sept", 77),
        ("soixante et onze", 71),
        ("deux cent mille", 200_000),
        ("mille neuf cent quatre-vingt-dix-neuf", 1999),
        ("un milliard", 1_000_000_000),
    ],
)
def test_number_words(words: str, value: int) -> None:
    assert parse_words(words) == value


def test_number_words_reject_non_numbers() -> None:
    assert parse_words("accord") is None
    assert parse_words("premier") is None
    assert parse_words("") is None


def test_digits_and_ordinals() -> None:
    assert parse_digits("3 000") == 3000
    assert parse_digits("600.000") == 600000
    assert parse_digits("1,5") == 1.5
    assert parse_ordinal("1er") == 1
    assert parse_ordinal("premier") == 1
    assert parse_ordinal("43e") == 43
    assert parse_ordinal("troisième") == 3
    assert parse_ordinal("accord") is None


PIECES = list("0123456789 ,.%$€'’-\u00a0+") + ["millions", " de ", "dollars", "euros", "mds", "pour cent", "treize", "personnes", "d'", "2025"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_find_amounts_never_raises_and_spans_index_the_text(text: str) -> None:
    for amount in find_amounts(text):
        assert text[amount.span[0] : amount.span[1]] == amount.text
        assert amount.kind in ("money", "count", "percent")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le salaire est relevé de 70 000 à 85 000 tenge.", [("70 000", 7e4, "KZT"), ("85 000 tenge", 8.5e4, "KZT")]),
        ("Le kilowattheure passe de 295 à 450 soums.", [("295", 295, "UZS"), ("450 soums", 450, "UZS")]),
        ("Un budget de 1,5 à 2 milliards de dollars.", [("1,5", 1.5e9, "USD"), ("2 milliards de dollars", 2e9, "USD")]),
        ("Un prix entre 10 et 20 euros.", [("10", 10, "EUR"), ("20 euros", 20, "EUR")]),
    ],
)
def test_a_range_shares_the_currency_written_after_it(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(t, v, u) for t, v, u, k in amounts(text) if k == "money"] == expected


def test_a_range_needs_its_opener_and_matching_scales() -> None:
    # No "de"/"entre" before the first number: two separate facts, the first is no money.
    assert [a[0] for a in amounts("Il y a 300 à 450 soums.") if a[3] == "money"] == ["450 soums"]
    # "de 2 millions à 300 dollars" is no range: the first keeps its multiplier and no currency.
    assert ("2 millions", 2e6, None, "count") in amounts("Une hausse de 2 millions à 300 dollars.")


def test_a_scaled_number_after_money_takes_its_currency() -> None:
    text = "Il a versé 600 millions de dollars ; le solde, quelque 527 millions, sera réglé d'ici six mois."
    assert ("527 millions", 5.27e8, "USD", "money") in amounts(text)
    text = "Le commerce a progressé par rapport aux 89,4 milliards de 2023, après 94,8 milliards de dollars."
    # Before any money, the scaled number stays a count: no currency is guessed backwards.
    assert ("89,4 milliards", 8.94e10, None, "count") in amounts(text)
    # A scaled number with its own noun counts that noun.
    assert ("1,8 million de salariés", 1.8e6, "salariés", "count") in amounts(
        "Après 5 millions de dollars, 1,8 million de salariés sont concernés.")


def test_a_vague_amount_has_no_value_and_is_left_out() -> None:
    assert amounts("Le projet, chiffré à plusieurs milliards de dollars, avance.") == []
    assert amounts("Des millions de touristes.") == []
