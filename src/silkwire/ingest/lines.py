"""Reading text files line by line, safely: one bad line never costs the others.

Files are read as bytes and decoded line by line, so invalid UTF-8 is reported with its line
number and the rest still goes in. A BOM, CRLF endings and a missing final newline are accepted.
Gzip files (``*.gz``) are read transparently.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from silkwire.errors import InputError

_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based
    text: str  # without the line ending


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` for reading bytes; ``-`` is standard input; ``*.gz`` is decompressed."""
    if path == "-":
        return sys.stdin.buffer
    if path.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_lines(stream: BinaryIO, origin: str) -> Iterator[Line | InputError]:
    """Yield decoded lines, or an ``InputError`` for a line that is not valid UTF-8.

    A file that looks binary (NUL bytes near its start) is rejected as a whole, and an empty
    file is reported, both as a single ``InputError``.
    """
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[type-var]
    try:
        head = buffered.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    except (OSError, EOFError) as exc:
        yield InputError(origin, f"cannot read the file ({exc})")
        return
    if not head:
        yield InputError(origin, "the file is empty: expected news items")
        return
    if b"\x00" in head:
        yield InputError(origin, "not a text file (it contains NUL bytes): expected UTF-8 text")
        return
    for number, raw in enumerate(buffered, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        raw = raw.rstrip(b"\r\n")
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
