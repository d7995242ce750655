"""The sources file: the outlets ``silkwire watch`` follows, in TOML, one ``[[source]]`` each.

```toml
[[source]]
name = "novastan"                        # required, unique: the source recorded on its articles
url = "https://novastan.org/fr/feed/"    # required, http or https
kind = "auto"                            # rss | atom | page | auto (by content type and markup)
language = "fr"                          # the outlet's language (default fr)
country = "KZ"                           # the country it mainly covers, ISO 3166-1 alpha-2
interval = "30m"                         # polling interval: seconds, or "90s", "30m", "2h", "1d"
allow_private = false                    # true lets this source reach private/loopback addresses
```

Where it lives: ``--sources PATH``, else ``$SILKWIRE_SOURCES``, else beside the database with
the database's name: ``silkwire.db`` -> ``silkwire.sources.toml``. ``add`` appends a block and
``remove`` cuts one out, so the rest of the file (comments included) stays as it was.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from silkwire.errors import InputError
from silkwire.net.safety import FetchError, check_url
from silkwire.store import is_postgres

KINDS = ("rss", "atom", "page", "auto")
DEFAULT_INTERVAL = 3600
_KEYS = ("name", "url", "kind", "language", "country", "interval", "allow_private")
_HEADER = re.compile(r"^\s*\[\[\s*source\s*\]\]\s*(#.*)?$")
_DURATION = re.compile(r"(\d+)\s*([smhd]?)")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str
    kind: str = "auto"
    language: str = "fr"
    country: str | None = None
    interval: int = DEFAULT_INTERVAL  # seconds
    allow_private: bool = False
    line: int = 0  # where its [[source]] header is, for messages


def sources_path(db_path: str, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    if os.environ.get("SILKWIRE_SOURCES"):
        return os.environ["SILKWIRE_SOURCES"]
    if is_postgres(db_path):  # a database on a server: the file is the operator's, here
        return f"{urlsplit(db_path).path.strip('/') or 'silkwire'}.sources.toml"
    db = Path(db_path)
    return str(db.with_name(f"{db.stem}.sources.toml"))


def parse_interval(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and (m := _DURATION.fullmatch(value.strip().lower())) and int(m[1]) > 0:
        return int(m[1]) * _UNIT[m[2]]
    raise InputError(where, f"field 'interval': expected seconds or a duration like \"90s\", \"30m\", \"2h\", \"1d\", "
                            f"got {value!r}")


def format_interval(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def validate(table: dict[str, Any], where: str) -> Source:
    """One ``[[source]]`` table -> a ``Source``; an ``InputError`` naming the field at fault."""
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise InputError(where, f"unknown field {unknown[0]!r}: expected one of {', '.join(_KEYS)}")
    name, url = table.get("name"), table.get("url")
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise InputError(where, f"field 'name': expected a non-empty one-line string, got {name!r}")
    where = f"{where} ({name})"
    if not isinstance(url, str):
        raise InputError(where, f"field 'url': expected an http(s) URL, got {url!r}")
    try:
        check_url(url)
    except FetchError as exc:
        raise InputError(where, f"field 'url': {exc.message}") from None
    kind = table.get("kind", "auto")
    if kind not in KINDS:
        raise InputError(where, f"field 'kind': expected {', '.join(KINDS)}, got {kind!r}")
    language = table.get("language", "fr")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", language):
        raise InputError(where, f"field 'language': expected a language code such as fr, got {language!r}")
    country = table.get("country")
    if country is not None and (not isinstance(country, str) or not re.fullmatch(r"[A-Za-z]{2}", country)):
        raise InputError(where, f"field 'country': expected an ISO 3166-1 alpha-2 code such as KZ, got {country!r}")
    allow_private = table.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise InputError(where, f"field 'allow_private': expected true or false, got {allow_private!r}")
    interval = parse_interval(table.get("interval", DEFAULT_INTERVAL), where)
    return Source(name.strip(), url, kind, language, country.upper() if country else None, interval, allow_private)


def load_sources(path: str) -> list[Source | InputError]:
    """The sources of the file, in order; a bad entry is an ``InputError`` and the others still count.

    A missing file is no sources (``sources add`` creates it).
    """
    if not os.path.exists(path):
        return []
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [InputError(path, f"not a valid TOML sources file ({exc})")]
    extra = sorted(set(data) - {"source"})
    out: list[Source | InputError] = []
    if extra:
        out.append(InputError(path, f"unknown table or key {extra[0]!r}: expected [[source]] tables only"))
    tables = data.get("source", [])
    if not isinstance(tables, list):
        return [*out, InputError(path, "'source' must be an array of tables: write [[source]]")]
    lines = _header_lines(raw.decode("utf-8"))
    names: set[str] = set()
    for number, table in enumerate(tables, start=1):
        line = lines[number - 1] if len(lines) == len(tables) else 0
        where = f"{path}:{line}" if line else f"{path}: source {number}"
        try:
            source = validate(table, where)
        except InputError as exc:
            out.append(exc)
            continue
        if source.name in names:
            out.append(InputError(where, f"field 'name': {source.name!r} is used by an earlier source"))
            continue
        names.add(source.name)
        out.append(Source(**{**_fields(source), "line": line}))
    return out


def _fields(source: Source) -> dict[str, Any]:
    return {k: getattr(source, k) for k in (*_KEYS, "line")}


def _header_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if _HEADER.match(line)]


def source_block(source: Source) -> str:
    """The TOML block of one source (strings written as JSON strings, which TOML reads alike)."""
    lines = ["[[source]]"]
    for key in _KEYS:
        value = getattr(source, key)
        if value is None:
            continue
        if key == "interval":
            value = format_interval(value)
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def add_source(path: str, source: Source) -> None:
    """Append a source; refused when the file is invalid or the name is taken."""
    current = load_sources(path)
    for item in current:
        if isinstance(item, InputError):
            raise item
        if item.name == source.name:
            raise InputError(f"{path}:{item.line}", f"a source named {source.name!r} already exists")
    text = Path(path).read_text(encoding="utf-8") if os.path.exists(path) else ""
    separator = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(separator + source_block(source))


def remove_source(path: str, name: str) -> None:
    """Cut the named source's block (its header down to the next header) out of the file."""
    found = [s for s in load_sources(path) if isinstance(s, Source) and s.name == name]
    if not found:
        raise InputError(path, f"no source named {name!r}")
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    headers = _header_lines(text)
    start = found[0].line
    if not start:
        raise InputError(path, "cannot locate the source's [[source]] line; edit the file by hand")
    later = [h for h in headers if h > start]
    end = later[0] - 1 if later else len(lines)
    kept = lines[: start - 1] + lines[end:]
    Path(path).write_text("".join(kept), encoding="utf-8")
