"""Hand-written places of knowledge/places.tsv: world cities the news names outside the
generated GeoNames selection, Central Asian rivers beside their homonymous towns, and a
currency the NER takes for a place."""

from __future__ import annotations

import pytest

from silkwire.nlp.amounts import is_currency_name
from silkwire.nlp.gazetteer import find_countries, find_places


def located(text: str, context: tuple[str, ...] = ()) -> dict[str, tuple[str | None, int | None]]:
    return {p.name: (p.country, p.geonameid) for p in find_places(text, context)}


@pytest.mark.parametrize(
    ("text", "name", "code", "geonameid"),
    [
        ("le premier sommet présidentiel, à New York", "New York", "US", 5128581),
        ("un forum tenu à Djeddah en 2023", "Djeddah", "SA", 105343),
        ("la victoire à Strasbourg", "Strasbourg", "FR", 2973783),
        ("la terre battue de Stuttgart", "Stuttgart", "DE", 2825297),
        ("le forum de Davos", "Davos", "CH", 2661039),
    ],
)
def test_world_cities_have_their_own_country(text: str, name: str, code: str, geonameid: int) -> None:
    assert located(text, ("KZ",)) == {name: (code, geonameid)}
    assert code in {c.code for c in find_countries(text)}


def test_a_city_that_is_a_given_name_needs_its_country() -> None:
    assert located("l’actrice Sydney Sweeney") == {}
    assert located("l’open de Sydney", ("AU",)) == {"Sydney": ("AU", 2147714)}


def test_a_river_beside_its_homonymous_town() -> None:
    assert located("une centrale sur la rivière Naryn", ("KG",)) == {"Naryn": ("KG", None)}
    assert located("la ville de Naryn", ("KG",)) == {"Naryn": ("KG", 1527592)}
    assert located("le barrage sur la rivière Vakhch") == {"Vakhch": ("TJ", None)}
    assert located("le delta du fleuve Ili") == {"rivière Ili": (None, None)}
    assert located("Ili a dit") == {}  # too short alone


def test_currency_names() -> None:
    assert is_currency_name("Tenge") and is_currency_name(" manat ")
    assert not is_currency_name("Almaty")
