"""The knowledge base: countries, people and their roles, organisations, regions, places.

The data lives in ``silkwire/knowledge/*.tsv`` (columns in knowledge/README.md); this module
turns it into typed, immutable records with the lookups the NLP needs. ``load_kb()`` with no
argument is cached; ``load_kb([path, ...])`` merges user files over the shipped ones
(see :mod:`silkwire.nlp.kb.files` for the merge rules).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from silkwire.errors import InputError
from silkwire.nlp.kb.files import Row, Table, lexicon_files, load_tables, split_list


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2 (plus XK, Kosovo, the user-assigned code in common use)
    name: str  # French short name
    aliases: tuple[str, ...]  # other names, the canonical one excluded
    demonyms: tuple[str, ...]  # every gender and number, plurals derived by the loader
    prefixes: tuple[str, ...]  # compound prefixes: "sino" in sino-kazakh
    capitals: tuple[str, ...]  # capitals and seats of government used for the state
    wikidata: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Role:
    person: str  # person id
    role: str  # president | head_of_government | foreign_minister | … (knowledge/README.md)
    of: str  # ISO country code, or an organisation id ("org:ue")
    title: str  # the French title, as a text would say it
    start: str | None  # ISO date, possibly reduced precision: 2019, 2019-03, 2019-03-20
    end: str | None  # last day in office (inclusive), same syntax; None = still in office
    source: str
    note: str = ""

    def covers(self, day: dt.date) -> bool:
        lo = _first_day(self.start) if self.start else dt.date.min
        hi = _last_day(self.end) if self.end else dt.date.max
        return lo <= day <= hi


@dataclass(frozen=True, slots=True)
class Person:
    id: str  # "per:kassym-jomart-tokaiev"
    name: str  # canonical French name
    country: str | None
    aliases: tuple[str, ...]  # full names in other spellings and scripts
    surnames: tuple[str, ...]  # forms that alone name this person ("Tokaïev")
    wikidata: str | None
    source: str
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True, slots=True)
class Org:
    """An organisation (type ORG) or a region/bloc (type LOC) — never a country."""

    id: str  # "org:ocs", "loc:asie-centrale"
    type: Literal["ORG", "LOC"]
    name: str
    country: str | None  # the country it belongs to; None for international ones
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]  # "centrasiatique", "européen"
    prefixes: tuple[str, ...]  # "euro" in euro-centrasiatique
    wikidata: str | None
    source: str


@dataclass(frozen=True, slots=True)
class GazetteerPlace:
    id: str  # "gn:1526273" for GeoNames places, "x:…" for hand-written ones
    name: str  # French name where known
    country: str | None  # None for places shared by several countries (rivers, seas)
    kind: str  # city | region | river | sea | lake | mountains | site
    aliases: tuple[str, ...]
    geonameid: int | None
    lat: float | None
    lon: float | None
    population: int
    context_only: bool  # matched only when its country is already in the article
    curated: bool  # written or reviewed by hand (places.tsv or a user file)
    source: str


@dataclass(frozen=True, slots=True)
class StopForm:
    form: str
    kinds: frozenset[str]  # country | person | org | place | all
    source: str


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    countries: dict[str, Country]
    people: dict[str, Person]
    orgs: dict[str, Org]
    places: dict[str, GazetteerPlace]
    roles: tuple[Role, ...]
    stop: tuple[StopForm, ...]
    origins: dict[str, str] = field(default_factory=dict)  # entry id -> "file:line"
    # The user's event-trigger and topic-cue files (``*.events.tsv``, ``*.topics.tsv``), read
    # over the shipped lexicons of nlp/events.py and nlp/topics.py.
    event_lexicons: tuple[str, ...] = ()
    topic_cues: tuple[str, ...] = ()

    def country(self, code: str) -> Country | None:
        return self.countries.get(code.upper())

    def entity(self, entity_id: str) -> Person | Org | None:
        return self.people.get(entity_id) or self.orgs.get(entity_id)

    def holders(self, role: str, of: str, on: dt.date | str) -> list[Person]:
        """Everyone holding ``role`` of ``of`` on that day, the latest appointed first."""
        day = on if isinstance(on, dt.date) else _first_day(on)
        found = [r for r in self.roles if r.role == role and r.of == of and r.covers(day)]
        found.sort(key=lambda r: _first_day(r.start) if r.start else dt.date.min, reverse=True)
        return [self.people[r.person] for r in found]

    def holder(self, role: str, of: str, on: dt.date | str) -> Person | None:
        """Who was ``role`` of ``of`` (country code or org id) on that day ("le président du
        Kazakhstan" in an article of 2025-03-14). On a handover day, the incoming holder."""
        found = self.holders(role, of.upper() if len(of) == 2 else of, on)
        return found[0] if found else None


def _parse_date(value: str) -> tuple[int, int | None, int | None]:
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else None
    day = int(parts[2]) if len(parts) > 2 else None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"not an ISO date ({exc}): {value!r}") from exc
    return year, month, day


def _first_day(value: str) -> dt.date:
    year, month, day = _parse_date(value)
    return dt.date(year, month or 1, day or 1)


def _last_day(value: str) -> dt.date:
    year, month, day = _parse_date(value)
    if month is None:
        return dt.date(year, 12, 31)
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def plural_forms(form: str) -> list[str]:
    """A demonym and its plural: French adds -s unless the word ends in s, x or z."""
    if form[-1:] in ("s", "x", "z"):
        return [form]
    return [form, form + "s"]


