"""Reading the knowledge-base TSV files and merging user files over the shipped ones.

Each file is a TSV with a header row; lines starting with ``#`` are comments. List cells are
``|``-separated. A user file (``--kb PATH``) adds rows, or changes a row that has the same key:
an empty cell keeps the shipped value, ``-`` clears it, ``+a|b`` adds items to a list cell and
anything else replaces the cell. The kind of a file comes from its name: ``people.tsv`` or
``anything.people.tsv`` (see knowledge/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from silkwire.errors import InputError

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"

# kind -> (columns, key columns, list columns). ``source`` must be non-empty in every row.
SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]] = {
    "countries": (
        ("code", "name", "aliases", "demonyms", "prefixes", "capitals", "wikidata", "source"),
        ("code",),
        frozenset({"aliases", "demonyms", "prefixes", "capitals"}),
    ),
    "people": (
        ("id", "name", "country", "aliases", "surnames", "wikidata", "source"),
        ("id",),
        frozenset({"aliases", "surnames"}),
    ),
    "roles": (
        ("person", "role", "of", "title", "start", "end", "source", "note"),
        ("person", "role", "of", "start"),
        frozenset(),
    ),
    "orgs": (
        ("id", "type", "name", "country", "aliases", "demonyms", "prefixes", "wikidata", "source"),
        ("id",),
        frozenset({"aliases", "demonyms", "prefixes"}),
    ),
    "places": (
        ("id", "geonameid", "name", "country", "kind", "lat", "lon", "population", "aliases",
         "context_only", "source"),
        ("id",),
        frozenset({"aliases"}),
    ),
    "stop": (("form", "kinds", "source"), ("form", "kinds"), frozenset()),
}
# Files with the same schema as another kind.
SCHEMA_OF = {"regions": "orgs", "geonames": "places"}
# The shipped files, in merge order (places.tsv corrects the generated geonames.tsv).
DEFAULT_FILES = (
    "countries.tsv", "people.tsv", "roles.tsv", "orgs.tsv", "regions.tsv", "geonames.tsv",
    "places.tsv", "stop.tsv",
)

Row = dict[str, str]


@dataclass(slots=True)
class Table:
    """The merged rows of one kind, by key, in first-seen order, with where each came from."""

    kind: str
    rows: dict[tuple[str, ...], Row]
    origins: dict[tuple[str, ...], str]


def split_list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split("|") if item.strip()]


# Lexicons that are not knowledge-base tables: PLOVER event triggers (nlp/events.py) and IPTC
# topic cues (nlp/topics.py), in their own formats; ``mine.events.tsv`` extends the shipped one.
LEXICON_KINDS = ("events", "topics")


def kind_of(path: Path) -> str:
    """``people.tsv`` / ``mine.people.tsv`` -> ``people``; regions/geonames keep their name."""
    parts = path.name.split(".")
    if len(parts) < 2 or parts[-1] != "tsv":
        raise InputError(str(path), "a knowledge file must be a .tsv file")
    kind = parts[-2]
    if kind not in SCHEMAS and kind not in SCHEMA_OF and kind not in LEXICON_KINDS:
        known = ", ".join(sorted([*SCHEMAS, *SCHEMA_OF, *LEXICON_KINDS]))
        raise InputError(str(path), f"cannot tell the kind of this file: name it KIND.tsv or "
                                    f"NAME.KIND.tsv with KIND one of {known}")
    return kind


def read_rows(path: Path) -> Iterable[tuple[str, Row]]:
    """(origin "file:line", row) for each data row; checks columns and the source cell."""
    kind = kind_of(path)
    columns = SCHEMAS[SCHEMA_OF.get(kind, kind)][0]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    header: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        origin = f"{path}:{number}"
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(origin, f"missing column(s) {', '.join(missing)}; "
                                         f"expected {' '.join(columns)}")
            continue
        if len(cells) > len(header):
            raise InputError(origin, f"{len(cells)} cells for {len(header)} columns")
        row = {name: "" for name in columns}
        for name, cell in zip(header, cells, strict=False):
            if name in row:
                row[name] = cell.strip()
        yield origin, row


def merge(table: Table, origin: str, row: Row) -> None:
    """Add ``row`` to ``table`` or merge it into the row with the same key (module doc)."""
    columns, key_columns, list_columns = SCHEMAS[table.kind]
    key = tuple(row[c] for c in key_columns)
    if not all(key):
        raise InputError(origin, f"empty key column(s): {', '.join(key_columns)}")
    old = table.rows.get(key)
    if old is None:
        new = {c: ("" if row[c] == "-" else row[c].removeprefix("+")) for c in columns}
    else:
        new = dict(old)
        for c in columns:
            cell = row[c]
            if not cell:
                continue
            if cell == "-":
                new[c] = ""
            elif c in list_columns and cell.startswith("+"):
                items = split_list(old[c]) + split_list(cell[1:])
                new[c] = "|".join(dict.fromkeys(items))
            else:
                new[c] = cell
    if not new.get("source"):
        raise InputError(origin, "every entry needs a source (where the fact comes from)")
    table.rows[key] = new
    table.origins.setdefault(key, origin)


def _user_files(extra: Sequence[Path]) -> list[Path]:
    paths: list[Path] = []
    for path in extra:
        path = Path(path)
        if path.is_dir():
            paths.extend(sorted(path.glob("*.tsv")))
        elif path.exists():
            paths.append(path)
        else:
            raise InputError(str(path), "knowledge file not found")
    return paths


def lexicon_files(extra: Sequence[Path]) -> list[tuple[str, Path]]:
    """(kind, path) of the event and topic lexicons among the user's files, in order."""
    return [(kind, p) for p in _user_files(extra) if (kind := kind_of(p)) in LEXICON_KINDS]


def load_tables(extra: Sequence[Path] = ()) -> dict[str, Table]:
    """The shipped files, then each extra file (or every .tsv of an extra directory) in order;
    event and topic lexicons are skipped (``lexicon_files``)."""
    tables = {kind: Table(kind, {}, {}) for kind in SCHEMAS}
    paths = [KNOWLEDGE_DIR / name for name in DEFAULT_FILES] + _user_files(extra)
    for path in paths:
        kind = kind_of(path)
        if kind in LEXICON_KINDS:
            continue
        table = tables[SCHEMA_OF.get(kind, kind)]
        for origin, row in read_rows(path):
            if kind == "regions" and not row["type"]:
                row["type"] = "LOC"
            merge(table, origin, row)
    return tables


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO code -> French name, from the shipped knowledge base (knowledge/countries.tsv): what
    pages, exports and digests call a country (no NLP model is loaded for it)."""
    return {row["code"]: row["name"] for row in load_tables()["countries"].rows.values()}
