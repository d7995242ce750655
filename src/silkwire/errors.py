"""Errors users see. Each says where (file, line, field) and what was expected."""

from __future__ import annotations


class SilkwireError(Exception):
    """Base class: a failure with a message fit for the user (no traceback needed)."""


class InputError(SilkwireError):
    """One input item (or a whole file) could not be read."""

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.message = message


class QueryError(SilkwireError):
    """A search query that cannot be understood."""


class StoreError(SilkwireError):
    """The database cannot be opened or is not a silkwire database."""


class NotFoundError(SilkwireError):
    """An id that is not in the database."""


class InputWarning:
    """Something odd in the input that was still taken in (e.g. a title without its lead)."""

    __slots__ = ("message", "origin")

    def __init__(self, origin: str, message: str) -> None:
        self.origin = origin
        self.message = message

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"

    def __repr__(self) -> str:
        return f"InputWarning({self.origin!r}, {self.message!r})"
