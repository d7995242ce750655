"""Context decides what a matched name is: a language and not a country, a treaty and not a
city, a capital or its homonym, a region named after its country (nlp/senses.py, gazetteer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from silkwire.nlp import senses
from silkwire.nlp.gazetteer import find_countries, find_places, find_set_aside


def hows(text: str) -> dict[str, tuple[str, ...]]:
    return {c.code: c.how for c in find_countries(text)}


def places(text: str, context: tuple[str, ...] = ()) -> dict[str, str | None]:
    return {p.name: p.country for p in find_places(text, context)}


# --- 1. a language is not a country ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Le site est publié en anglais.", "GB"),
        ("Le communiqué, rédigé en russe, a été relayé.", "RU"),
        ("L’université enseigne principalement en anglais.", "GB"),
        ("La langue russe recule dans les écoles.", "RU"),
        ("des médias de langue ouzbèke", "UZ"),
        ("La langue officielle kazakhe gagne du terrain.", "KZ"),
        ("Il parle couramment le russe.", "RU"),
        ("Elle parle russe avec ses collègues.", "RU"),
        ("Un roman traduit du français.", "FR"),
        ("un texte traduit de l’anglais", "GB"),
        ("Le kazakh est la langue d’État.", "KZ"),
        ("L’anglais s’impose dans les affaires.", "GB"),
        ("des cours de russe pour les migrants", "RU"),
        ("des professeurs d’anglais", "GB"),
        ("une maîtrise du chinois", "CN"),
        ("Les élèves préfèrent l’anglais au russe.", "RU"),
        ("les médias russophones", "RU"),
        ("la communauté francophone", "FR"),
    ],
)
def test_a_language_is_not_a_country(text: str, code: str) -> None:
    assert code not in hows(text)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Le site est publié en kazakh et russe.", {"KZ", "RU"}),
        ("Les panneaux sont en kazakh, russe et anglais.", {"KZ", "RU", "GB"}),
        ("les langues kazakhe et russe", {"KZ", "RU"}),
    ],
)
def test_a_language_coordinated_with_a_language_is_one_too(text: str, codes: set[str]) -> None:
    assert not codes & set(hows(text))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Le ministre français a été reçu à Astana.", "FR"),
        ("Les autorités russes ont démenti.", "RU"),
        ("Le Russe Karen Khatchanov a gagné.", "RU"),  # a national is capitalised
        ("Les Russes votent dimanche.", "RU"),
        ("Le russe Rosatom construira la centrale.", "RU"),  # "le (groupe) russe"
        ("Kaspi.kz s’offre 65 % du turc Hepsiburada.", "TR"),
        ("l’américain Chevron et le français TotalEnergies", "US"),
        ("l’américain Chevron et le français TotalEnergies", "FR"),
        ("une dérive à l’américaine", "US"),  # feminine: a manner, not the language
        ("un scénario à l’italienne", "IT"),
        ("les russes et les kazakhs", "RU"),  # plural: people, not a language
        ("EN RUSSE : le texte intégral", "RU"),  # capitals carry no case cue: left as it was
        ("Le partenariat russo-ouzbek progresse.", "RU"),
    ],
)
def test_nationality_adjectives_and_nationals_stay_countries(text: str, code: str) -> None:
    assert "demonym" in hows(text).get(code, ())


def test_language_spans_are_set_aside() -> None:
    text = "Un film sous-titré en anglais et en russe, tourné par le ministre russe."
    assert [text[s:e] for s, e in find_set_aside(text)] == ["anglais", "russe"]
    assert hows(text) == {"RU": ("demonym",)}


# --- 2. a treaty named after a city ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "city"),
    [
        ("Le Kazakhstan confirme ses engagements au titre de l’accord de Paris sur le climat.", "FR", "Paris"),
        ("l’Accord de Paris de 2015", "FR", "Paris"),
        ("Les accords d’Alma-Ata ont fondé la CEI en 1991.", "KZ", "Almaty"),
        ("la convention de Vienne sur les relations diplomatiques", "AT", "Vienne"),
        ("le traité de Moscou", "RU", "Moscou"),
    ],
)
def test_a_treaty_names_neither_the_city_nor_its_state(text: str, code: str, city: str) -> None:
    assert code not in hows(text)
    assert city not in places(text, (code,))
    assert find_set_aside(text)


def test_consent_is_the_state() -> None:
    assert "RU" in hows("Le projet a été lancé avec l’accord de Moscou.")
    assert "FR" in hows("Paris a donné son accord de principe.")  # not "accord de" + city


# --- 3. a capital and its homonym ------------------------------------------------------------


def test_vienne_is_vienna_unless_the_context_says_the_french_department() -> None:
    assert hows("Un comité de bailleurs constitué à Vienne.") == {"AT": ("capital",)}
    assert hows("Vienne accueille la réunion de l’OPEP.") == {"AT": ("capital",)}
    assert places("Un comité de bailleurs constitué à Vienne.", ("FR", "AT")) == {}
    text = "Un braquage à Poitiers, dans la Vienne."
    assert hows(text) == {"FR": ("place",)} and places(text) == {"Vienne": "FR"}
    assert places("domicilié à Loudun (Vienne), il") == {"Vienne": "FR"}
    assert places("la cour d’assises de la Haute-Vienne") == {"Haute-Vienne": "FR"}
    assert "AT" not in hows("la cour d’assises de la Haute-Vienne")
    assert "AT" in hows("l’ONUDC, basée à Vienne (Autriche)")


# --- regions named after their country --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "region", "code"),
    [
        ("L’état d’urgence a été décrété au Kazakhstan-Occidental.", "Kazakhstan-Occidental",
         "Kazakhstan-Occidental", "KZ"),
        ("dans la région du Kazakhstan-Oriental", "Kazakhstan-Oriental", "Kazakhstan-Oriental", "KZ"),
        ("le Kazakhstan-Septentrional et Petropavl", "Kazakhstan-Septentrional", "Kazakhstan-Septentrional", "KZ"),
        ("l’ancienne région du Kazakhstan du Sud", "Kazakhstan du Sud", "Kazakhstan-Méridional", "KZ"),
        ("à Tabriz, en Azerbaïdjan-Oriental", "Azerbaïdjan-Oriental", "Azerbaïdjan-Oriental", "IR"),
    ],
)
def test_a_region_named_after_its_country_is_a_place_in_it(text: str, surface: str, region: str,
                                                           code: str) -> None:
    [place] = [p for p in find_places(text) if p.name == region]
    assert place.country == code and [text[s:e] for s, e in place.spans] == [surface]
    refs = {c.code: c for c in find_countries(text)}
    assert refs[code].how == ("place",)  # the region's country, not the country named as such
    assert "AZ" not in refs


def test_region_span_covers_the_compound_and_the_country_alone_is_still_named() -> None:
    text = "Le Kazakhstan a décrété l’état d’urgence au Kazakhstan-Occidental."
    [ref] = find_countries(text)
    assert ref.code == "KZ" and ref.how == ("name", "place")
    assert [text[s:e] for s, e in ref.spans] == ["Kazakhstan", "Kazakhstan-Occidental"]
    assert hows("dans le Kazakhstan occidental") == {"KZ": ("name",)}  # "western Kazakhstan"


def test_a_region_beats_the_city_that_lists_its_name_as_an_alias(tmp_path: Path) -> None:
    assert places("la vieille ville fortifiée de la région du Khorezm", ("UZ",)) == {"Khorezm": "UZ"}
    assert places("Khiva, ville-musée", ("UZ",)) == {"Khiva": "UZ"}
    # The tie-break itself: both own names (hand-written), the place whose name it is wins over
    # the bigger place that lists it as an alias.
    from silkwire.nlp.kb import load_kb

    mine = tmp_path / "mine.places.tsv"
    mine.write_text(
        "id\tgeonameid\tname\tcountry\tkind\tlat\tlon\tpopulation\taliases\tcontext_only\tsource\n"
        "x:bigtown\t\tBigtown\tKZ\tcity\t\t\t500000\tBigtown|Smallregion\t\ttest\n"
        "x:smallregion\t\tSmallregion\tKZ\tregion\t\t\t\tSmallregion\t\ttest\n", encoding="utf-8")
    kb = load_kb([mine])
    assert [p.name for p in find_places("la région de Smallregion", ("KZ",), kb=kb)] == ["Smallregion"]


# --- the cue file -----------------------------------------------------------------------------


def test_every_cue_kind_has_words() -> None:
    cues = senses.read_cues()
    assert set(cues) == set(senses.KINDS) and all(cues.values())


def test_a_bad_cue_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "cues.tsv"
    path.write_text("# comment\nlanguage_noun\tlangue\nlanguage_nouns\tlangues\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cues\.tsv:3: expected 'kind<TAB>word'"):
        senses.read_cues(path)


# --- through the pipeline (the NER must not take a set-aside name back) ----------------------


def test_a_treaty_name_is_an_event_like_name_not_an_organisation() -> None:
    from silkwire.nlp.entities import retype

    assert retype("ORG", "Accord de Paris") == "MISC"
    assert retype("LOC", "Traité de Rome") == "MISC"


@pytest.mark.slow
def test_pipeline_keeps_languages_treaties_and_regions_apart() -> None:
    pytest.importorskip("spacy")
    from silkwire.model import Article
    from silkwire.nlp.pipeline import enrich

    title = "Climat : le Kazakhstan-Occidental face aux crues"
    lead = ("Astana a publié en anglais et en russe un plan conforme à l’Accord de Paris. "
            "Le ministre français de l’Écologie a salué la décision.")
    item = Article(id="t1", source="test", title=title, text=f"{title}\n\n{lead}")
    [enrichment] = list(enrich([item]))
    codes = {c.code: c.how for c in enrichment.countries}
    assert set(codes) == {"KZ", "FR"} and codes["FR"] == ("demonym",)  # the minister, not Paris
    assert [(p.name, p.country) for p in enrichment.places] == [("Kazakhstan-Occidental", "KZ")]
    assert not any(e.type in ("ORG", "LOC") and "Paris" in e.name for e in enrichment.entities)


@pytest.mark.slow
def test_pipeline_a_currency_is_not_a_place() -> None:
    pytest.importorskip("spacy")
    from silkwire.model import Article
    from silkwire.nlp.pipeline import enrich

    title = "Tenge : la banque centrale kazakhe relève son taux"
    item = Article(id="t2", source="test", title=title, text=f"{title}\n\nLa décision a surpris les marchés.")
    [enrichment] = list(enrich([item]))
    assert not any(p.name == "Tenge" for p in enrichment.places)
    assert not any(e.name == "Tenge" for e in enrichment.entities)
