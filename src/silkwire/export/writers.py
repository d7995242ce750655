"""Streaming writers of the export formats, and atomic output files.

Each writer takes one row at a time and holds at most a small batch (Parquet row groups), so an
export's memory does not grow with the number of articles. Output to a file goes to a temporary
file next to it, renamed over the target only when everything was written: a failed or
interrupted export leaves the target as it was, never half-written.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any, Protocol

from silkwire.errors import SilkwireError
from silkwire.export.rows import (
    ENTITY_COLUMNS,
    EVENT_COLUMNS,
    RECORD_COLUMNS,
    csv_event_row,
    csv_plain_row,
    csv_record_row,
)

FORMATS = ("jsonl", "csv", "parquet", "geojson")
WHATS = ("records", "events", "entities")
BINARY_FORMATS = frozenset({"parquet"})
# What each format can hold; GeoJSON: records -> their places and events, events -> events only.
SUPPORTED = {
    "jsonl": WHATS, "csv": WHATS, "parquet": WHATS, "geojson": ("records", "events"),
}


class OutputError(SilkwireError):
    """The output file cannot be written (missing folder, no permission)."""


class RowWriter(Protocol):
    def write(self, row: Mapping[str, Any]) -> None: ...

    def close(self) -> None: ...  # finish the output (closing bracket, Parquet footer)


class JsonlRows:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, row: Mapping[str, Any]) -> None:
        self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.stream.flush()


class CsvRows:
    """RFC 4180 CSV (quoted where needed, CRLF line ends as the csv module writes), with a header."""

    def __init__(self, stream: IO[str], columns: Sequence[str], cells: Callable[[Mapping[str, Any]], list[str]]):
        self.stream = stream
        self.writer = csv.writer(stream)
        self.writer.writerow(columns)
        self.cells = cells

    def write(self, row: Mapping[str, Any]) -> None:
        self.writer.writerow(self.cells(row))

    def close(self) -> None:
        self.stream.flush()


class GeoJsonRows:
    """A FeatureCollection written feature by feature: the opening, the features, the closing."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.count = 0
        stream.write('{"type": "FeatureCollection", "features": [\n')

    def write(self, row: Mapping[str, Any]) -> None:
        self.stream.write((",\n" if self.count else "") + json.dumps(row, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        self.stream.write("\n]}\n")
        self.stream.flush()


def make_writer(fmt: str, what: str, stream: IO[Any]) -> RowWriter:
    if fmt == "jsonl":
        return JsonlRows(stream)
    if fmt == "geojson":
        return GeoJsonRows(stream)
    if fmt == "csv":
        if what == "records":
            return CsvRows(stream, RECORD_COLUMNS, csv_record_row)
        if what == "events":
            return CsvRows(stream, EVENT_COLUMNS, csv_event_row)
        return CsvRows(stream, ENTITY_COLUMNS, lambda r: csv_plain_row(r, ENTITY_COLUMNS))
    if fmt == "parquet":
        from silkwire.export.parquet import ParquetRows

        return ParquetRows(stream, what)
    raise ValueError(f"unknown format {fmt!r}")


@contextmanager
def atomic_output(path: str | None, binary: bool) -> Iterator[IO[Any]]:
    """A stream to write to: standard output (``path`` None), or a temporary file in the target's
    folder renamed over ``path`` once the ``with`` body finished without error (then fsynced)."""
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise OutputError(f"--out {path}: is a folder; expected a file name")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"--out {path}: cannot write in {folder} ({exc.strerror})") from None
    try:
        # newline="" so that the CSV writer's own line ends are kept as written.
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600; an export is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