def _countries(table: Table) -> dict[str, Country]:
    out: dict[str, Country] = {}
    for row in table.rows.values():
        demonyms = [p for d in split_list(row["demonyms"]) for p in plural_forms(d)]
        code = row["code"].upper()
        out[code] = Country(
            code=code,
            name=row["name"],
            aliases=tuple(a for a in split_list(row["aliases"]) if a != row["name"]),
            demonyms=tuple(dict.fromkeys(demonyms)),
            prefixes=tuple(split_list(row["prefixes"])),
            capitals=tuple(split_list(row["capitals"])),
            wikidata=row["wikidata"] or None,
            source=row["source"],
        )
    return out


def _roles(table: Table) -> list[Role]:
    roles = []
    for key, row in table.rows.items():
        for column in ("start", "end"):
            if row[column]:
                try:
                    _parse_date(row[column])
                except ValueError as exc:
                    raise InputError(table.origins[key], f"{column}: {exc}") from exc
        roles.append(Role(row["person"], row["role"], row["of"], row["title"],
                          row["start"] or None, row["end"] or None, row["source"], row["note"]))
    return roles


def _person(row: Row, roles: Sequence[Role]) -> Person:
    return Person(
        id=row["id"], name=row["name"], country=row["country"] or None,
        aliases=tuple(a for a in split_list(row["aliases"]) if a != row["name"]),
        surnames=tuple(split_list(row["surnames"])), wikidata=row["wikidata"] or None,
        source=row["source"], roles=tuple(r for r in roles if r.person == row["id"]),
    )


def _org(row: Row, origin: str) -> Org:
    kind = row["type"] or "ORG"
    if kind not in ("ORG", "LOC"):
        raise InputError(origin, f"type must be ORG or LOC, not {kind!r}")
    return Org(
        id=row["id"], type="ORG" if kind == "ORG" else "LOC", name=row["name"],
        country=row["country"] or None,
        aliases=tuple(a for a in split_list(row["aliases"]) if a != row["name"]),
        demonyms=tuple(dict.fromkeys(p for d in split_list(row["demonyms"])
                                     for p in plural_forms(d))),
        prefixes=tuple(split_list(row["prefixes"])), wikidata=row["wikidata"] or None,
        source=row["source"],
    )


def _place(row: Row, origin: str) -> GazetteerPlace:
    try:
        return GazetteerPlace(
            id=row["id"], name=row["name"], country=row["country"] or None,
            kind=row["kind"] or "city",
            aliases=tuple(a for a in split_list(row["aliases"]) if a != row["name"]),
            geonameid=int(row["geonameid"]) if row["geonameid"] else None,
            lat=float(row["lat"]) if row["lat"] else None,
            lon=float(row["lon"]) if row["lon"] else None,
            population=int(row["population"] or 0),
            context_only=row["context_only"] in ("1", "yes", "true"),
            # Rows of the generated file name their origin; any other row was written by hand.
            curated=not row["source"].startswith("GeoNames cities500"),
            source=row["source"],
        )
    except ValueError as exc:
        raise InputError(origin, f"bad number: {exc}") from exc


def build_kb(tables: dict[str, Table]) -> KnowledgeBase:
    roles = _roles(tables["roles"])
    origins: dict[str, str] = {}
    people: dict[str, Person] = {}
    for key, row in tables["people"].rows.items():
        people[row["id"]] = _person(row, roles)
        origins[row["id"]] = tables["people"].origins[key]
    for role in roles:
        if role.person not in people:
            origin = tables["roles"].origins[(role.person, role.role, role.of, role.start or "")]
            raise InputError(origin, f"unknown person {role.person!r}")
    orgs: dict[str, Org] = {}
    for key, row in tables["orgs"].rows.items():
        orgs[row["id"]] = _org(row, tables["orgs"].origins[key])
        origins[row["id"]] = tables["orgs"].origins[key]
    places: dict[str, GazetteerPlace] = {}
    for key, row in tables["places"].rows.items():
        if not row["name"]:
            raise InputError(tables["places"].origins[key], "a place needs a name")
        places[row["id"]] = _place(row, tables["places"].origins[key])
    stop = tuple(
        StopForm(row["form"], frozenset(split_list(row["kinds"].replace(",", "|"))), row["source"])
        for row in tables["stop"].rows.values()
    )
    countries = _countries(tables["countries"])
    for key, row in tables["countries"].rows.items():
        origins[row["code"].upper()] = tables["countries"].origins[key]
    return KnowledgeBase(countries, people, orgs, places, tuple(roles), stop, origins)


@functools.lru_cache(maxsize=1)
def _default_kb() -> KnowledgeBase:
    return build_kb(load_tables())


def load_kb(extra: Sequence[Path] = ()) -> KnowledgeBase:
    """The shipped knowledge base, plus user files (or directories of files) merged over it.

    Event-trigger and topic-cue files among them are checked now (a bad row is an InputError
    naming its line) and handed to the pipeline with the knowledge base."""
    if not extra:
        return _default_kb()
    from silkwire.nlp.events import read_lexicon
    from silkwire.nlp.topics import read_cues

    lexicons: dict[str, list[str]] = {"events": [], "topics": []}
    for kind, path in lexicon_files(extra):
        try:
            (read_lexicon if kind == "events" else read_cues)(str(path))
        except ValueError as exc:  # "file:line: what was expected"
            origin, _, message = str(exc).partition(": ")
            raise InputError(origin or str(path), message) from None
        lexicons[kind].append(str(path))
    kb = build_kb(load_tables(extra))
    return replace(kb, event_lexicons=tuple(lexicons["events"]), topic_cues=tuple(lexicons["topics"]))
