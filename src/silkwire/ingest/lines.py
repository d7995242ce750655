"""Reading text files line by line, safely: one bad line never costs the others.

Files are read as bytes and decoded line by line, so invalid UTF-8 is reported with its line
number and the rest still goes in. A BOM, CRLF endings and a missing final newline are accepted.
Gzip files (``*.gz``) are read transparently, up to ``Limits.max_uncompressed`` bytes.

Memory is bounded by the longest line kept: a line over ``Limits.max_line_bytes`` is read in
pieces and dropped (one ``InputError`` with its number), never joined in memory. A read error in
the middle (a truncated or corrupt .gz, a decompression limit) ends the file with an
``InputError`` naming the line it stopped at; the lines before it went in.
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from silkwire.errors import InputError
from silkwire.ingest.limits import DEFAULT_LIMITS, Limits, TooLarge

_SNIFF_BYTES = 8192
_SKIP_CHUNK = 1 << 20  # the piece size an over-long line is read and dropped in


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based
    text: str  # without the line ending


class _Capped(io.RawIOBase):
    """A stream that raises ``TooLarge`` once it has given more than ``limit`` bytes."""

    def __init__(self, inner: BinaryIO, limit: int, option: str) -> None:
        self.inner = inner
        self.limit = limit
        self.option = option
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self.inner.read(len(view))
        self.given += len(data)
        if self.given > self.limit:
            raise TooLarge(self.limit, self.option)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_binary(path: str, limits: Limits = DEFAULT_LIMITS) -> BinaryIO:
    """Open ``path`` for reading bytes; ``-`` is standard input; ``*.gz`` is decompressed, at
    most ``limits.max_uncompressed`` bytes of it."""
    if path == "-":
        return sys.stdin.buffer
    if path.endswith(".gz"):
        unpacked = gzip.open(path, "rb")  # noqa: SIM115 (the caller closes what it gets)
        capped = _Capped(unpacked, limits.max_uncompressed, "--max-uncompressed")  # type: ignore[arg-type]
        return io.BufferedReader(capped)
    return open(path, "rb")


def buffered(stream: BinaryIO) -> io.BufferedReader:
    return stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]


def read_error(origin: str, number: int, exc: BaseException) -> InputError:
    """A read that failed at line ``number``: the lines before it were read."""
    where = f"{origin}:{number}"
    if isinstance(exc, TooLarge):
        return InputError(where, f"{exc}; the rest of the file was skipped")
    return InputError(where, f"cannot read on from here ({type(exc).__name__}: {exc}); the rest of the file "
                             "was skipped")


READ_ERRORS = (OSError, EOFError, zlib.error)


def raw_lines(stream: io.BufferedReader, origin: str, limits: Limits) -> Iterator[tuple[int, bytes] | InputError]:
    """(number, bytes without the line ending) of each line, or an ``InputError`` for a line over
    ``max_line_bytes`` (skipped) or a read that failed (the end)."""
    limit = limits.max_line_bytes
    number = 0
    while True:
        number += 1
        try:
            raw = stream.readline(limit + 1)
            if not raw:
                return
            if len(raw) > limit and not raw.endswith(b"\n"):
                while (piece := stream.readline(_SKIP_CHUNK)) and not piece.endswith(b"\n"):
                    pass
                yield InputError(f"{origin}:{number}", f"line longer than {limit:,} bytes (--max-line-bytes); "
                                                       "skipped")
                continue
        except READ_ERRORS as exc:
            yield read_error(origin, number, exc)
            return
        yield number, raw.rstrip(b"\r\n")


def read_lines(stream: BinaryIO, origin: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Line | InputError]:
    """Yield decoded lines, or an ``InputError`` for a line that is not valid UTF-8 or too long.

    A file that looks binary (NUL bytes near its start) is rejected as a whole, and an empty
    file is reported, both as a single ``InputError``.
    """
    reader = buffered(stream)
    try:
        head = reader.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    except READ_ERRORS as exc:
        yield InputError(origin, f"cannot read the file ({exc})")
        return
    if not head:
        yield InputError(origin, "the file is empty: expected news items")
        return
    if b"\x00" in head:
        yield InputError(origin, "not a text file (it contains NUL bytes): expected UTF-8 text")
        return
    for item in raw_lines(reader, origin, limits):
        if isinstance(item, InputError):
            yield item
            continue
        number, raw = item
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield InputError(
                f"{origin}:{number}",
                f"invalid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); the line was skipped",
            )
            continue
        yield Line(number, text)


def origin_name(path: str) -> str:
    return "<stdin>" if path == "-" else str(Path(path))
